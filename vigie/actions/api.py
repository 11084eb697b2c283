"""API of the actions app: partners, needs, referrals, tickets and tasks.

Same rules as the pages: every read starts from `visible_to(user, perm)` (another
organisation's object → 404), every change goes through the services (wrong role → 403, a
move the status table forbids → 409, a stale `version` → 409, unusable input → 422). Errors
are `{"detail": "phrase"}`. Lists take `limit` (at most 200) and `offset`.
"""

from __future__ import annotations

from datetime import date, datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status

from vigie.accounts.http import AuthenticatedRequest
from vigie.actions import selectors, services
from vigie.actions.choices import TaskStatus
from vigie.actions.models import Partner, Referral, Task, Ticket
from vigie.api.declare import needs
from vigie.campaigns.choices import SENSITIVE_NEEDS
from vigie.core.errors import PermissionDeniedError
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm
from vigie.core.selectors import organisation_ids_where
from vigie.core.sensitivity import may_see_health
from vigie.core.services import access_record

router = Router(tags=["suites des appels"])


# Bounds the database can take (an OFFSET past 2^63 is an error in SQLite and PostgreSQL).
MAX_OFFSET = 1_000_000_000


def _page(qs, limit: int, offset: int):
    limit = max(1, min(limit, 200))
    return qs[max(offset, 0) : max(offset, 0) + limit]


# --- Schemas ------------------------------------------------------------------------------------


class PartnerOut(Schema):
    id: int
    name: str
    kind: str
    services: list[str]
    communes: list[str]
    phone: str
    email: str
    opening_hours: str
    active: bool
    version: int


class NeedOut(Schema):
    id: int
    household_id: int
    kind: str
    status: str
    created_at: datetime
    resolved_at: datetime | None


class ReferralOut(Schema):
    id: int
    status: str
    version: int
    partner_id: int
    partner: str
    organisation: str
    need_id: int
    need: str
    created_at: datetime
    sent_at: datetime | None
    closed_at: datetime | None


class PersonOut(Schema):
    name: str
    phones: list[str]


class ReferralDetailOut(ReferralOut):
    people: list[PersonOut]
    address: str
    postcode: str
    commune: str
    note: str
    cohorts: list[str]
    disability: bool | None
    extra_notes: str
    steps: list[dict]


class ReferralIn(Schema):
    need_id: int
    partner_id: int
    note: str = ""
    share_cohorts: bool = False
    share_disability: bool = False
    extra_notes: str = ""
    consent: bool = False
    send: bool = True


class MoveIn(Schema):
    to: str
    version: int
    note: str = ""


class TicketOut(Schema):
    id: int
    status: str
    version: int
    category: str
    residence_id: int
    residence: str
    agency_id: int | None
    reports_count: int
    opened_at: datetime
    due_on: date
    overdue: bool
    resolution: str
    informed_at: datetime | None


class TicketIn(Schema):
    residence_id: int | None = None
    need_id: int | None = None
    category: str
    note: str = ""


class TaskOut(Schema):
    id: int
    title: str
    status: str
    version: int
    due_on: date
    owner: str | None
    origin: str
    household_id: int | None
    need_id: int | None
    referral_id: int | None
    ticket_id: int | None


class TaskIn(Schema):
    title: str
    due_on: date
    owner_id: int | None = None
    notes: str = ""
    need_id: int | None = None
    organisation_id: int | None = None


# --- Converters ---------------------------------------------------------------------------------


def _partner(p: Partner) -> dict:
    return {
        "id": p.pk,
        "name": p.name,
        "kind": p.kind,
        "services": p.services,
        "communes": [c.insee_code for c in p.communes.all()],
        "phone": p.phone,
        "email": p.email,
        "opening_hours": p.opening_hours,
        "active": p.active,
        "version": p.version,
    }


def _referral(r: Referral) -> dict:
    return {
        "id": r.pk,
        "status": r.status,
        "version": r.version,
        "partner_id": r.partner_id,
        "partner": r.partner.name,
        "organisation": r.organisation.name,
        "need_id": r.need_id,
        "need": r.need.kind,
        "created_at": r.created_at,
        "sent_at": r.sent_at,
        "closed_at": r.closed_at,
    }


def _ticket(t: Ticket) -> dict:
    return {
        "id": t.pk,
        "status": t.status,
        "version": t.version,
        "category": t.category,
        "residence_id": t.residence_id,
        "residence": t.residence.name,
        "agency_id": t.agency_id,
        "reports_count": t.reports_count,
        "opened_at": t.opened_at,
        "due_on": t.due_on,
        "overdue": t.is_overdue(),
        "resolution": t.resolution,
        "informed_at": t.informed_at,
    }


