"""The four standard cohorts, as SQL filters and as a Python rule that must agree with them.

Computed on an as-of date over active leases only. The rules (issue #2):
- over_75: an occupant with an adult role aged 75 or more;
- age_70_74: not over_75, and an adult-role occupant aged 70 to 74;
- single_parent: exactly one adult-role occupant and at least one child;
- disability: an occupant with the disability flag.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from vigie.housing.choices import Cohort

if TYPE_CHECKING:
    from vigie.housing.models import HouseholdQuerySet


def years_before(day: date, years: int) -> date:
    """The date `years` years before `day`; 29 February falls back to 28 February.

    Beyond the calendar (an as-of date in year 18, an age of 3000 typed in a filter) the answer
    is the first or last representable day, so such a filter selects nobody instead of failing.
    """
    year = day.year - years
    if year < date.min.year:
        return date.min
    if year > date.max.year:
        return date.max
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def cohort_q(cohort: str, as_of: date) -> Q:
    """A filter on Household selecting one cohort (apply to active households)."""
    born_75 = years_before(as_of, 75)  # born on or before: 75 or older on as_of
    born_70 = years_before(as_of, 70)
    if cohort == Cohort.OVER_75:
        return Q(oldest_adult_birth_date__lte=born_75)
    if cohort == Cohort.AGE_70_74:
        return Q(oldest_adult_birth_date__lte=born_70, oldest_adult_birth_date__gt=born_75)
    if cohort == Cohort.SINGLE_PARENT:
        return Q(adults=1, children__gte=1)
    if cohort == Cohort.DISABILITY:
        return Q(has_disability=True)
    raise ValueError(f"unknown cohort {cohort!r}")


def any_cohort_q(as_of: date) -> Q:
    q = Q()
    for c in Cohort:
        q |= cohort_q(c, as_of)
    return q


def household_cohorts(
    *,
    as_of: date,
    oldest_adult_birth_date: date | None,
    adults: int,
    children: int,
    has_disability: bool,
) -> list[str]:
    """The cohorts of one household, from its composition: the Python twin of `cohort_q`."""
    out = []
    b = oldest_adult_birth_date
    if b is not None and b <= years_before(as_of, 75):
        out.append(Cohort.OVER_75.value)
    elif b is not None and b <= years_before(as_of, 70):
        out.append(Cohort.AGE_70_74.value)
    if adults == 1 and children >= 1:
        out.append(Cohort.SINGLE_PARENT.value)
    if has_disability:
        out.append(Cohort.DISABILITY.value)
    return out


def cohorts_of(household: object, as_of: date) -> list[str]:
    return household_cohorts(
        as_of=as_of,
        oldest_adult_birth_date=household.oldest_adult_birth_date,  # type: ignore[attr-defined]
        adults=household.adults,  # type: ignore[attr-defined]
        children=household.children,  # type: ignore[attr-defined]
        has_disability=household.has_disability,  # type: ignore[attr-defined]
    )


def cohort_counts(households: HouseholdQuerySet, as_of: date) -> dict[str, int | None]:
    """Households in each cohort and in any of them.

    Read on a person's behalf (a queryset from `visible_to`), the disability count covers only
    the organisations where that person may see health data (None where there are none), and
    "any" counts a household for its disability only there (core/sensitivity.py).
    """
    active = households.active_on(as_of)
    sensitive_orgs = households.sensitive_org_ids
    if sensitive_orgs is None:  # read for the system (a command, a service): no wall
        aggregates = {c.value: Count("id", filter=cohort_q(c, as_of)) for c in Cohort}
        aggregates["any"] = Count("id", filter=any_cohort_q(as_of))
        return active.aggregate(**aggregates)
    public = [c for c in Cohort if c != Cohort.DISABILITY]
    public_any = Q()
    for c in public:
        public_any |= cohort_q(c, as_of)
    aggregates = {c.value: Count("id", filter=cohort_q(c, as_of)) for c in public}
    aggregates["any"] = Count("id", filter=public_any)
    counts: dict[str, int | None] = dict(active.aggregate(**aggregates))
    counts[Cohort.DISABILITY.value] = None
    if sensitive_orgs:
        disability = cohort_q(Cohort.DISABILITY, as_of)
        extra = active.with_sensitive().aggregate(
            disability=Count("id", filter=disability),
            only=Count("id", filter=disability & ~public_any),
        )
        counts[Cohort.DISABILITY.value] = extra["disability"]
        counts["any"] = (counts["any"] or 0) + extra["only"]
    return counts
