"""Food aid's reads: programmes a user may see, who is eligible, who is expected, the report."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from vigie.campaigns.choices import NeedKind, NeedStatus
from vigie.core.sensitivity import may_see_health
from vigie.core.smallcells import suppress
from vigie.foodaid.choices import AGE_BANDS, REACHED, EnrolmentStatus
from vigie.foodaid.models import DistributionSession, Enrolment, Programme, Record
from vigie.foodaid.permissions import FOODAID_CHECKIN, FOODAID_MANAGE, FOODAID_VIEW
from vigie.housing.cohorts import cohort_q, years_before
from vigie.housing.models import Household, Occupant

if TYPE_CHECKING:
    from vigie.accounts.models import User

# The needs raised in calls that make a household eligible ("need:groceries").
ELIGIBLE_NEEDS = (NeedKind.GROCERIES, NeedKind.FINANCIAL_HARDSHIP, NeedKind.MEAL_DELIVERY)


def programmes_visible(user: User, perm: str = FOODAID_VIEW) -> QuerySet[Programme]:
    return Programme.objects.visible_to(user, perm).prefetch_related(
        "sites", "partners__partner_organisation", "funders"
    )


def sessions_visible(user: User, perm: str = FOODAID_VIEW) -> QuerySet[DistributionSession]:
    return DistributionSession.objects.visible_to(user, perm).select_related("programme", "site")


def is_landlord_manager(user: User, programme: Programme) -> bool:
    return user.has_org_perm(FOODAID_MANAGE, programme.organisation_id)


def eligible(programme: Programme, user: User, as_of: date | None = None) -> list[dict[str, Any]]:
    """Households of the programme's sites proposed for enrolment, with why; never enrolled
    automatically. The disability reason only for readers allowed health data.

    Households whose lease runs on `as_of`: by default today, brought within the programme's
    period (a past programme: its last day; a future one: its first), so that no household
    is proposed whose lease does not overlap the programme (enrolment refuses it)."""
    as_of = as_of or min(max(timezone.localdate(), programme.starts_on), programme.ends_on)
    sensitive = may_see_health(user, programme)
    base = (
        Household.objects.filter(
            organisation_id=programme.organisation_id,
            dwelling__residence__in=programme.sites.all(),
        )
        .active_on(as_of)
        .exclude(food_enrolments__programme=programme)
    )
    reasons: dict[int, list[str]] = {}
    residence: dict[int, int] = {}

    def add(qs: Any, reason: str) -> None:
        for pk, res in qs.values_list("pk", "dwelling__residence_id"):
            reasons.setdefault(pk, []).append(reason)
            residence[pk] = res

    cohorts = ["over_75", "age_70_74", "single_parent"] + (["disability"] if sensitive else [])
    for cohort in cohorts:
        add(base.filter(cohort_q(cohort, as_of)), cohort)
    from vigie.campaigns.models import Need

    for kind in ELIGIBLE_NEEDS:
        ids = Need.objects.filter(
            organisation_id=programme.organisation_id, kind=kind, status=NeedStatus.OPEN
        ).values("household_id")
        add(base.filter(pk__in=ids), f"need:{kind}")
    from vigie.actions.models import Referral

    partner_orgs = programme.partners.values("partner_organisation_id")
    referred = Referral.objects.filter(
        organisation_id=programme.organisation_id,
        partner_organisation_id__in=partner_orgs,
        sent_at__isnull=False,
    ).values("household_id")
    add(base.filter(pk__in=referred), "referral")
    return [
        {"household": pk, "residence": residence[pk], "reasons": reasons[pk]}
        for pk in sorted(reasons)
    ]


@dataclass
class Contact:
    """What an operating partner reads of an enrolled household: nothing else."""

    id: int
    name: str
    address: str
    floor: str
    phone: str
    mode: str
    building: str = ""
    staircase: str = ""
    door: str = ""
    reference: str = ""
    residence: str = ""
    residence_id: int = 0
    status: str = EnrolmentStatus.ENROLLED
    disability_shared: bool = False


def _floor_key(floor: str) -> tuple[int, str]:
    f = (floor or "").strip().upper()
    if f in ("RDC", "RC", "0"):
        return (0, f)
    digits = "".join(ch for ch in f if ch.isdigit())
    return (int(digits) if digits else 99, f)


def contacts(enrolments: Any) -> list[Contact]:
    """The contact rows of enrolments (the first adult's name and usable phone), ordered for a
    round: residence, building, staircase, floor, door."""
    from vigie.core.phones import format_phone

    rows = []
    qs = enrolments.select_related(
        "household__dwelling__residence", "household__dwelling__building"
    ).prefetch_related("household__occupants")
    for e in qs:
        h = e.household
        d = h.dwelling
        people = list(h.occupants.all())
        first = people[0] if people else None
        phones = [p for o in people for p in o.usable_phones]
        rows.append(
            Contact(
                id=e.pk,
                name=str(first) if first else h.reference,
                address=d.address,
                floor=d.floor,
                phone=format_phone(phones[0]) if phones else "",
                mode=e.mode,
                building=d.building.name if d.building_id else "",
                staircase=d.staircase,
                door=d.door,
                reference=h.reference,
                residence=d.residence.name,
                residence_id=d.residence_id,
                status=e.status,
                disability_shared=e.share_disability,
            )
        )
    rows.sort(
        key=lambda c: (c.residence, c.building, c.staircase, _floor_key(c.floor), c.door, c.name)
    )
    return rows


# --- The report ---------------------------------------------------------------------------------

REPORT_KEYS = ("households", "people", "with_disability", "parcels")
# Household composition in the report (page and files; the API keeps the shape).
SIZE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("1", 1, 1),
    ("2", 2, 2),
    ("3-4", 3, 4),
    ("5+", 5, None),
)


def report_figures(
    programme: Programme, start: date, end: date, *, site_id: int | None = None
) -> dict[str, Any]:
    """Exact figures: households and people reached (collected or delivered) between `start`
    and `end` (inclusive), each once; ages on `end`; people with a disability; parcels handed
    out. From the register and the records, never from typed totals.

    - A record counts only if it is the latest of its enrolment at its session
      (`models.latest_records`: a correction from the tablet replaces what came before). A
      record exists only for a household whose lease ran on the session's day
      (`services.record_checkin` refuses the others), so the report does not join the leases
      again (docs/decisions/0014).
    - The people are the reached households' occupants born on or before `end` (a baby born
      after the period was not helped in it), and those whose birth date is unknown: they
      count in `people` and in the household sizes but in no age band — `age_unknown` says how
      many, so that the bands plus it add up to `people`.

    Two queries: the parcels, and one row per household reached with its people counted by
    band (the sums are made here, over at most one row per household).
    """
    from vigie.foodaid.models import latest_records

    sessions = DistributionSession.objects.filter(
        programme=programme, date__gte=start, date__lte=end
    )
    if site_id is not None:
        sessions = sessions.filter(site_id=site_id)
    records = Record.objects.filter(
        latest_records(), session_id__in=sessions.values("pk"), result__in=REACHED
    )
    parcels = records.aggregate(n=Coalesce(Sum("parcels"), 0))["n"]
    # One enrolment per household and programme: the enrolments reached are the households,
    # each once however many times it came (a household is counted through its occupants:
    # the register gives each at least one).
    reached = Enrolment.objects.filter(programme=programme).filter(
        Exists(records.filter(enrolment_id=OuterRef("pk")))
    )
    bands: dict[str, Any] = {}
    for key, low, high in AGE_BANDS:
        # Born on or before `end` minus `low` years, and after `end` minus (high + 1) years.
        q = Q(birth_date__lte=years_before(end, low))
        if high is not None:
            q &= Q(birth_date__gt=years_before(end, high + 1))
        bands[_band_alias(key)] = Count("pk", filter=q)
    rows = (
        Occupant.objects.filter(household_id__in=reached.values("household_id"))
        .filter(Q(birth_date__isnull=True) | Q(birth_date__lte=end))
        .values("household_id")
        .annotate(
            n=Count("pk"),
            unknown=Count("pk", filter=Q(birth_date__isnull=True)),
            disabled=Count("pk", filter=Q(disability=True)),
            **bands,
        )
        .values_list("n", "unknown", "disabled", *bands)
    )
    households = people = age_unknown = with_disability = 0
    by_age = {key: 0 for key, _l, _h in AGE_BANDS}
    by_size = {key: 0 for key, _lo, _hi in SIZE_BANDS}
    for n, unknown, disabled, *counts in rows:
        households += 1
        people += n
        age_unknown += unknown
        with_disability += disabled
        for (key, _l, _h), c in zip(AGE_BANDS, counts, strict=True):
            by_age[key] += c
        # Household composition: how many of the people counted above each household has.
        for key, lo, hi in SIZE_BANDS:
            if n >= lo and (hi is None or n <= hi):
                by_size[key] += 1
    return {
        "by_size": by_size,
        "households": households,
        "people": people,
        "by_age": by_age,
        "age_unknown": age_unknown,
        "with_disability": with_disability,
        "parcels": parcels,
    }


def _band_alias(key: str) -> str:
    return "band_" + key.replace("-", "_").replace("+", "p")


def _records_checkins(user: User | None, programme: Programme) -> bool:
    """Whether `user` works for one of the programme's operating partners (not the landlord)."""
    if user is None or is_landlord_manager(user, programme):
        return False
    return any(
        user.has_org_perm(FOODAID_CHECKIN, p.partner_organisation_id)
        for p in programme.partners.all()
    )


