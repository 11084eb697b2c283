"""The call queue: hand each caller the next due household, never the same one to two callers.

A claim is a lease: `claimed_by` + `claim_expires_at`. A target can be taken when it is due and
either free or its lease has expired (the caller walked away). Two engines, one rule:

- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` — concurrent callers skip each other's rows
  instead of queueing behind them;
- SQLite: the transaction is IMMEDIATE (settings), so claimers take the write lock at BEGIN and
  run one at a time; the UPDATE repeats the eligibility test in its WHERE clause and we check
  its row count, so a row taken meanwhile is never taken twice.

Order: callbacks promised by this caller first (an appointment is an appointment), then wave
priority (lower first), then due time, then build order.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone

from vigie.campaigns.choices import CampaignStatus, TargetStatus
from vigie.campaigns.models import Campaign, Target, Wave
from vigie.core.errors import ConflictError, PermissionDeniedError
from vigie.core.permissions import Perm

# Half-days in local time: a retry moves to the other one.
MORNING_START = time(9, 0)
AFTERNOON_START = time(14, 0)
NOON = time(13, 0)


def next_try_at(*, last: datetime, policy: dict[str, Any]) -> datetime:
    """When to try again after a failed attempt at `last`, per the result's retry policy."""
    earliest = last + timedelta(minutes=int(policy.get("min_gap_minutes", 120)))
    if not policy.get("other_half_day", True):
        return earliest
    local = timezone.localtime(last)
    tz = local.tzinfo
    if local.time() < NOON:  # tried in the morning: next in the afternoon
        slot = datetime.combine(local.date(), AFTERNOON_START, tzinfo=tz)
    else:  # tried in the afternoon or evening: next morning
        slot = datetime.combine(local.date() + timedelta(days=1), MORNING_START, tzinfo=tz)
    return max(earliest, slot)


def _due_q(*, campaign: Campaign, caller: Any, now: datetime) -> Q:
    active_waves = Wave.objects.filter(campaign=campaign, paused=False).values("pk")
    return (
        Q(campaign=campaign, wave_id__in=active_waves, due_at__lte=now)
        & (
            Q(status__in=(TargetStatus.PENDING, TargetStatus.CALLBACK))
            | Q(status=TargetStatus.CLAIMED, claim_expires_at__lt=now)
        )
        & (
            Q(preferred_caller__isnull=True)
            | Q(preferred_caller=caller)
            | Q(preferred_until__lte=now)
        )
    )


def _ordered(qs, caller: Any):
    mine = Case(
        When(preferred_caller=caller, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(_mine=mine).order_by("_mine", "priority", "due_at", "id")


def _claim_values(*, caller: Any, now: datetime, minutes: int) -> dict[str, Any]:
    return {
        "status": TargetStatus.CLAIMED,
        "claimed_by": caller,
        "claimed_at": now,
        "claim_expires_at": now + timedelta(minutes=minutes),
    }


def _check_can_take(campaign: Campaign, caller: Any) -> None:
    if not caller.has_org_perm(Perm.CALL_TAKE, campaign.organisation_id):
        raise PermissionDeniedError(
            "Vous n'êtes pas chargé·e de veille pour ce bailleur : vous ne pouvez pas prendre d'appels."
        )
    if campaign.status != CampaignStatus.RUNNING:
        raise ConflictError(
            f"La campagne « {campaign.name} » est {campaign.get_status_display()} : "
            "aucun appel n'est distribué."
        )
    if campaign.paused_callers.filter(pk=caller.pk).exists():
        raise ConflictError(
            f"Votre responsable vous a mis·e en pause sur la campagne « {campaign.name} »."
        )


def held_claim(*, campaign: Campaign, caller: Any, now: datetime | None = None) -> Target | None:
    """The target this caller holds a live claim on, if any (e.g. after reloading the page)."""
    now = now or timezone.now()
    return (
        Target.objects.filter(
            campaign=campaign,
            status=TargetStatus.CLAIMED,
            claimed_by=caller,
            claim_expires_at__gt=now,
        )
        .order_by("claimed_at")
        .first()
    )


def next_call(*, campaign: Campaign, caller: Any, now: datetime | None = None) -> Target | None:
    """Claim and return the caller's next call, or None when nothing is due for them.

    A caller holding a live claim gets that same target back (lease renewed): reloading the
    console never strands a household.
    """
    now = now or timezone.now()
    campaign = Campaign.objects.get(pk=campaign.pk)  # fresh status
    _check_can_take(campaign, caller)
    minutes = campaign.claim_minutes
    held = held_claim(campaign=campaign, caller=caller, now=now)
    if held is not None:
        Target.objects.filter(pk=held.pk, claimed_by=caller).update(
            claim_expires_at=now + timedelta(minutes=minutes)
        )
        held.refresh_from_db()
        return held
    if connection.features.has_select_for_update_skip_locked:
        return _claim_skip_locked(campaign=campaign, caller=caller, now=now, minutes=minutes)
    return _claim_conditional_update(campaign=campaign, caller=caller, now=now, minutes=minutes)


def _claim_skip_locked(
    *, campaign: Campaign, caller: Any, now: datetime, minutes: int
) -> Target | None:
    due = _due_q(campaign=campaign, caller=caller, now=now)
    with transaction.atomic():
        target = (
            _ordered(Target.objects.filter(due), caller)
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if target is None:
            return None
        Target.objects.filter(pk=target.pk).update(
            **_claim_values(caller=caller, now=now, minutes=minutes)
        )
    target.refresh_from_db()
    return target


def _claim_conditional_update(
    *, campaign: Campaign, caller: Any, now: datetime, minutes: int, tries: int = 5
) -> Target | None:
    due = _due_q(campaign=campaign, caller=caller, now=now)
    for _ in range(tries):
        with transaction.atomic():
            candidates = list(
                _ordered(Target.objects.filter(due), caller).values_list("pk", flat=True)[:5]
            )
            if not candidates:
                return None
            for pk in candidates:
                # The WHERE repeats the eligibility test: 0 rows means someone took it first.
                taken = Target.objects.filter(due, pk=pk).update(
                    **_claim_values(caller=caller, now=now, minutes=minutes)
                )
                if taken == 1:
                    return Target.objects.get(pk=pk)
    return None


@transaction.atomic
def claim_release(*, actor: Any, target: Target, now: datetime | None = None) -> Target:
    """Give a claimed target back to the queue untouched (the caller skips it)."""
    now = now or timezone.now()
    updated = Target.objects.filter(
        pk=target.pk, status=TargetStatus.CLAIMED, claimed_by=actor
    ).update(
        status=TargetStatus.CALLBACK if target.preferred_caller_id else TargetStatus.PENDING,
        claimed_by=None,
        claimed_at=None,
        claim_expires_at=None,
    )
    if not updated:
        raise ConflictError("Cet appel ne vous est pas (ou plus) attribué : rien à rendre.")
    target.refresh_from_db()
    return target
