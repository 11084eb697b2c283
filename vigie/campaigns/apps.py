from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class CampaignsConfig(AppConfig):
    name = "vigie.campaigns"
    label = "campaigns"
    verbose_name = gettext_lazy("Campagnes d'appels")
    url_prefix = "campagnes/"  # vigie/urls.py mounts `vigie.campaigns.urls` there
    api_router = "vigie.campaigns.api.router"  # vigie/api/api.py mounts it under /api/v1

    def ready(self) -> None:
        # Registers the household timeline provider (calls on a household's timeline), the
        # privacy exporters/eraser and retention rule, and declares the app's journal codes,
        # menu entry and where a caller lands.
        from vigie.campaigns import home, journal, menu, privacy, selectors  # noqa: F401
        from vigie.campaigns.departures import targets_depart
        from vigie.housing.departures import register_departure_handler

        # A household marked departed by an import leaves every call queue (finding 5).
        register_departure_handler(targets_depart)
