"""Rapports et alertes (issue #16): dashboards, maps, early warnings and crisis playbooks.

Reads what the register, the campaigns and the actions record (their models and selectors);
the modules written beside it plug their figures into the dashboard through
`vigie.reports.registry` (docs/decisions/0016), never the other way round.
"""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "vigie.reports"
    verbose_name = _("Rapports et alertes")
    default_auto_field = "django.db.models.BigAutoField"
    url_prefix = "rapports/"
    api_router = "vigie.reports.api.router"

    def ready(self) -> None:
        # The permissions first: the other declarations name them.
        from vigie.reports import permissions  # noqa: F401, I001
        from vigie.reports import journal, menu, privacy, tasks  # noqa: F401
