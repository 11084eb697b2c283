"""Reads the campaign pages need beyond `selectors.py`: list counts, callers, callbacks, sheets.

Same rule as selectors.py: everything starts from a queryset scoped with `visible_to`, and lists
bring their joins so that a page costs the same number of queries whatever its length.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    CampaignStatus,
    CounterMetric,
    TargetStatus,
)
from vigie.campaigns.counters import counter_rows
from vigie.campaigns.models import Attempt, Campaign, Target
from vigie.campaigns.queue import held_claim
from vigie.campaigns.selectors import CALLABLE_STATUSES, campaigns_visible
from vigie.core.permissions import ROLE_PERMISSIONS, Perm
from vigie.housing.models import Occupant

User = get_user_model()


def campaign_list_with_counts(user: Any) -> QuerySet[Campaign]:
    """Visible campaigns with their target counts, in one query whatever their number."""
    return (
        campaigns_visible(user)
        .select_related("organisation", "created_by")
        .annotate(
            n_targets=Count("targets", filter=Q(targets__status__in=CALLABLE_STATUSES)),
            n_remaining=Count("targets", filter=Q(targets__status__in=OPEN_TARGET_STATUSES)),
            n_done=Count("targets", filter=Q(targets__status=TargetStatus.DONE)),
        )
        .order_by("-created_at", "-id")
    )


def campaigns_withheld_count(user: Any) -> int:
    """Campaigns of the user's landlords kept from them because a wave selects on disability."""
    return Campaign.objects.withheld_count(user, Perm.CAMPAIGN_VIEW)


def running_campaigns_for_caller(user: Any) -> QuerySet[Campaign]:
    """Running campaigns of the organisations where the user takes calls."""
    return Campaign.objects.visible_to(user, Perm.CALL_TAKE).filter(status=CampaignStatus.RUNNING)


def campaign_for(user: Any, pk: int, perm: str = Perm.CAMPAIGN_VIEW) -> Campaign:
    """A campaign the user holds `perm` for (404 for another organisation's)."""
    qs = Campaign.objects.visible_to(user, perm).select_related("organisation")
    return get_object_or_404(qs, pk=pk)


def target_for(user: Any, pk: int, perm: str = Perm.CALL_TAKE) -> Target:
    qs = Target.objects.visible_to(user, perm).select_related("campaign", "wave")
    return get_object_or_404(qs, pk=pk)


def _console_targets(user: Any) -> QuerySet:
    """Targets with everything the console shows about the household, occupants in order."""
    return (
        Target.objects.visible_to(user, Perm.CALL_TAKE)
        .select_related(
            "campaign",
            "wave",
            "household__dwelling__residence__agency",
            "household__dwelling__commune",
            "household__dwelling__building",
        )
        .prefetch_related(
            Prefetch("household__occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
    )


def console_target(user: Any, pk: int) -> Target:
    """A target with everything the console shows about the household, or 404."""
    return get_object_or_404(_console_targets(user), pk=pk)


def console_held_target(user: Any, campaign: Campaign, now: Any = None) -> Target | None:
    """The call this caller holds in the campaign (`queue.held_claim`), ready for the console."""
    return held_claim(campaign=campaign, caller=user, now=now, targets=_console_targets(user))


def org_callers(campaign: Campaign) -> QuerySet:
    """Users who take calls at the campaign's landlord (to pause, or reassign to)."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.CALL_TAKE in perms]
    return (
        User.objects.filter(
            memberships__organisation_id=campaign.organisation_id,
            memberships__role__in=roles,
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


def caller_for(campaign: Campaign, pk: Any) -> Any:
    """One of the campaign's callers, or 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        pk = 0
    return get_object_or_404(org_callers(campaign), pk=pk)


def caller_progress(campaign: Campaign) -> dict[int, dict[str, int]]:
    """Per caller id: callbacks promised, households held now, not reached, needs raised."""
    out: dict[int, dict[str, int]] = {}
    now = timezone.now()
    for row in (
        Target.objects.filter(campaign=campaign, status=TargetStatus.CALLBACK)
        .exclude(preferred_caller=None)
        .values("preferred_caller")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(row["preferred_caller"], {})["callbacks"] = row["n"]
    for row in (
        Target.objects.filter(
            campaign=campaign, status=TargetStatus.CLAIMED, claim_expires_at__gt=now
        )
        .values("claimed_by")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(row["claimed_by"], {})["claimed"] = row["n"]
    # Not reached and needs raised: from the per-caller counters (vigie/campaigns/counters.py),
    # not from the campaign's calls (millions, late on).
    for row in counter_rows(campaign, (CounterMetric.NOT_REACHED, CounterMetric.NEEDS)):
        key = "not_reached" if row["metric"] == CounterMetric.NOT_REACHED else "needs"
        mine = out.setdefault(row["caller_id"], {})
        mine[key] = mine.get(key, 0) + row["n"]
    return out


def callbacks_list(campaign: Campaign, *, caller: Any = None) -> QuerySet[Target]:
    """Households to call back, soonest first; only `caller`'s if given."""
    qs = (
        Target.objects.filter(campaign=campaign, status=TargetStatus.CALLBACK)
        .select_related(
            "wave", "preferred_caller", "household__dwelling__commune", "household__dwelling"
        )
        .prefetch_related(
            Prefetch("household__occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
        .order_by("due_at", "id")
    )
    if caller is not None:
        qs = qs.filter(preferred_caller=caller)
    return qs


def next_callback_at(campaign: Campaign, caller: Any) -> datetime | None:
    """When this caller's next promised callback falls due (for "nothing to call now")."""
    return (
        Target.objects.filter(
            campaign=campaign,
            status__in=(TargetStatus.CALLBACK, TargetStatus.PENDING),
            preferred_caller=caller,
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def next_due_at(campaign: Campaign) -> datetime | None:
    """When the next household of the campaign comes back into the queue (retries)."""
    return (
        Target.objects.filter(
            campaign=campaign, status__in=(TargetStatus.PENDING, TargetStatus.CALLBACK)
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )


def caller_attempt_count(campaign: Campaign, caller: Any) -> int:
    return Attempt.objects.filter(campaign=campaign, caller=caller).count()


def paper_targets(campaign: Campaign, caller: Any) -> QuerySet[Target]:
    """Households reserved for a caller's printed sheet, still to enter (queue order)."""
    return (
        Target.objects.filter(
            campaign=campaign,
            preferred_caller=caller,
            status__in=(TargetStatus.PENDING, TargetStatus.CALLBACK),
        )
        .select_related("wave", "household__dwelling__commune")
        .prefetch_related(
            Prefetch("household__occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
        .order_by("priority", "due_at", "id")
    )
