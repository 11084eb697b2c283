"""Campaign pages and API lists not covered by test_query_counts.py: constant query counts.

Issue #6 §4. Each test loads a page with a couple of rows, adds many more rows of every kind
the page shows (waves, questions, targets, occupants, calls with needs, callers), and asserts
the second load runs no more queries than the first (vigie/core/tests/querycount.py). Marc
manages at Landlord A, Claire calls there.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.campaigns import queue
from vigie.campaigns.choices import AttemptResult, NeedKind, Outcome, TargetStatus
from vigie.campaigns.models import Attempt, Need, ScriptQuestion, Target
from vigie.campaigns.services import (
    attempt_record,
    campaign_build,
    campaign_create,
    script_set,
    wave_add,
)
from vigie.campaigns.tests.factories import AS_OF, OLD, SEPTUA, WAVES_2020, running_campaign
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.core.tests.querycount import api_client, assert_constant, client_for
from vigie.housing.choices import OccupantRole
from vigie.housing.tests.factories import OccupantFactory, make_household

pytestmark = pytest.mark.django_db

FAMILY = [
    dict(OLD, last_name="AINE"),
    dict(SEPTUA, role=OccupantRole.SPOUSE, phone="+33561999999"),
    {"role": OccupantRole.CHILD, "phone": ""},
]


def _questions(n: int) -> list[dict]:
    kinds = ["yes_no", "choice", "text"]
    return [
        {
            "text": f"Question {i}",
            "kind": kinds[i % 3],
            "choices": ["oui", "non", "ne sait pas"] if kinds[i % 3] == "choice" else [],
            "maps_to_need": "groceries" if i % 3 == 0 else "",
        }
        for i in range(n)
    ]


def _script(campaign, n: int) -> None:
    """Questions added to a running campaign's script (script_set refuses once calls exist)."""
    ScriptQuestion.objects.bulk_create(
        ScriptQuestion(
            organisation_id=campaign.organisation_id,
            campaign=campaign,
            position=100 + i,
            text=f"Question ajoutée {i}",
            kind="yes_no",
        )
        for i in range(n)
    )


def _add_targets(campaign, households, **fields) -> None:
    """Newcomers' targets in a running campaign (a rebuild is not allowed once started)."""
    wave = campaign.waves.order_by("priority").first()
    Target.objects.bulk_create(
        Target(
            organisation_id=campaign.organisation_id,
            campaign=campaign,
            wave=wave,
            household=h,
            priority=wave.priority,
            due_at=timezone.now() - timedelta(minutes=5),
            **{"status": TargetStatus.PENDING, **fields},
        )
        for h in households
    )


def _work(campaign, callers, results) -> None:
    """Each caller takes the next call and records a result (needs on reached calls)."""
    for caller in callers:
        for result in results:
            t = queue.next_call(campaign=campaign, caller=caller)
            if t is None:
                return
            kw = (
                {"outcome": Outcome.NEEDS_FOLLOW_UP, "needs": [NeedKind.GROCERIES, NeedKind.HEALTH]}
                if result == AttemptResult.REACHED
                else {}
            )
            attempt_record(actor=caller, target=t, result=result, notes="note", **kw)


# --- Manager pages ------------------------------------------------------------------------------


def test_detail_is_constant_in_waves_questions_and_targets(
    landlord_a, marc, django_assert_max_num_queries
):
    """A draft, built: its waves with their counts, and the script."""
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Canicule", as_of=AS_OF, waves=WAVES_2020[:1]
    )
    script_set(actor=marc, campaign=campaign, questions=_questions(1))
    campaign_build(actor=marc, campaign=campaign)
    c = client_for(marc)
    url = reverse("campaigns:detail", args=[campaign.pk])

    def grow():
        for i in range(20):
            make_household(landlord_a, FAMILY if i % 2 else [SEPTUA])
        for i in range(8):
            wave_add(
                actor=marc,
                campaign=campaign,
                wave={"name": f"Vague {i}", "cohorts": ["age_70_74"], "priority": 2 + i},
            )
        script_set(actor=marc, campaign=campaign, questions=_questions(12))
        campaign_build(actor=marc, campaign=campaign)

    _small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    body = r.content.decode()
    assert r.status_code == 200 and "Vague 7" in body and "Question 11" in body


def test_detail_of_a_running_campaign_is_constant_in_calls(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    for _ in range(30):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    _work(campaign, [claire], [AttemptResult.REACHED, AttemptResult.NO_ANSWER])
    c = client_for(marc)
    url = reverse("campaigns:detail", args=[campaign.pk])
    callers = [make_user(f"appelant{i}", landlord_a, Role.CALLER) for i in range(4)]
    assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        lambda: _work(campaign, callers, [AttemptResult.REACHED, AttemptResult.BUSY] * 3),
    )
    assert Attempt.objects.filter(campaign=campaign).count() >= 20


