from django.urls import path

from vigie.housing import views_import

urlpatterns = [
    path("", views_import.import_list, name="imports"),
]
