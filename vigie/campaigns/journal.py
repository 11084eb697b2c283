"""The journal codes the campaigns app writes, in French, with who may read them
(core/journal.py)."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.core.permissions import Perm
from vigie.housing.timeline import register_journal_subjects

for code, label in (
    ("campaign.created", _("Campagne créée")),
    ("campaign.built", _("Liste d'appel constituée")),
    ("campaign.build_requested", _("Construction de la liste d'appel demandée")),
    ("caller_settings.updated", _("Réglages de la console d'appels modifiés")),
    ("campaign.started", _("Campagne lancée")),
    ("campaign.paused", _("Campagne mise en pause")),
    ("campaign.resumed", _("Campagne reprise")),
    ("campaign.closed", _("Campagne clôturée")),
    ("campaign.script_set", _("Script d'appel enregistré (%(questions)s questions)")),
    ("campaign.caller_paused", _("Chargé·e de veille mis·e en pause")),
    ("campaign.caller_resumed", _("Chargé·e de veille de retour dans la file")),
    ("campaign.sheet_reserved", _("Liste papier réservée")),
    ("campaign.sheet_released", _("Liste papier rendue")),
    ("wave.added", _("Vague ajoutée")),
    ("wave.updated", _("Vague modifiée")),
    ("wave.removed", _("Vague retirée")),
    ("wave.paused", _("Vague mise en pause")),
    ("wave.resumed", _("Vague reprise")),
    ("target.assigned", _("Appel confié à un·e chargé·e de veille")),
    ("target.excluded", _("Ménage retiré de la liste d'appel")),
    ("target.released", _("Appel rendu à la file sans être passé")),
    (
        "campaign.targets_departed",
        _("Ménages partis retirés de la liste d'appel : %(targets)s"),
    ),
    ("attempt.recorded", _("Appel enregistré")),
):
    register(code, label=label, perm=Perm.CAMPAIGN_VIEW)

# A wrong number is the register's business: whoever reads the household may know it.
register("occupant.phone_flagged", label=_("Numéro signalé erroné"), perm=Perm.HOUSEHOLD_VIEW)


@register_journal_subjects
def household_calls(household):
    """For the DPO's full history: the journal of the household's targets, calls and needs."""
    from vigie.campaigns.models import Attempt, Need, Target

    yield (
        "campaigns.target",
        Target.objects.filter(household=household).values_list("pk", flat=True),
    )
    yield (
        "campaigns.attempt",
        Attempt.objects.filter(target__household=household).values_list("pk", flat=True),
    )
    yield "campaigns.need", Need.objects.filter(household=household).values_list("pk", flat=True)
