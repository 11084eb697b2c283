"""API tokens: revocable by prefix from the command line, and their use journaled (§7)."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.utils import timezone

from vigie.accounts.models import ApiToken
from vigie.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _get(raw: str):
    return Client().get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_revoke_token_by_prefix_stops_it_at_once(marc):
    token, raw = ApiToken.issue(user=marc)
    assert _get(raw).status_code == 200
    out = io.StringIO()
    call_command("revoke_token", raw[:10], stdout=out)
    assert f"{token.prefix}… de marc" in out.getvalue()
    assert _get(raw).status_code == 401
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert event.payload == {"prefix": token.prefix, "user": "marc"}
    assert raw not in str(event.payload)  # only the prefix is journaled
    with pytest.raises(CommandError, match="Aucun jeton actif"):
        call_command("revoke_token", raw[:10])


def test_an_ambiguous_prefix_revokes_nothing_without_all(marc, claire):
    first, raw1 = ApiToken.issue(user=marc)
    second, raw2 = ApiToken.issue(user=claire)
    ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    with pytest.raises(CommandError, match="2 jetons actifs"):
        call_command("revoke_token", first.prefix)
    assert _get(raw1).status_code == 200 and _get(raw2).status_code == 200
    call_command("revoke_token", first.prefix, user="claire", stdout=io.StringIO())
    assert _get(raw1).status_code == 200 and _get(raw2).status_code == 401
    call_command("revoke_token", "--user", "marc", stdout=io.StringIO())
    assert _get(raw1).status_code == 401


def test_token_use_is_journaled_at_most_once_a_minute(marc):
    token, raw = ApiToken.issue(user=marc)
    for _ in range(3):
        assert _get(raw).status_code == 200
    events = AuditEvent.objects.filter(action="api_token.used", object_id=str(token.pk))
    assert events.count() == 1
    assert events.get().actor == marc and events.get().payload == {"prefix": token.prefix}
    token.refresh_from_db()
    assert token.last_used_at is not None
    # A minute later the next use is journaled again.
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    assert _get(raw).status_code == 200
    assert events.count() == 2


def test_an_unknown_token_is_not_journaled(marc):
    assert _get("vg_not-a-real-token").status_code == 401
    assert not AuditEvent.objects.filter(action="api_token.used").exists()
