from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ActionsConfig(AppConfig):
    name = "vigie.actions"
    label = "actions"
    verbose_name = gettext_lazy(
        "Suites des appels : partenaires, orientations, signalements, tâches"
    )
    url_prefix = "actions/"  # vigie/urls.py mounts `vigie.actions.urls` there
    api_router = "vigie.actions.api.router"  # vigie/api/api.py mounts it under /api/v1

    def ready(self) -> None:
        # Declares the app's permissions (first: the others name them), then registers the
        # household timeline provider, the privacy exporter/eraser, the retention rule, the
        # journal codes, the menu entries and where partner workers and agency staff land.
        from vigie.actions import permissions  # noqa: F401, I001
        from vigie.actions import home, journal, menu, privacy, selectors  # noqa: F401
        from vigie.actions.tasks import actions_daily
        from vigie.core import daily

        daily.register(actions_daily)  # overdue tickets' follow-up tasks, the agencies' digest
