from django.urls import path

from vigie.mediation import views, views_activity

app_name = "mediation"
urlpatterns = [
    # The centre's side.
    path("", views.case_list, name="cases"),
    path("<int:pk>/", views.case_page, name="case"),
    path("<int:pk>/<slug:action>/", views.case_action, name="case_action"),
    path("agenda/", views.calendar, name="calendar"),
    path("conventions/", views.agreements, name="agreements"),
    # The landlord's side.
    path("orientations/", views.referral_list, name="referrals"),
    path("orientations/<int:pk>/", views.referral_page, name="referral"),
    path("orienter/", views.refer, name="refer"),
    # Activity per landlord: page, CSV, PDF.
    path("activite/", views_activity.activity_page, name="activity"),
    path("activite.csv", views_activity.activity_csv, name="activity_csv"),
    path("activite.pdf", views_activity.activity_pdf, name="activity_pdf"),
]
