"""`vigie rebuild_counters [--campaign ID]`: recount the campaign counters from the calls.

The counters behind the campaign stats and the manager dashboard are kept by the services, in
the same transaction as each call (docs/decisions/0008-campaign-counters.md). Run this after
anything wrote calls or needs behind their back (a bulk load, raw SQL, a restore of a partial
dump), or to check them: `--check` only says whether they match.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from vigie.campaigns.counters import counters_rebuild, current, recount
from vigie.campaigns.models import Campaign


class Command(BaseCommand):
    help = "Recompte les compteurs des campagnes (statistiques, tableau de bord) depuis les appels."

    def add_arguments(self, parser):
        parser.add_argument("--campaign", type=int, help="une seule campagne (son numéro)")
        parser.add_argument(
            "--check",
            action="store_true",
            help="vérifier seulement : dire les campagnes dont les compteurs ne sont pas justes",
        )

    def handle(self, *args, campaign=None, check=False, **options):
        if campaign is not None and not Campaign.objects.filter(pk=campaign).exists():
            raise CommandError(f"Aucune campagne n° {campaign}.")
        if check:
            campaigns = Campaign.objects.all() if campaign is None else [Campaign(pk=campaign)]
            wrong = [c.pk for c in campaigns if current(c) != recount(c)]
            if wrong:
                raise CommandError(
                    "Compteurs faux pour la ou les campagnes n° "
                    + ", ".join(map(str, wrong))
                    + " : lancez « vigie rebuild_counters »."
                )
            self.stdout.write("Compteurs justes.")
            return
        started = time.perf_counter()
        rows = counters_rebuild(campaign_id=campaign)
        where = f"de la campagne n° {campaign}" if campaign else "de toutes les campagnes"
        self.stdout.write(
            f"Compteurs {where} recalculés : {rows} ligne(s) en "
            f"{time.perf_counter() - started:.1f} s."
        )
