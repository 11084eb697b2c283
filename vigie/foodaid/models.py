"""Food aid (issue #14): programmes run with partner associations, who is enrolled, the
distribution sessions and what each household received.

The landlord owns every row (`organisation`); the operating partners' workers and the funders
read a programme through `ProgrammeQuerySet.visible_to` (the programme's partner and funder
organisations), never through the register.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Organisation, OrganisationOwned, ScopedQuerySet, Versioned
from vigie.foodaid.choices import (
    DeliveryReason,
    EnrolmentStatus,
    Mode,
    PartnerRole,
    Result,
    SessionStatus,
)

if TYPE_CHECKING:
    from vigie.accounts.models import User


class ProgrammeScopedQuerySet(ScopedQuerySet):
    """Rows of a programme: the landlord's own, plus those of the programmes where the reader's
    organisation is an operating partner or a funder (docs/decisions/0014).

    `programme_path` is the path from the row to its programme ("" for the programme itself)."""

    programme_path = "programme__"

    def visible_to(self, user: User, perm: str) -> Any:
        own = super().visible_to(user, perm)
        if not user.is_authenticated:
            return own
        orgs = list(user.scope(perm).full_org_ids)
        if not orgs:
            return own
        p = self.programme_path
        via = Q(**{f"{p}partners__partner_organisation_id__in": orgs})
        if perm in ("foodaid.report", "foodaid.programmes"):
            # Funders read the figures of what they fund, and nothing else of it.
            via |= Q(**{f"{p}funders__funder_organisation_id__in": orgs})
        ids = self.model.objects.filter(via).values("pk")
        qs = self.filter(Q(pk__in=own.values("pk")) | Q(pk__in=ids))
        from vigie.core.sensitivity import SENSITIVE_PERM

        # Health data stays walled for the partners and funders (core/sensitivity.py).
        qs._sensitive_org_ids = frozenset(user.scope(SENSITIVE_PERM).full_org_ids)
        return qs


class ProgrammeQuerySet(ProgrammeScopedQuerySet):
    programme_path = ""


class Programme(OrganisationOwned, Versioned):
    """A food-aid programme: who runs it with the landlord, who pays, where, when, what."""

    name = models.CharField(_("nom"), max_length=200)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    sites = models.ManyToManyField(
        "housing.Residence",
        through="ProgrammeSite",
        related_name="+",
        verbose_name=_("résidences desservies"),
    )
    # A place that is not a residence (a community hall), said in words.
    place = models.CharField(_("lieu de distribution"), max_length=200, blank=True)
    basket = models.TextField(_("contenu du colis"), blank=True)
    # Parcels per household: one, plus one per `parcels_extra_per` people beyond the first.
    parcels_per_household = models.PositiveSmallIntegerField(_("colis par ménage"), default=1)
    free = models.BooleanField(_("gratuit"), default=True)
    contribution = models.CharField(_("participation demandée"), max_length=100, blank=True)
    places_limit = models.PositiveIntegerField(_("nombre de places"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("programme d'aide alimentaire")

    def __str__(self) -> str:
        return self.name


class ProgrammeSite(OrganisationOwned):
    """A residence a programme serves (the link carries the landlord: docs/scaling.md)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    residence = models.ForeignKey("housing.Residence", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "residence"], name="foodaid_site_unique"
            )
        ]


class ProgrammePartner(OrganisationOwned):
    """An operating partner of a programme (the association, the régie) and its role."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="partners")
    partner_organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.DISTRIBUTION
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "partner_organisation"],
                name="foodaid_partner_unique",
            )
        ]


class ProgrammeFunder(OrganisationOwned):
    """A funder of a programme (a town, the State, a foundation) and what it gives."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="funders")
    # The funder's organisation in Vigie, when its staff read the reports here.
    funder_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("financeur"), max_length=200)
    amount = models.CharField(_("montant ou apport"), max_length=100, blank=True)

    class Meta:
        ordering = ["id"]


class EnrolmentQuerySet(ProgrammeScopedQuerySet):
    pass


