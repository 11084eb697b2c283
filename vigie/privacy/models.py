"""Data-subject requests handled by the data-protection officer."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.models import OrganisationOwned


class RequestKind(models.TextChoices):
    ACCESS = "access", _("droit d'accès (art. 15)")
    RECTIFICATION = "rectification", _("rectification (art. 16)")
    ERASURE = "erasure", _("effacement (art. 17)")
    OBJECTION = "objection", _("opposition (art. 21)")


class RequestOutcome(models.TextChoices):
    DONE = "done", _("satisfaite")
    REFUSED = "refused", _("refusée")


class SubjectRequest(OrganisationOwned):
    """A data-subject request (access, rectification, erasure, objection) and how it was handled."""

    # Kept after an erasure: the occupant row is anonymised, not deleted.
    occupant = models.ForeignKey(
        "housing.Occupant", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    household_reference = models.CharField(max_length=50)
    kind = models.CharField(max_length=15, choices=RequestKind.choices)
    # Empty while the request waits for its answer.
    outcome = models.CharField(max_length=10, choices=RequestOutcome.choices, blank=True)
    legal_reason = models.TextField(_("motif légal du refus"), blank=True)
    # The legal deadline (privacy/deadlines.py): one month after receipt, extended once by one
    # or two months with the reason the person was told.
    received_on = models.DateField(_("reçue le"))
    due_on = models.DateField(_("réponse due le"))
    extension_months = models.PositiveSmallIntegerField(default=0)
    extension_reason = models.TextField(_("motif de la prolongation"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["organisation", "outcome", "due_on"])]

    @property
    def is_open(self) -> bool:
        return not self.outcome

    @property
    def handled_late(self) -> bool:
        """Answered after its deadline (the DPO's list says so)."""
        return bool(self.handled_at and timezone.localdate(self.handled_at) > self.due_on)
