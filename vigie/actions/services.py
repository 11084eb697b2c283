"""Writes of the actions app: the partner directory, referrals, building tickets and tasks.

Each service is atomic, checks the actor against the same scoped querysets the pages read
(`visible_to`), refuses a stale `version` (ConflictError → 409), moves statuses only along the
tables in `choices.py`, and leaves one journal row per change. E-mails go out `on_commit`.
`actor=None` is the system (the daily sweep).
"""

from __future__ import annotations

import functools
from datetime import date, datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify

from vigie.actions.choices import (
    CCAS_DEFAULT_SERVICES,
    OPEN_REFERRAL_STATUSES,
    OPEN_TICKET_STATUSES,
    REFERRAL_LANDLORD_MOVES,
    REFERRAL_NEEDS_REASON,
    REFERRAL_PARTNER_MOVES,
    REFERRAL_TRANSITIONS,
    SERVICE_CODES,
    TASK_TRANSITIONS,
    TICKET_TARGET_DAYS,
    TICKET_TRANSITIONS,
    PartnerKind,
    ReferralStatus,
    TaskOrigin,
    TaskStatus,
    TicketCategory,
    TicketStatus,
)
from vigie.actions.models import (
    Partner,
    PartnerCommune,
    Referral,
    ReferralStep,
    Task,
    Ticket,
    TicketReport,
)
from vigie.campaigns.choices import NeedKind, NeedStatus
from vigie.campaigns.models import Need
from vigie.core.errors import ConflictError, DomainError, PermissionDeniedError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Perm, Role
from vigie.core.services import audit_log
from vigie.core.tasks import enqueue_on_commit
from vigie.housing.models import Commune, Residence


class ActionInputError(DomainError):
    """Input that cannot be used as given: HTTP 422."""

    status_code = 422


# --- Shared checks --------------------------------------------------------------------------------


def _require_org(actor: Any, perm: str, organisation_id: int, message: str) -> None:
    if actor is not None and not actor.has_org_perm(perm, organisation_id):
        raise PermissionDeniedError(message)


# The journal code of each status change: fixed strings, declared in actions/journal.py.
_REFERRAL_CODES = {
    ReferralStatus.SENT: "referral.sent",
    ReferralStatus.ACCEPTED: "referral.accepted",
    ReferralStatus.DECLINED: "referral.declined",
    ReferralStatus.DONE: "referral.done",
    ReferralStatus.CANCELLED: "referral.cancelled",
}
_TICKET_CODES = {
    TicketStatus.ACKNOWLEDGED: "ticket.acknowledged",
    TicketStatus.RESOLVED: "ticket.resolved",
    TicketStatus.CANCELLED: "ticket.cancelled",
}
_TASK_CODES = {TaskStatus.DONE: "task.done", TaskStatus.CANCELLED: "task.cancelled"}


def _require_visible(actor: Any, model: type[Model], pk: int, perm: str, message: str) -> None:
    """The actor may act on the row only if the scoped queryset for `perm` shows it."""
    if actor is not None and not model.objects.visible_to(actor, perm).filter(pk=pk).exists():
        raise PermissionDeniedError(message)


def _check_version(obj: Any, version: int | None, what: str) -> None:
    if version is not None and int(version) != obj.version:
        raise ConflictError(
            f"{what} a été modifié·e par quelqu'un d'autre pendant que vous le consultiez : "
            "rechargez la page pour voir son état actuel, puis recommencez."
        )


def _easter(year: int) -> date:
    """Easter Sunday (Gregorian calendar, anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


@functools.cache
def public_holidays(year: int) -> frozenset[date]:
    """France's eleven public holidays (jours fériés, Code du travail L3133-1) in `year`.

    Alsace-Moselle's two extra days (Good Friday, 26 December) are not included: Vigie's
    deadlines follow the national calendar.
    """
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Whit Monday
    return frozenset([date(year, m, d) for m, d in fixed] + movable)


def add_working_days(start: date, days: int) -> date:
    """`days` working days after `start`: Monday to Friday, French public holidays excepted."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in public_holidays(day.year):
            left -= 1
    return day


