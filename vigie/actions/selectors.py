"""Reads of the actions app: scoped querysets with their joins, suggestions, the timeline, the
manager's report. Every read starts from `Model.objects.visible_to(user, perm)`."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from statistics import median
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.accounts.models import User
from vigie.actions.choices import (
    NEED_SERVICES,
    OPEN_REFERRAL_STATUSES,
    OPEN_TICKET_STATUSES,
    ReferralStatus,
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
from vigie.campaigns.choices import SENSITIVE_NEEDS, NeedKind, NeedStatus
from vigie.campaigns.models import Need
from vigie.core.permissions import ROLE_PERMISSIONS, Perm
from vigie.core.selectors import organisation_ids_where
from vigie.core.sensitivity import may_see_health
from vigie.housing.choices import ADULT_ROLES, Cohort
from vigie.housing.cohorts import cohorts_of
from vigie.housing.models import Commune, Household, Residence
from vigie.housing.timeline import TimelineEntry, register_provider

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.campaigns.models import Campaign


def _int(raw: Any) -> int | None:
    try:
        return int(raw) if raw not in (None, "") else None
    except (TypeError, ValueError):
        return None


# --- Partners -------------------------------------------------------------------------------------


def partners_visible(user: User) -> QuerySet[Partner]:
    return (
        Partner.objects.visible_to(user, Perm.PARTNER_VIEW)
        .select_related("partner_organisation")
        .prefetch_related("communes")
    )


def partner_search(user: User, service: str = "") -> QuerySet[Partner]:
    """The directory as its page lists it (and exports it): only those offering `service`
    (a queryset still, so that the page and its export can sort it)."""
    qs = partners_visible(user)
    if service:
        # `services` is a JSON list: read in Python (no JSON "contains" on SQLite), by id.
        offering = Partner.objects.visible_to(user, Perm.PARTNER_VIEW).values_list("pk", "services")
        return qs.filter(pk__in=[pk for pk, services in offering if service in (services or [])])
    return qs


def communes_without_ccas(user: Any, limit: int = 50) -> list[Commune]:
    """Communes of the residences where `user` manages partners that no CCAS or CIAS of the
    directory covers yet (the directory's reminder); empty for a reader of the directory."""
    if not organisation_ids_where(user, Perm.PARTNER_MANAGE):
        return []
    covered = PartnerCommune.objects.visible_to(user, Perm.PARTNER_MANAGE).filter(
        partner__kind__in=["ccas", "cias"]
    )
    residences = Residence.objects.visible_to(user, Perm.PARTNER_MANAGE)
    return list(
        Commune.objects.filter(insee_code__in=residences.values("commune_id"))
        .exclude(insee_code__in=covered.values("commune_id"))
        .order_by("name")[:limit]
    )


def task_owners(organisation_id: int) -> QuerySet[User]:
    """Who may be given a follow-up task in an organisation: its active members whose role sees
    tasks. The task form's choices and the API's `owner_id` both read this list."""
    roles = [r for r, perms in ROLE_PERMISSIONS.items() if Perm.TASK_VIEW in perms]
    return (
        User.objects.filter(
            memberships__organisation_id=organisation_id,
            memberships__role__in=roles,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def active_partners(user: User, organisation_id: int) -> list[Partner]:
    """The landlord's active partners with their coverage, to rank for one or many needs."""
    return list(
        Partner.objects.visible_to(user, Perm.REFERRAL_MANAGE)
        .filter(organisation_id=organisation_id, active=True)
        .prefetch_related("coverage")
    )


def partners_for_need(
    user: User, need: Need, partners: list[Partner] | None = None
) -> list[tuple[Partner, bool]]:
    """Active partners of the need's landlord, those offering the service in the household's
    commune first (`True`), then the others offering it, then the rest.

    `partners`: `active_partners(user, need.organisation_id)`, read once for a page of needs.
    """
    services = NEED_SERVICES.get(need.kind, ())
    commune_id = need.household.dwelling.commune_id
    partners = list(active_partners(user, need.organisation_id) if partners is None else partners)

    def rank(p: Partner) -> tuple[int, str]:
        offers = any(p.offers(s) for s in services)
        covers = any(c.commune_id == commune_id for c in p.coverage.all())
        return (0 if offers and covers else 1 if offers else 2, p.name)

    partners.sort(key=rank)
    return [(p, rank(p)[0] == 0) for p in partners]


# --- Needs ----------------------------------------------------------------------------------------


def needs_visible(user: User, perm: str = Perm.REFERRAL_VIEW) -> QuerySet[Need]:
    return Need.objects.visible_to(user, perm)


@dataclass
class NeedFilters:
    """The needs raised in calls, as the manager exports them from the follow-up report."""

    campaign: int | None = None
    kind: str = ""
    status: str = ""

    @classmethod
    def from_query(cls, query: Any) -> NeedFilters:
        return cls(
            campaign=_int(query.get("campaign")),
            kind=query.get("kind", ""),
            status=query.get("status", ""),
        )


def need_search(user: User, f: NeedFilters, perm: str = Perm.CAMPAIGN_MANAGE) -> QuerySet[Need]:
    """Needs raised in calls, filtered; health needs stay behind the wall (`sensitive_rows`)."""
    qs = needs_visible(user, perm).select_related(
        "household__dwelling__commune", "attempt__campaign"
    )
    if f.campaign:
        qs = qs.filter(attempt__campaign_id=f.campaign)
    if f.kind in NeedKind.values:
        qs = qs.filter(kind=f.kind)
    if f.status in NeedStatus.values:
        qs = qs.filter(status=f.status)
    return qs.order_by("-created_at", "-id")


def need_for(user: User, pk: int, perm: str) -> Need:
    return get_object_or_404(
        needs_visible(user, perm).select_related(
            "household__dwelling__commune", "attempt__campaign"
        ),
        pk=pk,
    )


def household_needs(user: User, household: Household) -> list[dict[str, Any]]:
    """The household's needs with what was done about each, health needs only if allowed."""
    sensitive = may_see_health(user, household)
    needs = list(
        needs_visible(user)
        .filter(household=household)
        .select_related("attempt__campaign")
        .order_by("status", "-created_at")
    )
    if not sensitive:
        needs = [n for n in needs if n.kind not in SENSITIVE_NEEDS]
    ids = [n.pk for n in needs]
    referrals: dict[int, list[Referral]] = defaultdict(list)
    for r in Referral.objects.filter(need_id__in=ids).select_related("partner"):
        referrals[r.need_id].append(r)
    tickets: dict[int | None, list[Ticket]] = defaultdict(list)
    for rep in TicketReport.objects.filter(need_id__in=ids).select_related("ticket"):
        tickets[rep.need_id].append(rep.ticket)
    tasks: dict[int | None, list[Task]] = defaultdict(list)
    for t in Task.objects.filter(need_id__in=ids).select_related("owner"):
        tasks[t.need_id].append(t)
    return [
        {
            "need": n,
            "referrals": referrals[n.pk],
            "tickets": tickets[n.pk],
            "tasks": tasks[n.pk],
            "is_housing": n.kind == NeedKind.HOUSING_PROBLEM,
        }
        for n in needs
    ]


# --- Referrals ------------------------------------------------------------------------------------


@dataclass
class ReferralFilters:
    status: str = ""
    partner: int | None = None
    campaign: int | None = None

    @classmethod
    def from_query(cls, query: Any) -> ReferralFilters:
        """The filters of the referrals page (and of its export): open ones by default."""
        return cls(
            status=query.get("status", "open"),
            partner=_int(query.get("partner")),
            campaign=_int(query.get("campaign")),
        )


def referrals_visible(user: User, f: ReferralFilters | None = None) -> QuerySet[Referral]:
    """Every referral route reads through here (or `referral_for`): a partner worker sees only
    what was sent to it — the rule is in `ReferralQuerySet.visible_to`."""
    qs = Referral.objects.visible_to(user, Perm.REFERRAL_VIEW).select_related(
        "partner", "need", "organisation", "household__dwelling__commune"
    )
    if f:
        if f.status in ReferralStatus.values:
            qs = qs.filter(status=f.status)
        elif f.status == "open":
            qs = qs.filter(status__in=OPEN_REFERRAL_STATUSES)
        if f.partner:
            qs = qs.filter(partner_id=f.partner)
        if f.campaign:
            qs = qs.filter(need__attempt__campaign_id=f.campaign)
    return qs


def referral_for(user: User, pk: int) -> Referral:
    return get_object_or_404(referrals_visible(user), pk=pk)


def is_partner_side(user: User, referral: Referral) -> bool:
    return user.has_org_perm(Perm.REFERRAL_HANDLE, referral.partner_organisation_id)


def referral_card(user: User, referral: Referral) -> dict[str, Any]:
    """What the viewer may read of a referral. The partner gets only name, address, phone, the
    need and the note — cohorts, disability and extra notes only when shared with consent."""
    h = referral.household
    d = h.dwelling
    partner_side = is_partner_side(user, referral)
    landlord_side = user.has_org_perm(Perm.REFERRAL_VIEW, referral.organisation_id)
    sensitive_ok = landlord_side and may_see_health(user, referral)
    adults = [o for o in h.occupants.all() if o.role in ADULT_ROLES]
    people = [
        {"name": f"{o.last_name} {o.first_name}".strip(), "phones": o.usable_phones} for o in adults
    ]
    where = ", ".join(
        x
        for x in (
            d.address,
            _("bât. %(name)s") % {"name": d.building.name} if d.building_id and d.building else "",
            _("esc. %(staircase)s") % {"staircase": d.staircase} if d.staircase else "",
            _("étage %(floor)s") % {"floor": d.floor} if d.floor else "",
            _("porte %(door)s") % {"door": d.door} if d.door else "",
        )
        if x
    )
    card: dict[str, Any] = {
        "people": people,
        "address": where,
        "postcode": d.postcode,
        "commune": d.commune.name,
        "need": NeedKind(referral.need.kind).label,
        "note": referral.note,
        "cohorts": [],
        "disability": None,
        "extra_notes": "",
    }
    shared = referral.consent_at is not None
    show_cohorts = landlord_side or (partner_side and shared and referral.share_cohorts)
    show_disability = sensitive_ok or (partner_side and shared and referral.share_disability)
    if show_cohorts:
        cohorts = cohorts_of(h, timezone.localdate())
        card["cohorts"] = [
            str(Cohort(c).label) for c in cohorts if show_disability or c != Cohort.DISABILITY
        ]
    if show_disability:
        card["disability"] = h.has_disability or any(o.disability for o in adults)
    if landlord_side or (partner_side and shared):
        card["extra_notes"] = referral.extra_notes
    return card


def referral_steps(referral: Referral) -> list[ReferralStep]:
    return list(ReferralStep.objects.filter(referral=referral).select_related("by"))


# --- Tickets --------------------------------------------------------------------------------------


@dataclass
class TicketFilters:
    status: str = "open"
    agency: int | None = None
    category: str = ""
    overdue: bool = False

    @classmethod
    def from_query(cls, query: Any) -> TicketFilters:
        """The filters of the tickets page (and of its export): open ones by default."""
        return cls(
            status=query.get("status", "open"),
            agency=_int(query.get("agency")),
            category=query.get("category", ""),
            overdue=query.get("overdue") == "1",
        )


def tickets_visible(user: User, perm: str = Perm.TICKET_VIEW) -> QuerySet[Ticket]:
    return Ticket.objects.visible_to(user, perm).select_related(
        "residence__commune", "agency", "organisation"
    )


def ticket_search(user: User, f: TicketFilters) -> QuerySet[Ticket]:
    qs = tickets_visible(user)
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_TICKET_STATUSES)
    elif f.status in TicketStatus.values:
        qs = qs.filter(status=f.status)
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.category in TicketCategory.values:
        qs = qs.filter(category=f.category)
    if f.overdue:
        qs = qs.filter(status__in=OPEN_TICKET_STATUSES, due_on__lt=timezone.localdate())
    return qs.order_by("due_on", "id")


def ticket_for(user: User, pk: int) -> Ticket:
    return get_object_or_404(tickets_visible(user), pk=pk)


# --- Tasks ----------------------------------------------------------------------------------------


def tasks_visible(user: User) -> QuerySet[Task]:
    return Task.objects.visible_to(user, Perm.TASK_VIEW).select_related(
        "owner", "household", "referral__partner", "ticket__residence", "need"
    )


def my_tasks(user: User, *, include_unassigned: bool = True) -> QuerySet[Task]:
    qs = tasks_visible(user).filter(status=TaskStatus.OPEN)
    if include_unassigned:
        from django.db.models import Q

        return qs.filter(Q(owner=user) | Q(owner__isnull=True))
    return qs.filter(owner=user)


def task_list(user: User, *, every: bool = False) -> QuerySet[Task]:
    """The tasks page (and its export): my open tasks and the unassigned ones, or with `every`
    every open task the user may see; soonest first."""
    qs = tasks_visible(user).filter(status=TaskStatus.OPEN) if every else my_tasks(user)
    return qs.order_by("due_on", "id")


def task_for(user: User, pk: int) -> Task:
    return get_object_or_404(tasks_visible(user), pk=pk)


# --- The household timeline ----------------------------------------------------------------------


@register_provider
def actions_timeline(user: User, household: Household) -> list[TimelineEntry]:
    """Referrals, tickets and tasks on the household's page, each only for who may see it."""
    entries: list[TimelineEntry] = []
    sensitive = may_see_health(user, household)
    for n in Need.objects.visible_to(user, Perm.REFERRAL_VIEW).filter(household=household):
        if n.kind in SENSITIVE_NEEDS and not sensitive:
            continue
        entries.append(
            TimelineEntry(
                at=n.created_at,
                kind="need",
                title=f"Besoin : {NeedKind(n.kind).label}",
                tags=[NeedStatus(n.status).label],
                url=reverse("actions:household_needs", args=[household.pk]),
            )
        )
    referrals = (
        Referral.objects.visible_to(user, Perm.REFERRAL_VIEW)
        .filter(household=household)
        .select_related("partner", "need")
    )
    for r in referrals:
        if r.need.kind in SENSITIVE_NEEDS and not sensitive:
            continue
        entries.append(
            TimelineEntry(
                at=r.created_at,
                kind="referral",
                title=_("Orientation vers %(partner)s : %(need)s")
                % {"partner": r.partner.name, "need": NeedKind(r.need.kind).label},
                tags=[r.get_status_display()],
                url=reverse("actions:referral", args=[r.pk]),
            )
        )
    reports = TicketReport.objects.filter(
        household=household,
        ticket__in=Ticket.objects.visible_to(user, Perm.TICKET_VIEW),
    ).select_related("ticket")
    for rep in reports:
        t = rep.ticket
        entries.append(
            TimelineEntry(
                at=rep.at,
                kind="ticket",
                title=_("Signalement à l'agence : %(category)s")
                % {"category": t.get_category_display()},
                tags=[t.get_status_display()] + ([_("ménage informé")] if t.informed_at else []),
                url=reverse("actions:ticket", args=[t.pk]),
            )
        )
    for task in Task.objects.visible_to(user, Perm.TASK_VIEW).filter(household=household):
        entries.append(
            TimelineEntry(
                at=task.created_at,
                kind="task",
                title=_("Tâche : %(title)s") % {"title": task.title},
                tags=[
                    task.get_status_display(),
                    _("échéance %(date)s") % {"date": f"{task.due_on:%d/%m/%Y}"},
                ],
                url=reverse("actions:task", args=[task.pk]),
            )
        )
    return entries


# --- The manager's report ------------------------------------------------------------------------


def _days(delta: timedelta) -> float:
    return round(delta.total_seconds() / 86400, 1)


def campaign_actions_report(user: User, campaign: Campaign) -> dict[str, Any]:
    """Per campaign: needs raised vs resolved, by kind and by partner, median time to resolve."""
    needs = list(
        Need.objects.visible_to(user, Perm.CAMPAIGN_MANAGE)
        .filter(attempt__campaign=campaign)
        .values("id", "kind", "status", "created_at", "resolved_at")
    )
    by_kind: dict[str, dict[str, Any]] = {}
    durations: list[timedelta] = []
    for n in needs:
        row = by_kind.setdefault(
            n["kind"], {"label": NeedKind(n["kind"]).label, "raised": 0, "resolved": 0, "d": []}
        )
        row["raised"] += 1
        if n["status"] == NeedStatus.RESOLVED and n["resolved_at"]:
            row["resolved"] += 1
            delta = n["resolved_at"] - n["created_at"]
            row["d"].append(delta)
            durations.append(delta)
    kinds = []
    for row in sorted(by_kind.values(), key=lambda r: -r["raised"]):
        row["median"] = _days(median(row.pop("d"))) if row["d"] else None
        kinds.append(row)
    partners: dict[int, dict[str, Any]] = {}
    rows = (
        Referral.objects.visible_to(user, Perm.CAMPAIGN_MANAGE)
        .filter(need__attempt__campaign=campaign)
        .values("partner_id", "partner__name", "status", "created_at", "closed_at")
    )
    for r in rows:
        p = partners.setdefault(
            r["partner_id"],
            {
                "name": r["partner__name"],
                "referred": 0,
                "done": 0,
                "declined": 0,
                "open": 0,
                "d": [],
            },
        )
        p["referred"] += 1
        if r["status"] == ReferralStatus.DONE:
            p["done"] += 1
            p["d"].append(r["closed_at"] - r["created_at"])
        elif r["status"] == ReferralStatus.DECLINED:
            p["declined"] += 1
        elif r["status"] in OPEN_REFERRAL_STATUSES:
            p["open"] += 1
    by_partner = []
    for p in sorted(partners.values(), key=lambda p: p["name"]):
        p["median"] = _days(median(p.pop("d"))) if p["d"] else None
        by_partner.append(p)
    return {
        "raised": len(needs),
        "resolved": sum(1 for n in needs if n["status"] == NeedStatus.RESOLVED),
        "median": _days(median(durations)) if durations else None,  # type: ignore[type-var]  # timedelta: + and / suffice
        "by_kind": kinds,
        "by_partner": by_partner,
    }
