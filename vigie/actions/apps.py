from django.apps import AppConfig


class ActionsConfig(AppConfig):
    name = "vigie.actions"
    label = "actions"
    verbose_name = "Suites des appels : partenaires, orientations, signalements, tâches"

    def ready(self) -> None:
        # Registers the household timeline provider, the privacy exporter/eraser, the
        # retention rule and the journal codes of this app.
        from vigie.actions import journal, privacy, selectors  # noqa: F401
        from vigie.actions.tasks import actions_daily
        from vigie.core import daily

        daily.register(actions_daily)  # overdue tickets' follow-up tasks, the agencies' digest
