from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "vigie.privacy"
    label = "privacy"
    verbose_name = "Protection des données"

    def ready(self) -> None:
        from vigie.privacy import retention  # noqa: F401  (registers the core retention rules)
