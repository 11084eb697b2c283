"""Pages of the mediation centre (its cases, the week calendar, its conventions) and of the
landlord (refer a situation, follow its referrals). Reads through selectors, writes through
services; a refusal is a French message (core.feedback)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.core.dates import parse_date
from vigie.core.errors import DomainError
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction, Organisation
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, Role, requires
from vigie.core.services import access_record
from vigie.mediation import presenters, selectors, services
from vigie.mediation.choices import (
    CaseStatus,
    CaseType,
    Compartment,
    ConsentHow,
    Discipline,
    Modality,
    Outcome,
    SessionKind,
    Terms,
    Trouble,
)
from vigie.mediation.models import ServiceAgreement, Session
from vigie.mediation.permissions import AGREEMENTS, CASE_HANDLE, REFER

# --- The centre's side ------------------------------------------------------------------------

# Sortable columns (core/ordering.py) of the centre's cases and the landlord's referrals.
CASE_COLUMNS = {
    "number": ("pk",),
    "referred": ("referred_on", "pk"),
    "landlord": ("landlord__name", "-referred_on", "pk"),
    "type": ("type", "-referred_on", "pk"),
    "trouble": ("trouble", "-referred_on", "pk"),
    "status": ("status", "-referred_on", "pk"),
}
REFERRED_COLUMNS = {
    "number": ("pk",),
    "referred": ("referred_on", "pk"),
    "opened": ("opened_on", "pk"),
    "closed": ("closed_on", "pk"),
    "status": ("status", "-referred_on", "pk"),
}


@requires(CASE_HANDLE)
def case_list(request):
    """The centre's cases, the open ones first."""
    status = request.GET.get("status", "open")
    qs, ordering = order_by_param(
        request, selectors.centre_cases(request.user), CASE_COLUMNS, default="-referred"
    )
    if status == "open":
        qs = qs.exclude(status__in=(CaseStatus.CLOSED, CaseStatus.DECLINED))
    elif status in CaseStatus.values:
        qs = qs.filter(status=status)
    return TemplateResponse(
        request,
        "mediation/cases.html",
        {
            "cases": list(qs[:200]),
            "status": status,
            "ordering": ordering,
            "statuses": CaseStatus.choices,
            "may_agreements": request.user.has_org_perm(AGREEMENTS),
            "section": "mediation",
        },
    )


def _centre_case(request, pk: int):
    return get_object_or_404(selectors.centre_cases(request.user), pk=pk)


@requires(CASE_HANDLE)
def case_page(request, pk: int):
    """A case as the centre reads it: parties, consents, sessions, notes by compartment."""
    case = _centre_case(request, pk)
    user = request.user
    detail = selectors.case_detail(case)
    readable = selectors.readable_compartments(user, case)
    notes = list(selectors.notes_readable(user, case))
    access_record(
        user=user,
        action=AccessAction.VIEW,
        obj=case,
        detail="notes : " + (", ".join(sorted(readable)) or "-"),
        path=request.path,
    )
    by_compartment = [
        (code, label, [n for n in notes if n.compartment == code], code in readable)
        for code, label in Compartment.choices
    ]
    practitioners = (
        get_user_model()
        .objects.filter(
            memberships__organisation_id=case.organisation_id,
            memberships__role__in=(Role.MEDIATOR, Role.MEDIATION_DIRECTOR),
        )
        .distinct()
        .order_by("username")
    )
    return TemplateResponse(
        request,
        "mediation/case.html",
        {
            "case": detail,
            "view": presenters.centre_view(detail),
            "parties": list(detail.parties.all()),
            "party_names": {p.pk: presenters.party_name(p) for p in detail.parties.all()},
            "compartments": by_compartment,
            "writable": sorted(selectors.writable_compartments(user, case)),
            "compartment_labels": dict(Compartment.choices),
            "discipline_labels": dict(Discipline.choices),
            "glass": selectors.active_break_glass(user, case),
            "may_assign": user.has_org_perm("mediation.assign", case.organisation_id),
            "may_break_glass": user.has_org_perm("mediation.break_glass", case.organisation_id),
            "practitioners": practitioners,
            "outcomes": Outcome.choices,
            "hows": ConsentHow.choices,
            "kinds": SessionKind.choices,
            "modalities": Modality.choices,
            "section": "mediation",
        },
    )


def _date_field(request, name: str, label: str):
    raw = request.POST.get(name, "")
    value = parse_date(raw)
    if value is None:
        raise DomainError(
            _("%(label)s : « %(raw)s » n'est pas une date (jj/mm/aaaa).")
            % {"label": label, "raw": raw},
            field=name,
        )
    return value


def _int(raw: str, label: str) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise DomainError(_("%(label)s : choisissez une valeur.") % {"label": label}) from None


def _start(request):
    day = _date_field(request, "day", _("Date de la séance"))
    try:
        hour = datetime.strptime(request.POST.get("time", ""), "%H:%M").time()
    except ValueError:
        raise DomainError(_("Heure de la séance : écrivez-la hh:mm."), field="time") from None
    return timezone.make_aware(datetime.combine(day, hour))


