"""Pages of co-financed projects: portfolio, project, budget, indicators, funders' view, reports.

Every page reads through `selectors` (`Project.objects.visible_to`): another landlord's project
is a 404; a funder's user reads the projects its organisation co-funds, as the funders' view
(aggregates only, its own co-funding). Writes go through `services`, refusals come back as
sentences (core/feedback.py): a refused form is rendered again, bound, with status 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts.reauth import recent_auth_required
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction, Organisation, OrganisationKind
from vigie.core.ordering import ordering_fields
from vigie.core.pdf import pdf_response
from vigie.core.permissions import requires
from vigie.core.selectors import organisations_where
from vigie.core.services import access_record
from vigie.projects import forms, selectors, services
from vigie.projects.choices import PROJECT_TRANSITIONS
from vigie.projects.indicators import COMPUTED
from vigie.projects.permissions import PROJECT_MANAGE, PROJECT_VIEW
from vigie.projects.transitions import PROJECT


def _insider_anywhere(user) -> bool:
    return organisations_where(user, PROJECT_VIEW).exclude(kind=OrganisationKind.FUNDER).exists()


# --- portfolio and creation -----------------------------------------------------------------------


@requires(PROJECT_VIEW)
def portfolio(request):
    """The partnerships manager's portfolio; a funder's users get the projects they fund."""
    if not _insider_anywhere(request.user):
        return TemplateResponse(
            request,
            "projects/funded.html",
            {"projects": selectors.funded_projects(request.user), "section": "projects"},
        )
    order, ordering = ordering_fields(request, selectors.PORTFOLIO_COLUMNS, default="title")
    return TemplateResponse(
        request,
        "projects/portfolio.html",
        {
            **selectors.portfolio(request.user, order=order),
            "ordering": ordering,
            "can_manage": request.user.has_org_perm(PROJECT_MANAGE),
            "section": "projects",
        },
    )


@requires(PROJECT_MANAGE)
def project_create(request):
    from vigie.housing.models import Residence

    orgs = organisations_where(request.user, PROJECT_MANAGE)
    residences = Residence.objects.visible_to(request.user, PROJECT_MANAGE).order_by("name")
    form = forms.ProjectForm(request.POST or None, residences=residences)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            project = services.project_create(
                actor=request.user,
                organisation=orgs.first(),
                title=d["title"],
                kind=d["kind"],
                residences=list(d["residences"]),
                neighbourhood=d["neighbourhood"],
                priority_neighbourhood=d["priority_neighbourhood"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
                summary=d["summary"],
            )
            messages.success(request, _("Projet créé."))
            return redirect("projects:detail", project.pk)
    return TemplateResponse(
        request,
        "projects/project_form.html",
        {"form": form, "section": "projects"},
        status=400 if form.is_bound else 200,
    )


# --- the project ----------------------------------------------------------------------------------


def _forms(project, co_funders, bound: dict[str, Any] | None = None) -> dict[str, Any]:
    computed = [(code, e.label) for code, e in COMPUTED.items()]
    made = {
        "known_funders": selectors.known_funders(project.organisation_id),
        "funder_form": forms.CoFunderForm(),
        "funder_org_form": forms.FunderOrgForm(),
        "tranche_form": forms.TrancheForm(co_funders=co_funders),
        "condition_form": forms.ConditionForm(co_funders=co_funders),
        "deadline_form": forms.DeadlineForm(co_funders=co_funders),
        "milestone_form": forms.MilestoneForm(),
        "partner_form": forms.PartnerForm(),
        "document_form": forms.DocumentForm(co_funders=co_funders),
        "line_form": forms.BudgetLineForm(
            co_funders=co_funders, initial={"year": timezone.localdate().year}
        ),
        "indicator_form": forms.IndicatorForm(computed=computed),
    }
    made.update(bound or {})
    return made


def _detail(request, project, *, bound: dict[str, Any] | None = None, status: int = 200):
    user = request.user
    if not selectors.is_insider(user, project):
        return _funder_view(request, project, None)
    co_funders = selectors.co_funders(project)
    today = timezone.localdate()
    year = selectors.default_year(project)
    report = selectors.financial_report(project, year=year)
    money = [{"co": co, **selectors.money_of(co)} for co in co_funders]
    can_manage = user.has_org_perm(PROJECT_MANAGE, project.organisation_id)
    context = {
        "project": project,
        "money": money,
        "totals": {
            k: sum((m[k] for m in money), 0) for k in ("requested", "committed", "received")
        },
        "today": today,
        "year": year,
        "report": report,
        "moves": [(to, PROJECT.label(to)) for to in sorted(PROJECT_TRANSITIONS[project.status])],
        "milestones": list(project.milestones.all()),
        "partners": list(project.partners.all()),
        "documents": list(selectors.documents_visible(user, project)),
        "residences": list(project.residences.all()),
        "can_manage": can_manage,
        "section": "projects",
        **(_forms(project, co_funders, bound) if can_manage else {}),
    }
    return TemplateResponse(request, "projects/project.html", context, status=status)


@requires(PROJECT_VIEW)
def project_detail(request, pk: int):
    return _detail(request, selectors.project_for(request.user, pk))


@requires(PROJECT_MANAGE)
def project_edit(request, pk: int):
    """The narrative (it opens the funder's report) and the period."""
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    form = forms.ProjectEditForm(
        request.POST or None,
        initial={
            "summary": project.summary,
            "starts_on": project.starts_on,
            "ends_on": project.ends_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            services.project_update(
                actor=request.user,
                project=project,
                summary=d["summary"],
                starts_on=d["starts_on"],
                ends_on=d["ends_on"],
            )
            messages.success(request, _("Projet modifié."))
            return redirect("projects:detail", pk)
    return TemplateResponse(
        request,
        "projects/project_edit.html",
        {"form": form, "project": project, "section": "projects"},
        status=400 if form.is_bound else 200,
    )


@requires(PROJECT_MANAGE)
@require_POST
def project_move(request, pk: int):
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez le nouveau statut du projet."))
        return _detail(request, project, status=400)
    with service_call(request):
        services.project_move(
            actor=request.user,
            project=project,
            to=form.cleaned_data["to"],
            version=form.cleaned_data["version"],
        )
        messages.success(request, _("Statut du projet changé."))
    return redirect("projects:detail", pk)


def _post_form(request, pk: int, name: str, make, act, back: str = "projects:detail"):
    """A small form of the project page: valid and accepted → back to the page; else the page
    again with the bound form and its errors (400)."""
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    co_funders = selectors.co_funders(project)
    form = make(project, co_funders)
    if form.is_valid():
        with service_call(request, form=form):
            act(project, form.cleaned_data)
            return redirect(back, project.pk)
    return _detail(request, project, bound={name: form}, status=400)


def _co(project, slug: str):
    return services.co_funder_of(project, slug)


@requires(PROJECT_MANAGE)
@require_POST
def funder_add(request, pk: int):
    def make(project, cos):
        return forms.CoFunderForm(request.POST)

    def act(project, d):
        services.co_funder_add(
            actor=request.user,
            project=project,
            funder_slug=d["funder"],
            requested=d["requested"],
            committed=d["committed"],
            conditions=d["conditions"],
        )
        messages.success(request, _("Co-financeur ajouté."))

    return _post_form(request, pk, "funder_form", make, act)


@requires(PROJECT_MANAGE)
@require_POST
def funder_org_create(request, pk: int):
    from vigie.accounts.services import organisation_create

    def act(project, d):
        organisation_create(
            slug=d["slug"], kind=OrganisationKind.FUNDER, name=d["name"], actor=request.user
        )
        messages.success(
            request,
            _("Financeur « %(name)s » créé : ajoutez-le comme co-financeur.") % {"name": d["name"]},
        )

    return _post_form(
        request, pk, "funder_org_form", lambda p, c: forms.FunderOrgForm(request.POST), act
    )


@requires(PROJECT_MANAGE)
@require_POST
def tranche_add(request, pk: int):
    def act(project, d):
        services.tranche_add(
            actor=request.user,
            project=project,
            funder_slug=d["funder"],
            amount=d["amount"],
            due_on=d["due_on"],
            received_on=d["received_on"],
        )
        messages.success(request, _("Tranche enregistrée."))

    return _post_form(
        request,
        pk,
        "tranche_form",
        lambda p, cos: forms.TrancheForm(request.POST, co_funders=cos),
        act,
    )


@requires(PROJECT_MANAGE)
@require_POST
def tranche_receive(request, pk: int, tranche_pk: int):
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    from vigie.projects.models import Tranche

    tranche = get_object_or_404(
        Tranche.objects.select_related("co_funder__project", "co_funder__funder"),
        pk=tranche_pk,
        co_funder__project=project,
    )
    form = forms.ReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de réception de la tranche (jj/mm/aaaa)."))
        return _detail(request, project, status=400)
    with service_call(request):
        services.tranche_receive(
            actor=request.user, tranche=tranche, received_on=form.cleaned_data["received_on"]
        )
        messages.success(request, _("Tranche reçue."))
    return redirect("projects:detail", pk)


@requires(PROJECT_MANAGE)
@require_POST
def condition_add(request, pk: int):
    def act(project, d):
        services.condition_add(
            actor=request.user, co_funder=_co(project, d["funder"]), text=d["text"]
        )
        messages.success(request, _("Condition enregistrée."))

    return _post_form(
        request,
        pk,
        "condition_form",
        lambda p, cos: forms.ConditionForm(request.POST, co_funders=cos),
        act,
    )


@requires(PROJECT_MANAGE)
@require_POST
def deadline_add(request, pk: int):
    def act(project, d):
        services.deadline_add(
            actor=request.user,
            co_funder=_co(project, d["funder"]),
            label=d["label"],
            due_on=d["due_on"],
        )
        messages.success(request, _("Échéance de compte rendu enregistrée."))

    return _post_form(
        request,
        pk,
        "deadline_form",
        lambda p, cos: forms.DeadlineForm(request.POST, co_funders=cos),
        act,
    )


@requires(PROJECT_MANAGE)
@require_POST
def deadline_submit(request, pk: int, deadline_pk: int):
    from vigie.projects.models import ReportingDeadline

    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    deadline = get_object_or_404(
        ReportingDeadline.objects.select_related("co_funder__project"),
        pk=deadline_pk,
        co_funder__project=project,
    )
    form = forms.SubmittedForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de remise du compte rendu (jj/mm/aaaa)."))
        return _detail(request, project, status=400)
    with service_call(request):
        services.deadline_submit(
            actor=request.user, deadline=deadline, submitted_on=form.cleaned_data["submitted_on"]
        )
        messages.success(request, _("Compte rendu noté comme remis."))
    return redirect("projects:detail", pk)


@requires(PROJECT_MANAGE)
@require_POST
def milestone_add(request, pk: int):
    def act(project, d):
        services.milestone_set(
            actor=request.user,
            project=project,
            label=d["label"],
            due_on=d["due_on"],
            done_on=d["done_on"],
        )
        messages.success(request, _("Jalon enregistré."))

    return _post_form(
        request, pk, "milestone_form", lambda p, c: forms.MilestoneForm(request.POST), act
    )


@requires(PROJECT_MANAGE)
@require_POST
def milestone_done(request, pk: int, milestone_pk: int):
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    with service_call(request):
        services.milestone_set(
            actor=request.user,
            project=project,
            milestone=milestone,
            label=milestone.label,
            due_on=milestone.due_on,
            done_on=timezone.localdate(),
        )
        messages.success(request, _("Jalon atteint."))
    return redirect("projects:detail", pk)


@requires(PROJECT_MANAGE)
@require_POST
def partner_add(request, pk: int):
    def act(project, d):
        services.project_partner_add(
            actor=request.user, project=project, name=d["name"], role=d["role"]
        )
        messages.success(request, _("Partenaire ajouté."))

    return _post_form(
        request, pk, "partner_form", lambda p, c: forms.PartnerForm(request.POST), act
    )


@requires(PROJECT_MANAGE)
@require_POST
def document_add(request, pk: int):
    def act(project, d):
        upload = d["file"]
        services.document_store(
            actor=request.user,
            project=project,
            co_funder=_co(project, d["funder"]) if d["funder"] else None,
            kind=d["kind"],
            title=d["title"],
            file_name=upload.name,
            content=upload.read(services.MAX_DOCUMENT_BYTES + 1),
        )
        messages.success(request, _("Document déposé."))

    return _post_form(
        request,
        pk,
        "document_form",
        lambda p, cos: forms.DocumentForm(request.POST, request.FILES, co_funders=cos),
        act,
    )


@requires(PROJECT_VIEW)
def document(request, pk: int, doc_pk: int):
    """A stored document, to who may see it (a funder's users: their own co-funding's)."""
    project = selectors.project_for(request.user, pk)
    doc = get_object_or_404(selectors.documents_visible(request.user, project), pk=doc_pk)
    path = services.documents_dir() / doc.stored_as
    if not path.is_file():
        raise Http404
    access_record(user=request.user, action=AccessAction.VIEW, obj=doc, path=request.path)
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=doc.file_name, content_type=doc.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- budget -------------------------------------------------------------------------------------


def _year(request, project) -> int:
    try:
        year = int(request.GET.get("year") or 0)
    except ValueError:
        year = 0
    return year if 2000 <= year <= 2100 else selectors.default_year(project)


@requires(PROJECT_VIEW)
def budget(request, pk: int):
    """The action's budget of a year: forecast, actual, gaps, and whether the plan balances."""
    project = selectors.project_for(request.user, pk)
    return _budget_page(request, project, request.GET.get("year"))


def _budget_page(request, project, year_text, *, line_form=None, status=200):
    try:
        year = int(year_text or 0)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        year = selectors.default_year(project)
    insider = selectors.is_insider(request.user, project)
    can_manage = insider and request.user.has_org_perm(PROJECT_MANAGE, project.organisation_id)
    return TemplateResponse(
        request,
        "projects/budget.html",
        {
            "project": project,
            "year": year,
            "years": sorted({*selectors.budget_years(project), year}),
            "report": selectors.financial_report(project, year=year),
            "insider": insider,
            "can_manage": can_manage,
            "line_form": line_form
            or (
                forms.BudgetLineForm(
                    co_funders=selectors.co_funders(project), initial={"year": year}
                )
                if can_manage
                else None
            ),
            "section": "projects",
        },
        status=status,
    )


@requires(PROJECT_MANAGE)
@require_POST
def budget_line_add(request, pk: int):
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    form = forms.BudgetLineForm(request.POST, co_funders=selectors.co_funders(project))
    if form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            line = services.budget_line_add(
                actor=request.user,
                project=project,
                year=d["year"],
                account=d["account"],
                label=d["label"],
                forecast=d["forecast"],
                actual=d["actual"] if d["actual"] is not None else 0,
                funder_slug=d["funder"] or None,
            )
            messages.success(request, _("Ligne de budget ajoutée."))
            return redirect(f"/projets/{project.pk}/budget/?year={line.year}")
    return _budget_page(request, project, form.data.get("year"), line_form=form, status=400)


@requires(PROJECT_MANAGE)
@require_POST
def budget_line_set(request, pk: int, line_pk: int):
    """Forecast and actual of one line (an HTMX row on the budget page)."""
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    line = get_object_or_404(project.budget_lines.select_related("funder"), pk=line_pk)
    form = forms.ActualForm(request.POST)
    error = ""
    if form.is_valid():
        with service_call(request, flash=False) as call:
            services.budget_line_set(
                actor=request.user,
                line=line,
                forecast=form.cleaned_data["forecast"],
                actual=form.cleaned_data["actual"],
            )
        error = call.message
    else:
        error = _("Compte %(account)s : indiquez des montants positifs en euros.") % {
            "account": line.account
        }
    if not request.htmx:
        if error:
            messages.error(request, error)
        return redirect(f"/projets/{pk}/budget/?year={line.year}")
    report = selectors.financial_report(project, year=line.year)
    row = next(r for r in report["lines"] if r["id"] == line.pk)
    return TemplateResponse(
        request,
        "projects/partials/budget_row.html",
        {"project": project, "line": row, "can_manage": True, "error": error},
        status=400 if error else 200,
    )


# --- indicators ---------------------------------------------------------------------------------


@requires(PROJECT_VIEW)
def indicators(request, pk: int):
    project = selectors.project_for(request.user, pk)
    insider = selectors.is_insider(request.user, project)
    can_manage = insider and request.user.has_org_perm(PROJECT_MANAGE, project.organisation_id)
    return TemplateResponse(
        request,
        "projects/indicators.html",
        _indicators_context(request, project, insider=insider, can_manage=can_manage),
    )


def _indicators_context(request, project, *, insider, can_manage, bound=None):
    computed = [(code, e.label) for code, e in COMPUTED.items()]
    return {
        "project": project,
        "rows": selectors.indicator_rows(project, exact=insider),
        "rule": selectors.SUPPRESSION_RULE,
        "insider": insider,
        "can_manage": can_manage,
        "indicator_form": (bound or {}).get("indicator_form")
        or (forms.IndicatorForm(computed=computed) if can_manage else None),
        "measure_form": (bound or {}).get("measure_form")
        or forms.MeasureForm(initial={"measured_on": timezone.localdate()}),
        "section": "projects",
    }


@requires(PROJECT_MANAGE)
@require_POST
def indicator_add(request, pk: int):
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    form = forms.IndicatorForm(
        request.POST, computed=[(code, e.label) for code, e in COMPUTED.items()]
    )
    if form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            services.indicator_add(
                actor=request.user,
                project=project,
                computed=d["computed"],
                label=d["label"],
                unit=d["unit"],
                baseline=d["baseline"],
                target=d["target"],
                source=d["source"],
                headcount=d["headcount"],
            )
            messages.success(request, _("Indicateur ajouté."))
            return redirect("projects:indicators", pk)
    return TemplateResponse(
        request,
        "projects/indicators.html",
        _indicators_context(
            request, project, insider=True, can_manage=True, bound={"indicator_form": form}
        ),
        status=400,
    )


@requires(PROJECT_MANAGE)
@require_POST
def indicator_measure(request, pk: int, indicator_pk: int):
    project = selectors.project_for(request.user, pk, PROJECT_MANAGE)
    indicator = get_object_or_404(project.indicators, pk=indicator_pk)
    form = forms.MeasureForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            services.indicator_measure(
                actor=request.user,
                indicator=indicator,
                value=d["value"],
                measured_on=d["measured_on"],
                source=d["source"],
            )
            messages.success(request, _("Mesure enregistrée."))
            return redirect("projects:indicators", pk)
    return TemplateResponse(
        request,
        "projects/indicators.html",
        _indicators_context(
            request, project, insider=True, can_manage=True, bound={"measure_form": form}
        ),
        status=400,
    )


# --- the funders' view and the reports -------------------------------------------------------------


def _report_funder(request, project) -> Organisation | None:
    """The funder a report or view is for: a funder's user's own organisation; for the landlord's
    staff, the co-funder chosen (`?funder=slug`), else none."""
    slug = request.GET.get("funder", "")
    if selectors.is_insider(request.user, project):
        if not slug:
            return None
        co = project.funders.filter(funder__slug=slug).select_related("funder").first()
        if co is None:
            raise Http404
        return co.funder
    own = selectors.viewer_funder_ids(request.user, project)
    qs = Organisation.objects.filter(pk__in=own)
    if slug:
        qs = qs.filter(slug=slug)
    org = qs.order_by("pk").first()
    if org is None:
        raise Http404
    return org


def _funder_view(request, project, funder):
    user = request.user
    funder = funder or _report_funder(request, project)
    insider = selectors.is_insider(user, project)
    all_cos = list(selectors.co_funders(project, user))
    cos = [c for c in all_cos if funder is None or c.funder_id == funder.pk]
    year = _year(request, project)
    return TemplateResponse(
        request,
        "projects/funder_view.html",
        {
            "project": project,
            "funder": funder,
            "money": [{"co": co, **selectors.money_of(co)} for co in cos],
            "milestones": list(project.milestones.all()),
            # What leaves the landlord: small cells hidden, even in the preview.
            "rows": selectors.indicator_rows(project, exact=False),
            "rule": selectors.SUPPRESSION_RULE,
            "report": selectors.financial_report(project, year=year, funder=funder),
            "year": year,
            "years": sorted({*selectors.budget_years(project), year}),
            "documents": [
                d
                for d in selectors.documents_visible(user, project)
                if funder is None or d.co_funder is None or d.co_funder.funder_id == funder.pk
            ]
            if insider
            else list(selectors.documents_visible(user, project)),
            "today": timezone.localdate(),
            "insider": insider,
            # The landlord's staff pick the funder whose view they preview.
            "funders": [c.funder for c in all_cos] if insider else [],
            "section": "projects",
        },
    )


@requires(PROJECT_VIEW)
def funder_view(request, pk: int):
    """What a co-funder sees of the project (a preview for the landlord's staff)."""
    project = selectors.project_for(request.user, pk)
    return _funder_view(request, project, _report_funder(request, project))


@requires(PROJECT_VIEW)
def report_pdf(request, pk: int):
    """The funder's report (PDF): narrative, indicators, CERFA 15059 financial report."""
    from vigie.projects.report import funder_report_pdf

    project = selectors.project_for(request.user, pk)
    funder = _report_funder(request, project)
    year = _year(request, project)
    pdf = funder_report_pdf(project, year=year, funder=funder, user=request.user)
    return pdf_response(
        pdf, f"compte-rendu-{project.pk}-{year}{'-' + funder.slug if funder else ''}.pdf"
    )


@requires(PROJECT_VIEW)
@recent_auth_required
def report_xlsx(request, pk: int):
    """The report's data as a workbook (budget, co-funding, indicators); access-logged."""
    from vigie.core.exports import XLSX
    from vigie.projects.report import funder_report_xlsx

    project = selectors.project_for(request.user, pk)
    funder = _report_funder(request, project)
    year = _year(request, project)
    access_record(
        user=request.user,
        action=AccessAction.EXPORT,
        obj=project,
        detail=f"xlsx {year} {funder.slug if funder else ''}".strip(),
        path=request.get_full_path(),
    )
    response = HttpResponse(
        funder_report_xlsx(project, year=year, funder=funder), content_type=XLSX
    )
    response["Content-Disposition"] = f'attachment; filename="projet-{project.pk}-{year}.xlsx"'
    return response
