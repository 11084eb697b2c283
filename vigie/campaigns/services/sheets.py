"""Printed call sheets: reserving a caller's next households for paper, and giving them back.

Why a sheet reserves its households (docs/guide/campagnes.md, « Travailler sans le système »):
a printed sheet is worked for hours, away from the queue. If it reserved nothing, the queue
would hand the same households to colleagues still online, and two people would call the same
tenant — what the queue exists to prevent. A 15-minute claim is too short for paper, so the
sheet uses the queue's other, longer hold: `preferred_caller` until `preferred_until` (the same
field a callback or a manager's reassignment uses). The queue then gives those households to
nobody else until the reservation ends (8 hours by default), after which anything not entered
goes back to everyone. Paper outcomes are recorded through `attempt_record(from_paper=True)`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns.choices import CampaignStatus, TargetStatus
from vigie.campaigns.models import Campaign, Target
from vigie.campaigns.queue import due_q
from vigie.campaigns.selectors import caller_sheet
from vigie.campaigns.services.common import require_manage, require_perm
from vigie.core.errors import ConflictError
from vigie.core.permissions import Perm
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from vigie.accounts.models import User

SHEET_HOURS = 8
SHEET_MAX = 200


def _check_sheet_allowed(*, actor: User | None, campaign: Campaign, caller: User) -> None:
    if getattr(actor, "pk", None) != caller.pk:
        require_manage(actor, campaign)
    require_perm(
        caller,
        Perm.CALL_TAKE,
        campaign.organisation_id,
        _("%(username)s ne prend pas d'appels chez ce bailleur.") % {"username": caller.username},
    )
    if campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.PAUSED):
        raise ConflictError(
            _("La campagne « %(name)s » est %(status)s : pas de feuille d'appels à préparer.")
            % {"name": campaign.name, "status": campaign.get_status_display()}
        )


@transaction.atomic
def sheet_reserve(
    *,
    actor: User | None,
    campaign: Campaign,
    caller: User,
    n: int,
    hours: int = SHEET_HOURS,
    now: datetime | None = None,
) -> list[Target]:
    """Reserve the caller's next `n` households for a printed sheet, for `hours` hours.

    Only households still due and free (or already this caller's) are reserved; the WHERE
    repeats the queue's eligibility test, so a household a colleague took meanwhile is skipped.
    """
    _check_sheet_allowed(actor=actor, campaign=campaign, caller=caller)
    now = now or timezone.now()
    n = max(1, min(int(n), SHEET_MAX))
    ids = [t.pk for t in caller_sheet(campaign, caller, n=n, now=now)]
    Target.objects.filter(due_q(campaign=campaign, caller=caller, now=now), pk__in=ids).update(
        preferred_caller=caller, preferred_until=now + timedelta(hours=hours), updated_at=now
    )
    reserved = list(
        Target.objects.filter(pk__in=ids, preferred_caller=caller).values_list("pk", flat=True)
    )
    audit_log(
        actor=actor,
        action="campaign.sheet_reserved",
        obj=campaign,
        payload={"caller": caller.username, "targets": len(reserved), "hours": hours},
    )
    return list(Target.objects.filter(pk__in=reserved))


@transaction.atomic
def sheet_release(*, actor: User | None, campaign: Campaign, caller: User) -> int:
    """Give back the households of a caller's sheet not yet entered (the queue takes them)."""
    _check_sheet_allowed(actor=actor, campaign=campaign, caller=caller)
    count = Target.objects.filter(
        campaign=campaign, preferred_caller=caller, status=TargetStatus.PENDING
    ).update(preferred_caller=None, preferred_until=None, updated_at=timezone.now())
    audit_log(
        actor=actor,
        action="campaign.sheet_released",
        obj=campaign,
        payload={"caller": caller.username, "targets": count},
    )
    return count
