from django.urls import path

from vigie.privacy import views

app_name = "privacy"
urlpatterns = [
    path("journal-des-acces/", views.access_log, name="access_log"),
    path("demandes/", views.subject_requests, name="requests"),
    path("personnes/<int:pk>/", views.person, name="person"),
    path("personnes/<int:pk>/export.json", views.person_export, name="person_export"),
    path("personnes/<int:pk>/<str:action>/", views.person_action, name="person_action"),
]
