"""The mediation centre's permissions (issue #13), their French refusals and the roles."""

from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Role, declare

# A landlord's manager or caller refers a situation to a centre serving the landlord.
REFER = declare(
    "mediation.refer",
    denied=_(
        "Seul·e un·e responsable ou un·e chargé·e de veille du bailleur oriente vers la médiation."
    ),
    roles={Role.MANAGER, Role.CALLER},
)
# Reading cases: the centre's people read the centre's cases; a landlord's staff read the
# status, dates and outcome of the cases their landlord referred (selectors.py).
CASE_VIEW = declare(
    "mediation.case_view",
    denied=_("Votre rôle ne donne pas accès aux médiations."),
    roles={Role.MANAGER, Role.CALLER, Role.MEDIATOR, Role.MEDIATION_DIRECTOR},
)
# The centre's side: accept, decline, consents, sessions, pause, resume, close.
CASE_HANDLE = declare(
    "mediation.case_handle",
    denied=_("Seul·e un·e praticien·ne du centre de médiation peut faire cela."),
    roles={Role.MEDIATOR, Role.MEDIATION_DIRECTOR},
)
# Notes: each practitioner reads and writes only the compartments of their disciplines, on
# the cases they are assigned to (selectors.readable_compartments).
NOTES = declare(
    "mediation.notes",
    denied=_("Seul·e un·e praticien·ne du centre lit ou écrit les notes de médiation."),
    roles={Role.MEDIATOR, Role.MEDIATION_DIRECTOR},
)
ASSIGN = declare(
    "mediation.assign",
    denied=_("Seul·e le ou la directeur·rice du centre affecte les praticien·nes."),
    roles={Role.MEDIATION_DIRECTOR},
)
BREAK_GLASS = declare(
    "mediation.break_glass",
    denied=_("Seul·e le ou la directeur·rice du centre peut lever le secret d'une médiation."),
    roles={Role.MEDIATION_DIRECTOR},
)
AGREEMENTS = declare(
    "mediation.agreements",
    denied=_("Seul·e le ou la directeur·rice du centre gère les conventions avec les bailleurs."),
    roles={Role.MEDIATION_DIRECTOR},
)
# Activity per landlord: the director for every landlord served, a landlord's managers for
# their own (figures under 11 hidden, core/smallcells.py).
ACTIVITY = declare(
    "mediation.activity",
    denied=_(
        "Seul·e un·e responsable du bailleur ou le ou la directeur·rice du centre lit l'activité de médiation."
    ),
    roles={Role.MANAGER, Role.MEDIATION_DIRECTOR},
)
