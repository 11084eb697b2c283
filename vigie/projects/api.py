"""API of co-financed projects (issue #15 §9).

Managers write (`project.manage`, 201 `{"id": …}`); a funder's users (`funder_viewer`) read
the projects their organisation co-funds — aggregates only, their own co-funding, small cells
hidden. Another landlord's project is a 404; unusable input a 422 with a French `detail`.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from vigie.accounts.http import AuthenticatedRequest
from vigie.api.declare import needs
from vigie.core.errors import PermissionDeniedError
from vigie.core.pdf import pdf_response
from vigie.core.selectors import organisation_ids_where
from vigie.projects import selectors, services
from vigie.projects.permissions import PROJECT_MANAGE, PROJECT_VIEW

router = Router(tags=["projets co-financés"])


class ProjectCreated(Schema):
    id: int


class ProjectIn(Schema):
    title: str
    kind: str
    residences: list[int] = []
    buildings: list[int] = []
    neighbourhood: str = ""
    priority_neighbourhood: bool = False
    starts_on: date | None = None
    ends_on: date | None = None
    summary: str = ""


class ProjectMoveIn(Schema):
    to: str
    version: int | None = None


class ProjectFunderIn(Schema):
    funder: str
    requested: float
    committed: float | None = None
    conditions: str = ""


class ProjectTrancheIn(Schema):
    funder: str
    amount: float
    due_on: date
    received_on: date | None = None


class ProjectBudgetLineIn(Schema):
    year: int
    account: str | int
    label: str
    forecast: float
    actual: float | None = 0.0
    funder: str | None = None


class ProjectTrancheOut(Schema):
    amount: float
    due_on: date
    received_on: date | None
    late: bool


class ProjectFunderOut(Schema):
    funder: str
    name: str
    requested: float
    committed: float | None
    received: float
    conditions: list[str]
    tranches: list[ProjectTrancheOut]
    reports_due: list[dict]


class ProjectMilestoneOut(Schema):
    label: str
    due_on: date
    done_on: date | None


class ProjectOut(Schema):
    id: int
    title: str
    kind: str
    status: str
    version: int
    summary: str
    residences: list[int]
    buildings: list[int]
    neighbourhood: str
    priority_neighbourhood: bool
    starts_on: date | None
    ends_on: date | None
    lead: str | None
    partners: list[dict]
    milestones: list[ProjectMilestoneOut]
    funders: list[ProjectFunderOut]


class ProjectIndicatorOut(Schema):
    id: int
    label: str
    unit: str
    computed: str | None
    source: str
    baseline: float | None
    target: float | None
    actual: float | None
    measured_on: date | None
    suppressed: bool
    history: list[dict]


class ProjectReportTotal(Schema):
    forecast: float
    actual: float


class ProjectReportLine(Schema):
    account: str
    label: str
    funder: str | None
    forecast: float
    actual: float
    gap: float
    gap_percent: float | None


class ProjectReportTotals(Schema):
    charges: ProjectReportTotal
    resources: ProjectReportTotal
    contributions: ProjectReportTotal


class ProjectFinancialReport(Schema):
    project: int
    funder: str | None
    year: int
    lines: list[ProjectReportLine]
    totals: ProjectReportTotals


def _f(value) -> float | None:
    return None if value is None else float(value)


def _project_out(request: AuthenticatedRequest, project) -> dict:
    today = timezone.localdate()
    funders = []
    for co in selectors.co_funders(project, request.user):
        m = selectors.money_of(co)
        funders.append(
            {
                "funder": co.funder.slug,
                "name": co.funder.name,
                "requested": float(m["requested"]),
                "committed": _f(co.committed),
                "received": float(m["received"]),
                "conditions": [c.text for c in co.condition_set.all()],
                "tranches": [
                    {
                        "amount": float(t.amount),
                        "due_on": t.due_on,
                        "received_on": t.received_on,
                        "late": t.received_on is None and t.due_on < today,
                    }
                    for t in co.tranches.all()
                ],
                "reports_due": [
                    {"label": d.label, "due_on": d.due_on, "submitted_on": d.submitted_on}
                    for d in co.deadlines.all()
                ],
            }
        )
    insider = selectors.is_insider(request.user, project)
    return {
        "id": project.pk,
        "title": project.title,
        "kind": project.kind,
        "status": project.status,
        "version": project.version,
        "summary": project.summary,
        "residences": sorted(project.residences.values_list("pk", flat=True)),
        "buildings": sorted(project.buildings.values_list("pk", flat=True)),
        "neighbourhood": project.neighbourhood,
        "priority_neighbourhood": project.priority_neighbourhood,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        # A funder reads the project, not who at the landlord runs it.
        "lead": project.lead.get_full_name() or project.lead.username
        if insider and project.lead
        else None,
        "partners": [{"name": p.name, "role": p.role} for p in project.partners.all()],
        "milestones": [
            {"label": m.label, "due_on": m.due_on, "done_on": m.done_on}
            for m in project.milestones.all()
        ],
        "funders": funders,
    }


def _managed(request: AuthenticatedRequest, project_id: int):
    return selectors.project_for(request.user, project_id, PROJECT_MANAGE)


@router.post("/projects", summary="Créer un projet", **needs(PROJECT_MANAGE, {201: ProjectCreated}))
def project_create(request: AuthenticatedRequest, payload: ProjectIn):
    """`kind` : childcare, intergenerational, common_room, tranquillity, access_to_rights, other."""
    from vigie.core.models import Organisation
    from vigie.housing.models import Building, Residence

    user = request.user
    org_id = organisation_ids_where(user, PROJECT_MANAGE)[0]
    residences = list(
        Residence.objects.visible_to(user, PROJECT_MANAGE).filter(pk__in=payload.residences)
    )
    buildings = list(Building.objects.filter(organisation_id=org_id, pk__in=payload.buildings))
    missing = sorted(
        {*payload.residences} - {r.pk for r in residences}
        | {*payload.buildings} - {b.pk for b in buildings}
    )
    if missing:
        raise services.ProjectInputError(
            _("Résidences ou bâtiments introuvables chez ce bailleur : %(ids)s.")
            % {"ids": ", ".join(str(i) for i in missing)}
        )
    project = services.project_create(
        actor=user,
        organisation=Organisation.objects.get(pk=org_id),
        title=payload.title,
        kind=payload.kind,
        residences=residences,
        buildings=buildings,
        neighbourhood=payload.neighbourhood,
        priority_neighbourhood=payload.priority_neighbourhood,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        summary=payload.summary,
    )
    return Status(201, {"id": project.pk})


@router.get("/projects/{project_id}", summary="Un projet", **needs(PROJECT_VIEW, ProjectOut))
def project_detail(request: AuthenticatedRequest, project_id: int):
    return _project_out(request, selectors.project_for(request.user, project_id))


@router.post(
    "/projects/{project_id}/status",
    summary="Changer le statut d'un projet",
    **needs(PROJECT_MANAGE, ProjectOut),
)
def project_status(request: AuthenticatedRequest, project_id: int, payload: ProjectMoveIn):
    """`to` : application, funded, running, closing, closed, abandoned."""
    project = _managed(request, project_id)
    services.project_move(
        actor=request.user, project=project, to=payload.to, version=payload.version
    )
    return _project_out(request, selectors.project_for(request.user, project_id))


@router.post(
    "/projects/{project_id}/funders",
    summary="Ajouter un co-financeur",
    **needs(PROJECT_MANAGE, {201: ProjectCreated}),
)
def project_funder_add(request: AuthenticatedRequest, project_id: int, payload: ProjectFunderIn):
    """`funder` : l'identifiant (slug) d'une organisation de type financeur."""
    co = services.co_funder_add(
        actor=request.user,
        project=_managed(request, project_id),
        funder_slug=payload.funder,
        requested=payload.requested,
        committed=payload.committed,
        conditions=payload.conditions,
    )
    return Status(201, {"id": co.pk})


@router.post(
    "/projects/{project_id}/tranches",
    summary="Ajouter une tranche de versement",
    **needs(PROJECT_MANAGE, {201: ProjectCreated}),
)
def project_tranche_add(request: AuthenticatedRequest, project_id: int, payload: ProjectTrancheIn):
    tranche = services.tranche_add(
        actor=request.user,
        project=_managed(request, project_id),
        funder_slug=payload.funder,
        amount=payload.amount,
        due_on=payload.due_on,
        received_on=payload.received_on,
    )
    return Status(201, {"id": tranche.pk})


@router.post(
    "/projects/{project_id}/budget-lines",
    summary="Ajouter une ligne au budget de l'action",
    **needs(PROJECT_MANAGE, {201: ProjectCreated}),
)
def project_budget_line_add(
    request: AuthenticatedRequest, project_id: int, payload: ProjectBudgetLineIn
):
    """`account` : 2 à 6 chiffres, charges 60–68, produits 70–78, contributions 86–87 ; une
    subvention est une ligne 74… avec son `funder` (slug d'un co-financeur du projet)."""
    line = services.budget_line_add(
        actor=request.user,
        project=_managed(request, project_id),
        year=payload.year,
        account=str(payload.account),
        label=payload.label,
        forecast=payload.forecast,
        actual=payload.actual,
        funder_slug=payload.funder,
    )
    return Status(201, {"id": line.pk})


def _report_args(request: AuthenticatedRequest, project, funder: str, year: int | None):
    """The funder of the report and its year. A funder's user gets their own organisation's."""
    from vigie.core.models import Organisation

    org = None
    if selectors.is_insider(request.user, project):
        if funder:
            org = services.co_funder_of(project, funder).funder
    else:
        own = selectors.viewer_funder_ids(request.user, project)
        if funder:
            org = services.co_funder_of(project, funder).funder
            if org.pk not in own:
                raise PermissionDeniedError(
                    _("Vous ne lisez que le compte rendu adressé à votre organisation.")
                )
        else:
            org = Organisation.objects.filter(pk__in=own).order_by("pk").first()
    if year is not None and not 2000 <= year <= 2100:
        raise services.ProjectInputError(
            _("Exercice « %(year)s » impossible : indiquez une année (AAAA).") % {"year": year}
        )
    return org, year if year is not None else selectors.default_year(project)


@router.get(
    "/projects/{project_id}/financial-report",
    summary="Compte rendu financier (CERFA 15059) d'un exercice",
    **needs(PROJECT_VIEW, ProjectFinancialReport),
)
def project_financial_report(
    request: AuthenticatedRequest, project_id: int, funder: str = "", year: int | None = None
):
    """Toutes les lignes de l'exercice (le budget de l'action entier, comme le demande le
    CERFA), `gap = actual − forecast`, `gap_percent` nul quand le prévisionnel vaut 0."""
    project = selectors.project_for(request.user, project_id)
    org, year = _report_args(request, project, funder, year)
    return selectors.public_report(selectors.financial_report(project, year=year, funder=org))


@router.get(
    "/projects/{project_id}/financial-report.pdf",
    summary="Compte rendu au financeur (PDF)",
    **needs(
        PROJECT_VIEW,
        openapi_extra={
            "responses": {
                "200": {
                    "description": "PDF",
                    "content": {
                        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
                    },
                }
            }
        },
    ),
)
def project_financial_report_pdf(
    request: AuthenticatedRequest, project_id: int, funder: str = "", year: int | None = None
):
    from vigie.projects.report import funder_report_pdf

    project = selectors.project_for(request.user, project_id)
    org, year = _report_args(request, project, funder, year)
    pdf = funder_report_pdf(project, year=year, funder=org, user=request.user)
    return pdf_response(pdf, f"compte-rendu-{project.pk}-{year}.pdf")


@router.get(
    "/projects/{project_id}/indicators",
    summary="Indicateurs d'un projet",
    **needs(PROJECT_VIEW, list[ProjectIndicatorOut]),
)
def project_indicators(request: AuthenticatedRequest, project_id: int):
    """Hors du bailleur, les effectifs inférieurs à 11 sont masqués (null, `suppressed`)."""
    project = selectors.project_for(request.user, project_id)
    rows = selectors.indicator_rows(project, exact=selectors.is_insider(request.user, project))
    return [
        {
            "id": r.indicator.pk,
            "label": r.indicator.label,
            "unit": r.indicator.unit,
            "computed": r.indicator.computed or None,
            "source": r.indicator.source,
            "baseline": _f(r.baseline),
            "target": _f(r.target),
            "actual": _f(r.actual),
            "measured_on": r.measured_on,
            "suppressed": r.suppressed,
            "history": [{"on": h["on"].isoformat(), "value": _f(h["value"])} for h in r.history],
        }
        for r in rows
    ]
