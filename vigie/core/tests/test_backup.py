"""`vigie backup` / `vigie restore`: a round-trip gives back every row of every table.

The round-trips need committed data (the backup reads the database from its own connection),
so they are transactional tests. pytest-django empties every table after such a test, reference
data loaded by migrations included (communes); the `pristine_database` fixture puts the
database back as it found it once this module's transactional tests are done, with the very
commands under test.
"""

from __future__ import annotations

import io
import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction

from vigie.accounts.models import Membership
from vigie.core import backup as backup_module
from vigie.core.backup import (
    BackupError,
    BackupInfo,
    backup_database,
    check_restorable,
    inspect_backup,
    pg_environment,
    prune_backups,
    restore_database,
    table_checksums,
)
from vigie.core.models import AuditEvent, Organisation, OrganisationKind
from vigie.housing.models import Household, Occupant
from vigie.housing.tests.factories import make_household

on_sqlite = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite only")
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pytest.fixture(scope="module")
def pristine_database(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        saved = backup_database(tmp_path_factory.mktemp("pristine"))
    yield
    with django_db_blocker.unblock():
        restore_database(saved)


def fill_register(landlord_a, landlord_b, claire, bruno) -> None:
    """Two landlords' households, users and a journal: rows in most tables."""
    make_household(
        landlord_a,
        [
            {"last_name": "DURAND", "first_name": "Odette", "birth_date": date(1938, 4, 2)},
            {"last_name": "DURAND", "first_name": "Léon", "birth_date": date(1936, 1, 9)},
        ],
        reference="BAIL-DURAND",
    )
    make_household(landlord_a, [{"last_name": "MARTIN", "first_name": "Julie"}])
    make_household(landlord_b, [{"last_name": "NGUYEN", "first_name": "Thi", "disability": True}])
    AuditEvent.objects.create(
        actor=claire, organisation=landlord_a, action="test.seeded", payload={"n": 3, "é": "à"}
    )


def change_everything(landlord_a) -> None:
    """What a bad day looks like: deletions, additions, updates, in several tables."""
    Occupant.objects.filter(last_name="NGUYEN").delete()
    Household.objects.filter(reference="BAIL-DURAND").update(opted_out=True)
    Organisation.objects.create(slug="intrus", name="Intrus", kind=OrganisationKind.FUNDER)
    Membership.objects.filter(organisation=landlord_a).delete()
    AuditEvent.objects.create(action="test.after_backup")


def round_trip(tmp_path: Path, landlord_a) -> None:
    before = table_checksums()
    written = backup_database(tmp_path / "vigie.backup")
    change_everything(landlord_a)
    changed = table_checksums()
    assert changed != before, "the changes must show in the checksums"

    call_command("restore", str(written), "--yes", stdout=io.StringIO())

    after = table_checksums()
    assert after == before
    assert after["housing_household"][0] == 3
    assert after["housing_commune"][0] > 30_000, "reference data comes back too"
    assert Occupant.objects.filter(last_name="NGUYEN").get().disability is True
    assert not Organisation.objects.filter(slug="intrus").exists()


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_round_trip_gives_back_every_row(
    pristine_database, tmp_path, landlord_a, landlord_b, claire, bruno
):
    fill_register(landlord_a, landlord_b, claire, bruno)
    round_trip(tmp_path, landlord_a)


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_gives_back_every_row(
    pristine_database, tmp_path, landlord_a, landlord_b, claire, bruno
):
    fill_register(landlord_a, landlord_b, claire, bruno)
    round_trip(tmp_path, landlord_a)
    # pg_restore puts the sequences back: the next row does not collide with a restored one.
    Organisation.objects.create(slug="apres", name="Après", kind=OrganisationKind.PARTNER)


@on_sqlite
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_is_consistent_while_the_app_writes(pristine_database, tmp_path):
    """Each write transaction adds two journal rows: a consistent copy holds an even number."""
    stop = threading.Event()
    committed = []

    def writer():
        try:
            while not stop.is_set():
                with transaction.atomic():
                    AuditEvent.objects.create(action="test.pair")
                    AuditEvent.objects.create(action="test.pair")
                committed.append(1)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        counts = []
        for i in range(6):
            written = backup_database(tmp_path / f"b{i}.sqlite3")
            con = sqlite3.connect(written)
            counts.append(con.execute("SELECT count(*) FROM core_auditevent").fetchone()[0])
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
            con.close()
    finally:
        stop.set()
        thread.join()
    assert committed, "the writer must have committed while we backed up"
    assert all(c % 2 == 0 for c in counts), counts
    assert counts[-1] > 0


# --- Refusals --------------------------------------------------------------------------------


def fake_sqlite_vigie(path: Path, migrations: list[tuple[str, str]]) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE django_migrations (id integer primary key, app, name, applied)")
    con.executemany(
        "INSERT INTO django_migrations (app, name, applied) VALUES (?, ?, '2026-01-01')",
        migrations,
    )
    con.commit()
    con.close()
    return path


def test_restore_refuses_a_file_that_is_no_backup(tmp_path, db):
    junk = tmp_path / "notes.txt"
    junk.write_text("liste des locataires\n")
    with pytest.raises(CommandError, match="n'est pas une sauvegarde de Vigie"):
        call_command("restore", str(junk), "--yes")


@on_sqlite
def test_restore_refuses_another_application_s_sqlite_file(tmp_path, db):
    other = fake_sqlite_vigie(tmp_path / "autre.sqlite3", [("blog", "0001_initial")])
    with pytest.raises(CommandError, match="mais pas d.une base Vigie"):
        call_command("restore", str(other), "--yes")


def test_restore_refuses_another_application_s_backup_of_this_engine(db):
    info = BackupInfo(connection.vendor, frozenset({("blog", "0001_initial")}))
    with pytest.raises(BackupError, match="mais pas d.une base Vigie"):
        check_restorable(info)


def test_restore_refuses_a_backup_of_the_other_engine(tmp_path, db):
    if connection.vendor == "sqlite":
        other = tmp_path / "vigie.pgdump"
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
        expected = "sauvegarde PostgreSQL, mais la base configurée est SQLite"
    else:
        other = fake_sqlite_vigie(tmp_path / "vigie.sqlite3", [("core", "0001_initial")])
        expected = "sauvegarde SQLite, mais la base configurée est PostgreSQL"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other), "--yes")


