import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from vigie.core.models import Organisation
from vigie.housing.cohorts import cohort_counts
from vigie.housing.models import Household


class Command(BaseCommand):
    help = "Affiche le nombre de ménages par cohorte (baux en cours à la date donnée)."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument("--as-of", dest="as_of", help="AAAA-MM-JJ (par défaut : aujourd'hui)")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, org, as_of, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"Organisation inconnue : « {org} ».")
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(f"--as-of : « {as_of} » n'est pas une date AAAA-MM-JJ valide.")
        counts = cohort_counts(Household.objects.filter(organisation=organisation), day)
        if options["json"]:
            self.stdout.write(_json(counts))
        else:
            labels = {
                "over_75": "75 ans et plus",
                "age_70_74": "70 à 74 ans",
                "single_parent": "familles monoparentales",
                "disability": "situation de handicap",
                "any": "au moins une cohorte",
            }
            self.stdout.write(f"Cohortes de {organisation.name} au {day:%d/%m/%Y} :")
            for k, v in counts.items():
                self.stdout.write(f"  {labels[k]:<24} {v:>8}")


def _json(counts):
    return json.dumps(counts)
