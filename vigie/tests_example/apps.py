from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "vigie.tests_example"
    label = "ideas"
    verbose_name = _("Boîte à idées")
    default_auto_field = "django.db.models.BigAutoField"
    # vigie/urls.py mounts `vigie.tests_example.urls` at /idees/.
    url_prefix = "idees/"

    def ready(self) -> None:
        # Every declaration of the module, in its own files; the permission first (the others
        # name it).
        from vigie.tests_example import permissions  # noqa: F401, I001
        from vigie.tests_example import home, journal, menu, privacy, timeline  # noqa: F401
