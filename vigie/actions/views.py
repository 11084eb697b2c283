"""Pages of the partner directory, a household's needs, and referrals (both sides).

Every page declares its permission with @requires and reads through `visible_to`; services do
the writes. A stale form (someone changed the record meanwhile) comes back with a message.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.actions import selectors, services, suggestions
from vigie.actions.choices import (
    NEED_SERVICES,
    REFERRAL_LANDLORD_MOVES,
    REFERRAL_PARTNER_MOVES,
    REFERRAL_TRANSITIONS,
    SERVICE_CHOICES,
    ReferralStatus,
)
from vigie.actions.forms import MoveForm, PartnerForm, ReferralForm, TaskForm, TicketFromNeedForm
from vigie.actions.models import Partner
from vigie.actions.permissions import REFERRAL_EXPORT
from vigie.campaigns.choices import NeedKind
from vigie.campaigns.models import Need
from vigie.core.confirm import Danger, confirmation_page
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction, Organisation
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.selectors import organisation_ids_where
from vigie.core.services import access_record
from vigie.housing.models import Commune, Household

PAGE_SIZE = 50

# Sortable columns of the referrals list (core/ordering.py): `?o=commune`, `?o=-date`…
REFERRAL_COLUMNS = {
    "date": ("created_at", "pk"),
    "commune": ("household__dwelling__commune__name", "-created_at"),
    "partner": ("partner__name", "-created_at"),
    "status": ("status", "-created_at"),
}
# …and of the tasks and partner directory (their exports sort as their pages).
TASK_COLUMNS = {
    "due": ("due_on", "pk"),
    "title": ("title", "pk"),
    "owner": ("owner__first_name", "owner__last_name", "owner__username", "due_on", "pk"),
}
PARTNER_COLUMNS = {"name": ("name", "pk"), "kind": ("kind", "name", "pk")}
CANCELLED = "cancelled"  # the status code of a cancelled referral, ticket and task


def cancel_danger(kind: str, obj) -> Danger:
    """Cancelling a referral, a ticket or a task is final: what the user reads before it."""
    if kind == "referral":
        return Danger(
            key=f"referral-cancel-{obj.pk}",
            button=_("Annuler l'orientation…"),
            question=_("Annuler l'orientation vers « %(partner)s » ?")
            % {"partner": obj.partner.name},
            consequence=_(
                "C'est définitif : l'orientation est close, le partenaire la voit annulée et ne "
                "la traitera plus ; le besoin du ménage reste ouvert. Pour orienter à nouveau, "
                "il faudra créer une nouvelle orientation."
            ),
            confirm=_("Oui, annuler l'orientation"),
            back_url=reverse("actions:referral", args=[obj.pk]),
        )
    if kind == "ticket":
        return Danger(
            key=f"ticket-cancel-{obj.pk}",
            button=_("Annuler le signalement…"),
            question=_("Annuler le signalement « %(category)s » de %(residence)s ?")
            % {"category": obj.get_category_display(), "residence": obj.residence.name},
            consequence=_(
                "C'est définitif : le signalement est fermé sans être résolu, l'agence ne le "
                "traitera plus et les besoins qui l'ont fait naître restent ouverts. Un nouveau "
                "signalement du même problème ouvrira un nouveau dossier."
            ),
            confirm=_("Oui, annuler le signalement"),
            back_url=reverse("actions:ticket", args=[obj.pk]),
        )
    return Danger(
        key=f"task-cancel-{obj.pk}",
        button=_("Annuler la tâche…"),
        question=_("Annuler la tâche « %(title)s » ?") % {"title": obj.title},
        consequence=_(
            "C'est définitif : la tâche sort des listes de tâches à faire et ne pourra pas être "
            "rouverte ; il faudrait en créer une nouvelle."
        ),
        confirm=_("Oui, annuler la tâche"),
        back_url=reverse("actions:task", args=[obj.pk]),
    )


def _int(raw) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- Partner directory ---------------------------------------------------------------------------


@requires(Perm.PARTNER_VIEW)
def partners(request):
    """The landlord's partner directory, and the communes of its residences without a CCAS."""
    user = request.user
    service = request.GET.get("service", "")
    qs, ordering = order_by_param(
        request, selectors.partner_search(user, service), PARTNER_COLUMNS, default="name"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = bool(organisation_ids_where(user, Perm.PARTNER_MANAGE))
    missing_ccas = selectors.communes_without_ccas(user) if can_manage else []
    return TemplateResponse(
        request,
        "actions/partners.html",
        {
            "section": "partners",
            "page": page,
            "services": dict(SERVICE_CHOICES),
            "service_choices": SERVICE_CHOICES,
            "service": service,
            "ordering": ordering,
            "can_manage": can_manage,
            "missing_ccas": missing_ccas,
        },
    )


@requires(Perm.PARTNER_VIEW)
def partner(request, pk: int):
    p = get_object_or_404(selectors.partners_visible(request.user), pk=pk)
    return TemplateResponse(
        request,
        "actions/partner.html",
        {
            "section": "partners",
            "p": p,
            "services": [dict(SERVICE_CHOICES).get(s, s) for s in p.services],
            "can_manage": request.user.has_org_perm(Perm.PARTNER_MANAGE, p.organisation_id),
        },
    )


def _manage_org(request) -> Organisation:
    org_ids = organisation_ids_where(request.user, Perm.PARTNER_MANAGE)
    wanted = _int(request.POST.get("organisation") or request.GET.get("organisation"))
    org_id = wanted if wanted in org_ids else org_ids[0]
    return Organisation.objects.get(pk=org_id)


@requires(Perm.PARTNER_MANAGE)
def partner_edit(request, pk: int | None = None):
    """Add a partner to the directory, or edit one."""
    p = None
    if pk is not None:
        p = get_object_or_404(
            Partner.objects.visible_to(request.user, Perm.PARTNER_MANAGE).prefetch_related(
                "communes"
            ),
            pk=pk,
        )
    if request.method == "POST":
        form = PartnerForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            data.pop("communes")
            version = data.pop("version")
            services_ = data.pop("services")
            with service_call(request, form=form):
                if p is None:
                    p = services.partner_create(
                        actor=request.user,
                        organisation=_manage_org(request),
                        services=services_,
                        communes=form.commune_codes(),
                        **data,
                    )
                else:
                    p = services.partner_update(
                        actor=request.user,
                        partner=p,
                        version=version,
                        services=services_,
                        communes=form.commune_codes(),
                        **data,
                    )
                messages.success(
                    request, _("Partenaire « %(name)s » enregistré.") % {"name": p.name}
                )
                return redirect("actions:partner", pk=p.pk)
    elif p is not None:
        form = PartnerForm(
            initial={
                "version": p.version,
                "name": p.name,
                "kind": p.kind,
                "services": p.services,
                "communes": ", ".join(c.insee_code for c in p.communes.all()),
                "address": p.address,
                "phone": p.phone,
                "email": p.email,
                "notification_email": p.notification_email,
                "contacts": p.contacts,
                "opening_hours": p.opening_hours,
                "active": p.active,
            }
        )
    else:
        form = PartnerForm()
    return TemplateResponse(
        request, "actions/partner_form.html", {"section": "partners", "form": form, "p": p}
    )


@requires(Perm.PARTNER_MANAGE)
@require_POST
def ccas_create(request, insee: str):
    """One click: the commune's CCAS, from the reference data."""
    commune = get_object_or_404(Commune, insee_code=insee)
    with service_call(request) as call:
        p = services.partner_create_ccas(
            actor=request.user, organisation=_manage_org(request), commune=commune
        )
    if call.failed:
        return redirect("actions:partners")
    messages.success(
        request,
        _(
            "« %(name)s » ajouté à l'annuaire depuis les données de la mairie : vérifiez son "
            "e-mail de notification et ses services."
        )
        % {"name": p.name},
    )
    return redirect("actions:partner", pk=p.pk)


# --- A household's needs --------------------------------------------------------------------------


def _household(request, pk: int) -> Household:
    return get_object_or_404(
        Household.objects.visible_to(request.user, Perm.REFERRAL_MANAGE).select_related(
            "dwelling__commune", "dwelling__residence__agency"
        ),
        pk=pk,
    )


@requires(Perm.REFERRAL_MANAGE)
def household_needs(request, pk: int):
    """The household's needs and what follows each: refer, report to the agency, or a task."""
    return _needs_page(request, _household(request, pk))


def _needs_page(request, h: Household, *, need_id: int | None = None, bound=None, status=200):
    """The needs page; `bound` ({"referral"|"ticket"|"task": form}) replaces the empty forms of
    need `need_id` after a refused submission, so what was typed and ticked stays, with the
    error next to the field at fault."""
    access_record(user=request.user, action=AccessAction.VIEW, obj=h, path=request.path)
    rows = selectors.household_needs(request.user, h)
    owners = list(selectors.task_owners(h.organisation_id))
    # Read once for every need on the page, not once per need (issue #6 §4).
    partners = selectors.active_partners(request.user, h.organisation_id)
    for row in rows:
        n = row["need"]
        n.household = h
        if n.status != "open":
            continue
        mine = bound if bound and n.pk == need_id else {}
        if row["is_housing"]:
            # The call's notes suggest the category but are not copied into the ticket: agency
            # staff read it and must never read health details (review finding). The author
            # sees them beside the form (`call_notes`) and writes what the agency needs.
            notes = suggestions.call_notes(request.user, n, limit=500)
            row["call_notes"] = notes
            row["ticket_form"] = mine.get("ticket") or TicketFromNeedForm(
                prefix=f"t{n.pk}",
                initial={"category": suggestions.ticket_category_from(notes)},
            )
        else:
            row["referral_form"] = mine.get("referral") or ReferralForm(
                prefix=f"r{n.pk}",
                partners=selectors.partners_for_need(request.user, n, partners),
                # Into the "informations complémentaires", which reach the partner only with the
                # household's recorded consent — not into the note every partner reads.
                initial={"extra_notes": suggestions.call_notes(request.user, n, limit=2000)},
            )
            row["services"] = NEED_SERVICES.get(n.kind, ())
        row["task_form"] = mine.get("task") or TaskForm(prefix=f"k{n.pk}", owners=owners)
    return TemplateResponse(
        request,
        "actions/household_needs.html",
        {"section": "referrals", "h": h, "rows": rows, "refused_need": need_id if bound else None},
        status=status,
    )


def _refused(request, need: Need, kind: str, form, message: str):
    """Back to the needs page with the form as typed: 400, the error at the field and on top."""
    messages.error(request, message)
    return _needs_page(
        request,
        _household(request, need.household_id),
        need_id=need.pk,
        bound={kind: form},
        status=400,
    )


def _need(request, pk: int, perm: str) -> Need:
    return selectors.need_for(request.user, pk, perm)


@requires(Perm.REFERRAL_MANAGE)
@require_POST
def need_refer(request, pk: int):
    need = _need(request, pk, Perm.REFERRAL_MANAGE)
    form = ReferralForm(
        request.POST,
        prefix=f"r{need.pk}",
        partners=selectors.partners_for_need(request.user, need),
    )
    if not form.is_valid():
        return _refused(
            request,
            need,
            "referral",
            form,
            _("L'orientation n'est pas faite : voyez le champ signalé."),
        )
    d = form.cleaned_data
    partner_obj = get_object_or_404(
        Partner.objects.visible_to(request.user, Perm.REFERRAL_MANAGE), pk=d["partner"]
    )
    with service_call(request, form=form) as call:
        r = services.referral_create(
            actor=request.user,
            need=need,
            partner=partner_obj,
            note=d["note"],
            share_cohorts=d["share_cohorts"],
            share_disability=d["share_disability"],
            extra_notes=d["extra_notes"],
            consent=d["consent"],
            send=d["send"],
            base_url=request.build_absolute_uri("/"),
        )
    if call.failed:
        return _refused(request, need, "referral", form, call.message)
    messages.success(
        request,
        _("Orientation vers « %(partner)s » %(status)s.")
        % {"partner": partner_obj.name, "status": r.get_status_display()},
    )
    return redirect("actions:referral", pk=r.pk)


@requires(Perm.TICKET_REPORT)
@require_POST
def need_ticket(request, pk: int):
    need = _need(request, pk, Perm.TICKET_REPORT)
    form = TicketFromNeedForm(request.POST, prefix=f"t{need.pk}")
    if not form.is_valid():
        return _refused(
            request,
            need,
            "ticket",
            form,
            _("Le signalement n'est pas transmis : voyez le champ signalé."),
        )
    with service_call(request, form=form) as call:
        t = services.ticket_from_need(actor=request.user, need=need, **form.cleaned_data)
    if call.failed:
        return _refused(request, need, "ticket", form, call.message)
    if t.reports_count > 1:
        messages.success(
            request,
            _("Ajouté au signalement déjà ouvert (%(count)s signalements).")
            % {"count": t.reports_count},
        )
    else:
        messages.success(request, _("Signalement transmis à l'agence."))
    return redirect("actions:household_needs", pk=need.household_id)


@requires(Perm.TASK_MANAGE)
@require_POST
def need_task(request, pk: int):
    need = _need(request, pk, Perm.TASK_MANAGE)
    owners = selectors.task_owners(need.organisation_id)
    form = TaskForm(request.POST, prefix=f"k{need.pk}", owners=owners)
    if not form.is_valid():
        return _refused(
            request, need, "task", form, _("La tâche n'est pas créée : voyez le champ signalé.")
        )
    d = form.cleaned_data
    with service_call(request, form=form) as call:
        services.task_create(
            actor=request.user,
            organisation_id=need.organisation_id,
            title=d["title"],
            due_on=d["due_on"],
            owner=owners.filter(pk=d["owner"]).first() if d["owner"] else None,
            notes=d["notes"],
            need=need,
        )
    if call.failed:
        return _refused(request, need, "task", form, call.message)
    messages.success(request, _("Tâche créée."))
    return redirect("actions:household_needs", pk=need.household_id)


# --- Referrals ------------------------------------------------------------------------------------


@requires(Perm.REFERRAL_VIEW)
def referrals(request):
    """The landlord's referrals, or — for a partner worker — the referrals sent to them."""
    user = request.user
    partner_only = not user.has_org_perm(Perm.REFERRAL_MANAGE)
    f = selectors.ReferralFilters.from_query(request.GET)
    # A partner never sees what the landlord has not sent: the queryset says so.
    qs, ordering = order_by_param(
        request, selectors.referrals_visible(user, f), REFERRAL_COLUMNS, default="-date"
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "actions/referrals.html",
        {
            "section": "referrals",
            "page": page,
            "filters": f,
            "statuses": ReferralStatus.choices,
            "partner_only": partner_only,
            "partners": []
            if partner_only
            else Partner.objects.visible_to(user, Perm.REFERRAL_VIEW).only("id", "name"),
            "need_labels": dict(NeedKind.choices),
            "ordering": ordering,
            "can_export": bool(organisation_ids_where(user, REFERRAL_EXPORT)),
        },
    )


@requires(Perm.REFERRAL_VIEW)
def referral(request, pk: int):
    user = request.user
    r = selectors.referral_for(user, pk)
    partner_side = selectors.is_partner_side(user, r)
    landlord_side = user.has_org_perm(Perm.REFERRAL_MANAGE, r.organisation_id)
    access_record(user=user, action=AccessAction.VIEW, obj=r, path=request.path)
    allowed = REFERRAL_TRANSITIONS[r.status]
    moves = []
    if landlord_side:
        moves += [s for s in allowed if s in REFERRAL_LANDLORD_MOVES]
    if partner_side:
        moves += [s for s in allowed if s in REFERRAL_PARTNER_MOVES]
    return TemplateResponse(
        request,
        "actions/referral.html",
        {
            "section": "referrals",
            "r": r,
            "card": selectors.referral_card(user, r),
            "steps": selectors.referral_steps(r),
            "moves": [(s, ReferralStatus(s).label) for s in moves if s != CANCELLED],
            "cancel_danger": cancel_danger("referral", r) if CANCELLED in moves else None,
            "landlord_side": landlord_side,
            "partner_side": partner_side,
        },
    )


@requires(Perm.REFERRAL_VIEW)
@require_POST
def referral_move(request, pk: int):
    r = selectors.referral_for(request.user, pk)
    form = MoveForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        if d["to"] == CANCELLED:
            page = confirmation_page(request, cancel_danger("referral", r), section="referrals")
            if page is not None:
                return page
        with service_call(request):
            r = services.referral_move(
                actor=request.user,
                referral=r,
                to=d["to"],
                version=d["version"],
                note=d["note"],
                base_url=request.build_absolute_uri("/"),
            )
            messages.success(request, f"Orientation {r.get_status_display()}.")
    return redirect("actions:referral", pk=pk)
