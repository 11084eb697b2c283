"""`vigie ticket_digest`: overdue tickets get a follow-up task, each agency gets its digest.

Run daily by `deploy/vigie-daily.timer`. By default the work is queued for `vigie db_worker`;
`--now` does it in this process (and prints what it did).
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigie.actions.tasks import actions_daily
from vigie.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Tâches de suivi des signalements en retard et récapitulatif quotidien des agences."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help=_("faire le travail tout de suite"))

    def handle(self, *args, now=False, **options):
        if now:
            result = actions_daily.call()
            tasks = ngettext(
                "%(n)s tâche de suivi créée",
                "%(n)s tâches de suivi créées",
                result["overdue_tasks"],
            ) % {"n": result["overdue_tasks"]}
            digests = ngettext(
                "%(n)s récapitulatif envoyé", "%(n)s récapitulatifs envoyés", result["digests"]
            ) % {"n": result["digests"]}
            self.stdout.write(_("%(tasks)s, %(digests)s.") % {"tasks": tasks, "digests": digests})
        else:
            actions_daily.enqueue()
            self.stdout.write(_("Récapitulatif des signalements mis en file d'attente."))
