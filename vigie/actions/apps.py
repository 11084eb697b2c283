from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ActionsConfig(AppConfig):
    name = "vigie.actions"
    label = "actions"
    verbose_name = gettext_lazy(
        "Suites des appels : partenaires, orientations, signalements, tâches"
    )

    def ready(self) -> None:
        # Registers the household timeline provider, the privacy exporter/eraser, the
        # retention rule and the journal codes of this app.
        from vigie.actions import journal, privacy, selectors  # noqa: F401
