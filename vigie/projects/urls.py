from django.urls import path

from vigie.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("nouveau/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/modifier/", views.project_edit, name="edit"),
    path("<int:pk>/statut/", views.project_move, name="move"),
    path("<int:pk>/financeurs/", views.funder_add, name="funder_add"),
    path("<int:pk>/financeurs/nouveau/", views.funder_org_create, name="funder_org_create"),
    path("<int:pk>/tranches/", views.tranche_add, name="tranche_add"),
    path(
        "<int:pk>/tranches/<int:tranche_pk>/recue/", views.tranche_receive, name="tranche_receive"
    ),
    path("<int:pk>/conditions/", views.condition_add, name="condition_add"),
    path("<int:pk>/comptes-rendus/", views.deadline_add, name="deadline_add"),
    path(
        "<int:pk>/comptes-rendus/<int:deadline_pk>/remis/",
        views.deadline_submit,
        name="deadline_submit",
    ),
    path("<int:pk>/jalons/", views.milestone_add, name="milestone_add"),
    path(
        "<int:pk>/jalons/<int:milestone_pk>/atteint/", views.milestone_done, name="milestone_done"
    ),
    path("<int:pk>/partenaires/", views.partner_add, name="partner_add"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document, name="document"),
    path("<int:pk>/budget/", views.budget, name="budget"),
    path("<int:pk>/budget/lignes/", views.budget_line_add, name="budget_line_add"),
    path("<int:pk>/budget/lignes/<int:line_pk>/", views.budget_line_set, name="budget_line_set"),
    path("<int:pk>/indicateurs/", views.indicators, name="indicators"),
    path("<int:pk>/indicateurs/nouveau/", views.indicator_add, name="indicator_add"),
    path(
        "<int:pk>/indicateurs/<int:indicator_pk>/mesure/",
        views.indicator_measure,
        name="indicator_measure",
    ),
    path("<int:pk>/vue-financeur/", views.funder_view, name="funder_view"),
    path("<int:pk>/rapport.pdf", views.report_pdf, name="report_pdf"),
    path("<int:pk>/rapport.xlsx", views.report_xlsx, name="report_xlsx"),
]