def _task(t: Task) -> dict:
    return {
        "id": t.pk,
        "title": t.title,
        "status": t.status,
        "version": t.version,
        "due_on": t.due_on,
        "owner": t.owner.username if t.owner else None,
        "origin": t.origin,
        "household_id": t.household_id,
        "need_id": t.need_id,
        "referral_id": t.referral_id,
        "ticket_id": t.ticket_id,
    }


# --- Partners -----------------------------------------------------------------------------------


@router.get("/partners", summary="Annuaire", **needs(Perm.PARTNER_VIEW, list[PartnerOut]))
def partner_list(
    request,
    service: str = "",
    commune: str = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.partners_visible(request.user)
    if commune:
        qs = qs.filter(coverage__commune_id=commune)
    rows = [p for p in qs if not service or p.offers(service)]
    return [_partner(p) for p in rows[offset : offset + max(1, min(limit, 200))]]


@router.get(
    "/partners/{partner_id}", summary="Un partenaire", **needs(Perm.PARTNER_VIEW, PartnerOut)
)
def partner_detail(request: AuthenticatedRequest, partner_id: int):
    return _partner(get_object_or_404(selectors.partners_visible(request.user), pk=partner_id))


# --- Needs --------------------------------------------------------------------------------------


@router.get("/needs", summary="Besoins", **needs(Perm.REFERRAL_MANAGE, list[NeedOut]))
def need_list(
    request,
    status: str = "",
    kind: str = "",
    household_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    user = request.user
    # Health needs are left out by the scoping where the user may not see health data.
    qs = selectors.needs_visible(user, Perm.REFERRAL_MANAGE).order_by("-created_at", "-id")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if household_id:
        qs = qs.filter(household_id=household_id)
    return list(_page(qs, limit, offset))


@router.get("/needs/{need_id}", summary="Un besoin", **needs(Perm.REFERRAL_MANAGE, NeedOut))
def need_detail(request: AuthenticatedRequest, need_id: int):
    need = selectors.need_for(request.user, need_id, Perm.REFERRAL_MANAGE)
    if need.kind in SENSITIVE_NEEDS and not may_see_health(request.user, need):
        raise PermissionDeniedError(
            _("Ce besoin relève de la santé : votre rôle n'y donne pas accès.")
        )
    return need


# --- Referrals ----------------------------------------------------------------------------------


@router.get("/referrals", summary="Orientations", **needs(Perm.REFERRAL_VIEW, list[ReferralOut]))
def referral_list(
    request,
    status: str = "",
    partner_id: int | None = None,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.referrals_visible(request.user)
    if status:
        qs = qs.filter(status=status)
    if partner_id:
        qs = qs.filter(partner_id=partner_id)
    return [_referral(r) for r in _page(qs, limit, offset)]


@router.get(
    "/referrals/{referral_id}",
    summary="Une orientation",
    **needs(Perm.REFERRAL_VIEW, ReferralDetailOut),
)
def referral_detail(request: AuthenticatedRequest, referral_id: int):
    r = selectors.referral_for(request.user, referral_id)
    access_record(user=request.user, action=AccessAction.VIEW, obj=r, path=request.path)
    card = selectors.referral_card(request.user, r)
    card.pop("need")
    steps = [
        {
            "status": s.status,
            "at": s.at.isoformat(),
            "by": s.by.username if s.by else None,
            "note": s.note,
        }
        for s in selectors.referral_steps(r)
    ]
    return {**_referral(r), **card, "steps": steps}


@router.post("/referrals", **needs(Perm.REFERRAL_MANAGE, {201: ReferralOut}))
def referral_create(request: AuthenticatedRequest, payload: ReferralIn):
    user = request.user
    need = selectors.need_for(user, payload.need_id, Perm.REFERRAL_MANAGE)
    partner = get_object_or_404(
        Partner.objects.visible_to(user, Perm.REFERRAL_MANAGE), pk=payload.partner_id
    )
    r = services.referral_create(
        actor=user,
        need=need,
        partner=partner,
        note=payload.note,
        share_cohorts=payload.share_cohorts,
        share_disability=payload.share_disability,
        extra_notes=payload.extra_notes,
        consent=payload.consent,
        send=payload.send,
        base_url=request.build_absolute_uri("/"),
    )
    return Status(201, _referral(selectors.referrals_visible(user).get(pk=r.pk)))


@router.post(
    "/referrals/{referral_id}/status",
    summary="Changer le statut d'une orientation",
    **needs(Perm.REFERRAL_VIEW, ReferralOut),
)
def referral_status(request: AuthenticatedRequest, referral_id: int, payload: MoveIn):
    r = selectors.referral_for(request.user, referral_id)
    services.referral_move(
        actor=request.user,
        referral=r,
        to=payload.to,
        version=payload.version,
        note=payload.note,
        base_url=request.build_absolute_uri("/"),
    )
    return _referral(selectors.referrals_visible(request.user).get(pk=referral_id))


# --- Tickets ------------------------------------------------------------------------------------


@router.get("/tickets", summary="Signalements", **needs(Perm.TICKET_VIEW, list[TicketOut]))
def ticket_list(
    request,
    status: str = "open",
    agency_id: int | None = None,
    category: str = "",
    overdue: bool = False,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    f = selectors.TicketFilters(status=status, agency=agency_id, category=category, overdue=overdue)
    return [_ticket(t) for t in _page(selectors.ticket_search(request.user, f), limit, offset)]


@router.get("/tickets/{ticket_id}", summary="Un signalement", **needs(Perm.TICKET_VIEW, TicketOut))
def ticket_detail(request: AuthenticatedRequest, ticket_id: int):
    return _ticket(selectors.ticket_for(request.user, ticket_id))


@router.post("/tickets", **needs(Perm.TICKET_REPORT, {201: TicketOut}))
def ticket_create(request: AuthenticatedRequest, payload: TicketIn):
    user = request.user
    if payload.need_id:
        need = selectors.need_for(user, payload.need_id, Perm.TICKET_REPORT)
        t = services.ticket_from_need(
            actor=user, need=need, category=payload.category, note=payload.note
        )
    elif payload.residence_id is None:
        raise services.ActionInputError(
            _("Dites où est le problème : la résidence (residence_id) ou le besoin (need_id).")
        )
    else:
        from vigie.housing.models import Residence

        residence = get_object_or_404(
            Residence.objects.visible_to(user, Perm.TICKET_REPORT), pk=payload.residence_id
        )
        t = services.ticket_report(
            actor=user, residence=residence, category=payload.category, note=payload.note
        )
    return Status(201, _ticket(selectors.tickets_visible(user).get(pk=t.pk)))


@router.post(
    "/tickets/{ticket_id}/status",
    summary="Changer le statut d'un signalement",
    **needs(Perm.TICKET_MANAGE, TicketOut),
)
def ticket_status(request: AuthenticatedRequest, ticket_id: int, payload: MoveIn):
    """`to`: acknowledged, resolved, cancelled — or `informed` (households told)."""
    t = selectors.ticket_for(request.user, ticket_id)
    if payload.to == "informed":
        services.ticket_mark_informed(actor=request.user, ticket=t, version=payload.version)
    else:
        services.ticket_move(
            actor=request.user, ticket=t, to=payload.to, version=payload.version, note=payload.note
        )
    return _ticket(selectors.tickets_visible(request.user).get(pk=ticket_id))


# --- Tasks --------------------------------------------------------------------------------------


@router.get("/tasks", summary="Tâches", **needs(Perm.TASK_VIEW, list[TaskOut]))
def task_list(
    request,
    mine: bool = False,
    status: str = "open",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    qs = selectors.tasks_visible(request.user)
    if status in TaskStatus.values:
        qs = qs.filter(status=status)
    if mine:
        qs = qs.filter(owner=request.user)
    return [_task(t) for t in _page(qs.order_by("due_on", "id"), limit, offset)]


@router.get("/tasks/{task_id}", summary="Une tâche", **needs(Perm.TASK_VIEW, TaskOut))
def task_detail(request: AuthenticatedRequest, task_id: int):
    return _task(selectors.task_for(request.user, task_id))


@router.post("/tasks", **needs(Perm.TASK_MANAGE, {201: TaskOut}))
def task_create(request: AuthenticatedRequest, payload: TaskIn):
    user = request.user
    need = None
    if payload.need_id:
        need = selectors.need_for(user, payload.need_id, Perm.TASK_MANAGE)
    org_ids = organisation_ids_where(user, Perm.TASK_MANAGE)
    org_id = need.organisation_id if need else (payload.organisation_id or org_ids[0])
    if org_id not in org_ids:
        raise PermissionDeniedError(_("Vous ne pouvez pas créer de tâche pour cette organisation."))
    owner = None
    if payload.owner_id:
        from vigie.accounts.models import User

        # Someone outside the organisation is a 404; a member whose role never sees tasks is
        # refused by `task_create` with its sentence (422), as the page's choices leave them out.
        owner = get_object_or_404(User, pk=payload.owner_id, memberships__organisation_id=org_id)
    t = services.task_create(
        actor=user,
        organisation_id=org_id,
        title=payload.title,
        due_on=payload.due_on,
        owner=owner,
        notes=payload.notes,
        need=need,
    )
    return Status(201, _task(t))


@router.post(
    "/tasks/{task_id}/status",
    summary="Changer le statut d'une tâche",
    **needs(Perm.TASK_MANAGE, TaskOut),
)
def task_status(request: AuthenticatedRequest, task_id: int, payload: MoveIn):
    t = selectors.task_for(request.user, task_id)
    services.task_move(
        actor=request.user, task=t, to=payload.to, version=payload.version, note=payload.note
    )
    return _task(selectors.tasks_visible(request.user).get(pk=task_id))
