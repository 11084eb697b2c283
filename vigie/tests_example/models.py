from django.db import models

from vigie.core.models import OrganisationOwned


class Suggestion(OrganisationOwned):
    """An idea a household gave the landlord (the example module's only record).

    `OrganisationOwned` gives it its organisation, its timestamps and `visible_to`.
    """

    household = models.ForeignKey(
        "housing.Household", on_delete=models.CASCADE, related_name="suggestions"
    )
    text = models.TextField()

    class Meta:
        ordering = ["-created_at", "-id"]
