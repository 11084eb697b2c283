"""Password asked again before a bulk export when the last sign-in is over 10 minutes old."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from vigie.accounts.reauth import SESSION_KEY
from vigie.campaigns.tests.factories import old_household, running_campaign
from vigie.conftest import PASSWORD
from vigie.core.models import AuditEvent
from vigie.core.tests.test_matrix import pages

pytestmark = pytest.mark.django_db

# Files that are not personal data: the blank import template.
NOT_BULK = {"housing:import_example"}


def sign_in(client, username: str = "claire") -> None:
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _age_session(client, minutes: int) -> None:
    session = client.session
    session[SESSION_KEY] = int(time.time()) - minutes * 60
    session.save()


@pytest.fixture
def sheet(landlord_a, marc, claire):
    old_household(landlord_a)
    campaign = running_campaign(landlord_a, marc)
    return reverse("campaigns:sheet_csv", args=[campaign.pk])


def test_export_right_after_sign_in_needs_no_second_password(client, claire, sheet):
    sign_in(client)
    assert client.get(sheet).status_code == 200


def test_export_asks_for_the_password_again_after_ten_minutes(client, claire, sheet):
    sign_in(client)
    _age_session(client, 11)
    response = client.get(sheet)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
    page = client.get(response["Location"])
    assert "Confirmer votre mot de passe" in page.content.decode()
    wrong = client.post(reverse("accounts:reauth"), {"password": "nope", "next": sheet})
    assert wrong.status_code == 200 and "incorrect" in wrong.content.decode()
    assert client.get(sheet).status_code == 302
    right = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": sheet})
    assert right.status_code == 302 and right["Location"] == sheet
    assert client.get(sheet).status_code == 200
    assert AuditEvent.objects.filter(action="auth.reauthenticated", actor=claire).count() == 1


def test_reauth_never_redirects_off_site(client, claire):
    sign_in(client)
    response = client.post(
        reverse("accounts:reauth"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_wrong_passwords_lock_out_like_the_login_page(client, claire, sheet, settings):
    sign_in(client)
    _age_session(client, 11)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:reauth"), {"password": "nope", "next": sheet})
    locked = client.post(reverse("accounts:reauth"), {"password": PASSWORD, "next": sheet})
    assert locked.status_code != 302
    assert client.get(sheet).status_code == 302


def test_a_role_without_the_permission_gets_403_not_a_password_prompt(client, amina, sheet):
    client.force_login(amina)
    _age_session(client, 11)
    assert client.get(sheet).status_code == 403


def test_every_bulk_export_asks_for_a_recent_password():
    """Any page serving a file (.csv, .xlsx, .json, or named export) is decorated."""
    missing = [
        name
        for route, _ns, name, view in pages()
        if (route.endswith((".csv", ".xlsx", ".json")) or "export" in name)
        and name not in NOT_BULK
        and not getattr(view, "vigie_recent_auth", False)
    ]
    assert not missing, f"exports without @recent_auth_required: {missing}"
    names = {name for _r, _ns, name, view in pages() if getattr(view, "vigie_recent_auth", False)}
    assert {"campaigns:sheet_csv", "campaigns:sheet_xlsx", "privacy:person_export"} <= names


def test_role_changes_in_the_admin_ask_for_a_recent_password(client):
    """Memberships (roles) are edited in the admin: every admin page asks after 10 minutes."""
    from vigie.accounts.models import User

    root = User.objects.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get("/admin/accounts/user/").status_code == 200
    _age_session(client, 11)
    response = client.get(f"/admin/accounts/user/{root.pk}/change/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:reauth"))
