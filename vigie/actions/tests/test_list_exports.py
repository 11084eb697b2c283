"""The actions app's working lists as files (issue #12 §7): needs, referrals, tickets, tasks and
the partner directory, each with the page's filters, behind its walls (another landlord's rows,
another agency's tickets, another partner's referrals, health needs), re-authentication and an
access-log row per organisation.

Personas: Claire (caller at A), Marc (manager at A), Paul (agency staff, Toulouse Nord), Nina
(agency staff, Toulouse Sud), Pierre (CCAS de Toulouse), Quentin (Les Restos), Bea (manager at
Landlord B).
"""

from __future__ import annotations

import io
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.reauth import SESSION_KEY
from vigie.actions.services import partner_create, referral_create, task_create, ticket_report
from vigie.actions.tests.conftest import raise_needs
from vigie.campaigns.choices import NeedKind
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.models import AccessAction, AccessLog
from vigie.core.permissions import ROLE_PERMISSIONS, Perm, Role
from vigie.housing.tests.factories import ResidenceFactory, make_household

pytestmark = pytest.mark.django_db

EXPORTS = [
    "actions:needs_csv",
    "actions:needs_xlsx",
    "actions:referrals_csv",
    "actions:referrals_xlsx",
    "actions:tickets_csv",
    "actions:tickets_xlsx",
    "actions:tasks_csv",
    "actions:tasks_xlsx",
    "actions:partners_csv",
    "actions:partners_xlsx",
]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def csv_rows(user, name: str, query: str = "") -> list[list[str]]:
    r = client_for(user).get(reverse(name) + query)
    assert r.status_code == 200, (name, r.status_code)
    assert r["Content-Type"].startswith("text/csv")
    return [line.split(";") for line in r.content.decode("utf-8-sig").splitlines()]


@pytest.fixture
def bravo(landlord_b):
    """Landlord B's own rows of every list: a need, a referral, a ticket, a task, a partner."""
    bea = make_user("bea", landlord_b, Role.MANAGER)
    bruno_b = make_user("bravo-caller", landlord_b, Role.CALLER)
    residence = ResidenceFactory(organisation=landlord_b, name="Résidence Bravo")
    make_household(
        landlord_b,
        [dict(OLD, last_name="BRAVO", phone="+33561000000")],
        reference="BAIL-BRAVO",
        dwelling__residence=residence,
    )
    campaign = running_campaign(landlord_b, bea, name="Campagne Bravo")
    (need,) = raise_needs(campaign, bruno_b, ["groceries"])
    partner = partner_create(
        actor=bea,
        organisation=landlord_b,
        name="Partenaire Bravo",
        kind="association",
        services=["groceries"],
    )
    referral_create(actor=bea, need=need, partner=partner)
    ticket_report(actor=bea, residence=residence, category="lighting")
    task_create(
        actor=bea,
        organisation_id=landlord_b.pk,
        title="Tâche Bravo",
        due_on=timezone.localdate() + timedelta(days=2),
    )
    return bea


@pytest.fixture
def alpha(campaign, claire, marc, ccas, asso, residence_nord, sud, bravo):
    """Landlord A's rows: needs (one a health need), referrals to two partners, tickets of two
    agencies, tasks."""
    meals, groceries, health = raise_needs(
        campaign, claire, ["meal_delivery", "groceries", "health"]
    )
    referral_create(actor=claire, need=meals, partner=ccas)
    referral_create(actor=claire, need=groceries, partner=asso)
    ticket_report(actor=marc, residence=residence_nord, category="cleaning", note="=cmd()")
    ticket_report(
        actor=marc,
        residence=ResidenceFactory(
            organisation=campaign.organisation, agency=sud, name="Les Roses"
        ),
        category="lighting",
    )
    soon = timezone.localdate() + timedelta(days=3)
    task_create(
        actor=marc,
        organisation_id=campaign.organisation_id,
        title="Rappeler Mme Dupont",
        due_on=soon,
        owner=claire,
    )
    task_create(
        actor=marc,
        organisation_id=campaign.organisation_id,
        title="Tâche de Marc",
        due_on=soon,
        owner=marc,
    )
    return campaign


