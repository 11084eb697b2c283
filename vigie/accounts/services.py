"""Writes of the accounts app."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigie.accounts.models import ApiToken, Membership, MembershipAgency, User
from vigie.core.errors import DomainError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.core.services import audit_log

# Which roles make sense in which kind of organisation.
ROLES_BY_KIND: dict[str, set[Role]] = {
    OrganisationKind.LANDLORD: {
        Role.ADMIN,
        Role.MANAGER,
        Role.CALLER,
        Role.AGENCY_STAFF,
        Role.DPO,
    },
    OrganisationKind.PARTNER: {Role.ADMIN, Role.PARTNER_WORKER, Role.DPO},
    OrganisationKind.MEDIATION_CENTRE: {
        Role.ADMIN,
        Role.MEDIATOR,
        Role.MEDIATION_DIRECTOR,
        Role.DPO,
    },
    OrganisationKind.FUNDER: {Role.ADMIN, Role.PARTNER_WORKER, Role.FUNDER_VIEWER},
}


def user_email_check_free(email: str, *, user: User | None = None) -> None:
    """Refuse an e-mail address another account has (letter case aside): the address is where
    a new password is sent, so two accounts sharing it would be reset from one mailbox."""
    email = (email or "").strip()
    if not email:
        return
    others = User.objects.filter(email__iexact=email)
    if user is not None and user.pk:
        others = others.exclude(pk=user.pk)
    if others.exists():
        raise DomainError(
            _(
                "L'adresse « %(email)s » est déjà celle d'un autre compte : chaque compte a sa "
                "propre adresse, où part le lien du mot de passe."
            )
            % {"email": email},
            field="email",
        )


@transaction.atomic
def organisation_create(
    *, slug: str, kind: str, name: str, actor: User | None = None
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise DomainError(
            _("Type d'organisation inconnu « %(kind)s » : attendu %(expected)s.")
            % {"kind": kind, "expected": ", ".join(OrganisationKind.values)}
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise DomainError(_("L'organisation « %(slug)s » existe déjà.") % {"slug": slug})
    org = Organisation.objects.create(slug=slug, kind=kind, name=name or slug)
    audit_log(actor=actor, action="organisation.created", obj=org, organisation=org)
    return org


@transaction.atomic
def user_create(
    *,
    username: str,
    organisation: Organisation,
    role: str,
    password: str | None = None,
    email: str = "",
    first_name: str = "",
    last_name: str = "",
    agency_names: list[str] | None = None,
    actor: User | None = None,
    check_password: bool = True,
) -> User:
    """Create a user (or add a role to an existing one) in an organisation."""
    if role not in Role.values:
        raise DomainError(
            _("Rôle inconnu « %(role)s » : attendu %(expected)s.")
            % {"role": role, "expected": ", ".join(Role.values)}
        )
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise DomainError(
            _("Le rôle « %(role)s » n'existe pas dans une organisation de type « %(kind)s ».")
            % {"role": role, "kind": organisation.get_kind_display()}
        )
    user = User.objects.filter(username=username).first()
    if user is None:
        user_email_check_free(email)
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        if password:
            if check_password:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise DomainError(
                        _("Mot de passe refusé : %(reasons)s") % {"reasons": " ".join(exc.messages)}
                    )
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
    membership, _created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if role == Role.AGENCY_STAFF:
        # The agency model is the target of the membership's own relation: accounts names it by
        # its label ("housing.Agency") and never imports the register's code (docs/decisions/0012).
        Agency = MembershipAgency._meta.get_field("agency").related_model
        names = agency_names or []
        agencies: list[Any] = list(
            Agency._default_manager.filter(organisation=organisation, name__in=names)
        )
        missing = set(names) - {a.name for a in agencies}
        if missing:
            raise DomainError(
                ngettext(
                    "Agence inconnue chez %(org)s : %(names)s.",
                    "Agences inconnues chez %(org)s : %(names)s.",
                    len(missing),
                )
                % {"org": organisation.slug, "names": ", ".join(sorted(missing))}
            )
        if not agencies:
            raise DomainError(
                _(
                    "Un membre du personnel d'agence doit être rattaché à au moins une agence "
                    "(--agency)."
                )
            )
        membership.agencies.set(agencies, through_defaults={"organisation_id": organisation.pk})
    audit_log(
        actor=actor,
        action="membership.created",
        obj=membership,
        organisation=organisation,
        payload={"username": username, "role": role},
    )
    return user


@transaction.atomic
def api_tokens_revoke(
    *, actor: User | None, prefix: str = "", username: str = "", all_matching: bool = False
) -> list[ApiToken]:
    """Revoke active API tokens by prefix (the first 10 characters shown) or by user.

    A prefix is not guaranteed unique: if it matches several active tokens, nothing is revoked
    unless `all_matching`, so an administrator never revokes a colleague's token by accident.
    """
    if not prefix and not username:
        raise DomainError(_("Indiquez le préfixe du jeton (ses 10 premiers caractères) ou --user."))
    tokens = ApiToken.objects.active().select_related("user").select_for_update()
    if prefix:
        tokens = tokens.filter(prefix=prefix[:10])
    if username:
        tokens = tokens.filter(user__username=username)
    found = list(tokens.order_by("created_at"))
    if not found:
        raise DomainError(_("Aucun jeton actif ne correspond : déjà révoqué, expiré ou inconnu."))
    if prefix and len(found) > 1 and not all_matching:
        listing = ", ".join(
            _("%(username)s (créé le %(date)s)")
            % {"username": t.user.username, "date": f"{t.created_at:%d/%m/%Y}"}
            for t in found
        )
        raise DomainError(
            _(
                "Le préfixe « %(prefix)s » désigne %(count)s jetons actifs (%(listing)s) : "
                "précisez --user, ou ajoutez --all pour tous les révoquer."
            )
            % {"prefix": prefix, "count": len(found), "listing": listing}
        )
    now = timezone.now()
    for token in found:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit_log(
            actor=actor,
            action="api_token.revoked",
            obj=token,
            payload={"prefix": token.prefix, "user": token.user.username},
        )
    return found


# --- Administration in the interface (issue #9 §6): users, roles, agencies, deactivation -----


def _require_admin_of(actor: User, organisation_id: int) -> None:
    from vigie.core.errors import PermissionDeniedError
    from vigie.core.permissions import Perm, denied_sentence

    if not actor.has_org_perm(Perm.ORG_ADMIN, organisation_id):
        raise PermissionDeniedError(str(denied_sentence(Perm.ORG_ADMIN)))


def _admin_of_every_membership(actor: User, user: User) -> None:
    """A change to the whole account (deactivation, second factor) needs its administrator in
    every organisation where the account has a role."""
    from django.utils.translation import gettext as _

    from vigie.core.errors import PermissionDeniedError
    from vigie.core.permissions import Perm

    others = [
        m.organisation.name
        for m in user.memberships.select_related("organisation")
        if not actor.has_org_perm(Perm.ORG_ADMIN, m.organisation_id)
    ]
    if others:
        raise PermissionDeniedError(
            _(
                "Ce compte a aussi un rôle chez %(orgs)s : seul·e un·e administrateur·rice de "
                "chacune de ses organisations peut le désactiver ou réinitialiser sa double "
                "authentification."
            )
            % {"orgs": ", ".join(sorted(others))}
        )


@transaction.atomic
def membership_set(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    role: str,
    agency_pks: list[int] | None = None,
) -> Membership:
    """Give `user` a role in `organisation` (or change the agencies of that role)."""
    from django.utils.translation import gettext as _

    # The agency model through the membership's own relation: accounts sits below housing.
    Agency = Membership._meta.get_field("agencies").related_model

    _require_admin_of(actor, organisation.pk)
    if user.pk == actor.pk:
        raise DomainError(
            _(
                "Vous ne pouvez pas vous donner un rôle vous-même : demandez-le à un·e autre "
                "administrateur·rice (un rôle peut ouvrir l'accès aux données de santé)."
            ),
            field="role",
        )
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise DomainError(
            _("Le rôle « %(role)s » n'existe pas dans une organisation de type « %(kind)s ».")
            % {"role": Role(role).label, "kind": organisation.get_kind_display()},
            field="role",
        )
    agencies: list[Any] = list(
        Agency._default_manager.filter(organisation=organisation, pk__in=agency_pks or [])
    )
    if role == Role.AGENCY_STAFF and not agencies:
        raise DomainError(
            _("Choisissez au moins une agence : le personnel d'agence ne voit que les siennes."),
            field="agencies",
        )
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if role == Role.AGENCY_STAFF:
        membership.agencies.set(agencies, through_defaults={"organisation_id": organisation.pk})
    audit_log(
        actor=actor,
        action="membership.created" if created else "membership.changed",
        obj=user,
        organisation=organisation,
        payload={"role": role, "agencies": sorted(a.pk for a in agencies)},
    )
    return membership


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Take a role away. An administrator can't take away their own last administrator role."""
    from django.utils.translation import gettext as _

    _require_admin_of(actor, membership.organisation_id)
    if (
        membership.user_id == actor.pk
        and membership.role == Role.ADMIN
        and not Membership.objects.filter(
            user=actor, organisation_id=membership.organisation_id, role=Role.ADMIN
        )
        .exclude(pk=membership.pk)
        .exists()
    ):
        raise DomainError(
            _(
                "Vous ne pouvez pas retirer votre propre rôle d'administrateur·rice : "
                "demandez-le à un·e autre administrateur·rice."
            )
        )
    audit_log(
        actor=actor,
        action="membership.removed",
        obj=membership.user,
        organisation=membership.organisation_id,
        payload={"role": membership.role},
    )
    membership.delete()


