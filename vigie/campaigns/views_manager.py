"""Manager pages: campaigns, waves, script, build and status, planner, dashboard, lists.

Views parse input and call the services (vigie/campaigns/services/); reads go through the
selectors. Changing anything needs campaign.manage at the campaign's landlord; seeing needs
campaign.view. Another landlord's campaign answers 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from vigie.campaigns import selectors, services
from vigie.campaigns.choices import BuildStatus, CampaignStatus
from vigie.campaigns.forms import (
    PlannerForm,
    QuestionFormSet,
    ScratchCampaignForm,
    TemplateCampaignForm,
    WaveForm,
    questions_from_formset,
)
from vigie.campaigns.models import Target
from vigie.campaigns.templates_catalog import TEMPLATES
from vigie.campaigns.wave_labels import filter_labels
from vigie.core.confirm import Danger, confirmation_page
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction, OrganisationKind
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record
from vigie.housing.choices import Cohort

PAGE_SIZE = 50


def _can(request, perm: str, campaign) -> bool:
    return request.user.has_org_perm(perm, campaign.organisation_id)


def _landlords_managed(user) -> list:
    return [
        o
        for o in user.organisations()
        if o.kind == OrganisationKind.LANDLORD and user.has_org_perm(Perm.CAMPAIGN_MANAGE, o.pk)
    ]


def _pct(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# --- List and creation ----------------------------------------------------------------------------


@requires(Perm.CAMPAIGN_VIEW)
def campaign_list(request):
    """Campaigns of the user's landlords, newest first; callers see a console button."""
    qs, ordering = order_by_param(
        request,
        selectors.campaign_list_with_counts(request.user),
        selectors.CAMPAIGN_COLUMNS,
        default="-created",
    )
    return TemplateResponse(
        request,
        "campaigns/list.html",
        {
            "section": "campaigns",
            "campaigns": list(qs),
            "ordering": ordering,
            "withheld": selectors.campaigns_withheld_count(request.user),
            "can_manage": request.user.has_org_perm(Perm.CAMPAIGN_MANAGE),
            "can_call": request.user.has_org_perm(Perm.CALL_TAKE),
        },
    )


@requires(Perm.CAMPAIGN_MANAGE)
def campaign_create(request):
    """Start a campaign from a crisis template in one click, or from scratch."""
    orgs = _landlords_managed(request.user)
    if not orgs:
        raise Http404
    org = orgs[0]
    mode = request.POST.get("mode") if request.method == "POST" else None
    tpl_form = TemplateCampaignForm(request.POST if mode == "template" else None)
    scratch_form = ScratchCampaignForm(request.POST if mode == "scratch" else None, prefix="s")
    if mode == "template" and tpl_form.is_valid():
        d = tpl_form.cleaned_data
        with service_call(request):
            c = services.campaign_from_template(
                actor=request.user,
                organisation=org,
                template=d["template"],
                as_of=d["as_of"],
                name=d["name"],
            )
            messages.success(
                request,
                _(
                    "Campagne « %(name)s » créée depuis le modèle. Vérifiez les vagues et la "
                    "trame, puis construisez la liste."
                )
                % {"name": c.name},
            )
            return redirect("campaigns:detail", pk=c.pk)
    if mode == "scratch" and scratch_form.is_valid():
        d = scratch_form.cleaned_data
        with service_call(request):
            c = services.campaign_create(
                actor=request.user,
                organisation=org,
                name=d["name"],
                purpose=d["purpose"],
                as_of=d["as_of"],
                waves=[{"name": d["wave_name"], "cohorts": d["cohorts"], "priority": 1}],
            )
            messages.success(request, _("Campagne « %(name)s » créée.") % {"name": c.name})
            return redirect("campaigns:detail", pk=c.pk)
    return TemplateResponse(
        request,
        "campaigns/create.html",
        {
            "section": "campaigns",
            "tpl_form": tpl_form,
            "scratch_form": scratch_form,
            "templates": TEMPLATES,
            "organisation": org,
        },
    )


# --- One campaign ---------------------------------------------------------------------------------


