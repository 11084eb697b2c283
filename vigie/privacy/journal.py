"""The journal codes the privacy app writes, in French, with who may read them
(core/journal.py).

A tenant's exercise of their data-protection rights is the data-protection officer's business
alone: agency staff, callers and managers never read it on the household page (issue #10 §3).
"""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.core.permissions import Perm

for code, label in (
    ("subject.received", _("Demande d'une personne reçue (délai légal d'un mois)")),
    ("subject.extended", _("Délai de réponse à une demande prolongé, avec son motif")),
    ("subject.exported", _("Données d'une personne communiquées (droit d'accès)")),
    ("subject.rectified", _("Identité d'une personne rectifiée (droit de rectification)")),
    ("subject.objected", _("Opposition d'une personne aux appels enregistrée")),
    ("subject.erased", _("Personne effacée (droit à l'effacement)")),
    ("subject.refused", _("Demande d'une personne refusée, avec son motif légal")),
    ("household.anonymised", _("Ménage anonymisé")),
):
    register(code, label=label, perm=Perm.SUBJECT_RIGHTS)

register("retention.purged", label=_("Purge des données échues"), perm=Perm.AUDIT_VIEW)
