"""API of the reports app: the landlord's overview, map values, early warnings, playbooks.

Same walls as the pages: figures are computed through `visible_to` (another landlord's
records never count), a figure about disability only for roles that may see health data
(403 otherwise), alerts of a health rule only for them. Errors are `{"detail": "phrase"}`.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from vigie.accounts.http import AuthenticatedRequest
from vigie.api.declare import needs
from vigie.core.errors import PermissionDeniedError
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm
from vigie.core.selectors import organisations_where
from vigie.core.services import access_record
from vigie.reports import selectors, services
from vigie.reports.choices import AlertStatus, Playbook, RuleCode
from vigie.reports.permissions import ALERT_CLOSE, ALERT_MANAGE, ALERT_VIEW, REPORTS_VIEW

router = Router(tags=["rapports et alertes"])


# --- Schemas ------------------------------------------------------------------------------------


class ReportCohortRow(Schema):
    households: int = Field(description="ménages actifs")
    over_75: int
    age_70_74: int
    single_parent: int
    disability: int | None = Field(
        None, description="absent (null) pour un rôle sans accès aux données de santé"
    )


class ReportAgencyCohorts(ReportCohortRow):
    agency: str


class ReportResidenceCohorts(ReportCohortRow):
    residence: str
    agency: str


class ReportCohortsOut(Schema):
    total: ReportCohortRow
    by_agency: list[ReportAgencyCohorts]
    by_residence: list[ReportResidenceCohorts]


class ReportCampaignProgress(Schema):
    id: int
    name: str
    status: str
    targets: int = Field(description="ménages de la liste")
    done: int
    not_reached: int
    remaining: int = Field(description="encore à appeler (à appeler, en cours, à rappeler)")
    progress: float = Field(description="pourcentage de ménages traités")
    attempts: int = Field(description="tentatives d'appel enregistrées")


class ReportNeedKindRow(Schema):
    kind: str
    label: str
    raised: int
    resolved: int
    median_days: float | None = Field(description="délai médian signalement → résolution")


class ReportPartnerRow(Schema):
    partner: str
    referrals: int
    done: int
    declined: int
    median_days: float | None


class ReportNeedsOut(Schema):
    raised: int
    resolved: int
    median_days: float | None
    by_kind: list[ReportNeedKindRow]
    by_partner: list[ReportPartnerRow]


class ReportTicketAgencyRow(Schema):
    agency: str
    opened: int
    resolved: int
    open: int
    overdue: int
    late: int = Field(description="résolus après leur date limite")
    median_days: float | None


class ReportTicketsOut(Schema):
    by_agency: list[ReportTicketAgencyRow]


class ReportTrendRow(Schema):
    month: date
    needs_raised: int
    needs_resolved: int
    tickets_opened: int


class ReportModuleFigure(Schema):
    key: str
    label: str
    value: Any = None
    how: str = ""


class ReportModuleBlock(Schema):
    key: str
    title: str
    figures: list[ReportModuleFigure]


class ReportOverviewOut(Schema):
    from_: date = Field(alias="from")
    to: date
    as_of: date
    cohorts: ReportCohortsOut
    campaigns: list[ReportCampaignProgress]
    needs: ReportNeedsOut
    tickets: ReportTicketsOut
    trends: list[ReportTrendRow]
    alerts: dict[str, int | None] = Field(
        description="alertes ouvertes par règle (null : règle de santé, rôle non habilité)"
    )
    modules: list[ReportModuleBlock] = Field(
        description="chiffres des modules (médiation, aide alimentaire, projets) déclarés "
        "dans leur dashboard.py"
    )


class ReportMapFeature(Schema):
    insee: str
    name: str
    value: float


class ReportMapOut(Schema):
    features: list[ReportMapFeature]


class AlertRunOut(Schema):
    raised: int
    by_rule: dict[str, int]


class AlertOut(Schema):
    id: int
    rule: str
    household: int | None
    reference: str = Field(description="référence du bail, ou le lieu (escalier)")
    reason: str
    status: str
    raised_on: date


class AlertCloseIn(Schema):
    note: str = ""
    version: int | None = None


class PlaybookLevelIn(Schema):
    level: int = Field(ge=1, le=4, description="niveau du plan canicule, de 1 à 4")


class PlaybookCampaignOut(Schema):
    campaign: int


# --- Figures ------------------------------------------------------------------------------------


class ReportPeriodQuery(Schema):
    from_: date | None = Field(None, alias="from")
    to: date | None = None


@router.get(
    "/reports/overview",
    summary="Le bailleur en un coup d'œil",
    description=(
        "Ménages par cohorte (par agence et par résidence), avancement des campagnes, besoins "
        "signalés et résolus avec le délai médian par type et par partenaire, signalements par "
        "agence avec les retards, tendances par mois et alertes ouvertes, sur la période "
        "`from`–`to` (par défaut : les 12 derniers mois). Chiffres exacts : réservé au "
        "personnel du bailleur."
    ),
    by_alias=True,
    **needs(REPORTS_VIEW, ReportOverviewOut),
)
def overview(request: AuthenticatedRequest, period: Query[ReportPeriodQuery]):
    today = timezone.localdate()
    end = period.to or today
    start = period.from_ or (end - timedelta(days=365))
    data = selectors.overview(request.user, start=start, end=end, today=today)
    return ReportOverviewOut.model_validate({**data, "from": data.pop("from")})


@router.get(
    "/reports/map",
    summary="Un chiffre par commune",
    description=(
        "Une valeur par commune où le bailleur a des ménages actifs, à la date du jour. "
        "figure : households_over_75, households_disability (rôles ayant accès aux données de "
        "santé seulement), not_reached, needs_per_100, open_tickets ; level : commune."
    ),
    **needs(REPORTS_VIEW, ReportMapOut),
)
def map_values(
    request: AuthenticatedRequest, figure: str = "households_over_75", level: str = "commune"
):
    if level != "commune":
        raise selectors.ReportsQueryError(
            _("Niveau inconnu « %(level)s » (seul « commune » existe).") % {"level": level}
        )
    return {"features": selectors.map_values(request.user, figure=figure)}


# --- Alerts -------------------------------------------------------------------------------------


def _alert_out(a) -> dict[str, Any]:
    return {
        "id": a.pk,
        "rule": a.rule_code,
        "household": a.household_id,
        "reference": a.household.reference if a.household_id else a.place,
        "reason": a.reason,
        "status": a.status,
        "raised_on": a.raised_on,
    }


@router.post(
    "/alerts/run",
    summary="Calculer les alertes maintenant",
    **needs(ALERT_MANAGE, AlertRunOut),
)
def run_alerts(request: AuthenticatedRequest):
    by_rule = {code: 0 for code in RuleCode.values}
    for org in organisations_where(request.user, ALERT_MANAGE):
        result = services.alerts_run(actor=request.user, organisation=org)
        for code, n in result["by_rule"].items():
            by_rule[code] += n
    return {"raised": sum(by_rule.values()), "by_rule": by_rule}


@router.get(
    "/alerts",
    summary="Les alertes que je reçois",
    **needs(ALERT_VIEW, list[AlertOut]),
)
def list_alerts(
    request: AuthenticatedRequest,
    rule: str | None = None,
    status: str | None = AlertStatus.OPEN.value,
    limit: int = 100,
    offset: int = 0,
):
    qs = selectors.alerts_visible(request.user).select_related("household")
    if rule:
        if rule not in RuleCode.values:
            raise selectors.ReportsQueryError(
                _("Règle inconnue « %(rule)s » (attendu : %(expected)s).")
                % {"rule": rule, "expected": ", ".join(RuleCode.values)}
            )
        qs = qs.filter(rule_code=rule)
    if status:
        if status not in AlertStatus.values:
            raise selectors.ReportsQueryError(
                _("Statut inconnu « %(status)s » (attendu : open ou closed).") % {"status": status}
            )
        qs = qs.filter(status=status)
    limit = max(1, min(limit, 500))
    offset = max(0, min(offset, 1_000_000_000))
    page = list(qs.order_by("-raised_on", "-id")[offset : offset + limit])
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        object_type="alert",
        detail=f"api list {len(page)}",
        path=request.path,
    )
    return [_alert_out(a) for a in page]


@router.post(
    "/alerts/{alert_id}/close",
    summary="Clore une alerte",
    **needs(ALERT_CLOSE, AlertOut),
)
def close_alert(request: AuthenticatedRequest, alert_id: int, payload: AlertCloseIn):
    alert = get_object_or_404(selectors.alerts_visible(request.user), pk=alert_id)
    closed = services.alert_close(
        actor=request.user, alert=alert, note=payload.note, version=payload.version
    )
    return _alert_out(closed)


# --- Playbooks ----------------------------------------------------------------------------------


def _landlord(request: AuthenticatedRequest):
    orgs = list(organisations_where(request.user, Perm.CAMPAIGN_MANAGE))
    if not orgs:
        raise PermissionDeniedError(_("Seul·e un·e responsable de campagne prépare un plan."))
    return orgs[0]


@router.post(
    "/playbooks/heatwave/prepare",
    summary="Préparer le plan canicule",
    description="Construit une campagne en brouillon, prête à lancer, pour le niveau 1 à 4.",
    **needs(Perm.CAMPAIGN_MANAGE, {201: PlaybookCampaignOut}),
)
def prepare_heatwave(request: AuthenticatedRequest, payload: PlaybookLevelIn):
    campaign = services.playbook_prepare(
        actor=request.user,
        organisation=_landlord(request),
        playbook=Playbook.HEATWAVE,
        level=payload.level,
    )
    return Status(201, {"campaign": campaign.pk})


@router.post(
    "/playbooks/cold/prepare",
    summary="Préparer le plan grand froid",
    description="Construit une campagne en brouillon, prête à lancer.",
    **needs(Perm.CAMPAIGN_MANAGE, {201: PlaybookCampaignOut}),
)
def prepare_cold(request: AuthenticatedRequest):
    campaign = services.playbook_prepare(
        actor=request.user, organisation=_landlord(request), playbook=Playbook.COLD
    )
    return Status(201, {"campaign": campaign.pk})
