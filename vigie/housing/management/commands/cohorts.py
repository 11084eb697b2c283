import json
from datetime import date

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.commands import TranslatedCommand
from vigie.core.models import Organisation
from vigie.housing.cohorts import cohort_counts
from vigie.housing.models import Household


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Affiche le nombre de ménages par cohorte (baux en cours à la date donnée)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True)
        parser.add_argument(
            "--as-of", dest="as_of", help=_("AAAA-MM-JJ (par défaut : aujourd'hui)")
        )
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, org, as_of, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(_("Organisation inconnue : « %(org)s ».") % {"org": org})
        try:
            day = date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError:
            raise CommandError(
                _("--as-of : « %(value)s » n'est pas une date AAAA-MM-JJ valide.")
                % {"value": as_of}
            )
        counts = cohort_counts(Household.objects.filter(organisation=organisation), day)
        if options["json"]:
            self.stdout.write(_json(counts))
        else:
            labels = {
                "over_75": _("75 ans et plus"),
                "age_70_74": _("70 à 74 ans"),
                "single_parent": _("familles monoparentales"),
                "disability": _("situation de handicap"),
                "any": _("au moins une cohorte"),
            }
            self.stdout.write(
                _("Cohortes de %(org)s au %(date)s :")
                % {"org": organisation.name, "date": f"{day:%d/%m/%Y}"}
            )
            for k, v in counts.items():
                self.stdout.write(f"  {labels[k]:<24} {v:>8}")


def _json(counts):
    return json.dumps(counts)
