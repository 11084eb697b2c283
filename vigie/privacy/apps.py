from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "vigie.privacy"
    label = "privacy"
    verbose_name = _("Protection des données")
    url_prefix = "confidentialite/"  # vigie/urls.py mounts `vigie.privacy.urls` there

    def ready(self) -> None:
        from vigie.core import daily
        from vigie.privacy import journal, menu, retention  # noqa: F401  (registrations)
        from vigie.privacy.tasks import purge_task

        daily.register(purge_task)  # retention periods (docs/privacy.md)
