"""Next-call claim latency with N concurrent callers, on SQLite and (optionally) PostgreSQL.

    python bench/bench_next_call.py --callers 50 --targets 5000 [--postgres postgres://…]

`run(callers, targets, database_url)` returns {"engine", "callers", "targets", "claims",
"claims_per_s", "p50_ms", "p99_ms", "double_claims", "lost"} so bench/run.py can call it.
Each caller loops: next_call, then records a reassuring call, until the queue is empty; only
the next_call is timed. A scratch database is created and dropped (SQLite: a temporary file).
"""

from __future__ import annotations

import argparse
import os
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


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def _bench(callers: int, targets: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, connections

    from vigie.accounts.models import Membership, User
    from vigie.campaigns.models import Target
    from vigie.campaigns.queue import next_call
    from vigie.campaigns.services import attempt_record
    from vigie.campaigns.tests.factories import bulk_landlord, running_campaign
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role

    call_command("migrate", verbosity=0, interactive=False)
    org = Organisation.objects.create(
        slug=f"bench-{int(time.time())}", name="Bench", kind=OrganisationKind.LANDLORD
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
        mine, got = [], []
        try:
            barrier.wait()
            while True:
                t0 = time.perf_counter()
                target = next_call(campaign=campaign, caller=user)
                mine.append(time.perf_counter() - t0)
                if target is None:
                    break
                got.append(target.pk)
                attempt_record(actor=user, target=target, result="reached", outcome="reassuring")
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
        "targets": n_targets,
        "claims": len(handed),
        "claims_per_s": round(len(handed) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(_percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else 0.0,
        "double_claims": sum(1 for c in counts.values() if c > 1),
        "lost": n_targets - len(counts),
    }


def run(callers: int, targets: int, database_url: str | None) -> dict:
    """One benchmark in a scratch database (a child process: Django is set up once per process)."""
    import json
    import subprocess

    cmd = [
        sys.executable,
        __file__,
        "--child",
        "--callers",
        str(callers),
        "--targets",
        str(targets),
    ]
    if database_url:
        cmd += ["--postgres", database_url]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(callers: int, targets: int, postgres: str | None) -> dict:
    if postgres:
        import psycopg

        base, _, _name = postgres.rpartition("/")
        db = f"vigie_bench_{os.getpid()}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {db}")
        try:
            _setup_django(f"{base}/{db}")
            return _bench(callers, targets)
        finally:
            from django.db import connections

            connections.close_all()
            with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["VIGIE_DATA_DIR"] = tmp
        _setup_django(f"sqlite:///{tmp}/bench.sqlite3")
        result = _bench(callers, targets)
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
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_child(args.callers[0], args.targets, args.postgres)))
        return
    rows = []
    for url in [None] + ([args.postgres] if args.postgres else []):
        for n in args.callers:
            rows.append(run(n, args.targets, url))
    cols = [
        "engine",
        "callers",
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