def manager_for(organisation_id: int, need: Need | None = None) -> Any:
    """Who gets the automatic follow-ups: the need's campaign manager, else the first manager."""
    from vigie.accounts.models import Membership

    if need is not None and need.attempt_id is not None:
        creator = need.attempt.campaign.created_by
        if creator is not None and creator.has_org_perm(Perm.TASK_MANAGE, organisation_id):
            return creator
    m = (
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.MANAGER, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return m.user if m else None


# --- Needs ----------------------------------------------------------------------------------------


def need_has_open_work(need_id: int, *, exclude: Model | None = None) -> bool:
    referrals = Referral.objects.filter(need_id=need_id, status__in=OPEN_REFERRAL_STATUSES)
    tickets = TicketReport.objects.filter(need_id=need_id, ticket__status__in=OPEN_TICKET_STATUSES)
    tasks = Task.objects.filter(need_id=need_id, status=TaskStatus.OPEN)
    if isinstance(exclude, Referral):
        referrals = referrals.exclude(pk=exclude.pk)
    if isinstance(exclude, Task):
        tasks = tasks.exclude(pk=exclude.pk)
    return referrals.exists() or tickets.exists() or tasks.exists()


def need_settle(*, actor: Any, need_id: int, via: Model, now: datetime | None = None) -> bool:
    """Resolve a need once its referral, ticket or task is done and nothing else is open on it.

    Called by the services that close that work, inside their transaction.
    """
    need = Need.objects.select_for_update().filter(pk=need_id).first()
    if need is None or need.status != NeedStatus.OPEN:
        return False
    if need_has_open_work(need.pk, exclude=via):
        return False
    need.status = NeedStatus.RESOLVED
    need.resolved_at = now or timezone.now()
    need.save(update_fields=["status", "resolved_at"])
    audit_log(
        actor=actor,
        action="need.resolved",
        obj=need,
        payload={"via": via._meta.label_lower, "via_id": via.pk},
    )
    return True


# --- Partners -------------------------------------------------------------------------------------


def _clean_services(services: list[str]) -> list[str]:
    bad = [s for s in services if s not in SERVICE_CODES]
    if bad:
        raise ActionInputError(
            f"Service inconnu « {bad[0]} » (attendu : {', '.join(sorted(SERVICE_CODES))})."
        )
    return list(dict.fromkeys(services))


def _set_communes(partner: Partner, insee_codes: list[str]) -> None:
    codes = list(dict.fromkeys(c.strip() for c in insee_codes if c.strip()))
    found = set(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", flat=True))
    missing = [c for c in codes if c not in found]
    if missing:
        raise ActionInputError(f"Code INSEE inconnu : « {missing[0]} ».")
    PartnerCommune.objects.filter(partner=partner).exclude(commune_id__in=codes).delete()
    have = set(PartnerCommune.objects.filter(partner=partner).values_list("commune_id", flat=True))
    PartnerCommune.objects.bulk_create(
        PartnerCommune(organisation_id=partner.organisation_id, partner=partner, commune_id=c)
        for c in codes
        if c not in have
    )


def _partner_org(name: str, slug_hint: str = "") -> Organisation:
    base = slugify(slug_hint or name)[:50] or "partenaire"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return Organisation.objects.create(slug=slug, name=name, kind=OrganisationKind.PARTNER)


PARTNER_FIELDS = (
    "name",
    "kind",
    "address",
    "phone",
    "email",
    "notification_email",
    "contacts",
    "opening_hours",
    "active",
)


@transaction.atomic
def partner_create(
    *,
    actor: Any,
    organisation: Organisation,
    name: str,
    kind: str,
    services: list[str],
    communes: list[str] = (),  # type: ignore[assignment]
    partner_organisation: Organisation | None = None,
    **fields: Any,
) -> Partner:
    """Add a partner to a landlord's directory (creating its organisation if it is new)."""
    _require_org(
        actor,
        Perm.PARTNER_MANAGE,
        organisation.pk,
        "Seul·e un·e responsable des partenariats de ce bailleur peut modifier l'annuaire.",
    )
    name = (name or "").strip()
    if not name:
        raise ActionInputError("Donnez le nom du partenaire.")
    if kind not in PartnerKind.values:
        raise ActionInputError(f"Type de partenaire inconnu « {kind} ».")
    if partner_organisation is None:
        partner_organisation = _partner_org(name)
    elif partner_organisation.kind != OrganisationKind.PARTNER:
        raise ActionInputError(f"« {partner_organisation} » n'est pas une organisation partenaire.")
    if Partner.objects.filter(
        organisation=organisation, partner_organisation=partner_organisation
    ).exists():
        raise ConflictError(f"« {partner_organisation} » est déjà dans votre annuaire.")
    partner = Partner.objects.create(
        organisation=organisation,
        partner_organisation=partner_organisation,
        name=name,
        kind=kind,
        services=_clean_services(list(services)),
        **{k: v for k, v in fields.items() if k in PARTNER_FIELDS},
    )
    _set_communes(partner, list(communes))
    audit_log(actor=actor, action="partner.created", obj=partner, payload={"kind": kind})
    return partner


@transaction.atomic
def partner_update(
    *,
    actor: Any,
    partner: Partner,
    version: int | None,
    services: list[str] | None = None,
    communes: list[str] | None = None,
    **fields: Any,
) -> Partner:
    _require_org(
        actor,
        Perm.PARTNER_MANAGE,
        partner.organisation_id,
        "Seul·e un·e responsable des partenariats de ce bailleur peut modifier l'annuaire.",
    )
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    _check_version(partner, version, f"Le partenaire « {partner.name} »")
    changed = []
    for key, value in fields.items():
        if key in PARTNER_FIELDS and getattr(partner, key) != value:
            setattr(partner, key, value)
            changed.append(key)
    if services is not None:
        partner.services = _clean_services(list(services))
        changed.append("services")
    if not partner.name.strip():
        raise ActionInputError("Donnez le nom du partenaire.")
    if partner.kind not in PartnerKind.values:
        raise ActionInputError(f"Type de partenaire inconnu « {partner.kind} ».")
    partner.version += 1
    partner.save()
    if communes is not None:
        _set_communes(partner, communes)
        changed.append("communes")
    audit_log(actor=actor, action="partner.updated", obj=partner, payload={"fields": changed})
    return partner


@transaction.atomic
def partner_create_ccas(*, actor: Any, organisation: Organisation, commune: Commune) -> Partner:
    """One click: the commune's CCAS, from the reference data (town hall address, phone, e-mail).

    The CCAS is one organisation shared by every landlord that works with it (slug
    `ccas-<INSEE>`), so that its workers see the referrals of all of them in one place.
    """
    ccas, _created = Organisation.objects.get_or_create(
        slug=f"ccas-{commune.insee_code}",
        defaults={"name": f"CCAS de {commune.name}", "kind": OrganisationKind.PARTNER},
    )
    return partner_create(
        actor=actor,
        organisation=organisation,
        partner_organisation=ccas,
        name=f"CCAS de {commune.name}",
        kind=PartnerKind.CCAS,
        services=CCAS_DEFAULT_SERVICES,
        communes=[commune.insee_code],
        address=commune.town_hall_address,
        phone=commune.town_hall_phone,
        email=commune.town_hall_email,
        notification_email=commune.town_hall_email,
    )


# --- Referrals ------------------------------------------------------------------------------------


def _step(referral: Referral, status: str, actor: Any, note: str, at: datetime) -> None:
    ReferralStep.objects.create(
        organisation_id=referral.organisation_id,
        referral=referral,
        status=status,
        at=at,
        by=actor if getattr(actor, "pk", None) else None,
        note=note[:500],
    )


@transaction.atomic
def referral_create(
    *,
    actor: Any,
    need: Need,
    partner: Partner,
    note: str = "",
    share_cohorts: bool = False,
    share_disability: bool = False,
    extra_notes: str = "",
    consent: bool = False,
    send: bool = True,
    now: datetime | None = None,
) -> Referral:
    """Refer a household's need to a partner (proposed, and sent at once unless `send=False`)."""
    now = now or timezone.now()
    _require_visible(
        actor,
        Need,
        need.pk,
        Perm.REFERRAL_MANAGE,
        "Vous ne pouvez pas orienter les besoins de ce ménage.",
    )
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise ConflictError("Ce besoin est déjà résolu : il n'y a plus rien à orienter.")
    if need.kind == NeedKind.HOUSING_PROBLEM:
        raise ActionInputError(
            "Un problème de logement ou d'immeuble se signale à l'agence, pas à un partenaire."
        )
    if partner.organisation_id != need.organisation_id or not partner.active:
        raise ActionInputError("Ce partenaire n'est pas (ou plus) dans votre annuaire.")
    if Referral.objects.filter(
        need=need, partner=partner, status__in=OPEN_REFERRAL_STATUSES
    ).exists():
        raise ConflictError(f"Ce besoin est déjà orienté vers « {partner.name} ».")
    note = (note or "").strip()
    if len(note) > 300:
        raise ActionInputError("La note pour le partenaire tient en 300 caractères au plus.")
    extra_notes = (extra_notes or "").strip()
    if (share_cohorts or share_disability or extra_notes) and not consent:
        raise ActionInputError(
            "Les cohortes, la situation de handicap et les informations complémentaires ne "
            "sont transmises qu'avec le consentement du ménage : cochez « Le ménage a donné "
            "son accord » ou décochez-les."
        )
    if share_disability and actor is not None:
        _require_org(
            actor,
            Perm.HOUSEHOLD_VIEW_SENSITIVE,
            need.organisation_id,
            "Vous ne pouvez pas transmettre une information que vous n'avez pas le droit de voir.",
        )
    referral = Referral.objects.create(
        organisation_id=need.organisation_id,
        partner=partner,
        partner_organisation_id=partner.partner_organisation_id,
        household_id=need.household_id,
        need=need,
        note=note,
        share_cohorts=share_cohorts,
        share_disability=share_disability,
        extra_notes=extra_notes,
        consent_at=now if consent and (share_cohorts or share_disability or extra_notes) else None,
        consent_by=actor
        if consent and (share_cohorts or share_disability or extra_notes)
        else None,
        created_by=actor,
        created_at=now,
    )
    _step(referral, ReferralStatus.PROPOSED, actor, "", now)
    audit_log(
        actor=actor,
        action="referral.proposed",
        obj=referral,
        payload={
            "partner": partner.pk,
            "need": need.pk,
            # Whether something beyond name/address/need went out, with consent; what exactly
            # stays on the referral (scoped): "disability shared" would say the household has one.
            "consented_share": bool(share_cohorts or share_disability or extra_notes),
        },
    )
    if send:
        referral = referral_move(
            actor=actor, referral=referral, to=ReferralStatus.SENT, version=None, now=now
        )
    return referral


@transaction.atomic
def referral_move(
    *,
    actor: Any,
    referral: Referral,
    to: str,
    version: int | None,
    note: str = "",
    now: datetime | None = None,
) -> Referral:
    """Move a referral along REFERRAL_TRANSITIONS: the landlord sends or cancels, the partner
    accepts, declines or says what was done."""
    now = now or timezone.now()
    if to not in ReferralStatus.values:
        raise ActionInputError(f"Statut d'orientation inconnu « {to} ».")
    if to in REFERRAL_LANDLORD_MOVES:
        _require_visible(
            actor,
            Referral,
            referral.pk,
            Perm.REFERRAL_MANAGE,
            "Seul le bailleur qui a fait cette orientation peut l'envoyer ou l'annuler.",
        )
    elif to in REFERRAL_PARTNER_MOVES:
        # Through the scoped queryset, so a referral not yet sent is not the partner's to answer.
        _require_visible(
            actor,
            Referral,
            referral.pk,
            Perm.REFERRAL_HANDLE,
            "Seul le partenaire destinataire peut accepter, refuser ou clore cette orientation.",
        )
    else:
        raise ConflictError(f"Une orientation ne revient pas à « {ReferralStatus(to).label} ».")
    referral = Referral.objects.select_for_update().select_related("partner").get(pk=referral.pk)
    _check_version(referral, version, "L'orientation")
    label = ReferralStatus(to).label
    if to not in REFERRAL_TRANSITIONS[referral.status]:
        raise ConflictError(
            f"L'orientation est {referral.get_status_display()} : elle ne peut pas passer "
            f"à « {label} »."
        )
    note = (note or "").strip()
    if to in REFERRAL_NEEDS_REASON and not note:
        what = "ce qui a été fait" if to == ReferralStatus.DONE else "le motif"
        raise ActionInputError(f"Indiquez {what} pour passer l'orientation à « {label} ».")
    before = referral.status
    referral.status = to
    referral.version += 1
    if to == ReferralStatus.SENT:
        referral.sent_at = now
    if to not in OPEN_REFERRAL_STATUSES:
        referral.closed_at = now
    referral.save()
    _step(referral, to, actor, note, now)
    audit_log(
        actor=actor,
        action=_REFERRAL_CODES[to],
        obj=referral,
        payload={"from": before, "to": to, "partner": referral.partner_id},
    )
    if to == ReferralStatus.SENT:
        from vigie.actions.tasks import referral_notify_partner

        enqueue_on_commit(referral_notify_partner, referral.pk)
    elif to == ReferralStatus.DONE:
        need_settle(actor=actor, need_id=referral.need_id, via=referral, now=now)
    elif to == ReferralStatus.DECLINED:
        need = Need.objects.select_related("attempt__campaign__created_by").get(pk=referral.need_id)
        task_create(
            actor=None,
            organisation_id=referral.organisation_id,
            title=f"Orientation refusée par {referral.partner.name} : trouver une autre solution",
            due_on=add_working_days(timezone.localdate(now), 2),
            owner=manager_for(referral.organisation_id, need),
            origin=TaskOrigin.REFERRAL_DECLINED,
            household_id=referral.household_id,
            need=need,
            referral=referral,
        )
    return referral


# --- Tickets --------------------------------------------------------------------------------------


@transaction.atomic
def ticket_report(
    *,
    actor: Any,
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
    _require_org(
        actor,
        Perm.TICKET_REPORT,
        residence.organisation_id,
        "Vous ne pouvez pas signaler de problème pour ce bailleur.",
    )
    if category not in TicketCategory.values:
        raise ActionInputError(
            f"Catégorie inconnue « {category} » (attendu : {', '.join(TicketCategory.values)})."
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
    audit_log(
        actor=actor,
        action="ticket.merged" if merged else "ticket.opened",
        obj=ticket,
        payload={"category": category, "reports": ticket.reports_count},
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
    *, actor: Any, need: Need, category: str, note: str = "", now: datetime | None = None
) -> Ticket:
    """A housing problem raised in a call becomes (or joins) the residence's ticket."""
    _require_visible(
        actor, Need, need.pk, Perm.TICKET_REPORT, "Vous ne pouvez pas signaler ce problème."
    )
    need = (
        Need.objects.select_for_update()
        .select_related("household__dwelling__residence")
        .get(pk=need.pk)
    )
    if need.kind != NeedKind.HOUSING_PROBLEM:
        raise ActionInputError(
            "Seul un besoin « problème de logement / immeuble » devient un signalement à l'agence."
        )
    if need.status != NeedStatus.OPEN:
        raise ConflictError("Ce besoin est déjà résolu.")
    if TicketReport.objects.filter(need=need).exists():
        raise ConflictError("Ce problème a déjà été signalé à l'agence.")
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
    actor: Any,
    ticket: Ticket,
    to: str,
    version: int | None,
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    """Acknowledge, resolve or cancel a ticket (agency staff of its agency, or a manager)."""
    now = now or timezone.now()
    if to not in TicketStatus.values:
        raise ActionInputError(f"Statut de signalement inconnu « {to} ».")
    _require_visible(
        actor,
        Ticket,
        ticket.pk,
        Perm.TICKET_MANAGE,
        "Seule l'agence en charge de la résidence (ou un·e responsable) traite ce signalement.",
    )
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_version(ticket, version, "Le signalement")
    label = TicketStatus(to).label
    if to not in TICKET_TRANSITIONS[ticket.status]:
        raise ConflictError(
            f"Le signalement est {ticket.get_status_display()} : il ne peut pas passer "
            f"à « {label} »."
        )
    note = (note or "").strip()[:500]
    if to in (TicketStatus.RESOLVED, TicketStatus.CANCELLED) and not note:
        raise ActionInputError(
            f"Indiquez ce qui a été fait (ou le motif) pour passer le signalement à « {label} »."
        )
    before = ticket.status
    ticket.status = to
    ticket.version += 1
    if to == TicketStatus.ACKNOWLEDGED:
        ticket.acknowledged_at, ticket.acknowledged_by = now, actor
    else:
        ticket.resolved_at, ticket.resolved_by, ticket.resolution = now, actor, note
        if ticket.acknowledged_at is None:
            ticket.acknowledged_at, ticket.acknowledged_by = now, actor
    ticket.save()
    audit_log(actor=actor, action=_TICKET_CODES[to], obj=ticket, payload={"from": before, "to": to})
    if to == TicketStatus.RESOLVED:
        for need_id in TicketReport.objects.filter(ticket=ticket, need__isnull=False).values_list(
            "need_id", flat=True
        ):
            need_settle(actor=actor, need_id=need_id, via=ticket, now=now)
    return ticket


@transaction.atomic
def ticket_mark_informed(
    *, actor: Any, ticket: Ticket, version: int | None, now: datetime | None = None
) -> Ticket:
    """Record that the households who reported the problem were told it is fixed."""
    _require_visible(
        actor,
        Ticket,
        ticket.pk,
        Perm.TICKET_MANAGE,
        "Seule l'agence en charge de la résidence (ou un·e responsable) traite ce signalement.",
    )
    ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
    _check_version(ticket, version, "Le signalement")
    if ticket.status != TicketStatus.RESOLVED:
        raise ConflictError("On informe les ménages une fois le problème résolu.")
    if ticket.informed_at is not None:
        raise ConflictError("Les ménages ont déjà été informés.")
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
                f"Signalement en retard : {ticket.get_category_display()} — "
                f"{ticket.residence.name} (attendu le {ticket.due_on:%d/%m/%Y})"
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


# --- Tasks ----------------------------------------------------------------------------------------


@transaction.atomic
def task_create(
    *,
    actor: Any,
    organisation_id: int,
    title: str,
    due_on: date,
    owner: Any = None,
    notes: str = "",
    origin: str = TaskOrigin.MANUAL,
    household_id: int | None = None,
    need: Need | None = None,
    referral: Referral | None = None,
    ticket: Ticket | None = None,
) -> Task:
    """A follow-up with an owner and a due date (the system creates some by itself)."""
    _require_org(actor, Perm.TASK_MANAGE, organisation_id, "Vous ne pouvez pas créer de tâche ici.")
    title = (title or "").strip()
    if not title:
        raise ActionInputError("Dites ce qu'il faut faire (intitulé de la tâche).")
    if due_on is None:
        raise ActionInputError("Donnez une échéance (jj/mm/aaaa).")
    if owner is not None and not owner.has_org_perm(Perm.TASK_VIEW, organisation_id):
        raise ActionInputError(f"{owner.username} ne travaille pas sur les tâches de ce bailleur.")
    if need is not None:
        if need.organisation_id != organisation_id:
            raise ActionInputError("Ce besoin n'est pas de ce bailleur.")
        household_id = household_id or need.household_id
    task = Task.objects.create(
        organisation_id=organisation_id,
        title=title[:200],
        notes=notes,
        owner=owner,
        due_on=due_on,
        origin=origin,
        household_id=household_id,
        need=need,
        referral=referral,
        ticket=ticket,
        created_by=actor,
    )
    audit_log(
        actor=actor,
        action="task.created",
        obj=task,
        payload={"origin": origin, "owner": getattr(owner, "pk", None)},
    )
    return task


@transaction.atomic
def task_move(
    *,
    actor: Any,
    task: Task,
    to: str,
    version: int | None,
    note: str = "",
    now: datetime | None = None,
) -> Task:
    """Mark a task done (resolving its need if nothing else is open on it) or cancel it."""
    now = now or timezone.now()
    if to not in TaskStatus.values:
        raise ActionInputError(f"Statut de tâche inconnu « {to} ».")
    _require_visible(
        actor, Task, task.pk, Perm.TASK_MANAGE, "Vous ne pouvez pas modifier cette tâche."
    )
    task = Task.objects.select_for_update().get(pk=task.pk)
    _check_version(task, version, "La tâche")
    if to not in TASK_TRANSITIONS[task.status]:
        raise ConflictError(
            f"La tâche est {task.get_status_display()} : elle ne peut pas passer "
            f"à « {TaskStatus(to).label} »."
        )
    before = task.status
    task.status = to
    task.version += 1
    task.done_at, task.done_by = now, actor
    note = (note or "").strip()
    if note:
        task.notes = (task.notes + "\n" if task.notes else "") + note
    task.save()
    audit_log(actor=actor, action=_TASK_CODES[to], obj=task, payload={"from": before, "to": to})
    if to == TaskStatus.DONE and task.need_id:
        need_settle(actor=actor, need_id=task.need_id, via=task, now=now)
    return task


@transaction.atomic
def task_update(
    *,
    actor: Any,
    task: Task,
    version: int | None,
    owner: Any = None,
    due_on: date | None = None,
    title: str | None = None,
) -> Task:
    """Reassign a task, move its due date or retitle it."""
    _require_visible(
        actor, Task, task.pk, Perm.TASK_MANAGE, "Vous ne pouvez pas modifier cette tâche."
    )
    task = Task.objects.select_for_update().get(pk=task.pk)
    _check_version(task, version, "La tâche")
    if task.status != TaskStatus.OPEN:
        raise ConflictError("Cette tâche est close.")
    if owner is not None:
        if not owner.has_org_perm(Perm.TASK_VIEW, task.organisation_id):
            raise ActionInputError(
                f"{owner.username} ne travaille pas sur les tâches de ce bailleur."
            )
        task.owner = owner
    if due_on is not None:
        task.due_on = due_on
    if title:
        task.title = title.strip()[:200]
    task.version += 1
    task.save()
    audit_log(actor=actor, action="task.updated", obj=task)
    return task
