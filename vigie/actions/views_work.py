"""Pages of building tickets (agency staff), follow-up tasks and the manager's report."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.actions import selectors, services
from vigie.actions.choices import (
    TASK_TRANSITIONS,
    TICKET_TARGET_DAYS,
    TICKET_TRANSITIONS,
    TaskStatus,
    TicketCategory,
    TicketStatus,
)
from vigie.actions.forms import MoveForm, TaskForm, TicketForm
from vigie.actions.models import TicketReport
from vigie.actions.views import CANCELLED, PAGE_SIZE, TASK_COLUMNS, _int, cancel_danger
from vigie.campaigns.models import Campaign
from vigie.core.confirm import confirmation_page
from vigie.core.feedback import service_call
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.selectors import organisation_ids_where
from vigie.housing.selectors import agencies_visible, by_name_fr, residences_visible

# Sortable columns of the tickets list (core/ordering.py).
TICKET_COLUMNS = {"opened": ("opened_at", "id"), "due": ("due_on", "id")}

# --- Tickets --------------------------------------------------------------------------------------


@requires(Perm.TICKET_VIEW)
def tickets(request):
    """The tickets of the user's agencies (or of the whole landlord), overdue highlighted."""
    user = request.user
    f = selectors.TicketFilters.from_query(request.GET)
    qs, ordering = order_by_param(
        request, selectors.ticket_search(user, f), TICKET_COLUMNS, default="due"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    agencies = agencies_visible(user, Perm.TICKET_VIEW)
    return TemplateResponse(
        request,
        "actions/tickets.html",
        {
            "section": "tickets",
            "page": page,
            "filters": f,
            "today": timezone.localdate(),
            "agencies": agencies.order_by("name"),
            "statuses": TicketStatus.choices,
            "categories": TicketCategory.choices,
            "can_report": user.has_org_perm(Perm.TICKET_REPORT),
            "ordering": ordering,
        },
    )


@requires(Perm.TICKET_VIEW)
def ticket(request, pk: int, bound: dict | None = None):
    from vigie.actions.views_tickets import ticket_tools

    user = request.user
    t = selectors.ticket_for(user, pk)
    can_manage = selectors.tickets_visible(user, Perm.TICKET_MANAGE).filter(pk=t.pk).exists()
    reports = list(
        TicketReport.objects.filter(ticket=t).select_related(
            "reported_by", "household__dwelling__building"
        )
    )
    return TemplateResponse(
        request,
        "actions/ticket.html",
        {
            "section": "tickets",
            "t": t,
            "reports": reports,
            "today": timezone.localdate(),
            "target_days": TICKET_TARGET_DAYS[t.category],
            "moves": [
                (s, TicketStatus(s).label)
                for s in sorted(TICKET_TRANSITIONS[t.status])  # acknowledge before resolve
                if s != CANCELLED
            ]
            if can_manage
            else [],
            "cancel_danger": cancel_danger("ticket", t)
            if can_manage and CANCELLED in TICKET_TRANSITIONS[t.status]
            else None,
            "can_inform": can_manage and t.status == TicketStatus.RESOLVED and not t.informed_at,
            "can_manage": can_manage,
            **ticket_tools(user, t, can_manage, bound),
        },
    )


@requires(Perm.TICKET_MANAGE)
@require_POST
def ticket_move(request, pk: int):
    t = selectors.ticket_for(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if d["to"] == CANCELLED:
            page = confirmation_page(request, cancel_danger("ticket", t), section="tickets")
            if page is not None:
                return page
        with service_call(request):
            if d["to"] == "informed":
                services.ticket_mark_informed(actor=request.user, ticket=t, version=d["version"])
                messages.success(request, _("Ménages informés : c'est noté."))
            else:
                t = services.ticket_move(
                    actor=request.user, ticket=t, to=d["to"], version=d["version"], note=d["note"]
                )
                messages.success(request, f"Signalement {t.get_status_display()}.")
    return redirect("actions:ticket", pk=pk)


@requires(Perm.TICKET_REPORT)
def ticket_new(request):
    """A manager (or caller) reports a building problem without a call."""
    residences = by_name_fr(residences_visible(request.user, Perm.TICKET_REPORT))
    form = TicketForm(request.POST or None, residences=residences)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        residence = get_object_or_404(residences, pk=d["residence"])
        with service_call(request, form=form):
            t = services.ticket_report(
                actor=request.user, residence=residence, category=d["category"], note=d["note"]
            )
            messages.success(request, _("Signalement transmis à l'agence."))
            return redirect("actions:ticket", pk=t.pk)
    return TemplateResponse(
        request, "actions/ticket_form.html", {"section": "tickets", "form": form}
    )


# --- Tasks ----------------------------------------------------------------------------------------


@requires(Perm.TASK_VIEW)
def my_tasks(request):
    """My open tasks (and the unassigned ones); `?tout=1` for every open task I may see."""
    user = request.user
    every = request.GET.get("tout") == "1"
    qs, ordering = order_by_param(
        request, selectors.task_list(user, every=every), TASK_COLUMNS, default="due"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "actions/tasks.html",
        {
            "section": "tasks",
            "page": page,
            "every": every,
            "today": timezone.localdate(),
            "ordering": ordering,
        },
    )


@requires(Perm.TASK_MANAGE)
def task_new(request):
    org_ids = organisation_ids_where(request.user, Perm.TASK_MANAGE)
    org_id = org_ids[0]
    owners = selectors.task_owners(org_id)
    form = TaskForm(request.POST or None, owners=owners, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        with service_call(request, form=form):
            t = services.task_create(
                actor=request.user,
                organisation_id=org_id,
                title=d["title"],
                due_on=d["due_on"],
                owner=owners.filter(pk=d["owner"]).first() if d["owner"] else None,
                notes=d["notes"],
            )
            messages.success(request, _("Tâche créée."))
            return redirect("actions:task", pk=t.pk)
    return TemplateResponse(request, "actions/task_form.html", {"section": "tasks", "form": form})


@requires(Perm.TASK_VIEW)
def task(request, pk: int):
    user = request.user
    t = selectors.task_for(user, pk)
    can_manage = user.has_org_perm(Perm.TASK_MANAGE, t.organisation_id)
    return TemplateResponse(
        request,
        "actions/task.html",
        {
            "section": "tasks",
            "t": t,
            "today": timezone.localdate(),
            "moves": [
                (s, TaskStatus(s).label) for s in TASK_TRANSITIONS[t.status] if s != CANCELLED
            ]
            if can_manage
            else [],
            "cancel_danger": cancel_danger("task", t)
            if can_manage and CANCELLED in TASK_TRANSITIONS[t.status]
            else None,
            "owners": selectors.task_owners(t.organisation_id) if can_manage else [],
        },
    )


@requires(Perm.TASK_MANAGE)
@require_POST
def task_move(request, pk: int):
    t = selectors.task_for(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if d["to"] == CANCELLED:
            page = confirmation_page(request, cancel_danger("task", t), section="tasks")
            if page is not None:
                return page
        with service_call(request):
            if d["to"] == "reassign":
                owner = (
                    selectors.task_owners(t.organisation_id)
                    .filter(pk=_int(request.POST.get("owner")))
                    .first()
                )
                if owner is None:
                    raise services.ActionInputError(_("Choisissez à qui confier la tâche."))
                services.task_update(actor=request.user, task=t, version=d["version"], owner=owner)
                messages.success(
                    request, _("Tâche confiée à %(username)s.") % {"username": owner.username}
                )
            else:
                t = services.task_move(
                    actor=request.user, task=t, to=d["to"], version=d["version"], note=d["note"]
                )
                messages.success(
                    request, _("Tâche %(status)s.") % {"status": t.get_status_display()}
                )
    return redirect("actions:task", pk=pk)


# --- The manager's report ------------------------------------------------------------------------


@requires(Perm.CAMPAIGN_MANAGE)
def report(request):
    """Per campaign: needs raised vs resolved, by kind and by partner, median time to resolve."""
    campaigns = list(
        Campaign.objects.visible_to(request.user, Perm.CAMPAIGN_MANAGE).order_by("-created_at")
    )
    chosen = None
    wanted = _int(request.GET.get("campaign"))
    for c in campaigns:
        if c.pk == wanted or (wanted is None and chosen is None):
            chosen = c
    return TemplateResponse(
        request,
        "actions/report.html",
        {
            "section": "actions_report",
            "campaigns": campaigns,
            "campaign": chosen,
            "r": selectors.campaign_actions_report(request.user, chosen) if chosen else None,
            "needs_query": f"campaign={chosen.pk}" if chosen else "",
        },
    )
