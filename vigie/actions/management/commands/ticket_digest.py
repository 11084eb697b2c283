"""`vigie ticket_digest`: overdue tickets get a follow-up task, each agency gets its digest.

Run daily by `deploy/vigie-daily.timer`. By default the work is queued for `vigie db_worker`;
`--now` does it in this process (and prints what it did).
"""

from django.core.management.base import BaseCommand

from vigie.actions.tasks import actions_daily


class Command(BaseCommand):
    help = "Tâches de suivi des signalements en retard et récapitulatif quotidien des agences."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="faire le travail tout de suite")

    def handle(self, *args, now=False, **options):
        if now:
            result = actions_daily.call()
            self.stdout.write(
                f"{result['overdue_tasks']} tâche(s) de suivi créée(s), "
                f"{result['digests']} récapitulatif(s) envoyé(s)."
            )
        else:
            actions_daily.enqueue()
            self.stdout.write("Récapitulatif des signalements mis en file d'attente.")
