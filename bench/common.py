"""Shared pieces of the benchmarks: databases, Django setup, cached exports, percentiles.

Every benchmark step runs in its own child process (Django is set up once per process, and
ru_maxrss is then the peak of that step alone). PostgreSQL databases made here are named
`bench_*` and live on the shared cluster of `make pg-start`.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"  # git-ignored: cached exports, SQLite files, state between steps
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:54329")


def pg_url(name: str) -> str:
    assert name.startswith("bench_"), name
    return f"{PG_SERVER}/{name}"


def pg_recreate(name: str) -> str:
    """A fresh, empty PostgreSQL database `name` (bench_* only); returns its URL."""
    import psycopg

    assert name.startswith("bench_"), name
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return pg_url(name)


def pg_drop(name: str) -> None:
    import psycopg

    assert name.startswith("bench_"), name
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def sqlite_url(name: str) -> str:
    WORK.mkdir(exist_ok=True)
    return f"sqlite:///{WORK / name}.sqlite3"


def sqlite_remove(name: str) -> None:
    for suffix in ("", "-wal", "-shm", ".writers.lock"):
        (WORK / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)


def setup_django(database_url: str) -> None:
    """Django on `database_url`, DEBUG off (no query log growing in memory), 2FA off."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("VIGIE_DEBUG", "1")  # dev secret key; DEBUG is switched off below
    os.environ.setdefault("VIGIE_REQUIRE_2FA", "0")
    os.environ.setdefault("VIGIE_DATA_DIR", str(WORK / "data"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False


def migrate() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def cached_export(dwellings: int, seed: int = 2020) -> tuple[bytes, int, int]:
    """`generate_export(dwellings=…)` bytes, cached in bench/work/: (data, rows, households).

    The cache is keyed by size and seed (ages are computed on the day the file was made: a
    cached file a few days old is just as plausible). Delete bench/work/ to regenerate.
    """
    WORK.mkdir(exist_ok=True)
    stem = WORK / f"export-{dwellings}-{seed}"
    csv_path, meta_path = stem.with_suffix(".csv"), stem.with_suffix(".meta")
    if csv_path.exists() and meta_path.exists():
        rows, households = (int(x) for x in meta_path.read_text().split())
        return csv_path.read_bytes(), rows, households
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    # The generator's modules mark strings for translation when imported, which reads the
    # settings (this runs in its own process, before any step sets up Django on a database).
    os.environ.setdefault("VIGIE_DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigie.settings")
    from vigie.housing.demo import generate_export

    export = generate_export(dwellings=dwellings, seed=seed)
    tmp = csv_path.with_suffix(".tmp")
    tmp.write_bytes(export.data)
    tmp.replace(csv_path)
    meta_path.write_text(f"{export.rows} {export.households}\n")
    return export.data, export.rows, export.households
