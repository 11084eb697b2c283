"""Checks shared by the actions services: permissions through the scoped querysets, stale versions,
who gets the automatic follow-ups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from vigie.campaigns.models import Need
from vigie.core.errors import DomainError, PermissionDeniedError
from vigie.core.permissions import Perm, Role

if TYPE_CHECKING:
    from vigie.accounts.models import User


class ActionInputError(DomainError):
    """Input that cannot be used as given: HTTP 422."""

    status_code = 422


def require_org(actor: User | None, perm: str, organisation_id: int, message: str) -> None:
    if actor is not None and not actor.has_org_perm(perm, organisation_id):
        raise PermissionDeniedError(message)


def require_visible(actor: User | None, model: Any, pk: int, perm: str, message: str) -> None:
    """The actor may act on the row only if the scoped queryset for `perm` shows it."""
    if actor is not None and not model.objects.visible_to(actor, perm).filter(pk=pk).exists():
        raise PermissionDeniedError(message)


def manager_for(organisation_id: int, need: Need | None = None) -> Any:
    """Who gets the automatic follow-ups: the need's campaign manager, else the first manager."""
    from vigie.accounts.models import Membership

    attempt = need.attempt if need is not None and need.attempt_id is not None else None
    if attempt is not None:
        creator = attempt.campaign.created_by
        if creator is not None and creator.has_org_perm(Perm.TASK_MANAGE, organisation_id):
            return creator
    m = (
        Membership.objects.filter(
            organisation_id=organisation_id, role=Role.MANAGER, user__is_active=True
        )
        .select_related("user")
        .order_by("id")
        .first()
    )
    return m.user if m else None
