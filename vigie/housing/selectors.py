"""Reads of the register, scoped once through `visible_to`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import F, Prefetch, Q

from vigie.core.permissions import Perm
from vigie.core.selectors import agency_ids_where, organisation_ids_where
from vigie.housing.cohorts import cohort_q
from vigie.housing.models import Agency, Household, Occupant, Residence
from vigie.housing.search import filter_and_rank

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.housing.models import HouseholdQuerySet, ResidenceQuerySet


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@dataclass
class HouseholdFilters:
    q: str = ""
    agency: int | None = None
    residence: int | None = None
    commune: str = ""
    cohort: str = ""
    status: str = "active"  # active, departed, all
    as_of: date | None = None

    @classmethod
    def from_query(cls, params) -> HouseholdFilters:
        """The register's filters as the page's query string gives them (the list, its export)."""
        from vigie.housing.choices import Cohort

        cohort = params.get("cohort", "")
        status = params.get("status", "active")
        return cls(
            q=params.get("q", "").strip()[:100],
            agency=_int(params.get("agency")),
            residence=_int(params.get("residence")),
            commune=params.get("commune", "")[:5],
            cohort=cohort if cohort in Cohort.values else "",
            status=status if status in {"active", "departed", "all"} else "active",
        )

    @property
    def narrows(self) -> bool:
        return bool(self.q or self.cohort or self.agency or self.residence or self.commune)


def households_visible(user: User, perm: str = Perm.HOUSEHOLD_VIEW) -> HouseholdQuerySet:
    return Household.objects.visible_to(user, perm)


# The register's sortable columns (core/ordering.py), when no search text ranks the rows: only
# orders that stay fast at 350,000 households — the lease reference reads the
# (organisation, reference) unique index in order (15 ms on `make bench`'s register); the
# residence is the page's order of old. The address or the commune would sort the whole
# register through a join (~170 ms at 350,000): not offered.
REGISTER_COLUMNS = {
    "residence": ("dwelling__residence__name", "reference", "pk"),
    "reference": ("reference", "pk"),
}


def household_search(
    user: User,
    f: HouseholdFilters,
    as_of: date,
    perm: str = Perm.HOUSEHOLD_VIEW,
    order: Sequence[str] = REGISTER_COLUMNS["residence"],
) -> HouseholdQuerySet:
    """The register filtered; `perm` the permission the rows are read under (an export reads
    under register.export, so only the organisations where the user may export); `order` the
    page's sort (by `REGISTER_COLUMNS`), when no search text ranks the rows by relevance."""
    qs = households_visible(user, perm)
    if f.status == "active" or f.cohort:
        qs = qs.active_on(as_of)
    elif f.status == "departed":
        qs = qs.exclude(pk__in=Household.objects.active_on(as_of).values("pk"))
    if f.agency:
        qs = qs.filter(dwelling__residence__agency_id=f.agency)
    if f.residence:
        qs = qs.filter(dwelling__residence_id=f.residence)
    if f.commune:
        qs = qs.filter(dwelling__commune_id=f.commune)
    if f.cohort:
        qs = qs.filter(cohort_q(f.cohort, as_of))
    if f.q:
        # Found through the full-text index, best first (housing/search.py).
        qs = filter_and_rank(qs, f.q, order=("dwelling__residence__name", "reference"))
    else:
        qs = qs.order_by(*order)
    return qs.select_related("dwelling__residence__agency", "dwelling__commune").prefetch_related(
        Prefetch("occupants", queryset=Occupant.objects.order_by("position", "id"))
    )


def household_quick_search(user: User, q: str, limit: int = 8) -> list[Household]:
    """The header box's suggestions: the best `limit` households, current leases first."""
    qs = households_visible(user).select_related("dwelling__commune", "dwelling__residence")
    qs = filter_and_rank(
        qs,
        q,
        order=(F("departed_on").asc(nulls_first=True), "dwelling__residence__name", "reference"),
    )
    return list(
        qs.prefetch_related(
            Prefetch("occupants", queryset=Occupant.objects.order_by("position", "id"))
        )[:limit]
    )


def household_detail(user: User, pk: int) -> Household:
    from django.shortcuts import get_object_or_404

    qs = (
        households_visible(user)
        .select_related("dwelling__residence__agency", "dwelling__commune", "dwelling__building")
        .prefetch_related(
            Prefetch("occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
    )
    return get_object_or_404(qs, pk=pk)


def residences_visible(user: User, perm: str = Perm.HOUSEHOLD_VIEW) -> ResidenceQuerySet:
    return Residence.objects.visible_to(user, perm)


def by_name_fr(rows: Any) -> list[Any]:
    """Residences, agencies… in the order a French reader expects: accents and case ignored
    ("Les Cèdres" before "Les Coteaux", "le Clos" among the C), which neither SQLite's nor a
    C-collated PostgreSQL's ORDER BY gives. For the short lists of a filter or the API."""
    from vigie.core.text import fold

    return sorted(rows, key=lambda r: (fold(r.name), r.pk))


def agencies_visible(user: User, perm: str = Perm.HOUSEHOLD_VIEW):
    """The agencies whose records `user` reads under `perm`: every agency of the organisations
    where they hold it, and, for agency staff, their own agencies (a filter's choices)."""
    return Agency.objects.filter(
        Q(organisation_id__in=organisation_ids_where(user, perm))
        | Q(pk__in=agency_ids_where(user, perm))
    )


# A residence page's households: by place in the residence (building, staircase, floor, door)
# or by lease reference.
RESIDENCE_COLUMNS = {
    "place": (
        "dwelling__building__name",
        "dwelling__staircase",
        "dwelling__floor",
        "dwelling__door",
        "pk",
    ),
    "reference": ("reference", "pk"),
}


def residence_households(user: User, residence: Residence, as_of: date) -> HouseholdQuerySet:
    return (
        households_visible(user)
        .filter(dwelling__residence=residence)
        .active_on(as_of)
        .select_related("dwelling__building")
        .prefetch_related(
            Prefetch("occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
        .order_by(*RESIDENCE_COLUMNS["place"])
    )
