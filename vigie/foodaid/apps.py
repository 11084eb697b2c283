from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoodaidConfig(AppConfig):
    name = "vigie.foodaid"
    verbose_name = _("Aide alimentaire")
    default_auto_field = "django.db.models.BigAutoField"
    url_prefix = "aide-alimentaire/"
    api_router = "vigie.foodaid.api.router"

    def ready(self) -> None:
        # The permissions first: the other declarations name them.
        from vigie.foodaid import permissions  # noqa: F401, I001
        from vigie.foodaid import journal, menu, privacy, timeline  # noqa: F401
