"""Next-call claim latency with N concurrent callers, on SQLite and (optionally) PostgreSQL.

    python bench/bench_next_call.py --callers 50 200 --queue 20000 [--postgres postgres://…]

`run_many(configs, database_url, queue)` sets up one landlord whose `queue` households are all
due in one running campaign (the lockdown campaign of the largest landlords holds ~120,000),
then runs each config `(callers, claims_each, think_ms)` on it: the callers are threads spread
over `2 × cores + 1` processes, as gunicorn spreads requests over its workers, each on its own
database connection. Each caller loops: next_call, then records a reassuring call, `claims_each`
times (or until nothing is due); only the next_call is timed. With `think_ms` each caller waits
a random 0.5–1.5 × think_ms after each call, as a (very fast) real caller would — a real call
takes minutes; without it every caller hammers the queue back to back, the worst case.
Checks after each run: double claims (a household handed to two callers) and lost households
(taken off the queue but handed to nobody) must both be 0. A scratch database is created and
dropped (PostgreSQL: `bench_nc_<pid>`; SQLite: a temporary file).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("VIGIE_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # as in production: no query log


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def _processes(callers: int) -> int:
    return max(1, min(callers, (os.cpu_count() or 1) * 2 + 1))


def _setup(queue: int, callers: int) -> dict:
    """One landlord whose `queue` households are all due in one running campaign."""
    from vigie.accounts.models import Membership, User
    from vigie.campaigns.tests.factories import bulk_landlord, running_campaign
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role
    from vigie.housing.models import Household

    org = Organisation.objects.create(
        slug=f"bench-{time.time_ns()}", name="Bench", kind=OrganisationKind.LANDLORD
    )
    bulk_landlord(org, dwellings=queue, seed=1)
    # Everyone over 75 so that every household is a target (the generator gives ~8.5 %).
    Household.objects.filter(organisation=org).update(
        oldest_adult_birth_date="1930-01-01", opted_out=False, has_phone=True
    )
    manager = User.objects.create(username=f"{org.slug}-manager")
    Membership.objects.create(user=manager, organisation=org, role=Role.MANAGER)
    users = User.objects.bulk_create(User(username=f"{org.slug}-c{i}") for i in range(callers))
    users = list(User.objects.filter(username__startswith=f"{org.slug}-c").order_by("pk"))
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role=Role.CALLER) for u in users
    )
    t0 = time.perf_counter()
    campaign = running_campaign(
        org, manager, waves=[{"name": "Tous", "cohorts": ["over_75"], "priority": 1}]
    )
    return {
        "campaign_id": campaign.pk,
        "user_ids": [u.pk for u in users],
        "build_s": round(time.perf_counter() - t0, 1),
    }


def _caller_process(campaign_id, user_ids, claims_each, think_ms, start_at, out) -> None:
    """One worker process: a thread per caller, results sent back through `out`."""
    from django.db import connections

    from vigie.accounts.models import User
    from vigie.campaigns.models import Campaign
    from vigie.campaigns.queue import next_call
    from vigie.campaigns.services import attempt_record

    latencies: list[float] = []
    handed: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def work(user_id: int) -> None:
        rng = random.Random(user_id)
        mine, got = [], []
        try:
            user = User.objects.get(pk=user_id)
            campaign = Campaign.objects.get(pk=campaign_id)
            user.has_org_perm("call.take", campaign.organisation_id)  # memberships, once
            time.sleep(max(0.0, start_at - time.time()))
            if think_ms:  # callers do not all start in the same millisecond
                time.sleep(rng.uniform(0, think_ms) / 1000)
            for _ in range(claims_each):
                t0 = time.perf_counter()
                target = next_call(campaign=campaign, caller=user)
                mine.append(time.perf_counter() - t0)
                if target is None:
                    break
                got.append(target.pk)
                attempt_record(actor=user, target=target, result="reached", outcome="reassuring")
                if think_ms:
                    time.sleep(rng.uniform(0.5, 1.5) * think_ms / 1000)
        except BaseException as exc:  # noqa: BLE001
            errors.append(repr(exc))
        finally:
            with lock:
                latencies.extend(mine)
                handed.extend(got)
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u,)) for u in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((latencies, handed, errors))


def _bench(setup: dict, callers: int, claims_each: int, think_ms: float = 0) -> dict:
    import multiprocessing

    from django.db import connection, connections

    from vigie.campaigns.models import Target

    campaign_id = setup["campaign_id"]
    user_ids = setup["user_ids"][:callers]
    before = dict(Target.objects.filter(campaign_id=campaign_id).values_list("pk", "status"))
    engine = connection.vendor
    connections.close_all()  # never share a connection with the forked processes
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    n_proc = _processes(callers)
    start_at = time.time() + 1.0 + 0.02 * callers  # every process and thread is ready by then
    procs = [
        ctx.Process(
            target=_caller_process,
            args=(campaign_id, user_ids[i::n_proc], claims_each, think_ms, start_at, out),
        )
        for i in range(n_proc)
    ]
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    elapsed = time.time() - start_at
    latencies = [x for r in results for x in r[0]]
    handed = [x for r in results for x in r[1]]
    errors = [x for r in results for x in r[2]]
    if errors:
        raise RuntimeError(errors[0])
    counts = Counter(handed)
    after = dict(Target.objects.filter(campaign_id=campaign_id).values_list("pk", "status"))
    moved = {pk for pk, status in after.items() if status != before.get(pk)}
    return {
        "engine": engine,
        "callers": callers,
        "processes": n_proc,
        "think_ms": think_ms,
        "seconds": round(elapsed, 2),
        "queue": len(before),
        "claims": len(handed),
        "claims_per_s": round(len(handed) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_percentile(latencies, 50) * 1000, 2),
        "p95_ms": round(_percentile(latencies, 95) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
        "double_claims": sum(1 for c in counts.values() if c > 1),
        # Off the queue (status changed) but handed to nobody, or handed but never recorded.
        "lost": len(moved - set(counts)) + sum(1 for pk in counts if after.get(pk) != "done"),
    }


def run_many(configs: list[tuple[int, int, float]], database_url: str | None, queue: int) -> dict:
    """Several (callers, claims_each, think_ms) runs over one queue, in a child process.

    Returns {"setup": {...}, "runs": [...]}."""
    import json
    import subprocess

    cmd = [sys.executable, __file__, "--child", "--configs", json.dumps(configs)]
    cmd += ["--queue", str(queue)]
    if database_url:
        cmd += ["--postgres", database_url]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"next-call bench failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(configs: list[tuple[int, int, float]], postgres: str | None, queue: int) -> dict:
    from django.core.management import call_command

    def bench_all() -> dict:
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        t0 = time.perf_counter()
        setup = _setup(queue, max(c[0] for c in configs))
        setup["setup_s"] = round(time.perf_counter() - t0, 1)
        runs = []
        for callers, claims_each, think_ms in configs:
            runs.append(_bench(setup, callers, claims_each, think_ms))
            connections.close_all()
        del setup["user_ids"]
        return {"setup": setup, "runs": runs}

    if postgres:
        import psycopg

        base, _, _name = postgres.rpartition("/")
        db = f"bench_nc_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {db}")
        try:
            _setup_django(f"{base}/{db}")
            return bench_all()
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIGIE_DATA_DIR"] = tmp
        _setup_django(f"sqlite:///{tmp}/bench.sqlite3")
        result = bench_all()
        from django.db import connections

        connections.close_all()
        return result


def main() -> None:
    import json

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--callers", type=int, nargs="*", default=[50, 200])
    parser.add_argument("--claims-each", type=int, default=10)
    parser.add_argument("--queue", type=int, default=5000, help="households due in the campaign")
    parser.add_argument(
        "--postgres", help="postgres://user@host:port/any_db (a scratch db is created)"
    )
    parser.add_argument("--think-ms", type=float, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--configs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(json.loads(args.configs), args.postgres, args.queue)))
        return
    rows = []
    for url in [None] + ([args.postgres] if args.postgres else []):
        configs = [(n, args.claims_each, args.think_ms) for n in args.callers]
        rows += run_many(configs, url, args.queue)["runs"]
    cols = [
        "engine",
        "callers",
        "processes",
        "think_ms",
        "queue",
        "claims",
        "claims_per_s",
        "p50_ms",
        "p99_ms",
        "double_claims",
        "lost",
    ]
    print(" | ".join(f"{c:>13}" for c in cols))
    for r in rows:
        print(" | ".join(f"{r[c]!s:>13}" for c in cols))


if __name__ == "__main__":
    main()