def test_restore_refuses_a_backup_from_a_newer_vigie(db):
    info = BackupInfo(
        connection.vendor, frozenset({("core", "0001_initial"), ("core", "0999_future")})
    )
    with pytest.raises(BackupError, match="version plus récente de Vigie.*core.0999_future"):
        check_restorable(info)


def test_restore_asks_for_yes_when_not_interactive(tmp_path, db, monkeypatch):
    written = backup_database(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    with pytest.raises(CommandError, match="relancez avec --yes"):
        call_command("restore", str(written))


def test_restore_stops_when_the_operator_does_not_type_oui(tmp_path, db, monkeypatch):
    written = backup_database(tmp_path)
    monkeypatch.setattr("sys.stdin.isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    called = []
    monkeypatch.setattr(backup_module, "_sqlite_restore", lambda *a: called.append(a))
    monkeypatch.setattr(backup_module, "_pg_restore", lambda *a: called.append(a))
    with pytest.raises(CommandError, match="Restauration annulée"):
        call_command("restore", str(written))
    assert not called


def test_a_backup_is_recognised_as_vigie_of_this_engine(tmp_path, db):
    written = backup_database(tmp_path)
    assert written.stat().st_mode & 0o077 == 0, "personal data: owner only"
    info = inspect_backup(written)
    assert info.engine == connection.vendor
    assert ("core", "0001_initial") in info.migrations
    check_restorable(info)


# --- Backup details --------------------------------------------------------------------------


def test_backup_into_a_directory_names_by_date_and_keeps_the_newest(tmp_path, db):
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    for day in range(1, 5):
        (tmp_path / f"vigie-{connection.vendor}-2026010{day}-020000{suffix}").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("pas une sauvegarde")
    out = io.StringIO()
    call_command("backup", str(tmp_path), "--keep", "3", stdout=out)
    left = sorted(p.name for p in tmp_path.iterdir())
    assert "Sauvegarde écrite" in out.getvalue()
    assert len([n for n in left if n.startswith("vigie-")]) == 3
    assert "notes.txt" in left
    assert f"vigie-{connection.vendor}-20260102-020000{suffix}" not in left
    assert f"vigie-{connection.vendor}-20260103-020000{suffix}" in left
    assert not list(tmp_path.glob("*.partial"))


def test_backup_refuses_a_missing_directory(tmp_path, db):
    with pytest.raises(CommandError, match="n'existe pas"):
        call_command("backup", str(tmp_path / "absent" / "vigie.backup"))


def test_postgresql_password_travels_in_the_environment_not_argv(monkeypatch, tmp_path):
    seen = {}

    class Done:
        returncode = 0
        stderr = ""

    def fake_run(args, env, **kwargs):
        seen["args"], seen["env"] = args, env
        return Done()

    monkeypatch.setattr(backup_module.subprocess, "run", fake_run)
    settings_dict = {
        "NAME": "vigie",
        "USER": "vigie",
        "PASSWORD": "s3cr3t-Pa55",
        "HOST": "db.example",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require"},
    }
    backup_module._pg_dump(settings_dict, tmp_path / "x.pgdump")
    assert not any("s3cr3t" in a for a in seen["args"])
    assert seen["env"]["PGPASSWORD"] == "s3cr3t-Pa55"
    assert seen["env"]["PGSSLMODE"] == "require"
    assert pg_environment(settings_dict)["PGDATABASE"] == "vigie"


def test_table_checksums_see_a_single_changed_value(db, landlord_a):
    before = table_checksums()
    Organisation.objects.filter(pk=landlord_a.pk).update(name="Patrimoine SA (renommée)")
    after = table_checksums()
    assert after["core_organisation"][0] == before["core_organisation"][0]
    assert after["core_organisation"] != before["core_organisation"]
    assert {k: v for k, v in after.items() if k != "core_organisation"} == {
        k: v for k, v in before.items() if k != "core_organisation"
    }


def test_prune_keeps_everything_with_zero(tmp_path, db):
    suffix = ".sqlite3" if connection.vendor == "sqlite" else ".pgdump"
    for day in range(1, 4):
        (tmp_path / f"vigie-{connection.vendor}-2026010{day}-020000{suffix}").write_bytes(b"x")
    assert prune_backups(tmp_path, keep=0) == []
    assert len(list(tmp_path.iterdir())) == 3
