"""The journal codes the housing app writes, in French, with who may read them
(core/journal.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.core.permissions import Perm

register("occupant.contact_updated", label=_("Coordonnées corrigées"), perm=Perm.HOUSEHOLD_VIEW)
register("import.completed", label=_("Import du patrimoine terminé"), perm=Perm.IMPORT_RUN)
register(
    "import.departures_undone",
    label=_("Départs d'un import annulés (ménages rétablis : %(households)s)"),
    perm=Perm.IMPORT_RUN,
)
