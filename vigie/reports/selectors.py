"""Reads of the reports app: the dashboard's figures, the map's values, the alerts a person
receives. Every query starts from `visible_to(user, perm)`, so the organisation walls and the
health wall (decision 0010) apply to every figure, table, chart, file and API answer.

Figures are computed with a few grouped queries each (no query per residence or per
commune): the landlord dashboard stays under a second at 350,000 households and 5 million
calls (bench/bench_reports.py). Each figure has its sentence in `HOW`, shown under it.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.actions.choices import OPEN_TICKET_STATUSES, ReferralStatus, TicketStatus
from vigie.actions.models import Referral, Ticket
from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    CounterMetric,
    NeedKind,
    NeedStatus,
    TargetStatus,
)
from vigie.campaigns.models import Campaign, CampaignCounter, Need, Target
from vigie.core.errors import DomainError
from vigie.core.permissions import Perm, Role
from vigie.housing.choices import Cohort
from vigie.housing.cohorts import cohort_q
from vigie.housing.models import Commune, Household, Residence
from vigie.reports.choices import SENSITIVE_RULES, AlertStatus, RuleCode
from vigie.reports.models import Alert
from vigie.reports.permissions import ALERT_MANAGE, ALERT_VIEW, REPORTS_VIEW

if TYPE_CHECKING:
    from vigie.accounts.models import User

# How each figure is computed, in words (« comment ce chiffre est calculé »).
HOW: dict[str, Any] = {
    "cohorts": gettext_lazy(
        "Ménages actifs à la date du jour (bail commencé, ni terminé ni parti), rattachés à la "
        "résidence de leur logement. 75 ans et plus : l'adulte le plus âgé (titulaire, "
        "cotitulaire ou conjoint·e) a 75 ans ou plus ; 70 à 74 ans : idem, hors 75 ans et plus ; "
        "famille monoparentale : un seul adulte et au moins un enfant ; handicap : un·e "
        "occupant·e signalé·e en situation de handicap (donnée de santé, visible seulement des "
        "rôles habilités). Un ménage peut compter dans plusieurs cohortes."
    ),
    "campaigns": gettext_lazy(
        "Campagnes créées avant la fin de la période et non closes avant son début. Ménages : "
        "la liste construite ; traités : ménages dont l'appel est terminé (joint, injoignable, "
        "exclu, sans téléphone ou parti) ; avancement = traités / ménages ; appels : toutes les "
        "tentatives enregistrées dans la campagne (compteurs de la campagne)."
    ),
    "needs_by_kind": gettext_lazy(
        "Besoins signalés pendant la période (date de l'appel qui les a fait naître) et besoins "
        "résolus pendant la période, par type. Délai médian : la médiane, en jours, entre le "
        "signalement et la résolution des besoins résolus pendant la période."
    ),
    "needs_by_partner": gettext_lazy(
        "Orientations créées pendant la période, par partenaire : nombre, réalisées, refusées, "
        "et délai médian en jours entre le signalement du besoin et sa résolution, pour les "
        "besoins orientés vers ce partenaire et résolus."
    ),
    "tickets": gettext_lazy(
        "Signalements d'immeuble par agence : ouverts pendant la période, résolus pendant la "
        "période, encore ouverts aujourd'hui, dont en retard (date limite dépassée), délai "
        "médian de résolution en jours (ouverture → résolution, signalements résolus pendant "
        "la période) et résolus après leur date limite."
    ),
    "trends": gettext_lazy(
        "Par mois de la période : besoins signalés, besoins résolus et signalements d'immeuble "
        "ouverts (mois calendaires, heure de Paris)."
    ),
    "alerts": gettext_lazy(
        "Alertes ouvertes aujourd'hui, par règle (voir la définition de chaque règle sur la page "
        "des alertes)."
    ),
}

MAP_FIGURES: dict[str, Any] = {
    "households_over_75": gettext_lazy("Ménages de 75 ans et plus"),
    "households_disability": gettext_lazy("Ménages avec une situation de handicap"),
    "not_reached": gettext_lazy("Ménages injoignables"),
    "needs_per_100": gettext_lazy("Besoins signalés pour 100 ménages (12 derniers mois)"),
    "open_tickets": gettext_lazy("Signalements d'immeuble ouverts"),
}
MAP_HOW: dict[str, Any] = {
    "households_over_75": gettext_lazy(
        "Ménages actifs aujourd'hui dont l'adulte le plus âgé a 75 ans ou plus, par commune du "
        "logement."
    ),
    "households_disability": gettext_lazy(
        "Ménages actifs aujourd'hui dont un·e occupant·e est en situation de handicap, par "
        "commune du logement (donnée de santé : rôles habilités seulement)."
    ),
    "not_reached": gettext_lazy(
        "Ménages actifs aujourd'hui « injoignables » dans au moins une campagne (toutes les "
        "tentatives prévues ont échoué), par commune du logement."
    ),
    "needs_per_100": gettext_lazy(
        "Besoins signalés ces 12 derniers mois par les ménages actifs de la commune, pour 100 "
        "ménages actifs de la commune, arrondi au dixième."
    ),
    "open_tickets": gettext_lazy(
        "Signalements d'immeuble ouverts ou pris en compte aujourd'hui, par commune de la "
        "résidence."
    ),
}


class ReportsQueryError(DomainError):
    status_code = 422


# --------------------------------------------------------------------------- helpers


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, time.min, tz),
        datetime.combine(end + timedelta(days=1), time.min, tz),
    )


def _median_days(durations: list[timedelta]) -> float | None:
    if not durations:
        return None
    return round(statistics.median(d.total_seconds() for d in durations) / 86400, 1)


def _median(days: list[float]) -> float | None:
    return round(statistics.median(days), 1) if days else None


def _days_between(start: str, end: str) -> RawSQL:
    """Days from one timestamp column to another, computed by the database (a float): reading
    tens of thousands of datetimes into Python costs more than the whole query."""
    if connection.vendor == "postgresql":
        return RawSQL(f"EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0", [])  # nosec B611
    return RawSQL(f"julianday({end}) - julianday({start})", [])  # nosec B611


def _next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def check_period(start: date, end: date) -> None:
    if end < start:
        raise ReportsQueryError(
            _("La fin de la période (%(end)s) est avant son début (%(start)s).")
            % {"end": end.strftime("%d/%m/%Y"), "start": start.strftime("%d/%m/%Y")}
        )
    if (end - start).days > 3660:
        raise ReportsQueryError(_("La période ne peut pas dépasser dix ans."))


def households(user: User):
    return Household.objects.visible_to(user, REPORTS_VIEW)


def sees_health(user: User) -> bool:
    return bool(households(user).sensitive_org_ids)


def sees_health_everywhere(user: User, perm: str) -> bool:
    """Whether every organisation where `user` holds `perm` is one where they may see health
    data: a count by disability then narrows nothing and may share the other counts' query."""
    orgs = set(user.scope(perm).full_org_ids)
    return bool(orgs) and orgs <= set(households(user).sensitive_org_ids or ())