class Enrolment(OrganisationOwned, Versioned):
    """A household enrolled in a programme, with its consent, by someone of the landlord."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="enrolments")
    household = models.ForeignKey(
        "housing.Household", on_delete=models.CASCADE, related_name="food_enrolments"
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=EnrolmentStatus.choices,
        default=EnrolmentStatus.ENROLLED,
    )
    # The household agreed that its name and contact go to the operating partners.
    consent_on = models.DateField(_("consentement recueilli le"))
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.COLLECT)
    # Why it is delivered; "disability" reaches the partners only if the household agreed.
    delivery_reason = models.CharField(
        _("motif de livraison"), max_length=12, choices=DeliveryReason.choices, blank=True
    )
    share_disability = models.BooleanField(
        _("accord pour signaler le handicap au livreur"), default=False
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    # Set when it was absent twice and the person who enrolled it was told (never twice).
    flagged_at = models.DateTimeField(null=True, blank=True)

    objects = EnrolmentQuerySet.as_manager()
    sensitive_fields = ("delivery_reason", "share_disability")

    class Meta:
        ordering = ["id"]
        verbose_name = _("inscription")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "programme", "household"], name="foodaid_enrolment_unique"
            )
        ]
        indexes = [models.Index(fields=["programme", "status"], name="foodaid_enrol_status")]


class SessionQuerySet(ProgrammeScopedQuerySet):
    pass


class DistributionSession(OrganisationOwned, Versioned):
    """A distribution session: a date, a site (residence), time slots; collect and delivery."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="sessions")
    site = models.ForeignKey("housing.Residence", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    # Time slots as written ("10:00-12:00"), for the signing sheet and the residents' notice.
    slots = models.JSONField(_("créneaux"), default=list, blank=True)
    status = models.CharField(
        _("statut"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.PLANNED
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["date", "id"]
        verbose_name = _("distribution")
        indexes = [models.Index(fields=["programme", "date"], name="foodaid_session_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}"


class RecordQuerySet(ProgrammeScopedQuerySet):
    programme_path = "session__programme__"


class Record(OrganisationOwned):
    """What happened for one household at one session: collected, delivered, not home…

    `client_id` is the id the tablet gave the record when it was taken (offline or not): the
    same record sent twice is stored once (the unique constraint is the guarantee). It names
    one record everywhere, not only within its session.

    Several records of one enrolment at one session are kept (a correction from the tablet:
    "collected", then "not home"); the latest (`taken_at`, then `id`) is the one that counts
    (`latest_records`).
    """

    session = models.ForeignKey(
        DistributionSession, on_delete=models.CASCADE, related_name="records"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="records")
    client_id = models.UUIDField()
    result = models.CharField(_("résultat"), max_length=15, choices=Result.choices)
    parcels = models.PositiveSmallIntegerField(_("colis"), default=0)
    quantities = models.JSONField(_("quantités"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # When it happened on the tablet (may be before it reached the server).
    taken_at = models.DateTimeField(default=timezone.now)

    objects = RecordQuerySet.as_manager()

    class Meta:
        ordering = ["taken_at", "id"]
        verbose_name = _("passage")
        constraints = [
            # A client_id names one record of the landlord, whatever the session (a UUID the
            # tablet made); with the organisation first, as every tenant key (docs/scaling.md).
            models.UniqueConstraint(
                fields=["organisation", "client_id"], name="foodaid_record_client_id_unique"
            )
        ]
        indexes = [
            models.Index(fields=["session", "result"], name="foodaid_record_result"),
            # The latest record of an enrolment at a session (`latest_records`).
            models.Index(fields=["session", "enrolment", "taken_at"], name="foodaid_record_latest"),
        ]


def latest_records() -> models.Exists:
    """The records that count, as a filter on `Record` querysets: for each enrolment and
    session, the latest one (a later record corrects an earlier one; both are kept)."""
    later = Record.objects.filter(
        session_id=models.OuterRef("session_id"), enrolment_id=models.OuterRef("enrolment_id")
    ).filter(
        Q(taken_at__gt=models.OuterRef("taken_at"))
        | Q(taken_at=models.OuterRef("taken_at"), pk__gt=models.OuterRef("pk"))
    )
    return ~models.Exists(later)
