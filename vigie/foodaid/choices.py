"""Food aid's statuses and kinds, in the landlord's words."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerRole(models.TextChoices):
    DISTRIBUTION = "distribution", _("distribution sur site")
    DELIVERY = "delivery", _("livraison à domicile")
    PURCHASING = "purchasing", _("achats et colis")
    OTHER = "other", _("autre")


class Mode(models.TextChoices):
    COLLECT = "collect", _("retrait sur place")
    DELIVERY = "delivery", _("livraison")


class DeliveryReason(models.TextChoices):
    NONE = "", _("—")
    OVER_75 = "over_75", _("plus de 75 ans")
    DISABILITY = "disability", _("situation de handicap")
    NO_ONE = "no_one", _("personne ne peut se déplacer")


class EnrolmentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("inscrit")
    WAITING = "waiting", _("liste d'attente")
    WITHDRAWN = "withdrawn", _("sorti du programme")


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("prévue")
    CLOSED = "closed", _("clôturée")


SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.PLANNED: frozenset({SessionStatus.CLOSED}),
    SessionStatus.CLOSED: frozenset(),
}


class Result(models.TextChoices):
    COLLECTED = "collected", _("retiré")
    DELIVERED = "delivered", _("livré")
    NOT_HOME = "not_home", _("absent")
    REFUSED = "refused", _("refusé")
    WRONG_ADDRESS = "wrong_address", _("mauvaise adresse")


# A household reached: what reports count (once per household and period).
REACHED = (Result.COLLECTED, Result.DELIVERED)
# What becomes a follow-up task after the session (a household that refused is not chased).
FAILED = (Result.NOT_HOME, Result.WRONG_ADDRESS)

AGE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("0-3", 0, 3),
    ("4-15", 4, 15),
    ("16-64", 16, 64),
    ("65+", 65, None),
)
