"""Building tickets: problems reported to the residence's agency, and their follow-up."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.actions.choices import (
    OPEN_TICKET_STATUSES,
    TICKET_TARGET_DAYS,
    TaskOrigin,
    TicketCategory,
    TicketStatus,
)
from vigie.actions.models import (
    Ticket,
    TicketReport,
)
from vigie.actions.services.common import (
    ActionInputError,
    manager_for,
    require_org,
    require_visible,
)
from vigie.actions.services.needs import need_settle
from vigie.actions.services.tasks import task_create
from vigie.actions.transitions import TICKET
from vigie.campaigns.choices import NeedKind, NeedStatus
from vigie.campaigns.models import Need
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log
from vigie.core.transitions import check_version
from vigie.core.workdays import add_working_days
from vigie.housing.models import Dwelling, Residence

if TYPE_CHECKING:
    from vigie.accounts.models import User

_TICKET_CODES = {
    TicketStatus.ACKNOWLEDGED: "ticket.acknowledged",
    TicketStatus.RESOLVED: "ticket.resolved",
    TicketStatus.CANCELLED: "ticket.cancelled",
}


@transaction.atomic
def ticket_report(
    *,
    actor: User | None,
    residence: Residence,
    category: str,
    note: str = "",
    household_id: int | None = None,
    need: Need | None = None,
    now: datetime | None = None,
) -> Ticket:
    """Report a building problem: opens a ticket for the residence's agency, or adds the report
    to the open ticket of the same residence and category."""
    now = now or timezone.now()
    require_org(
        actor,
        Perm.TICKET_REPORT,
        residence.organisation_id,
        _("Vous ne pouvez pas signaler de problème pour ce bailleur."),
    )
    if category not in TicketCategory.values:
        raise ActionInputError(
            _("Catégorie inconnue « %(category)s » (attendu : %(expected)s).")
            % {"category": category, "expected": ", ".join(TicketCategory.values)}
        )
    note = (note or "").strip()[:500]
    ticket = _open_ticket(residence, category)
    merged = ticket is not None
    if ticket is None:
        try:
            with transaction.atomic():
                ticket = Ticket.objects.create(
                    organisation_id=residence.organisation_id,
                    residence=residence,
                    agency_id=residence.agency_id,
                    category=category,
                    description=note,
                    opened_at=now,
                    due_on=add_working_days(timezone.localdate(now), TICKET_TARGET_DAYS[category]),
                )
        except IntegrityError:
            # Someone opened the same ticket a moment ago: merge into theirs.
            ticket = _open_ticket(residence, category)
            merged = True
    if ticket is None:  # the concurrent ticket was closed between its insert and our read
        raise ConflictError(_("Le signalement vient de changer : réessayez dans un instant."))
    if merged:
        ticket.reports_count += 1
        ticket.version += 1
        ticket.save(update_fields=["reports_count", "version", "updated_at"])
    TicketReport.objects.create(
        organisation_id=residence.organisation_id,
        ticket=ticket,
        household_id=household_id,
        need=need,
        reported_by=actor,
        at=now,
        note=note,
    )
    if household_id is not None and not ticket.address:
        _locate_from_register(ticket, household_id)
    audit_log(
        actor=actor,
        action="ticket.merged" if merged else "ticket.opened",
        obj=ticket,
        payload={"category": category, "reports": ticket.reports_count},
    )
    return ticket


LOCATION_FIELDS = ("address", "building", "staircase", "floor")


def _locate_from_register(ticket: Ticket, household_id: int) -> None:
    """Where the problem is, as the register has the reporting household's dwelling."""
    dwelling = (
        Dwelling.objects.filter(households__pk=household_id).select_related("building").first()
    )
    if dwelling is None:
        return
    ticket.address = dwelling.address
    ticket.building = dwelling.building.name if dwelling.building is not None else ""
    ticket.staircase, ticket.floor = dwelling.staircase, dwelling.floor
    Ticket.objects.filter(pk=ticket.pk).update(**{f: getattr(ticket, f) for f in LOCATION_FIELDS})


def _require_manage(actor: User | None, ticket: Ticket) -> None:
    require_visible(
        actor,
        Ticket,
        ticket.pk,
        Perm.TICKET_MANAGE,
        _("Seule l'agence en charge de la résidence (ou un·e responsable) traite ce signalement."),
    )


