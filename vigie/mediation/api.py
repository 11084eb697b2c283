"""API of the mediation centre (issue #13 §11), under /api/v1/mediation/.

The walls of the pages: a case is read through `selectors.cases_visible` (another
organisation's case → 404); a landlord's staff get exactly the landlord-facing fields; notes
only by compartment; every change goes through the services (wrong role → 403, a move the
status table forbids → 409, unusable input → 400/422). Errors are `{"detail": "phrase"}`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from vigie.api.declare import needs
from vigie.core.errors import DomainError
from vigie.core.models import AccessAction
from vigie.core.services import access_record
from vigie.mediation import activity as activity_mod
from vigie.mediation import presenters, selectors, services
from vigie.mediation.models import Session
from vigie.mediation.permissions import (
    ACTIVITY,
    ASSIGN,
    BREAK_GLASS,
    CASE_HANDLE,
    CASE_VIEW,
    NOTES,
    REFER,
)

router = Router(tags=["médiation"])

CaseOut = dict[str, Any]


class MediationOtherPersonIn(Schema):
    name: str
    phone: str = ""
    email: str = ""


class MediationReferralIn(Schema):
    centre: str
    type: str
    households: list[int] = []
    others: list[MediationOtherPersonIn] = []
    trouble: str
    intensity: int
    summary: str = ""


class MediationCreatedOut(Schema):
    id: int
    status: str


class MediationIdOut(Schema):
    id: int


class MediationReasonIn(Schema):
    reason: str


class MediationAssignIn(Schema):
    username: str


class MediationConsentIn(Schema):
    party: int | None = None
    household: int | None = None
    given_on: date
    how: str
    # False records a refusal: the case closes as "not engaged".
    given: bool = True


class MediationPauseIn(Schema):
    reason: str
    resume_on: date


class MediationCloseIn(Schema):
    outcome: str
    agreement_text: str = ""
    agreement_shareable: bool = False
    agreement_signed_on: date | None = None


class MediationSessionIn(Schema):
    kind: str
    parties: list[int]
    modality: str
    video_url: str = ""
    starts_at: datetime
    minutes: int = 60
    practitioners: list[str] = []


class MediationRescheduleIn(Schema):
    starts_at: datetime
    minutes: int = 60
    modality: str
    video_url: str = ""


class MediationAttendanceRow(Schema):
    party: int
    status: str


class MediationAttendanceIn(Schema):
    attendance: list[MediationAttendanceRow]


class MediationNoteIn(Schema):
    compartment: str
    text: str


class MediationNoteOut(Schema):
    id: int
    compartment: str
    author: str | None
    text: str
    created_at: datetime


class MediationBreakGlassOut(Schema):
    id: int
    expires_at: datetime


def _case_out(request, case) -> dict[str, Any]:
    """The centre's view for its people, the landlord-facing fields for the landlord's staff."""
    if selectors.is_centre_side(request.user, case):
        access_record(user=request.user, action=AccessAction.VIEW, obj=case, path=request.path)
        return presenters.centre_view(selectors.case_detail(case))
    return selectors.landlord_view(case)


def _user(username: str, case) -> Any:
    user = (
        get_user_model()
        .objects.filter(username=username, memberships__organisation_id=case.organisation_id)
        .first()
    )
    if user is None:
        raise DomainError(
            _("« %(u)s » n'est pas un·e praticien·ne du centre.") % {"u": username},
            field="username",
        )
    return user


# --- Referral and cases ---------------------------------------------------------------------


@router.post(
    "/mediation/referrals",
    summary="Orienter une situation vers un centre de médiation",
    **needs(REFER, {201: MediationCreatedOut}),
)
def referral_create(request, payload: MediationReferralIn):
    case = services.referral_create(
        actor=request.user,
        centre=payload.centre,
        type=payload.type,
        households=payload.households,
        others=[o.dict() for o in payload.others],
        trouble=payload.trouble,
        intensity=payload.intensity,
        summary=payload.summary,
    )
    return Status(201, {"id": case.pk, "status": case.status})


@router.get("/mediation/cases", summary="Médiations", **needs(CASE_VIEW, list[CaseOut]))
def case_list(request, status: str = ""):
    user = request.user
    qs = selectors.cases_visible(user).order_by("-referred_on", "-pk")
    if status:
        qs = qs.filter(status=status)
    out = []
    centre_ids = set(selectors.centre_ids(user))
    centre_cases = [c for c in qs if c.organisation_id in centre_ids]
    detailed = (
        {c.pk: c for c in selectors.case_detail_many([c.pk for c in centre_cases])}
        if centre_cases
        else {}
    )
    for case in qs:
        if case.pk in detailed:
            out.append(presenters.centre_view(detailed[case.pk]))
        else:
            out.append(selectors.landlord_view(case))
    if centre_cases:
        access_record(
            user=user,
            action=AccessAction.VIEW,
            object_type="mediation.case",
            detail=f"list: {len(centre_cases)}",
            path=request.path,
        )
    return out


@router.get("/mediation/cases/{case_id}", summary="Une médiation", **needs(CASE_VIEW, CaseOut))
def case_detail(request, case_id: int):
    return _case_out(request, selectors.case_for(request.user, case_id))


def _handled(request, case_id: int):
    return selectors.case_for(request.user, case_id)


@router.post("/mediation/cases/{case_id}/accept", summary="Accepter", **needs(CASE_HANDLE, CaseOut))
def case_accept(request, case_id: int):
    case = services.case_accept(actor=request.user, case=_handled(request, case_id))
    return _case_out(request, case)


@router.post("/mediation/cases/{case_id}/decline", summary="Refuser", **needs(CASE_HANDLE, CaseOut))
def case_decline(request, case_id: int, payload: MediationReasonIn):
    case = services.case_decline(
        actor=request.user, case=_handled(request, case_id), reason=payload.reason
    )
    return _case_out(request, case)


@router.post(
    "/mediation/cases/{case_id}/practitioners",
    summary="Affecter un·e praticien·ne",
    **needs(ASSIGN, CaseOut),
)
def case_assign(request, case_id: int, payload: MediationAssignIn):
    case = _handled(request, case_id)
    services.practitioner_assign(actor=request.user, case=case, user=_user(payload.username, case))
    return _case_out(request, case)


@router.post(
    "/mediation/cases/{case_id}/consents",
    summary="Enregistrer l'accord d'une partie",
    **needs(CASE_HANDLE, CaseOut),
)
def case_consent(request, case_id: int, payload: MediationConsentIn):
    case = _handled(request, case_id)
    if payload.party is None and payload.household is None:
        raise DomainError(_("Nommez la partie (party) ou son ménage (household)."), field="party")
    party = services.party_of(case, party=payload.party, household=payload.household)
    case = services.consent_record(
        actor=request.user,
        case=case,
        party=party,
        given_on=payload.given_on,
        how=payload.how,
        refused=not payload.given,
    )
    return _case_out(request, case)


@router.post(
    "/mediation/cases/{case_id}/pause", summary="Mettre en pause", **needs(CASE_HANDLE, CaseOut)
)
def case_pause(request, case_id: int, payload: MediationPauseIn):
    case = services.case_pause(
        actor=request.user,
        case=_handled(request, case_id),
        reason=payload.reason,
        resume_on=payload.resume_on,
    )
    return _case_out(request, case)


@router.post(
    "/mediation/cases/{case_id}/resume", summary="Reprendre", **needs(CASE_HANDLE, CaseOut)
)
def case_resume(request, case_id: int):
    case = services.case_resume(actor=request.user, case=_handled(request, case_id))
    return _case_out(request, case)


@router.post("/mediation/cases/{case_id}/close", summary="Terminer", **needs(CASE_HANDLE, CaseOut))
def case_close(request, case_id: int, payload: MediationCloseIn):
    case = services.case_close(
        actor=request.user,
        case=_handled(request, case_id),
        outcome=payload.outcome,
        agreement_text=payload.agreement_text,
        agreement_shareable=payload.agreement_shareable,
        agreement_signed_on=payload.agreement_signed_on,
    )
    return _case_out(request, case)


@router.post(
    "/mediation/cases/{case_id}/break-glass",
    summary="Lever le secret (direction du centre, journalisé)",
    **needs(BREAK_GLASS, MediationBreakGlassOut),
)
def case_break_glass(request, case_id: int, payload: MediationReasonIn):
    glass = services.break_glass(
        actor=request.user,
        case=_handled(request, case_id),
        reason=payload.reason,
        path=request.path,
    )
    return {"id": glass.pk, "expires_at": glass.expires_at}


# --- Sessions ---------------------------------------------------------------------------------


@router.post(
    "/mediation/cases/{case_id}/sessions",
    summary="Prévoir une séance (invitations envoyées)",
    **needs(CASE_HANDLE, {201: MediationIdOut}),
)
def session_create(request, case_id: int, payload: MediationSessionIn):
    case = _handled(request, case_id)
    session = services.session_plan(
        actor=request.user,
        case=case,
        kind=payload.kind,
        parties=payload.parties,
        modality=payload.modality,
        video_url=payload.video_url,
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        practitioners=[_user(u, case) for u in payload.practitioners],
    )
    return Status(201, {"id": session.pk})


def _session(request, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.user, CASE_HANDLE).select_related("case"),
        pk=session_id,
    )


@router.post(
    "/mediation/sessions/{session_id}/attendance",
    summary="Noter les présences",
    **needs(CASE_HANDLE, MediationIdOut),
)
def session_attendance(request, session_id: int, payload: MediationAttendanceIn):
    session = services.attendance_record(
        actor=request.user,
        session=_session(request, session_id),
        rows=[(row.party, row.status) for row in payload.attendance],
    )
    return {"id": session.pk}


@router.post(
    "/mediation/sessions/{session_id}/reschedule",
    summary="Déplacer une séance (invitation mise à jour)",
    **needs(CASE_HANDLE, MediationIdOut),
)
def session_reschedule(request, session_id: int, payload: MediationRescheduleIn):
    session = services.session_update(
        actor=request.user,
        session=_session(request, session_id),
        starts_at=payload.starts_at,
        minutes=payload.minutes,
        modality=payload.modality,
        video_url=payload.video_url,
    )
    return {"id": session.pk}


@router.post(
    "/mediation/sessions/{session_id}/cancel",
    summary="Annuler une séance (annulation envoyée)",
    **needs(CASE_HANDLE, MediationIdOut),
)
def session_cancel(request, session_id: int):
    session = services.session_cancel(actor=request.user, session=_session(request, session_id))
    return {"id": session.pk}


# --- Notes ------------------------------------------------------------------------------------


@router.post(
    "/mediation/cases/{case_id}/notes",
    summary="Écrire une note (dans le compartiment de sa discipline)",
    **needs(NOTES, {201: MediationIdOut}),
)
def note_create(request, case_id: int, payload: MediationNoteIn):
    note = services.note_write(
        actor=request.user,
        case=_handled(request, case_id),
        compartment=payload.compartment,
        text=payload.text,
    )
    return Status(201, {"id": note.pk})


@router.get(
    "/mediation/cases/{case_id}/notes",
    summary="Les notes que le lecteur peut lire",
    **needs(NOTES, list[MediationNoteOut]),
)
def note_list(request, case_id: int):
    case = _handled(request, case_id)
    if not selectors.is_centre_side(request.user, case):
        from vigie.core.errors import PermissionDeniedError
        from vigie.core.permissions import denied_sentence

        raise PermissionDeniedError(denied_sentence(NOTES))
    notes = list(selectors.notes_readable(request.user, case))
    compartments = sorted(selectors.readable_compartments(request.user, case))
    access_record(
        user=request.user,
        action=AccessAction.VIEW,
        obj=case,
        detail="notes : " + (", ".join(compartments) or "-"),
        path=request.path,
    )
    return [
        {
            "id": n.pk,
            "compartment": n.compartment,
            "author": n.author.username if n.author else None,
            "text": n.text,
            "created_at": n.created_at,
        }
        for n in notes
    ]


# --- Activity ---------------------------------------------------------------------------------


@router.get(
    "/mediation/activity",
    summary="Activité par bailleur (effectifs < 11 masqués pour un bailleur)",
    **needs(ACTIVITY, dict[str, Any]),
)
def activity(
    request,
    landlord: str = "",
    from_: date | None = Query(None, alias="from"),  # noqa: B008
    to: date | None = None,
):
    return activity_mod.activity_for(request.user, landlord=landlord, start=from_, end=to)