def _run(request, case, action: str) -> None:
    """One action of the case page; raises DomainError on a refusal."""
    user, post = request.user, request.POST
    version = post.get("version") or None
    if action == "accept":
        services.case_accept(actor=user, case=case, version=version)
        messages.success(request, _("Médiation acceptée."))
    elif action == "decline":
        services.case_decline(actor=user, case=case, reason=post.get("reason", ""), version=version)
        messages.success(request, _("Médiation refusée ; le bailleur voit la réponse."))
    elif action == "consent":
        party = services.party_of(case, party=_int(post.get("party"), _("Partie")))
        services.consent_record(
            actor=user,
            case=case,
            party=party,
            given_on=_date_field(request, "given_on", _("Date de l'accord")),
            how=post.get("how", ""),
            refused=post.get("refused") == "1",
        )
        messages.success(request, _("Accord enregistré."))
    elif action == "pause":
        services.case_pause(
            actor=user,
            case=case,
            reason=post.get("reason", ""),
            resume_on=_date_field(request, "resume_on", _("À reprendre le")),
            version=version,
        )
        messages.success(request, _("Médiation mise en pause."))
    elif action == "resume":
        services.case_resume(actor=user, case=case, version=version)
        messages.success(request, _("Médiation reprise."))
    elif action == "close":
        services.case_close(
            actor=user,
            case=case,
            outcome=post.get("outcome", ""),
            agreement_text=post.get("agreement_text", ""),
            agreement_shareable=post.get("agreement_shareable") == "1",
            version=version,
        )
        messages.success(request, _("Médiation terminée."))
    elif action == "assign":
        target = get_user_model().objects.filter(pk=_int(post.get("user"), _("Praticien·ne")))
        services.practitioner_assign(actor=user, case=case, user=get_object_or_404(target))
        messages.success(request, _("Praticien·ne affecté·e."))
    elif action == "break-glass":
        services.break_glass(
            actor=user, case=case, reason=post.get("reason", ""), path=request.path
        )
        messages.warning(request, _("Secret levé pour 24 heures ; le ou la DPO en est informé·e."))
    elif action == "session":
        services.session_plan(
            actor=user,
            case=case,
            kind=post.get("kind", ""),
            parties=[_int(p, _("Partie")) for p in post.getlist("parties")],
            modality=post.get("modality", ""),
            video_url=post.get("video_url", "").strip(),
            starts_at=_start(request),
            minutes=_int(post.get("minutes") or "60", _("Durée")),
            practitioners=[user],
        )
        messages.success(request, _("Séance prévue ; les invitations partent par e-mail."))
    elif action == "note":
        services.note_write(
            actor=user,
            case=case,
            compartment=post.get("compartment", ""),
            text=post.get("text", ""),
        )
        messages.success(request, _("Note enregistrée."))
    elif action == "attendance":
        session = get_object_or_404(Session, case=case, pk=_int(post.get("session"), _("Séance")))
        rows = [
            (int(key.split("-", 1)[1]), value)
            for key, value in post.items()
            if key.startswith("party-") and value and key.split("-", 1)[1].isdigit()
        ]
        services.attendance_record(actor=user, session=session, rows=rows)
        messages.success(request, _("Présences notées."))
    elif action == "cancel-session":
        session = get_object_or_404(Session, case=case, pk=_int(post.get("session"), _("Séance")))
        services.session_cancel(actor=user, session=session)
        messages.success(request, _("Séance annulée ; l'annulation part par e-mail."))
    else:
        raise Http404


@require_POST
@requires(CASE_HANDLE)
def case_action(request, pk: int, action: str):
    case = _centre_case(request, pk)
    with service_call(request):
        _run(request, case, action)
    return redirect("mediation:case", pk=case.pk)


@requires(CASE_HANDLE)
def calendar(request):
    """A practitioner's week (the director picks whose)."""
    user = request.user
    centre_ids = selectors.centre_ids(user)
    who = user
    if request.GET.get("praticien") and user.has_org_perm("mediation.assign"):
        who = get_object_or_404(
            get_user_model().objects.filter(memberships__organisation_id__in=centre_ids).distinct(),
            pk=_safe_int(request.GET["praticien"]),
        )
    day = parse_date(request.GET.get("semaine")) or timezone.localdate()
    monday = day - timedelta(days=day.weekday())
    start = timezone.make_aware(datetime.combine(monday, time(0)))
    sessions = list(
        selectors.practitioner_sessions(who, centre_ids, start, start + timedelta(days=7))
    )
    days = [
        (
            monday + timedelta(days=i),
            [
                s
                for s in sessions
                if timezone.localtime(s.starts_at).date() == monday + timedelta(days=i)
            ],
        )
        for i in range(7)
    ]
    colleagues = (
        get_user_model()
        .objects.filter(
            memberships__organisation_id__in=centre_ids,
            memberships__role__in=(Role.MEDIATOR, Role.MEDIATION_DIRECTOR),
        )
        .distinct()
        .order_by("username")
        if user.has_org_perm("mediation.assign")
        else []
    )
    return TemplateResponse(
        request,
        "mediation/calendar.html",
        {
            "who": who,
            "days": days,
            "monday": monday,
            "previous": monday - timedelta(days=7),
            "next": monday + timedelta(days=7),
            "colleagues": colleagues,
            "section": "mediation",
        },
    )


