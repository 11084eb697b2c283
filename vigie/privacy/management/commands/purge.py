import json

from django.core.management.base import BaseCommand

from vigie.privacy.retention import RULES, purge


class Command(BaseCommand):
    help = "Applique les durées de conservation (docs/privacy.md) et dit ce qui a été supprimé."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="compte sans rien supprimer")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, dry_run: bool, **options):
        report = purge(dry_run=dry_run)
        if options["json"]:
            self.stdout.write(json.dumps({"dry_run": dry_run, **report}))
            return
        verb = "à supprimer" if dry_run else "supprimés ou anonymisés"
        self.stdout.write(
            ("Simulation — " if dry_run else "") + "Durées de conservation appliquées :"
        )
        for name, n in report.items():
            self.stdout.write(f"  {str(RULES[name].label):<60} {n:>7} {verb}")
