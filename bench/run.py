"""`make bench`: Vigie at the scale of the largest landlord, measured side by side (issue #6 §3).

    .venv/bin/python bench/run.py [--quick] [--only sqlite|postgresql] [--skip STEP ...]

Prints one table and writes bench/results.json (each figure with its target and verdict, and
the load average when it was taken: this 2-core machine may be shared). Every step runs in its
own child process, so Django is set up afresh and ru_maxrss is that step's own peak.

Steps, on SQLite (a file in bench/work/) and on PostgreSQL (database `bench_main` on the cluster
of `make pg-start`):
  import   Vigie's import_stock of a 350,000-dwelling ERP export (~850,000 rows; the bytes of
           `generate_export(dwellings=350000)` are cached in bench/work/)
  raw      the floor: the same rows parsed and loaded into bare tables (COPY / executemany)
  iex      django-import-export on a 12,000-dwelling file (it imports row by row)
  cohorts  cohort_counts and campaign_build of a lockdown campaign over the imported register,
           then the same build as the page asks for it: request, then the worker's run
  pages    caller console and household page, 20 concurrent users, gunicorn + wrk on loopback
  stats    campaign_stats and the manager dashboard over 5,000,000 synthetic attempts
  nextcall next-call claims with 50 and 200 concurrent callers, back to back and with think time
  search   the register's search (name, reference, phone, address, commune) over the imported
           register, side by side with the search it replaced (bench/bench_search.py)
`--quick` runs the same steps at a small scale (a ~3-minute smoke run; its figures say nothing
about the targets). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    HERE,
    ROOT,
    WORK,
    cached_export,
    load_average,
    migrate,
    peak_rss_mb,
    pg_drop,
    pg_recreate,
    pg_url,
    setup_django,
    sqlite_remove,
    sqlite_url,
)

RESULTS = HERE / os.environ.get("BENCH_RESULTS", "results.json")
QUICK_RESULTS = HERE / os.environ.get("BENCH_RESULTS", "results-quick.json")  # git-ignored
DATABASES = ("sqlite", "postgresql")
# Another name lets a second run (e.g. a --quick check) go on while a full one runs.
MAIN_DB = os.environ.get("BENCH_DB_NAME", "bench_main")

SCALES = {
    "full": {
        "dwellings": 350_000,
        "iex_dwellings": 12_000,
        "attempts": 5_000_000,
        "nc_queue": 120_000,  # households due: the lockdown campaign of a 350,000-home landlord
        "nc_callers": [50, 200],
        "nc_claims_each": 10,  # claims per caller and run
        "think_ms": 2000,  # paced variant: a call every ~2 s per caller (a real one takes minutes)
        "page_users": 20,
        "page_seconds": 10,
        "page_pace_ms": 1000,
    },
    "quick": {
        "dwellings": 20_000,
        "iex_dwellings": 1000,
        "attempts": 200_000,
        "nc_queue": 5_000,
        "nc_callers": [50, 200],
        "nc_claims_each": 3,
        "think_ms": 2000,
        "page_users": 20,
        "page_seconds": 4,
        "page_pace_ms": 1000,
    },
}
STEPS = ("import", "raw", "iex", "cohorts", "pages", "stats", "nextcall", "search")


# ------------------------------------------------------------------------------ child steps


def _db_url(db: str) -> str:
    return sqlite_url(MAIN_DB) if db == "sqlite" else pg_url(MAIN_DB)


def _state_path(db: str) -> Path:
    return WORK / f"state-{MAIN_DB}-{db}.json"


def _state(db: str) -> dict:
    return json.loads(_state_path(db).read_text())


def _save_state(db: str, **values) -> None:
    path = _state_path(db)
    state = json.loads(path.read_text()) if path.exists() else {}
    state.update(values)
    path.write_text(json.dumps(state))


def step_import(db: str, scale: dict) -> dict:
    """Vigie's import of the big export into a fresh database (left in place for later steps)."""
    data, rows, households = cached_export(scale["dwellings"])
    if db == "sqlite":
        sqlite_remove(MAIN_DB)
    else:
        pg_recreate(MAIN_DB)
    setup_django(_db_url(db))
    migrate()
    from vigie.accounts.models import Membership, User
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role
    from vigie.housing.importing import import_stock
    from vigie.housing.models import Household, Occupant

    org = Organisation.objects.create(
        slug="bench-hlm", name="Bench HLM", kind=OrganisationKind.LANDLORD
    )
    manager = User.objects.create(username="bench-manager")
    Membership.objects.create(user=manager, organisation=org, role=Role.MANAGER)
    rss_before = peak_rss_mb()
    t = time.perf_counter()
    report = import_stock(organisation=org, data=data, file_name="bench.csv")
    seconds = time.perf_counter() - t
    assert report.imported and not report.errors, report.errors[:3]
    _save_state(db, org_id=org.pk, manager_id=manager.pk)
    return {
        "dwellings": scale["dwellings"],
        "rows": rows,
        "households": Household.objects.filter(organisation=org).count(),
        "occupants": Occupant.objects.filter(organisation=org).count(),
        "seconds": round(seconds, 2),
        "rows_per_s": round(rows / seconds),
        "peak_rss_mb": peak_rss_mb(),
        "rss_before_import_mb": rss_before,
        "warnings": len(report.warnings),
    }


