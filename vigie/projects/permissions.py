"""Who may see and run co-financed projects.

`project.view` is held by the landlord's managers and administrators in the landlord, and by a
funder's users (`funder_viewer`) in their funder organisation: `ProjectQuerySet.visible_to`
gives the latter the projects their organisation co-funds, and the pages and API show them
aggregates only (`selectors.is_insider`).
"""

from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Role, declare

PROJECT_VIEW = declare(
    "project.view",
    denied=_(
        "Seul·e un·e responsable des partenariats, un·e administrateur·rice ou un financeur "
        "du projet consulte les projets co-financés."
    ),
    roles={Role.MANAGER, Role.ADMIN, Role.FUNDER_VIEWER},
)
PROJECT_MANAGE = declare(
    "project.manage",
    denied=_("Seul·e un·e responsable des partenariats gère les projets co-financés."),
    roles={Role.MANAGER},
)
