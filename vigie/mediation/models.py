"""The mediation centre: its agreements with landlords, practitioners, cases and their walls.

A case belongs to the centre (`organisation`) and names the landlord that referred it
(`landlord`). `CaseQuerySet.visible_to` gives the centre's people the centre's cases and a
landlord's staff the cases their landlord referred (`partner_field`, docs/decisions/0013);
what each may read of a case is decided in `selectors.py` (landlord-facing fields, notes by
compartment).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vigie.core.models import Organisation, OrganisationOwned, ScopedQuerySet, Versioned
from vigie.mediation.choices import (
    Attendance,
    CaseStatus,
    CaseType,
    Compartment,
    ConsentHow,
    Discipline,
    Modality,
    Outcome,
    PartyRole,
    SessionKind,
    Terms,
    Trouble,
)


class ServiceAgreement(OrganisationOwned):
    """The convention by which the centre (`organisation`) serves a landlord."""

    landlord = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("bailleur")
    )
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    terms = models.CharField(
        _("modalités"), max_length=10, choices=Terms.choices, default=Terms.PER_CASE
    )

    class Meta:
        verbose_name = _("convention")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "landlord"], name="agreement_unique")
        ]


class PractitionerDiscipline(OrganisationOwned):
    """One discipline a practitioner of the centre exercises there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mediation_disciplines"
    )
    discipline = models.CharField(_("discipline"), max_length=20, choices=Discipline.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "discipline"], name="practitioner_discipline_unique"
            )
        ]


class CaseQuerySet(ScopedQuerySet):
    # The referring landlord's staff read the case too (only its landlord-facing fields).
    partner_field = "landlord"


class Case(OrganisationOwned, Versioned):
    """A mediation (or a support) case of the centre, referred by one landlord."""

    landlord = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("bailleur")
    )
    type = models.CharField(_("type"), max_length=10, choices=CaseType.choices)
    trouble = models.CharField(_("trouble"), max_length=20, choices=Trouble.choices)
    intensity = models.PositiveSmallIntegerField(_("intensité"), default=1)
    summary = models.TextField(_("résumé"), blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REFERRED
    )
    outcome = models.CharField(_("résultat"), max_length=20, choices=Outcome.choices, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    referred_on = models.DateField(_("orientée le"))
    answered_on = models.DateField(_("réponse le"), null=True, blank=True)
    decline_reason = models.CharField(_("motif du refus"), max_length=500, blank=True)
    opened_on = models.DateField(_("ouverte le"), null=True, blank=True)
    closed_on = models.DateField(_("terminée le"), null=True, blank=True)
    pause_reason = models.CharField(_("motif de la pause"), max_length=500, blank=True)
    resume_on = models.DateField(_("à reprendre le"), null=True, blank=True)
    # Where the referral came from (a call's need, a nuisance ticket), when it did.
    need = models.ForeignKey(
        "campaigns.Need", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "actions.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The protocole d'accord (issue #13 §7).
    agreement_text = models.TextField(_("protocole d'accord"), blank=True)
    agreement_signed_on = models.DateField(_("signé le"), null=True, blank=True)
    agreement_shareable = models.BooleanField(_("partage avec le bailleur accepté"), default=False)
    notes_purged_on = models.DateField(null=True, blank=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("médiation")

    def __str__(self) -> str:
        return str(_("Médiation n° %(id)s") % {"id": self.pk})

    @property
    def agreement_reached(self) -> bool:
        return self.outcome == Outcome.AGREEMENT


class Party(OrganisationOwned):
    """A party to a case: a household of a served landlord, or a person outside any register."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    household = models.ForeignKey(
        "housing.Household", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    role = models.CharField(_("rôle"), max_length=12, choices=PartyRole.choices)
    consent_on = models.DateField(_("accord le"), null=True, blank=True)
    consent_how = models.CharField(
        _("accord donné"), max_length=10, choices=ConsentHow.choices, blank=True
    )
    consent_refused = models.BooleanField(_("a refusé la médiation"), default=False)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("partie")

    @property
    def consented(self) -> bool:
        return self.consent_on is not None and not self.consent_refused


class Assignment(OrganisationOwned):
    """A practitioner assigned to a case (reads the compartments of their disciplines)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "case", "user"], name="assignment_unique"
            )
        ]


class Session(OrganisationOwned, Versioned):
    """A meeting of the case: separate or joint, on site, by phone, by video or at home."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("type"), max_length=10, choices=SessionKind.choices)
    modality = models.CharField(_("modalité"), max_length=10, choices=Modality.choices)
    video_url = models.URLField(_("lien de la visio"), blank=True)
    starts_at = models.DateTimeField(_("début"))
    minutes = models.PositiveSmallIntegerField(_("durée (minutes)"), default=60)
    cancelled = models.BooleanField(default=False)
    # The invitation's iCalendar identity: UID once, SEQUENCE raised by every update.
    uid = models.CharField(max_length=100)
    sequence = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)
    practitioners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="+", through="SessionPractitioner"
    )

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("séance")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "uid"], name="session_uid_unique")
        ]


class SessionPractitioner(OrganisationOwned):
    """A practitioner holding a session (it shows in their week calendar)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "session", "user"], name="session_practitioner_unique"
            )
        ]


class SessionParty(OrganisationOwned):
    """A party invited to a session, and whether they came."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendees")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="+")
    attendance = models.CharField(
        _("présence"), max_length=10, choices=Attendance.choices, blank=True
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "session", "party"], name="session_party_unique"
            )
        ]


class Note(OrganisationOwned):
    """A practitioner's note, behind the wall of its compartment (never read by a landlord)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    compartment = models.CharField(_("compartiment"), max_length=10, choices=Compartment.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("note"))

    class Meta:
        ordering = ["created_at", "pk"]


class BreakGlass(OrganisationOwned):
    """The director opened every compartment of one case, with a reason (shown to the DPO)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="break_glasses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("motif"), max_length=500)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
