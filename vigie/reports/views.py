"""Pages of the reports app: dashboards, map, alerts, crisis playbooks, funders' figures."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from vigie.accounts.reauth import recent_auth_required
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm, Role, requires
from vigie.core.selectors import organisations_where
from vigie.core.services import access_record
from vigie.core.smallcells import RULE
from vigie.housing.models import Household
from vigie.reports import selectors, services, svg, tables
from vigie.reports.choices import AlertStatus, RuleCode
from vigie.reports.models import AlertRule, RegisterConsent
from vigie.reports.permissions import (
    ALERT_CLOSE,
    ALERT_MANAGE,
    ALERT_VIEW,
    CCAS_EXPORT,
    CONSENT_RECORD,
    REPORTS_FUNDER_VIEW,
    REPORTS_VIEW,
)
from vigie.reports.rules import RULES
from vigie.reports.services import HEATWAVE_LEVELS, TEAM_ROLES

#: The rules' parameters in words, for the settings form.
PARAMETER_LABELS = {
    "months": gettext_lazy("nombre de mois"),
    "count": gettext_lazy("nombre de fois"),
    "days": gettext_lazy("sur (jours)"),
    "min_floor": gettext_lazy("à partir de l'étage"),
}


def _figures(request):
    today = timezone.localdate()
    start, end, error = tables.period_of(request.GET, today)
    if error:
        messages.error(request, error)
    return selectors.overview(request.user, start=start, end=end, today=today), start, end


@requires(REPORTS_VIEW)
def dashboard(request):
    """The landlord at a glance, over a period."""
    figures, start, end = _figures(request)
    built = {key: tables.build(figures, key) for key in tables.TABLES}
    trends = figures["trends"]
    chart = svg.bar_chart(
        [t["month"].strftime("%m/%y") for t in trends],
        [
            (_("besoins signalés"), [t["needs_raised"] for t in trends]),
            (_("besoins résolus"), [t["needs_resolved"] for t in trends]),
            (_("signalements ouverts"), [t["tickets_opened"] for t in trends]),
        ],
        title=_("Besoins et signalements par mois"),
    )
    rules = [
        {"code": code, "name": RULES[code].name, "open": n}
        for code, n in figures["alerts"].items()
        if n is not None
    ]
    query = f"from={start:%Y-%m-%d}&to={end:%Y-%m-%d}"
    return TemplateResponse(
        request,
        "reports/dashboard.html",
        {
            "section": "reports",
            "figures": figures,
            "tables": built,
            "chart": chart,
            "rules": rules,
            "start": start,
            "end": end,
            "query": query,
            "how_alerts": selectors.HOW["alerts"],
        },
    )


def _table_export(request, table: str, fmt: str):
    if table not in tables.TABLES or fmt not in ("csv", "xlsx"):
        raise Http404
    figures, start, end = _figures(request)
    t = tables.build(figures, table)
    return tables_response(request, t, table, fmt, start, end)


def tables_response(request, t, table, fmt, start, end):
    from vigie.core.exports import table_response

    return table_response(
        request,
        fmt=fmt,
        header=t["header"],
        rows=t["rows"],
        filename=f"vigie-{table}-{start:%Y%m%d}-{end:%Y%m%d}",
        sheet_title=t["title"],
        object_type="reports.figures",
        detail=table,
    )


# Exports of figures (no person) still ask the password again: a test requires it of every
# export route, and these tables name residences and agencies.
table_export = requires(REPORTS_VIEW)(recent_auth_required(_table_export))


@requires(REPORTS_VIEW)
def map_page(request):
    """A choropleth by commune, the residences as points, and the same values as a table."""
    figure = request.GET.get("figure") or "households_over_75"
    if figure not in selectors.MAP_FIGURES:
        figure = "households_over_75"
    health = selectors.sees_health_everywhere(request.user, REPORTS_VIEW)
    choices = [
        (k, v) for k, v in selectors.MAP_FIGURES.items() if health or k != "households_disability"
    ]
    if figure == "households_disability" and not health:
        figure = "households_over_75"
    data = selectors.map_data(request.user, figure=figure)
    features, points = data["features"], data["points"]
    title = str(selectors.MAP_FIGURES[figure])
    drawing, legend, missing = svg.choropleth(features, points, title=title)
    bounds = svg.classes([float(f["value"]) for f in features])
    for f in features:
        f["class"] = svg.class_of(float(f["value"]), bounds)
    return TemplateResponse(
        request,
        "reports/map.html",
        {
            "section": "reports",
            "figure": figure,
            "choices": choices,
            "title": title,
            "how": selectors.MAP_HOW[figure],
            "svg": drawing,
            "legend": legend,
            "features": features,
            "points": points,
            "missing": missing,
        },
    )


# --------------------------------------------------------------------------- alerts


@requires(ALERT_VIEW)
def alerts(request):
    """The alerts I receive, the risk view by residence and staircase, and the rules."""
    rule = request.GET.get("regle") or ""
    status = request.GET.get("statut") or AlertStatus.OPEN
    qs = selectors.alerts_visible(request.user).select_related(
        "household__dwelling__residence", "household__dwelling__building"
    )
    if rule in RuleCode.values:
        qs = qs.filter(rule_code=rule)
    if status in AlertStatus.values:
        qs = qs.filter(status=status)
    rows = list(qs.order_by("-raised_on", "-id")[:300])
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        object_type="alert",
        detail=f"list {len(rows)}",
        path=request.path,
    )
    # Risks by residence, building and staircase: the open alerts counted by place (one
    # grouped query, whatever their number).
    risk: dict[tuple[str, str, str], dict] = {}
    grouped = (
        selectors.alerts_visible(request.user)
        .filter(status=AlertStatus.OPEN)
        .values(
            "household__dwelling__residence__name",
            "household__dwelling__building__name",
            "household__dwelling__staircase",
            "place",
            "rule_code",
        )
        .annotate(n=Count("id"))
        .order_by()
    )
    for g in grouped:
        if g["household__dwelling__residence__name"]:
            key = (
                g["household__dwelling__residence__name"],
                g["household__dwelling__building__name"] or "",
                g["household__dwelling__staircase"] or "",
            )
        else:
            key = (g["place"], "", "")
        entry = risk.setdefault(key, {"place": key, "count": 0, "rules": set()})
        entry["count"] += g["n"]
        entry["rules"].add(str(RuleCode(g["rule_code"]).label))
    manage_orgs = list(organisations_where(request.user, ALERT_MANAGE))
    settings = []
    for org in manage_orgs:
        for r in services.rules_ensure(organisation_id=org.pk):
            spec = RULES[r.code]
            settings.append(
                {
                    "rule": r,
                    "org": org,
                    "spec": spec,
                    "definition": spec.describe(r.parameters),
                    "params": [
                        (k, PARAMETER_LABELS.get(k, k), (r.parameters or {}).get(k, v))
                        for k, v in spec.defaults.items()
                    ],
                }
            )
    definitions = [
        {"code": code, "name": spec.name, "definition": spec.describe(), "version": spec.version}
        for code, spec in RULES.items()
    ]
    return TemplateResponse(
        request,
        "reports/alerts.html",
        {
            "section": "alerts",
            "alerts": rows,
            "rule": rule,
            "status": status,
            "rule_choices": RuleCode.choices,
            "risk": sorted(risk.values(), key=lambda e: (-e["count"], e["place"]))[:200],
            "settings": settings,
            "definitions": definitions,
            "teams": [(r, Role(r).label) for r in TEAM_ROLES],
            "may_close": request.user.has_org_perm(ALERT_CLOSE),
        },
    )


@requires(ALERT_CLOSE)
@require_POST
def alert_close(request, pk: int):
    alert = get_object_or_404(selectors.alerts_visible(request.user), pk=pk)
    version = request.POST.get("version")
    with service_call(request) as call:
        services.alert_close(
            actor=request.user,
            alert=alert,
            note=request.POST.get("note", ""),
            version=int(version) if (version or "").isdigit() else None,
        )
    if not call.failed:
        messages.success(request, _("Alerte close."))
    return redirect("reports:alerts")


@requires(ALERT_MANAGE)
@require_POST
def alerts_run(request):
    raised = 0
    for org in organisations_where(request.user, ALERT_MANAGE):
        with service_call(request):
            raised += services.alerts_run(actor=request.user, organisation=org)["raised"]
    messages.success(
        request,
        ngettext(
            "Alertes calculées : %(raised)s nouvelle.",
            "Alertes calculées : %(raised)s nouvelles.",
            raised,
        )
        % {"raised": raised},
    )
    return redirect("reports:alerts")


@requires(ALERT_MANAGE)
@require_POST
def rule_update(request, code: str):
    orgs = organisations_where(request.user, ALERT_MANAGE)
    rule = get_object_or_404(AlertRule.objects.filter(organisation__in=orgs), code=code)
    spec = RULES[rule.code]
    params = {k: request.POST.get(k, "") for k in spec.defaults}
    version = request.POST.get("version")
    with service_call(request) as call:
        services.rule_update(
            actor=request.user,
            rule=rule,
            active=request.POST.get("active") == "on",
            team=request.POST.get("team", ""),
            parameters=params,
            version=int(version) if (version or "").isdigit() else None,
        )
    if not call.failed:
        messages.success(request, _("Règle « %(name)s » enregistrée.") % {"name": spec.name})
    return redirect("reports:alerts")


# --------------------------------------------------------------------------- playbooks


@requires(Perm.CAMPAIGN_MANAGE)
def playbooks(request):
    """Before a heatwave or a cold spell: prepare the campaign, and the CCAS register list."""
    today = timezone.localdate()
    orgs = list(organisations_where(request.user, Perm.CAMPAIGN_MANAGE))
    ready = selectors.playbook_lists(request.user, today)
    consents = (
        RegisterConsent.objects.visible_to(request.user, CONSENT_RECORD)
        .filter(withdrawn_on__isnull=True)
        .select_related("household__dwelling__commune")
        .order_by("household__dwelling__commune__name", "household__reference")[:500]
    )
    communes = selectors.consent_communes(request.user)
    return TemplateResponse(
        request,
        "reports/playbooks.html",
        {
            "section": "reports",
            "levels": sorted(HEATWAVE_LEVELS.items()),
            "ready": ready,
            "orgs": orgs,
            "consents": consents,
            "communes": communes,
            "may_export": request.user.has_org_perm(CCAS_EXPORT),
            "may_record": request.user.has_org_perm(CONSENT_RECORD),
        },
    )


@requires(Perm.CAMPAIGN_MANAGE)
@require_POST
def playbook_prepare(request):
    orgs = list(organisations_where(request.user, Perm.CAMPAIGN_MANAGE))
    playbook = request.POST.get("playbook", "")
    level = request.POST.get("level", "")
    with service_call(request) as call:
        campaign = services.playbook_prepare(
            actor=request.user,
            organisation=orgs[0],
            playbook=playbook,
            level=int(level) if level.isdigit() else None,
        )
    if call.failed:
        return redirect("reports:playbooks")
    messages.success(
        request,
        _("Campagne « %(name)s » préparée, en brouillon : vérifiez-la puis lancez-la.")
        % {"name": campaign.name},
    )
    return redirect("campaigns:detail", pk=campaign.pk)


@requires(CONSENT_RECORD)
@require_POST
def consent_record(request):
    reference = (request.POST.get("reference") or "").strip()
    household = (
        Household.objects.visible_to(request.user, CONSENT_RECORD)
        .filter(reference=reference)
        .first()
    )
    if household is None:
        messages.error(
            request,
            _("Aucun ménage de référence « %(ref)s » dans votre registre.") % {"ref": reference},
        )
        return redirect("reports:playbooks")
    from vigie.core.dates import parse_date

    given = parse_date(request.POST.get("given_on", ""))
    with service_call(request) as call:
        services.consent_record(actor=request.user, household=household, given_on=given)
    if not call.failed:
        messages.success(request, _("Consentement enregistré."))
    return redirect("reports:playbooks")


@requires(CONSENT_RECORD)
@require_POST
def consent_withdraw(request, pk: int):
    consent = get_object_or_404(
        RegisterConsent.objects.visible_to(request.user, CONSENT_RECORD), pk=pk
    )
    with service_call(request) as call:
        services.consent_withdraw(actor=request.user, consent=consent)
    if not call.failed:
        messages.success(request, _("Consentement retiré : le ménage sort de la liste."))
    return redirect("reports:playbooks")


def _ccas_export(request, fmt: str):
    """The consenting households of one commune, for its CCAS's heatwave register only."""
    from vigie.core.exports import table_response

    insee = request.GET.get("commune", "")
    rows = selectors.ccas_register_rows(request.user, insee)
    return table_response(
        request,
        fmt=fmt,
        header=[
            _("nom"),
            _("prénom"),
            _("date de naissance"),
            _("adresse"),
            _("bâtiment"),
            _("escalier"),
            _("étage"),
            _("porte"),
            _("code postal"),
            _("commune"),
            _("téléphone"),
            _("consentement donné le"),
        ],
        rows=rows,
        filename=f"registre-canicule-{insee or 'toutes-communes'}",
        sheet_title=_("Registre canicule"),
        object_type="reports.registerconsent",
        detail=f"ccas register {insee}",
    )


ccas_export = requires(CCAS_EXPORT)(recent_auth_required(_ccas_export))


# --------------------------------------------------------------------------- funders


@requires(REPORTS_FUNDER_VIEW)
def funder(request):
    """Figures for funders and partners: small cells hidden, the rule stated."""
    today = timezone.localdate()
    start, end, error = tables.period_of(request.GET, today)
    if error:
        messages.error(request, error)
    published = selectors.funder_figures(request.user, start, end, today)
    return TemplateResponse(
        request,
        "reports/funder.html",
        {
            "section": "funder_figures",
            "published": published,
            "rule": RULE,
            "start": start,
            "end": end,
        },
    )
