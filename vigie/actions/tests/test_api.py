"""The actions API: same walls and rules as the pages; 409 on a stale version.

Personas: Claire (caller at A), Pierre (CCAS), Quentin (another association), Bruno (Landlord B),
Paul (agency staff, Toulouse Nord), Nina (agency staff, Toulouse Sud).
"""

from __future__ import annotations

import pytest
from django.test import Client

from vigie.accounts.models import ApiToken
from vigie.actions.tests.conftest import raise_needs

pytestmark = pytest.mark.django_db


def api(user) -> Client:
    _token, raw = ApiToken.issue(user=user)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_referral_api_workflow_and_walls(campaign, claire, pierre, quentin, bruno, paul, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    c = api(claire)
    assert [n["kind"] for n in c.get("/api/v1/needs?status=open").json()] == ["meal_delivery"]
    partners = c.get("/api/v1/partners?service=meal_delivery").json()
    assert [p["name"] for p in partners] == ["CCAS de Toulouse"]
    r = c.post(
        "/api/v1/referrals",
        {"need_id": need.pk, "partner_id": ccas.pk, "note": "Le matin"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    ref = r.json()
    assert ref["status"] == "sent"

    p = api(pierre)
    listed = p.get("/api/v1/referrals").json()
    assert [x["id"] for x in listed] == [ref["id"]]
    detail = p.get(f"/api/v1/referrals/{ref['id']}").json()
    assert detail["people"][0]["name"] == "DUPONT Jeanne" and detail["note"] == "Le matin"
    assert detail["cohorts"] == [] and detail["disability"] is None
    ok = p.post(
        f"/api/v1/referrals/{ref['id']}/status",
        {"to": "accepted", "version": ref["version"]},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"
    stale = p.post(
        f"/api/v1/referrals/{ref['id']}/status",
        {"to": "done", "version": ref["version"], "note": "fait"},
        content_type="application/json",
    )
    assert stale.status_code == 409 and "quelqu'un d'autre" in stale.json()["detail"]
    no_reason = p.post(
        f"/api/v1/referrals/{ref['id']}/status",
        {"to": "done", "version": ok.json()["version"]},
        content_type="application/json",
    )
    assert no_reason.status_code == 422

    # Walls: other partner and other landlord → 404; wrong role → 403.
    assert api(quentin).get(f"/api/v1/referrals/{ref['id']}").status_code == 404
    assert api(bruno).get(f"/api/v1/referrals/{ref['id']}").status_code == 404
    assert api(bruno).get(f"/api/v1/needs/{need.pk}").status_code == 404
    assert api(pierre).get("/api/v1/needs").status_code == 403
    assert api(pierre).get("/api/v1/tickets").status_code == 403
    assert api(paul).get("/api/v1/referrals").status_code == 403
    assert Client().get("/api/v1/referrals").status_code == 401


def test_ticket_and_task_api(campaign, claire, marc, paul, nina, residence_nord):
    (need,) = raise_needs(campaign, claire, ["housing_problem"])
    r = api(claire).post(
        "/api/v1/tickets",
        {"need_id": need.pk, "category": "lift"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.json()
    t = r.json()
    assert api(paul).get("/api/v1/tickets").json()[0]["id"] == t["id"]
    assert api(nina).get("/api/v1/tickets").json() == []
    assert api(nina).get(f"/api/v1/tickets/{t['id']}").status_code == 404
    bad = api(paul).post(
        f"/api/v1/tickets/{t['id']}/status",
        {"to": "opened", "version": t["version"]},
        content_type="application/json",
    )
    assert bad.status_code == 422
    moved = api(paul).post(
        f"/api/v1/tickets/{t['id']}/status",
        {"to": "resolved", "version": t["version"], "note": "Ascenseur réparé"},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["status"] == "resolved"
    assert api(claire).get(f"/api/v1/needs/{need.pk}").json()["status"] == "resolved"

    task = api(marc).post(
        "/api/v1/tasks",
        {"title": "Rappeler dans une semaine", "due_on": "2030-01-10", "owner_id": claire.pk},
        content_type="application/json",
    )
    assert task.status_code == 201, task.json()
    mine = api(claire).get("/api/v1/tasks?mine=true").json()
    assert [x["title"] for x in mine] == ["Rappeler dans une semaine"]
    assert api(paul).get("/api/v1/tasks").status_code == 403


def test_openapi_lists_the_actions_operations(claire):
    spec = api(claire).get("/api/openapi.json").json()
    for path in (
        "/api/v1/partners",
        "/api/v1/needs",
        "/api/v1/referrals",
        "/api/v1/tickets",
        "/api/v1/tasks",
    ):
        assert path in spec["paths"]


def test_a_task_goes_only_to_a_member_who_works_on_tasks(marc, claire, paul, bruno):
    """Guards the owner lookup of the API (the pages read `actions.selectors.task_owners`):
    another landlord's caller (Bruno) is not found, agency staff (Paul), who never see tasks,
    are refused with the service's sentence, a caller of the landlord (Claire) gets it."""
    c = api(marc)
    body = {"title": "Rappeler", "due_on": "2030-01-10"}
    outsider = c.post(
        "/api/v1/tasks", {**body, "owner_id": bruno.pk}, content_type="application/json"
    )
    assert outsider.status_code == 404
    staff = c.post("/api/v1/tasks", {**body, "owner_id": paul.pk}, content_type="application/json")
    assert staff.status_code == 422
    assert staff.json()["detail"] == "paul ne travaille pas sur les tâches de ce bailleur."
    given = c.post(
        "/api/v1/tasks", {**body, "owner_id": claire.pk}, content_type="application/json"
    )
    assert given.status_code == 201 and given.json()["owner"] == "claire"