def test_script_form_is_constant_in_questions(landlord_a, marc, django_assert_max_num_queries):
    make_household(landlord_a, [OLD])
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Canicule", as_of=AS_OF, waves=WAVES_2020
    )
    script_set(actor=marc, campaign=campaign, questions=_questions(2))
    c = client_for(marc)
    url = reverse("campaigns:script", args=[campaign.pk])
    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        lambda: script_set(actor=marc, campaign=campaign, questions=_questions(25)),
    )
    assert r.status_code == 200 and "Question 24" in r.content.decode()


PLAN = {"callers": 4, "call_minutes": 5, "hours_per_day": 6, "attempts": 1.5}


def test_planner_of_a_built_campaign_is_constant_in_waves_and_households(
    landlord_a, marc, django_assert_max_num_queries
):
    """Once built, the plan reads the campaign's stats: aggregates, whatever the waves."""
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Canicule", as_of=AS_OF, waves=WAVES_2020[:1]
    )
    campaign_build(actor=marc, campaign=campaign)
    c = client_for(marc)
    url = reverse("campaigns:planner", args=[campaign.pk])

    def grow():
        for i in range(20):
            make_household(landlord_a, FAMILY if i % 2 else [SEPTUA])
        for i in range(8):
            wave_add(
                actor=marc,
                campaign=campaign,
                wave={"name": f"Vague {i}", "cohorts": ["age_70_74"], "priority": 2 + i},
            )
        campaign_build(actor=marc, campaign=campaign)

    _small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url, PLAN), grow)
    assert r.status_code == 200 and "Vague 7" in r.content.decode()


def test_planner_preview_runs_one_query_per_wave_and_none_per_household(
    landlord_a, marc, django_assert_max_num_queries
):
    """Before the build, the preview counts each wave's households in one query per wave, by
    design (docs/decisions/0003: cohort filters are plain indexed columns); a campaign has a
    handful of waves. Households add nothing (test_query_counts.py), waves one query each."""
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Canicule", as_of=AS_OF, waves=WAVES_2020[:1]
    )
    c = client_for(marc)
    url = reverse("campaigns:planner", args=[campaign.pk])
    c.get(url, PLAN)
    with django_assert_max_num_queries(60) as small:
        c.get(url, PLAN)
    n_small = len(small.captured_queries)
    for i in range(6):
        wave_add(
            actor=marc,
            campaign=campaign,
            wave={"name": f"Vague {i}", "cohorts": ["age_70_74"], "priority": 2 + i},
        )
    for i in range(20):
        make_household(landlord_a, FAMILY if i % 2 else [SEPTUA])
    with django_assert_max_num_queries(n_small + 6):
        r = c.get(url, PLAN)
    assert "Vague 5" in r.content.decode()


# --- Caller pages -------------------------------------------------------------------------------


def test_console_with_a_held_call_is_constant_in_history_and_occupants(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    """The held household's occupants, its calls in every campaign and its open needs."""
    make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    held = queue.next_call(campaign=campaign, caller=claire)
    h = held.household
    # Another campaign that called the household before.
    earlier = campaign_create(
        actor=marc, organisation=landlord_a, name="Canicule 2019", as_of=AS_OF, waves=WAVES_2020
    )
    campaign_build(actor=marc, campaign=earlier)
    earlier_target = Target.objects.get(campaign=earlier, household=h)
    now = timezone.now()

    def calls(target, callers, n):
        made = Attempt.objects.bulk_create(
            Attempt(
                organisation=landlord_a,
                campaign=target.campaign,
                target=target,
                caller=callers[i % len(callers)],
                started_at=now - timedelta(days=n - i),
                ended_at=now - timedelta(days=n - i) + timedelta(minutes=4),
                result=AttemptResult.REACHED if i % 2 else AttemptResult.NO_ANSWER,
                outcome=Outcome.NEEDS_FOLLOW_UP if i % 2 else "",
                needs=[NeedKind.GROCERIES, NeedKind.HEALTH] if i % 2 else [],
                notes=f"appel {i}",
            )
            for i in range(n)
        )
        Need.objects.bulk_create(
            Need(organisation=landlord_a, household=h, attempt=a, kind=k, created_by=a.caller)
            for a in made
            for k in a.needs
        )

    calls(earlier_target, [marc], 1)
    c = client_for(claire)
    url = reverse("campaigns:console", args=[campaign.pk])

    def grow():
        callers = [make_user(f"appelant{i}", landlord_a, Role.CALLER) for i in range(3)]
        calls(earlier_target, callers + [marc], 15)
        calls(held, callers, 10)
        for i in range(8):
            OccupantFactory(
                household=h,
                organisation=landlord_a,
                position=10 + i,
                last_name=f"OCCUPANT{i}",
                role=OccupantRole.CHILD if i % 2 else OccupantRole.CO_LEASEHOLDER,
                disability=i == 3,
            )
        # The script shown beside the call (written directly: calls were recorded already).
        _script(campaign, 10)

    _small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    body = r.content.decode()
    assert r.status_code == 200 and "OCCUPANT7" in body and "appel 9" in body


def test_paper_entry_is_constant_in_reserved_households(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    for i in range(27):
        make_household(landlord_a, FAMILY if i % 2 else [OLD])
    campaign = running_campaign(landlord_a, marc)
    order = list(
        Target.objects.filter(campaign=campaign, status=TargetStatus.PENDING)
        .order_by("id")
        .values_list("pk", flat=True)
    )

    def reserve(pks):
        Target.objects.filter(pk__in=pks).update(
            preferred_caller=claire, preferred_until=timezone.now() + timedelta(hours=4)
        )

    reserve(order[:2])
    c = client_for(claire)
    url = reverse("campaigns:paper", args=[campaign.pk])
    small, large = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url), lambda: reserve(order[:25])
    )
    assert large.status_code == 200
    assert large.content.decode().count('name="t') > small.content.decode().count('name="t') * 5


