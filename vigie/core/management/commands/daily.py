"""`vigie daily`: enqueue the daily jobs for the worker (run by deploy/vigie-daily.timer).

The jobs are declared by the apps that own them (`vigie.core.daily.register`), never listed here.
"""

from django.utils.translation import gettext_lazy

from vigie.core import daily
from vigie.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Met en file les tâches quotidiennes (conservation des données…) pour le worker."
    )

    def handle(self, *args, **options):
        for task in daily.jobs():
            result = task.enqueue()
            self.stdout.write(f"{task.module_path} : {result.status}")
