"""Food aid at the scale of the largest landlord (issue #14, "Done when"): run by `make bench`.

    .venv/bin/python bench/bench_foodaid.py [--quick] [--keep]

On PostgreSQL (database `bench_foodaid` on the cluster of `make pg-start`):
  report   `GET …/programmes/{id}/report` figures (selectors.report_figures and report_for)
           over 350,000 households (~800,000 occupants) and 100,000 check-ins: target < 1 s
  checkin  `POST /api/v1/foodaid/sessions/{id}/records` through gunicorn (the deploy config),
           20 users at once, each its own API token, every request a new record (a new
           client_id): paced (a record every ~second per tablet, target p95 < 150 ms, the
           issue's "a record in under 150 ms") and back to back (saturation); then the same
           client_ids again (replays answer 200, nothing stored)

The register is written with COPY (a few seconds), not through the ERP import that
bench/run.py measures: this bench is about food aid. The load generator is Python threads
(one keep-alive connection per user) on the same 2-core machine as the server, so latencies
include some client time. Writes bench/results-foodaid.json. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    HERE,
    ROOT,
    WORK,
    load_average,
    migrate,
    peak_rss_mb,
    percentile,
    pg_drop,
    pg_recreate,
    pg_url,
    setup_django,
)

DB = os.environ.get("BENCH_FOODAID_DB", "bench_foodaid")
RESULTS = HERE / os.environ.get("BENCH_FOODAID_RESULTS", "results-foodaid.json")
SCALES = {
    "full": {
        "households": 350_000,
        "records": 100_000,
        "enrolments": 25_000,
        "sites": 100,
        "users": 20,
        "seconds": 15,
    },
    "quick": {
        "households": 20_000,
        "records": 5_000,
        "enrolments": 2_000,
        "sites": 20,
        "users": 20,
        "seconds": 4,
    },
}
TARGET_REPORT_S = 1.0
TARGET_CHECKIN_P95_MS = 150.0


def _copy(cursor, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join("\\N" if v is None else str(v) for v in row) + "\n")
    buf.seek(0)
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        while chunk := buf.read(1 << 20):
            copy.write(chunk)


def _next_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")
    return cursor.fetchone()[0]


def _fix_sequence(cursor, table: str) -> None:
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
    )


def build(scale: dict) -> dict:
    """A landlord of `households` households, a food-aid programme over `sites` residences,
    `enrolments` enrolled households and `records` check-ins over ten sessions per site."""
    from django.db import connection
    from django.utils import timezone

    from vigie.accounts.models import ApiToken, Membership, User
    from vigie.core.models import Organisation, OrganisationKind
    from vigie.core.permissions import Role
    from vigie.foodaid.models import DistributionSession, Programme, ProgrammePartner
    from vigie.housing.models import Agency, Commune, Residence

    rng = random.Random(14)
    t0 = time.perf_counter()
    org = Organisation.objects.create(
        slug="bench-hlm", name="Bench HLM", kind=OrganisationKind.LANDLORD
    )
    partner = Organisation.objects.create(
        slug="bench-regie", name="Régie", kind=OrganisationKind.PARTNER
    )
    commune = Commune.objects.get(insee_code="31555")
    agency = Agency.objects.create(organisation=org, name="Agence")
    n_res = max(scale["sites"] * 5, 200)
    Residence.objects.bulk_create(
        Residence(organisation=org, agency=agency, name=f"Résidence {i}", commune=commune)
        for i in range(n_res)
    )
    residences = list(
        Residence.objects.filter(organisation=org).order_by("pk").values_list("pk", flat=True)
    )
    now = timezone.now().isoformat()
    n = scale["households"]
    with connection.cursor() as c:
        raw = c.cursor  # psycopg 3 cursor, for COPY
        d0 = _next_id(c, "housing_dwelling")
        _copy(
            raw,
            "housing_dwelling",
            [
                "id",
                "organisation_id",
                "reference",
                "residence_id",
                "building_id",
                "staircase",
                "floor",
                "door",
                "type",
                "address",
                "postcode",
                "commune_id",
            ],
            (
                (
                    d0 + i,
                    org.pk,
                    f"LOG{i:07d}",
                    residences[i % n_res],
                    None,
                    "ABC"[i % 3],
                    str(i % 8),
                    str(i % 40),
                    "T3",
                    f"{i % 200} rue du Banc",
                    "31200",
                    "31555",
                )
                for i in range(n)
            ),
        )
        h0 = _next_id(c, "housing_household")
        _copy(
            raw,
            "housing_household",
            [
                "id",
                "organisation_id",
                "reference",
                "dwelling_id",
                "start_date",
                "opted_out",
                "adults",
                "children",
                "oldest_adult_birth_date",
                "has_disability",
                "has_phone",
                "search_text",
                "version",
                "created_at",
                "updated_at",
            ],
            (
                (
                    h0 + i,
                    org.pk,
                    f"BAIL{i:07d}",
                    d0 + i,
                    "2010-01-01",
                    "f",
                    1,
                    i % 3,
                    f"{1930 + i % 60}-05-01",
                    "t" if i % 17 == 0 else "f",
                    "t",
                    "",
                    1,
                    now,
                    now,
                )
                for i in range(n)
            ),
        )
        occupants = []
        o = _next_id(c, "housing_occupant")
        for i in range(n):
            people = 1 + (i % 3) + (1 if i % 5 == 0 else 0)
            for k in range(people):
                born = f"{1930 + i % 60}-05-01" if k == 0 else f"{1995 + (i + k) % 30}-03-01"
                occupants.append(
                    (
                        o,
                        org.pk,
                        h0 + i,
                        k,
                        f"Nom{i}",
                        "Prénom",
                        born,
                        "titulaire" if k == 0 else "enfant",
                        "+33561000000",
                        "f",
                        "",
                        "f",
                        "f",
                        "",
                        "f",
                        "t" if (i + k) % 23 == 0 else "f",
                        "f",
                    )
                )
                o += 1
        _copy(
            raw,
            "housing_occupant",
            [
                "id",
                "organisation_id",
                "household_id",
                "position",
                "last_name",
                "first_name",
                "birth_date",
                "role",
                "phone",
                "phone_to_check",
                "phone_2",
                "phone_2_to_check",
                "phone_wrong_number",
                "email",
                "email_to_check",
                "disability",
                "opted_out",
            ],
            occupants,
        )
        for table in ("housing_dwelling", "housing_household", "housing_occupant"):
            _fix_sequence(c, table)
    register_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    manager = User.objects.create(username="bench-manager")
    Membership.objects.create(user=manager, organisation=org, role=Role.MANAGER)
    today = timezone.localdate()
    programme = Programme.objects.create(
        organisation=org,
        name="Colis",
        starts_on=today - timedelta(days=120),
        ends_on=today + timedelta(days=30),
        created_by=manager,
    )
    sites = residences[: scale["sites"]]
    programme.sites.set(sites, through_defaults={"organisation_id": org.pk})
    ProgrammePartner.objects.create(
        organisation=org, programme=programme, partner_organisation=partner
    )
    # Households of the sites: residence r holds households i with i % n_res == index(r).
    per_site = {r: [h0 + i for i in range(idx, n, n_res)] for idx, r in enumerate(sites)}
    enrol_per_site = scale["enrolments"] // len(sites)
    sessions = []
    for r in sites:
        for k in range(10):
            sessions.append(
                DistributionSession(
                    organisation=org,
                    programme=programme,
                    site_id=r,
                    date=today - timedelta(days=100 - 10 * k),
                    status="closed" if k < 9 else "planned",
                    created_by=manager,
                )
            )
    DistributionSession.objects.bulk_create(sessions)
    sessions_by_site: dict[int, list] = {}
    for s in DistributionSession.objects.filter(programme=programme).order_by("date", "pk"):
        sessions_by_site.setdefault(s.site_id, []).append(s)
    with connection.cursor() as c:
        raw = c.cursor
        e0 = _next_id(c, "foodaid_enrolment")
        enrolments, by_site = [], {}
        e = e0
        for r in sites:
            for hid in per_site[r][:enrol_per_site]:
                enrolments.append(
                    (
                        e,
                        org.pk,
                        now,
                        now,
                        1,
                        programme.pk,
                        hid,
                        "enrolled",
                        today.isoformat(),
                        "collect" if e % 4 else "delivery",
                        "",
                        "f",
                        manager.pk,
                        now,
                    )
                )
                by_site.setdefault(r, []).append(e)
                e += 1
        _copy(
            raw,
            "foodaid_enrolment",
            [
                "id",
                "organisation_id",
                "created_at",
                "updated_at",
                "version",
                "programme_id",
                "household_id",
                "status",
                "consent_on",
                "mode",
                "delivery_reason",
                "share_disability",
                "enrolled_by_id",
                "enrolled_at",
            ],
            enrolments,
        )
        per_session = scale["records"] // (len(sites) * 10)
        records, rid = [], _next_id(c, "foodaid_record")
        for r in sites:
            for s in sessions_by_site[r]:
                for eid in rng.sample(by_site[r], min(per_session, len(by_site[r]))):
                    result = rng.choice(("collected", "collected", "delivered", "not_home"))
                    records.append(
                        (
                            rid,
                            org.pk,
                            now,
                            now,
                            s.pk,
                            eid,
                            str(uuid.uuid4()),
                            result,
                            0 if result == "not_home" else 1,
                            "{}",
                            manager.pk,
                            now,
                        )
                    )
                    rid += 1
        _copy(
            raw,
            "foodaid_record",
            [
                "id",
                "organisation_id",
                "created_at",
                "updated_at",
                "session_id",
                "enrolment_id",
                "client_id",
                "result",
                "parcels",
                "quantities",
                "recorded_by_id",
                "taken_at",
            ],
            records,
        )
        for table in ("foodaid_enrolment", "foodaid_record"):
            _fix_sequence(c, table)
        c.execute("ANALYZE")
    # The check-in users: partner workers with API tokens, each on a planned session.
    users = []
    planned = [sessions_by_site[r][-1] for r in sites]
    for i in range(scale["users"]):
        u = User.objects.create(username=f"bench-worker-{i}")
        Membership.objects.create(user=u, organisation=partner, role=Role.PARTNER_WORKER)
        _t, raw_token = ApiToken.issue(user=u, name="bench")
        s = planned[i % len(planned)]
        users.append({"token": raw_token, "session": s.pk, "enrolments": by_site[s.site_id]})
    return {
        "programme": programme.pk,
        "manager": manager.pk,
        "users": users,
        "households": n,
        "occupants": len(occupants),
        "enrolments": len(enrolments),
        "records": len(records),
        "register_seconds": round(register_s, 1),
        "foodaid_seconds": round(time.perf_counter() - t1, 1),
    }


def reuse(scale: dict) -> dict:
    """The state of a database built by an earlier run (new API tokens for its workers)."""
    from vigie.accounts.models import ApiToken, User
    from vigie.foodaid.models import DistributionSession, Enrolment, Programme, Record
    from vigie.housing.models import Household, Occupant

    programme = Programme.objects.get()
    planned = list(DistributionSession.objects.filter(status="planned").order_by("pk"))
    users = []
    for i in range(scale["users"]):
        u = User.objects.get(username=f"bench-worker-{i}")
        _t, raw_token = ApiToken.issue(user=u, name="bench")
        s = planned[i % len(planned)]
        enrolments = list(
            Enrolment.objects.filter(household__dwelling__residence_id=s.site_id).values_list(
                "pk", flat=True
            )
        )
        users.append({"token": raw_token, "session": s.pk, "enrolments": enrolments})
    return {
        "programme": programme.pk,
        "manager": User.objects.get(username="bench-manager").pk,
        "users": users,
        "households": Household.objects.count(),
        "occupants": Occupant.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "records": Record.objects.count(),
        "register_seconds": None,
        "foodaid_seconds": None,
        "reused": True,
    }


def bench_report(state: dict) -> dict:
    from vigie.accounts.models import User
    from vigie.foodaid.models import Programme
    from vigie.foodaid.selectors import report_figures, report_for

    p = Programme.objects.get(pk=state["programme"])
    manager = User.objects.get(pk=state["manager"])
    times, figures = [], None
    for _ in range(5):
        t = time.perf_counter()
        figures = report_for(p, manager, p.starts_on, p.ends_on)
        times.append(time.perf_counter() - t)
    site_times = []
    for _ in range(3):
        t = time.perf_counter()
        report_figures(p, p.starts_on, p.ends_on, site_id=p.sites.order_by("pk").first().pk)
        site_times.append(time.perf_counter() - t)
    return {
        "first_s": round(times[0], 3),
        "median_s": round(statistics.median(times), 3),
        "max_s": round(max(times), 3),
        "one_site_median_s": round(statistics.median(site_times), 3),
        "figures": figures,
        "target_s": TARGET_REPORT_S,
        "ok": max(times) < TARGET_REPORT_S,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load(
    port: int, users: list[dict], seconds: float, replay: dict | None = None, pace_ms: int = 0
) -> dict:
    """Each user posts records on its own keep-alive connection for `seconds`: back to back,
    or with a think time of 0.5–1.5 × `pace_ms` between two records."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    sent: dict[int, list[dict]] = {}
    lock = threading.Lock()
    barrier = threading.Barrier(len(users))
    stop = time.perf_counter() + seconds + 1.0

    def run(i: int, u: dict) -> None:
        rng = random.Random(i)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        path = f"/api/v1/foodaid/sessions/{u['session']}/records"
        headers = {"Authorization": f"Bearer {u['token']}", "Content-Type": "application/json"}
        mine: list[dict] = []
        todo = list((replay or {}).get(i, []))
        barrier.wait()
        while time.perf_counter() < stop if replay is None else todo:
            body = (
                todo.pop()
                if replay is not None
                else {
                    "client_id": str(uuid.uuid4()),
                    "enrolment": rng.choice(u["enrolments"]),
                    "result": "collected",
                    "parcels": 1,
                }
            )
            t = time.perf_counter()
            conn.request("POST", path, json.dumps(body), headers)
            response = conn.getresponse()
            response.read()
            elapsed = (time.perf_counter() - t) * 1000
            mine.append(body)
            if pace_ms:
                time.sleep(rng.uniform(0.5, 1.5) * pace_ms / 1000)
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
        conn.close()
        sent[i] = mine

    threads = [threading.Thread(target=run, args=(i, u)) for i, u in enumerate(users)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50), 1),
        "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "_sent": sent,
    }