@pytest.mark.parametrize("ext", ["csv", "xlsx"])
def test_sheet_downloads_are_constant_in_households(
    ext, landlord_a, marc, claire, django_assert_max_num_queries
):
    """Claire signs in just before (force_login marks it), so no second password is asked."""
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    _script(campaign, 3)
    c = client_for(claire)
    url = reverse(f"campaigns:sheet_{ext}", args=[campaign.pk])

    def grow():
        _add_targets(campaign, [make_household(landlord_a, FAMILY) for _ in range(23)])
        # Some of them reserved for Claire's printed sheet (shown with their end).
        pks = list(Target.objects.filter(campaign=campaign).values_list("pk", flat=True)[:5])
        Target.objects.filter(pk__in=pks).update(
            preferred_caller=claire, preferred_until=timezone.now() + timedelta(hours=4)
        )

    small, large = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert small.status_code == 200 and large.status_code == 200
    assert (_rows(small, ext), _rows(large, ext)) == (3, 26)  # header + households


def _rows(response, ext: str) -> int:
    if ext == "csv":
        return len(response.content.decode("utf-8-sig").strip().splitlines())
    from io import BytesIO

    from openpyxl import load_workbook

    return load_workbook(BytesIO(response.content)).active.max_row


def test_sheet_for_a_manager_is_constant_in_callers_and_households(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    """A manager's sheet also lists the callers to print for."""
    for _ in range(2):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    c = client_for(marc)
    url = reverse("campaigns:sheet", args=[campaign.pk])

    def grow():
        for i in range(10):
            make_user(f"appelant{i}", landlord_a, Role.CALLER)
        _add_targets(campaign, [make_household(landlord_a, FAMILY) for _ in range(20)])

    _small, r = assert_constant(
        django_assert_max_num_queries, lambda: c.get(url, {"caller": claire.pk}), grow
    )
    assert r.status_code == 200 and "appelant9" in r.content.decode()


# --- API ----------------------------------------------------------------------------------------


def test_api_stats_are_constant_in_waves_callers_and_calls(
    landlord_a, marc, claire, django_assert_max_num_queries
):
    for _ in range(40):
        make_household(landlord_a, [OLD])
    campaign = running_campaign(landlord_a, marc)
    _work(campaign, [claire], [AttemptResult.REACHED])
    c = api_client(marc)
    url = f"/api/v1/campaigns/{campaign.pk}/stats"
    callers = [make_user(f"appelant{i}", landlord_a, Role.CALLER) for i in range(5)]
    _small, r = assert_constant(
        django_assert_max_num_queries,
        lambda: c.get(url),
        lambda: _work(campaign, callers, [AttemptResult.REACHED, AttemptResult.NO_ANSWER] * 2),
    )
    assert r.status_code == 200 and len(r.json()["callers"]) == 6


def test_api_campaign_detail_is_constant_in_waves_and_questions(
    landlord_a, marc, django_assert_max_num_queries
):
    campaign = campaign_create(
        actor=marc, organisation=landlord_a, name="Canicule", as_of=AS_OF, waves=WAVES_2020[:1]
    )
    script_set(actor=marc, campaign=campaign, questions=_questions(1))
    c = api_client(marc)
    url = f"/api/v1/campaigns/{campaign.pk}"

    def grow():
        for i in range(10):
            wave_add(
                actor=marc,
                campaign=campaign,
                wave={"name": f"Vague {i}", "cohorts": ["over_75"], "priority": 2 + i},
            )
        script_set(actor=marc, campaign=campaign, questions=_questions(15))

    _small, r = assert_constant(django_assert_max_num_queries, lambda: c.get(url), grow)
    assert r.status_code == 200 and len(r.json()["waves"]) == 11
