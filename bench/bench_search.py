"""The register's search at the scale of the largest landlord (issue #12 §4), side by side with
the search it replaced (a `LIKE '%word%'` per word over `search_text`, unranked).

Queries are drawn from the imported register itself (seeded): a surname, a lease reference, a
phone as people type it, "number street", "number street commune", a commune's name, "surname
commune". Each is timed as the register page runs it (the count and the first page of 50, with
the occupants), and as the header box's suggestions (the best 8). The old search is run on the
same queries for comparison.
"""

from __future__ import annotations

import random
import statistics
import time

KINDS = ("name", "reference", "phone", "street", "street_commune", "commune", "name_commune")


def _queries(org_id: int, per_kind: int, seed: int = 12) -> dict[str, list[str]]:
    from vigie.core.phones import format_phone
    from vigie.housing.models import Household, Occupant

    rng = random.Random(seed)  # nosec B311 (benchmark sampling)
    ids = list(
        Household.objects.filter(organisation_id=org_id, departed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    picked = rng.sample(ids, per_kind * 2)
    rows = {
        h.pk: h
        for h in Household.objects.filter(pk__in=picked).select_related(
            "dwelling__commune", "dwelling__residence"
        )
    }
    people: dict[int, list] = {}
    for o in Occupant.objects.filter(household_id__in=picked).order_by("position"):
        people.setdefault(o.household_id, []).append(o)
    out: dict[str, list[str]] = {k: [] for k in KINDS}
    for pk in picked:
        h, occupants = rows[pk], people.get(pk, [])
        if not occupants:
            continue
        d = h.dwelling
        commune = d.commune.name
        surname = occupants[0].last_name.strip().title()
        phone = next((o.phone for o in occupants if o.phone.startswith("+33")), "")
        candidates = {
            "name": surname,
            "reference": h.reference,
            "phone": format_phone(phone) if phone else "",
            "street": d.address.strip(),
            "street_commune": f"{d.address.strip()} {commune}",
            "commune": commune,
            "name_commune": f"{surname} {commune}",
        }
        for kind, q in candidates.items():
            if q and len(out[kind]) < per_kind:
                out[kind].append(q)
    return out


def _legacy(user, q: str, as_of):
    """The search as it was before issue #12: one LIKE '%word%' per word, unranked."""
    from django.db.models import Prefetch

    from vigie.core.phones import parse_phone
    from vigie.core.text import fold
    from vigie.housing.models import Occupant
    from vigie.housing.selectors import households_visible

    qs = households_visible(user).active_on(as_of)
    phone = parse_phone(q)
    if phone:
        qs = qs.filter(search_text__contains="0" + phone[3:])
    else:
        for t in q.split():
            qs = qs.filter(search_text__contains=fold(t))
    return (
        qs.select_related("dwelling__residence__agency", "dwelling__commune")
        .prefetch_related(
            Prefetch("occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
        .order_by("dwelling__residence__name", "reference")
    )


def _page(qs, paginator=None) -> tuple[int, list]:
    """The count and the first page of 50, as the register page reads them."""
    from django.core.paginator import Paginator

    page = (paginator or Paginator)(qs, 50).get_page(1)
    return page.paginator.count, list(page.object_list)


def _pct(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return round(values[k] * 1000, 1)


def search_bench(org_id: int, user_id: int, per_kind: int = 20, legacy_per_kind: int = 5) -> dict:
    from django.utils import timezone

    from vigie.accounts.models import User
    from vigie.housing.models import Household
    from vigie.housing.search import SearchPaginator
    from vigie.housing.selectors import (
        HouseholdFilters,
        household_quick_search,
        household_search,
    )

    user = User.objects.get(pk=user_id)
    today = timezone.localdate()
    queries = _queries(org_id, per_kind)
    new_times: dict[str, list[float]] = {k: [] for k in KINDS}
    quick_times: list[float] = []
    legacy_times: dict[str, list[float]] = {k: [] for k in KINDS}
    found_new: dict[str, list[int]] = {k: [] for k in KINDS}
    found_legacy: dict[str, list[int]] = {k: [] for k in KINDS}
    first_is_it: dict[str, list[bool]] = {k: [] for k in KINDS}
    household_search(user, HouseholdFilters(q="warm up"), today).count()  # warm caches
    for kind in KINDS:
        for i, q in enumerate(queries[kind]):
            t = time.perf_counter()
            count, rows = _page(
                household_search(user, HouseholdFilters(q=q), today), SearchPaginator
            )
            new_times[kind].append(time.perf_counter() - t)
            found_new[kind].append(count)
            first_is_it[kind].append(bool(rows))
            t = time.perf_counter()
            household_quick_search(user, q)
            quick_times.append(time.perf_counter() - t)
            if i < legacy_per_kind:
                t = time.perf_counter()
                count, _rows = _page(_legacy(user, q, today))
                legacy_times[kind].append(time.perf_counter() - t)
                found_legacy[kind].append(count)
    every_new = [x for v in new_times.values() for x in v]
    every_legacy = [x for v in legacy_times.values() for x in v]
    # "1 rue du Moulin": how many households share the best rank (the 298 equal ones).
    ties = []
    for q in queries["street"][:legacy_per_kind]:
        qs = household_search(user, HouseholdFilters(q=q), today)
        ranks = list(qs.values_list("search_rank", flat=True)[:500]) if qs.query.annotations else []
        ties.append(sum(1 for r in ranks if r == ranks[0]) if ranks else 0)
    return {
        "households": Household.objects.filter(organisation_id=org_id).count(),
        "queries": sum(len(v) for v in queries.values()),
        "examples": {k: v[:2] for k, v in queries.items()},
        "p50_ms": _pct(every_new, 50),
        "p95_ms": _pct(every_new, 95),
        "max_ms": _pct(every_new, 100),
        "by_kind_p95_ms": {k: _pct(v, 95) for k, v in new_times.items() if v},
        "quick_p95_ms": _pct(quick_times, 95),
        "legacy_queries": len(every_legacy),
        "legacy_p50_ms": _pct(every_legacy, 50),
        "legacy_p95_ms": _pct(every_legacy, 95),
        "legacy_by_kind_p95_ms": {k: _pct(v, 95) for k, v in legacy_times.items() if v},
        "median_results": {k: statistics.median(v) for k, v in found_new.items() if v},
        "legacy_median_results": {k: statistics.median(v) for k, v in found_legacy.items() if v},
        "street_top_rank_ties_median": statistics.median(ties) if ties else None,
        "all_found": all(all(v) for v in first_is_it.values()),
    }