def report_for(
    programme: Programme,
    user: User | None,
    start: date,
    end: date,
    *,
    site_id: int | None = None,
    exact: bool | None = None,
) -> dict[str, Any]:
    """The figures as `user` may read them (docs/decisions/0014):

    - the landlord's managers read exact figures; everyone else gets small-cell suppression as
      issue #14 §9 writes it: a figure under 11 is None and its key listed in `suppressed`
      (`core.smallcells.suppress` without groups: no second figure is hidden, so with the
      total shown a single hidden age band can be derived — the issue's rule was chosen);
      the household sizes and the unknown ages follow the same rule;
    - `with_disability` (people with a disability, an aggregate of health data) follows the
      same rule for the landlord's managers (exact) and the funders (suppressed), issue #14 §7;
      `user=None` is the funders' document a manager prints: suppressed. The operating
      partners' workers never get it (None, listed in `suppressed` and in `withheld`): they
      record who came on which day, so two periods a day apart would tell them which
      household has a disability (docs/decisions/0014).
    """
    figures = report_figures(programme, start, end, site_id=site_id)
    if exact is None:
        exact = user is not None and is_landlord_manager(user, programme)
    withhold = _records_checkins(user, programme)
    flat = {
        "households": figures["households"],
        "people": figures["people"],
        **figures["by_age"],
        "with_disability": None if withhold else figures["with_disability"],
        "parcels": figures["parcels"],
    }
    extra = {f"size:{k}": v for k, v in figures["by_size"].items()}
    extra["age_unknown"] = figures["age_unknown"]
    s = suppress({**flat, **extra}, exact=exact)
    values = s.values
    return {
        "households": values["households"],
        "people": values["people"],
        "by_age": {k: values[k] for k, _l, _h in AGE_BANDS},
        "with_disability": values["with_disability"],
        "parcels": values["parcels"],
        "by_size": {k: values[f"size:{k}"] for k, _l, _h in SIZE_BANDS},
        "age_unknown": values["age_unknown"],
        "suppressed": [
            *(k for k in s.suppressed if k in flat),
            *(["with_disability"] if withhold and "with_disability" not in s.suppressed else []),
        ],
        "suppressed_sizes": [k[5:] for k in s.suppressed if k.startswith("size:")],
        "withheld": ["with_disability"] if withhold else [],
        "exact": exact,
        "from": start.isoformat(),
        "to": end.isoformat(),
    }
