"""The projects' codes: kinds, statuses and their moves, document kinds, budget natures."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectKind(models.TextChoices):
    CHILDCARE = "childcare", _("petite enfance (micro-crèche…)")
    INTERGENERATIONAL = "intergenerational", _("intergénérationnel")
    COMMON_ROOM = "common_room", _("salle commune")
    TRANQUILLITY = "tranquillity", _("tranquillité résidentielle")
    ACCESS_TO_RIGHTS = "access_to_rights", _("accès aux droits")
    OTHER = "other", _("autre")


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("idée")
    APPLICATION = "application", _("dossier de demande")
    FUNDED = "funded", _("financé")
    RUNNING = "running", _("en cours")
    CLOSING = "closing", _("en clôture")
    CLOSED = "closed", _("clos")
    ABANDONED = "abandoned", _("abandonné")


_S = ProjectStatus
# idea → application → funded → running → closing → closed; abandoned from any open status.
PROJECT_TRANSITIONS: dict[str, frozenset[str]] = {
    _S.IDEA: frozenset({_S.APPLICATION, _S.ABANDONED}),
    _S.APPLICATION: frozenset({_S.FUNDED, _S.ABANDONED}),
    _S.FUNDED: frozenset({_S.RUNNING, _S.ABANDONED}),
    _S.RUNNING: frozenset({_S.CLOSING, _S.ABANDONED}),
    _S.CLOSING: frozenset({_S.CLOSED}),
    _S.CLOSED: frozenset(),
    _S.ABANDONED: frozenset(),
}
OPEN_STATUSES = (_S.IDEA, _S.APPLICATION, _S.FUNDED, _S.RUNNING, _S.CLOSING)


class DocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("convention")
    DECISION = "decision", _("décision d'attribution")
    REPORT = "report", _("compte rendu")
    OTHER = "other", _("autre")


class BudgetNature(models.TextChoices):
    """Where an account of the action's budget sits in the CERFA 15059 layout."""

    CHARGE = "charge", _("charges")
    RESOURCE = "resource", _("produits")
    CONTRIBUTION = "contribution", _("contributions volontaires en nature")
