"""Codes of the mediation centre, named once for models, services, API and pages (issue #13)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Discipline(models.TextChoices):
    MEDIATOR = "mediator", _("médiateur·rice")
    LAWYER = "lawyer", _("avocat·e")
    JURIST = "jurist", _("juriste")
    DOCTOR = "doctor", _("médecin")
    PSYCHOLOGIST = "psychologist", _("psychologue")
    PSYCHIATRIST = "psychiatrist", _("psychiatre")
    FAMILY_MEDIATOR = "family_mediator", _("médiateur·rice familial·e")


class Compartment(models.TextChoices):
    MEDIATION = "mediation", _("médiation")
    LEGAL = "legal", _("juridique")
    MEDICAL = "medical", _("médical")


# Which compartment of notes each discipline writes and reads (issue #13 §6).
DISCIPLINE_COMPARTMENT: dict[str, str] = {
    Discipline.MEDIATOR: Compartment.MEDIATION,
    Discipline.FAMILY_MEDIATOR: Compartment.MEDIATION,
    Discipline.LAWYER: Compartment.LEGAL,
    Discipline.JURIST: Compartment.LEGAL,
    Discipline.DOCTOR: Compartment.MEDICAL,
    Discipline.PSYCHOLOGIST: Compartment.MEDICAL,
    Discipline.PSYCHIATRIST: Compartment.MEDICAL,
}


class CaseType(models.TextChoices):
    DISPUTE = "dispute", _("différend entre voisins")
    SUPPORT = "support", _("accompagnement")


class CaseStatus(models.TextChoices):
    REFERRED = "referred", _("orientée")
    ACCEPTED = "accepted", _("acceptée")
    DECLINED = "declined", _("refusée")
    AWAITING_CONSENT = "awaiting_consent", _("en attente des accords")
    IN_PROGRESS = "in_progress", _("en cours")
    PAUSED = "paused", _("à reprendre")
    CLOSED = "closed", _("terminée")


# The only moves a case may make (conventions, habit 5; core/transitions.py).
CASE_TRANSITIONS: dict[str, frozenset[str]] = {
    CaseStatus.REFERRED: frozenset({CaseStatus.ACCEPTED, CaseStatus.DECLINED}),
    CaseStatus.ACCEPTED: frozenset({CaseStatus.AWAITING_CONSENT, CaseStatus.CLOSED}),
    CaseStatus.AWAITING_CONSENT: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.IN_PROGRESS: frozenset({CaseStatus.PAUSED, CaseStatus.CLOSED}),
    CaseStatus.PAUSED: frozenset({CaseStatus.IN_PROGRESS, CaseStatus.CLOSED}),
    CaseStatus.DECLINED: frozenset(),
    CaseStatus.CLOSED: frozenset(),
}
OPEN_STATUSES = (
    CaseStatus.REFERRED,
    CaseStatus.ACCEPTED,
    CaseStatus.AWAITING_CONSENT,
    CaseStatus.IN_PROGRESS,
    CaseStatus.PAUSED,
)


class Outcome(models.TextChoices):
    AGREEMENT = "agreement", _("accord signé")
    DIALOGUE_RESUMED = "dialogue_resumed", _("dialogue renoué")
    COMPLAINTS_STOPPED = "complaints_stopped", _("plaintes arrêtées")
    TRANSFER_OR_MOVE = "transfer_or_move", _("mutation ou déménagement")
    PARTIAL = "partial", _("résultat partiel")
    FAILURE = "failure", _("échec")
    WITHDRAWN = "withdrawn", _("abandon")
    NOT_ENGAGED = "not_engaged", _("médiation non engagée")


class Trouble(models.TextChoices):
    NOISE = "noise", _("bruit")
    SMELLS = "smells", _("odeurs")
    COMMON_AREAS = "common_areas", _("parties communes")
    ANIMALS = "animals", _("animaux")
    CHILDREN = "children", _("enfants")
    INCIVILITIES = "incivilities", _("incivilités")
    DISCRIMINATION = "discrimination", _("discrimination ressentie")
    OTHER = "other", _("autre")


class PartyRole(models.TextChoices):
    APPLICANT = "applicant", _("demandeur·se")
    RESPONDENT = "respondent", _("mis·e en cause")
    OTHER = "other", _("autre partie")


class ConsentHow(models.TextChoices):
    WRITTEN = "written", _("par écrit")
    ORAL = "oral", _("oralement, par téléphone")
    EMAIL = "email", _("par e-mail")


class SessionKind(models.TextChoices):
    SEPARATE = "separate", _("entretien séparé")
    JOINT = "joint", _("séance commune")


class Modality(models.TextChoices):
    ON_SITE = "on_site", _("au centre")
    PHONE = "phone", _("par téléphone")
    VIDEO = "video", _("en visio")
    HOME = "home", _("à domicile")


class Attendance(models.TextChoices):
    SEEN = "seen", _("reçu·e")
    EXCUSED = "excused", _("excusé·e")
    NO_SHOW = "no_show", _("absent·e")
    CANCELLED = "cancelled", _("annulé par le centre")


class Terms(models.TextChoices):
    PER_CASE = "per_case", _("à l'acte (par médiation)")
    PACKAGE = "package", _("forfait annuel")
