"""Reads of the projects app: what a landlord's staff and a funder's users see of a project.

Two kinds of readers hold `project.view`:
- *insiders*, who hold it in the project's landlord: every figure, exact;
- a funder's users, who hold it in a funder organisation co-funding the project: the
  project's progress, milestones, indicators (small cells hidden, `core.smallcells`), the
  budget's execution, and only their own co-funding (tranches, reports, documents).
Nobody reads a household here: indicators are counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from vigie.core.smallcells import RULE, suppress
from vigie.projects.budget import balance_of, gap, nature_of
from vigie.projects.choices import OPEN_STATUSES, BudgetNature, ProjectStatus
from vigie.projects.models import (
    BudgetLine,
    Indicator,
    Project,
    ProjectDocument,
    ProjectFunder,
    ReportingDeadline,
    Tranche,
)
from vigie.projects.permissions import PROJECT_VIEW

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.core.models import Organisation


def projects_visible(user: User, perm: str = PROJECT_VIEW) -> QuerySet[Project]:
    return Project.objects.visible_to(user, perm).select_related("lead", "organisation")


def project_for(user: User, pk: int, perm: str = PROJECT_VIEW) -> Project:
    """The project, if the user may see it for `perm`; another's is a 404."""
    return get_object_or_404(projects_visible(user, perm), pk=pk)


def is_insider(user: User, project: Project) -> bool:
    """Whether the user reads the project as its landlord's staff (exact figures, everything)."""
    return user.has_org_perm(PROJECT_VIEW, project.organisation_id)


def viewer_funder_ids(user: User, project: Project) -> set[int]:
    """The co-funders of the project among the user's organisations (a funder's users)."""
    mine = {o.pk for o in user.organisations()}
    return set(project.funders.filter(funder_id__in=mine).values_list("funder_id", flat=True))


def co_funders(project: Project, user: User | None = None) -> list[ProjectFunder]:
    """The co-funders with their tranches, conditions and reports; for a funder's user, only
    their own organisation's."""
    qs = project.funders.select_related("funder").prefetch_related(
        "tranches", "condition_set", "deadlines"
    )
    if user is not None and not is_insider(user, project):
        qs = qs.filter(funder_id__in=viewer_funder_ids(user, project))
    return list(qs)


def documents_visible(user: User, project: Project) -> QuerySet[ProjectDocument]:
    qs = project.documents.select_related("co_funder__funder")
    if is_insider(user, project):
        return qs
    return qs.filter(co_funder__funder_id__in=viewer_funder_ids(user, project))


def money_of(co: ProjectFunder) -> dict[str, Decimal]:
    """Requested, committed, received (the sum of received tranches) of one co-funder."""
    received = sum((t.amount for t in co.tranches.all() if t.received_on), Decimal(0))
    return {
        "requested": co.requested,
        "committed": co.committed if co.committed is not None else Decimal(0),
        "received": received,
    }


def known_funders(organisation_id: int) -> list[Organisation]:
    """The funder organisations this landlord already works with (the form's suggestions)."""
    from vigie.core.models import Organisation

    return list(
        Organisation.objects.filter(
            pk__in=ProjectFunder.objects.filter(organisation_id=organisation_id).values("funder_id")
        ).order_by("name")
    )


def late_tranches(qs: QuerySet[Tranche], today: date) -> QuerySet[Tranche]:
    return qs.filter(received_on__isnull=True, due_on__lt=today)


# --- where the project acts, and what Vigie computes there ---------------------------------------


def perimeter(project: Project) -> tuple[list[int], list[int]]:
    """(residence ids, building ids): the residences named, those of its neighbourhood, and
    the buildings named (docs/decisions/0015)."""
    from vigie.housing.models import Residence

    residence_ids = set(project.residences.values_list("pk", flat=True))
    if project.neighbourhood:
        residence_ids |= set(
            Residence.objects.filter(
                organisation_id=project.organisation_id,
                neighbourhood__iexact=project.neighbourhood,
            ).values_list("pk", flat=True)
        )
    return sorted(residence_ids), sorted(project.buildings.values_list("pk", flat=True))


