"""Codes and statuses of the reports app, named once for models, services, API and UI."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RuleCode(models.TextChoices):
    NO_CONTACT_OVER_75_ALONE = "no_contact_over_75_alone", _("75 ans et plus, seul·e, sans contact")
    NOT_REACHED = "not_reached", _("ménage injoignable")
    REPEATED_TICKETS_STAIRCASE = (
        "repeated_tickets_staircase",
        _("signalements répétés dans un escalier"),
    )
    REFERRAL_DECLINED_TWICE = "referral_declined_twice", _("orientation refusée deux fois")
    DISABILITY_NO_LIFT = "disability_no_lift", _("handicap en étage sans ascenseur")
    RENT_ARREARS = "rent_arrears", _("impayé de loyer")


# Rules whose alerts reveal health data (GDPR art. 9): walled like the disability cohort.
SENSITIVE_RULES = frozenset({RuleCode.DISABILITY_NO_LIFT})


class AlertStatus(models.TextChoices):
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


ALERT_TRANSITIONS: dict[str, frozenset[str]] = {
    AlertStatus.OPEN: frozenset({AlertStatus.CLOSED}),
    AlertStatus.CLOSED: frozenset(),
}


class Playbook(models.TextChoices):
    HEATWAVE = "heatwave", _("canicule")
    COLD = "cold", _("grand froid")