# --------------------------------------------------------------------------- dashboard


def cohorts_by_residence(user: User, today: date) -> dict[str, Any]:
    """Households per cohort by residence, rolled up by agency and in total."""
    active = households(user).active_on(today)
    public = [Cohort.OVER_75, Cohort.AGE_70_74, Cohort.SINGLE_PARENT]
    counts = {c.value: Count("id", filter=cohort_q(c, today)) for c in public}
    # The disability column only for a reader who sees health data in every landlord the
    # figures cover: a reader with the right in one of them only would read a "handicap"
    # column over landlords where they may not (the sentinel's mixed persona).
    health = sees_health_everywhere(user, REPORTS_VIEW)
    if health:
        counts["disability"] = Count("id", filter=Q(has_disability=True))
    rows = {
        r["dwelling__residence_id"]: r
        for r in active.values("dwelling__residence_id").annotate(households=Count("id"), **counts)
    }
    keys = ["households", *(c.value for c in public)] + (["disability"] if health else [])
    names = {
        r.pk: r
        for r in Residence.objects.filter(pk__in=list(rows)).select_related("agency", "commune")
    }
    residences = []
    agencies: dict[str, dict[str, Any]] = {}
    total = dict.fromkeys(keys, 0)
    for pk, r in rows.items():
        res = names[pk]
        agency = res.agency.name if res.agency is not None else _("(sans agence)")
        row = {"residence": res.name, "agency": agency, **{k: r.get(k, 0) for k in keys}}
        residences.append(row)
        a = agencies.setdefault(agency, {"agency": agency, **dict.fromkeys(keys, 0)})
        for k in keys:
            a[k] += row[k]
            total[k] += row[k]
    residences.sort(key=lambda r: (r["agency"], r["residence"]))
    return {
        "columns": keys,
        "by_agency": sorted(agencies.values(), key=lambda a: a["agency"]),
        "by_residence": residences,
        "total": total,
        "health": health,
    }


