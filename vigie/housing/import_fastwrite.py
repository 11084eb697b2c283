"""Fast writes for the import: INSERT rows given as plain tuples, in bulk, with their ids.

Used by `importing._write` for the new dwellings, households and occupants of an import.
Why not bulk_create: Django builds a model instance per row and prepares each of the ~15
million values of a 350,000-dwelling import through the SQL compiler (and SQLite caps a
statement at 999 parameters). Here the values are plain Python values the drivers adapt
themselves (dates through `date_adapter` on SQLite), sent with COPY on PostgreSQL and one
executemany per 5,000 rows on SQLite.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, wait
from datetime import date
from itertools import islice

from django.db import connection


def _check_columns(model, attnames: tuple[str, ...]) -> None:
    """`attnames` must name every concrete field (the primary key may be left to the
    database), so that no default is forgotten: a model that gains a field makes the import
    fail loudly until it sets it. A field with a database default (`db_default`, the
    timestamps of `core.models.OrganisationOwned`) may be left to the database."""
    from django.db.models import NOT_PROVIDED

    expected = {
        f.attname
        for f in model._meta.concrete_fields
        if f.attname in attnames or f.db_default is NOT_PROVIDED
    }
    if model._meta.pk.attname not in attnames:  # ids given by the database
        expected.discard(model._meta.pk.attname)
    if set(attnames) != expected or len(attnames) != len(expected):
        raise AssertionError(
            f"{model._meta.label}: the import writes {sorted(attnames)}, "
            f"the model has {sorted(expected)}"
        )


def allocate_ids(model, count: int) -> Sequence[int]:
    """`count` new primary keys for `model`, to write rows with their ids (no lookup after).

    PostgreSQL: from the table's sequence. SQLite: after the largest id ever given (the
    write lock is taken first, so no other connection can insert meanwhile).
    """
    if count <= 0:
        return []
    meta = model._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # A write that changes nothing: it takes the write lock if BEGIN did not already.
        cursor.execute(f"UPDATE {table} SET {pk} = {pk} WHERE 0")  # nosec B608
        cursor.execute(f"SELECT max({pk}) FROM {table}")  # nosec B608
        top = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [meta.db_table])
        row = cursor.fetchone()
        if row and row[0] and row[0] > top:
            top = row[0]
    return range(top + 1, top + 1 + count)


def _executemany(raw, sql: str, batch: list[tuple]) -> None:
    # The cursor is made, used and closed in the writer thread: a cursor released by another
    # thread would reset its (cached, shared) statement while the writer steps through it.
    cursor = raw.cursor()
    try:
        cursor.executemany(sql, batch)
    finally:
        cursor.close()


class RowWriter:
    """INSERT rows given as plain tuples, while the caller builds the next ones.

    PostgreSQL: COPY (the server works in its own process while rows are sent). SQLite: one
    executemany per 5,000 rows in a writer thread on the same connection and transaction;
    sqlite3 releases the GIL while SQLite writes, so building rows here and writing them
    there overlap. The caller must not use the connection until `finish()` has returned.
    Use as a context manager: leaving it waits for the writes (and raises their error).
    """

    BATCH = 5000

    def __init__(self) -> None:
        self.postgresql = connection.vendor == "postgresql"
        self.pool = None if self.postgresql else ThreadPoolExecutor(1, "vigie-import-writer")
        self.pending: deque[Future] = deque()

    def __enter__(self) -> RowWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.finish()  # raises the first write error
        finally:
            # Never leave a batch running: the caller rolls back (or uses the connection)
            # next. Batches not started yet are dropped; running ones are waited for.
            for future in self.pending:
                future.cancel()
            wait(self.pending)
            self.pending.clear()
            if self.pool is not None:
                self.pool.shutdown(wait=True)

    def insert(self, model, attnames: tuple[str, ...], rows: Iterable[tuple]) -> None:
        _check_columns(model, attnames)
        meta = model._meta
        by_attname = {f.attname: f for f in meta.concrete_fields}
        quote = connection.ops.quote_name
        table = quote(meta.db_table)
        columns = ", ".join(quote(by_attname[a].column) for a in attnames)
        if self.postgresql:
            # psycopg's own cursor: its errors become django's (DatabaseError) here.
            with connection.cursor() as cursor, connection.wrap_database_errors:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
            return
        # Table and column names come from the model and are quoted; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['?'] * len(attnames))})"  # nosec B608
        raw = connection.connection  # sqlite3's own connection (check_same_thread off)
        rows = iter(rows)
        while batch := list(islice(rows, self.BATCH)):
            while len(self.pending) >= 2:  # bounded: rows are not all held at once
                self._wait(self.pending.popleft())
            self.pending.append(self.pool.submit(_executemany, raw, sql, batch))

    def finish(self) -> None:
        while self.pending:
            self._wait(self.pending.popleft())

    @staticmethod
    def _wait(future: Future) -> None:
        try:
            future.result()
        except Exception:
            with connection.wrap_database_errors:  # sqlite3.Error → django DatabaseError
                raise


class date_adapter(dict):  # noqa: N801 (used like a function: dates[value])
    """dates[d]: `d` as the database driver takes it (ISO text on SQLite), each date once."""

    def __init__(self) -> None:
        super().__init__({None: None})
        self.adapt = connection.ops.adapt_datefield_value

    def __missing__(self, value: date) -> object:
        adapted = self.adapt(value)
        self[value] = adapted
        return adapted
