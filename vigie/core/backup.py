"""Backup and restore of Vigie's database, in each engine's native format (docs/decisions/0005).

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while
  the app keeps writing (WAL: the copy is one read transaction, writers are not blocked). The
  result is a plain SQLite file, switched to rollback-journal mode so it is self-contained.
- PostgreSQL: `pg_dump -Fc` (one snapshot, consistent by MVCC) and `pg_restore --clean
  --if-exists --single-transaction` (all or nothing). Connection settings come from
  DATABASE_URL and reach the tools through PG* environment variables: the password never
  appears on a command line (where `ps` would show it).

A file is accepted for restore only if it is a backup of the configured engine *and* a Vigie
database (its `django_migrations` table lists the `core` app), and not made by a newer Vigie
(migrations this code does not know). Errors a user can cause are French sentences.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3

# Runs pg_dump/pg_restore only, with argument lists and no shell.
import subprocess  # nosec B404
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

from vigie.core.errors import DomainError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
SUFFIXES = {"sqlite": ".sqlite3", "postgresql": ".pgdump"}


class BackupError(DomainError):
    """A backup or restore that cannot be done, with the reason as a French sentence."""


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file is: its engine and the migrations applied in it."""

    engine: str
    migrations: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @property
    def engine_label(self) -> str:
        return ENGINE_LABELS.get(self.engine, self.engine)


def _engine(using: str = "default") -> str:
    vendor = connections[using].vendor
    if vendor not in ENGINE_LABELS:
        raise BackupError(
            _("Le moteur de base « %(vendor)s » n'est pas pris en charge.") % {"vendor": vendor}
        )
    return vendor


def default_file_name(using: str = "default", now: datetime | None = None) -> str:
    """`vigie-<engine>-YYYYmmdd-HHMMSS.<ext>`: sorts by date, says how to restore it."""
    now = timezone.localtime(now or timezone.now())
    engine = _engine(using)
    return f"vigie-{engine}-{now:%Y%m%d-%H%M%S}{SUFFIXES[engine]}"


# --- Backup ----------------------------------------------------------------------------------


def backup_database(path: Path, *, using: str = "default") -> Path:
    """Write a consistent backup of the database to `path` (a directory gets a dated name)."""
    path = Path(path)
    if path.is_dir():
        path = path / default_file_name(using)
    if not path.parent.is_dir():
        raise BackupError(_("Le dossier « %(path)s » n'existe pas.") % {"path": path.parent})
    engine = _engine(using)
    tmp = path.with_name(path.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        if engine == "sqlite":
            _sqlite_backup(connections[using].settings_dict, tmp)
        else:
            _pg_dump(connections[using].settings_dict, tmp)
        # A backup holds every tenant's personal data: readable by its owner only.
        os.chmod(tmp, 0o600)
        # Only a complete backup gets the final name: a crash never leaves a truncated file
        # that looks like a good one.
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def prune_backups(directory: Path, *, keep: int, using: str = "default") -> list[Path]:
    """Delete all but the `keep` newest dated backups of this engine in `directory`."""
    engine = _engine(using)
    ours = sorted(Path(directory).glob(f"vigie-{engine}-*{SUFFIXES[engine]}"))
    doomed = ours[:-keep] if keep > 0 else []
    for old in doomed:
        old.unlink()
    return doomed


def _sqlite_path(settings_dict: dict[str, Any]) -> str:
    return str(settings_dict["NAME"])


def _sqlite_backup(settings_dict: dict[str, Any], dest: Path) -> None:
    # A connection of our own: Django's may be inside a transaction whose uncommitted rows
    # must not end up in a backup.
    src = sqlite3.connect(_sqlite_path(settings_dict), timeout=20)
    try:
        out = sqlite3.connect(dest)
        try:
            # pages=-1: the whole copy in one step, i.e. one read transaction. In WAL mode
            # writers go on meanwhile and the copy is the snapshot at its start. (Step-wise
            # copies restart whenever another process writes, and may never finish on a busy
            # database.)
            src.backup(out, pages=-1)
            # The copy inherits WAL mode from the source; a backup must be one self-contained
            # file, so switch it to a rollback journal.
            out.execute("PRAGMA journal_mode=DELETE")
            ok = out.execute("PRAGMA quick_check").fetchone()[0]
            if ok != "ok":
                raise BackupError(_("La copie SQLite est corrompue (%(detail)s).") % {"detail": ok})
        finally:
            out.close()
    finally:
        src.close()


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The PG* variables for pg_dump/pg_restore: the password stays out of argv."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    pairs = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
        "PGSSLROOTCERT": options.get("sslrootcert"),
        "PGSSLCERT": options.get("sslcert"),
        "PGSSLKEY": options.get("sslkey"),
    }
    for key, value in pairs.items():
        if value not in (None, ""):
            env[key] = str(value)
    return env


