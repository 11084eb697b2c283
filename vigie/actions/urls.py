"""Pages of the actions app (the API lives in api.py)."""

from django.urls import path

from vigie.actions import views, views_export, views_tickets, views_work

app_name = "actions"
urlpatterns = [
    # Partner directory (landlord).
    path("partenaires/", views.partners, name="partners"),
    path("partenaires.csv", views_export.partners_csv, name="partners_csv"),
    path("partenaires.xlsx", views_export.partners_xlsx, name="partners_xlsx"),
    path("partenaires/nouveau/", views.partner_edit, name="partner_new"),
    path("partenaires/<int:pk>/", views.partner, name="partner"),
    path("partenaires/<int:pk>/modifier/", views.partner_edit, name="partner_edit"),
    path("partenaires/ccas/<str:insee>/", views.ccas_create, name="ccas_create"),
    # A household's needs and what follows each.
    path("menages/<int:pk>/besoins/", views.household_needs, name="household_needs"),
    path("besoins/<int:pk>/orienter/", views.need_refer, name="need_refer"),
    path("besoins/<int:pk>/signaler/", views.need_ticket, name="need_ticket"),
    path("besoins/<int:pk>/tache/", views.need_task, name="need_task"),
    # Referrals: the landlord's list, the partner's inbox.
    path("orientations/", views.referrals, name="referrals"),
    path("orientations.csv", views_export.referrals_csv, name="referrals_csv"),
    path("orientations.xlsx", views_export.referrals_xlsx, name="referrals_xlsx"),
    path("orientations/<int:pk>/", views.referral, name="referral"),
    path("orientations/<int:pk>/statut/", views.referral_move, name="referral_move"),
    # Building tickets (agency staff).
    path("signalements/", views_work.tickets, name="tickets"),
    path("signalements.csv", views_export.tickets_csv, name="tickets_csv"),
    path("signalements.xlsx", views_export.tickets_xlsx, name="tickets_xlsx"),
    path("signalements/nouveau/", views_work.ticket_new, name="ticket_new"),
    path("signalements/<int:pk>/", views_work.ticket, name="ticket"),
    path("signalements/<int:pk>/statut/", views_work.ticket_move, name="ticket_move"),
    path("signalements/<int:pk>/lieu/", views_tickets.ticket_locate, name="ticket_locate"),
    path("signalements/<int:pk>/confier/", views_tickets.ticket_assign, name="ticket_assign"),
    path("signalements/<int:pk>/pieces/", views_tickets.ticket_attach, name="ticket_attach"),
    path("pieces/<int:pk>/", views_tickets.ticket_attachment, name="ticket_attachment"),
    path(
        "pieces/<int:pk>/retirer/",
        views_tickets.ticket_attachment_remove,
        name="ticket_attachment_remove",
    ),
    # Tasks.
    path("taches/", views_work.my_tasks, name="my_tasks"),
    path("taches.csv", views_export.tasks_csv, name="tasks_csv"),
    path("taches.xlsx", views_export.tasks_xlsx, name="tasks_xlsx"),
    path("taches/nouvelle/", views_work.task_new, name="task_new"),
    path("taches/<int:pk>/", views_work.task, name="task"),
    path("taches/<int:pk>/statut/", views_work.task_move, name="task_move"),
    # The manager's report.
    path("bilan/", views_work.report, name="report"),
    path("besoins.csv", views_export.needs_csv, name="needs_csv"),
    path("besoins.xlsx", views_export.needs_xlsx, name="needs_xlsx"),
    path("bilan/<int:pk>.csv", views_export.report_csv, name="report_csv"),
    path("bilan/<int:pk>.xlsx", views_export.report_xlsx, name="report_xlsx"),
]
