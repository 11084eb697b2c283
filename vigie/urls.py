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
