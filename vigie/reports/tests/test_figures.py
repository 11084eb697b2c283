"""Every dashboard figure and every map value, computed again here in plain Python from the
register's rows (occupants, not the derived columns), the campaigns' and the actions' records,
and compared with what the selectors answer."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from vigie.actions.models import Referral, Ticket
from vigie.campaigns.models import Need, Target
from vigie.housing.choices import ADULT_ROLES, OccupantRole
from vigie.housing.models import Household
from vigie.reports import selectors
from vigie.reports.tests.world import TODAY, at, frozen_today, plant

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 6, 30)


@pytest.fixture
def planted(landlord_a, landlord_b, marc):
    p = plant(landlord_a, marc)
    plant(landlord_b, None)  # must count nowhere
    # Resolve some needs, at various delays.
    for i, need in enumerate(Need.objects.filter(organisation=landlord_a).order_by("pk")[:4]):
        Need.objects.filter(pk=need.pk).update(
            status="resolved", resolved_at=need.created_at + timedelta(days=3 * i + 1)
        )
    # An open ticket, overdue, and another resolved late.
    first = Ticket.objects.filter(organisation=landlord_a).order_by("pk").first()
    Ticket.objects.filter(pk=first.pk).update(status="open", due_on=TODAY - timedelta(days=2))
    Ticket.objects.filter(organisation=landlord_a, category="lighting").update(
        resolved_at=at(1), due_on=TODAY - timedelta(days=5)
    )
    return p


def active(h: Household, day: date) -> bool:
    return (
        h.start_date is not None
        and h.start_date <= day
        and (h.end_date is None or h.end_date >= day)
        and (h.departed_on is None or h.departed_on > day)
    )


def age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def cohorts(h: Household, day: date) -> set[str]:
    occupants = list(h.occupants.all())
    adults = [o for o in occupants if o.role in ADULT_ROLES]
    children = [o for o in occupants if o.role == OccupantRole.CHILD]
    births = [o.birth_date for o in adults if o.birth_date]
    out = set()
    if births:
        oldest = age(min(births), day)
        if oldest >= 75:
            out.add("over_75")
        elif oldest >= 70:
            out.add("age_70_74")
    if len(adults) == 1 and children:
        out.add("single_parent")
    if any(o.disability for o in occupants):
        out.add("disability")
    return out


def bounds():
    tz = timezone.get_current_timezone()
    return datetime.combine(START, time.min, tz), datetime.combine(END + timedelta(1), time.min, tz)


def median_days(durations):
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 86400, 1)


def test_dashboard_figures_match_an_independent_count(planted, marc):
    org = planted.org
    with frozen_today():
        got = selectors.overview(marc, start=START, end=END, today=TODAY)

    # Cohorts by residence and agency.
    by_res: dict[str, Counter] = defaultdict(Counter)
    for h in Household.objects.filter(organisation=org).select_related("dwelling__residence"):
        if not active(h, TODAY):
            continue
        c = by_res[h.dwelling.residence.name]
        c["households"] += 1
        for k in cohorts(h, TODAY):
            c[k] += 1
    for row in got["cohorts"]["by_residence"]:
        for key in got["cohorts"]["columns"]:
            assert row[key] == by_res[row["residence"]][key], (row["residence"], key)
    assert {r["residence"] for r in got["cohorts"]["by_residence"]} == set(by_res)
    total = sum(by_res.values(), Counter())
    for key in got["cohorts"]["columns"]:
        assert got["cohorts"]["total"][key] == total[key], key

    # Needs by kind (raised and resolved in the period, median delay).
    lo, hi = bounds()
    needs = list(Need.objects.filter(organisation=org))
    raised = Counter(n.kind for n in needs if lo <= n.created_at < hi)
    resolved = defaultdict(list)
    for n in needs:
        if n.status == "resolved" and lo <= n.resolved_at < hi:
            resolved[n.kind].append(n.resolved_at - n.created_at)
    for row in got["needs"]["by_kind"]:
        assert row["raised"] == raised[row["kind"]]
        assert row["resolved"] == len(resolved[row["kind"]])
        assert row["median_days"] == median_days(resolved[row["kind"]])
    assert got["needs"]["raised"] == sum(raised.values())
    assert got["needs"]["median_days"] == median_days([d for ds in resolved.values() for d in ds])
    assert got["needs"]["resolved"] > 0

    # By partner.
    partners = defaultdict(lambda: {"referrals": 0, "done": 0, "declined": 0, "d": []})
    for r in Referral.objects.filter(organisation=org).select_related("partner", "need"):
        if not lo <= r.created_at < hi:
            continue
        p = partners[r.partner.name]
        p["referrals"] += 1
        p["done"] += r.status == "done"
        p["declined"] += r.status == "declined"
        if r.need.resolved_at:
            p["d"].append(r.need.resolved_at - r.need.created_at)
    assert [p["partner"] for p in got["needs"]["by_partner"]] == sorted(partners)
    for row in got["needs"]["by_partner"]:
        p = partners[row["partner"]]
        assert (row["referrals"], row["done"], row["declined"]) == (
            p["referrals"],
            p["done"],
            p["declined"],
        )
        assert row["median_days"] == median_days(p["d"])

    # Tickets by agency.
    tickets = list(Ticket.objects.filter(organisation=org).select_related("agency"))
    (row,) = got["tickets"]["by_agency"]
    assert row["opened"] == sum(lo <= t.opened_at < hi for t in tickets)
    assert row["open"] == sum(t.status in ("open", "acknowledged") for t in tickets)
    assert row["overdue"] == sum(
        t.status in ("open", "acknowledged") and t.due_on < TODAY for t in tickets
    )
    done = [
        t for t in tickets if t.status == "resolved" and t.resolved_at and lo <= t.resolved_at < hi
    ]
    assert row["resolved"] == len(done)
    assert row["late"] == sum(timezone.localdate(t.resolved_at) > t.due_on for t in done) == 1
    assert row["median_days"] == median_days([t.resolved_at - t.opened_at for t in done])

    # Trends: needs raised per month add up to the period's total.
    assert sum(t["needs_raised"] for t in got["trends"]) == got["needs"]["raised"]
    assert [t["month"] for t in got["trends"]] == [date(2026, m, 1) for m in range(1, 7)]
    months = Counter(
        timezone.localtime(n.created_at).month for n in needs if lo <= n.created_at < hi
    )
    assert {
        t["month"].month: t["needs_raised"] for t in got["trends"] if t["needs_raised"]
    } == dict(months)

    # Campaign progress.
    (campaign,) = got["campaigns"]
    targets = list(Target.objects.filter(campaign_id=campaign["id"]))
    assert campaign["targets"] == len(targets)
    assert campaign["not_reached"] == sum(t.status == "not_reached" for t in targets)
    assert campaign["remaining"] == sum(
        t.status in ("pending", "claimed", "callback") for t in targets
    )


@pytest.mark.parametrize(
    "figure",
    ["households_over_75", "households_disability", "not_reached", "needs_per_100", "open_tickets"],
)
def test_map_values_match_an_independent_count(planted, marc, figure):
    org = planted.org
    with frozen_today():
        got = {f["insee"]: f["value"] for f in selectors.map_values(marc, figure=figure)}
    households = [
        h
        for h in Household.objects.filter(organisation=org).select_related("dwelling")
        if active(h, TODAY)
    ]
    communes = {h.dwelling.commune_id for h in households}
    assert set(got) == communes
    expected = Counter()
    if figure == "households_over_75":
        expected.update(h.dwelling.commune_id for h in households if "over_75" in cohorts(h, TODAY))
    elif figure == "households_disability":
        expected.update(
            h.dwelling.commune_id for h in households if "disability" in cohorts(h, TODAY)
        )
    elif figure == "not_reached":
        unreachable = set(
            Target.objects.filter(status="not_reached").values_list("household_id", flat=True)
        )
        expected.update(h.dwelling.commune_id for h in households if h.pk in unreachable)
    elif figure == "needs_per_100":
        since = datetime.combine(
            TODAY - timedelta(days=365), time.min, timezone.get_current_timezone()
        )
        ids = {h.pk: h.dwelling.commune_id for h in households}
        needs = Counter(
            ids[n.household_id]
            for n in Need.objects.filter(organisation=org)
            if n.household_id in ids and n.created_at >= since
        )
        per = Counter(h.dwelling.commune_id for h in households)
        expected = {c: round(100 * needs[c] / per[c], 1) for c in per}
        assert any(expected.values())
    elif figure == "open_tickets":
        expected.update(
            t.residence.commune_id
            for t in Ticket.objects.filter(organisation=org).select_related("residence")
            if t.status in ("open", "acknowledged")
        )
    for code in communes:
        assert got[code] == expected.get(code, 0), (figure, code)
