"""Checks shared by the mediation services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from vigie.core.errors import DomainError, PermissionDeniedError

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.mediation.models import Case


class NotFoundError(DomainError):
    """An object the actor may not see, or that does not exist: HTTP 404."""

    status_code = 404


def require_centre(actor: User | None, perm: str, case: Case) -> None:
    """The actor works at the case's centre and holds `perm` there."""
    if actor is None:
        return
    if not actor.has_org_perm(perm, case.organisation_id):
        from vigie.core.permissions import denied_sentence

        if actor.has_org_perm("mediation.case_view", case.landlord_id):
            raise PermissionDeniedError(denied_sentence(perm))
        raise NotFoundError(_("Médiation introuvable."))
