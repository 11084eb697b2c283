"""The module's permission, its French denial sentence and the roles granting it."""

from django.utils.translation import gettext_lazy as _

from vigie.core.permissions import Role, declare

SUGGESTION_VIEW = declare(
    "suggestion.view",
    denied=_("Seul·e un·e responsable ou un·e médiateur·rice lit la boîte à idées."),
    roles={Role.MANAGER, Role.MEDIATOR},
)
