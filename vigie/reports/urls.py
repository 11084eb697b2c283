from django.urls import path

from vigie.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("donnees/<slug:table>/<slug:fmt>/export/", views.table_export, name="table_export"),
    path("carte/", views.map_page, name="map"),
    path("alertes/", views.alerts, name="alerts"),
    path("alertes/calculer/", views.alerts_run, name="alerts_run"),
    path("alertes/<int:pk>/clore/", views.alert_close, name="alert_close"),
    path("alertes/regles/<slug:code>/", views.rule_update, name="rule_update"),
    path("plans/", views.playbooks, name="playbooks"),
    path("plans/preparer/", views.playbook_prepare, name="playbook_prepare"),
    path("plans/consentements/", views.consent_record, name="consent_record"),
    path(
        "plans/consentements/<int:pk>/retirer/",
        views.consent_withdraw,
        name="consent_withdraw",
    ),
    path("plans/registre-canicule/<slug:fmt>/export/", views.ccas_export, name="ccas_export"),
    path("financeurs/", views.funder, name="funder"),
]