def pg_tool(name: str) -> str:
    """`pg_dump`/`pg_restore`: $VIGIE_PG_BIN, else the newest Debian install, else $PATH.

    The newest version is preferred because pg_dump refuses servers newer than itself and
    Debian's wrapper in /usr/bin may pick an older cluster's binaries.
    """
    bindir = os.environ.get("VIGIE_PG_BIN")
    if bindir:
        return str(Path(bindir) / name)
    debian = sorted(
        Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if debian:
        return str(debian[-1])
    found = shutil.which(name)
    if not found:
        raise BackupError(
            _(
                "L'outil « %(name)s » est introuvable : installez postgresql-client "
                "ou indiquez son dossier dans VIGIE_PG_BIN."
            )
            % {"name": name}
        )
    return found


def _run(args: list[str], env: dict[str, str], what: str) -> subprocess.CompletedProcess[str]:
    # args is a list (no shell), its first item a PostgreSQL tool found by pg_tool.
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # nosec B603
    if proc.returncode != 0:
        detail = proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else ""
        raise BackupError(
            _("%(what)s a échoué (code %(code)s) : %(detail)s")
            % {"what": what, "code": proc.returncode, "detail": detail}
        )
    return proc


def _pg_dump(settings_dict: dict[str, Any], dest: Path) -> None:
    _run(
        [pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={dest}"],
        pg_environment(settings_dict),
        "pg_dump",
    )


# --- Inspecting a backup ---------------------------------------------------------------------


def inspect_backup(path: Path) -> BackupInfo:
    """Which engine made this file and which migrations it holds (`check_restorable` judges)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("Le fichier « %(path)s » n'existe pas.") % {"path": path})
    with path.open("rb") as fh:
        head = fh.read(16)
    if head.startswith(SQLITE_MAGIC):
        info = BackupInfo("sqlite", _sqlite_migrations(path))
    elif head.startswith(PG_CUSTOM_MAGIC):
        info = BackupInfo("postgresql", _pg_migrations(path))
    else:
        raise BackupError(
            _(
                "« %(name)s » n'est pas une sauvegarde de Vigie "
                "(ni une base SQLite, ni un export pg_dump au format personnalisé)."
            )
            % {"name": path.name}
        )
    return info


def _sqlite_migrations(path: Path) -> frozenset[tuple[str, str]]:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT app, name FROM django_migrations").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        rows = []
    return frozenset((str(a), str(n)) for a, n in rows)


def _pg_migrations(path: Path) -> frozenset[tuple[str, str]]:
    """Read django_migrations' rows out of the dump (pg_restore prints them as COPY text)."""
    try:
        tool = pg_tool("pg_restore")
    except BackupError:
        return frozenset()  # check_restorable says what is wrong (engine, not Vigie)
    # A fixed argument list, no shell; tool is pg_restore found by pg_tool.
    proc = subprocess.run(  # nosec B603
        [tool, "--data-only", "--table=django_migrations", "--file=-", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return frozenset()
    rows: set[tuple[str, str]] = set()
    in_copy = False
    for line in proc.stdout.splitlines():
        if line.startswith("COPY ") and "django_migrations" in line:
            columns = line[line.index("(") + 1 : line.index(")")].split(", ")
            app_i, name_i = columns.index("app"), columns.index("name")
            in_copy = True
        elif in_copy and line == "\\.":
            in_copy = False
        elif in_copy:
            values = line.split("\t")
            rows.add((values[app_i], values[name_i]))
    return frozenset(rows)


def check_restorable(info: BackupInfo, *, using: str = "default") -> None:
    """Refuse a backup of another engine, or one made by a newer Vigie than this code."""
    engine = _engine(using)
    if info.engine != engine:
        raise BackupError(
            _(
                "Ce fichier est une sauvegarde %(engine)s, mais la base configurée est "
                "%(configured)s : restaurez-le sur une installation %(engine)s."
            )
            % {"engine": info.engine_label, "configured": ENGINE_LABELS[engine]}
        )
    if not any(app == "core" for app, _name in info.migrations):
        raise BackupError(
            _(
                "Ce fichier est une sauvegarde %(engine)s, mais pas d'une base Vigie "
                "(aucune migration de l'application core)."
            )
            % {"engine": info.engine_label}
        )
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    # Apps no longer installed are ignored; an installed app's unknown migration means newer.
    installed = {app for app, _name in known}
    unknown = sorted(m for m in info.migrations if m not in known and m[0] in installed)
    if unknown:
        names = ", ".join(f"{a}.{n}" for a, n in unknown[:3])
        raise BackupError(
            _(
                "Cette sauvegarde vient d'une version plus récente de Vigie "
                "(migrations inconnues : %(names)s) : mettez Vigie à jour avant de la restaurer."
            )
            % {"names": names}
        )


# --- Restore ---------------------------------------------------------------------------------


def restore_database(path: Path, *, using: str = "default") -> BackupInfo:
    """Replace the whole database with the backup in `path` (checked first).

    The app and the worker should be stopped: requests served during a restore would see the
    old database, then the new one.
    """
    info = inspect_backup(path)
    check_restorable(info, using=using)
    settings_dict = dict(connections[using].settings_dict)
    # Our own connection would hold locks or cached schema across the swap.
    connections[using].close()
    if info.engine == "sqlite":
        _sqlite_restore(Path(path), settings_dict)
    else:
        _pg_restore(Path(path), settings_dict)
    return info


def _sqlite_restore(path: Path, settings_dict: dict[str, Any]) -> None:
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dest = sqlite3.connect(_sqlite_path(settings_dict), timeout=20)
        try:
            # The backup API writes every page under the destination's write lock, in one step:
            # other connections see the old database or the new one, never a mix.
            src.backup(dest, pages=-1)
            dest.execute("PRAGMA journal_mode=WAL")
        finally:
            dest.close()
    finally:
        src.close()


def _pg_restore(path: Path, settings_dict: dict[str, Any]) -> None:
    env = pg_environment(settings_dict)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            # Objects belong to whoever restores (the app's role), whatever role made the dump.
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={env.get('PGDATABASE', '')}",
            str(path),
        ],
        env,
        "pg_restore",
    )


# --- Comparing databases ---------------------------------------------------------------------


def table_checksums(*, using: str = "default") -> dict[str, tuple[int, str]]:
    """{table: (row count, SHA-256 of its rows ordered by primary key)} for every table.

    Two databases of the same engine with equal checksums hold the same rows. Used by the
    round-trip test and handy after a restore.
    """
    connection = connections[using]
    out: dict[str, tuple[int, str]] = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor, include_views=False))
        for table in tables:
            description = connection.introspection.get_table_description(cursor, table)
            columns = [c.name for c in description]
            pk = connection.introspection.get_primary_key_columns(cursor, table) or columns
            q = connection.ops.quote_name
            # Names come from the database's own catalogue and are quoted; no user input.
            sql = f"SELECT {', '.join(map(q, columns))} FROM {q(table)} ORDER BY {', '.join(map(q, pk))}"  # nosec B608
            cursor.execute(sql)
            digest = hashlib.sha256()
            count = 0
            for row in cursor.fetchall():
                count += 1
                digest.update(repr(tuple(_stable(v) for v in row)).encode())
                digest.update(b"\n")
            out[table] = (count, digest.hexdigest())
    return out


def _stable(value: Any) -> Any:
    if isinstance(value, memoryview):
        return bytes(value)
    return value