def close_danger(campaign) -> Danger:
    """Closing a campaign ends it for good: said before it is done."""
    return Danger(
        key=f"close-{campaign.pk}",
        button=_("Clôturer la campagne…"),
        question=_("Clôturer la campagne « %(name)s » ?") % {"name": campaign.name},
        consequence=_(
            "C'est définitif : plus aucun appel ne sera distribué, les appels en cours sont "
            "rendus, les ménages restant à appeler ne le seront pas, et la campagne ne pourra plus "
            "être modifiée, relancée ni reconstruite. Les appels déjà notés et leurs suites restent "
            "consultables."
        ),
        confirm=_("Oui, clôturer définitivement"),
        back_url=reverse("campaigns:detail", args=[campaign.pk]),
    )


def wave_remove_danger(campaign, wave) -> Danger:
    """Deleting a wave takes its households out of the list."""
    return Danger(
        key=f"wave-remove-{wave.pk}",
        button=_("Supprimer…"),
        question=_("Supprimer la vague « %(name)s » ?") % {"name": wave.name},
        consequence=_(
            "La vague et ses réglages (cohortes, filtres) sont supprimés et ses ménages sortent "
            "de la liste d'appels ; pour qu'une autre vague les reprenne, reconstruisez la liste. "
            "Cela ne s'annule pas."
        ),
        confirm=_("Oui, supprimer la vague"),
        back_url=reverse("campaigns:detail", args=[campaign.pk]),
    )


@requires(Perm.CAMPAIGN_VIEW)
def campaign_detail(request, pk: int):
    campaign = selectors.campaign_detail(request.user, pk)
    stats = selectors.campaign_stats(campaign)
    can_manage = _can(request, Perm.CAMPAIGN_MANAGE, campaign)
    build = selectors.campaign_build_latest(campaign) if can_manage else None
    sensitive = may_see_health(request.user, campaign)
    cohort_labels = dict(Cohort.choices)
    waves = []
    wave_stats = {w["id"]: w for w in stats["waves"]}
    names = selectors.wave_filter_names(list(campaign.waves.all()))
    for w in campaign.waves.all():
        waves.append(
            {
                "wave": w,
                "filters": filter_labels(w.filters, sensitive=sensitive, names=names),
                "cohorts": [
                    cohort_labels.get(c, c) for c in w.cohorts if sensitive or c != "disability"
                ],
                "stats": wave_stats.get(w.pk, {}),
                "remove_danger": wave_remove_danger(campaign, w),
            }
        )
    return TemplateResponse(
        request,
        "campaigns/detail.html",
        {
            "section": "campaigns",
            "campaign": campaign,
            "waves": waves,
            "questions": list(campaign.questions.all()),
            "stats": stats,
            "build": build,
            "can_manage": can_manage,
            "can_call": _can(request, Perm.CALL_TAKE, campaign),
            "editable": campaign.status != CampaignStatus.CLOSED,
            "is_draft": campaign.status == CampaignStatus.DRAFT,
            "close_danger": close_danger(campaign),
        },
    )


ACTIONS = {
    "build": services.campaign_build_request,
    "start": services.campaign_start,
    "pause": services.campaign_pause,
    "resume": services.campaign_resume,
    "close": services.campaign_close,
}
ACTION_DONE = {
    "start": gettext_lazy("Campagne lancée : les appelant·es peuvent prendre des appels."),
    "pause": gettext_lazy("Campagne en pause : plus aucun appel n'est distribué."),
    "resume": gettext_lazy("Campagne reprise."),
    "close": gettext_lazy("Campagne clôturée."),
}


