"""A partner worker never learns of a referral it was not sent (issue #10 §2).

Pierre (partner worker at the CCAS de Toulouse) walks every referral route — pages and API, GET
and POST, found by reading the URLconf and the OpenAPI document, so a new route is walked as
soon as it is mounted — on a referral of his own CCAS that Claire (caller at A) only proposed,
and on one she cancelled before sending it. Every answer is a 404, the lists leave it out, and
nothing was written.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from vigie.accounts.models import ApiToken
from vigie.actions import urls as actions_urls
from vigie.actions.choices import ReferralStatus
from vigie.actions.models import Referral, ReferralStep
from vigie.actions.services import referral_create, referral_move
from vigie.actions.tests.conftest import raise_needs
from vigie.core.models import AccessLog, AuditEvent

pytestmark = pytest.mark.django_db


def _web_routes() -> list[str]:
    """URL names of the actions pages that take one referral (`orientations/<int:pk>/…`)."""
    return [
        p.name
        for p in actions_urls.urlpatterns
        if str(p.pattern).startswith("orientations/<int:pk>")
    ]


def _api_routes(client: Client) -> list[tuple[str, str]]:
    """(method, path template) of every API operation on one referral."""
    spec = client.get("/api/openapi.json").json()
    return [
        (method, path)
        for path, operations in spec["paths"].items()
        if "{referral_id}" in path
        for method in operations
    ]


def _snapshot(r: Referral) -> tuple:
    r.refresh_from_db()
    return (
        r.status,
        r.version,
        r.sent_at,
        ReferralStep.objects.filter(referral=r).count(),
        # (The API token's first use is journalled: not a change to the referral.)
        AuditEvent.objects.exclude(action="api_token.used").count(),
        AccessLog.objects.filter(object_type="actions.referral").count(),
    )


@pytest.fixture(params=["proposed", "cancelled_before_sending"])
def unsent(request, campaign, claire, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    r = referral_create(actor=claire, need=need, partner=ccas, send=False)
    if request.param == "cancelled_before_sending":
        r = referral_move(actor=claire, referral=r, to="cancelled", version=None, note="erreur")
    return r


def test_partner_worker_gets_404_on_every_route_of_an_unsent_referral(unsent, pierre):
    web = Client()
    web.force_login(pierre)
    _token, raw = ApiToken.issue(user=pierre)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    before = _snapshot(unsent)

    names = _web_routes()
    assert {"referral", "referral_move"} <= set(names)
    for name in names:
        url = reverse(f"actions:{name}", args=[unsent.pk])
        assert web.get(url).status_code in (404, 405), url
        for to in [*ReferralStatus.values, "informed", "reassign"]:
            answer = web.post(url, {"to": to, "version": unsent.version, "note": "fait"})
            assert answer.status_code == 404, (url, to, answer.status_code)

    operations = _api_routes(api)
    assert ("get", "/api/v1/referrals/{referral_id}") in operations
    assert ("post", "/api/v1/referrals/{referral_id}/status") in operations
    for method, template in operations:
        url = template.replace("{referral_id}", str(unsent.pk))
        if method == "get":
            answer = api.get(url)
            assert answer.status_code == 404, (url, answer.status_code)
        else:
            for to in ReferralStatus.values:
                answer = getattr(api, method)(
                    url,
                    {"to": to, "version": unsent.version, "note": "fait"},
                    content_type="application/json",
                )
                assert answer.status_code == 404, (method, url, to, answer.status_code)
                assert str(ReferralStatus(unsent.status).label) not in answer.content.decode()

    # The lists leave it out, whatever the filter.
    for status in ("", "all", "open", unsent.status):
        page = web.get(reverse("actions:referrals"), {"status": status}).content.decode()
        assert not re.search(rf"/orientations/{unsent.pk}/", page), status
        listed = api.get("/api/v1/referrals", {"status": status}).json()
        assert unsent.pk not in [x["id"] for x in listed], status

    assert _snapshot(unsent) == before


def test_once_sent_the_partner_reaches_it(campaign, claire, pierre, ccas):
    """The same wall lets the referral through once it is sent (the test above is not a 404
    for everything)."""
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    r = referral_create(actor=claire, need=need, partner=ccas, send=False)
    web = Client()
    web.force_login(pierre)
    assert web.get(reverse("actions:referral", args=[r.pk])).status_code == 404
    referral_move(actor=claire, referral=r, to="sent", version=None)
    assert web.get(reverse("actions:referral", args=[r.pk])).status_code == 200
    moved = web.post(
        reverse("actions:referral_move", args=[r.pk]), {"to": "accepted", "version": r.version + 1}
    )
    assert moved.status_code == 302
    r.refresh_from_db()
    assert r.status == ReferralStatus.ACCEPTED
