"""Organisations, the scoping mechanism and the audit journal."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from vigie.accounts.models import User


class OrganisationKind(models.TextChoices):
    LANDLORD = "landlord", _("Bailleur social")
    MEDIATION_CENTRE = "mediation_centre", _("Centre de médiation")
    PARTNER = "partner", _("Partenaire (CCAS, association…)")
    FUNDER = "funder", _("Financeur")


class Organisation(models.Model):
    """An organisation using Vigie: a landlord, a mediation centre, a partner or a funder."""

    slug = models.SlugField(_("identifiant"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=OrganisationKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class ScopedQuerySet(models.QuerySet):
    """The one place where scoping happens (conventions, habit 3).

    A model holding personal data declares `org_field` (path to its landlord organisation) and,
    where agency staff may see it, `agency_field` (path to the agency). `visible_to(user, perm)`
    keeps the rows of the organisations where the user holds `perm`; for agency staff only
    the rows of their agencies. A record addressed to a partner organisation (a referral)
    declares `partner_field` (path to that organisation): the partner's workers, who hold
    `perm` in their own organisation, see the rows addressed to it and nothing else
    (docs/decisions/0007).
    """

    org_field = "organisation"
    agency_field: str | None = None
    partner_field: str | None = None

    def visible_to(self, user: User, perm: str) -> ScopedQuerySet:
        if not user.is_authenticated:
            return self.none()
        scope = user.scope(perm)
        q = models.Q(**{f"{self.org_field}_id__in": scope.full_org_ids})
        if self.agency_field and scope.agency_ids:
            q |= models.Q(**{f"{self.agency_field}_id__in": scope.agency_ids})
        if self.partner_field and scope.full_org_ids:
            q |= models.Q(**{f"{self.partner_field}_id__in": scope.full_org_ids})
        if not scope.full_org_ids and not (self.agency_field and scope.agency_ids):
            return self.none()
        return self.filter(q)


class AuditEvent(models.Model):
    """A journal row: who changed what, when (never health details in the payload)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=80, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "object_type", "object_id"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise RuntimeError("The audit journal is append-only.")
        super().save(*args, **kwargs)


class AccessAction(models.TextChoices):
    VIEW = "view", _("consultation")
    SEARCH = "search", _("recherche")
    EXPORT = "export", _("export")
    DENIED = "denied", _("accès refusé")


class AccessLog(models.Model):
    """Who read which personal record, when (CNIL 2021-122). Append-only; no health details."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    # What was asked (a search's criteria, an export's filters): never the results.
    detail = models.CharField(max_length=300, blank=True)
    path = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"])]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk:
            raise RuntimeError("The access log is append-only.")
        super().save(*args, **kwargs)
