"""Reports at the largest landlord's scale: the dashboard, a map and the early-warning run.

    python bench/bench_reports.py [--households 350000] [--attempts 5000000] [--postgres]

Builds a scratch database (SQLite file in bench/work/, or PostgreSQL `bench_reports` on the
cluster of `make pg-start` with --postgres) with set-based SQL — no ORM loop, no import: 1,000
residences in 60 communes of the five départements, 3,000 buildings (a third without a lift),
`households` households and dwellings (ages, composition, disability, arrears spread
deterministically), one campaign with a target per household, `attempts` attempts, 200,000
needs, 20,000 referrals, 5,000 tickets with their reports. Then times, as a manager:
  dashboard  selectors.overview over 12 months (every table and chart of the page)
  map        selectors.map_values + the SVG choropleth, for each map figure
  alerts     services.alerts_run for the landlord (first run: every alert and task is raised)
and writes bench/results-reports.json. Targets (issue #16 §6): dashboard and map < 1 s, alert
run < 30 s. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    HERE,
    load_average,
    migrate,
    peak_rss_mb,
    pg_recreate,
    pg_url,
    setup_django,
    sqlite_remove,
    sqlite_url,
)

TODAY = date(2026, 6, 15)
COMMUNES = [
    "31555", "31149", "31069", "31395", "31557", "31044", "31113", "31291", "31588", "31506",
    "81004", "81065", "81099", "81060", "81140", "81163", "81105", "81271", "81257", "81202",
    "82121", "82033", "82112", "82075", "82167", "82025", "82155", "82040", "82044", "82141",
    "11069", "11262", "11076", "11203", "11206", "11266", "11170", "11379", "11033", "11164",
    "34172", "34032", "34301", "34003", "34108", "34145", "34154", "34129", "34344", "34022",
    "31424", "31433", "31451", "31467", "31541", "31561", "31574", "31582", "31592", "31003",
]  # fmt: skip


def _series(pg: bool, n: int) -> str:
    if pg:
        return f"(SELECT g FROM generate_series(0, {n - 1}) AS s(g)) AS s"
    return (
        f"(WITH RECURSIVE s(g) AS (SELECT 0 UNION ALL SELECT g + 1 FROM s WHERE g < {n - 1}) "
        "SELECT g FROM s) AS s"
    )


def _ts(pg: bool, minutes_ago: str) -> str:
    """A timestamp `minutes_ago` (an SQL expression) before TODAY 10:00 (UTC)."""
    if pg:
        return f"(timestamptz '{TODAY} 10:00:00+00' - ({minutes_ago}) * interval '1 minute')"
    return (
        f"strftime('%Y-%m-%d %H:%M:%f', '{TODAY} 10:00:00', '-' || ({minutes_ago}) || ' minutes')"
    )


def _day(pg: bool, days_ago: str) -> str:
    if pg:
        return f"(date '{TODAY}' - ({days_ago})::int)"
    return f"date('{TODAY}', '-' || ({days_ago}) || ' days')"


def build(households: int, attempts: int) -> dict:
    from django.db import connection, transaction

    from vigie.accounts.services import user_create
    from vigie.campaigns.services import campaign_create
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role
    from vigie.housing.models import Agency, Commune, Residence

    pg = connection.vendor == "postgresql"
    t0 = time.perf_counter()
    org = Organisation.objects.create(
        slug="bench", name="Bailleur bench", kind=OrganisationKind.LANDLORD
    )
    manager = user_create(username="bench-manager", organisation=org, role=Role.MANAGER)
    partner_org = Organisation.objects.create(
        slug="bench-ccas", name="CCAS bench", kind=OrganisationKind.PARTNER
    )
    known = set(Commune.objects.filter(pk__in=COMMUNES).values_list("pk", flat=True))
    communes = [c for c in COMMUNES if c in known]
    agencies = Agency.objects.bulk_create(
        [Agency(organisation=org, name=f"Agence {i}") for i in range(8)]
    )
    Residence.objects.bulk_create(
        [
            Residence(
                organisation=org,
                agency=agencies[i % 8],
                name=f"Résidence {i:04d}",
                commune_id=communes[i % len(communes)],
            )
            for i in range(1000)
        ]
    )
    res_ids = list(
        Residence.objects.filter(organisation=org).order_by("pk").values_list("pk", "commune_id")
    )
    campaign = campaign_create(
        actor=manager,
        organisation=org,
        name="Veille bench",
        as_of=TODAY,
        waves=[{"name": "Tous", "cohorts": [], "priority": 1}],
    )
    wave = campaign.waves.get()
    T = "TRUE" if pg else "1"
    F = "FALSE" if pg else "0"
    now = _ts(pg, "0")
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_res")
        cur.execute(
            "CREATE TABLE bench_res (rn integer primary key, id bigint, commune varchar(5))"
        )
        cur.executemany(
            "INSERT INTO bench_res VALUES (%s, %s, %s)",
            [(i, pk, c) for i, (pk, c) in enumerate(res_ids)],
        )
        # Buildings: three per residence, one in three without a lift.
        cur.execute(
            "INSERT INTO housing_building (organisation_id, residence_id, name, has_lift) "
            f"SELECT {org.pk}, r.id, b.name, CASE WHEN (r.rn + b.k) % 3 = 0 THEN {F} ELSE {T} END "
            "FROM bench_res r CROSS JOIN (SELECT 0 AS k, 'A' AS name UNION ALL SELECT 1, 'B' "
            "UNION ALL SELECT 2, 'C') b"
        )
        cur.execute("DROP TABLE IF EXISTS bench_bld")
        cur.execute(
            "CREATE TABLE bench_bld AS SELECT b.id, r.rn * 3 + (CASE b.name WHEN 'A' THEN 0 "
            "WHEN 'B' THEN 1 ELSE 2 END) AS rn FROM housing_building b JOIN bench_res r "
            f"ON r.id = b.residence_id WHERE b.organisation_id = {org.pk}"
        )
        cur.execute("CREATE UNIQUE INDEX bench_bld_rn ON bench_bld (rn)")
        cur.execute(
            "INSERT INTO housing_dwelling (organisation_id, reference, residence_id, building_id, "
            "staircase, floor, door, type, address, postcode, commune_id) "
            f"SELECT {org.pk}, 'L' || g, r.id, b.id, CAST(g % 2 + 1 AS varchar(20)), "
            "CAST(g % 6 AS varchar(20)), CAST(g % 40 AS varchar(20)), 'T3', g || ' rue du Banc', "
            f"'31000', r.commune FROM {_series(pg, households)} "
            "JOIN bench_res r ON r.rn = s.g % 1000 JOIN bench_bld b ON b.rn = s.g % 3000"
        )
        # Households: ages spread 20–100, 1–3 adults, children, 3 % disability, 4 % arrears.
        birth = _day(pg, "(20 + (g * 7) % 80) * 365 + g % 300")
        cur.execute(
            "INSERT INTO housing_household (organisation_id, reference, dwelling_id, start_date, "
            "end_date, departed_on, departed_by_run_id, opted_out, anonymised_on, adults, "
            "children, oldest_adult_birth_date, has_disability, has_phone, search_text, version, "
            "created_at, updated_at, arrears_months) "
            f"SELECT {org.pk}, 'B' || g, d.id, {_day(pg, '400 + g % 5000')}, NULL, NULL, NULL, "
            f"{F}, NULL, CASE WHEN g % 5 = 0 THEN 2 ELSE 1 END, CASE WHEN g % 4 = 1 THEN 1 + g % 3 ELSE 0 END, "
            f"{birth}, CASE WHEN g % 33 = 0 THEN {T} ELSE {F} END, {T}, '', 1, {now}, {now}, "
            "CASE WHEN g % 25 = 0 THEN g % 4 WHEN g % 7 = 0 THEN NULL ELSE 0 END "
            f"FROM {_series(pg, households)} JOIN housing_dwelling d "
            f"ON d.organisation_id = {org.pk} AND d.reference = 'L' || g"
        )
        cur.execute("DROP TABLE IF EXISTS bench_hh")
        cur.execute(
            "CREATE TABLE bench_hh AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn "
            f"FROM housing_household WHERE organisation_id = {org.pk}"
        )
        cur.execute("CREATE UNIQUE INDEX bench_hh_rn ON bench_hh (rn)")
        # One target per household; 2 % not reached, 60 % done, the rest pending.
        cur.execute(
            "INSERT INTO campaigns_target (organisation_id, campaign_id, wave_id, household_id, "
            "cohorts, status, priority, due_at, attempts_count, last_result, last_attempt_at, "
            "outcome, created_at, updated_at) "
            f"SELECT {org.pk}, {campaign.pk}, {wave.pk}, h.id, '[]', "
            "CASE WHEN h.rn % 50 = 0 THEN 'not_reached' WHEN h.rn % 10 < 6 THEN 'done' "
            f"ELSE 'pending' END, 1, {now}, h.rn % 4, '', "
            f"CASE WHEN h.rn % 10 < 6 THEN {_ts(pg, '(h.rn % 400) * 1440')} ELSE NULL END, '', "
            f"{now}, {now} FROM bench_hh h"
        )
        cur.execute("DROP TABLE IF EXISTS bench_tg")
        cur.execute(
            "CREATE TABLE bench_tg AS SELECT id, row_number() OVER (ORDER BY id) - 1 AS rn "
            f"FROM campaigns_target WHERE campaign_id = {campaign.pk}"
        )
        cur.execute("CREATE UNIQUE INDEX bench_tg_rn ON bench_tg (rn)")
        n_targets = households
        step = 1_000_000
        for lo in range(0, attempts, step):
            n = min(step, attempts - lo)
            cur.execute(
                "INSERT INTO campaigns_attempt (organisation_id, campaign_id, target_id, "
                "caller_id, started_at, ended_at, result, outcome, needs, answers, notes, "
                f"callback_at) SELECT {org.pk}, {campaign.pk}, t.id, {manager.pk}, "
                f"{_ts(pg, f'(s.g + {lo}) % 500000')}, {_ts(pg, f'(s.g + {lo}) % 500000')}, "
                "CASE WHEN (s.g + t.rn) % 2 = 0 THEN 'reached' ELSE 'no_answer' END, '', '[]', "
                f"'{{}}', '', NULL FROM {_series(pg, n)} "
                f"JOIN bench_tg t ON t.rn = (s.g + {lo}) % {n_targets}"
            )
        cur.execute(
            "INSERT INTO campaigns_campaigncounter (organisation_id, campaign_id, caller_id, "
            "metric, result, outcome, need, count) "
            f"SELECT {org.pk}, {campaign.pk}, {manager.pk}, 'attempts', result, '', '', count(*) "
            f"FROM campaigns_attempt WHERE campaign_id = {campaign.pk} GROUP BY result"
        )
        kinds = "CASE g % 4 WHEN 0 THEN 'groceries' WHEN 1 THEN 'isolation' WHEN 2 THEN 'meal_delivery' ELSE 'financial_hardship' END"  # noqa: E501
        cur.execute(
            "INSERT INTO campaigns_need (organisation_id, household_id, attempt_id, kind, status, "
            "created_by_id, created_at, resolved_at) "
            f"SELECT {org.pk}, h.id, NULL, {kinds}, "
            "CASE WHEN g % 3 = 0 THEN 'resolved' ELSE 'open' END, NULL, "
            f"{_ts(pg, '(g % 500) * 1440')}, "
            f"CASE WHEN g % 3 = 0 THEN {_ts(pg, '(g % 500) * 1440 - (g % 20) * 1440')} END "
            f"FROM {_series(pg, 200_000)} JOIN bench_hh h ON h.rn = (s.g * 7) % {households}"
        )
    from vigie.actions.models import Partner

    partners = Partner.objects.bulk_create(
        [Partner(organisation=org, partner_organisation=partner_org, kind="ccas", name="CCAS")]
    )
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "INSERT INTO actions_referral (organisation_id, partner_id, partner_organisation_id, "
            "household_id, need_id, status, note, share_cohorts, share_disability, extra_notes, "
            "created_at, sent_at, closed_at, updated_at, version) "
            f"SELECT {org.pk}, {partners[0].pk}, {partner_org.pk}, n.household_id, n.id, "
            "CASE WHEN n.id % 5 = 0 THEN 'declined' WHEN n.id % 5 = 1 THEN 'done' ELSE 'sent' END, "
            f"'', {F}, {F}, '', n.created_at, n.created_at, "
            "CASE WHEN n.id % 5 < 2 THEN n.created_at END, n.created_at, 1 "
            f"FROM campaigns_need n WHERE n.organisation_id = {org.pk} AND n.id % 10 = 0"
        )
        cur.execute(
            "INSERT INTO actions_ticket (organisation_id, residence_id, agency_id, category, "
            "status, description, reports_count, opened_at, due_on, resolved_at, resolution, "
            "version, updated_at) "
            f"SELECT {org.pk}, r.id, res.agency_id, CASE (g / 1000) % 5 WHEN 0 THEN 'cleaning' "
            "WHEN 1 THEN 'lighting' WHEN 2 THEN 'lift' WHEN 3 THEN 'pests' ELSE 'other' END, "
            "CASE WHEN g % 4 = 0 THEN 'open' ELSE 'resolved' END, '', 1, "
            f"{_ts(pg, '(g % 300) * 1440')}, {_day(pg, '(g % 290)')}, "
            f"CASE WHEN g % 4 = 0 THEN NULL ELSE {_ts(pg, '(g % 300) * 1440 - 4320')} END, '', 1, "
            f"{now} FROM {_series(pg, 5000)} JOIN bench_res r ON r.rn = g % 1000 "
            "JOIN housing_residence res ON res.id = r.id"
        )
        cur.execute(
            "INSERT INTO actions_ticketreport (organisation_id, ticket_id, household_id, at, note) "
            f"SELECT {org.pk}, t.id, h.id, t.opened_at, '' FROM actions_ticket t "
            f"JOIN bench_hh h ON h.rn = (t.id * 13) % {households} WHERE t.organisation_id = {org.pk}"
        )
        if not pg:
            cur.execute("ANALYZE")
    if pg:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
    return {"org": org.pk, "manager": manager.pk, "seconds": round(time.perf_counter() - t0, 1)}


def reuse() -> dict:
    from vigie.accounts.models import User
    from vigie.actions.models import Task
    from vigie.core.models import Organisation
    from vigie.reports.models import Alert

    org = Organisation.objects.get(slug="bench")
    Alert.objects.filter(organisation=org).delete()
    Task.objects.filter(organisation=org).delete()
    manager = User.objects.get(username="bench-manager")
    return {"org": org.pk, "manager": manager.pk, "seconds": 0.0}


def timed(fn, repeat: int = 3) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - t)
    return round(best, 3), value


def measure(ids: dict) -> dict:
    from unittest import mock

    from django.utils import timezone

    from vigie.accounts.models import User
    from vigie.core.models import Organisation
    from vigie.reports import selectors, services, svg

    manager = User.objects.get(pk=ids["manager"])
    org = Organisation.objects.get(pk=ids["org"])
    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return TODAY if value is None else real(value, timezone)

    out: dict = {}
    with mock.patch("django.utils.timezone.localdate", side_effect=localdate):
        start = date(2025, 6, 15)
        out["dashboard_s"], data = timed(
            lambda: selectors.overview(manager, start=start, end=TODAY, today=TODAY)
        )
        out["dashboard_households"] = data["cohorts"]["total"]["households"]
        maps = {}
        for figure in selectors.MAP_FIGURES:

            def draw(figure=figure):
                data = selectors.map_data(manager, figure=figure, today=TODAY)
                return svg.choropleth(data["features"], data["points"], title=figure)

            maps[figure], _ = timed(draw)
        out["map_s"] = maps
        t = time.perf_counter()
        run = services.alerts_run(actor=manager, organisation=org, today=TODAY)
        out["alerts_run_s"] = round(time.perf_counter() - t, 2)
        out["alerts_raised"] = run["by_rule"]
        t = time.perf_counter()
        again = services.alerts_run(actor=manager, organisation=org, today=TODAY)
        out["alerts_rerun_s"] = round(time.perf_counter() - t, 2)
        out["alerts_rerun_raised"] = again["raised"]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=350_000)
    parser.add_argument("--attempts", type=int, default=5_000_000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument(
        "--quick", action="store_true", help="20,000 households, 200,000 attempts (a smoke run)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="measure again on the database a previous run built (its alerts and their tasks "
        "deleted first)",
    )
    args = parser.parse_args()
    if args.quick:
        args.households, args.attempts = 20_000, 200_000
    if args.reuse:
        setup_django(pg_url("bench_reports") if args.postgres else sqlite_url("reports"))
        migrated = 0.0
        ids = reuse()
    else:
        if args.postgres:
            url = pg_recreate("bench_reports")
        else:
            sqlite_remove("reports")
            url = sqlite_url("reports")
        setup_django(url)
        t = time.perf_counter()
        migrate()
        migrated = round(time.perf_counter() - t, 1)
        ids = build(args.households, args.attempts)
    result = {
        "database": "postgresql" if args.postgres else "sqlite",
        "reused": args.reuse,
        "households": args.households,
        "attempts": args.attempts,
        "migrate_s": migrated,
        "build_s": ids["seconds"],
        **measure(ids),
        "load_average": load_average(),
        "peak_rss_mb": peak_rss_mb(),
    }
    worst_map = max(result["map_s"].values())
    result["verdict"] = {
        "dashboard < 1 s": result["dashboard_s"] < 1,
        "map < 1 s": worst_map < 1,
        "alert run < 30 s": result["alerts_run_s"] < 30,
    }
    quick = "-quick" if args.quick else ""
    # The figures before the reports' query work (December 2026, commit 45eff7b), measured at
    # the same scale, kept side by side with each new run (docs/performance.md).
    baseline = HERE / f"results-reports-baseline-{result['database']}.json"
    if baseline.exists():
        before = json.loads(baseline.read_text())
        if (before["households"], before["attempts"]) == (args.households, args.attempts):
            result["before"] = {
                k: before[k]
                for k in ("commit", "dashboard_s", "map_s", "alerts_run_s", "load_average")
                if k in before
            }
    name = f"results-reports{quick}-{result['database']}.json"
    (HERE / name).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
