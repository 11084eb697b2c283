from django.urls import include, path

from vigie.housing import views, views_export

app_name = "housing"
urlpatterns = [
    path("", views.households, name="households"),
    path("recherche/", views.quick_search, name="quick_search"),
    path("export.csv", views_export.register_csv, name="register_csv"),
    path("export.xlsx", views_export.register_xlsx, name="register_xlsx"),
    path("menages/<int:pk>/", views.household, name="household"),
    path("occupants/<int:pk>/coordonnees/", views.occupant_contact, name="occupant_contact"),
    path("residences/<int:pk>/", views.residence, name="residence"),
    path("imports/", include("vigie.housing.urls_import")),
]
