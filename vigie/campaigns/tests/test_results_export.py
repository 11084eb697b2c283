"""A campaign's results exported by its manager (issue #9 §7): one row per household, health
needs only for roles that may see them, access-logged, another landlord's campaign a 404."""

from __future__ import annotations

import io

import pytest
from django.test import Client

from vigie.campaigns import queue
from vigie.campaigns.choices import AttemptResult, NeedKind, Outcome
from vigie.campaigns.services import attempt_record
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.core.models import AccessAction, AccessLog
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def called(landlord_a, marc, claire):
    make_household(landlord_a, [dict(OLD, last_name="Durand")], reference="A-1")
    make_household(landlord_a, [dict(OLD, last_name="Martin")], reference="A-2")
    campaign = running_campaign(landlord_a, marc, waves=[{"name": "Aînés", "cohorts": ["over_75"]}])
    target = queue.next_call(campaign=campaign, caller=claire)
    attempt_record(
        actor=claire,
        target=target,
        result=AttemptResult.REACHED,
        outcome=Outcome.NEEDS_FOLLOW_UP,
        needs=[NeedKind.GROCERIES, NeedKind.HEALTH],
        notes="ne pas exporter",
    )
    return campaign


def test_the_manager_exports_every_household_with_its_result(called, marc):
    from openpyxl import load_workbook

    client = Client()
    client.force_login(marc)
    r = client.get(f"/campagnes/{called.pk}/resultats.xlsx")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "référence bail"
    by_ref = {row[0]: row for row in rows[1:]}
    assert set(by_ref) == {"A-1", "A-2"}
    called_row = next(row for row in rows[1:] if row[6] == 1)
    assert "Courses" in called_row[10] or "courses" in called_row[10].lower()
    assert str(NeedKind.HEALTH.label) in called_row[10]  # the manager may see health needs
    assert b"ne pas exporter" not in r.content
    assert AccessLog.objects.filter(
        user=marc, action=AccessAction.EXPORT, detail="xlsx results | Résultats"
    ).exists()


def test_callers_and_other_landlords_cannot(called, claire, bruno):
    for user, status in ((claire, 403), (bruno, 403)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/campagnes/{called.pk}/resultats.csv").status_code == status


def test_another_landlords_manager_gets_404(called, landlord_b):
    from vigie.accounts.services import user_create
    from vigie.core.permissions import Role

    other = user_create(username="autre", organisation=landlord_b, role=Role.MANAGER)
    client = Client()
    client.force_login(other)
    assert client.get(f"/campagnes/{called.pk}/resultats.csv").status_code == 404


def test_the_follow_up_report_as_a_file(called, marc):
    client = Client()
    client.force_login(marc)
    r = client.get(f"/actions/bilan/{called.pk}.csv")
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("tableau;besoin ou partenaire")
    assert any(line.startswith("par besoin;") for line in lines)
    assert lines[-1].startswith("total;;2;")
    assert "Durand" not in text and "Martin" not in text  # figures only
