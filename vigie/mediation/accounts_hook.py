"""`vigie create_user … --discipline CODE`: accounts sends a signal, the mediation app gives the
practitioner their disciplines (accounts, a lower layer, never imports mediation)."""

from __future__ import annotations

from django.dispatch import receiver
from django.utils.translation import gettext as _

from vigie.accounts.signals import user_created_by_command
from vigie.core.errors import DomainError
from vigie.core.models import OrganisationKind
from vigie.core.permissions import Role


@receiver(user_created_by_command, dispatch_uid="mediation_disciplines")
def give_disciplines(sender, *, user, organisation, role, options, **kwargs) -> bool:
    """True when it handled `--discipline` (it raises on a misuse: nothing is created)."""
    from vigie.mediation.services import disciplines_set

    codes = options.get("discipline") or []
    if not codes:
        return False
    if organisation.kind != OrganisationKind.MEDIATION_CENTRE or role not in (
        Role.MEDIATOR,
        Role.MEDIATION_DIRECTOR,
    ):
        raise DomainError(
            _(
                "--discipline est réservé aux praticien·nes (rôle mediator ou mediation_director) "
                "d'un centre de médiation."
            )
        )
    disciplines_set(centre=organisation, user=user, disciplines=codes)
    return True
