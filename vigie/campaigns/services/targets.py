"""A manager's actions on one household of the list: reassign it, take it out."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns import counters
from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    TargetStatus,
)
from vigie.campaigns.models import (
    Target,
)
from vigie.campaigns.services.common import (
    CampaignInputError,
    require_manage,
)
from vigie.campaigns.transitions import TARGET
from vigie.core import transitions
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from vigie.accounts.models import User


@transaction.atomic
def target_assign(
    *, actor: User | None, target: Target, caller: User, until: datetime | None = None
) -> Target:
    """Reassign a household to a caller: it goes to them first until `until` (default 1 day)."""
    require_manage(actor, target.campaign)
    if not caller.has_org_perm(Perm.CALL_TAKE, target.organisation_id):
        raise CampaignInputError(
            _("%(username)s ne prend pas d'appels chez ce bailleur.")
            % {"username": caller.username}
        )
    if target.status not in OPEN_TARGET_STATUSES:
        raise ConflictError(_("Ce ménage n'est plus dans la file d'appels."))
    now = timezone.now()
    Target.objects.filter(pk=target.pk).update(
        preferred_caller=caller, preferred_until=until or now + timedelta(days=1), updated_at=now
    )
    target.refresh_from_db()
    audit_log(
        actor=actor, action="target.assigned", obj=target, payload={"caller": caller.username}
    )
    return target


@transaction.atomic
def target_exclude(*, actor: User | None, target: Target, reason: str = "") -> Target:
    """Take a household out of the list (moved, deceased, followed elsewhere…)."""
    require_manage(actor, target.campaign)
    # Its status now, under lock: a not-reached household leaving the list changes counters.
    target = transitions.lock(TARGET, target)
    if target.status in (TargetStatus.DONE, TargetStatus.EXCLUDED):
        raise ConflictError(_("Ce ménage n'est plus dans la file d'appels."))
    if target.status == TargetStatus.NOT_REACHED:
        counters.counters_add(counters.not_reached_deltas(target, -1))

    def drop_claim(t: Target) -> None:
        t.claimed_by = None
        t.claim_expires_at = None

    transitions.move(
        TARGET,
        target,
        to=TargetStatus.EXCLUDED,
        actor=actor,
        action="target.excluded",
        payload={"reason": reason[:200]},
        apply=drop_claim,
    )
    return target
