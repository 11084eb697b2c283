"""Calls in data-subject requests and retention: export, erasure, purge of old notes."""

from datetime import timedelta

import pytest
from django.urls import reverse

from vigie.campaigns.models import Attempt, Need
from vigie.campaigns.queue import next_call
from vigie.campaigns.services import attempt_record
from vigie.campaigns.tests.factories import BUILT_AT, old_household, running_campaign
from vigie.privacy.retention import purge

pytestmark = pytest.mark.django_db


@pytest.fixture
def called(landlord_a, marc, claire):
    """Mme Old was called on the first morning: she needs groceries and her health worries her."""
    h = old_household(landlord_a, last_name="ANCIENNE")
    campaign = running_campaign(landlord_a, marc)
    target = next_call(campaign=campaign, caller=claire, now=BUILT_AT)
    attempt_record(
        actor=claire,
        target=target,
        result="reached",
        outcome="needs_follow_up",
        needs=["groceries", "health"],
        notes="NOTE-SECRETE tension élevée",
        now=BUILT_AT,
    )
    return h


def test_the_person_export_includes_the_calls(client, dora, called):
    client.force_login(dora)
    occ = called.occupants.get()
    data = client.get(reverse("privacy:person_export", args=[occ.pk])).json()
    assert data["appels"][0]["notes"] == "NOTE-SECRETE tension élevée"
    assert {n["besoin"] for n in data["besoins"]} == {"courses", "santé"}


def test_erasure_of_the_only_adult_wipes_the_call_notes_and_needs(client, dora, called):
    client.force_login(dora)
    occ = called.occupants.get()
    client.post(reverse("privacy:person_action", args=[occ.pk, "effacer"]), {"confirm": "EFFACER"})
    a = Attempt.objects.get()
    assert a.notes == "" and a.needs == [] and a.answers == {}
    assert not Need.objects.filter(household=called).exists()
    assert a.result == "reached"  # the campaign's figures stay right


def test_call_notes_are_purged_two_years_after_the_last_contact(called):
    assert purge(dry_run=True, now=BUILT_AT + timedelta(days=729))["call_notes"] == 0
    later = BUILT_AT + timedelta(days=731)
    assert purge(dry_run=True, now=later)["call_notes"] == 1
    assert purge(now=later)["call_notes"] == 1
    a = Attempt.objects.get()
    assert a.notes == "" and a.needs == [] and a.answers == {}
    # The needs stay as figures for the reports, without free text.
    assert Need.objects.count() == 2
    assert purge(now=later)["call_notes"] == 0