def test_needs_export_applies_the_filters_and_the_walls(alpha, marc):
    rows = csv_rows(marc, "actions:needs_csv", f"?campaign={alpha.pk}")
    assert rows[0][:3] == ["signalé le", "campagne", "référence bail"]
    kinds = sorted(r[6] for r in rows[1:])
    assert kinds == sorted(str(NeedKind(k).label) for k in ("meal_delivery", "groceries", "health"))
    assert all(r[2] == "BAIL-DUPONT" for r in rows[1:])
    assert "BAIL-BRAVO" not in str(rows)  # another landlord's needs are not in the file
    only = csv_rows(marc, "actions:needs_csv", f"?campaign={alpha.pk}&kind=groceries")
    assert len(only) == 2 and only[1][6] == str(NeedKind.GROCERIES.label)
    assert len(csv_rows(marc, "actions:needs_csv", "?status=resolved")) == 1  # header only
    # The date is French (dd/mm/yyyy hh:mm).
    assert rows[1][0][2] == "/" and rows[1][0][5] == "/"
    logs = AccessLog.objects.filter(
        user=marc, action=AccessAction.EXPORT, object_type="campaigns.need"
    )
    assert logs.count() == 3 and {log.organisation_id for log in logs} == {alpha.organisation_id}
    assert logs.filter(detail__contains="kind=groceries").count() == 1


def test_needs_export_leaves_out_health_needs_for_a_role_without_health_data(
    alpha, marc, monkeypatch
):
    # A landlord whose managers do not see health data (the wall of decision 0010).
    monkeypatch.setitem(
        ROLE_PERMISSIONS,
        Role.MANAGER,
        ROLE_PERMISSIONS[Role.MANAGER] - {Perm.HOUSEHOLD_VIEW_SENSITIVE},
    )
    rows = csv_rows(marc, "actions:needs_csv", f"?campaign={alpha.pk}")
    kinds = [r[6] for r in rows[1:]]
    assert len(kinds) == 2 and str(NeedKind.HEALTH.label) not in kinds
    assert len(csv_rows(marc, "actions:needs_csv", "?kind=health")) == 1  # header only


def test_needs_export_is_the_managers(alpha, claire, bravo):
    assert client_for(claire).get(reverse("actions:needs_csv")).status_code == 403
    rows = csv_rows(bravo, "actions:needs_csv", f"?campaign={alpha.pk}")
    assert len(rows) == 1  # B's manager names A's campaign: nothing of A's


def test_referrals_export_landlord_and_partner_sides(
    alpha, marc, claire, pierre, quentin, asso, bravo
):
    rows = csv_rows(marc, "actions:referrals_csv")
    assert rows[0][:4] == ["date", "besoin", "commune", "partenaire"]
    assert sorted(r[3] for r in rows[1:]) == ["CCAS de Toulouse", "Les Restos"]
    assert "Partenaire Bravo" not in str(rows)
    filtered = csv_rows(marc, "actions:referrals_csv", f"?partner={asso.pk}")
    assert [r[3] for r in filtered[1:]] == ["Les Restos"]
    assert len(csv_rows(marc, "actions:referrals_csv", "?status=done")) == 1  # header only
    # A partner worker exports only what was sent to its organisation.
    mine = csv_rows(pierre, "actions:referrals_csv")
    assert [r[3] for r in mine[1:]] == ["CCAS de Toulouse"]
    assert [r[3] for r in csv_rows(quentin, "actions:referrals_csv")[1:]] == ["Les Restos"]
    log = AccessLog.objects.get(user=pierre, object_type="actions.referral")
    assert log.organisation_id == alpha.organisation_id and log.action == AccessAction.EXPORT
    # A caller reads the list but does not export it; the link is not offered to them.
    assert client_for(claire).get(reverse("actions:referrals_xlsx")).status_code == 403
    assert (
        reverse("actions:referrals_csv")
        not in client_for(claire).get(reverse("actions:referrals")).content.decode()
    )
    assert (
        reverse("actions:referrals_csv")
        in client_for(marc).get(reverse("actions:referrals")).content.decode()
    )


