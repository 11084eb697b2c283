"""Food aid in the privacy registries: a person's export, erasure, retention (docs/privacy.md §7)."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from django.utils import timezone

from vigie.foodaid.models import Enrolment, Record
from vigie.foodaid.services import enrolment_create, record_checkin, session_create
from vigie.privacy.retention import purge
from vigie.privacy.services import occupant_erase, subject_export

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(lockdown, marc):
    petit = lockdown.households[2]
    e = enrolment_create(
        actor=marc,
        programme=lockdown.programme,
        household=petit,
        consent_on=date(2020, 3, 20),
        mode="delivery",
        delivery_reason="disability",
        share_disability=True,
    )
    s = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.bagatelle, day=date(2020, 4, 3)
    )
    record_checkin(
        actor=marc,
        session=s,
        client_id=uuid.uuid4(),
        enrolment_id=e.pk,
        result="delivered",
        parcels=2,
    )
    return e


def test_export_names_enrolments_and_what_was_received(served):
    occupant = served.household.occupants.first()
    data = subject_export(occupant=occupant)
    section = data["aide_alimentaire"]["inscriptions"]
    assert section[0]["programme"] == "Distribution confinement"
    assert section[0]["consentement_le"] == "2020-03-20"
    assert section[0]["passages"] == [
        {"distribution_le": "2020-04-03", "resultat": "livré", "colis": 2, "quantites": {}}
    ]


def test_erasing_the_last_adult_ends_enrolments_and_keeps_the_figures(served, dora):
    for occupant in served.household.occupants.all():
        occupant_erase(actor=dora, occupant=occupant)
    e = Enrolment.objects.get(pk=served.pk)
    assert e.status == "withdrawn" and e.delivery_reason == "" and not e.share_disability
    assert Record.objects.filter(enrolment=e).count() == 1


def test_retention_removes_programmes_ended_three_years_ago(served):
    # The programme ended on 30/06/2020: kept until mid-2023.
    assert (
        purge(dry_run=True, now=timezone.now().replace(year=2023, month=1))["aide_alimentaire"] == 0
    )
    later = timezone.now().replace(year=2024)
    assert purge(dry_run=True, now=later)["aide_alimentaire"] == 2  # an enrolment, a record
    purge(now=later)
    assert not Enrolment.objects.exists() and not Record.objects.exists()


def test_the_dpo_reads_which_distribution_and_what_of_it(served, marc, dora):
    """The access log named a distribution by its date alone ("03/04/2020") and the page read
    as "foodaid checkin": now the session by date and site, and the read in words."""
    import html

    from django.test import Client

    s = served.programme.sessions.get()
    c = Client()
    c.force_login(marc)
    assert c.get(f"/aide-alimentaire/distributions/{s.pk}/pointage/").status_code == 200
    c.force_login(dora)
    page = html.unescape(c.get("/confidentialite/journal-des-acces/").content.decode())
    assert "distribution du 03/04/2020 — Bagatelle" in page
    assert "accueil de la distribution (pointage)" in page
    assert "foodaid" not in page
