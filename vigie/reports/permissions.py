"""The reports app's permissions, with the French sentence a user lacking one reads."""

from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Role, declare

# The landlord's dashboards, maps and their data (exact figures: the landlord's own staff).
REPORTS_VIEW = declare(
    "reports.view",
    denied=_("Seul·e un·e responsable ou un·e administrateur·rice consulte les tableaux de bord."),
    roles={Role.MANAGER, Role.ADMIN},
)
# Figures for funders and partners, with small cells hidden (core.smallcells).
REPORTS_FUNDER_VIEW = declare(
    "reports.funder_view",
    denied=_("Votre rôle ne donne pas accès aux chiffres publiés pour les financeurs."),
    roles={Role.MANAGER, Role.FUNDER_VIEWER},
)
# Early warnings: read them (the rule's team), close them, run and configure the rules.
ALERT_VIEW = declare(
    "alert.view",
    denied=_("Votre rôle ne donne pas accès aux alertes."),
    roles={Role.MANAGER, Role.CALLER},
)
ALERT_CLOSE = declare(
    "alert.close",
    denied=_("Seul·e un·e chargé·e de veille ou un·e responsable peut clore une alerte."),
    roles={Role.MANAGER, Role.CALLER},
)
ALERT_MANAGE = declare(
    "alert.manage",
    denied=_("Seul·e un·e responsable lance et règle les alertes."),
    roles={Role.MANAGER},
)
# Crisis playbooks: prepare a campaign (campaign.manage), record the households' consent to the
# town's heatwave register, and export the consenting households for the CCAS.
CONSENT_RECORD = declare(
    "register_consent.record",
    denied=_(
        "Seul·e un·e chargé·e de veille ou un·e responsable enregistre un consentement au "
        "registre canicule."
    ),
    roles={Role.MANAGER, Role.CALLER},
)
CCAS_EXPORT = declare(
    "register_consent.export",
    denied=_("Seul·e un·e responsable exporte la liste pour le registre canicule du CCAS."),
    roles={Role.MANAGER},
)
