"""Statuses and codes of the actions app, named once for models, services, API and UI."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.campaigns.choices import NeedKind


class PartnerKind(models.TextChoices):
    CCAS = "ccas", _("CCAS")
    CIAS = "cias", _("CIAS")
    ASSOCIATION = "association", _("association")
    REGIE = "regie", _("régie de quartier")
    HEALTH = "health", _("service de santé")
    HOME_HELP = "home_help", _("aide à domicile")


# What a partner offers: the need codes of the calls, plus two services no call raises as such.
SERVICE_CHOICES: list[tuple[str, str]] = [
    (k, lab) for k, lab in NeedKind.choices if k not in (NeedKind.HOUSING_PROBLEM, NeedKind.OTHER)
] + [("home_help", _("aide à domicile")), ("financial_help", _("aide financière"))]
SERVICE_CODES = frozenset(code for code, _label in SERVICE_CHOICES)

# Which services answer a need (the need's own code first).
NEED_SERVICES: dict[str, tuple[str, ...]] = {
    NeedKind.GROCERIES: ("groceries", "home_help"),
    NeedKind.MEAL_DELIVERY: ("meal_delivery", "home_help"),
    NeedKind.MEDICATION: ("medication", "home_help"),
    NeedKind.ISOLATION: ("isolation", "home_help"),
    NeedKind.HEALTH: ("health",),
    NeedKind.PSYCHOLOGICAL_SUPPORT: ("psychological_support",),
    NeedKind.FINANCIAL_HARDSHIP: ("financial_hardship", "financial_help"),
    NeedKind.NEIGHBOUR_CONFLICT: ("neighbour_conflict",),
    NeedKind.OTHER: (),
    NeedKind.HOUSING_PROBLEM: (),
}

# What a commune's CCAS created in one click offers by default.
CCAS_DEFAULT_SERVICES = [
    "groceries",
    "meal_delivery",
    "isolation",
    "financial_hardship",
    "financial_help",
    "home_help",
]


class ReferralStatus(models.TextChoices):
    PROPOSED = "proposed", _("proposée")
    SENT = "sent", _("envoyée")
    ACCEPTED = "accepted", _("acceptée")
    DONE = "done", _("réalisée")
    DECLINED = "declined", _("refusée")
    CANCELLED = "cancelled", _("annulée")


# The only status changes a referral may go through (conventions, habit 5).
REFERRAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ReferralStatus.PROPOSED: frozenset({ReferralStatus.SENT, ReferralStatus.CANCELLED}),
    ReferralStatus.SENT: frozenset(
        {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.ACCEPTED: frozenset(
        {ReferralStatus.DONE, ReferralStatus.DECLINED, ReferralStatus.CANCELLED}
    ),
    ReferralStatus.DONE: frozenset(),
    ReferralStatus.DECLINED: frozenset(),
    ReferralStatus.CANCELLED: frozenset(),
}
# Who moves a referral where: the landlord sends and cancels, the partner answers.
REFERRAL_LANDLORD_MOVES = frozenset({ReferralStatus.SENT, ReferralStatus.CANCELLED})
REFERRAL_PARTNER_MOVES = frozenset(
    {ReferralStatus.ACCEPTED, ReferralStatus.DECLINED, ReferralStatus.DONE}
)
OPEN_REFERRAL_STATUSES = (ReferralStatus.PROPOSED, ReferralStatus.SENT, ReferralStatus.ACCEPTED)
# A reason is required to decline or cancel; a word on what was done to close.
REFERRAL_NEEDS_REASON = frozenset(
    {ReferralStatus.DECLINED, ReferralStatus.CANCELLED, ReferralStatus.DONE}
)


class TicketCategory(models.TextChoices):
    CLEANING = "cleaning", _("ménage des parties communes")
    LIGHTING = "lighting", _("éclairage")
    LIFT = "lift", _("ascenseur")
    ENTRANCE_DOOR = "entrance_door", _("porte d'entrée")
    PESTS = "pests", _("nuisibles")
    HEATING = "heating", _("chauffage")
    WATER = "water", _("eau")
    OTHER = "other", _("autre")


# Target time to resolve, in working days (Monday to Friday), per category.
TICKET_TARGET_DAYS: dict[str, int] = {
    TicketCategory.CLEANING: 3,
    TicketCategory.LIGHTING: 3,
    TicketCategory.LIFT: 2,
    TicketCategory.ENTRANCE_DOOR: 2,
    TicketCategory.PESTS: 10,
    TicketCategory.HEATING: 2,
    TicketCategory.WATER: 1,
    TicketCategory.OTHER: 5,
}


class TicketStatus(models.TextChoices):
    OPEN = "open", _("ouvert")
    ACKNOWLEDGED = "acknowledged", _("pris en compte")
    RESOLVED = "resolved", _("résolu")
    CANCELLED = "cancelled", _("annulé")


TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.OPEN: frozenset(
        {TicketStatus.ACKNOWLEDGED, TicketStatus.RESOLVED, TicketStatus.CANCELLED}
    ),
    TicketStatus.ACKNOWLEDGED: frozenset({TicketStatus.RESOLVED, TicketStatus.CANCELLED}),
    TicketStatus.RESOLVED: frozenset(),
    TicketStatus.CANCELLED: frozenset(),
}
OPEN_TICKET_STATUSES = (TicketStatus.OPEN, TicketStatus.ACKNOWLEDGED)


class TaskStatus(models.TextChoices):
    OPEN = "open", _("à faire")
    DONE = "done", _("faite")
    CANCELLED = "cancelled", _("annulée")


TASK_TRANSITIONS: dict[str, frozenset[str]] = {
    TaskStatus.OPEN: frozenset({TaskStatus.DONE, TaskStatus.CANCELLED}),
    TaskStatus.DONE: frozenset(),
    TaskStatus.CANCELLED: frozenset(),
}


class TaskOrigin(models.TextChoices):
    MANUAL = "manual", _("créée à la main")
    REFERRAL_DECLINED = "referral_declined", _("orientation refusée")
    TICKET_OVERDUE = "ticket_overdue", _("signalement en retard")
    ALERT = "alert", _("alerte")
    FOOD_AID = "food_aid", _("aide alimentaire (distribution)")
