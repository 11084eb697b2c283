"""Campaign counters (campaigns/counters.py): always what a recount of the calls says.

Claire and Sofiane call for Landlord A; Marc manages; Dora, the DPO, erases people. Whatever
they do, in whatever order, the counters behind the stats and the dashboard equal a recount
from the calls, needs and households — and the figures read from them equal the figures the
old code computed from the calls themselves.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count, Q

from vigie.accounts.models import User
from vigie.campaigns import services
from vigie.campaigns.choices import SENSITIVE_NEEDS, TargetStatus
from vigie.campaigns.counters import counters_rebuild, current, recount
from vigie.campaigns.models import Attempt, CampaignCounter, Need, Target
from vigie.campaigns.queue import claim_release, next_call
from vigie.campaigns.selectors import caller_progress, campaign_stats
from vigie.campaigns.services import attempt_record, target_exclude
from vigie.campaigns.tests.factories import (
    BUILT_AT,
    CHILD,
    OLD,
    SEPTUA,
    YOUNG,
    old_household,
    running_campaign,
)
from vigie.conftest import make_user
from vigie.core.errors import DomainError
from vigie.core.permissions import Role
from vigie.housing.departures import households_departing
from vigie.housing.models import Household
from vigie.housing.tests.factories import make_household
from vigie.privacy.services import household_erase_occupants, occupant_erase

pytestmark = pytest.mark.django_db

NEEDS = ["groceries", "health", "isolation", "medication", "meal_delivery"]


def stats_from_the_calls(campaign, *, sensitive: bool = True) -> dict:
    """The per-caller and per-need figures as campaign_stats computed them before counters."""
    callers = [
        {
            "username": row["caller__username"] or "",
            "attempts": row["attempts"],
            "reached": row["reached"],
            "reassuring": row["reassuring"],
            "needs_follow_up": row["needs_follow_up"],
        }
        for row in Attempt.objects.filter(campaign=campaign)
        .values("caller__username")
        .annotate(
            attempts=Count("id"),
            reached=Count("id", filter=Q(result="reached")),
            reassuring=Count("id", filter=Q(outcome="reassuring")),
            needs_follow_up=Count("id", filter=Q(outcome="needs_follow_up")),
        )
        .order_by("caller__username")
    ]
    needs = {
        row["kind"]: row["n"]
        for row in Need.objects.filter(attempt__campaign=campaign)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
        if sensitive or row["kind"] not in SENSITIVE_NEEDS
    }
    return {"callers": callers, "needs": needs}


def progress_from_the_calls(campaign) -> dict:
    """Not reached and needs per caller id, as caller_progress computed them before counters."""
    out: dict = {}
    for row in (
        Target.objects.filter(campaign=campaign, status="not_reached", attempts__isnull=False)
        .values("attempts__caller")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    ):
        out.setdefault(row["attempts__caller"], {})["not_reached"] = row["n"]
    for row in (
        Need.objects.filter(attempt__campaign=campaign)
        .values("attempt__caller")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(row["attempt__caller"], {})["needs"] = row["n"]
    return out


def assert_counters_true(campaign) -> None:
    assert current(campaign) == recount(campaign)
    for sensitive in (True, False):
        stats = campaign_stats(campaign, sensitive=sensitive)
        truth = stats_from_the_calls(campaign, sensitive=sensitive)
        by_name = sorted(stats["callers"], key=lambda c: c["username"])
        assert by_name == sorted(truth["callers"], key=lambda c: c["username"])
        assert stats["needs"] == truth["needs"]
    progress = caller_progress(campaign)
    for caller_id, truth in progress_from_the_calls(campaign).items():
        got = progress.get(caller_id, {})
        assert {k: got.get(k, 0) for k in truth} == truth, caller_id


@pytest.fixture
def sofiane(landlord_a):
    return make_user("sofiane", landlord_a, Role.CALLER)


@pytest.fixture
def street(landlord_a):
    """Forty households of Landlord A: old people alone or in couples, families."""
    rng = random.Random(7)
    homes = []
    for i in range(40):
        shape = rng.choice(
            [[OLD], [OLD, OLD], [SEPTUA], [YOUNG, CHILD], [OLD, YOUNG], [SEPTUA, CHILD]]
        )
        homes.append(make_household(landlord_a, [dict(o, last_name=f"RUE{i}") for o in shape]))
    return homes


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_counters_equal_a_recount_after_any_sequence_of_services(
    seed, landlord_a, marc, claire, sofiane, dora, street
):
    """A seeded day of work: calls from the queue and from paper sheets, every result, needs,
    callbacks, released claims, exclusions of not-reached households, erasures of a person,
    anonymisations of a departed household and households an import marks departed — the
    counters stay equal to a recount."""
    rng = random.Random(seed)
    departures = random.Random(seed * 31)  # apart: the sequence above stays the same
    campaign = running_campaign(landlord_a, marc, retry_policy=_quick_retries())
    now = BUILT_AT
    callers = [claire, sofiane]
    seen = set()  # what the sequence went through, so that the test cannot pass by idling
    for step in range(140):
        now += timedelta(minutes=rng.randint(1, 200))
        actor = rng.choice(callers)
        roll = rng.random()
        try:
            if roll < 0.55:
                target = next_call(campaign=campaign, caller=actor, now=now)
                if target is None:
                    continue
                if rng.random() < 0.1:
                    claim_release(actor=actor, target=target, now=now)
                    continue
                _record(rng, actor=actor, target=target, now=now)
            elif roll < 0.70:  # paper: a printed sheet, entered afterwards
                sheet = services.sheet_reserve(
                    actor=marc, campaign=campaign, caller=actor, n=3, now=now
                )
                for target in sheet[: rng.randint(1, 3)]:
                    _record(rng, actor=actor, target=target, now=now, from_paper=True)
                services.sheet_release(actor=marc, campaign=campaign, caller=actor)
            elif roll < 0.80:
                target = _pick(rng, campaign, status__in=(TargetStatus.NOT_REACHED, "pending"))
                if target is not None:
                    target_exclude(actor=marc, target=target, reason="déménagé")
                    seen.add(f"excluded {target.status}")
            elif roll < 0.90:
                target = _pick(rng, campaign, attempts_count__gt=0)
                if target is not None:
                    occupant = target.household.occupants.order_by("?").first()
                    occupant_erase(actor=dora, occupant=occupant)
            else:
                target = _pick(rng, campaign, attempts_count__gt=0)
                if target is not None:
                    household_erase_occupants(
                        household=target.household, actor=None, reason="retention"
                    )
        except DomainError:
            pass  # a refused action (already excluded, nothing to enter) changes nothing
        if step % 30 == 9:  # a full import marks a household departed (issue #10)
            target = _pick(
                departures,
                campaign,
                status__in=(TargetStatus.NOT_REACHED, "pending", "claimed", "callback", "no_phone"),
            )
            if target is not None:
                Household.objects.filter(pk=target.household_id).update(departed_on=now.date())
                households_departing(
                    household_ids=[target.household_id], run=None, actor=None, now=now
                )
                seen.add(f"departed {target.status}")
        if Target.objects.filter(campaign=campaign, status=TargetStatus.NOT_REACHED).exists():
            seen.add("not reached")
        if step % 20 == 19:
            assert_counters_true(campaign)
    assert Attempt.objects.filter(campaign=campaign).count() >= 30
    assert {"not reached", "excluded not_reached"} <= seen, seen
    assert any(s.startswith("departed") for s in seen), seen
    assert CampaignCounter.objects.filter(campaign=campaign, metric="needs").exists()
    assert_counters_true(campaign)
    before = current(campaign)
    counters_rebuild(campaign_id=campaign.pk)
    assert current(campaign) == before


def _quick_retries() -> dict:
    """Two tries an hour apart, so that households become not reached within the test."""
    policy = {"max_attempts": 2, "min_gap_minutes": 60, "other_half_day": False}
    return {r: dict(policy) for r in ("no_answer", "busy", "voicemail")}


def _pick(rng, campaign, **filters):
    ids = list(Target.objects.filter(campaign=campaign, **filters).values_list("pk", flat=True))
    return Target.objects.select_related("household").get(pk=rng.choice(ids)) if ids else None


def _record(rng, *, actor, target, now, from_paper: bool = False):
    roll = rng.random()
    kw: dict = {}
    if roll < 0.35:
        kw = {"result": "reached", "outcome": "reassuring"}
    elif roll < 0.55:
        kw = {"result": "reached", "needs": rng.sample(NEEDS, rng.randint(1, 3))}
    elif roll < 0.60:
        kw = {"result": "reached", "callback_at": now + timedelta(hours=rng.randint(1, 30))}
    elif roll < 0.65:
        kw = {"result": "refused"}
    elif roll < 0.75:
        kw = {"result": "wrong_number"}
    else:
        kw = {"result": rng.choice(["no_answer", "busy", "voicemail"])}
    return attempt_record(actor=actor, target=target, now=now, from_paper=from_paper, **kw)


def test_a_second_callers_not_reached_household_counts_for_both(landlord_a, marc, claire, sofiane):
    """Claire and Sofiane each tried Mme Old once; after the last try she counts as not reached
    for both of them; taken out of the list, for neither."""
    old_household(landlord_a)
    campaign = running_campaign(landlord_a, marc, retry_policy=_quick_retries())
    t = next_call(campaign=campaign, caller=claire, now=BUILT_AT)
    attempt_record(actor=claire, target=t, result="no_answer", now=BUILT_AT)
    later = BUILT_AT + timedelta(hours=2)
    t = next_call(campaign=campaign, caller=sofiane, now=later)
    attempt_record(actor=sofiane, target=t, result="busy", now=later)
    t.refresh_from_db()
    assert t.status == "not_reached"
    progress = caller_progress(campaign)
    assert progress[claire.pk]["not_reached"] == progress[sofiane.pk]["not_reached"] == 1
    target_exclude(actor=marc, target=t, reason="hospitalisée")
    progress = caller_progress(campaign)
    assert progress.get(claire.pk, {}).get("not_reached", 0) == 0
    assert progress.get(sofiane.pk, {}).get("not_reached", 0) == 0
    assert_counters_true(campaign)


def test_a_deleted_callers_counts_stay_in_the_totals(landlord_a, marc, claire, sofiane):
    """Sofiane's account is deleted: her calls stay (caller emptied), and so do the figures."""
    for _ in range(2):
        old_household(landlord_a)
    campaign = running_campaign(landlord_a, marc)
    for who in (claire, sofiane):
        t = next_call(campaign=campaign, caller=who, now=BUILT_AT)
        attempt_record(actor=who, target=t, result="reached", needs=["groceries"], now=BUILT_AT)
    User.objects.filter(pk=sofiane.pk).delete()
    stats = campaign_stats(campaign)
    assert {c["username"]: c["attempts"] for c in stats["callers"]} == {"": 1, "claire": 1}
    assert stats["needs"] == {"groceries": 2}
    assert_counters_true(campaign)