@transaction.atomic
def user_update(*, actor: User, user: User, first_name: str, last_name: str, email: str) -> User:
    """Change a person's name and e-mail. The e-mail is where a new password is sent: only an
    administrator of every organisation where the person has a role changes it (review: an
    administrator of A could take over the account of B's manager)."""
    from django.core.validators import validate_email
    from django.utils.translation import gettext as _

    from vigie.core.errors import PermissionDeniedError
    from vigie.core.permissions import Perm, denied_sentence

    if not any(
        actor.has_org_perm(Perm.ORG_ADMIN, m.organisation_id) for m in user.memberships.all()
    ):
        raise PermissionDeniedError(str(denied_sentence(Perm.ORG_ADMIN)))
    _admin_of_every_membership(actor, user)
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise DomainError(
                _("« %(value)s » n'est pas une adresse e-mail valide.") % {"value": email},
                field="email",
            ) from exc
    user_email_check_free(email, user=user)
    user.first_name, user.last_name, user.email = first_name.strip(), last_name.strip(), email
    user.save(update_fields=["first_name", "last_name", "email"])
    audit_log(
        actor=actor,
        action="user.updated",
        obj=user,
        organisation=user.memberships.values_list("organisation_id", flat=True).first(),
    )
    return user


@transaction.atomic
def user_set_active(*, actor: User, user: User, active: bool) -> User:
    """Deactivate an account (it can no longer sign in nor use its API tokens) or reactivate it."""
    from django.utils.translation import gettext as _

    if user.pk == actor.pk and not active:
        raise DomainError(_("Vous ne pouvez pas désactiver votre propre compte."))
    _admin_of_every_membership(actor, user)
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:  # its API tokens stop too (is_active is also checked at each request)
        ApiToken.objects.active().filter(user=user).update(revoked_at=timezone.now())
    for org_id in user.memberships.values_list("organisation_id", flat=True):
        audit_log(
            actor=actor,
            action="user.reactivated" if active else "user.deactivated",
            obj=user,
            organisation=org_id,
        )
    return user


@transaction.atomic
def user_reset_second_factor(*, actor: User, user: User) -> int:
    """Remove the person's authenticator app: they enrol a new one at their next sign-in."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _admin_of_every_membership(actor, user)
    removed, _detail = TOTPDevice.objects.filter(user=user).delete()
    for org_id in user.memberships.values_list("organisation_id", flat=True):
        audit_log(actor=actor, action="two_factor.reset", obj=user, organisation=org_id)
    return removed


def password_link_send(*, user: User, base_url: str, invitation: bool) -> None:
    """E-mail `user` a one-time link to choose a password (an invitation or a reset), after
    the transaction commits. The link expires with Django's PASSWORD_RESET_TIMEOUT."""
    from django.contrib.auth.tokens import default_token_generator
    from django.core.mail import send_mail
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode
    from django.utils.translation import gettext as _

    if not user.email:
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {"user": user, "link": base_url.rstrip("/") + path, "invitation": invitation}
    subject = (
        _("Votre accès à Vigie : choisissez votre mot de passe")
        if invitation
        else _("Vigie : réinitialiser votre mot de passe")
    )
    body = render_to_string("accounts/email/password_link.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=False))
