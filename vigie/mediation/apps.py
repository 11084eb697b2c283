from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediationConfig(AppConfig):
    name = "vigie.mediation"
    label = "mediation"
    verbose_name = _("Médiation")
    default_auto_field = "django.db.models.BigAutoField"
    url_prefix = "mediation/"  # vigie/urls.py mounts `vigie.mediation.urls` there
    api_router = "vigie.mediation.api.router"  # vigie/api/api.py mounts it under /api/v1

    def ready(self) -> None:
        # The permissions first (the others name them), then the journal codes, menu, household
        # timeline, privacy registries, the daily reminder job and the accounts hook that gives
        # `create_user --discipline` to practitioners.
        from vigie.mediation import permissions  # noqa: F401, I001
        from vigie.mediation import home, journal, menu, privacy, timeline  # noqa: F401
        from vigie.mediation import accounts_hook  # noqa: F401
        from vigie.core import daily
        from vigie.mediation.invitations import session_reminders

        daily.register(session_reminders)
