"""Reads of the accounts app: the people an administrator manages."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from vigie.accounts.models import Membership, User
from vigie.core.models import Organisation
from vigie.core.permissions import Perm


def organisations_administered(user: User) -> QuerySet[Organisation]:
    """The organisations where `user` is an administrator."""
    return Organisation.objects.filter(pk__in=user.scope(Perm.ORG_ADMIN).full_org_ids)


def users_administered(user: User) -> QuerySet[User]:
    """People with a role in one of the organisations `user` administers, their roles there."""
    org_ids = user.scope(Perm.ORG_ADMIN).full_org_ids
    return (
        User.objects.filter(memberships__organisation_id__in=org_ids)
        .distinct()
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.filter(organisation_id__in=org_ids)
                .select_related("organisation")
                .prefetch_related("agencies")
                .order_by("organisation__name", "role"),
                to_attr="administered_memberships",
            )
        )
        .order_by("last_name", "first_name", "username")
    )


def user_administered(user: User, pk: int) -> User:
    """One of them; 404 for anyone else (another organisation's person)."""
    return get_object_or_404(users_administered(user), pk=pk)


def membership_administered(user: User, pk: int) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(
            organisation_id__in=user.scope(Perm.ORG_ADMIN).full_org_ids
        ).select_related("user", "organisation"),
        pk=pk,
    )
