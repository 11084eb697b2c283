"""Departed households are no longer called (issue #10, finding 5).

A full import marks households departed while the "Confinement" campaign runs: Claire holds
one of them on her console, Sophie found another not reached. Their targets leave every queue
at once (status "departed", apart in the stats, counters still equal to a recount); the claim
never hands out a departed household, even one whose target a racing build left pending; a
household that comes back rejoins a queue only when the campaign is rebuilt.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.counters import current, recount
from vigie.campaigns.models import Target
from vigie.campaigns.queue import next_call
from vigie.campaigns.selectors import caller_sheet, campaign_stats
from vigie.campaigns.services import (
    attempt_record,
    campaign_build,
    campaign_close,
    campaign_create,
)
from vigie.campaigns.tests.factories import BUILT_AT, running_campaign
from vigie.campaigns.tests.test_api import api, post
from vigie.campaigns.tests.test_views import HX, client_for, text
from vigie.conftest import make_user
from vigie.core.errors import ConflictError
from vigie.core.models import AuditEvent
from vigie.core.permissions import Role
from vigie.housing.importing import import_stock
from vigie.housing.models import Household, ImportRun
from vigie.housing.services import import_undo_departures
from vigie.housing.tests.test_import import to_csv
from vigie.housing.tests.test_import_departures import lease

pytestmark = pytest.mark.django_db

# Twelve leases; B0000, B0003, B0006 and B0009 (born 1940) are over 75 on the campaign's date.
ALL = range(12)


@pytest.fixture
def sophie(landlord_a):
    """Sophie, a second caller at Landlord A."""
    return make_user("sophie", landlord_a, Role.CALLER)


def full_import(org, keep, **kw):
    report = import_stock(
        organisation=org, data=to_csv([lease(i) for i in keep]), file_name="export.csv", **kw
    )
    assert report.imported, report.errors
    return report


def target_of(campaign, ref: str) -> Target:
    return Target.objects.get(campaign=campaign, household__reference=ref)


def test_a_departure_takes_the_household_out_of_every_queue_at_once(
    landlord_a, marc, claire, sophie
):
    full_import(landlord_a, ALL)
    campaign = running_campaign(landlord_a, marc)
    other = running_campaign(landlord_a, marc)
    closed = running_campaign(landlord_a, marc)
    campaign_close(actor=marc, campaign=closed)
    # Claire holds Mme B0000 on her console (through the API); Sophie's call to B0003 finds a
    # wrong number, the household's only one: not reached, a doorstep visit to plan.
    call = post(api(claire), f"/api/v1/campaigns/{campaign.pk}/next-call").json()
    assert call["household"]["reference"] == "B0000"
    t3 = next_call(campaign=campaign, caller=sophie)
    assert t3.household.reference == "B0003"
    attempt_record(actor=sophie, target=t3, result="wrong_number")
    assert target_of(campaign, "B0003").status == TargetStatus.NOT_REACHED
    assert campaign_stats(campaign)["not_reached"] == 1

    # The nightly full export no longer has B0000, B0003 and B0006 (over the threshold of 2:
    # confirmed).
    report = full_import(landlord_a, [i for i in ALL if i not in (0, 3, 6)], allow_departures=3)
    assert report.departed == 3

    for c in (campaign, other):
        statuses = {t.household.reference: t.status for t in c.targets.select_related("household")}
        assert statuses == {
            "B0000": TargetStatus.DEPARTED,
            "B0003": TargetStatus.DEPARTED,
            "B0006": TargetStatus.DEPARTED,
            "B0009": TargetStatus.PENDING,
        }
    claimed = target_of(campaign, "B0000")
    assert claimed.claimed_by is None and claimed.claim_expires_at is None
    # The closed campaign keeps its figures.
    assert set(closed.targets.values_list("status", flat=True)) == {TargetStatus.PENDING}

    # Nobody is handed a departed household, on the API or the console.
    call = post(api(sophie), f"/api/v1/campaigns/{campaign.pk}/next-call").json()
    assert call["household"]["reference"] == "B0009"
    assert post(api(claire), f"/api/v1/campaigns/{campaign.pk}/next-call").status_code == 204
    r = client_for(claire).post(reverse("campaigns:next_call", args=[other.pk]), **HX)
    assert "B0009" in text(r)
    r = client_for(sophie).post(reverse("campaigns:next_call", args=[other.pk]), **HX)
    assert "Rien à appeler pour le moment" in text(r)
    # Claire's call to Mme B0000 cannot be recorded any more: she left.
    r = post(
        api(claire),
        f"/api/v1/targets/{claimed.pk}/attempts",
        {"result": "reached", "outcome": "reassuring"},
    )
    assert r.status_code == 409 and "marqué parti" in r.json()["detail"]

    # Apart in the stats; the not-reached counter lost Sophie's household, as a recount says.
    body = api(marc).get(f"/api/v1/campaigns/{campaign.pk}/stats").json()
    assert body["departed"] == 3 and body["not_reached"] == 0
    assert body["targets"] == 1 and body["remaining"] == 1
    assert body["waves"][0]["departed"] == 3
    for c in (campaign, other, closed):
        assert current(c) == recount(c)
    call_command("rebuild_counters", "--check")
    events = AuditEvent.objects.filter(action="campaign.targets_departed")
    # object_id is text: sorted as numbers ("10" after "9"), whatever ids the run gave.
    assert sorted((int(e.object_id), e.payload["targets"]) for e in events) == [
        (campaign.pk, 3),
        (other.pk, 3),
    ]
    first = events.get(object_id=str(campaign.pk))
    assert first.payload["from"] == {"claimed": 1, "not_reached": 1, "pending": 1}
    assert first.payload["import_run"] == report.run_id
    page = client_for(marc).get(reverse("campaigns:detail", args=[campaign.pk]))
    assert "Partis" in text(page)


def test_the_claim_never_hands_out_a_departed_household(landlord_a, marc, claire):
    """A target a build wrote while an import departed its household (a race) stays pending:
    the claim and the printed sheets still skip it."""
    full_import(landlord_a, ALL)
    campaign = running_campaign(landlord_a, marc)
    Household.objects.filter(reference__in=["B0000", "B0003", "B0006"]).update(
        departed_on=date(2020, 3, 17)
    )
    assert target_of(campaign, "B0000").status == TargetStatus.PENDING
    assert [t.household.reference for t in caller_sheet(campaign, claire, now=BUILT_AT)] == [
        "B0009"
    ]
    got = next_call(campaign=campaign, caller=claire, now=BUILT_AT)
    assert got.household.reference == "B0009"
    attempt_record(actor=claire, target=got, result="reached", outcome="reassuring", now=BUILT_AT)
    assert next_call(campaign=campaign, caller=claire, now=BUILT_AT) is None


def test_a_household_back_rejoins_only_when_the_campaign_is_rebuilt(landlord_a, marc, claire):
    full_import(landlord_a, ALL)
    campaign = running_campaign(landlord_a, marc)
    full_import(landlord_a, [i for i in ALL if i != 0])
    assert target_of(campaign, "B0000").status == TargetStatus.DEPARTED
    # A new campaign built now leaves the departed household out (though active on its date).
    fresh = campaign_create(
        actor=marc,
        organisation=landlord_a,
        name="Nouvelle",
        as_of=date(2020, 3, 17),
        waves=[{"name": "75 ans et plus", "cohorts": ["over_75"], "priority": 1}],
    )
    campaign_build(actor=marc, campaign=fresh)
    assert not fresh.targets.filter(household__reference="B0000").exists()
    # B0000 is back in the next export: active again, but not called until a rebuild.
    full_import(landlord_a, ALL)
    assert Household.objects.get(reference="B0000").departed_on is None
    now = BUILT_AT
    seen = []
    while (t := next_call(campaign=campaign, caller=claire, now=now)) is not None:
        seen.append(t.household.reference)
        attempt_record(actor=claire, target=t, result="reached", outcome="reassuring", now=now)
    assert seen == ["B0003", "B0006", "B0009"]
    counts = campaign_build(actor=marc, campaign=campaign, now=now + timedelta(minutes=1))
    assert counts["added"] == 0
    assert target_of(campaign, "B0000").status == TargetStatus.PENDING
    event = AuditEvent.objects.filter(action="campaign.built").latest("id")
    assert event.payload["returned"] == 1
    t = next_call(campaign=campaign, caller=claire, now=now + timedelta(minutes=2))
    assert t.household.reference == "B0000"
    assert current(campaign) == recount(campaign)


def test_undone_departures_rejoin_on_rebuild_too(landlord_a, marc, amina, claire):
    full_import(landlord_a, ALL)
    campaign = running_campaign(landlord_a, marc)
    report = full_import(landlord_a, [1, 2], allow_departures=10)
    assert campaign_stats(campaign)["departed"] == 4
    import_undo_departures(actor=amina, run=ImportRun.objects.get(pk=report.run_id))
    assert Household.objects.filter(departed_on__isnull=True).count() == 12
    assert campaign_stats(campaign)["departed"] == 4  # until the rebuild
    assert next_call(campaign=campaign, caller=claire, now=BUILT_AT) is None
    campaign_build(actor=marc, campaign=campaign, now=BUILT_AT)
    stats = campaign_stats(campaign)
    assert stats["departed"] == 0 and stats["remaining"] == 4
    with pytest.raises(ConflictError, match="déjà été annulés"):
        import_undo_departures(actor=amina, run=ImportRun.objects.get(pk=report.run_id))
