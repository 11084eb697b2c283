"""Pages of food aid (the API lives in api.py)."""

from django.urls import path

from vigie.foodaid import views, views_report

app_name = "foodaid"
urlpatterns = [
    path("", views.programmes, name="programmes"),
    path("nouveau/", views.programme_new, name="programme_new"),
    path("<int:pk>/", views.programme, name="programme"),
    path("<int:pk>/eligibles/", views.programme_eligible, name="eligible"),
    path("<int:pk>/distributions/nouvelle/", views.session_new, name="session_new"),
    path("distributions/<int:pk>/", views.session, name="session"),
    path("distributions/<int:pk>/emargement/", views.session_sheet, name="session_sheet"),
    path("distributions/<int:pk>/tournees/", views.session_rounds, name="session_rounds"),
    path("distributions/<int:pk>/pointage/", views.session_checkin, name="session_checkin"),
    path("distributions/<int:pk>/cloturer/", views.session_close, name="session_close"),
    path("bilans/", views_report.reports, name="reports"),
    path("<int:pk>/bilan/", views_report.report, name="report"),
    path("<int:pk>/bilan.csv", views_report.report_csv, name="report_csv"),
    path("<int:pk>/bilan.pdf", views_report.report_pdf, name="report_pdf"),
]