@transaction.atomic
def ticket_locate(
    *,
    actor: User | None,
    ticket: Ticket,
    version: int | None,
    address: str,
    building: str = "",
    staircase: str = "",
    floor: str = "",
) -> Ticket:
    """Say (or correct) where the problem is: address, building, staircase, floor."""
    _require_manage(actor, ticket)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_version(ticket, version, TICKET.name(ticket))
    values = {
        "address": (address or "").strip()[:250],
        "building": (building or "").strip()[:50],
        "staircase": (staircase or "").strip()[:20],
        "floor": (floor or "").strip()[:20],
    }
    if not values["address"]:
        raise ActionInputError(_("Indiquez l'adresse où se trouve le problème."), field="address")
    changed = {f: v for f, v in values.items() if getattr(ticket, f) != v}
    if not changed:
        return ticket
    for f, v in changed.items():
        setattr(ticket, f, v)
    ticket.version += 1
    ticket.save()
    audit_log(actor=actor, action="ticket.located", obj=ticket, payload={"fields": sorted(changed)})
    return ticket


def ticket_assignees(ticket: Ticket):
    """Who a ticket may be given to: the active agency staff of its agency (of its landlord
    when it has no agency)."""
    from vigie.accounts.models import User
    from vigie.core.permissions import Role

    memberships = {
        "memberships__organisation_id": ticket.organisation_id,
        "memberships__role": Role.AGENCY_STAFF,
    }
    if ticket.agency_id is not None:
        memberships["memberships__agencies"] = ticket.agency_id
    return (
        User.objects.filter(is_active=True, **memberships)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


@transaction.atomic
def ticket_assign(
    *,
    actor: User | None,
    ticket: Ticket,
    version: int | None,
    assignee_id: int | None,
    contractor_name: str = "",
    contractor_contact: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Give the ticket to a person of the agency, to a contractor (name and contact), or both;
    nobody and no contractor takes it back."""
    _require_manage(actor, ticket)
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_version(ticket, version, TICKET.name(ticket))
    if not ticket.is_open:
        raise ConflictError(_("Ce signalement est clos : il ne se confie plus."))
    assignee = None
    if assignee_id is not None:
        assignee = ticket_assignees(ticket).filter(pk=assignee_id).first()
        if assignee is None:
            raise ActionInputError(
                _("Cette personne n'est pas du personnel de l'agence en charge du signalement."),
                field="assignee",
            )
    contractor_name = (contractor_name or "").strip()[:150]
    contractor_contact = (contractor_contact or "").strip()[:200]
    if contractor_contact and not contractor_name:
        raise ActionInputError(
            _("Indiquez le nom de l'entreprise dont vous donnez le contact."),
            field="contractor_name",
        )
    before = (ticket.assignee_id, ticket.contractor_name, ticket.contractor_contact)
    after = (assignee.pk if assignee else None, contractor_name, contractor_contact)
    if before == after:
        return ticket
    ticket.assignee = assignee
    ticket.contractor_name, ticket.contractor_contact = contractor_name, contractor_contact
    ticket.assigned_at = (now or timezone.now()) if (assignee or contractor_name) else None
    ticket.version += 1
    ticket.save()
    audit_log(
        actor=actor,
        action="ticket.assigned",
        obj=ticket,
        payload={
            "assignee": assignee.username if assignee else None,
            "contractor": contractor_name or None,
        },
    )
    return ticket


def _open_ticket(residence: Residence, category: str) -> Ticket | None:
    return (
        Ticket.objects.select_for_update()
        .filter(residence=residence, category=category, status__in=OPEN_TICKET_STATUSES)
        .first()
    )


@transaction.atomic
def ticket_from_need(
    *, actor: User | None, need: Need, category: str, note: str = "", now: datetime | None = None
) -> Ticket:
    """A housing problem raised in a call becomes (or joins) the residence's ticket."""
    require_visible(
        actor, Need, need.pk, Perm.TICKET_REPORT, _("Vous ne pouvez pas signaler ce problème.")
    )
    need = (
        Need.objects.select_for_update()
        .select_related("household__dwelling__residence")
        .get(pk=need.pk)
    )
    if need.kind != NeedKind.HOUSING_PROBLEM:
        raise ActionInputError(
            _(
                "Seul un besoin « problème de logement / immeuble » devient un signalement à l'agence."
            )
        )
    if need.status != NeedStatus.OPEN:
        raise ConflictError(_("Ce besoin est déjà résolu."))
    if TicketReport.objects.filter(need=need).exists():
        raise ConflictError(_("Ce problème a déjà été signalé à l'agence."))
    return ticket_report(
        actor=actor,
        residence=need.household.dwelling.residence,
        category=category,
        note=note,
        household_id=need.household_id,
        need=need,
        now=now,
    )


@transaction.atomic
def ticket_move(
    *,
    actor: User | None,
    ticket: Ticket,
    to: str,
    version: int | None,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Acknowledge, resolve or cancel a ticket (agency staff of its agency, or a manager)."""
    now = now or timezone.now()
    if to not in TicketStatus.values:
        raise ActionInputError(_("Statut de signalement inconnu « %(to)s ».") % {"to": to})
    require_visible(
        actor,
        Ticket,
        ticket.pk,
        Perm.TICKET_MANAGE,
        _("Seule l'agence en charge de la résidence (ou un·e responsable) traite ce signalement."),
    )
    ticket = transitions.lock(TICKET, ticket, version=version)
    label = TicketStatus(to).label
    TICKET.check(ticket, to)
    note = (note or "").strip()[:500]
    if to in (TicketStatus.RESOLVED, TicketStatus.CANCELLED) and not note:
        raise ActionInputError(
            _(
                "Indiquez ce qui a été fait (ou le motif) pour passer le signalement à « %(status)s »."
            )
            % {"status": label}
        )

    def stamp(t: Ticket) -> None:
        if to == TicketStatus.ACKNOWLEDGED:
            t.acknowledged_at, t.acknowledged_by = now, actor
        else:
            t.resolved_at, t.resolved_by, t.resolution = now, actor, note
            # Resolving takes the problem in hand; cancelling an open ticket never did (QA:
            # a cancelled ticket showed "Pris en compte le …").
            if to == TicketStatus.RESOLVED and t.acknowledged_at is None:
                t.acknowledged_at, t.acknowledged_by = now, actor

    transitions.move(
        TICKET, ticket, to=to, actor=actor, action=_TICKET_CODES[TicketStatus(to)], apply=stamp
    )
    if to == TicketStatus.RESOLVED:
        for need_id in TicketReport.objects.filter(ticket=ticket, need__isnull=False).values_list(
            "need_id", flat=True
        ):
            need_settle(actor=actor, need_id=need_id, via=ticket, now=now)
    return ticket


@transaction.atomic
def ticket_mark_informed(
    *, actor: User | None, ticket: Ticket, version: int | None, now: datetime | None = None
) -> Ticket:
    """Record that the households who reported the problem were told it is fixed."""
    require_visible(
        actor,
        Ticket,
        ticket.pk,
        Perm.TICKET_MANAGE,
        _("Seule l'agence en charge de la résidence (ou un·e responsable) traite ce signalement."),
    )
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    check_version(ticket, version, TICKET.name(ticket))
    if ticket.status != TicketStatus.RESOLVED:
        raise ConflictError(_("On informe les ménages une fois le problème résolu."))
    if ticket.informed_at is not None:
        raise ConflictError(_("Les ménages ont déjà été informés."))
    ticket.informed_at, ticket.informed_by = now or timezone.now(), actor
    ticket.version += 1
    ticket.save()
    audit_log(actor=actor, action="ticket.informed", obj=ticket)
    return ticket


@transaction.atomic
def tickets_overdue_sweep(*, now: datetime | None = None) -> int:
    """Each ticket past its target time gets one follow-up task for the campaign manager."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    overdue = (
        Ticket.objects.select_for_update()
        .filter(status__in=OPEN_TICKET_STATUSES, due_on__lt=today, overdue_task_at__isnull=True)
        .select_related("residence")
    )
    n = 0
    for ticket in overdue:
        report = (
            TicketReport.objects.filter(ticket=ticket, need__isnull=False)
            .select_related("need__attempt__campaign__created_by")
            .first()
        )
        need = report.need if report else None
        task_create(
            actor=None,
            organisation_id=ticket.organisation_id,
            title=(
                _("Signalement en retard : %(category)s — %(residence)s (attendu le %(due)s)")
                % {
                    "category": ticket.get_category_display(),
                    "residence": ticket.residence.name,
                    "due": format(ticket.due_on, "%d/%m/%Y"),
                }
            ),
            due_on=add_working_days(today, 1),
            owner=manager_for(ticket.organisation_id, need),
            origin=TaskOrigin.TICKET_OVERDUE,
            ticket=ticket,
        )
        ticket.overdue_task_at = now
        ticket.save(update_fields=["overdue_task_at", "updated_at"])
        n += 1
    return n
