"""Data-subject requests handled by the data-protection officer."""

from django.conf import settings
from django.db import models
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
    outcome = models.CharField(max_length=10, choices=RequestOutcome.choices)
    legal_reason = models.TextField(_("motif légal du refus"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-handled_at"]
