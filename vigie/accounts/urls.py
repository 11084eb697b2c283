from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from vigie.accounts import views, views_admin
from vigie.core.permissions import ANY_SIGNED_IN, requires

app_name = "accounts"
urlpatterns = [
    path(
        "connexion/",
        login_not_required(
            auth_views.LoginView.as_view(
                template_name="accounts/login.html", redirect_authenticated_user=True
            )
        ),
        name="login",
    ),
    path("confirmer-mot-de-passe/", views.reauth, name="reauth"),
    path("double-authentification/", views.two_factor, name="two_factor"),
    path("deconnexion/", requires(ANY_SIGNED_IN)(auth_views.LogoutView.as_view()), name="logout"),
    # Forgotten password (public: they never say whether an account exists).
    path("mot-de-passe-oublie/", views_admin.password_reset, name="password_reset"),
    path(
        "mot-de-passe-oublie/envoye/", views_admin.password_reset_done, name="password_reset_done"
    ),
    path(
        "mot-de-passe/<uidb64>/<token>/",
        views_admin.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/choisi/", views_admin.password_reset_complete, name="password_reset_complete"
    ),
    # Administration: the people of my organisations.
    path("utilisateurs/", views_admin.user_list, name="users"),
    path("utilisateurs/nouveau/", views_admin.user_create, name="user_new"),
    path("utilisateurs/<int:pk>/", views_admin.user_detail, name="user"),
    path("utilisateurs/<int:pk>/role/", views_admin.user_role_add, name="user_role_add"),
    path("roles/<int:pk>/retirer/", views_admin.user_role_remove, name="user_role_remove"),
    path("utilisateurs/<int:pk>/desactiver/", views_admin.user_deactivate, name="user_deactivate"),
    path("utilisateurs/<int:pk>/reactiver/", views_admin.user_reactivate, name="user_reactivate"),
    path(
        "utilisateurs/<int:pk>/double-authentification/",
        views_admin.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
]
