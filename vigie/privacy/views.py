"""Pages of the data-protection officer: the access log and data-subject requests."""

from __future__ import annotations

import json
from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts.reauth import recent_auth_required
from vigie.core.dates import parse_date
from vigie.core.errors import DomainError
from vigie.core.feedback import service_call
from vigie.core.models import AccessAction
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, requires
from vigie.core.services import access_record
from vigie.housing.models import Occupant
from vigie.housing.timeline import journal_subjects_of
from vigie.privacy import selectors, services
from vigie.privacy.access_log_words import access_log_rows
from vigie.privacy.deadlines import DUE_SOON_DAYS, MAX_EXTENSION_MONTHS, deadline_words
from vigie.privacy.models import RequestKind, SubjectRequest


@requires(Perm.AUDIT_VIEW)
def access_log(request):
    """Who looked at what, and when — for the organisations where the user is DPO."""
    qs = selectors.access_log_visible(request.user)
    household_ref = request.GET.get("menage", "").strip()
    household = None
    if household_ref:
        household = (
            selectors.households_for_audit(request.user).filter(reference=household_ref).first()
        )
        ids = [str(household.pk)] if household else []
        if household:
            ids_occ = [str(pk) for pk in household.occupants.values_list("pk", flat=True)]
            about = Q(object_type="housing.household", object_id__in=ids) | Q(
                object_type="housing.occupant", object_id__in=ids_occ
            )
            # And the records around the household each app declares (its calls, needs,
            # referrals — a partner reading the household's referral —, tickets, tasks).
            for object_type, pks in journal_subjects_of(household):
                about |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
            qs = qs.filter(about)
        else:
            qs = qs.none()
    if username := request.GET.get("utilisateur", "").strip():
        qs = qs.filter(user__username=username)
    if (action := request.GET.get("action", "")) in AccessAction.values:
        qs = qs.filter(action=action)
    if start := parse_date(request.GET.get("du")):
        qs = qs.filter(at__date__gte=start)
    if end := parse_date(request.GET.get("au")):
        qs = qs.filter(at__date__lte=end)
    qs, ordering = order_by_param(
        request, qs.select_related("user"), selectors.ACCESS_LOG_COLUMNS, default="-at"
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = access_log_rows(request.user, list(page.object_list))
    return TemplateResponse(
        request,
        "privacy/access_log.html",
        {
            "section": "privacy",
            "page": page,
            "rows": rows,
            "household": household,
            "actions": AccessAction.choices,
            "q": request.GET,
            "ordering": ordering,
        },
    )


def _deadline(req: SubjectRequest, today) -> dict:
    """How the DPO's pages show a request's deadline: words, and late/soon for the badge."""
    if not req.is_open:
        return {"words": "", "late": req.handled_late, "soon": False}
    days = (req.due_on - today).days
    return {
        "words": deadline_words(req.due_on, today),
        "late": days < 0,
        "soon": 0 <= days <= DUE_SOON_DAYS,
    }


@requires(Perm.SUBJECT_RIGHTS)
def subject_requests(request):
    """The data-subject requests to answer, by deadline: what is late, what is due soon."""
    state = request.GET.get("etat", "open")
    if state not in ("open", "done", "all"):
        state = "open"
    today = timezone.localdate()
    open_qs = selectors.subject_requests_visible(request.user)
    late = open_qs.filter(due_on__lt=today).count()
    soon = open_qs.filter(
        due_on__gte=today, due_on__lte=today + timedelta(days=DUE_SOON_DAYS)
    ).count()
    qs, ordering = order_by_param(
        request,
        selectors.subject_requests_visible(request.user, state=state),
        selectors.REQUEST_COLUMNS,
        default="echeance",
        # `?tri=` was the list's own parameter before the shared one: old links still sort.
        param="tri" if "tri" in request.GET and "o" not in request.GET else "o",
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [(r, _deadline(r, today)) for r in page.object_list]
    return TemplateResponse(
        request,
        "privacy/requests.html",
        {
            "section": "subject_requests",
            "page": page,
            "rows": rows,
            "late": late,
            "soon": soon,
            "soon_days": DUE_SOON_DAYS,
            "state": state,
            "ordering": ordering,
            "today": today,
        },
    )


def _occupant(request, pk: int) -> Occupant:
    occupant = get_object_or_404(
        Occupant.objects.visible_to(request.user, Perm.SUBJECT_RIGHTS).select_related(
            "household__dwelling__commune", "household__dwelling__residence"
        ),
        pk=pk,
    )
    access_record(user=request.user, action=AccessAction.VIEW, obj=occupant, path=request.path)
    return occupant


@requires(Perm.SUBJECT_RIGHTS)
def person(request, pk: int):
    occupant = _occupant(request, pk)
    data = services.subject_export(occupant=occupant)
    today = timezone.localdate()
    requests = list(SubjectRequest.objects.filter(occupant=occupant).select_related("handled_by"))
    return TemplateResponse(
        request,
        "privacy/person.html",
        {
            "section": "privacy",
            "o": occupant,
            "export_pretty": json.dumps(data, ensure_ascii=False, indent=2),
            "data": data,
            "requests": [r for r in requests if not r.is_open],
            "open_requests": [(r, _deadline(r, today)) for r in requests if r.is_open],
            "extension_months": range(1, MAX_EXTENSION_MONTHS + 1),
            "today": today,
            "kinds": RequestKind.choices,
            "version": occupant.household.version,
        },
    )


@requires(Perm.SUBJECT_RIGHTS)
@recent_auth_required
def person_export(request, pk: int):
    occupant = _occupant(request, pk)
    data = services.subject_export(occupant=occupant)
    services.subject_access_record(actor=request.user, occupant=occupant)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="vigie-donnees-{occupant.pk}-{timezone.localdate():%Y%m%d}.json"'
    )
    return response


@require_POST
@requires(Perm.SUBJECT_RIGHTS)
def person_action(request, pk: int, action: str):
    occupant = _occupant(request, pk)
    with service_call(request):
        if action == "effacer":
            if request.POST.get("confirm") != "EFFACER":
                raise DomainError(_("Pour effacer, tapez EFFACER dans la case de confirmation."))
            services.occupant_erase(actor=request.user, occupant=occupant)
            messages.success(
                request, _("La personne a été anonymisée partout où elle était nommée.")
            )
        elif action == "opposition":
            services.occupant_object(actor=request.user, occupant=occupant)
            messages.success(
                request,
                _("Opposition enregistrée : le ménage ne figurera plus dans aucune liste d'appel."),
            )
        elif action == "rectifier":
            raw = request.POST.get("birth_date", "").strip()
            birth = parse_date(raw)
            if raw and birth is None:
                raise DomainError(
                    _("« %(value)s » n'est pas une date valide (jj/mm/aaaa).") % {"value": raw}
                )
            services.occupant_rectify(
                actor=request.user,
                occupant=occupant,
                version=int(request.POST.get("version") or 0),
                last_name=request.POST.get("last_name", ""),
                first_name=request.POST.get("first_name", ""),
                birth_date=birth,
            )
            messages.success(request, _("Identité rectifiée."))
        elif action == "recevoir":
            raw = request.POST.get("received_on", "").strip()
            received = parse_date(raw) if raw else timezone.localdate()
            if received is None:
                raise DomainError(
                    _("« %(value)s » n'est pas une date valide (jj/mm/aaaa).") % {"value": raw}
                )
            req = services.subject_request_receive(
                actor=request.user,
                occupant=occupant,
                kind=request.POST.get("kind", ""),
                received_on=received,
            )
            messages.success(
                request,
                _("Demande enregistrée : réponse due au plus tard le %(date)s.")
                % {"date": req.due_on.strftime("%d/%m/%Y")},
            )
        elif action == "prolonger":
            try:
                request_id = int(request.POST.get("request", ""))
                months = int(request.POST.get("months", ""))
            except ValueError:
                raise DomainError(_("Choisissez la demande et la durée de la prolongation."))
            req = services.subject_request_extend(
                actor=request.user,
                request_id=request_id,
                occupant=occupant,
                months=months,
                reason=request.POST.get("reason", ""),
            )
            messages.success(
                request,
                _("Délai prolongé : réponse due au plus tard le %(date)s.")
                % {"date": req.due_on.strftime("%d/%m/%Y")},
            )
        elif action == "refuser":
            services.subject_request_refuse(
                actor=request.user,
                occupant=occupant,
                kind=request.POST.get("kind", ""),
                legal_reason=request.POST.get("legal_reason", ""),
            )
            messages.success(request, _("Refus enregistré avec son motif."))
        else:
            raise DomainError(_("Action inconnue."))
    return redirect("privacy:person", pk=occupant.pk)
