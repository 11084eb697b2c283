from django.db import models

from vigie.core.models import ScopedQuerySet


class Suggestion(models.Model):
    """An idea a household gave the landlord (the example module's only record)."""

    organisation = models.ForeignKey("core.Organisation", on_delete=models.PROTECT)
    household = models.ForeignKey(
        "housing.Household", on_delete=models.CASCADE, related_name="suggestions"
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