def computed_value(project: Project, code: str, *, today: date | None = None) -> int | None:
    """The count a computed indicator gives today, over the project's period."""
    from vigie.projects.indicators import COMPUTED

    entry = COMPUTED.get(code)
    if entry is None:
        return None
    today = today or timezone.localdate()
    residence_ids, building_ids = perimeter(project)
    until = min(project.ends_on, today) if project.ends_on else today
    return int(
        entry.compute(
            organisation_id=project.organisation_id,
            residence_ids=residence_ids,
            building_ids=building_ids,
            since=project.starts_on,
            until=until,
        )
    )


@dataclass
class IndicatorRow:
    indicator: Indicator
    baseline: Any
    target: Any
    actual: Any
    measured_on: date | None
    history: list[dict[str, Any]]
    suppressed: bool


def indicator_rows(project: Project, *, exact: bool) -> list[IndicatorRow]:
    """Each indicator with its latest value and history; outside the landlord (`exact=False`),
    the figures of a headcount under 11 are hidden (`core.smallcells.suppress`)."""
    rows = []
    for ind in project.indicators.prefetch_related("values"):
        values = list(ind.values.all())
        latest = values[-1] if values else None
        figures: dict[str, Any] = {
            "baseline": ind.baseline,
            "actual": latest.value if latest else None,
            **{f"h{i}": v.value for i, v in enumerate(values)},
        }
        hidden: list[str] = []
        if ind.headcount and not exact:
            s = suppress({k: (int(v) if v is not None else None) for k, v in figures.items()})
            hidden = s.suppressed
            figures = {k: (None if k in hidden else v) for k, v in figures.items()}
        rows.append(
            IndicatorRow(
                indicator=ind,
                baseline=figures["baseline"],
                target=ind.target,
                actual=figures["actual"],
                measured_on=latest.measured_on if latest else None,
                history=[
                    {"on": v.measured_on, "value": figures[f"h{i}"], "source": v.source}
                    for i, v in enumerate(values)
                ],
                suppressed=bool(hidden),
            )
        )
    return rows


SUPPRESSION_RULE = RULE


# --- the budget and the financial report (CERFA n° 15059) ----------------------------------------


def budget_years(project: Project) -> list[int]:
    return sorted(set(project.budget_lines.values_list("year", flat=True)))


def default_year(project: Project) -> int:
    years = budget_years(project)
    return years[-1] if years else timezone.localdate().year


def budget_lines(project: Project, year: int) -> list[BudgetLine]:
    return list(project.budget_lines.filter(year=year).select_related("funder"))


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def financial_report(
    project: Project, *, year: int, funder: Organisation | None = None
) -> dict[str, Any]:
    """The year's budget of the action, forecast against actual, as the CERFA asks: every line
    (the funder's own subsidy line marked by its `funder`), gaps in € and %, totals by nature."""
    lines = budget_lines(project, year)
    totals = {
        "charges": {"forecast": Decimal(0), "actual": Decimal(0)},
        "resources": {"forecast": Decimal(0), "actual": Decimal(0)},
        "contributions": {"forecast": Decimal(0), "actual": Decimal(0)},
    }
    key: dict[str, str] = {
        BudgetNature.CHARGE: "charges",
        BudgetNature.RESOURCE: "resources",
        BudgetNature.CONTRIBUTION: "contributions",
    }
    out_lines = []
    for line in lines:
        diff, percent = gap(line.forecast, line.actual)
        nature = key[nature_of(line.account)]
        totals[nature]["forecast"] += line.forecast
        totals[nature]["actual"] += line.actual
        out_lines.append(
            {
                "id": line.pk,
                "account": line.account,
                "label": line.label,
                "funder": line.funder.slug if line.funder else None,
                "forecast": float(line.forecast),
                "actual": float(line.actual),
                "gap": float(diff),
                "gap_percent": _number(percent),
                # For the pages and the PDF (not in the API's line: REPORT_LINE_KEYS).
                "nature": nature,
                "own": funder is not None and line.funder_id == funder.pk,
                "funder_name": line.funder.name if line.funder else "",
            }
        )
    return {
        "project": project.pk,
        "funder": funder.slug if funder else None,
        "year": year,
        "lines": out_lines,
        "totals": {
            k: {"forecast": float(v["forecast"]), "actual": float(v["actual"])}
            for k, v in totals.items()
        },
        "balance": balance_of(lines),
        "gaps": {
            k: dict(zip(("gap", "gap_percent"), gap(v["forecast"], v["actual"]), strict=True))
            for k, v in totals.items()
        },
    }