def campaigns_progress(user: User, start: date, end: date) -> list[dict[str, Any]]:
    lo, hi = _bounds(start, end)
    campaigns = list(
        Campaign.objects.visible_to(user, REPORTS_VIEW)
        .filter(created_at__lt=hi)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__gte=lo))
        .order_by("-created_at", "-id")
        .values("id", "name", "status")
    )
    ids = [c["id"] for c in campaigns]
    by_status: dict[int, dict[str, int]] = defaultdict(dict)
    for r in (
        Target.objects.filter(campaign_id__in=ids)
        .values("campaign_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_status[r["campaign_id"]][r["status"]] = r["n"]
    attempts = dict(
        CampaignCounter.objects.filter(campaign_id__in=ids, metric=CounterMetric.ATTEMPTS)
        .values("campaign_id")
        .annotate(n=Sum("count"))
        .values_list("campaign_id", "n")
    )
    out = []
    for c in campaigns:
        s = by_status.get(c["id"], {})
        total = sum(s.values())
        remaining = sum(s.get(x, 0) for x in OPEN_TARGET_STATUSES)
        out.append(
            {
                "id": c["id"],
                "name": c["name"],
                "status": c["status"],
                "targets": total,
                "done": s.get(TargetStatus.DONE, 0),
                "not_reached": s.get(TargetStatus.NOT_REACHED, 0),
                "remaining": remaining,
                "progress": round(100 * (total - remaining) / total, 1) if total else 0.0,
                "attempts": int(attempts.get(c["id"]) or 0),
            }
        )
    return out


def _month_edges(start: date, end: date) -> list[tuple[date, datetime, datetime]]:
    tz = timezone.get_current_timezone()
    edges = []
    day = start.replace(day=1)
    while day <= end:
        nxt = _next_month(day)
        edges.append(
            (day, datetime.combine(day, time.min, tz), datetime.combine(nxt, time.min, tz))
        )
        day = nxt
    return edges


def _needs_scan(user: User, start: date, end: date) -> dict[str, dict[str, int]]:
    """One pass over the needs of the period: by kind, raised in the period, and raised and
    resolved in each month (conditional counts: no truncation per row, no second scan)."""
    lo, hi = _bounds(start, end)
    counts: dict[str, Any] = {
        "raised": Count("id", filter=Q(created_at__gte=lo, created_at__lt=hi))
    }
    for i, (_m, a, b) in enumerate(_month_edges(start, end)):
        counts[f"r{i}"] = Count("id", filter=Q(created_at__gte=a, created_at__lt=b))
        counts[f"s{i}"] = Count(
            "id", filter=Q(status=NeedStatus.RESOLVED, resolved_at__gte=a, resolved_at__lt=b)
        )
    rows = (
        Need.objects.visible_to(user, REPORTS_VIEW)
        .filter(
            Q(created_at__gte=lo, created_at__lt=hi)
            | Q(status=NeedStatus.RESOLVED, resolved_at__gte=lo, resolved_at__lt=hi)
        )
        .values("kind")
        .annotate(**counts)
        .order_by()
    )
    out: dict[str, dict[str, int]] = {}
    for r in rows:
        row: dict[str, Any] = dict(r)
        out[str(row.pop("kind"))] = row
    return out


def needs_figures(
    user: User, start: date, end: date, scan: dict[str, dict[str, int]] | None = None
) -> dict[str, Any]:
    lo, hi = _bounds(start, end)
    needs = Need.objects.visible_to(user, REPORTS_VIEW)
    scan = scan if scan is not None else _needs_scan(user, start, end)
    raised = {kind: r["raised"] for kind, r in scan.items() if r["raised"]}
    durations: dict[str, list[float]] = defaultdict(list)
    table = Need._meta.db_table
    for kind, days in (
        needs.filter(status=NeedStatus.RESOLVED, resolved_at__gte=lo, resolved_at__lt=hi)
        .annotate(days=_days_between(f"{table}.created_at", f"{table}.resolved_at"))
        .values_list("kind", "days")
        .order_by()  # a median needs no order: no sort of the year's needs
    ):
        durations[kind].append(days)
    labels = dict(NeedKind.choices)
    by_kind = [
        {
            "kind": kind,
            "label": str(labels.get(kind, kind)),
            "raised": raised.get(kind, 0),
            "resolved": len(durations.get(kind, [])),
            "median_days": _median(durations.get(kind, [])),
        }
        for kind in sorted(set(raised) | set(durations))
    ]
    partners: dict[str, dict[str, Any]] = {}
    # The join on the need (its table under its own name) carries its dates to `days`.
    for name, status, resolved, days in (
        Referral.objects.visible_to(user, REPORTS_VIEW)
        .filter(created_at__gte=lo, created_at__lt=hi)
        .filter(need__in=needs, need__created_at__isnull=False)
        .annotate(days=_days_between(f"{table}.created_at", f"{table}.resolved_at"))
        .values_list("partner__name", "status", "need__resolved_at", "days")
        .order_by()
    ):
        p = partners.setdefault(
            name, {"partner": name, "referrals": 0, "done": 0, "declined": 0, "_d": []}
        )
        p["referrals"] += 1
        p["done"] += status == ReferralStatus.DONE
        p["declined"] += status == ReferralStatus.DECLINED
        if resolved is not None:
            p["_d"].append(days)
    by_partner = []
    for p in sorted(partners.values(), key=lambda p: p["partner"]):
        p["median_days"] = _median(p.pop("_d"))
        by_partner.append(p)
    all_durations = [d for ds in durations.values() for d in ds]
    return {
        "raised": sum(raised.values()),
        "resolved": len(all_durations),
        "median_days": _median(all_durations),
        "by_kind": by_kind,
        "by_partner": by_partner,
    }


def tickets_figures(user: User, start: date, end: date, today: date) -> dict[str, Any]:
    lo, hi = _bounds(start, end)
    tickets = Ticket.objects.visible_to(user, REPORTS_VIEW)
    agencies: dict[str, dict[str, Any]] = {}

    def row(name: str | None) -> dict[str, Any]:
        name = name or _("(sans agence)")
        return agencies.setdefault(
            name,
            {
                "agency": name,
                "opened": 0,
                "resolved": 0,
                "open": 0,
                "overdue": 0,
                "late": 0,
                "_d": [],
            },
        )

    for name, n in (
        tickets.filter(opened_at__gte=lo, opened_at__lt=hi)
        .values("agency__name")
        .annotate(n=Count("id"))
        .values_list("agency__name", "n")
    ):
        row(name)["opened"] += n
    for name, n, overdue in (
        tickets.filter(status__in=OPEN_TICKET_STATUSES)
        .values("agency__name")
        .annotate(n=Count("id"), overdue=Count("id", filter=Q(due_on__lt=today)))
        .values_list("agency__name", "n", "overdue")
    ):
        r = row(name)
        r["open"] += n
        r["overdue"] += overdue
    ticket_table = Ticket._meta.db_table
    for name, resolved, due, days in (
        tickets.filter(status=TicketStatus.RESOLVED, resolved_at__gte=lo, resolved_at__lt=hi)
        .annotate(days=_days_between(f"{ticket_table}.opened_at", f"{ticket_table}.resolved_at"))
        .values_list("agency__name", "resolved_at", "due_on", "days")
    ):
        r = row(name)
        r["resolved"] += 1
        r["_d"].append(days)
        r["late"] += timezone.localdate(resolved) > due
    out = []
    for r in sorted(agencies.values(), key=lambda r: r["agency"]):
        r["median_days"] = _median(r.pop("_d"))
        out.append(r)
    return {"by_agency": out}


def trends(
    user: User, start: date, end: date, scan: dict[str, dict[str, int]] | None = None
) -> list[dict[str, Any]]:
    """Needs raised and resolved, tickets opened, by calendar month of the period."""
    lo, hi = _bounds(start, end)
    edges = _month_edges(start, end)
    scan = scan if scan is not None else _needs_scan(user, start, end)
    tickets = (
        Ticket.objects.visible_to(user, REPORTS_VIEW)
        .filter(opened_at__gte=lo, opened_at__lt=hi)
        .aggregate(
            **{
                f"t{i}": Count("id", filter=Q(opened_at__gte=a, opened_at__lt=b))
                for i, (_m, a, b) in enumerate(edges)
            }
        )
    )
    return [
        {
            "month": m,
            "needs_raised": sum(r[f"r{i}"] for r in scan.values()),
            "needs_resolved": sum(r[f"s{i}"] for r in scan.values()),
            "tickets_opened": tickets[f"t{i}"] or 0,
        }
        for i, (m, _a, _b) in enumerate(edges)
    ]


def overview(user: User, *, start: date, end: date, today: date | None = None) -> dict[str, Any]:
    """The landlord at a glance over a period (GET /api/v1/reports/overview)."""
    from vigie.reports.registry import blocks_for

    check_period(start, end)
    today = today or timezone.localdate()
    scan = _needs_scan(user, start, end)
    return {
        "from": start,
        "to": end,
        "as_of": today,
        "cohorts": cohorts_by_residence(user, today),
        "campaigns": campaigns_progress(user, start, end),
        "needs": needs_figures(user, start, end, scan),
        "tickets": tickets_figures(user, start, end, today),
        "trends": trends(user, start, end, scan),
        "alerts": alerts_open_by_rule(user),
        "modules": blocks_for(user, start, end),
    }


# --------------------------------------------------------------------------- map


def map_values(user: User, *, figure: str, today: date | None = None) -> list[dict[str, Any]]:
    """One value per commune where the landlord has active households, as of today."""
    return map_data(user, figure=figure, today=today)["features"]


def map_data(user: User, *, figure: str, today: date | None = None) -> dict[str, Any]:
    """The map's values by commune and its residences as points, from one pass over the
    active households grouped by residence and commune (plus one over needs or tickets)."""
    if figure not in MAP_FIGURES:
        raise ReportsQueryError(
            _("Chiffre inconnu « %(figure)s » (attendu : %(expected)s).")
            % {"figure": figure, "expected": ", ".join(MAP_FIGURES)}
        )
    today = today or timezone.localdate()
    active = households(user).active_on(today)
    # Grouped by the dwelling's columns only (no join on the residence for its name: the
    # names of the few residences are read after).
    grid = ("dwelling__residence_id", "dwelling__commune_id")
    value: Q | None = None
    if figure == "households_over_75":
        value = cohort_q(Cohort.OVER_75, today)
    elif figure == "households_disability":
        if not sees_health_everywhere(user, REPORTS_VIEW):
            # Narrows to the landlords where the reader sees health, or refuses (403).
            active = active.filter(has_disability__in=[True, False])
        value = Q(has_disability=True)
    elif figure == "not_reached":
        value = Q(
            pk__in=Target.objects.filter(status=TargetStatus.NOT_REACHED).values("household_id")
        )
    annotations: dict[str, Any] = {"n": Count("id")}
    if value is not None:
        annotations["v"] = Count("id", filter=value)
    rows = list(active.values(*grid).annotate(**annotations).order_by())
    residence_names = dict(
        Residence.objects.filter(pk__in={r["dwelling__residence_id"] for r in rows}).values_list(
            "pk", "name"
        )
    )
    base: dict[str, int] = defaultdict(int)
    values: dict[str, float | int] = defaultdict(int)
    points = []
    for r in rows:
        code = r["dwelling__commune_id"]
        base[code] += r["n"]
        values[code] += r.get("v", 0)
        points.append(
            {
                "residence": residence_names[r["dwelling__residence_id"]],
                "insee": code,
                "households": r["n"],
            }
        )
    if figure == "needs_per_100":
        since = _bounds(today - timedelta(days=365), today)[0]
        # "The need's household is active" as a correlated EXISTS, not `household__in`: the
        # database then walks the needs of the year by their creation date (index need_created)
        # instead of probing the needs of each of the 350,000 active households.
        needs = Need.objects.visible_to(user, REPORTS_VIEW).filter(
            Exists(active.filter(pk=OuterRef("household_id"))), created_at__gte=since
        )
        counts = _by_commune(needs, "household__dwelling__commune_id")
        for code in base:
            values[code] = round(100 * counts.get(code, 0) / base[code], 1) if base[code] else 0
    elif figure == "open_tickets":
        open_tickets = Ticket.objects.visible_to(user, REPORTS_VIEW).filter(
            status__in=OPEN_TICKET_STATUSES
        )
        counts = _by_commune(open_tickets, "residence__commune_id")
        for code in base:
            values[code] = counts.get(code, 0)
    names = dict(Commune.objects.filter(pk__in=list(base)).values_list("pk", "name"))
    features = [
        {"insee": code, "name": names.get(code, code), "value": values[code]}
        for code in sorted(base, key=lambda c: (names.get(c, c), c))
    ]
    points.sort(key=lambda p: (p["residence"], p["insee"]))
    return {"features": features, "points": points}


def _by_commune(qs, path: str) -> dict[str, int]:
    return dict(qs.values(path).annotate(n=Count("id")).values_list(path, "n").order_by())


def residence_points(user: User, today: date | None = None) -> list[dict[str, Any]]:
    """The residences with active households, placed at their commune (no geocoding)."""
    return map_data(user, figure="households_over_75", today=today)["points"]


# --------------------------------------------------------------------------- alerts


def alerts_visible(user: User):
    """The alerts `user` receives: every alert of the landlords where they manage alerts,
    and elsewhere those of the rules sent to their role (the health wall applies)."""
    qs = Alert.objects.visible_to(user, ALERT_VIEW)
    if not user.is_authenticated:
        return qs
    manage = set(user.scope(ALERT_MANAGE).full_org_ids)
    q = Q(organisation_id__in=manage)
    for m in user.memberships.all():
        if m.organisation_id not in manage and m.role in (Role.MANAGER, Role.CALLER):
            q |= Q(organisation_id=m.organisation_id, rule__team=m.role)
    return qs.filter(q)


def alerts_open_by_rule(user: User) -> dict[str, int | None]:
    counts = dict(
        alerts_visible(user)
        .filter(status=AlertStatus.OPEN)
        .values("rule_code")
        .annotate(n=Count("id"))
        .values_list("rule_code", "n")
        .order_by()
    )
    health = sees_health(user)
    return {
        code: (counts.get(code, 0) if health or code not in SENSITIVE_RULES else None)
        for code in RuleCode.values
    }


# --------------------------------------------------------------------------- playbooks


def playbook_lists(user: User, today: date) -> list[dict[str, Any]]:
    """What the crisis plans call first, counted ahead (the manager's landlord)."""
    from vigie.housing.choices import Cohort as C
    from vigie.reports.rules import floor_number

    active = Household.objects.visible_to(user, Perm.CAMPAIGN_MANAGE).active_on(today)
    alone_75 = active.filter(cohort_q(C.OVER_75, today), adults=1, children=0).count()
    out = [
        {
            "label": _("75 ans et plus vivant seuls"),
            "count": alone_75,
            "how": _("ménages actifs : un adulte de 75 ans ou plus, aucun enfant"),
        }
    ]
    if active.sensitive_org_ids:
        out.append(
            {
                "label": _("Situation de handicap"),
                "count": active.filter(has_disability=True).count(),
                "how": _("ménages actifs dont un·e occupant·e est en situation de handicap"),
            }
        )
    floors = active.filter(dwelling__building__has_lift=False).values_list(
        "dwelling__floor", flat=True
    )
    out.append(
        {
            "label": _("Étages sans ascenseur"),
            "count": sum(1 for f in floors if (floor_number(f) or 0) >= 1),
            "how": _(
                "ménages actifs au-dessus du rez-de-chaussée d'un bâtiment sans ascenseur "
                "(colonne ascenseur de l'import)"
            ),
        }
    )
    open_no_contact = (
        alerts_visible(user)
        .filter(status=AlertStatus.OPEN, rule_code=RuleCode.NO_CONTACT_OVER_75_ALONE)
        .count()
    )
    out.append(
        {
            "label": _("Sans contact depuis des mois (alertes ouvertes)"),
            "count": open_no_contact,
            "how": _("alertes ouvertes de la règle « 75 ans et plus, seul·e, sans contact »"),
        }
    )
    return out


def consent_communes(user: User) -> list[tuple[str, str, int]]:
    """(INSEE code, name, consenting households) for the CCAS export's choice."""
    from vigie.reports.models import RegisterConsent
    from vigie.reports.permissions import CONSENT_RECORD

    rows = (
        RegisterConsent.objects.visible_to(user, CONSENT_RECORD)
        .filter(withdrawn_on__isnull=True)
        .values("household__dwelling__commune_id", "household__dwelling__commune__name")
        .annotate(n=Count("id"))
        .order_by("household__dwelling__commune__name")
    )
    return [
        (r["household__dwelling__commune_id"], r["household__dwelling__commune__name"], r["n"])
        for r in rows
    ]


def ccas_register_rows(user: User, insee: str) -> list[list[Any]]:
    """The adults of the consenting, active households of one commune (all if empty): what the
    CCAS's heatwave register needs (identity, address, phone), nothing else."""
    from vigie.core.phones import format_phone
    from vigie.housing.choices import ADULT_ROLES
    from vigie.housing.models import Occupant
    from vigie.reports.models import RegisterConsent
    from vigie.reports.permissions import CCAS_EXPORT

    today = timezone.localdate()
    consents = RegisterConsent.objects.visible_to(user, CCAS_EXPORT).filter(
        withdrawn_on__isnull=True,
        household__in=Household.objects.active_on(today),
    )
    if insee:
        consents = consents.filter(household__dwelling__commune_id=insee)
    given = dict(consents.values_list("household_id", "given_on"))
    occupants = (
        Occupant.objects.filter(household_id__in=list(given), role__in=ADULT_ROLES)
        .select_related("household__dwelling__commune", "household__dwelling__building")
        .order_by("household__dwelling__commune__name", "household__reference", "position")
    )
    rows = []
    for o in occupants:
        d = o.household.dwelling
        rows.append(
            [
                o.last_name,
                o.first_name,
                o.birth_date,
                d.address,
                d.building.name if d.building is not None else "",
                d.staircase,
                d.floor,
                d.door,
                d.postcode,
                d.commune.name,
                format_phone(o.phone) if o.phone else "",
                given[o.household_id],
            ]
        )
    return rows


# --------------------------------------------------------------------------- funders


def funder_figures(user: User, start: date, end: date, today: date) -> list[dict[str, Any]]:
    """The figures published outside the landlord: counts of people with small cells hidden
    (core.smallcells: under 11, and one more where a total would give a hidden one back)."""
    from vigie.core.smallcells import suppress
    from vigie.reports.permissions import REPORTS_FUNDER_VIEW
    from vigie.reports.registry import blocks_for

    active = Household.objects.visible_to(user, REPORTS_FUNDER_VIEW).active_on(today)
    public = [Cohort.OVER_75, Cohort.AGE_70_74, Cohort.SINGLE_PARENT]
    by_agency = list(
        active.values("dwelling__residence__agency__name")
        .annotate(**{c.value: Count("id", filter=cohort_q(c, today)) for c in public})
        .order_by("dwelling__residence__agency__name")
    )
    totals = active.aggregate(**{c.value: Count("id", filter=cohort_q(c, today)) for c in public})
    values: dict[str, int] = {}
    for i, row in enumerate(by_agency):
        for c in public:
            values[f"{i}:{c.value}"] = row[c.value]
    for c in public:
        values[f"total:{c.value}"] = totals[c.value]
    groups = [
        [f"{i}:{c.value}" for i in range(len(by_agency))] + [f"total:{c.value}"] for c in public
    ]
    s = suppress(values, groups=groups)
    cohort_rows = [
        {
            "label": row["dwelling__residence__agency__name"] or _("(sans agence)"),
            "cells": [s.values[f"{i}:{c.value}"] for c in public],
        }
        for i, row in enumerate(by_agency)
    ]
    cohort_rows.append(
        {"label": _("Total"), "cells": [s.values[f"total:{c.value}"] for c in public]}
    )
    lo, hi = _bounds(start, end)
    needs = Need.objects.visible_to(user, REPORTS_FUNDER_VIEW)
    kinds = dict(
        needs.filter(created_at__gte=lo, created_at__lt=hi)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    labels = dict(NeedKind.choices)
    need_values = {k: n for k, n in kinds.items()}
    need_values["total"] = sum(kinds.values())
    ns = suppress(need_values, groups=[list(need_values)])
    need_rows = [
        {"label": str(labels.get(k, k)), "cells": [ns.values[k]]} for k in sorted(kinds)
    ] + [{"label": _("Total"), "cells": [ns.values["total"]]}]
    out = [
        {
            "key": "cohorts",
            "title": _("Ménages par cohorte et par agence"),
            "header": [str(c.label) for c in public],
            "rows": cohort_rows,
            "hidden": len(s.suppressed),
            "how": HOW["cohorts"],
        },
        {
            "key": "needs",
            "title": _("Besoins signalés pendant la période, par type"),
            "header": [_("besoins signalés")],
            "rows": need_rows,
            "hidden": len(ns.suppressed),
            "how": HOW["needs_by_kind"],
        },
    ]
    for block in blocks_for(user, start, end, public_only=True):
        counts = {
            f["key"]: f["value"]
            for f in block["figures"]
            if isinstance(f.get("value"), int) and not isinstance(f.get("value"), bool)
        }
        bs = suppress(counts)
        out.append(
            {
                "key": block["key"],
                "title": block["title"],
                "header": [_("effectif")],
                "rows": [
                    {"label": f["label"], "cells": [bs.values.get(f["key"])]}
                    for f in block["figures"]
                    if f["key"] in counts
                ],
                "hidden": len(bs.suppressed),
                "how": "",
            }
        )
    return out