def step_raw(db: str, scale: dict) -> dict:
    from bench_import import raw_load

    data, rows, _ = cached_export(scale["dwellings"])
    setup_django(_db_url(db))
    from django.db import connection

    result = raw_load(connection, data, rows)
    return {**result, "rows": rows, "peak_rss_mb": peak_rss_mb()}


def step_iex(db: str, scale: dict) -> dict:
    from bench_import import iex_load

    data, rows, _ = cached_export(scale["iex_dwellings"])
    setup_django(_db_url(db))
    result = iex_load(data, rows, scale["iex_dwellings"])
    return {**result, "peak_rss_mb": peak_rss_mb()}


def _timed(fn, repeat: int = 3) -> tuple[float, float, object]:
    """(first run, median of `repeat` runs) in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return times[0], statistics.median(times), result


def step_cohorts(db: str, scale: dict) -> dict:
    setup_django(_db_url(db))
    from django.utils import timezone

    from vigie.accounts.models import User
    from vigie.campaigns.models import Target
    from vigie.campaigns.services import campaign_build, campaign_from_template, campaign_start
    from vigie.core.models import Organisation
    from vigie.housing.cohorts import cohort_counts
    from vigie.housing.models import Household

    state = _state(db)
    org = Organisation.objects.get(pk=state["org_id"])
    manager = User.objects.get(pk=state["manager_id"])
    today = timezone.localdate()
    households = Household.objects.filter(organisation=org)
    first, median, counts = _timed(lambda: cohort_counts(households, today))
    campaign = campaign_from_template(
        actor=manager, organisation=org, template="lockdown", as_of=today
    )
    t = time.perf_counter()
    built = campaign_build(actor=manager, campaign=campaign)
    build_seconds = time.perf_counter() - t
    campaign_start(actor=manager, campaign=campaign)
    _save_state(db, campaign_id=campaign.pk)
    background = _build_in_background(org, manager, today)
    return {
        **background,
        "households": households.count(),
        "cohorts_first_s": round(first, 3),
        "cohorts_median_s": round(median, 3),
        "counts": counts,
        "build_seconds": round(build_seconds, 2),
        "targets": Target.objects.filter(campaign=campaign).count(),
        "to_call": built["targets"],
        "no_phone": built["no_phone"],
    }


def _build_in_background(org, manager, today) -> dict:
    """The same build as the manager asks for it since issue #12 §9, side by side with the
    synchronous one: the request (the manager's wait: a row and a task enqueued), then the
    worker's run of the task, with the time between two progress updates the page can show.
    The second campaign is removed afterwards, so later steps see one campaign as before."""
    from django.db import transaction

    from vigie.campaigns.models import Campaign, CampaignBuild, Target
    from vigie.campaigns.services import build as build_module
    from vigie.campaigns.services import (
        campaign_build_request,
        campaign_build_run,
        campaign_from_template,
    )

    campaign = campaign_from_template(
        actor=manager, organisation=org, template="lockdown", as_of=today
    )
    t = time.perf_counter()
    with transaction.atomic():  # as in a request: the task is enqueued on commit
        build = campaign_build_request(actor=manager, campaign=campaign)
    request_seconds = time.perf_counter() - t
    stamps: list[float] = []
    real = build_module.campaign_build

    def timed_build(**kwargs):
        inner = kwargs["progress"]

        def progress(step, steps, phase):
            stamps.append(time.perf_counter())
            inner(step, steps, phase)

        return real(**{**kwargs, "progress": progress})

    build_module.campaign_build = timed_build
    t = time.perf_counter()
    try:
        campaign_build_run(build_id=build.pk)
    finally:
        build_module.campaign_build = real
    end = time.perf_counter()
    run_seconds = end - t
    build.refresh_from_db()
    assert build.status == "done", build.error
    marks = [t, *stamps, end]
    longest_gap = max(b - a for a, b in zip(marks, marks[1:], strict=False))
    targets = Target.objects.filter(campaign=campaign).count()
    Target.objects.filter(campaign=campaign).delete()
    CampaignBuild.objects.filter(campaign=campaign).delete()
    Campaign.objects.filter(pk=campaign.pk).delete()
    return {
        "bg_request_ms": round(request_seconds * 1000, 1),
        "bg_run_seconds": round(run_seconds, 2),
        "bg_longest_silence_s": round(longest_gap, 2),
        "bg_progress_updates": len(stamps),
        "bg_targets": targets,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WRK_SCRIPT = """
local users = %(users)s
pace_ms = %(pace_ms)d
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("uid", counter)
end
function init(args)
  u = users[uid]
  i = 0
  -- Each wrk thread has its own Lua state: unseeded, every user would draw the same think
  -- times and all 20 would ask at the same instants (bursts, not a steady pace).
  math.randomseed(uid * 7919 + os.time())
end
function request()
  i = i + 1
  local path = u.paths[(i %% #u.paths) + 1]
  return wrk.format("GET", path, {["Cookie"] = "sessionid=" .. u.cookie})
end
function delay()
  -- think time between a user's requests (0: back to back); uniform 0.5–1.5 × pace
  if pace_ms == 0 then return 0 end
  return math.random(math.floor(pace_ms / 2), math.floor(pace_ms * 3 / 2))
end
function done(summary, latency, requests)
  io.write(string.format(
    "BENCHJSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50_ms\\": %%f, \\"p95_ms\\": %%f, " ..
    "\\"p99_ms\\": %%f, \\"status_errors\\": %%d, \\"socket_errors\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def _wrk(port: int, users: list[dict], seconds: int, pace_ms: int = 0) -> dict:
    """Each user is one wrk thread with one connection; `pace_ms`: think time per request."""
    lua = WRK_SCRIPT % {
        "pace_ms": pace_ms,
        "users": "{"
        + ", ".join(
            f"{{cookie = {json.dumps(u['cookie'])}, "
            f"paths = {{{', '.join(json.dumps(p) for p in u['paths'])}}}}}"
            for u in users
        )
        + "}",
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{len(users)}",
                f"-c{len(users)}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                f.name,
                f"http://127.0.0.1:{port}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(f.name)
    line = next(x for x in out.splitlines() if x.startswith("BENCHJSON "))
    result = json.loads(line.removeprefix("BENCHJSON "))
    result["requests_per_s"] = round(result["requests"] / result["seconds"], 1)
    for k in ("p50_ms", "p95_ms", "p99_ms", "seconds"):
        result[k] = round(result[k], 1)
    return result


def step_pages(db: str, scale: dict) -> dict:
    """gunicorn (the deploy config) + wrk: each of N users has a session and a held call."""
    import urllib.request

    if not shutil.which("wrk"):
        raise RuntimeError("wrk is missing: apt-get install wrk")
    import secrets

    url = _db_url(db)
    # Sessions are signed with SECRET_KEY: the server must use the key they were made with.
    os.environ["VIGIE_SECRET_KEY"] = "bench-only-" + secrets.token_urlsafe(40)
    setup_django(url)
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from vigie.accounts.models import Membership, User
    from vigie.campaigns.models import Campaign
    from vigie.campaigns.queue import next_call
    from vigie.core.permissions import Role
    from vigie.housing.models import Household

    state = _state(db)
    campaign = Campaign.objects.get(pk=state["campaign_id"])
    n = scale["page_users"]
    household_ids = list(
        Household.objects.filter(organisation_id=state["org_id"])
        .order_by("?")
        .values_list("pk", flat=True)[: n * 50]
    )
    users = []
    for i in range(n):
        user, _ = User.objects.get_or_create(username=f"bench-caller-{i}")
        Membership.objects.get_or_create(
            user=user, organisation_id=state["org_id"], defaults={"role": Role.CALLER}
        )
        next_call(campaign=campaign, caller=user)  # the console then shows a call in progress
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        users.append({"cookie": session.session_key, "user": user})

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "VIGIE_DEBUG": "0",
        "VIGIE_ALLOWED_HOSTS": "127.0.0.1",
        "VIGIE_SECURE_COOKIES": "0",
        "VIGIE_REQUIRE_2FA": "0",
        "VIGIE_BIND": f"127.0.0.1:{port}",
        "VIGIE_LOG_LEVEL": "WARNING",
    }
    # Production static files: the hashed manifest, as `make serve-gunicorn` builds it.
    subprocess.run(
        [str(Path(sys.executable).parent / "vigie"), "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log = open(WORK / f"gunicorn-{MAIN_DB}-{db}.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
            "--access-logfile",
            str(WORK / f"gunicorn-{MAIN_DB}-{db}-access.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        console_paths = [f"/campagnes/{campaign.pk}/console/"]
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/comptes/connexion/", timeout=2)  # noqa: S310
                break
            except Exception:  # noqa: BLE001
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError((WORK / f"gunicorn-{MAIN_DB}-{db}.log").read_text()[-3000:])
                time.sleep(0.3)
        # Check each page answers 200 for a logged-in user (no redirect to the login page).
        for path in (console_paths[0], f"/registre/menages/{household_ids[0]}/"):
            req = urllib.request.Request(
                base + path, headers={"Cookie": f"sessionid={users[0]['cookie']}"}
            )
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310
                if resp.status != 200 or resp.url != base + path:
                    raise RuntimeError(f"{path}: {resp.status} {resp.url}")
                body = resp.read().decode()
                if path == console_paths[0] and "console" not in body.lower():
                    raise RuntimeError("the console page does not look like the console")
        result = {
            "users": n,
            "workers": "gunicorn deploy config (2 × cores + 1 processes, gthread ×4)",
            "pace_ms": scale["page_pace_ms"],
        }
        console = [{"cookie": u["cookie"], "paths": console_paths} for u in users]
        household = [
            {
                "cookie": u["cookie"],
                "paths": [f"/registre/menages/{pk}/" for pk in household_ids[i::n]],
            }
            for i, u in enumerate(users)
        ]
        for page, who in (("console", console), ("household", household)):
            # Warm up first, unmeasured: every gunicorn worker loads its templates and opens its
            # database connections on its first requests, as a server does once after a start.
            _wrk(port, who, 3)
            # Back to back: N requests always in flight (the worst case, a saturation test);
            # paced: each user asks again after a short think time (still far busier than a
            # person, who reads a page for seconds or minutes).
            result[page] = _wrk(port, who, scale["page_seconds"])
            result[f"{page}_paced"] = _wrk(
                port, who, scale["page_seconds"], pace_ms=scale["page_pace_ms"]
            )
        return result
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        log.close()


def _insert_attempts(connection, *, campaign, callers: list[int], total: int) -> None:
    """`total` synthetic attempts on the campaign's targets, set-based, in batches."""
    from django.db import transaction

    pg = connection.vendor == "postgresql"
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_callers")
        cur.execute("CREATE TABLE bench_callers (rn integer primary key, id bigint)")
        cur.executemany("INSERT INTO bench_callers VALUES (%s, %s)", list(enumerate(callers)))
        cur.execute("DROP TABLE IF EXISTS bench_targets")
        cur.execute(
            "CREATE TABLE bench_targets AS SELECT id, household_id, "
            "row_number() OVER (ORDER BY id) - 1 AS rn FROM campaigns_target WHERE campaign_id = %s",
            [campaign.pk],
        )
        cur.execute("CREATE UNIQUE INDEX bench_targets_rn ON bench_targets (rn)")
        cur.execute("SELECT count(*) FROM bench_targets")
        n_targets = cur.fetchone()[0]
    n_callers = len(callers)
    # Results: 50 % reached (80 % reassuring), 25 % no answer, 10 % voicemail, 5 % busy,
    # 5 % wrong number, 5 % refused. Spread over the last 60 days.
    result = (
        "CASE WHEN g %% 20 < 10 THEN 'reached' WHEN g %% 20 < 15 THEN 'no_answer' "
        "WHEN g %% 20 < 17 THEN 'voicemail' WHEN g %% 20 = 17 THEN 'busy' "
        "WHEN g %% 20 = 18 THEN 'wrong_number' ELSE 'refused' END"
    )
    outcome = (
        "CASE WHEN g %% 20 < 8 THEN 'reassuring' WHEN g %% 20 < 10 THEN 'needs_follow_up' "
        "ELSE '' END"
    )
    if pg:
        series = "generate_series(%(lo)s, %(hi)s - 1) AS s(g)"
        started = "now() - (g %% 5184000) * interval '1 second'"
        ended = f"{started} + interval '3 minutes'"
        json_list, json_dict = "'[]'::jsonb", "'{}'::jsonb"
        prefix = ""
    else:
        prefix = (
            "WITH RECURSIVE s(g) AS (SELECT %(lo)s UNION ALL SELECT g + 1 FROM s "
            "WHERE g + 1 < %(hi)s) "
        )
        series = "s"
        started = "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (g %% 5184000) || ' seconds')"
        ended = (
            "strftime('%%Y-%%m-%%d %%H:%%M:%%f', 'now', '-' || (g %% 5184000) || ' seconds', "
            "'+3 minutes')"
        )
        json_list, json_dict = "'[]'", "'{}'"
    sql = (
        prefix + "INSERT INTO campaigns_attempt (organisation_id, campaign_id, target_id, "
        "caller_id, started_at, ended_at, result, outcome, needs, answers, notes, callback_at) "
        f"SELECT %(org)s, %(campaign)s, t.id, c.id, {started}, {ended}, {result}, {outcome}, "
        f"{json_list}, {json_dict}, '', NULL FROM {series} "
        "JOIN bench_targets t ON t.rn = g %% %(nt)s JOIN bench_callers c ON c.rn = g %% %(nc)s"
    )
    if not pg:  # SQLite's planner needs the CTE first; the INSERT takes `WITH … SELECT`.
        sql = (
            "INSERT INTO campaigns_attempt (organisation_id, campaign_id, target_id, "
            "caller_id, started_at, ended_at, result, outcome, needs, answers, notes, "
            "callback_at) "
            + prefix
            + f"SELECT %(org)s, %(campaign)s, t.id, c.id, {started}, {ended}, {result}, "
            f"{outcome}, {json_list}, {json_dict}, '', NULL FROM {series} "
            "JOIN bench_targets t ON t.rn = g %% %(nt)s JOIN bench_callers c ON c.rn = g %% %(nc)s"
        )
    # Load first, index after (as pg_restore does): dropping the attempt table's secondary
    # indexes during the load and rebuilding them once halves the time of this setup step.
    with connection.cursor() as cur:
        if pg:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'campaigns_attempt' "
                "AND indexname NOT LIKE '%%_pkey'"
            )
        else:
            cur.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'campaigns_attempt' AND sql IS NOT NULL"
            )
        indexes = cur.fetchall()
        for name, _sql in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    batch = 1_000_000
    for lo in range(0, total, batch):
        params = {
            "lo": lo,
            "hi": min(total, lo + batch),
            "org": campaign.organisation_id,
            "campaign": campaign.pk,
            "nt": n_targets,
            "nc": n_callers,
        }
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, params)
    with connection.cursor() as cur:
        for _name, sql in indexes:
            cur.execute(sql)
    with transaction.atomic(), connection.cursor() as cur:
        # Needs: one attempt in 40 raised one; targets get the state their attempts imply.
        cur.execute(
            "INSERT INTO campaigns_need (organisation_id, household_id, attempt_id, kind, status, "
            "created_by_id, created_at, resolved_at) "
            "SELECT a.organisation_id, t.household_id, a.id, "
            "CASE (a.id / 80) %% 4 WHEN 0 THEN 'groceries' WHEN 1 THEN 'isolation' "
            "WHEN 2 THEN 'medication' ELSE 'meal_delivery' END, "
            "CASE WHEN a.id %% 3 = 0 THEN 'resolved' ELSE 'open' END, a.caller_id, a.started_at, "
            # campaigns_target by its primary key (bench_targets has no index on id).
            "NULL FROM campaigns_attempt a JOIN campaigns_target t ON t.id = a.target_id "
            # (a.id / 20): ids of follow-up attempts fall on fixed residues of 20, so `a.id % 4`
            # alone picked none of them.
            "WHERE a.campaign_id = %s AND a.outcome = 'needs_follow_up' AND (a.id / 20) %% 4 = 0",
            [campaign.pk],
        )
        cur.execute(
            "UPDATE campaigns_target SET "
            "status = CASE id %% 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'callback' "
            "WHEN 2 THEN 'not_reached' ELSE 'done' END, "
            "last_result = CASE WHEN id %% 10 IN (0, 1) THEN '' WHEN id %% 10 = 2 THEN 'no_answer' "
            "WHEN id %% 10 = 9 THEN 'refused' ELSE 'reached' END, "
            "outcome = CASE WHEN id %% 10 BETWEEN 3 AND 7 THEN 'reassuring' "
            "WHEN id %% 10 = 8 THEN 'needs_follow_up' ELSE '' END, "
            "attempts_count = 1, claimed_by_id = NULL, claimed_at = NULL, claim_expires_at = NULL "
            "WHERE campaign_id = %s AND status NOT IN ('no_phone', 'excluded')",
            [campaign.pk],
        )
        cur.execute("DROP TABLE bench_callers")
        cur.execute("DROP TABLE bench_targets")
    with connection.cursor() as cur:
        # What autovacuum does after a bulk insert (PostgreSQL ≥ 13 vacuums after inserts too):
        # statistics, and the visibility map that lets PostgreSQL answer from an index alone.
        cur.execute("VACUUM ANALYZE" if pg else "ANALYZE")


def step_stats(db: str, scale: dict) -> dict:
    setup_django(_db_url(db))
    migrate()  # a database imported before the campaign counters (migration 0004) gets them
    from django.db import connection
    from django.test import Client

    from vigie.accounts.models import Membership, User
    from vigie.campaigns.counters import counters_rebuild
    from vigie.campaigns.models import Attempt, Campaign
    from vigie.campaigns.selectors import campaign_stats
    from vigie.core.permissions import Role

    state = _state(db)
    campaign = Campaign.objects.get(pk=state["campaign_id"])
    callers = []
    for i in range(40):
        user, _ = User.objects.get_or_create(username=f"bench-caller-{i}")
        Membership.objects.get_or_create(
            user=user, organisation_id=state["org_id"], defaults={"role": Role.CALLER}
        )
        callers.append(user.pk)
    # Top up to the wanted total, so that the step can be run again on the same database
    # (e.g. after a fix: `--skip import raw iex cohorts pages nextcall`).
    missing = scale["attempts"] - Attempt.objects.filter(campaign=campaign).count()
    t = time.perf_counter()
    if missing > 0:
        _insert_attempts(connection, campaign=campaign, callers=callers, total=missing)
    insert_seconds = time.perf_counter() - t
    attempts = Attempt.objects.filter(campaign=campaign).count()
    # The synthetic calls went in through SQL, behind attempt_record's back: recount the
    # campaign counters the stats and dashboard read, as `vigie rebuild_counters` does. Real
    # calls keep them as they are recorded; this is a one-off cost, reported on its own line.
    t = time.perf_counter()
    counter_rows = counters_rebuild(campaign_id=campaign.pk)
    rebuild_seconds = time.perf_counter() - t

    first, median, stats = _timed(lambda: campaign_stats(campaign))
    client = Client()
    client.force_login(User.objects.get(pk=state["manager_id"]))
    url = f"/campagnes/{campaign.pk}/tableau-de-bord/"

    def page():
        response = client.get(url, HTTP_HOST="127.0.0.1")
        assert response.status_code == 200, response.status_code
        return len(response.content)

    page_first, page_median, size = _timed(page)
    return {
        "attempts": attempts,
        "insert_seconds": round(insert_seconds, 1),
        "counters_rebuild_s": round(rebuild_seconds, 2),
        "counter_rows": counter_rows,
        "stats_first_s": round(first, 3),
        "stats_median_s": round(median, 3),
        "dashboard_first_s": round(page_first, 3),
        "dashboard_median_s": round(page_median, 3),
        "dashboard_bytes": size,
        "targets": stats["targets"],
    }


def step_nextcall(db: str, scale: dict) -> dict:
    from bench_next_call import run_many

    configs = []
    for think_ms in (0, scale["think_ms"]):
        for callers in scale["nc_callers"]:
            configs.append((callers, scale["nc_claims_each"], think_ms))
    url = None if db == "sqlite" else pg_url("bench_nc")  # the child makes its own bench_nc_*
    return run_many(configs, url, scale["nc_queue"])


def step_search(db: str, scale: dict) -> dict:
    from bench_search import search_bench

    setup_django(_db_url(db))
    state = _state(db)
    per_kind = 20 if scale["dwellings"] >= 100_000 else 8
    return search_bench(state["org_id"], state["manager_id"], per_kind=per_kind)


STEP_FUNCS = {
    "search": step_search,
    "import": step_import,
    "raw": step_raw,
    "iex": step_iex,
    "cohorts": step_cohorts,
    "pages": step_pages,
    "stats": step_stats,
    "nextcall": step_nextcall,
}


# ------------------------------------------------------------------------------ driver


def _run_step(step: str, db: str, mode: str) -> dict:
    load = load_average()
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", step, "--db", db]
        + (["--quick"] if mode == "quick" else []),
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(HERE)},
    )
    wall = round(time.perf_counter() - t, 1)
    if proc.returncode != 0:
        return {"error": proc.stderr[-4000:], "load_average": load, "wall_seconds": wall}
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        **result,
        "load_average": load,
        "wall_seconds": wall,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _fmt(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value:,.0f} rows/s"
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.1f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:,.0f} MB"
    if unit == "×":
        return f"{value:.1f}×"
    if unit == "/s":
        return f"{value:,.1f}/s"
    return f"{value}"


def _figure(figures, *, key, what, db, value, unit, target=None, ok=None, load=None, note=""):
    verdict = "info" if ok is None else ("ok" if ok else "MISSED")
    figures.append(
        {
            "key": key,
            "what": what,
            "database": db,
            "value": value,
            "unit": unit,
            "target": target,
            "verdict": verdict,
            "load_average": load,
            "note": note,
        }
    )


def figures_from(steps: dict, scale: dict) -> list[dict]:
    """One row per figure and database, with its target and verdict."""
    out: list[dict] = []
    for db in DATABASES:
        s = steps.get(db, {})
        imp, raw, iex = s.get("import", {}), s.get("raw", {}), s.get("iex", {})
        if "rows_per_s" in imp:
            load = imp["load_average"]
            what = f"ERP import, {imp['dwellings']:,} dwellings ({imp['rows']:,} rows)"
            _figure(
                out,
                key="import.rows_per_s",
                what=what,
                db=db,
                value=imp["rows_per_s"],
                unit="rows/s",
                target="≥ 10,000 rows/s",
                ok=imp["rows_per_s"] >= 10_000,
                load=load,
            )
            _figure(
                out,
                key="import.peak_rss_mb",
                what="ERP import, peak memory (ru_maxrss)",
                db=db,
                value=imp["peak_rss_mb"],
                unit="MB",
                load=load,
            )
        if "rows_per_s" in raw:
            _figure(
                out,
                key="raw.rows_per_s",
                what="raw load floor, same rows (SQLite executemany, PostgreSQL COPY)",
                db=db,
                value=raw["rows_per_s"],
                unit="rows/s",
                load=raw["load_average"],
            )
        if "rows_per_s" in imp and "rows_per_s" in raw:
            ratio = raw["rows_per_s"] / imp["rows_per_s"]
            _figure(
                out,
                key="import.vs_raw",
                what="import slower than the raw floor by",
                db=db,
                value=round(ratio, 2),
                unit="×",
                target="≤ 3×",
                ok=ratio <= 3,
                load=imp["load_average"],
            )
        if "rows_per_s" in iex:
            _figure(
                out,
                key="iex.rows_per_s",
                what=f"django-import-export, {iex['dwellings']:,} dwellings ({iex['rows']:,} rows)",
                db=db,
                value=iex["rows_per_s"],
                unit="rows/s",
                load=iex["load_average"],
            )
        if "rows_per_s" in imp and "rows_per_s" in iex:
            ratio = imp["rows_per_s"] / iex["rows_per_s"]
            _figure(
                out,
                key="import.vs_iex",
                what="import faster than django-import-export by",
                db=db,
                value=round(ratio, 1),
                unit="×",
                target="≥ 20×",
                ok=ratio >= 20,
                load=imp["load_average"],
            )
        coh = s.get("cohorts", {})
        if "cohorts_median_s" in coh:
            _figure(
                out,
                key="cohorts.seconds",
                what=f"cohort counts, {coh['households']:,} households (median of 3)",
                db=db,
                value=coh["cohorts_median_s"],
                unit="s",
                target="< 1 s",
                ok=coh["cohorts_median_s"] < 1,
                load=coh["load_average"],
                note=f"first run {coh['cohorts_first_s']} s",
            )
            _figure(
                out,
                key="build.seconds",
                what=f"target-list build, lockdown template ({coh['targets']:,} targets)",
                db=db,
                value=coh["build_seconds"],
                unit="s",
                load=coh["load_average"],
                note="synchronous: what the manager waited on one request before issue #12",
            )
        if "bg_request_ms" in coh:
            _figure(
                out,
                key="build.background.request_ms",
                what=f"build in the background: the manager's request ({coh['bg_targets']:,} targets)",
                db=db,
                value=coh["bg_request_ms"],
                unit="ms",
                target="< 3 s",
                ok=coh["bg_request_ms"] < 3000,
                load=coh["load_average"],
                note="a build row and a task enqueued; the page then polls the progress",
            )
            _figure(
                out,
                key="build.background.run_seconds",
                what="build in the background: the worker's run",
                db=db,
                value=coh["bg_run_seconds"],
                unit="s",
                load=coh["load_average"],
                note=(
                    f"{coh['bg_progress_updates']} progress updates, longest without one "
                    f"{coh['bg_longest_silence_s']} s (the writing transaction)"
                ),
            )
        nc = s.get("nextcall", {})
        for r in nc.get("runs", []):
            kind = (
                f"a call per ~{r['think_ms'] / 1000:g} s each" if r["think_ms"] else "back to back"
            )
            base = f"next-call, {r['callers']} callers, {kind}"
            tag = f"{r['callers']}.{'think' if r['think_ms'] else 'burst'}"
            load = nc["load_average"]
            _figure(
                out,
                key=f"nextcall.{tag}.p50_ms",
                what=f"{base}: p50",
                db=db,
                value=r["p50_ms"],
                unit="ms",
                load=load,
            )
            _figure(
                out,
                key=f"nextcall.{tag}.p99_ms",
                what=f"{base}: p99",
                db=db,
                value=r["p99_ms"],
                unit="ms",
                target="< 50 ms",
                ok=r["p99_ms"] < 50,
                load=load,
                note=f"{r['claims']} claims, queue {r['queue']:,}, {r['processes']} processes",
            )
            _figure(
                out,
                key=f"nextcall.{tag}.claims_per_s",
                what=f"{base}: claims/s",
                db=db,
                value=r["claims_per_s"],
                unit="/s",
                load=load,
            )
            _figure(
                out,
                key=f"nextcall.{tag}.double_claims",
                what=f"{base}: double claims",
                db=db,
                value=r["double_claims"],
                unit="",
                target="0",
                ok=r["double_claims"] == 0 and r["lost"] == 0,
                load=load,
                note=f"lost {r['lost']}",
            )
        pages = s.get("pages", {})
        for page, label in (
            ("console", "caller console"),
            ("console_paced", "caller console"),
            ("household", "household page"),
            ("household_paced", "household page"),
        ):
            if page not in pages:
                continue
            p = pages[page]
            how = f"1 req/{pages['pace_ms'] / 1000:g} s each" if "paced" in page else "back to back"
            base = f"{label}, {pages['users']} users, {how}"
            load = pages["load_average"]
            errors = p["status_errors"] + p["socket_errors"]
            _figure(
                out,
                key=f"pages.{page}.p50_ms",
                what=f"{base}: p50",
                db=db,
                value=p["p50_ms"],
                unit="ms",
                load=load,
                note=f"{p['requests_per_s']} req/s",
            )
            _figure(
                out,
                key=f"pages.{page}.p95_ms",
                what=f"{base}: p95",
                db=db,
                value=p["p95_ms"],
                unit="ms",
                target="< 200 ms",
                ok=p["p95_ms"] < 200 and errors == 0,
                load=load,
                note=f"{p['requests']} requests, {errors} errors",
            )
        st = s.get("stats", {})
        if "stats_median_s" in st:
            load = st["load_average"]
            _figure(
                out,
                key="stats.seconds",
                what=f"campaign stats, {st['attempts']:,} attempts (median of 3)",
                db=db,
                value=st["stats_median_s"],
                unit="s",
                target="< 1 s",
                ok=st["stats_median_s"] < 1,
                load=load,
                note=f"first run {st['stats_first_s']} s",
            )
            _figure(
                out,
                key="dashboard.seconds",
                what=f"manager dashboard page, {st['attempts']:,} attempts (median of 3)",
                db=db,
                value=st["dashboard_median_s"],
                unit="s",
                target="< 1 s",
                ok=st["dashboard_median_s"] < 1,
                load=load,
                note=f"first run {st['dashboard_first_s']} s",
            )
        if "counters_rebuild_s" in st:
            _figure(
                out,
                key="stats.counters_rebuild.seconds",
                what=f"vigie rebuild_counters after the synthetic load, {st['attempts']:,} attempts",
                db=db,
                value=st["counters_rebuild_s"],
                unit="s",
                load=st["load_average"],
                note=(
                    f"{st['counter_rows']} counter rows; one-off: recorded calls keep them "
                    "up to date"
                ),
            )
        se = s.get("search", {})
        if "p95_ms" in se:
            load = se["load_average"]
            what = (
                f"register search, p95 of {se['queries']} queries, {se['households']:,} households"
            )
            _figure(
                out,
                key="search.p95_ms",
                what=what,
                db=db,
                value=se["p95_ms"],
                unit="ms",
                target="< 100 ms",
                ok=se["p95_ms"] < 100,
                load=load,
                note=f"p50 {se['p50_ms']} ms; by kind {se['by_kind_p95_ms']}",
            )
            _figure(
                out,
                key="search.quick_p95_ms",
                what="header box suggestions (best 8), p95",
                db=db,
                value=se["quick_p95_ms"],
                unit="ms",
                target="< 100 ms",
                ok=se["quick_p95_ms"] < 100,
                load=load,
            )
            _figure(
                out,
                key="search.legacy_p95_ms",
                what=f"the search it replaced (LIKE per word), p95 of {se['legacy_queries']} queries",
                db=db,
                value=se["legacy_p95_ms"],
                unit="ms",
                load=load,
                note=f"p50 {se['legacy_p50_ms']} ms; by kind {se['legacy_by_kind_p95_ms']}",
            )
    return out


def print_table(results: dict) -> None:
    figures = results["figures"]
    order: list[tuple[str, str]] = []
    for f in figures:
        if (f["key"], f["what"]) not in order:
            order.append((f["key"], f["what"]))
    by = {(f["key"], f["database"]): f for f in figures}
    width = max([len(w) for _k, w in order] + [20]) + 2
    head = f"{'figure':<{width}}{'SQLite':>16}{'PostgreSQL':>16}  {'target':<16}{'verdict':<29}load S / P"
    print(f"Vigie benchmark ({results['mode']}), {results['started']}, {results['machine']}")
    print(
        "Load average (1, 5, 15 min) at start: "
        + ", ".join(str(x) for x in results["load_average_start"])
        + " — other work may share this machine; the last column is the 1-minute load average"
        " when each figure's step started."
    )
    print(head)
    print("-" * len(head))
    for key, what in order:
        cells, verdicts, loads, target = [], [], [], ""
        for db in DATABASES:
            f = by.get((key, db))
            if f is None or f["what"] != what:
                cells.append("—")
                loads.append("—")
                continue
            cells.append(_fmt(f["value"], f["unit"]))
            loads.append(f"{f['load_average'][0]:.1f}" if f["load_average"] else "—")
            target = f["target"] or ""
            if f["verdict"] == "MISSED":
                verdicts.append("SQLite" if db == "sqlite" else "PostgreSQL")
        if not target:
            verdict = ""
        elif verdicts:
            verdict = "MISSED (" + ", ".join(verdicts) + ")"
        else:
            verdict = "ok"
        print(
            f"{what:<{width}}{cells[0]:>16}{cells[1]:>16}  {target:<16}{verdict:<29}"
            f"{loads[0]} / {loads[1]}"
        )
    for db, steps in results["steps"].items():
        for step, r in steps.items():
            if "error" in r:
                print(f"ERROR in {step} on {db}: {r['error'].strip().splitlines()[-1]}")
    for rerun in results.get("partial_reruns", []):
        print(
            f"Run again at {rerun['at']} on {', '.join(rerun['databases'])}: "
            f"{', '.join(rerun['steps'])} (load average "
            f"{', '.join(str(x) for x in rerun['load_average'])})."
        )
    if results.get("full_run_wall_seconds"):
        print(f"The full run took {results['full_run_wall_seconds']:.0f} s.")
    print(
        f"Written to {RESULTS.relative_to(ROOT)} (this invocation: {results['wall_seconds']:.0f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale smoke run (~3 min)")
    parser.add_argument("--only", choices=DATABASES, help="one database only")
    parser.add_argument(
        "--skip",
        nargs="*",
        default=[],
        choices=STEPS,
        help="steps not to run; their earlier results in bench/results.json are kept",
    )
    parser.add_argument(
        "--drop", action="store_true", help="drop the PostgreSQL database bench_main at the end"
    )
    parser.add_argument(
        "--table", action="store_true", help="print the table of bench/results.json and stop"
    )
    parser.add_argument("--child", choices=STEPS, help=argparse.SUPPRESS)
    parser.add_argument("--db", choices=DATABASES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    scale = SCALES[mode]
    if args.quick:  # a smoke run never replaces the figures or the databases of a full run
        global RESULTS, MAIN_DB
        RESULTS = QUICK_RESULTS
        MAIN_DB = os.environ.get("BENCH_DB_NAME", "bench_quick")
    if args.child:
        print(json.dumps(STEP_FUNCS[args.child](args.db, scale), default=str))
        return
    if args.table:
        print_table(json.loads(RESULTS.read_text()))
        return

    started = time.perf_counter()
    WORK.mkdir(exist_ok=True)
    results = {
        "mode": mode,
        "scale": scale,
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "load_average_start": load_average(),
        "steps": {},
        "figures": [],
    }
    if (args.skip or args.only) and RESULTS.exists():
        # A partial run keeps the earlier results of what it skips (each step says when
        # it ran, and the load average then).
        previous = json.loads(RESULTS.read_text())
        if previous.get("mode") == mode:
            results["steps"] = previous.get("steps", {})
            results["load_average_start"] = previous.get("load_average_start")
            results["started"] = previous.get("started")
            results["full_run_wall_seconds"] = previous.get(
                "full_run_wall_seconds", previous.get("wall_seconds")
            )
            results["partial_reruns"] = [
                *previous.get("partial_reruns", []),
                {
                    "at": datetime.now(UTC).isoformat(timespec="seconds"),
                    "load_average": load_average(),
                    "databases": [args.only] if args.only else list(DATABASES),
                    "steps": [s for s in STEPS if s not in args.skip],
                },
            ]
    # Make the export once, outside any measured step.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import common, sys; "
            f"common.cached_export({scale['dwellings']}); common.cached_export({scale['iex_dwellings']})",
        ],
        check=True,
        cwd=HERE,
    )
    dbs = [args.only] if args.only else list(DATABASES)
    for db in dbs:
        steps = results["steps"].setdefault(db, {})
        for step in STEPS:
            if step in args.skip:
                continue
            print(f"[{time.perf_counter() - started:6.0f} s] {step} on {db}…", flush=True)
            steps[step] = _run_step(step, db, mode)
            if "error" in steps[step]:
                print(steps[step]["error"], file=sys.stderr)
            results["figures"] = figures_from(results["steps"], scale)
            results["wall_seconds"] = round(time.perf_counter() - started, 1)
            RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    results["load_average_end"] = load_average()
    results["wall_seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    if args.drop:
        # Leave nothing big behind on the shared cluster (kept by default, so that one step
        # can be run again after a fix); the SQLite file stays in bench/work/.
        pg_drop(MAIN_DB)
    print()
    print_table(results)


if __name__ == "__main__":
    main()