def test_tickets_export_is_the_agencys_own(alpha, paul, nina, marc):
    rows = csv_rows(paul, "actions:tickets_csv")
    assert rows[0][0] == "résidence"
    assert [r[0] for r in rows[1:]] == ["Les Lilas"]  # Paul's agency only, not Les Roses
    assert [r[0] for r in csv_rows(nina, "actions:tickets_csv")[1:]] == ["Les Roses"]
    every = csv_rows(marc, "actions:tickets_csv")
    assert sorted(r[0] for r in every[1:]) == ["Les Lilas", "Les Roses"]
    assert "Résidence Bravo" not in str(every)
    assert [r[0] for r in csv_rows(marc, "actions:tickets_csv", "?category=lighting")[1:]] == [
        "Les Roses"
    ]
    assert len(csv_rows(marc, "actions:tickets_csv", "?status=resolved")) == 1
    assert AccessLog.objects.filter(user=paul, object_type="actions.ticket").count() == 1


def test_tasks_export_follows_the_page(alpha, claire, marc):
    mine = csv_rows(claire, "actions:tasks_csv")
    assert mine[0][:2] == ["échéance", "tâche"]
    assert [r[1] for r in mine[1:]] == ["Rappeler Mme Dupont"]
    every = csv_rows(claire, "actions:tasks_csv", "?tout=1")
    titles = {r[1] for r in every[1:]}
    assert {"Rappeler Mme Dupont", "Tâche de Marc"} <= titles and "Tâche Bravo" not in titles


def test_partners_export_with_the_service_filter(alpha, marc, claire):
    rows = csv_rows(claire, "actions:partners_csv")
    assert rows[0][0] == "nom"
    assert sorted(r[0] for r in rows[1:]) == ["CCAS de Toulouse", "Les Restos"]
    only = csv_rows(marc, "actions:partners_csv", "?service=meal_delivery")
    assert [r[0] for r in only[1:]] == ["CCAS de Toulouse"]


def test_xlsx_and_formula_neutralised(alpha, marc):
    from openpyxl import load_workbook

    r = client_for(marc).get(reverse("actions:tickets_xlsx"))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "résidence" and len(rows) == 3
    assert b"=cmd()" not in r.content  # the note is not exported


@pytest.mark.parametrize("name", EXPORTS)
def test_every_list_export_asks_for_the_password_again(alpha, marc, pierre, name):
    user = pierre if name.startswith("actions:referrals") else marc
    c = client_for(user)
    session = c.session
    session[SESSION_KEY] = int(time.time()) - 11 * 60
    session.save()
    r = c.get(reverse(name))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:reauth"))
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()


def test_the_links_are_on_the_pages(alpha, marc):
    c = client_for(marc)
    for page, export in (
        ("actions:tickets", "actions:tickets_xlsx"),
        ("actions:my_tasks", "actions:tasks_xlsx"),
        ("actions:partners", "actions:partners_xlsx"),
        ("actions:report", "actions:needs_xlsx"),
    ):
        assert reverse(export) in c.get(reverse(page) + "?status=open").content.decode(), page


def test_referrals_export_hides_a_health_need_from_a_role_without_health_data(
    campaign, claire, marc, pierre, ccas, monkeypatch
):
    (health,) = raise_needs(campaign, claire, ["health"])
    referral_create(actor=claire, need=health, partner=ccas)
    label = str(NeedKind.HEALTH.label)
    assert csv_rows(marc, "actions:referrals_csv")[1][1] == label
    # The partner it was sent to reads the need it has to deal with.
    assert csv_rows(pierre, "actions:referrals_csv")[1][1] == label
    monkeypatch.setitem(
        ROLE_PERMISSIONS,
        Role.MANAGER,
        ROLE_PERMISSIONS[Role.MANAGER] - {Perm.HOUSEHOLD_VIEW_SENSITIVE},
    )
    rows = csv_rows(marc, "actions:referrals_csv")
    assert [r[1] for r in rows[1:]] == ["besoin confidentiel (santé)"]


@pytest.mark.parametrize("name", [n for n in EXPORTS if n.endswith("xlsx")])
def test_every_xlsx_opens_with_its_rows(alpha, marc, name):
    from openpyxl import load_workbook

    r = client_for(marc).get(reverse(name))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert len(rows) >= 2 and all(isinstance(v, (str, int, type(None))) for v in rows[1]), rows
