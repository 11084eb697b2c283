"""Food aid's permissions (docs/decisions/0014): who runs programmes, who checks households in,
who reads the figures.

Partner workers hold `foodaid.view` and `foodaid.checkin` in their own organisation; a programme
reaches them only when their organisation operates it (`ProgrammeQuerySet.visible_to`). Funder
viewers hold `foodaid.report` in the funder's organisation and read the programmes it funds.
"""

from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Role, declare

FOODAID_VIEW = declare(
    "foodaid.view",
    denied=_("Votre rôle ne donne pas accès à l'aide alimentaire."),
    roles={Role.MANAGER, Role.CALLER, Role.PARTNER_WORKER},
)
FOODAID_MANAGE = declare(
    "foodaid.manage",
    denied=_(
        "Seul·e un·e responsable du bailleur crée les programmes d'aide alimentaire et inscrit "
        "les ménages."
    ),
    roles={Role.MANAGER},
)
# The API's programme list and detail: the landlord's staff and the partners' workers as for
# the pages, and the funders' viewers for the programmes they fund (their id, name, period and
# operating partners, nothing else: `ProgrammeScopedQuerySet.visible_to`).
FOODAID_PROGRAMMES = declare(
    "foodaid.programmes",
    denied=_("Votre rôle ne donne pas accès aux programmes d'aide alimentaire."),
    roles={Role.MANAGER, Role.CALLER, Role.PARTNER_WORKER, Role.FUNDER_VIEWER},
)
# Who is proposed for enrolment: any landlord staff who sees food aid (not the partners, not
# the funders: they would read the register's reasons).
FOODAID_ELIGIBLE = declare(
    "foodaid.eligible",
    denied=_(
        "Seul le personnel du bailleur consulte les ménages proposés pour l'aide alimentaire "
        "(éligibilité)."
    ),
    roles={Role.MANAGER, Role.CALLER},
)
FOODAID_PLAN = declare(
    "foodaid.plan",
    denied=_("Seul·e un·e responsable du bailleur programme les distributions d'aide alimentaire."),
    roles={Role.MANAGER},
)
FOODAID_CHECKIN = declare(
    "foodaid.checkin",
    denied=_(
        "Seul·e un·e intervenant·e du partenaire ou un·e responsable du bailleur enregistre les "
        "passages d'une distribution."
    ),
    roles={Role.MANAGER, Role.PARTNER_WORKER},
)
FOODAID_REPORT = declare(
    "foodaid.report",
    denied=_("Votre rôle ne donne pas accès aux bilans de l'aide alimentaire."),
    roles={Role.MANAGER, Role.PARTNER_WORKER, Role.FUNDER_VIEWER},
)
