"""Projets co-financés (issue #15; docs/architecture.md, « How to add a module »)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "vigie.projects"
    label = "projects"
    verbose_name = _("Projets co-financés")
    default_auto_field = "django.db.models.BigAutoField"
    url_prefix = "projets/"  # vigie/urls.py mounts `vigie.projects.urls` there
    api_router = "vigie.projects.api.router"  # vigie/api/api.py mounts it under /api/v1

    def ready(self) -> None:
        # The permissions first (the other declarations name them).
        from vigie.projects import permissions  # noqa: F401, I001
        from vigie.projects import home, journal, menu, privacy  # noqa: F401
        from vigie.core import daily
        from vigie.projects import indicators
        from vigie.projects.tasks import projects_daily

        indicators.discover()  # the lower modules' computations (food aid, mediation)
        daily.register(projects_daily)  # reminders before reports are due; computed indicators
