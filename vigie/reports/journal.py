"""The journal codes the reports app writes, in French, with who may read them."""

from django.utils.translation import gettext_lazy as _

from vigie.core.journal import register
from vigie.core.permissions import Perm
from vigie.reports.permissions import ALERT_MANAGE, ALERT_VIEW, CONSENT_RECORD

register(
    "alerts.run",
    label=_("Alertes calculées (nouvelles : %(raised)s)"),
    perm=ALERT_MANAGE,
)
register("alert.closed", label=_("Alerte close"), perm=ALERT_VIEW)
register("alert_rule.updated", label=_("Règle d'alerte modifiée"), perm=ALERT_MANAGE)
register(
    "playbook.prepared",
    label=_("Campagne de crise préparée (%(playbook)s)"),
    perm=Perm.CAMPAIGN_VIEW,
)
register(
    "register_consent.recorded",
    label=_("Consentement au registre canicule enregistré"),
    perm=CONSENT_RECORD,
)
register(
    "register_consent.withdrawn",
    label=_("Consentement au registre canicule retiré"),
    perm=CONSENT_RECORD,
)