def _safe_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise Http404 from None


@requires(AGREEMENTS)
def agreements(request):
    """The director's conventions with the landlords the centre serves (and a new one)."""
    centre_ids = selectors.centre_ids(request.user, AGREEMENTS)
    if request.method == "POST":
        with service_call(request):
            centre = get_object_or_404(Organisation, pk=centre_ids[0])
            landlord = Organisation.objects.filter(slug=request.POST.get("landlord", "")).first()
            if landlord is None:
                raise DomainError(
                    _("Bailleur inconnu : « %(s)s ».") % {"s": request.POST.get("landlord", "")},
                    field="landlord",
                )
            services.agreement_create(
                actor=request.user,
                centre=centre,
                landlord=landlord,
                starts_on=parse_date(request.POST.get("starts_on")),
                terms=request.POST.get("terms", Terms.PER_CASE),
            )
            messages.success(request, _("Convention créée."))
        return redirect("mediation:agreements")
    rows = ServiceAgreement.objects.visible_to(request.user, AGREEMENTS).select_related("landlord")
    return TemplateResponse(
        request,
        "mediation/agreements.html",
        {"agreements": rows, "terms": Terms.choices, "section": "mediation"},
    )


# --- The landlord's side ----------------------------------------------------------------------


@requires(REFER)
def referral_list(request):
    """The situations the landlord referred: status, dates, outcome, agreement if shared."""
    qs, ordering = order_by_param(
        request, selectors.referred_cases(request.user), REFERRED_COLUMNS, default="-referred"
    )
    cases = list(qs[:200])
    return TemplateResponse(
        request,
        "mediation/referrals.html",
        {
            "rows": [(c, selectors.landlord_view(c)) for c in cases],
            "ordering": ordering,
            "section": "mediation_referrals",
        },
    )


@requires(REFER)
def referral_page(request, pk: int):
    case = get_object_or_404(selectors.referred_cases(request.user), pk=pk)
    return TemplateResponse(
        request,
        "mediation/referral.html",
        {"case": case, "view": selectors.landlord_view(case), "section": "mediation_referrals"},
    )


@requires(REFER)
def refer(request):
    """Refer a situation: from a household page (?menage=), a call's neighbour-conflict need
    (?besoin=) or a nuisance ticket (?signalement=)."""
    from vigie.actions.models import Ticket
    from vigie.campaigns.models import Need
    from vigie.housing.models import Household

    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    need = ticket = None
    households = []
    if source.get("besoin"):
        need = get_object_or_404(
            Need.objects.visible_to(user, Perm.HOUSEHOLD_VIEW), pk=_safe_int(source["besoin"])
        )
        households.append(need.household_id)
    if source.get("signalement"):
        ticket = get_object_or_404(
            Ticket.objects.visible_to(user, Perm.TICKET_VIEW), pk=_safe_int(source["signalement"])
        )
    for raw in source.getlist("menage"):
        households.append(_safe_int(raw))
    households = list(dict.fromkeys(households))
    centres = list(selectors.centres_for_referrer(user))
    if request.method == "POST":
        others = [
            {"name": n.strip(), "phone": p.strip()}
            for n, p in zip(
                request.POST.getlist("other_name"),
                request.POST.getlist("other_phone"),
                strict=False,
            )
            if n.strip()
        ]
        with service_call(request) as call:
            case = services.referral_create(
                actor=user,
                centre=request.POST.get("centre", ""),
                type=request.POST.get("type", ""),
                households=households,
                others=others,
                trouble=request.POST.get("trouble", ""),
                intensity=_int(request.POST.get("intensity"), _("Intensité")),
                summary=request.POST.get("summary", ""),
                need=need,
                ticket=ticket,
            )
            messages.success(request, _("Situation orientée vers le centre de médiation."))
            return redirect("mediation:referral", pk=case.pk)
        status = 400 if call.failed else 200
    else:
        status = 200
    chosen = list(
        Household.objects.visible_to(user, Perm.HOUSEHOLD_VIEW)
        .filter(pk__in=households)
        .prefetch_related("occupants")
    )
    return TemplateResponse(
        request,
        "mediation/refer.html",
        {
            "centres": centres,
            "households": chosen,
            "need": need,
            "ticket": ticket,
            "types": CaseType.choices,
            "troubles": Trouble.choices,
            "posted": request.POST if request.method == "POST" else {},
            "section": "mediation_referrals",
        },
        status=status,
    )
