"""Checks shared by food aid's services."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from vigie.core.errors import DomainError, PermissionDeniedError

if TYPE_CHECKING:
    from vigie.accounts.models import User
    from vigie.foodaid.models import Programme


class FoodAidInputError(DomainError):
    """Input that cannot be used as given: HTTP 422."""

    status_code = 422


def require_manage(actor: User | None, programme: Programme) -> None:
    """Only the landlord's managers change a programme (its enrolments, its sessions)."""
    from vigie.foodaid.permissions import FOODAID_MANAGE

    if actor is not None and not actor.has_org_perm(FOODAID_MANAGE, programme.organisation_id):
        raise PermissionDeniedError(
            _("Seul·e un·e responsable du bailleur modifie ce programme d'aide alimentaire.")
        )


def require_checkin(actor: User | None, programme: Programme) -> None:
    """The landlord's managers and the workers of the programme's operating partners."""
    from vigie.foodaid.models import Programme
    from vigie.foodaid.permissions import FOODAID_CHECKIN

    if actor is None:
        return
    if not Programme.objects.visible_to(actor, FOODAID_CHECKIN).filter(pk=programme.pk).exists():
        raise PermissionDeniedError(
            _(
                "Seul·e un·e intervenant·e d'un partenaire du programme ou un·e responsable du "
                "bailleur enregistre les passages."
            )
        )
