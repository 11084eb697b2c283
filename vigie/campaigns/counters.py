"""Per-caller counters of a campaign's calls: how the stats and the dashboard stay fast.

Counting 5 million calls on every dashboard refresh takes seconds; reading the few hundred
counter rows takes milliseconds (docs/decisions/0008-campaign-counters.md). The counters are
kept true by the services that create, change or erase what they count, in the same
transaction:

- `attempt_record` — a call: +1 `attempts` (caller, result, outcome), +1 `needs` per need
  raised, and +1 `not_reached` for every caller who tried the household when this call makes
  it not reached;
- `target_exclude` — a not-reached household taken out of the list: −1 `not_reached` for each
  caller who tried it;
- the erasure of a household's calls (`campaigns.privacy.erase_calls`) — its needs are deleted:
  −1 `needs` each.

Anything else that writes calls or needs behind the services' back (raw SQL, a bulk load, the
admin) must be followed by `vigie rebuild_counters`, which recounts them from the calls.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Sum

from vigie.campaigns.choices import CounterMetric, TargetStatus
from vigie.campaigns.models import Attempt, Campaign, CampaignCounter, Need, Target

# (organisation, campaign, caller, metric, result, outcome, need): a counter row's key.
Key = tuple[int, int, int | None, str, str, str, str]

_TABLE = CampaignCounter._meta.db_table
_KEY_COLUMNS = (
    "organisation_id",
    "campaign_id",
    "caller_id",
    "metric",
    "result",
    "outcome",
    "need",
)


def counters_add(deltas: Iterable[tuple[Key, int]]) -> None:
    """Add each delta to its counter row, creating the row if needed (one upsert per row).

    Rows are written in key order, so that two transactions touching the same rows (a
    household several callers tried becomes not reached) take their locks in the same order
    and cannot deadlock. `count = count + delta` runs in the database: concurrent callers never
    lose an update, and the row of a caller is only locked by that caller's own calls.
    """
    total: Counter[Key] = Counter()
    for key, delta in deltas:
        total[key] += delta
    rows = sorted(
        ((k, n) for k, n in total.items() if n),
        key=lambda kn: (kn[0][:2], kn[0][2] or 0, kn[0][3:]),
    )
    if not rows:
        return
    columns = ", ".join(_KEY_COLUMNS)
    sql = (
        f"INSERT INTO {_TABLE} ({columns}, count) "  # noqa: S608  # nosec B608 (table/column names from the models)
        f"VALUES ({', '.join(['%s'] * (len(_KEY_COLUMNS) + 1))}) "
        f"ON CONFLICT ({columns}) DO UPDATE SET count = {_TABLE}.count + excluded.count"
    )
    with connection.cursor() as cur:
        for key, n in rows:
            cur.execute(sql, [*key, n])


def attempt_deltas(attempt: Attempt, needs: Iterable[str]) -> list[tuple[Key, int]]:
    """What a newly recorded call adds: its result and outcome, and each need it raised."""
    base = (attempt.organisation_id, attempt.campaign_id, attempt.caller_id)
    out: list[tuple[Key, int]] = [
        ((*base, CounterMetric.ATTEMPTS, attempt.result, attempt.outcome or "", ""), 1)
    ]
    out += [((*base, CounterMetric.NEEDS, "", "", str(kind)), 1) for kind in needs]
    return out


def not_reached_deltas(target: Target, sign: int) -> list[tuple[Key, int]]:
    """A household entering (+1) or leaving (−1) the not-reached list, for each caller who
    tried it (the dashboard's "injoignables" per caller)."""
    callers = (
        Attempt.objects.filter(target_id=target.pk)
        .values_list("caller_id", flat=True)
        .distinct()
        .order_by()
    )
    return [
        (
            (
                target.organisation_id,
                target.campaign_id,
                caller_id,
                CounterMetric.NOT_REACHED,
                "",
                "",
                "",
            ),
            sign,
        )
        for caller_id in set(callers)
    ]


def needs_removed_deltas(needs) -> list[tuple[Key, int]]:
    """What deleting these needs takes off (only needs raised during a call are counted)."""
    rows = (
        needs.filter(attempt__isnull=False)
        .values("attempt__organisation_id", "attempt__campaign_id", "attempt__caller_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        (
            (
                r["attempt__organisation_id"],
                r["attempt__campaign_id"],
                r["attempt__caller_id"],
                CounterMetric.NEEDS,
                "",
                "",
                r["kind"],
            ),
            -r["n"],
        )
        for r in rows
    ]


# --- Reading -----------------------------------------------------------------------------------


def counter_rows(campaign: Campaign, metrics: Iterable[str] = ()) -> list[dict[str, Any]]:
    """The campaign's counters (only `metrics` if given), summed per key (after a caller's
    account is deleted, several rows share a NULL caller), with the caller's username; zero
    rows left out."""
    qs = CampaignCounter.objects.filter(campaign=campaign)
    if metrics:
        qs = qs.filter(metric__in=list(metrics))
    return [
        r
        for r in qs.values("caller_id", "caller__username", "metric", "result", "outcome", "need")
        .annotate(n=Sum("count"))
        .order_by()
        if r["n"]
    ]


# --- Recounting from the calls -----------------------------------------------------------------

_A = Attempt._meta.db_table
_N = Need._meta.db_table
_T = Target._meta.db_table


def _rebuild_statements(campaign_id: int | None) -> list[tuple[str, list[Any]]]:
    """Set-based SQL: delete the counters, then one INSERT … SELECT … GROUP BY per metric."""
    columns = ", ".join((*_KEY_COLUMNS, "count"))
    where_a = "WHERE a.campaign_id = %s" if campaign_id else ""
    where_t = "AND t.campaign_id = %s" if campaign_id else ""
    one = [campaign_id] if campaign_id else []
    delete = f"DELETE FROM {_TABLE}" + (" WHERE campaign_id = %s" if campaign_id else "")  # nosec B608 (table/column names from the models)
    attempts = (
        f"INSERT INTO {_TABLE} ({columns}) "  # noqa: S608  # nosec B608 (table/column names from the models)
        f"SELECT a.organisation_id, a.campaign_id, a.caller_id, '{CounterMetric.ATTEMPTS.value}', "
        f"a.result, a.outcome, '', COUNT(*) FROM {_A} a {where_a} "
        "GROUP BY a.organisation_id, a.campaign_id, a.caller_id, a.result, a.outcome"
    )
    needs = (
        f"INSERT INTO {_TABLE} ({columns}) "  # noqa: S608  # nosec B608 (table/column names from the models)
        f"SELECT a.organisation_id, a.campaign_id, a.caller_id, '{CounterMetric.NEEDS.value}', "
        f"'', '', n.kind, COUNT(*) FROM {_N} n JOIN {_A} a ON a.id = n.attempt_id {where_a} "
        "GROUP BY a.organisation_id, a.campaign_id, a.caller_id, n.kind"
    )
    # Households not reached, once per caller who tried them (DISTINCT pairs first: a
    # household tried 40 times by the same caller counts once).
    not_reached = (
        f"INSERT INTO {_TABLE} ({columns}) "  # noqa: S608  # nosec B608 (table/column names from the models)
        f"SELECT t.organisation_id, t.campaign_id, x.caller_id, "
        f"'{CounterMetric.NOT_REACHED.value}', '', '', '', COUNT(*) "
        f"FROM (SELECT DISTINCT a.target_id, a.caller_id FROM {_A} a {where_a}) x "
        f"JOIN {_T} t ON t.id = x.target_id "
        f"WHERE t.status = '{TargetStatus.NOT_REACHED.value}' {where_t} "
        "GROUP BY t.organisation_id, t.campaign_id, x.caller_id"
    )
    return [(delete, one), (attempts, one), (needs, one), (not_reached, one + one)]


@transaction.atomic
def counters_rebuild(*, campaign_id: int | None = None) -> int:
    """Recount the counters of one campaign (or all) from the calls; returns the rows written.

    Safe while calls are being recorded. On PostgreSQL the counters table is locked first
    (EXCLUSIVE: readers go on, writers wait): a call committed before the lock is in the
    recount, a call still in flight writes its +1 after the recount commits — never twice,
    never lost. On SQLite the transaction holds the database's write lock from the start.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute(f"LOCK TABLE {_TABLE} IN EXCLUSIVE MODE")
    with connection.cursor() as cur:
        for sql, params in _rebuild_statements(campaign_id):
            cur.execute(sql, params)
    qs = CampaignCounter.objects.all()
    if campaign_id is not None:
        qs = qs.filter(campaign_id=campaign_id)
    return qs.count()


def recount(campaign: Campaign) -> dict[Key, int]:
    """What the counters should hold, counted from the calls (for tests and checks)."""
    out: Counter[Key] = Counter()
    for a in (
        Attempt.objects.filter(campaign=campaign)
        .values("organisation_id", "caller_id", "result", "outcome")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (a["organisation_id"], campaign.pk, a["caller_id"], CounterMetric.ATTEMPTS.value)
        out[(*key, a["result"], a["outcome"], "")] += a["n"]
    for n in (
        Need.objects.filter(attempt__campaign=campaign)
        .values("attempt__organisation_id", "attempt__caller_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    ):
        key = (n["attempt__organisation_id"], campaign.pk, n["attempt__caller_id"])
        out[(*key, CounterMetric.NEEDS.value, "", "", n["kind"])] += n["n"]
    for t in (
        Target.objects.filter(campaign=campaign, status=TargetStatus.NOT_REACHED)
        .filter(attempts__isnull=False)
        .values("organisation_id", "attempts__caller")
        .annotate(n=Count("id", distinct=True))
        .order_by()
    ):
        key = (t["organisation_id"], campaign.pk, t["attempts__caller"])
        out[(*key, CounterMetric.NOT_REACHED.value, "", "", "")] += t["n"]
    return {k: v for k, v in out.items() if v}


def current(campaign: Campaign) -> dict[Key, int]:
    """What the counters hold now, summed per key, zeros left out (to compare with recount)."""
    out: Counter[Key] = Counter()
    for c in CampaignCounter.objects.filter(campaign=campaign):
        key = (c.organisation_id, c.campaign_id, c.caller_id, c.metric)
        out[(*key, c.result, c.outcome, c.need)] += c.count
    return {k: v for k, v in out.items() if v}