@requires(Perm.CAMPAIGN_MANAGE)
@require_POST
def campaign_action(request, pk: int, action: str):
    """Build the list, start, pause, resume or close a campaign."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    fn = ACTIONS.get(action)
    if fn is None:
        raise Http404
    if action == "close":
        page = confirmation_page(request, close_danger(campaign), section="campaigns")
        if page is not None:
            return page
    with service_call(request):
        fn(actor=request.user, campaign=campaign)
        if action == "build":
            # The build runs in the background; the page shows its progress (issue #12 §9).
            return redirect(reverse("campaigns:detail", args=[campaign.pk]) + "#build")
        messages.success(request, ACTION_DONE[action])
    return redirect("campaigns:detail", pk=campaign.pk)


@requires(Perm.CAMPAIGN_MANAGE)
def build_status(request, pk: int, build_pk: int):
    """The progress of a background build, polled by the campaign page (htmx, every second).

    Once the build is done, an htmx request is told to reload the page: its figures and the
    build's result then show. A failure is said in words and the polling stops.
    """
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    build = selectors.campaign_build_for(campaign, build_pk)
    response = TemplateResponse(
        request,
        "campaigns/partials/build_progress.html",
        {"campaign": campaign, "build": build, "polling": True},
    )
    if request.htmx and build.status == BuildStatus.DONE:
        response["HX-Refresh"] = "true"
    return response


# --- Waves and script ----------------------------------------------------------------------------


@requires(Perm.CAMPAIGN_MANAGE)
def wave_edit(request, pk: int, wave_pk: int | None = None):
    """Add or change a wave: name, priority, cohorts and custom filters."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    wave = get_object_or_404(campaign.waves, pk=wave_pk) if wave_pk else None
    initial = WaveForm.initial_from(wave) if wave else {"priority": campaign.waves.count() + 1}
    form = WaveForm(request.POST or None, initial=initial, organisation_id=campaign.organisation_id)
    if request.method == "POST" and form.is_valid():
        # A refusal (ages the wrong way round, an unknown commune…) shows next to its field.
        with service_call(request, form=form):
            if wave:
                services.wave_update(actor=request.user, wave=wave, changes=form.to_wave())
            else:
                services.wave_add(actor=request.user, campaign=campaign, wave=form.to_wave())
            messages.success(
                request, _("Vague enregistrée. Reconstruisez la liste pour la remplir.")
            )
            return redirect("campaigns:detail", pk=campaign.pk)
    return TemplateResponse(
        request,
        "campaigns/wave_form.html",
        {"section": "campaigns", "campaign": campaign, "wave": wave, "form": form},
    )


@requires(Perm.CAMPAIGN_MANAGE)
@require_POST
def wave_remove(request, pk: int, wave_pk: int):
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    wave = get_object_or_404(campaign.waves, pk=wave_pk)
    page = confirmation_page(request, wave_remove_danger(campaign, wave), section="campaigns")
    if page is not None:
        return page
    with service_call(request):
        services.wave_remove(actor=request.user, wave=wave)
        messages.success(request, _("Vague « %(name)s » supprimée.") % {"name": wave.name})
    return redirect("campaigns:detail", pk=campaign.pk)


@requires(Perm.CAMPAIGN_MANAGE)
@require_POST
def wave_pause(request, pk: int, wave_pk: int):
    """Pause or resume one wave (its households stay listed, the queue skips them)."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    wave = get_object_or_404(campaign.waves, pk=wave_pk)
    paused = request.POST.get("paused") == "1"
    with service_call(request):
        services.wave_set_paused(actor=request.user, wave=wave, paused=paused)
        messages.success(request, f"Vague « {wave.name} » {'en pause' if paused else 'reprise'}.")
    back = "campaigns:detail" if request.POST.get("next") == "campaigns:detail" else None
    return redirect(back or "campaigns:dashboard", pk=campaign.pk)


@requires(Perm.CAMPAIGN_MANAGE)
def script_edit(request, pk: int):
    """The call script: ordered questions, their kind, choices and the need a "oui" raises."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    initial = [
        {
            "position": q.position,
            "text": q.text,
            "kind": q.kind,
            "choices": "; ".join(q.choices),
            "maps_to_need": q.maps_to_need,
        }
        for q in campaign.questions.all()
    ]
    formset = QuestionFormSet(request.POST or None, initial=initial, prefix="q")
    if request.method == "POST" and formset.is_valid():
        with service_call(request):
            services.script_set(
                actor=request.user, campaign=campaign, questions=questions_from_formset(formset)
            )
            messages.success(request, _("Trame d'appel enregistrée."))
            return redirect("campaigns:detail", pk=campaign.pk)
    return TemplateResponse(
        request,
        "campaigns/script_form.html",
        {"section": "campaigns", "campaign": campaign, "formset": formset},
    )


