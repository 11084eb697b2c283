"""The projects' journal codes."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.projects.permissions import PROJECT_MANAGE, PROJECT_VIEW

register("project.created", label=_("Projet créé"), perm=PROJECT_VIEW)
register("project.updated", label=_("Projet modifié"), perm=PROJECT_MANAGE)
register("project.applied", label=_("Projet : dossier de demande déposé"), perm=PROJECT_VIEW)
register("project.funded", label=_("Projet financé"), perm=PROJECT_VIEW)
register("project.started", label=_("Projet lancé"), perm=PROJECT_VIEW)
register("project.closing", label=_("Projet en clôture"), perm=PROJECT_VIEW)
register("project.closed", label=_("Projet clos"), perm=PROJECT_VIEW)
register("project.abandoned", label=_("Projet abandonné"), perm=PROJECT_VIEW)
register("project.partner_added", label=_("Partenaire du projet ajouté"), perm=PROJECT_MANAGE)
register("project.milestone_set", label=_("Jalon du projet enregistré"), perm=PROJECT_MANAGE)
register(
    "project.funder_added",
    label=_("Co-financeur ajouté (%(funder)s)"),
    perm=PROJECT_MANAGE,
)
register(
    "project.funder_updated",
    label=_("Montants d'un co-financeur modifiés (%(funder)s)"),
    perm=PROJECT_MANAGE,
)
register("project.tranche_added", label=_("Tranche attendue (%(funder)s)"), perm=PROJECT_MANAGE)
register("project.tranche_received", label=_("Tranche reçue (%(funder)s)"), perm=PROJECT_MANAGE)
register("project.condition_set", label=_("Condition d'un financeur"), perm=PROJECT_MANAGE)
register("project.deadline_set", label=_("Échéance de compte rendu"), perm=PROJECT_MANAGE)
register("project.deadline_submitted", label=_("Compte rendu remis"), perm=PROJECT_MANAGE)
register("project.deadline_reminded", label=_("Rappel d'échéance envoyé"), perm=PROJECT_MANAGE)
register("project.document_added", label=_("Document du projet déposé"), perm=PROJECT_MANAGE)
register(
    "project.budget_line_set",
    label=_("Ligne de budget %(account)s (%(year)s)"),
    perm=PROJECT_MANAGE,
)
register("project.indicator_added", label=_("Indicateur ajouté"), perm=PROJECT_MANAGE)
register("project.indicator_measured", label=_("Indicateur mesuré"), perm=PROJECT_MANAGE)
