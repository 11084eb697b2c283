"""Reads of the campaigns app, scoped once through `visible_to`, with the joins they need."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns.choices import (
    OPEN_TARGET_STATUSES,
    SENSITIVE_NEEDS,
    AttemptResult,
    CampaignStatus,
    CounterMetric,
    NeedKind,
    NeedStatus,
    Outcome,
    TargetStatus,
)
from vigie.campaigns.counters import counter_rows
from vigie.campaigns.models import (
    Attempt,
    CallerSettings,
    Campaign,
    CampaignBuild,
    Need,
    Target,
    Wave,
)
from vigie.campaigns.queue import due_q, held_claim, queue_ordered
from vigie.core.permissions import ROLE_PERMISSIONS, Perm
from vigie.core.sensitivity import may_see_health
from vigie.housing.models import Household, Occupant
from vigie.housing.timeline import TimelineEntry, register_provider

if TYPE_CHECKING:
    from vigie.accounts.models import User

# Targets that count as households to call by phone (no_phone, excluded, departed are apart).
CALLABLE_STATUSES = (*OPEN_TARGET_STATUSES, TargetStatus.DONE, TargetStatus.NOT_REACHED)


def campaigns_visible(user: User) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user, Perm.CAMPAIGN_VIEW)


def campaign_list(user: User) -> QuerySet[Campaign]:
    return campaigns_visible(user).select_related("organisation", "created_by")


def campaign_detail(user: User, pk: int) -> Campaign:
    """A campaign the user may see, with waves and script; 404 otherwise."""
    qs = (
        campaigns_visible(user)
        .select_related("organisation")
        .prefetch_related("waves", "questions")
    )
    return get_object_or_404(qs, pk=pk)


def target_for_user(user: User, pk: int) -> Target:
    """A target of a campaign the user may see (404 otherwise), ready for the console."""
    qs = Target.objects.visible_to(user, Perm.CAMPAIGN_VIEW).select_related(
        "campaign", "wave", "household__dwelling__residence__agency", "household__dwelling__commune"
    )
    return get_object_or_404(qs, pk=pk)


def _counts(prefix: str = "") -> dict[str, Count]:
    """Aggregates over targets; `prefix` is "targets__" when counting from waves."""
    p = prefix
    pk = f"{p}id" if p else "id"

    def c(q: Q) -> Count:
        return Count(pk, filter=q)

    return {
        "targets": c(Q(**{f"{p}status__in": CALLABLE_STATUSES})),
        "reached": c(
            Q(**{f"{p}status": TargetStatus.DONE, f"{p}last_result": AttemptResult.REACHED})
        ),
        "reassuring": c(Q(**{f"{p}outcome": Outcome.REASSURING})),
        "needs_follow_up": c(Q(**{f"{p}outcome": Outcome.NEEDS_FOLLOW_UP})),
        "not_reached": c(Q(**{f"{p}status": TargetStatus.NOT_REACHED})),
        "refused": c(
            Q(**{f"{p}status": TargetStatus.DONE, f"{p}last_result": AttemptResult.REFUSED})
        ),
        "remaining": c(Q(**{f"{p}status__in": OPEN_TARGET_STATUSES})),
        "callbacks": c(Q(**{f"{p}status": TargetStatus.CALLBACK})),
        "no_phone": c(Q(**{f"{p}status": TargetStatus.NO_PHONE})),
        "excluded": c(Q(**{f"{p}status": TargetStatus.EXCLUDED})),
        # Households that left their dwelling: out of every queue, apart from the figures.
        "departed": c(Q(**{f"{p}status": TargetStatus.DEPARTED})),
    }


def campaign_stats(campaign: Campaign, *, sensitive: bool = True) -> dict[str, Any]:
    """Progress of a campaign, overall, per wave and per caller, in two aggregate queries.

    `reached` counts households reached with an outcome; targets = reached + refused +
    not_reached + remaining. `needs` per kind hides health needs unless `sensitive`.
    Households come from the targets (one pass; the totals are the waves' sums: every
    target is in one wave of its campaign); calls and needs from the per-caller counters
    (vigie/campaigns/counters.py), never from the millions of calls themselves.
    """
    waves = [
        {
            "id": w.pk,
            "name": w.name,
            "priority": w.priority,
            "paused": w.paused,
            **{k: getattr(w, f"n_{k}") for k in _counts()},
        }
        for w in Wave.objects.filter(campaign=campaign)
        .annotate(**{f"n_{k}": v for k, v in _counts("targets__").items()})
        .order_by("priority", "id")
    ]
    totals = {k: sum(w[k] for w in waves) for k in _counts()}
    by_caller: dict[str, dict[str, int]] = {}
    needs: dict[str, int] = {}
    for row in counter_rows(campaign):
        if row["metric"] == CounterMetric.ATTEMPTS:
            c = by_caller.setdefault(
                row["caller__username"] or "",
                {"attempts": 0, "reached": 0, "reassuring": 0, "needs_follow_up": 0},
            )
            c["attempts"] += row["n"]
            if row["result"] == AttemptResult.REACHED:
                c["reached"] += row["n"]
            if row["outcome"] == Outcome.REASSURING:
                c["reassuring"] += row["n"]
            elif row["outcome"] == Outcome.NEEDS_FOLLOW_UP:
                c["needs_follow_up"] += row["n"]
        elif row["metric"] == CounterMetric.NEEDS and (
            sensitive or row["need"] not in SENSITIVE_NEEDS
        ):
            needs[row["need"]] = needs.get(row["need"], 0) + row["n"]
    callers = [
        {"username": name, **c}
        for name, c in sorted(by_caller.items(), key=lambda kv: (kv[0] == "", kv[0]))
        if c["attempts"]  # deleted accounts ("") last
    ]
    return {
        **totals,
        "waves": waves,
        "callers": callers,
        "needs": {k: n for k, n in sorted(needs.items()) if n},
    }


def _target_list(campaign: Campaign) -> QuerySet[Target]:
    return (
        Target.objects.filter(campaign=campaign)
        .select_related(
            "wave", "household__dwelling__residence__agency", "household__dwelling__commune"
        )
        .prefetch_related(
            Prefetch("household__occupants", queryset=Occupant.objects.order_by("position", "id"))
        )
    )


# Sortable columns (core/ordering.py) of the campaign pages' lists; the visit lists' exports
# sort as their page does.
CAMPAIGN_COLUMNS = {
    "created": ("created_at", "pk"),
    "name": ("name", "pk"),
    "status": ("status", "-created_at", "pk"),
    "as_of": ("as_of", "pk"),
    "targets": ("n_targets", "pk"),
    "remaining": ("n_remaining", "pk"),
}
VISIT_LIST_COLUMNS = {
    "agency": (
        "household__dwelling__residence__agency__name",
        "household__dwelling__address",
        "pk",
    ),
    "address": ("household__dwelling__address", "pk"),
    "reference": ("household__reference", "pk"),
    "attempts": ("attempts_count", "pk"),
    "last": ("last_attempt_at", "pk"),
}
CALLBACK_COLUMNS = {
    "due": ("due_at", "pk"),
    "household": ("household__reference", "pk"),
    "caller": ("preferred_caller__username", "due_at", "pk"),
}


def not_reached_list(campaign: Campaign) -> QuerySet[Target]:
    """Households to visit: not reached after the last try, by agency and address."""
    return (
        _target_list(campaign)
        .filter(status=TargetStatus.NOT_REACHED)
        .order_by(
            "household__dwelling__residence__agency__name", "household__dwelling__address", "id"
        )
    )


def no_phone_list(campaign: Campaign) -> QuerySet[Target]:
    """Households without a usable phone: for a visit or a letter."""
    return (
        _target_list(campaign)
        .filter(status=TargetStatus.NO_PHONE)
        .order_by(
            "household__dwelling__residence__agency__name", "household__dwelling__address", "id"
        )
    )


def caller_sheet(
    campaign: Campaign, caller: User, *, n: int = 30, now: datetime | None = None
) -> list[Target]:
    """The next `n` households this caller would get, in queue order, for a printed sheet.

    Nothing is claimed: paper outcomes are entered afterwards with
    `attempt_record(..., from_paper=True)`.
    """
    now = now or timezone.now()
    qs = queue_ordered(
        _target_list(campaign).filter(due_q(campaign=campaign, caller=caller, now=now)), caller
    )
    return list(qs[:n])


def target_attempts(target: Target) -> QuerySet[Attempt]:
    return (
        Attempt.objects.filter(target=target).select_related("caller").order_by("started_at", "id")
    )


def household_attempts(household: Household) -> QuerySet[Attempt]:
    """Every call to a household, across campaigns (for the console's history)."""
    return (
        Attempt.objects.filter(target__household=household)
        .select_related("caller", "campaign")
        .order_by("-started_at", "-id")
    )


def household_open_needs(household: Household, *, sensitive: bool) -> QuerySet[Need]:
    qs = Need.objects.filter(household=household, status=NeedStatus.OPEN)
    if not sensitive:
        qs = qs.exclude(kind__in=SENSITIVE_NEEDS)
    return qs.order_by("-created_at")


def wave_plan(
    *,
    campaign: Campaign,
    callers: int,
    call_minutes: float,
    hours_per_day: float,
    start: date | None = None,
    attempts_per_household: float = 1.0,
    counts: dict[str, int] | None = None,
) -> list[dict[str, Any]]:
    """When each wave should be done with N callers, waves called one after another.

    Uses the households still to call if the list is built, else a preview of the build (or
    `counts` {wave name: households}). `attempts_per_household` > 1 accounts for retries.
    Days are calendar days: in a crisis the team calls every day.
    """
    if callers < 1 or call_minutes <= 0 or hours_per_day <= 0:
        raise ValueError("callers, call_minutes and hours_per_day must be positive")
    start = start or timezone.localdate()
    if counts is None:
        if Target.objects.filter(campaign=campaign).exists():
            stats = campaign_stats(campaign)
            counts = {w["name"]: w["remaining"] for w in stats["waves"]}
        else:
            from vigie.campaigns.services import campaign_preview

            counts = {w["name"]: w["targets"] for w in campaign_preview(campaign=campaign)["waves"]}
    calls_per_day = callers * hours_per_day * 60 / call_minutes
    out = []
    done_calls = 0.0
    for wave in campaign.waves.order_by("priority", "id"):
        households = counts.get(wave.name, 0)
        calls = households * attempts_per_household
        done_calls += calls
        days = math.ceil(done_calls / calls_per_day) if done_calls else 0
        out.append(
            {
                "wave": wave.name,
                "priority": wave.priority,
                "households": households,
                "calls": round(calls),
                "days_from_start": days,
                "finish_date": start + timedelta(days=max(days - 1, 0)),
            }
        )
    return out


@register_provider
def call_timeline(user: User, household: Household) -> list[TimelineEntry]:
    """The household's calls on its timeline; notes only with call.notes_view."""
    if not user.has_org_perm(Perm.CAMPAIGN_VIEW, household.organisation_id):
        return []
    notes = user.has_org_perm(Perm.CALL_NOTES_VIEW, household.organisation_id)
    sensitive = may_see_health(user, household)
    entries = []
    # Through the scoping: the calls of a campaign with a disability wave are withheld from a
    # role without health data (decision 0010) — "called in it" would say the household's health.
    attempts = (
        Attempt.objects.visible_to(user, Perm.CAMPAIGN_VIEW)
        .filter(target__household=household)
        .select_related("caller", "campaign")
        .order_by("-started_at", "-id")
    )
    for a in attempts:
        needs = [n for n in a.needs if sensitive or n not in SENSITIVE_NEEDS]
        title = _("Appel (%(campaign)s) : %(result)s") % {
            "campaign": a.campaign.name,
            "result": AttemptResult(a.result).label,
        }
        if a.outcome:
            title += f" — {Outcome(a.outcome).label}"
        entries.append(
            TimelineEntry(
                at=a.started_at,
                kind="call",
                title=title,
                detail=a.notes if notes else "",
                tags=[str(NeedKind(n).label) for n in needs]
                + ([a.caller.username] if a.caller else []),
            )
        )
    return entries


def campaign_results(user: Any, pk: int) -> tuple[Campaign, QuerySet[Target]]:
    """A campaign its manager exports, and its targets with what the export shows, in a few
    queries whatever their number (needs raised in this campaign prefetched)."""
    campaign = get_object_or_404(
        Campaign.objects.visible_to(user, Perm.CAMPAIGN_MANAGE).select_related("organisation"),
        pk=pk,
    )
    targets = (
        Target.objects.visible_to(user, Perm.CAMPAIGN_MANAGE)
        .filter(campaign=campaign)
        .select_related("wave", "household__dwelling__commune")
        .prefetch_related(
            "household__occupants",
            Prefetch(
                "attempts",
                queryset=Attempt.objects.prefetch_related("raised_needs").order_by("started_at"),
            ),
        )
        .order_by("wave__priority", "household__reference")
    )
    return campaign, targets


def wave_filter_names(waves: list[Wave]) -> dict[str, dict[Any, str]]:
    """Names of the agencies, residences and communes the waves' filters name by id."""
    from vigie.housing.models import Agency, Commune, Residence

    wanted: dict[str, set[Any]] = {"agency_ids": set(), "residence_ids": set(), "communes": set()}
    for w in waves:
        for key, ids in wanted.items():
            ids.update((w.filters or {}).get(key) or [])
    org_ids = {w.organisation_id for w in waves}
    return {
        "agency_ids": dict(
            Agency.objects.filter(
                pk__in=wanted["agency_ids"], organisation_id__in=org_ids
            ).values_list("pk", "name")
        ),
        "residence_ids": dict(
            Residence.objects.filter(
                pk__in=wanted["residence_ids"], organisation_id__in=org_ids
            ).values_list("pk", "name")
        ),
        "communes": dict(
            Commune.objects.filter(insee_code__in=wanted["communes"]).values_list(
                "insee_code", "name"
            )
        ),
    }


# --- The campaign pages: list counts, callers, callbacks, printed sheets ------------------------

UserModel = get_user_model()


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
        UserModel.objects.filter(
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
    for held in (
        Target.objects.filter(
            campaign=campaign, status=TargetStatus.CLAIMED, claim_expires_at__gt=now
        )
        .values("claimed_by")
        .annotate(n=Count("id"))
        .order_by()
    ):
        out.setdefault(held["claimed_by"], {})["claimed"] = held["n"]
    # Not reached and needs raised: from the per-caller counters (vigie/campaigns/counters.py),
    # not from the campaign's calls (millions, late on).
    for counted in counter_rows(campaign, (CounterMetric.NOT_REACHED, CounterMetric.NEEDS)):
        key = "not_reached" if counted["metric"] == CounterMetric.NOT_REACHED else "needs"
        mine = out.setdefault(counted["caller_id"], {})
        mine[key] = mine.get(key, 0) + counted["n"]
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


def caller_settings(user: Any) -> CallerSettings:
    """The caller's console settings (the defaults, unsaved, when never changed)."""
    found = CallerSettings.objects.filter(user_id=user.pk).first()
    return found if found is not None else CallerSettings(user_id=user.pk)


def campaign_build_for(campaign: Campaign, pk: int) -> CampaignBuild:
    """One background build of this campaign (404 for another campaign's)."""
    return get_object_or_404(CampaignBuild.objects.filter(campaign=campaign), pk=pk)


def campaign_build_latest(campaign: Campaign) -> CampaignBuild | None:
    """The campaign's most recent background build, if any."""
    return CampaignBuild.objects.filter(campaign=campaign).order_by("-created_at", "-pk").first()
