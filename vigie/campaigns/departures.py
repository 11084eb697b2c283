"""Households that left take their targets out of every call queue (issue #10, finding 5).

Registered with `housing.departures` (CampaignsConfig.ready): a full import that marks
households departed calls `targets_depart` in its own transaction, before it writes the
households. Their targets still to call (pending, claimed, callback), without a phone, or not
reached (no doorstep visit for someone who left) become "departed" in every campaign not yet
closed; done and excluded ones keep their status, closed campaigns keep their figures. A
household that comes back (a later import, or the import's departures undone) returns to a
queue only when the campaign is rebuilt (`campaign_build`).

The claim (`queue._claim_sql`) also refuses a household marked departed, so a target written
by a build that raced with the import is never handed out either.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count

from vigie.campaigns import counters
from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    CampaignStatus,
    CounterMetric,
    TargetStatus,
)
from vigie.campaigns.models import Attempt, Campaign, Target
from vigie.campaigns.transitions import TARGET
from vigie.core import transitions
from vigie.core.services import audit_log

if TYPE_CHECKING:
    from vigie.accounts.models import User

# Where a departed household's target may stand for it to leave.
LEAVING_STATUSES = (*OPEN_TARGET_STATUSES, TargetStatus.NO_PHONE, TargetStatus.NOT_REACHED)
CHUNK = 500  # ids per statement (SQLite's parameter limit, PostgreSQL's plan size)


def _chunks(ids: list[int]):
    for i in range(0, len(ids), CHUNK):
        yield ids[i : i + CHUNK]


def targets_depart(*, household_ids: list[int], run: Any, actor: User | None, now: datetime) -> int:
    """Take these households' targets out of the queues (status "departed"); returns how many.

    Runs inside the import's transaction. The targets are locked first (PostgreSQL; SQLite's
    IMMEDIATE transaction already holds the write lock), so a call being recorded on one of
    them either commits before (and its status is the one we read) or waits for the import.
    A not-reached household leaving the list takes its −1 `not_reached` off the counters of
    each caller who tried it, as `target_exclude` does (docs/decisions/0008).
    """
    rows: list[tuple[int, int, str]] = []
    for chunk in _chunks(sorted(household_ids)):
        rows += (
            Target.objects.select_for_update(of=("self",))
            .filter(household_id__in=chunk, status__in=LEAVING_STATUSES)
            .exclude(campaign__status=CampaignStatus.CLOSED)
            .order_by("pk")
            .values_list("pk", "campaign_id", "status")
        )
    if not rows:
        return 0
    not_reached = [pk for pk, _c, status in rows if status == TargetStatus.NOT_REACHED]
    deltas: list[tuple[counters.Key, int]] = []
    for chunk in _chunks(not_reached):
        for r in (
            Attempt.objects.filter(target_id__in=chunk)
            .values("organisation_id", "campaign_id", "caller_id")
            .annotate(n=Count("target_id", distinct=True))
            .order_by()
        ):
            key = (
                r["organisation_id"],
                r["campaign_id"],
                r["caller_id"],
                CounterMetric.NOT_REACHED.value,
                "",
                "",
                "",
            )
            deltas.append((key, -r["n"]))
    counters.counters_add(deltas)
    for chunk in _chunks([pk for pk, _c, _s in rows]):
        transitions.move_many(
            TARGET,
            Target.objects.filter(pk__in=chunk),
            sources=LEAVING_STATUSES,
            to=TargetStatus.DEPARTED,
            fields={
                "claimed_by": None,
                "claimed_at": None,
                "claim_expires_at": None,
                "preferred_caller": None,
                "preferred_until": None,
                "updated_at": now,
            },
        )
    per_campaign: dict[int, Counter[str]] = {}
    for _pk, campaign_id, status in rows:
        per_campaign.setdefault(campaign_id, Counter())[str(status)] += 1
    for campaign in Campaign.objects.filter(pk__in=list(per_campaign)).order_by("pk"):
        statuses = per_campaign[campaign.pk]
        audit_log(
            actor=actor,
            action="campaign.targets_departed",
            obj=campaign,
            payload={
                "targets": sum(statuses.values()),
                "from": dict(sorted(statuses.items())),
                "import_run": getattr(run, "pk", None),
            },
        )
    return len(rows)
