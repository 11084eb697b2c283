from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HousingConfig(AppConfig):
    name = "vigie.housing"
    label = "housing"
    verbose_name = _("Patrimoine et ménages")
    url_prefix = "registre/"  # vigie/urls.py mounts `vigie.housing.urls` there
    api_router = "vigie.housing.api.router"  # vigie/api/api.py mounts it under /api/v1

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        # Declares its journal codes, menu entries and who lands on the register.
        from vigie.housing import home, journal, menu  # noqa: F401

        post_migrate.connect(_reload_communes_if_empty, sender=self)
        post_migrate.connect(_ensure_search_index, sender=self)


def _reload_communes_if_empty(sender, using="default", **kwargs) -> None:
    """The communes are reference data: put them back when a flush emptied them (tests)."""
    from vigie.housing.communes import load_communes
    from vigie.housing.models import Commune, PostcodeCommune

    if not Commune.objects.using(using).exists():
        load_communes(Commune, PostcodeCommune)


def _ensure_search_index(sender, using="default", **kwargs) -> None:
    """SQLite drops a table's triggers when a migration rebuilds it: put the search index's
    back (housing/search.py)."""
    from django.db import connections

    from vigie.housing.search import ensure_search_index

    ensure_search_index(connections[using])
