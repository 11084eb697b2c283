"""Writes of the accounts app."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from vigie.accounts.models import ApiToken, Membership, User
from vigie.core.errors import DomainError
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.core.services import audit_log

# Which roles make sense in which kind of organisation.
ROLES_BY_KIND = {
    OrganisationKind.LANDLORD: {
        Role.ADMIN,
        Role.MANAGER,
        Role.CALLER,
        Role.AGENCY_STAFF,
        Role.DPO,
    },
    OrganisationKind.PARTNER: {Role.ADMIN, Role.PARTNER_WORKER, Role.DPO},
    OrganisationKind.MEDIATION_CENTRE: {Role.ADMIN, Role.MEDIATOR, Role.DPO},
    OrganisationKind.FUNDER: {Role.ADMIN, Role.PARTNER_WORKER},
}


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
        from vigie.housing.models import Agency

        names = agency_names or []
        agencies = list(Agency.objects.filter(organisation=organisation, name__in=names))
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
