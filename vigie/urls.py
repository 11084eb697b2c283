from django.contrib import admin
from django.urls import include, path

from vigie.api.api import api

urlpatterns = [
    path("", include("vigie.core.urls")),
    path("comptes/", include("vigie.accounts.urls")),
    path("registre/", include("vigie.housing.urls")),
    path("campagnes/", include("vigie.campaigns.urls")),
    path("actions/", include("vigie.actions.urls")),
    path("confidentialite/", include("vigie.privacy.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

# Vigie's own French pages (templates/403.html, 404.html, 500.html) through Django's handlers;
# they show in the demo too: Django's technical pages need VIGIE_DEBUG_PAGES=1 (settings.py).
handler403 = "django.views.defaults.permission_denied"
handler404 = "django.views.defaults.page_not_found"
handler500 = "django.views.defaults.server_error"
