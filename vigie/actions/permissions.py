"""The actions app's permissions: who may see and act on partners, referrals, tickets and tasks.

Declared here, by the app that checks them (issue #11 §3), with the French sentence a user
lacking one reads; `core.permissions` only keeps the `Perm.X` names the code already uses.
"""

from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Perm, Role, declare

declare(
    Perm.PARTNER_VIEW,
    denied=_("Votre rôle ne donne pas accès à l'annuaire des partenaires."),
    roles={Role.ADMIN, Role.MANAGER, Role.CALLER},
)
declare(
    Perm.PARTNER_MANAGE,
    denied=_("Seul·e un·e administrateur·rice ou un·e responsable peut modifier les partenaires."),
    roles={Role.ADMIN, Role.MANAGER},
)
# Landlord side of a referral: see, propose, send, cancel. Partner workers see only the
# referrals sent to their own organisation (`ReferralQuerySet.visible_to`).
declare(
    Perm.REFERRAL_VIEW,
    denied=_("Votre rôle ne donne pas accès aux orientations."),
    roles={Role.MANAGER, Role.CALLER, Role.PARTNER_WORKER},
)
declare(
    Perm.REFERRAL_MANAGE,
    denied=_("Seul·e un·e chargé·e de veille ou un·e responsable peut orienter un ménage."),
    roles={Role.MANAGER, Role.CALLER},
)
# Partner side: accept, decline, record what was done (held in the partner organisation).
declare(
    Perm.REFERRAL_HANDLE,
    denied=_("Seul·e un·e intervenant·e du partenaire destinataire traite une orientation."),
    roles={Role.PARTNER_WORKER},
)
# Agency staff see the building tickets of their own agencies, never referrals.
declare(
    Perm.TICKET_VIEW,
    denied=_("Votre rôle ne donne pas accès aux signalements."),
    roles={Role.MANAGER, Role.CALLER, Role.AGENCY_STAFF},
)
declare(
    Perm.TICKET_REPORT,
    denied=_("Seul·e un·e chargé·e de veille ou un·e responsable peut signaler un problème."),
    roles={Role.MANAGER, Role.CALLER},
)
declare(
    Perm.TICKET_MANAGE,
    denied=_("Seul·e le personnel d'agence ou un·e responsable peut traiter un signalement."),
    roles={Role.MANAGER, Role.AGENCY_STAFF},
)
declare(
    Perm.TASK_VIEW,
    denied=_("Votre rôle ne donne pas accès aux tâches de suivi."),
    roles={Role.MANAGER, Role.CALLER},
)
declare(
    Perm.TASK_MANAGE,
    denied=_("Seul·e un·e chargé·e de veille ou un·e responsable peut gérer les tâches."),
    roles={Role.MANAGER, Role.CALLER},
)
# Exporting the referrals list as a file (issue #12 §7): a bulk copy of which households were
# sent where, so not every reader of the list — the manager for the landlord, the partner's
# workers for what was sent to them; a caller works one referral at a time (docs/privacy.md).
REFERRAL_EXPORT = declare(
    "referral.export",
    denied=_(
        "Seul·e un·e responsable ou un·e intervenant·e du partenaire exporte les orientations."
    ),
    roles={Role.MANAGER, Role.PARTNER_WORKER},
)