def test_rebuild_counters_repairs_calls_written_behind_the_services(landlord_a, marc, claire):
    """A bulk load wrote calls in SQL: the counters miss them until the command recounts."""
    old_household(landlord_a)
    campaign = running_campaign(landlord_a, marc)
    t = next_call(campaign=campaign, caller=claire, now=BUILT_AT)
    attempt_record(actor=claire, target=t, result="reached", outcome="reassuring", now=BUILT_AT)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO campaigns_attempt (organisation_id, campaign_id, target_id, caller_id, "
            "started_at, ended_at, result, outcome, needs, answers, notes) "
            "SELECT organisation_id, campaign_id, target_id, caller_id, started_at, ended_at, "
            "result, outcome, needs, answers, notes FROM campaigns_attempt"
        )
    assert current(campaign) != recount(campaign)
    with pytest.raises(CommandError, match="rebuild_counters"):
        call_command("rebuild_counters", "--check")
    call_command("rebuild_counters", "--campaign", str(campaign.pk))
    assert current(campaign) == recount(campaign)
    assert campaign_stats(campaign)["callers"][0]["attempts"] == 2
    call_command("rebuild_counters")  # every campaign: the same
    call_command("rebuild_counters", "--check")
    with pytest.raises(CommandError, match="Aucune campagne"):
        call_command("rebuild_counters", "--campaign", "999999")


def test_counters_hold_no_personal_data():
    """Figures and codes only: no notes, answers, names, households or dates."""
    names = {f.name for f in CampaignCounter._meta.get_fields()}
    assert names == {
        "id",
        "organisation",
        "campaign",
        "caller",
        "metric",
        "result",
        "outcome",
        "need",
        "count",
    }
