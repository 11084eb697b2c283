from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from vigie.accounts import views
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
]
