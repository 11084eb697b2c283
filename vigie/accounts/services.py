"""Writes of the accounts app."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from vigie.accounts.models import ApiToken, Membership, MembershipAgency, User
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
            f"Type d'organisation inconnu « {kind} » : attendu {', '.join(OrganisationKind.values)}."
        )
    if Organisation.objects.filter(slug=slug).exists():
        raise DomainError(f"L'organisation « {slug} » existe déjà.")
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
        raise DomainError(f"Rôle inconnu « {role} » : attendu {', '.join(Role.values)}.")
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise DomainError(
            f"Le rôle « {role} » n'existe pas dans une organisation de type « {organisation.get_kind_display()} »."
        )
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, email=email, first_name=first_name, last_name=last_name)
        if password:
            if check_password:
                try:
                    validate_password(password, user)
                except ValidationError as exc:
                    raise DomainError("Mot de passe refusé : " + " ".join(exc.messages))
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
        agencies = list(Agency.objects.filter(organisation=organisation, name__in=names))
        missing = set(names) - {a.name for a in agencies}
        if missing:
            raise DomainError(
                f"Agence(s) inconnue(s) chez {organisation.slug} : {', '.join(sorted(missing))}."
            )
        if not agencies:
            raise DomainError(
                "Un membre du personnel d'agence doit être rattaché à au moins une agence (--agency)."
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
        raise DomainError("Indiquez le préfixe du jeton (ses 10 premiers caractères) ou --user.")
    tokens = ApiToken.objects.active().select_related("user").select_for_update()
    if prefix:
        tokens = tokens.filter(prefix=prefix[:10])
    if username:
        tokens = tokens.filter(user__username=username)
    found = list(tokens.order_by("created_at"))
    if not found:
        raise DomainError("Aucun jeton actif ne correspond : déjà révoqué, expiré ou inconnu.")
    if prefix and len(found) > 1 and not all_matching:
        listing = ", ".join(f"{t.user.username} (créé le {t.created_at:%d/%m/%Y})" for t in found)
        raise DomainError(
            f"Le préfixe « {prefix} » désigne {len(found)} jetons actifs ({listing}) : "
            "précisez --user, ou ajoutez --all pour tous les révoquer."
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
