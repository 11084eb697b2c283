"""Fast writes for the import: INSERT rows given as plain tuples, in bulk.

Used by `importing._write` for the new dwellings, households and occupants of an import.
Why not bulk_create: Django builds a model instance per row and prepares each of the ~15
million values of a 350,000-dwelling import through the SQL compiler (and SQLite caps a
statement at 999 parameters). Here the values are plain Python values the drivers adapt
themselves (dates through `date_adapter` on SQLite), sent with COPY on PostgreSQL and one
executemany per 5,000 rows on SQLite.
"""

from __future__ import annotations

from datetime import date

from django.db import connection


def insert_tuples(model, attnames: tuple[str, ...], rows: list[tuple]) -> None:
    """INSERT `rows` (values in `attnames` order) into `model`'s table.

    `attnames` must name every concrete field but the primary key, so that no default is
    forgotten; a model that gains a field makes this fail loudly until the import sets it.
    """
    if not rows:
        return
    meta = model._meta
    expected = {f.attname for f in meta.concrete_fields if not f.primary_key}
    if set(attnames) != expected or len(attnames) != len(expected):
        raise AssertionError(
            f"{meta.label}: the import writes {sorted(attnames)}, the model has {sorted(expected)}"
        )
    by_attname = {f.attname: f for f in meta.concrete_fields}
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    columns = ", ".join(quote(by_attname[a].column) for a in attnames)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany on PostgreSQL.
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                write = copy.write_row
                for row in rows:
                    write(row)
        else:
            # Table and column names come from the model and are quoted; values are parameters.
            marks = ", ".join(["%s"] * len(attnames))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"  # nosec B608
            for i in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[i : i + 5000])


def ids_by_reference(model, org_id: int) -> dict[str, int]:
    """{reference: id} of an organisation's rows of `model` (one query, no model instance)."""
    meta = model._meta
    quote = connection.ops.quote_name
    reference = quote(meta.get_field("reference").column)
    pk = quote(meta.pk.column)
    organisation = quote(meta.get_field("organisation").column)
    # Names come from the model and are quoted; the organisation id is a parameter.
    sql = f"SELECT {reference}, {pk} FROM {quote(meta.db_table)} WHERE {organisation} = %s"  # nosec B608
    with connection.cursor() as cursor:
        cursor.execute(sql, [org_id])
        return dict(cursor.fetchall())


class date_adapter(dict):  # noqa: N801 (used like a function: dates[value])
    """dates[d]: `d` as the database driver takes it (ISO text on SQLite), each date once."""

    def __init__(self) -> None:
        super().__init__({None: None})
        self.adapt = connection.ops.adapt_datefield_value

    def __missing__(self, value: date) -> object:
        adapted = self.adapt(value)
        self[value] = adapted
        return adapted
