"""`vigie daily`: enqueue the daily jobs for the worker (run by deploy/vigie-daily.timer)."""

from django.utils.translation import gettext_lazy

from vigie.core.commands import TranslatedCommand

# Other apps add their daily tasks here ("module:task" strings, imported lazily).
DAILY_TASKS = [
    "vigie.privacy.tasks:purge_task",
    "vigie.actions.tasks:actions_daily",
]


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Met en file les tâches quotidiennes (conservation des données…) pour le worker."
    )

    def handle(self, *args, **options):
        from importlib import import_module

        for path in DAILY_TASKS:
            module, name = path.split(":")
            result = getattr(import_module(module), name).enqueue()
            self.stdout.write(f"{path} : {result.status}")
