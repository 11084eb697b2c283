"""Next-call claim latency with N concurrent callers, on SQLite and (optionally) PostgreSQL.

    python bench/bench_next_call.py --callers 50 --targets 5000 [--postgres postgres://…]

`run(callers, targets, database_url, think_ms=0)` returns {"engine", "callers", "targets",
"claims", "claims_per_s", "p50_ms", "p99_ms", "double_claims", "lost"}; `run_many(configs,
database_url)` runs several (callers, targets, think_ms) in one scratch database, each on a fresh
landlord (bench/run.py calls it). Each caller loops: next_call, then records a reassuring call,
until the queue is empty; only the next_call is timed. With `think_ms` each caller waits a
random 0.5–1.5 × think_ms after each call, as a (very fast) real caller would; without it
every caller hammers the queue back to back, the worst case. A scratch database is created
and dropped (PostgreSQL: `bench_nc_<pid>`; SQLite: a temporary file).
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


def _bench(callers: int, targets: int, think_ms: float = 0) -> dict:
    from django.db import connection, connections

    from vigie.accounts.models import Membership, User
    from vigie.campaigns.models import Target
    from vigie.campaigns.queue import next_call
    from vigie.campaigns.services import attempt_record
    from vigie.campaigns.tests.factories import bulk_landlord, running_campaign
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role

    org = Organisation.objects.create(
        slug=f"bench-{time.time_ns()}", name="Bench", kind=OrganisationKind.LANDLORD
    )
    # Everyone over 75 so that every household is a target (the generator gives ~8.5 %).
    bulk_landlord(org, dwellings=targets, seed=1)
    from vigie.housing.models import Household

    Household.objects.filter(organisation=org).update(
        oldest_adult_birth_date="1930-01-01", opted_out=False, has_phone=True
    )
    manager = User.objects.create(username=f"{org.slug}-manager")
    Membership.objects.create(user=manager, organisation=org, role=Role.MANAGER)
    users = []
    for i in range(callers):
        u = User.objects.create(username=f"{org.slug}-c{i}")
        Membership.objects.create(user=u, organisation=org, role=Role.CALLER)
        users.append(u)
    campaign = running_campaign(
        org, manager, waves=[{"name": "Tous", "cohorts": ["over_75"], "priority": 1}]
    )
    n_targets = Target.objects.filter(campaign=campaign, status="pending").count()
    latencies: list[float] = []
    handed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(callers)

    def work(user):
        user = User.objects.get(pk=user.pk)
        rng = random.Random(user.pk)
        mine, got = [], []
        try:
            barrier.wait()
            if think_ms:  # callers do not all start in the same millisecond
                time.sleep(rng.uniform(0, think_ms) / 1000)
            while True:
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
            errors.append(exc)
        finally:
            with lock:
                latencies.extend(mine)
                handed.extend(got)
            connections.close_all()

    threads = [threading.Thread(target=work, args=(u,)) for u in users]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise errors[0]
    counts = Counter(handed)
    return {
        "engine": connection.vendor,
        "callers": callers,
        "think_ms": think_ms,
        "seconds": round(elapsed, 2),
        "targets": n_targets,
        "claims": len(handed),
        "claims_per_s": round(len(handed) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
        "double_claims": sum(1 for c in counts.values() if c > 1),
        "lost": n_targets - len(counts),
    }


def run_many(configs: list[tuple[int, int, float]], database_url: str | None) -> list[dict]:
    """Several (callers, targets, think_ms) runs in one scratch database, in a child process."""
    import json
    import subprocess

    cmd = [sys.executable, __file__, "--child", "--configs", json.dumps(configs)]
    if database_url:
        cmd += ["--postgres", database_url]
    out = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if out.returncode != 0:
        raise RuntimeError(f"next-call bench failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def run(callers: int, targets: int, database_url: str | None, think_ms: float = 0) -> dict:
    """One benchmark in a scratch database (a child process: Django is set up once per process)."""
    return run_many([(callers, targets, think_ms)], database_url)[0]


def _child(configs: list[tuple[int, int, float]], postgres: str | None) -> list[dict]:
    from django.core.management import call_command

    def bench_all() -> list[dict]:
        from django.db import connections

        call_command("migrate", verbosity=0, interactive=False)
        out = []
        for callers, targets, think_ms in configs:
            out.append(_bench(callers, targets, think_ms))
            connections.close_all()
        return out

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
    parser.add_argument("--targets", type=int, default=3000)
    parser.add_argument(
        "--postgres", help="postgres://user@host:port/any_db (a scratch db is created)"
    )
    parser.add_argument("--think-ms", type=float, default=0)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--configs", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(json.loads(args.configs), args.postgres)))
        return
    rows = []
    for url in [None] + ([args.postgres] if args.postgres else []):
        rows += run_many([(n, args.targets, args.think_ms) for n in args.callers], url)
    cols = [
        "engine",
        "callers",
        "think_ms",
        "targets",
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