# --- Planner and dashboard -----------------------------------------------------------------------


@requires(Perm.CAMPAIGN_VIEW)
def planner(request, pk: int):
    """For N callers and an average call length: when should each wave be done?"""
    campaign = selectors.campaign_detail(request.user, pk)
    form = PlannerForm(request.GET or None)
    plan = None
    if form.is_valid():
        d = form.cleaned_data
        plan = selectors.wave_plan(
            campaign=campaign,
            callers=d["callers"],
            call_minutes=float(d["call_minutes"]),
            hours_per_day=float(d["hours_per_day"]),
            attempts_per_household=float(d["attempts"]),
            start=d["start"] or timezone.localdate(),
        )
    return TemplateResponse(
        request,
        "campaigns/planner.html",
        {"section": "campaigns", "campaign": campaign, "form": form, "plan": plan},
    )


def _bars(row: dict[str, Any]) -> list[tuple[str, str, int, int]]:
    """Segments of a stacked progress bar: (css class, label, count, width %)."""
    total = row.get("targets") or 0
    parts = [
        ("ok", _("rassurants"), row.get("reassuring", 0)),
        ("warn", _("suite à donner"), row.get("needs_follow_up", 0)),
        ("bad", _("injoignables"), row.get("not_reached", 0)),
        ("muted", _("refus"), row.get("refused", 0)),
    ]
    return [(cls, label, n, _pct(n, total)) for cls, label, n in parts if n]


def dashboard_context(request, campaign) -> dict[str, Any]:
    """Live figures: per wave and per caller; a constant number of queries."""
    sensitive = may_see_health(request.user, campaign)
    stats = selectors.campaign_stats(campaign, sensitive=sensitive)
    for w in stats["waves"]:
        w["bars"] = _bars(w)
        w["done_pct"] = _pct(w["targets"] - w["remaining"], w["targets"])
        w["reassuring_pct"] = _pct(w["reassuring"], w["reached"])
    progress = selectors.caller_progress(campaign)
    paused = set(campaign.paused_callers.values_list("pk", flat=True))
    by_name = {c["username"]: c for c in stats["callers"]}
    callers = []
    for user in selectors.org_callers(campaign):
        row = by_name.get(
            user.username,
            {"attempts": 0, "reached": 0, "reassuring": 0, "needs_follow_up": 0},
        )
        extra = progress.get(user.pk, {})
        callers.append(
            {
                "user": user,
                **row,
                "reassuring_pct": _pct(row["reassuring"], row["reached"]),
                "callbacks": extra.get("callbacks", 0),
                "claimed": extra.get("claimed", 0),
                "not_reached": extra.get("not_reached", 0),
                "needs": extra.get("needs", 0),
                "paused": user.pk in paused,
            }
        )
    max_attempts = max([c["attempts"] for c in callers] or [0])
    for c in callers:
        c["width"] = _pct(c["attempts"], max_attempts)
    needs = sorted(stats["needs"].items(), key=lambda kv: -kv[1])
    max_need = max([n for _k, n in needs] or [0])
    from vigie.campaigns.choices import NeedKind

    return {
        "section": "campaigns",
        "campaign": campaign,
        "stats": stats,
        "overall_bars": _bars(stats),
        "done_pct": _pct(stats["targets"] - stats["remaining"], stats["targets"]),
        "reassuring_pct": _pct(stats["reassuring"], stats["reached"]),
        "callers": callers,
        "needs": [(NeedKind(k).label, n, _pct(n, max_need)) for k, n in needs],
        "can_manage": _can(request, Perm.CAMPAIGN_MANAGE, campaign),
        "now": timezone.now(),
    }


