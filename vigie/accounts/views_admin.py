"""Administration in the interface (issue #9 §6): the people of my organisations, their roles
and agencies, deactivation and the second factor — and the forgotten-password pages.

Every page reads through `accounts.selectors` (another organisation's person is a 404) and
every change goes through `accounts.services`, journaled. Role changes ask for the password
again (`recent_auth_required`), like bulk exports.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vigie.accounts import selectors, services
from vigie.accounts.forms import NewUserForm, PersonForm, RoleForm
from vigie.accounts.reauth import recent_auth_required
from vigie.core.confirm import Danger, confirmation_page
from vigie.core.errors import DomainError
from vigie.core.feedback import service_call
from vigie.core.ordering import order_by_param
from vigie.core.permissions import Perm, Role, requires
from vigie.core.text import of_person

# The users list's sortable columns (core/ordering.py), by name by default.
USER_COLUMNS = {
    "person": ("last_name", "first_name", "username", "pk"),
    "username": ("username", "pk"),
    "active": ("is_active", "last_name", "first_name", "username", "pk"),
    "last_login": ("last_login", "pk"),
}


@requires(Perm.ORG_ADMIN)
def user_list(request):
    users, ordering = order_by_param(
        request, selectors.users_administered(request.user), USER_COLUMNS, default="person"
    )
    return TemplateResponse(
        request,
        "accounts/admin/users.html",
        {"section": "users", "people": list(users), "ordering": ordering},
    )


@requires(Perm.ORG_ADMIN)
@recent_auth_required
def user_create(request):
    organisations = selectors.organisations_administered(request.user)
    person = NewUserForm(request.POST or None, prefix="p")
    role = RoleForm(request.POST or None, organisations=organisations, prefix="r")
    if request.method == "POST" and person.is_valid() and role.is_valid():
        p, r = person.cleaned_data, role.cleaned_data
        # A refusal goes next to its field in either form, else on top of the person's.
        with service_call(request, form=(person, role)):
            with transaction.atomic():
                if services.User.objects.filter(username=p["username"]).exists():
                    raise DomainError(
                        _("L'identifiant « %(username)s » est déjà pris : choisissez-en un autre.")
                        % {"username": p["username"]},
                        field="username",
                    )
                services.user_email_check_free(p["email"])
                user = services.User(
                    username=p["username"],
                    first_name=p["first_name"],
                    last_name=p["last_name"],
                    email=p["email"],
                )
                user.set_unusable_password()
                user.save()
                services.membership_set(
                    actor=request.user,
                    user=user,
                    organisation=r["organisation"],
                    role=r["role"],
                    agency_pks=[a.pk for a in r["agencies"]],
                )
                services.password_link_send(
                    user=user, base_url=request.build_absolute_uri("/"), invitation=True
                )
            messages.success(
                request,
                _(
                    "Compte « %(username)s » créé : un lien pour choisir son mot de passe est "
                    "parti à %(email)s."
                )
                % {"username": user.username, "email": user.email},
            )
            return redirect("accounts:user", pk=user.pk)
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(
        request,
        "accounts/admin/user_new.html",
        {"section": "users", "person": person, "role": role},
        status=status,
    )


@requires(Perm.ORG_ADMIN)
def user_detail(request, pk: int):
    person = selectors.user_administered(request.user, pk)
    organisations = selectors.organisations_administered(request.user)
    form = PersonForm(
        request.POST or None,
        initial={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
        },
    )
    if request.method == "POST":
        if form.is_valid():
            with service_call(request, form=form):
                services.user_update(actor=request.user, user=person, **form.cleaned_data)
                messages.success(request, _("Fiche enregistrée."))
                return redirect("accounts:user", pk=person.pk)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TemplateResponse(
        request,
        "accounts/admin/user.html",
        {
            "section": "users",
            "person": person,
            "form": form,
            "role_form": RoleForm(organisations=organisations, prefix="r"),
            "has_second_factor": TOTPDevice.objects.filter(user=person, confirmed=True).exists(),
            "is_me": person.pk == request.user.pk,
            "dangers": _account_dangers(person),
            "role_dangers": {m.pk: _role_danger(m) for m in person.administered_memberships},
            "role_add_danger": _role_add_danger(person),
        },
        status=400 if request.method == "POST" else 200,
    )


@requires(Perm.ORG_ADMIN)
@recent_auth_required
@require_POST
def user_role_add(request, pk: int):
    person = selectors.user_administered(request.user, pk)
    form = RoleForm(
        request.POST, organisations=selectors.organisations_administered(request.user), prefix="r"
    )
    if form.is_valid():
        d = form.cleaned_data
        # A role opens personal data to the person: asked like the other privileged changes.
        page = confirmation_page(
            request, _role_add_danger(person, Role(d["role"]).label, d["organisation"].name)
        )
        if page is not None:
            return page
        with service_call(request):
            services.membership_set(
                actor=request.user,
                user=person,
                organisation=d["organisation"],
                role=d["role"],
                agency_pks=[a.pk for a in d["agencies"]],
            )
            messages.success(
                request,
                _("Rôle « %(role)s » chez %(org)s enregistré.")
                % {"role": Role(d["role"]).label, "org": d["organisation"].name},
            )
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("accounts:user", pk=person.pk)


def _role_add_danger(person, role: str = "", org: str = "") -> Danger:
    """Giving a role; the page's dialog names the person (the role is chosen in the form), the
    confirmation page without JavaScript names the role and the organisation too."""
    name = person.get_full_name() or person.username
    return Danger(
        key="role-add",
        button=_("Donner ce rôle…"),
        question=_("Donner le rôle « %(role)s » à %(name)s chez %(org)s ?")
        % {"role": role, "name": name, "org": org}
        if role
        else _("Donner ce rôle à %(name)s ?") % {"name": name},
        consequence=_(
            "La personne voit et fait aussitôt ce que ce rôle permet dans cette organisation, "
            "données personnelles des ménages comprises. Vous pourrez le lui retirer."
        ),
        confirm=_("Oui, donner le rôle"),
        back_url=reverse("accounts:user", kwargs={"pk": person.pk}),
    )


def _role_danger(membership) -> Danger:
    return Danger(
        key=f"role-{membership.pk}",
        button=_("Retirer ce rôle…"),
        question=_("Retirer le rôle « %(role)s » %(of_name)s chez %(org)s ?")
        % {
            "role": membership.get_role_display(),
            "of_name": of_person(membership.user.get_full_name() or membership.user.username),
            "org": membership.organisation.name,
        },
        consequence=_(
            "La personne perd aussitôt ce que ce rôle lui donnait à voir et à faire dans "
            "cette organisation. Vous pourrez le lui rendre plus tard."
        ),
        confirm=_("Oui, retirer le rôle"),
        back_url=reverse("accounts:user", kwargs={"pk": membership.user_id}),
    )


@requires(Perm.ORG_ADMIN)
@recent_auth_required
def user_role_remove(request, pk: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    membership = selectors.membership_administered(request.user, pk)
    page = confirmation_page(
        request,
        _role_danger(membership),
        section="users",
    )
    if page is not None:
        return page
    with service_call(request):
        services.membership_remove(actor=request.user, membership=membership)
        messages.success(request, _("Rôle retiré."))
    return redirect("accounts:user", pk=membership.user_id)


def _account_dangers(person) -> dict[str, Danger]:
    name = person.get_full_name() or person.username
    return {
        "deactivate": Danger(
            key="deactivate",
            button=_("Désactiver le compte…"),
            question=_("Désactiver le compte %(of_name)s ?") % {"of_name": of_person(name)},
            consequence=_(
                "La personne ne peut plus se connecter et ses jetons d'API sont révoqués. "
                "Ce qu'elle a fait reste dans Vigie ; vous pourrez réactiver le compte."
            ),
            confirm=_("Oui, désactiver"),
            back_url=reverse("accounts:user", kwargs={"pk": person.pk}),
        ),
        "second_factor": Danger(
            key="second-factor",
            button=_("Réinitialiser la double authentification…"),
            question=_("Réinitialiser la double authentification %(of_name)s ?")
            % {"of_name": of_person(name)},
            consequence=_(
                "Son application d'authentification ne sera plus acceptée : à sa prochaine "
                "connexion, la personne en enregistrera une nouvelle (téléphone perdu ou changé)."
            ),
            confirm=_("Oui, réinitialiser"),
            back_url=reverse("accounts:user", kwargs={"pk": person.pk}),
        ),
    }


def _account_action(request, pk: int, *, action: str):
    person = selectors.user_administered(request.user, pk)
    dangers = _account_dangers(person)
    if action in dangers:
        page = confirmation_page(request, dangers[action], section="users")
        if page is not None:
            return page
    with service_call(request):
        if action == "deactivate":
            services.user_set_active(actor=request.user, user=person, active=False)
            messages.success(request, _("Compte désactivé."))
        elif action == "reactivate":
            services.user_set_active(actor=request.user, user=person, active=True)
            messages.success(request, _("Compte réactivé."))
        else:
            services.user_reset_second_factor(actor=request.user, user=person)
            messages.success(
                request,
                _(
                    "Double authentification réinitialisée : nouvel enregistrement à la prochaine connexion."
                ),
            )
    return redirect("accounts:user", pk=person.pk)


@requires(Perm.ORG_ADMIN)
@require_POST
def user_deactivate(request, pk: int):
    return _account_action(request, pk, action="deactivate")


@requires(Perm.ORG_ADMIN)
@require_POST
def user_reactivate(request, pk: int):
    return _account_action(request, pk, action="reactivate")


@requires(Perm.ORG_ADMIN)
@require_POST
def user_reset_second_factor(request, pk: int):
    return _account_action(request, pk, action="second_factor")


# --- Forgotten password: public pages (they never say whether an account exists) ----------


class _ResetForm(PasswordResetForm):
    def get_users(self, email):
        """Every active account with this e-mail — also one invited that never chose its
        password (Django skips those; QA: an invited person whose link expired was stuck)."""
        from django.contrib.auth import get_user_model

        return get_user_model()._default_manager.filter(email__iexact=email, is_active=True)


class PasswordResetView(auth_views.PasswordResetView):
    form_class = _ResetForm
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        from vigie.core.services import audit_log

        audit_log(actor=form.user, action="auth.password_set", obj=form.user)
        return response


password_reset = login_not_required(PasswordResetView.as_view())
password_reset_done = login_not_required(
    auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html")
)
password_reset_confirm = login_not_required(PasswordResetConfirmView.as_view())
password_reset_complete = login_not_required(
    auth_views.PasswordResetCompleteView.as_view(
        template_name="accounts/password_reset_complete.html"
    )
)
