from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CampaignsConfig(AppConfig):
    name = "vigie.campaigns"
    label = "campaigns"
    verbose_name = gettext_lazy("Campagnes d'appels")

    def ready(self) -> None:
        # Registers the household timeline provider (calls on a household's timeline) and
        # declares the app's journal codes.
        from vigie.campaigns import journal, privacy, selectors  # noqa: F401  (registrations)
        from vigie.campaigns.departures import targets_depart
        from vigie.housing.departures import register_departure_handler

        # A household marked departed by an import leaves every call queue (finding 5).
        register_departure_handler(targets_depart)
