from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "vigie.campaigns"
    label = "campaigns"
    verbose_name = "Campagnes d'appels"

    def ready(self) -> None:
        # Registers the household timeline provider (calls on a household's timeline).
        from vigie.campaigns import privacy, selectors  # noqa: F401  (registrations)