def bench_checkin(state: dict, scale: dict, url: str) -> dict:
    import urllib.request

    from vigie.foodaid.models import Record

    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "VIGIE_DEBUG": "0",
        "VIGIE_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
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
    log = open(WORK / "gunicorn-foodaid.log", "w")  # noqa: SIM115
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            str(ROOT / "deploy" / "gunicorn.conf.py"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/comptes/connexion/", timeout=2)  # noqa: S310
                break
            except Exception:  # noqa: BLE001
                if time.time() > deadline or server.poll() is not None:
                    raise RuntimeError(
                        (WORK / "gunicorn-foodaid.log").read_text()[-3000:]
                    ) from None
                time.sleep(0.3)
        before = Record.objects.count()
        _load(port, state["users"], 2)  # warm-up: workers load code, open connections
        warm = Record.objects.count()
        # Paced: a record every ~second per tablet (a real one takes a person tens of seconds).
        paced = _load(port, state["users"], scale["seconds"], pace_ms=1000)
        paced.pop("_sent")
        warm = Record.objects.count()
        # Back to back: 20 requests always in flight (a saturation test).
        result = _load(port, state["users"], scale["seconds"])
        sent = result.pop("_sent")
        stored = Record.objects.count() - warm
        # The same records again (a tablet replaying its queue): 200, nothing new stored.
        replay = _load(port, state["users"], 0, replay={i: b[:20] for i, b in sent.items()})
        replay.pop("_sent")
        return {
            "paced": paced,
            "back_to_back": result,
            "p95_ms": paced["p95_ms"],
            "users": len(state["users"]),
            "stored": stored,
            "warmup_records": warm - before,
            "replay": {**replay, "new_records": Record.objects.count() - warm - stored},
            "target_p95_ms": TARGET_CHECKIN_P95_MS,
            "ok": paced["p95_ms"] < TARGET_CHECKIN_P95_MS
            and stored == result["statuses"].get("201", 0)
            and Record.objects.count() - warm - stored == 0,
        }
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scale smoke run")
    parser.add_argument("--keep", action="store_true", help="keep the database bench_foodaid")
    parser.add_argument(
        "--reuse", action="store_true", help="measure again on the database of a --keep run"
    )
    args = parser.parse_args()
    mode = "quick" if args.quick else "full"
    scale = SCALES[mode]
    WORK.mkdir(exist_ok=True)
    name = DB + ("_quick" if args.quick else "")
    if args.reuse:  # the register and check-ins of an earlier --keep run
        url = pg_url(name)
        setup_django(url)
        migrate_s = 0.0
        state = reuse(scale)
    else:
        url = pg_recreate(name)
        setup_django(url)
        t = time.perf_counter()
        migrate()
        migrate_s = time.perf_counter() - t
        state = build(scale)
    print(
        f"built: {state['households']} households, {state['occupants']} occupants, "
        f"{state['records']} records ({state['register_seconds']} s + "
        f"{state['foodaid_seconds']} s)",
        flush=True,
    )
    report = bench_report(state)
    print(f"report: median {report['median_s']} s (max {report['max_s']} s)", flush=True)
    checkin = bench_checkin(state, scale, url)
    print(
        f"check-in: paced p95 {checkin['p95_ms']} ms; back to back p95 "
        f"{checkin['back_to_back']['p95_ms']} ms at {checkin['back_to_back']['requests_per_s']} "
        f"req/s; replays stored {checkin['replay']['new_records']}",
        flush=True,
    )
    results = {
        "mode": mode,
        "scale": scale,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "load_average": load_average(),
        "migrate_seconds": round(migrate_s, 1),
        "build": {k: v for k, v in state.items() if k != "users"},
        "report": report,
        "checkin": checkin,
        "peak_rss_mb": peak_rss_mb(),
    }
    out = RESULTS if not args.quick else WORK / "results-foodaid-quick.json"  # git-ignored
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    if not args.keep:
        pg_drop(name)
    print(json.dumps({"report_ok": report["ok"], "checkin_ok": checkin["ok"]}))


if __name__ == "__main__":
    main()
