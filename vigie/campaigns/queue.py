"""The call queue: hand each caller the next due household, never the same one to two callers.

A claim is a lease: `claimed_by` + `claim_expires_at`. A target can be taken when it is due and
either free or its lease has expired (the caller walked away). Two engines, one rule:

- PostgreSQL: `SELECT … FOR UPDATE SKIP LOCKED` — concurrent callers skip each other's rows
  instead of queueing behind them;
- SQLite: the transaction is IMMEDIATE (settings), so claimers take the write lock at BEGIN and
  run one at a time; the UPDATE repeats the eligibility test in its WHERE clause and we check
  its row count, so a row taken meanwhile is never taken twice.

A household marked departed (a full import, docs/import.md) is never handed out: the import
moves its targets to "departed" in its own transaction, and the claim checks the household too,
for a target a concurrent build wrote meanwhile.

Order: callbacks promised by this caller first (an appointment is an appointment), then wave
priority (lower first), then due time, then build order.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.campaigns.choices import TARGET_CLAIM_SOURCES, CampaignStatus, TargetStatus
from vigie.campaigns.models import Campaign, PausedCaller, Target, Wave
from vigie.campaigns.transitions import TARGET
from vigie.core import transitions
from vigie.core.errors import ConflictError, PermissionDeniedError
from vigie.core.permissions import Perm
from vigie.housing.models import Household

if TYPE_CHECKING:
    from vigie.accounts.models import User

# The claim's move, read off the target's table (choices.TARGET_TRANSITIONS): to "claimed",
# from a due pending or callback target, or from a claim whose lease expired. The claim is one
# SQL statement (decision 0009), so it cannot go through `transitions.move`; its statuses come
# from the same table, and campaigns/tests/test_transitions.py checks they agree.
CLAIM_TO = TargetStatus.CLAIMED
CLAIM_FROM_DUE = tuple(s for s in TARGET_CLAIM_SOURCES if s != CLAIM_TO)
CLAIM_FROM_EXPIRED = CLAIM_TO in TARGET_CLAIM_SOURCES

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


def due_q(*, campaign: Campaign, caller: User, now: datetime) -> Q:
    """Targets the queue may hand `caller` now: due, free (or lease expired), not held for
    someone else, household not departed (the same test as `_claim_sql`, as a Q)."""
    active_waves = Wave.objects.filter(campaign=campaign, paused=False).values("pk")
    return (
        Q(campaign=campaign, wave_id__in=active_waves, due_at__lte=now)
        & (
            Q(status__in=CLAIM_FROM_DUE)
            | (Q(status=CLAIM_TO, claim_expires_at__lt=now) if CLAIM_FROM_EXPIRED else Q(pk__in=[]))
        )
        & (
            Q(preferred_caller__isnull=True)
            | Q(preferred_caller=caller)
            | Q(preferred_until__lte=now)
        )
        & Q(household__departed_on__isnull=True)
    )


def queue_ordered(qs, caller: User):
    """Queue order for a list (the printed call sheet): this caller's callbacks first."""
    mine = Case(
        When(preferred_caller=caller, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.annotate(_mine=mine).order_by("_mine", "priority", "due_at", "id")


def _check_can_take(campaign: Campaign, caller: User) -> None:
    if not caller.has_org_perm(Perm.CALL_TAKE, campaign.organisation_id):
        raise PermissionDeniedError(
            _(
                "Vous n'êtes pas chargé·e de veille pour ce bailleur : vous ne pouvez pas prendre d'appels."
            )
        )
    if campaign.status != CampaignStatus.RUNNING:
        raise ConflictError(
            _("La campagne « %(name)s » est %(status)s : aucun appel n'est distribué.")
            % {"name": campaign.name, "status": campaign.get_status_display()}
        )
    if campaign.caller_paused:  # read with the campaign by _fresh_campaign
        raise ConflictError(
            _("Votre responsable vous a mis·e en pause sur la campagne « %(name)s ».")
            % {"name": campaign.name}
        )


def held_claim(
    *, campaign: Campaign, caller: User, now: datetime | None = None, targets: Any = None
) -> Target | None:
    """The target this caller holds a live claim on, if any (e.g. after reloading the page).

    `targets`: the queryset to read it from (the console's, with what it shows joined in).
    """
    now = now or timezone.now()
    return (
        (Target.objects.all() if targets is None else targets)
        .filter(
            campaign=campaign,
            status=TargetStatus.CLAIMED,
            claimed_by=caller,
            claim_expires_at__gt=now,
        )
        .order_by("claimed_at")
        .first()
    )


def next_call(
    *, campaign: Campaign, caller: User, now: datetime | None = None, skip: int | None = None
) -> Target | None:
    """Claim and return the caller's next call, or None when nothing is due for them.

    `skip`: a target not to hand out this time (the one the caller just gave back, so that
    "Appel suivant" brings another household; the console asks again without it when no
    other is due).

    A caller holding a live claim gets that same target back (lease renewed): reloading the
    console never strands a household. Two statements, written in SQL because the claim is the
    hottest path of a campaign (bench/bench_next_call.py): the campaign with its status and
    whether this caller is paused, then one `UPDATE … RETURNING` that renews or takes a claim.
    """
    now = now or timezone.now()
    campaign = _fresh_campaign(campaign.pk, caller)
    _check_can_take(campaign, caller)
    expires = now + timedelta(minutes=campaign.claim_minutes)
    skip_locked = connection.features.has_select_for_update_skip_locked
    sql, params = _claim_sql(
        campaign=campaign,
        caller=caller,
        now=now,
        expires=expires,
        skip_locked=skip_locked,
        skip=skip,
    )
    if skip_locked:  # PostgreSQL: one statement, concurrent claimers skip each other's rows
        claimed = list(Target.objects.raw(sql, params))
    else:
        with transaction.atomic():  # SQLite: IMMEDIATE, claimers take turns (decision 0002)
            claimed = list(Target.objects.raw(sql, params))
    return claimed[0] if claimed else None


def _fresh_campaign(pk: int, caller: User) -> Campaign:
    """The campaign as it is now (status, lease length), with `caller_paused` for this caller."""
    q = connection.ops.quote_name
    found = list(
        Campaign.objects.raw(
            f"SELECT c.*, EXISTS (SELECT 1 FROM {q(PausedCaller._meta.db_table)} p "  # nosec B608 (table/column names from the models)
            "WHERE p.campaign_id = c.id AND p.user_id = %s) AS caller_paused "
            f"FROM {q(Campaign._meta.db_table)} c WHERE c.id = %s",
            [caller.pk, pk],
        )
    )
    if not found:
        raise Campaign.DoesNotExist(f"Campaign {pk} does not exist.")
    return found[0]


def _claim_sql(
    *,
    campaign: Campaign,
    caller: User,
    now: datetime,
    expires: datetime,
    skip_locked: bool,
    skip: int | None = None,
) -> tuple[str, list[Any]]:
    """One `UPDATE … RETURNING` that renews the caller's live claim or takes the next due target.

    The pick is a union of small probes, each an index walk that stops at its first eligible
    row: the claim this caller already holds (index `target_claims`), the caller's own
    callbacks (index `target_preferred`), then pending, callback and expired claims in
    queue order (index `target_queue_order`: campaign, status, priority, due_at, id). A single
    `ORDER BY` over every due row would sort the whole queue (~120,000 rows at the largest
    landlords) at each claim.
    """
    table = connection.ops.quote_name(Target._meta.db_table)
    waves = connection.ops.quote_name(Wave._meta.db_table)
    households = connection.ops.quote_name(Household._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    cols = ", ".join(connection.ops.quote_name(f.column) for f in Target._meta.concrete_fields)
    now = connection.ops.adapt_datetimefield_value(now)
    expires = connection.ops.adapt_datetimefield_value(expires)
    active = f"wave_id IN (SELECT id FROM {waves} WHERE campaign_id = %s AND NOT paused)"  # nosec B608 (table/column names from the models)
    # The household has not left (one primary-key probe per candidate row).
    present = (
        f"NOT EXISTS (SELECT 1 FROM {households} h WHERE h.id = {table}.household_id "  # nosec B608 (table/column names from the models)
        "AND h.departed_on IS NOT NULL)"
    )
    free = (
        "(preferred_caller_id IS NULL OR preferred_caller_id = %s OR preferred_until <= %s) "
        f"AND {present}"
    )
    due_params = [campaign.pk, caller.pk, now]
    if skip is not None:
        free += " AND id <> %s"
        due_params.append(skip)
    held = "campaign_id = %s AND claimed_by_id = %s AND status = %s AND claim_expires_at > %s"
    held_params = [campaign.pk, caller.pk, CLAIM_TO, now]
    # (rank, where, params, order): lower rank first.
    due_in = ", ".join(["%s"] * len(CLAIM_FROM_DUE))
    expired = " OR (status = %s AND claim_expires_at < %s)" if CLAIM_FROM_EXPIRED else ""
    expired_params = [CLAIM_TO, now] if CLAIM_FROM_EXPIRED else []
    probes: list[tuple[int, str, list[Any], str]] = [
        # The claim this caller holds (e.g. the console reloaded): the same household again.
        (-1, held, held_params, "claimed_at, id"),
        # This caller's callbacks first (an appointment is an appointment).
        (
            0,
            "preferred_caller_id = %s AND campaign_id = %s AND due_at <= %s "
            f"AND (status IN ({due_in}){expired}) "
            f"AND {active} AND {free}",
            [caller.pk, campaign.pk, now, *CLAIM_FROM_DUE, *expired_params, *due_params],
            "priority, due_at, id",
        ),
    ]
    # Then, in queue order, one probe per status the claim takes a target from.
    for status in CLAIM_FROM_DUE:
        probes.append(
            (
                1,
                f"campaign_id = %s AND status = %s AND due_at <= %s AND {active} AND {free}",
                [campaign.pk, status, now, *due_params],
                "priority, due_at, id",
            )
        )
    if CLAIM_FROM_EXPIRED:
        probes.append(
            (
                1,
                "campaign_id = %s AND status = %s AND due_at <= %s AND claim_expires_at < %s "
                f"AND {active} AND {free}",
                [campaign.pk, CLAIM_TO, now, now, *due_params],
                "priority, due_at, id",
            )
        )
    parts, params = [], []
    for n, (rank, where, where_params, order) in enumerate(probes):
        parts.append(
            f"SELECT * FROM (SELECT id, {rank} AS pick_rank, priority, due_at FROM {table} "  # nosec B608 (table/column names from the models)
            f"WHERE {where} ORDER BY {order} LIMIT 1{lock}) p{n}"
        )
        params += where_params
    pick = (
        "SELECT id FROM (" + " UNION ALL ".join(parts) + ") c "  # nosec B608 (table/column names from the models)
        "ORDER BY pick_rank, priority, due_at, id LIMIT 1"
    )
    # A renewed claim keeps its start (the attempt's start time); a new one starts now.
    sql = (
        f"UPDATE {table} SET claimed_at = CASE WHEN {held} THEN claimed_at ELSE %s END, "  # nosec B608 (table/column names from the models)
        f"status = %s, claimed_by_id = %s, claim_expires_at = %s "
        f"WHERE id = ({pick}) RETURNING {cols}"
    )
    return sql, [*held_params, now, CLAIM_TO, caller.pk, expires, *params]


@transaction.atomic
def claim_release(*, actor: User | None, target: Target, now: datetime | None = None) -> Target:
    """Give a claimed target back to the queue untouched (the caller skips it)."""
    now = now or timezone.now()
    target = transitions.lock(TARGET, target)
    if target.status != TargetStatus.CLAIMED or target.claimed_by_id != getattr(actor, "pk", None):
        raise ConflictError(_("Cet appel ne vous est pas (ou plus) attribué : rien à rendre."))

    def drop_claim(t: Target) -> None:
        t.claimed_by = None
        t.claimed_at = None
        t.claim_expires_at = None

    return transitions.move(
        TARGET,
        target,
        to=TargetStatus.CALLBACK if target.preferred_caller_id else TargetStatus.PENDING,
        actor=actor,
        action="target.released",
        apply=drop_claim,
    )
