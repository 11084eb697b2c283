"""`vigie rebuild_counters [--campaign ID]`: recount the campaign counters from the calls.

The counters behind the campaign stats and the manager dashboard are kept by the services, in
the same transaction as each call (docs/decisions/0008-campaign-counters.md). Run this after
anything wrote calls or needs behind their back (a bulk load, raw SQL, a restore of a partial
dump), or to check them: `--check` only says whether they match.
"""

import time

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from vigie.campaigns.counters import counters_rebuild, current, recount
from vigie.campaigns.models import Campaign
from vigie.core.commands import TranslatedCommand


class Command(TranslatedCommand):
    help = gettext_lazy(
        "Recompte les compteurs des campagnes (statistiques, tableau de bord) depuis les appels."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help=_("une seule campagne (son numéro)"))
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("vérifier seulement : dire les campagnes dont les compteurs ne sont pas justes"),
        )

    def handle(self, *args, campaign=None, check=False, **options):
        if campaign is not None and not Campaign.objects.filter(pk=campaign).exists():
            raise CommandError(_("Aucune campagne n° %(id)s.") % {"id": campaign})
        if check:
            campaigns = Campaign.objects.all() if campaign is None else [Campaign(pk=campaign)]
            wrong = [c.pk for c in campaigns if current(c) != recount(c)]
            if wrong:
                raise CommandError(
                    ngettext(
                        "Compteurs faux pour la campagne n° %(ids)s : "
                        "lancez « vigie rebuild_counters ».",
                        "Compteurs faux pour les campagnes n° %(ids)s : "
                        "lancez « vigie rebuild_counters ».",
                        len(wrong),
                    )
                    % {"ids": ", ".join(map(str, wrong))}
                )
            self.stdout.write(_("Compteurs justes."))
            return
        started = time.perf_counter()
        rows = counters_rebuild(campaign_id=campaign)
        seconds = f"{time.perf_counter() - started:.1f}"
        if campaign:
            done = ngettext(
                "Compteurs de la campagne n° %(id)s recalculés : %(rows)s ligne en %(seconds)s s.",
                "Compteurs de la campagne n° %(id)s recalculés : %(rows)s lignes en %(seconds)s s.",
                rows,
            )
        else:
            done = ngettext(
                "Compteurs de toutes les campagnes recalculés : %(rows)s ligne en %(seconds)s s.",
                "Compteurs de toutes les campagnes recalculés : %(rows)s lignes en %(seconds)s s.",
                rows,
            )
        self.stdout.write(done % {"id": campaign, "rows": rows, "seconds": seconds})
