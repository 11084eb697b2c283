from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from vigie.api.api import api

# Every installed app declaring `url_prefix` on its AppConfig has its `urls` module mounted
# there, in INSTALLED_APPS order: a new module is mounted by installing it, not by editing this
# file (docs/architecture.md, "How to add a module").
urlpatterns = [
    path(config.url_prefix, include(f"{config.name}.urls"))
    for config in apps.get_app_configs()
    if getattr(config, "url_prefix", None) is not None
]
urlpatterns += [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# Vigie's own French pages (templates/403.html, 404.html, 500.html) through Django's handlers;
# they show in the demo too: Django's technical pages need VIGIE_DEBUG_PAGES=1 (settings.py).
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "django.views.defaults.server_error"