@requires(Perm.CAMPAIGN_VIEW)
def dashboard(request, pk: int):
    """The manager's live view, refreshed by htmx every 15 seconds."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_VIEW)
    ctx = dashboard_context(request, campaign)
    template = (
        "campaigns/partials/dashboard_body.html" if request.htmx else "campaigns/dashboard.html"
    )
    return TemplateResponse(request, template, ctx)


@requires(Perm.CAMPAIGN_MANAGE)
@require_POST
def caller_pause(request, pk: int, user_pk: int):
    """Pause or resume one caller on the campaign."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_MANAGE)
    caller = selectors.caller_for(campaign, user_pk)
    paused = request.POST.get("paused") == "1"
    with service_call(request):
        services.caller_set_paused(
            actor=request.user, campaign=campaign, caller=caller, paused=paused
        )
        messages.success(
            request,
            f"{caller.username} {'mis·e en pause' if paused else 'peut reprendre les appels'}.",
        )
    return redirect("campaigns:dashboard", pk=campaign.pk)


# --- Lists: not reached, no phone, callbacks -------------------------------------------------------


def _target_list_page(request, pk: int, *, which: str):
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_VIEW)
    qs = (
        selectors.not_reached_list(campaign)
        if which == "not_reached"
        else selectors.no_phone_list(campaign)
    )
    qs, ordering = order_by_param(request, qs, selectors.VISIT_LIST_COLUMNS, default="agency")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=campaign,
        detail=which,
        path=request.path,
    )
    return TemplateResponse(
        request,
        "campaigns/target_list.html",
        {
            "section": "campaigns",
            "campaign": campaign,
            "page": page,
            "which": which,
            "ordering": ordering,
            "sensitive": may_see_health(request.user, campaign),
            "can_export": _can(request, Perm.CAMPAIGN_MANAGE, campaign),
            "title": _("Ménages injoignables (visite à prévoir)")
            if which == "not_reached"
            else _("Ménages sans téléphone (visite ou courrier)"),
        },
    )


@requires(Perm.CAMPAIGN_VIEW)
def not_reached(request, pk: int):
    """Households not reached after the last try: for a doorstep visit by the agency."""
    return _target_list_page(request, pk, which="not_reached")


@requires(Perm.CAMPAIGN_VIEW)
def no_phone(request, pk: int):
    """Households without a usable phone: for a visit or a letter."""
    return _target_list_page(request, pk, which="no_phone")


@requires(Perm.CAMPAIGN_VIEW)
def callbacks(request, pk: int):
    """Callbacks promised: a caller sees theirs; a manager sees all and can reassign."""
    campaign = selectors.campaign_for(request.user, pk, Perm.CAMPAIGN_VIEW)
    can_manage = _can(request, Perm.CAMPAIGN_MANAGE, campaign)
    mine = not can_manage or request.GET.get("mine") == "1"
    qs, ordering = order_by_param(
        request,
        selectors.callbacks_list(campaign, caller=request.user if mine else None),
        selectors.CALLBACK_COLUMNS,
        default="due",
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "campaigns/callbacks.html",
        {
            "section": "campaigns",
            "campaign": campaign,
            "page": page,
            "mine": mine,
            "ordering": ordering,
            "can_manage": can_manage,
            "sensitive": may_see_health(request.user, campaign),
            "callers": list(selectors.org_callers(campaign)) if can_manage else [],
        },
    )


@requires(Perm.CAMPAIGN_MANAGE)
@require_POST
def target_assign(request, pk: int):
    """Reassign a household still in the queue to another caller (for one day)."""
    target = get_object_or_404(
        Target.objects.visible_to(request.user, Perm.CAMPAIGN_MANAGE).select_related("campaign"),
        pk=pk,
    )
    caller = selectors.caller_for(target.campaign, request.POST.get("caller"))
    with service_call(request):
        services.target_assign(actor=request.user, target=target, caller=caller)
        messages.success(
            request, _("Ménage confié à %(username)s.") % {"username": caller.username}
        )
    return redirect("campaigns:callbacks", pk=target.campaign_id)
