import json

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.commands import TranslatedCommand
from vigie.privacy.retention import RULES, purge


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Applique les durées de conservation (docs/privacy.md) et dit ce qui a été supprimé."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help=_("compte sans rien supprimer"))
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, dry_run: bool, **options):
        report = purge(dry_run=dry_run)
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": dry_run, **report}))
            return
        verb = _("à supprimer") if dry_run else _("supprimés ou anonymisés")
        self.stdout.write(
            _("Simulation — durées de conservation appliquées :")
            if dry_run
            else _("Durées de conservation appliquées :")
        )
        for name, n in report.items():
            self.stdout.write(f"  {str(RULES[name].label):<60} {n:>7} {verb}")
