"""Partners, referrals, building tickets and follow-up tasks — issue #4.

Every table carries `organisation`: the landlord that owns the record (docs/scaling.md). A
partner organisation (a CCAS) is an `Organisation` of kind partner; each landlord that works with
it keeps its own `Partner` profile (services, communes covered, contacts).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.actions.choices import (
    OPEN_TICKET_STATUSES,
    PartnerKind,
    ReferralStatus,
    TaskOrigin,
    TaskStatus,
    TicketCategory,
    TicketStatus,
)
from vigie.core.models import Organisation, OrganisationOwned, ScopedQuerySet, Versioned


class Partner(OrganisationOwned, Versioned):
    """A partner in a landlord's directory: a CCAS, an association… and what it offers where."""

    partner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partner_profiles"
    )
    kind = models.CharField(_("type"), max_length=20, choices=PartnerKind.choices)
    name = models.CharField(_("nom"), max_length=200)
    services = models.JSONField(_("services proposés"), default=list, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    # Where new referrals are announced (a link only, never personal data).
    notification_email = models.EmailField(_("e-mail des notifications"), blank=True)
    contacts = models.TextField(_("contacts"), blank=True)
    opening_hours = models.TextField(_("horaires d'ouverture"), blank=True)
    active = models.BooleanField(_("actif"), default=True)
    communes = models.ManyToManyField(
        "housing.Commune", through="PartnerCommune", related_name="+", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("partenaire")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partner_organisation"], name="partner_unique_org"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def offers(self, service: str) -> bool:
        return service in (self.services or [])


class PartnerCommune(OrganisationOwned):
    """A commune a partner covers, for one landlord's directory."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="coverage")
    commune = models.ForeignKey("housing.Commune", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "partner", "commune"], name="partner_commune_unique"
            )
        ]


class ReferralQuerySet(ScopedQuerySet):
    # The partner's workers see the referrals addressed to their organisation.
    partner_field = "partner_organisation"

    def visible_to(self, user, perm: str) -> ScopedQuerySet:
        """The one place where the partner's rule lives (docs/decisions/0007): a referral
        reached only through `partner_field` is visible once it has been *sent* — never while
        proposed, nor if it was cancelled before being sent. Every page, API operation, write
        route and service reads referrals through here, so none of them can tell a partner
        that a referral it was never sent exists (issue #10 §2)."""
        qs = super().visible_to(user, perm)
        if not user.is_authenticated:
            return qs
        own = user.scope(perm).full_org_ids
        return qs.filter(Q(organisation_id__in=own) | Q(sent_at__isnull=False))


class Referral(OrganisationOwned, Versioned):
    """An orientation: a household's need passed to a partner (a CCAS, an association…).

    It carries only what the partner needs: the household's name, address and phone (read from
    the register when shown), the need and a short note. Cohorts, disability and longer notes go
    only if the sender ticked them and recorded the household's consent.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="referrals")
    # Copied from the partner: what scoping reads for the partner's workers.
    partner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        "housing.Household", on_delete=models.CASCADE, related_name="referrals"
    )
    need = models.ForeignKey("campaigns.Need", on_delete=models.CASCADE, related_name="referrals")
    status = models.CharField(
        _("statut"), max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PROPOSED
    )
    note = models.CharField(_("note pour le partenaire"), max_length=300, blank=True)
    share_cohorts = models.BooleanField(_("transmettre les cohortes"), default=False)
    share_disability = models.BooleanField(_("transmettre la situation de handicap"), default=False)
    extra_notes = models.TextField(_("informations complémentaires"), blank=True)
    consent_at = models.DateTimeField(
        _("consentement du ménage recueilli le"), null=True, blank=True
    )
    consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("orientation")
        indexes = [
            models.Index(fields=["partner_organisation", "status"], name="referral_inbox"),
            models.Index(fields=["organisation", "status"], name="referral_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} → {self.partner_id}"


class ReferralStep(OrganisationOwned):
    """One step of a referral: when it moved, who moved it, and why."""

    # Append-only, with its own time: no created/modified stamps.
    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The reason (declined, cancelled) or what was done; may name the household, never health.
    note = models.CharField(_("motif / ce qui a été fait"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]


class TicketQuerySet(ScopedQuerySet):
    agency_field = "agency"


class Ticket(OrganisationOwned, Versioned):
    """A building problem (ménage, éclairage, ascenseur…) routed to the residence's agency.

    Reports of the same problem (same residence and category) while it is open merge into one
    ticket; `reports_count` says how many households (or staff) reported it.
    """

    residence = models.ForeignKey(
        "housing.Residence", on_delete=models.PROTECT, related_name="tickets"
    )
    agency = models.ForeignKey(
        "housing.Agency", null=True, on_delete=models.PROTECT, related_name="tickets"
    )
    category = models.CharField(_("catégorie"), max_length=20, choices=TicketCategory.choices)
    status = models.CharField(
        _("statut"), max_length=12, choices=TicketStatus.choices, default=TicketStatus.OPEN
    )
    description = models.TextField(_("description"), blank=True)
    reports_count = models.PositiveIntegerField(_("signalements"), default=1)
    opened_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField(_("à traiter avant le"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolution = models.CharField(_("ce qui a été fait"), max_length=500, blank=True)
    informed_at = models.DateTimeField(_("ménages informés le"), null=True, blank=True)
    informed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Set once the overdue follow-up task has been created (never twice).
    overdue_task_at = models.DateTimeField(null=True, blank=True)
    # Where the problem is: copied from the register (the first reporting household's dwelling),
    # corrected by the agency if the problem is elsewhere (a lift, a staircase).
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    building = models.CharField(_("bâtiment"), max_length=50, blank=True)
    staircase = models.CharField(_("escalier"), max_length=20, blank=True)
    floor = models.CharField(_("étage"), max_length=20, blank=True)
    # Who deals with it: a person of the agency, and/or a contractor (name and contact).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confié à"),
    )
    contractor_name = models.CharField(_("entreprise"), max_length=150, blank=True)
    contractor_contact = models.CharField(_("contact de l'entreprise"), max_length=200, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("signalement")
        constraints = [
            # One open ticket per residence and category: new reports merge into it.
            models.UniqueConstraint(
                fields=["organisation", "residence", "category"],
                condition=Q(status__in=[s.value for s in OPEN_TICKET_STATUSES]),
                name="ticket_one_open_per_residence_category",
            )
        ]
        indexes = [models.Index(fields=["organisation", "agency", "status"], name="ticket_queue")]

    def __str__(self) -> str:
        return f"{self.get_category_display()} — {self.residence_id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TICKET_STATUSES

    def is_overdue(self, today=None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())


class TicketAttachmentQuerySet(ScopedQuerySet):
    agency_field = "ticket__agency"


class TicketAttachment(OrganisationOwned):
    """A photo or document attached to a ticket. The file is kept privately under the data
    directory (never under static or media) and served by a view to who may see the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    file_name = models.CharField(_("nom du fichier"), max_length=200)
    # Random name of the stored file (attachments.py): nothing of the upload's name on disk.
    storage_name = models.CharField(max_length=64)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TicketAttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("pièce jointe")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "storage_name"], name="ticket_attachment_unique_storage"
            )
        ]

    def __str__(self) -> str:
        return self.file_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class TicketReport(OrganisationOwned):
    """One report of a building problem: from a need raised in a call, or by staff."""

    # Append-only, with its own time: no created/modified stamps.
    created_at = None  # type: ignore[assignment]
    updated_at = None  # type: ignore[assignment]

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reports")
    household = models.ForeignKey(
        "housing.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    need = models.ForeignKey(
        "campaigns.Need", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    note = models.CharField(_("précision"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]


class TaskQuerySet(ScopedQuerySet):
    pass


class Task(OrganisationOwned, Versioned):
    """A follow-up (call back in a week, home visit, check the meals started) with an owner."""

    title = models.CharField(_("tâche"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="vigie_tasks",
        verbose_name=_("responsable"),
    )
    due_on = models.DateField(_("échéance"))
    status = models.CharField(
        _("statut"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    origin = models.CharField(max_length=20, choices=TaskOrigin.choices, default=TaskOrigin.MANUAL)
    household = models.ForeignKey(
        "housing.Household", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    need = models.ForeignKey(
        "campaigns.Need", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="tasks"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("tâche")
        indexes = [models.Index(fields=["organisation", "owner", "status"], name="task_owner")]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today=None) -> bool:
        return self.status == TaskStatus.OPEN and self.due_on < (today or timezone.localdate())
