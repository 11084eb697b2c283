"""Pages of the campaigns app (the API lives in api.py)."""

from django.urls import path

from vigie.campaigns import views_console as console
from vigie.campaigns import views_export as export
from vigie.campaigns import views_manager as manager

app_name = "campaigns"
urlpatterns = [
    # Manager: campaigns, waves, script, status, planner, dashboard, lists.
    path("", manager.campaign_list, name="list"),
    path("nouvelle/", manager.campaign_create, name="create"),
    path("<int:pk>/", manager.campaign_detail, name="detail"),
    path("<int:pk>/action/<slug:action>/", manager.campaign_action, name="action"),
    path("<int:pk>/constructions/<int:build_pk>/", manager.build_status, name="build_status"),
    path("<int:pk>/vagues/ajouter/", manager.wave_edit, name="wave_add"),
    path("<int:pk>/vagues/<int:wave_pk>/", manager.wave_edit, name="wave_edit"),
    path("<int:pk>/vagues/<int:wave_pk>/supprimer/", manager.wave_remove, name="wave_remove"),
    path("<int:pk>/vagues/<int:wave_pk>/pause/", manager.wave_pause, name="wave_pause"),
    path("<int:pk>/trame/", manager.script_edit, name="script"),
    path("<int:pk>/planificateur/", manager.planner, name="planner"),
    path("<int:pk>/tableau-de-bord/", manager.dashboard, name="dashboard"),
    path("<int:pk>/appelants/<int:user_pk>/pause/", manager.caller_pause, name="caller_pause"),
    path("<int:pk>/injoignables/", manager.not_reached, name="not_reached"),
    path("<int:pk>/injoignables.csv", export.not_reached_csv, name="not_reached_csv"),
    path("<int:pk>/injoignables.xlsx", export.not_reached_xlsx, name="not_reached_xlsx"),
    path("<int:pk>/sans-telephone/", manager.no_phone, name="no_phone"),
    path("<int:pk>/sans-telephone.csv", export.no_phone_csv, name="no_phone_csv"),
    path("<int:pk>/sans-telephone.xlsx", export.no_phone_xlsx, name="no_phone_xlsx"),
    path("<int:pk>/rappels/", manager.callbacks, name="callbacks"),
    path("<int:pk>/resultats.csv", export.results_csv, name="results_csv"),
    path("<int:pk>/resultats.xlsx", export.results_xlsx, name="results_xlsx"),
    path("cibles/<int:pk>/attribuer/", manager.target_assign, name="target_assign"),
    # Caller: the console, callbacks, the paper fallback.
    path("<int:pk>/console/", console.console, name="console"),
    path("console/reglages/", console.console_settings, name="console_settings"),
    path("<int:pk>/console/suivant/", console.next_call, name="next_call"),
    path("cibles/<int:pk>/appel/", console.record, name="record"),
    path("cibles/<int:pk>/rendre/", console.release, name="release"),
    path("<int:pk>/mes-rappels/", console.my_callbacks, name="my_callbacks"),
    path("<int:pk>/feuille/", console.sheet, name="sheet"),
    path("<int:pk>/feuille/reserver/", console.sheet_reserve, name="sheet_reserve"),
    path("<int:pk>/feuille/rendre/", console.sheet_release, name="sheet_release"),
    path("<int:pk>/feuille.csv", console.sheet_csv, name="sheet_csv"),
    path("<int:pk>/feuille.xlsx", console.sheet_xlsx, name="sheet_xlsx"),
    path("<int:pk>/saisie-papier/", console.paper, name="paper"),
]
