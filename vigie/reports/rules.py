"""The early-warning rules: what each looks for, in words and in queries (issue #16 §3).

Each rule is a `RuleSpec`: a name, a readable definition (shown on the rules page and in
docs/guide/rapports.md), a definition version, default parameters, whether its alerts reveal
health data, and `find(organisation_id, today, parameters)` returning `Finding`s. A finding
names its subject (a household, or a staircase), the evidence that made it fire, and the
reason in words. Finders read the register, the campaigns and the actions for the system (no
person's scope): `services.alerts_run` decides what to raise.

Every finder does a handful of set-based queries, never one per household: the nightly run
covers 350,000 households in seconds (bench/bench_reports.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigie.actions.choices import ReferralStatus
from vigie.actions.models import Referral, TicketReport
from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Target
from vigie.housing.choices import Cohort
from vigie.housing.cohorts import cohort_q
from vigie.housing.models import Household
from vigie.reports.choices import SENSITIVE_RULES, RuleCode


@dataclass(frozen=True)
class Finding:
    subject_key: str
    household_id: int | None
    evidence: str
    # The reason in words: a sentence translated once per run, and its values (formatted only
    # for the alerts actually raised: a run finds tens of thousands of households again).
    template: str
    params: dict[str, Any]
    place: str = ""

    @property
    def reason(self) -> str:
        return self.template % self.params


@dataclass(frozen=True)
class RuleSpec:
    code: str
    name: Any
    definition: Any  # lazy text with %(param)s placeholders filled from the parameters
    version: int
    defaults: dict[str, int]
    find: Callable[[int, date, dict[str, int]], list[Finding]]

    @property
    def sensitive(self) -> bool:
        return self.code in SENSITIVE_RULES

    def describe(self, parameters: dict[str, Any] | None = None) -> str:
        return str(self.definition) % {**self.defaults, **(parameters or {})}


def months_before(day: date, months: int) -> date:
    """The same day `months` months earlier (the 31st falls back to the month's last day)."""
    month = day.month - months
    year = day.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def _d(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def _active(organisation_id: int, today: date):
    return Household.objects.filter(
        organisation_id=organisation_id, anonymised_on__isnull=True
    ).active_on(today)


def _latest(pairs) -> dict[int, datetime]:
    out: dict[int, datetime] = {}
    for household_id, at in pairs:
        if at is not None and (household_id not in out or at > out[household_id]):
            out[household_id] = at
    return out


def find_no_contact_over_75_alone(org: int, today: date, params: dict[str, int]) -> list[Finding]:
    """Over 75, living alone (one adult, no child), no call attempt, referral or ticket report
    for `months` months — counted from the lease's start for someone never contacted."""
    months = int(params["months"])
    cutoff = months_before(today, months)
    candidates = _active(org, today).filter(cohort_q(Cohort.OVER_75, today), adults=1, children=0)
    ids = candidates.values("pk")
    last: dict[int, datetime] = {}
    for source in (
        Target.objects.filter(organisation_id=org, household_id__in=ids)
        .values("household_id")
        .annotate(at=Max("last_attempt_at"))
        .values_list("household_id", "at"),
        Referral.objects.filter(organisation_id=org, household_id__in=ids)
        .values("household_id")
        .annotate(at=Max("created_at"))
        .values_list("household_id", "at"),
        TicketReport.objects.filter(organisation_id=org, household_id__in=ids)
        .values("household_id")
        .annotate(at=Max("at"))
        .values_list("household_id", "at"),
    ):
        for household_id, at in _latest(source).items():
            if household_id not in last or at > last[household_id]:
                last[household_id] = at
    since_contact = _(
        "75 ans et plus, vit seul·e : aucun contact (appel, orientation, signalement) "
        "depuis le %(date)s, plus de %(months)s mois. Prendre des nouvelles."
    )
    never_unknown = _(
        "75 ans et plus, vit seul·e : jamais contacté·e par Vigie (date d'entrée "
        "inconnue). Prendre des nouvelles."
    )
    never_since = _(
        "75 ans et plus, vit seul·e : jamais contacté·e depuis son entrée le %(date)s "
        "(seuil : %(months)s mois sans contact). Prendre des nouvelles."
    )
    tz = timezone.get_current_timezone()
    # A contact on the cutoff day or before is old enough (compared as instants, not per row
    # converted to a local date).
    before = datetime.combine(cutoff + timedelta(days=1), datetime.min.time(), tz)
    out = []
    for pk, start in candidates.values_list("pk", "start_date"):
        contact = last.get(pk)
        if contact is not None:
            if contact >= before:
                continue
            day = contact.astimezone(tz).date()
            out.append(
                Finding(
                    f"h:{pk}",
                    pk,
                    f"contact:{day.isoformat()}",
                    since_contact,
                    {"date": day.strftime("%d/%m/%Y"), "months": months},
                )
            )
        elif start is None:
            out.append(Finding(f"h:{pk}", pk, "start:", never_unknown, {}))
        elif start <= cutoff:
            out.append(
                Finding(
                    f"h:{pk}",
                    pk,
                    f"start:{start.isoformat()}",
                    never_since,
                    {"date": start.strftime("%d/%m/%Y"), "months": months},
                )
            )
    return out


def find_not_reached(org: int, today: date, params: dict[str, int]) -> list[Finding]:
    """Households a campaign could not reach after every attempt (target "injoignable")."""
    rows = (
        Target.objects.filter(
            organisation_id=org,
            status=TargetStatus.NOT_REACHED,
            household_id__in=_active(org, today).values("pk"),
        )
        .order_by("household_id", "-last_attempt_at", "-id")
        .values_list("household_id", "id", "attempts_count", "last_attempt_at", "campaign__name")
    )
    one, many = (
        ngettext(
            "Injoignable après %(attempts)s appel de la campagne « %(campaign)s » "
            "(le %(date)s) : prévoir une visite ou un courrier.",
            "Injoignable après %(attempts)s appels de la campagne « %(campaign)s » "
            "(dernier le %(date)s) : prévoir une visite ou un courrier.",
            n,
        )
        for n in (1, 2)
    )
    out: dict[int, Finding] = {}
    for household_id, target_id, attempts, at, campaign in rows:
        if household_id in out:
            continue  # the latest campaign's target speaks for the household
        out[household_id] = Finding(
            f"h:{household_id}",
            household_id,
            f"target:{target_id}",
            one if attempts == 1 else many,
            {"attempts": attempts, "campaign": campaign, "date": _d(at) or "—"},
        )
    return list(out.values())


def find_repeated_tickets_staircase(org: int, today: date, params: dict[str, int]) -> list[Finding]:
    """`count` distinct building tickets or more reported from one staircase in `days` days
    (a ticket is placed by the households that reported it)."""
    count, days = int(params["count"]), int(params["days"])
    since = timezone.make_aware(datetime.combine(today - timedelta(days=days), datetime.min.time()))
    rows = (
        TicketReport.objects.filter(organisation_id=org, at__gte=since, household__isnull=False)
        .values_list(
            "household__dwelling__residence_id",
            "household__dwelling__residence__name",
            "household__dwelling__building_id",
            "household__dwelling__building__name",
            "household__dwelling__staircase",
            "ticket_id",
            "ticket__category",
        )
        .distinct()
    )
    places: dict[tuple, dict[str, Any]] = {}
    for residence_id, residence, building_id, building, staircase, ticket_id, category in rows:
        key = (residence_id, building_id or 0, (staircase or "").strip())
        place = places.setdefault(
            key, {"residence": residence, "building": building, "tickets": {}}
        )
        place["tickets"][ticket_id] = category
    from vigie.actions.choices import TicketCategory

    out = []
    for (residence_id, building_id, staircase), place in places.items():
        tickets = place["tickets"]
        if len(tickets) < count:
            continue
        label = place["residence"]
        if place["building"]:
            label += ", " + _("bâtiment %(name)s") % {"name": place["building"]}
        if staircase:
            label += ", " + _("escalier %(name)s") % {"name": staircase}
        categories = sorted({str(TicketCategory(c).label) for c in tickets.values()})
        out.append(
            Finding(
                f"s:{residence_id}:{building_id}:{staircase}"[:120],
                None,
                "tickets:" + ",".join(str(t) for t in sorted(tickets))[:100],
                _(
                    "%(count)s signalements distincts en %(days)s jours dans cet escalier "
                    "(%(categories)s) : voir avec l'agence s'il faut une intervention d'ensemble."
                ),
                {"count": len(tickets), "days": days, "categories": ", ".join(categories)},
                label[:300],
            )
        )
    return out


def find_referral_declined_twice(org: int, today: date, params: dict[str, int]) -> list[Finding]:
    """`count` referrals or more of one household declined by partners in `days` days."""
    count, days = int(params["count"]), int(params["days"])
    since = timezone.make_aware(datetime.combine(today - timedelta(days=days), datetime.min.time()))
    rows = (
        Referral.objects.filter(
            organisation_id=org,
            status=ReferralStatus.DECLINED,
            closed_at__gte=since,
            household_id__in=_active(org, today).values("pk"),
        )
        .values("household_id")
        .annotate(n=Count("id"), last=Max("closed_at"), last_id=Max("id"))
        .filter(n__gte=count)
        .values_list("household_id", "n", "last", "last_id")
    )
    template = _(
        "%(count)s orientations refusées par des partenaires en %(days)s jours (dernière "
        "le %(date)s) : le besoin reste sans réponse, chercher une autre solution."
    )
    return [
        Finding(
            f"h:{household_id}",
            household_id,
            f"referral:{last_id}",
            template,
            {"count": n, "days": days, "date": _d(last)},
        )
        for household_id, n, last, last_id in rows
    ]


_GROUND = re.compile(r"^\s*(rdc|rez|r\s*d\s*c|0|-\d+|ss|sous)", re.IGNORECASE)
_NUMBER = re.compile(r"(\d+)")


def floor_number(text: str) -> int | None:
    """The floor of `etage` as written by the ERP ("RDC" → 0, "2", "2e", "3ème" → 2, 3);
    None when it cannot be read."""
    text = (text or "").strip()
    if not text:
        return None
    if _GROUND.match(text):
        return 0
    m = _NUMBER.search(text)
    return int(m.group(1)) if m else None


def find_disability_no_lift(org: int, today: date, params: dict[str, int]) -> list[Finding]:
    """A household with a disability above the ground floor of a building without a lift
    (import column `ascenseur` = non; unknown: no alert)."""
    rows = (
        _active(org, today)
        .filter(has_disability=True, dwelling__building__has_lift=False)
        .values_list("pk", "dwelling_id", "dwelling__floor")
    )
    template = _(
        "Situation de handicap au %(floor)s étage (« %(text)s ») d'un bâtiment sans "
        "ascenseur : vérifier que le ménage peut sortir et être secouru ; envisager "
        "une mutation."
    )
    out = []
    for pk, dwelling_id, floor_text in rows:
        floor = floor_number(floor_text)
        if not floor or floor < int(params.get("min_floor", 1)):
            continue
        out.append(
            Finding(
                f"h:{pk}",
                pk,
                f"dwelling:{dwelling_id}",
                template,
                {"floor": floor, "text": floor_text},
            )
        )
    return out


def find_rent_arrears(org: int, today: date, params: dict[str, int]) -> list[Finding]:
    """`months` month(s) of rent arrears or more (import column `impaye_mois`)."""
    months = int(params["months"])
    rows = (
        _active(org, today).filter(arrears_months__gte=months).values_list("pk", "arrears_months")
    )
    template = _(
        "%(months)s mois d'impayé de loyer : prendre contact dès maintenant (aides, "
        "plan d'apurement) avant que la dette ne s'installe."
    )
    return [Finding(f"h:{pk}", pk, f"months:{n}", template, {"months": n}) for pk, n in rows]


RULES: dict[str, RuleSpec] = {
    spec.code: spec
    for spec in (
        RuleSpec(
            RuleCode.NO_CONTACT_OVER_75_ALONE.value,
            RuleCode.NO_CONTACT_OVER_75_ALONE.label,
            gettext_lazy(
                "Un ménage actif dont l'adulte le plus âgé a 75 ans ou plus et qui vit seul "
                "(un adulte, aucun enfant) n'a eu aucun contact — tentative d'appel d'une "
                "campagne, orientation vers un partenaire, signalement d'un problème "
                "d'immeuble — depuis %(months)s mois ; s'il n'a jamais été contacté, les mois "
                "comptent depuis la date d'entrée du bail."
            ),
            1,
            {"months": 6},
            find_no_contact_over_75_alone,
        ),
        RuleSpec(
            RuleCode.NOT_REACHED.value,
            RuleCode.NOT_REACHED.label,
            gettext_lazy(
                "Un ménage actif est « injoignable » dans une campagne : toutes les tentatives "
                "d'appel prévues par les règles de relance ont échoué."
            ),
            1,
            {},
            find_not_reached,
        ),
        RuleSpec(
            RuleCode.REPEATED_TICKETS_STAIRCASE.value,
            RuleCode.REPEATED_TICKETS_STAIRCASE.label,
            gettext_lazy(
                "Au moins %(count)s signalements distincts (problèmes d'immeuble) ont été faits "
                "en %(days)s jours par des ménages d'un même escalier (résidence, bâtiment, "
                "escalier)."
            ),
            1,
            {"count": 3, "days": 90},
            find_repeated_tickets_staircase,
        ),
        RuleSpec(
            RuleCode.REFERRAL_DECLINED_TWICE.value,
            RuleCode.REFERRAL_DECLINED_TWICE.label,
            gettext_lazy(
                "Au moins %(count)s orientations d'un même ménage ont été refusées par les "
                "partenaires en %(days)s jours."
            ),
            1,
            {"count": 2, "days": 365},
            find_referral_declined_twice,
        ),
        RuleSpec(
            RuleCode.DISABILITY_NO_LIFT.value,
            RuleCode.DISABILITY_NO_LIFT.label,
            gettext_lazy(
                "Un ménage actif avec une situation de handicap vit au-dessus du rez-de-chaussée "
                "(à partir de l'étage %(min_floor)s) d'un bâtiment dont l'import dit qu'il n'a "
                "pas d'ascenseur (colonne ascenseur = non ; inconnu : pas d'alerte). Donnée de "
                "santé : réservée aux rôles qui y ont accès."
            ),
            1,
            {"min_floor": 1},
            find_disability_no_lift,
        ),
        RuleSpec(
            RuleCode.RENT_ARREARS.value,
            RuleCode.RENT_ARREARS.label,
            gettext_lazy(
                "Un ménage actif a au moins %(months)s mois d'impayé de loyer (colonne "
                "impaye_mois de l'import) : un contact dès le premier mois prévient la plupart "
                "des expulsions."
            ),
            1,
            {"months": 1},
            find_rent_arrears,
        ),
    )
}
