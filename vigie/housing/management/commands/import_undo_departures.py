"""`vigie import_undo_departures RUN_ID`: undo the departures a full import made."""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigie.core.commands import TranslatedCommand
from vigie.core.errors import DomainError
from vigie.housing.models import ImportRun
from vigie.housing.services import import_undo_departures


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Annule les départs d'un import complet : les ménages qu'il a marqués partis redeviennent "
        "actifs, avec leurs cohortes (refusé si un import ultérieur les a modifiés ; voir "
        "docs/import.md). Code de sortie 0 si c'est fait, 1 sinon."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "run_id", type=int, help=_("numéro de l'import (vigie import_stock l'affiche)")
        )

    def handle(self, *args, **options):
        run = ImportRun.objects.filter(pk=options["run_id"]).first()
        if run is None:
            raise CommandError(_("Import n° %(id)s introuvable.") % {"id": options["run_id"]})
        try:
            restored = import_undo_departures(actor=None, run=run)
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            ngettext(
                "Départs de l'import n° %(id)s annulés : %(n)s ménage de nouveau actif. "
                "Il revient dans une campagne d'appels quand on reconstruit sa liste.",
                "Départs de l'import n° %(id)s annulés : %(n)s ménages de nouveau actifs. "
                "Ils reviennent dans une campagne d'appels quand on reconstruit sa liste.",
                restored,
            )
            % {"id": run.pk, "n": restored}
        )