REPORT_LINE_KEYS = ("account", "label", "funder", "forecast", "actual", "gap", "gap_percent")


def public_report(report: dict[str, Any]) -> dict[str, Any]:
    """The report as the API gives it: the documented keys only."""
    return {
        "project": report["project"],
        "funder": report["funder"],
        "year": report["year"],
        "lines": [{k: line[k] for k in REPORT_LINE_KEYS} for line in report["lines"]],
        "totals": report["totals"],
    }


# --- the partnerships manager's portfolio ---------------------------------------------------------


# The portfolio's sortable columns (core/ordering.py), within each status: the amounts are the
# annotations the page shows (what was received: a subquery over the received tranches).
PORTFOLIO_COLUMNS = {
    "title": ("title", "pk"),
    "kind": ("kind", "title", "pk"),
    "requested": ("requested", "title", "pk"),
    "committed": ("committed", "title", "pk"),
    "received": ("received", "title", "pk"),
}


def portfolio(user: User, order: Sequence[str] = PORTFOLIO_COLUMNS["title"]) -> dict[str, Any]:
    """Projects by status (each in `order`), funding secured against requested, next reports,
    late tranches."""
    today = timezone.localdate()
    money = DecimalField(max_digits=12, decimal_places=2)
    received_sum = (
        Tranche.objects.filter(co_funder__project_id=OuterRef("pk"), received_on__isnull=False)
        .order_by()
        .values("co_funder__project_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    projects = list(
        projects_visible(user)
        .prefetch_related(
            Prefetch("funders", queryset=ProjectFunder.objects.select_related("funder"))
        )
        .annotate(
            requested=Coalesce(Sum("funders__requested"), Decimal(0), output_field=money),
            committed=Coalesce(Sum("funders__committed"), Decimal(0), output_field=money),
            received=Coalesce(Subquery(received_sum), Decimal(0), output_field=money),
        )
        .order_by("status", *order)
    )
    ids = [p.pk for p in projects]
    by_status = []
    for code, label in ProjectStatus.choices:
        rows = [p for p in projects if p.status == code]
        if rows:
            by_status.append({"code": code, "label": label, "projects": rows})
    open_ids = [p.pk for p in projects if p.status in OPEN_STATUSES]
    deadlines = (
        ReportingDeadline.objects.filter(
            co_funder__project_id__in=open_ids, submitted_on__isnull=True
        )
        .select_related("co_funder__project", "co_funder__funder")
        .order_by("due_on", "id")[:10]
    )
    late = late_tranches(
        Tranche.objects.filter(co_funder__project_id__in=ids), today
    ).select_related("co_funder__project", "co_funder__funder")
    return {
        "by_status": by_status,
        "totals": {
            "requested": sum((p.requested for p in projects), Decimal(0)),
            "committed": sum((p.committed for p in projects), Decimal(0)),
            "received": sum((p.received for p in projects), Decimal(0)),
        },
        "deadlines": list(deadlines),
        "late": list(late),
        "today": today,
    }


def funded_projects(user: User) -> list[Project]:
    """The projects a funder's user sees: those their organisations co-fund."""
    mine = [o.pk for o in user.organisations()]
    return list(
        projects_visible(user).filter(Q(funders__funder_id__in=mine)).distinct().order_by("title")
    )
