"""A campaign's visit lists (not reached, no phone) as files (issue #12 §7): the page's rows in
the page's order, for the campaign's manager, behind re-authentication, access-logged; a
campaign that selects by disability stays behind the health wall."""

from __future__ import annotations

import io
import time

import pytest
from django.test import Client
from django.urls import reverse

from vigie.accounts.reauth import SESSION_KEY
from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Target
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.models import AccessAction, AccessLog
from vigie.core.permissions import ROLE_PERMISSIONS, Perm, Role
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def visits(landlord_a, marc):
    make_household(
        landlord_a,
        [dict(OLD, last_name="DURAND", first_name="Odette", phone="+33561234567")],
        reference="BAIL-DURAND",
    )
    make_household(
        landlord_a, [dict(OLD, last_name="=HYPERLINK(1)", phone="+33561234568")], reference="BAIL-2"
    )
    make_household(landlord_a, [dict(OLD, last_name="SANSTEL", phone="")], reference="BAIL-SANS")
    plain = running_campaign(landlord_a, marc, waves=[{"name": "Aînés", "cohorts": ["over_75"]}])
    Target.objects.filter(campaign=plain, household__reference="BAIL-DURAND").update(
        status=TargetStatus.NOT_REACHED
    )
    return plain


def test_not_reached_as_a_file(visits, marc):
    r = client_for(marc).get(reverse("campaigns:not_reached_csv", args=[visits.pk]))
    assert r.status_code == 200
    lines = [line.split(";") for line in r.content.decode("utf-8-sig").splitlines()]
    assert lines[0][:3] == ["agence", "adresse", "code postal"]
    assert [row[8] for row in lines[1:]] == ["BAIL-DURAND"]  # not the others
    assert "DURAND Odette" in lines[1][9] and lines[1][10] == "Aînés"
    log = AccessLog.objects.get(user=marc, action=AccessAction.EXPORT)
    assert (
        log.detail == "csv not_reached | Injoignables"
        and log.organisation_id == visits.organisation_id
    )


def test_no_phone_as_a_file(visits, marc):
    from openpyxl import load_workbook

    r = client_for(marc).get(reverse("campaigns:no_phone_xlsx", args=[visits.pk]))
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][8] == "référence bail" and [row[8] for row in rows[1:]] == ["BAIL-SANS"]


def test_formula_in_a_name_is_neutralised(visits, marc):
    Target.objects.filter(campaign=visits).update(status=TargetStatus.NOT_REACHED)
    r = client_for(marc).get(reverse("campaigns:not_reached_csv", args=[visits.pk]))
    assert ";'=HYPERLINK(1)" in r.content.decode("utf-8-sig")


def test_callers_and_other_landlords_cannot(visits, claire, landlord_b):
    c = client_for(claire)
    assert c.get(reverse("campaigns:not_reached_csv", args=[visits.pk])).status_code == 403
    page = c.get(reverse("campaigns:not_reached", args=[visits.pk])).content.decode()
    assert reverse("campaigns:not_reached_csv", args=[visits.pk]) not in page
    other = make_user("bea", landlord_b, Role.MANAGER)
    url = reverse("campaigns:no_phone_csv", args=[visits.pk])
    assert client_for(other).get(url).status_code == 404


def test_the_manager_sees_the_links(visits, marc):
    page = client_for(marc).get(reverse("campaigns:no_phone", args=[visits.pk])).content.decode()
    assert reverse("campaigns:no_phone_xlsx", args=[visits.pk]) in page


def test_a_disability_campaign_stays_behind_the_health_wall(landlord_a, marc, monkeypatch):
    make_household(landlord_a, [dict(OLD, disability=True)], reference="BAIL-H")
    health = running_campaign(
        landlord_a, marc, name="Handicap", waves=[{"name": "Handicap", "cohorts": ["disability"]}]
    )
    Target.objects.filter(campaign=health).update(status=TargetStatus.NOT_REACHED)
    url = reverse("campaigns:not_reached_csv", args=[health.pk])
    assert "Handicap" in client_for(marc).get(url).content.decode("utf-8-sig")
    monkeypatch.setitem(
        ROLE_PERMISSIONS,
        Role.MANAGER,
        ROLE_PERMISSIONS[Role.MANAGER] - {Perm.HOUSEHOLD_VIEW_SENSITIVE},
    )
    assert client_for(marc).get(url).status_code == 404


@pytest.mark.parametrize(
    "name", ["not_reached_csv", "not_reached_xlsx", "no_phone_csv", "no_phone_xlsx"]
)
def test_asks_for_the_password_again(visits, marc, name):
    c = client_for(marc)
    session = c.session
    session[SESSION_KEY] = int(time.time()) - 11 * 60
    session.save()
    r = c.get(reverse(f"campaigns:{name}", args=[visits.pk]))
    assert r.status_code == 302 and r["Location"].startswith(reverse("accounts:reauth"))
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT).exists()
