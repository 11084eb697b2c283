from django.urls import path

from vigie.housing import views_import

urlpatterns = [
    path("", views_import.import_list, name="imports"),
    path("nouveau/", views_import.import_upload, name="import_upload"),
    path("exemple_import.csv", views_import.import_example, name="import_example"),
    path("apercu/<uuid:token>/", views_import.import_preview, name="import_preview"),
    path("apercu/<uuid:token>/confirmer/", views_import.import_confirm, name="import_confirm"),
    path("apercu/<uuid:token>/abandonner/", views_import.import_cancel, name="import_cancel"),
    path("<int:pk>/", views_import.import_run, name="import_run"),
    path(
        "<int:pk>/annuler-departs/",
        views_import.import_undo,
        name="import_undo_departures",
    ),
]
