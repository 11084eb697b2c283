"""Fast bulk updates: one prepared `UPDATE … WHERE id = %s` run with executemany.

Django's `bulk_update` builds a `CASE WHEN id = … THEN …` expression per field and row and
resolves each one as an ORM expression: at 12,000 households marked departed by a full import
it took 200 s of CPU while holding SQLite's write lock (every call in Vigie waited, the API
answered "database is locked"). The same rows written with one prepared statement take well
under a second on SQLite and PostgreSQL. Values go through each field's `get_db_prep_save`,
as the ORM would; like `bulk_update`, no signal is sent and `auto_now` is not applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def bulk_update_fast(
    objs: Iterable[models.Model], field_names: Sequence[str], *, batch_size: int = 2000
) -> int:
    """Write `field_names` of every object of `objs` (one model); returns how many rows."""
    objs = list(objs)
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    fields = [meta.get_field(name) for name in field_names]
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # nosec B608 (model/column names only)
        quote(meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(meta.pk.column),
    )
    # As Django's bulk_update does: a related object saved after it was assigned (a building or
    # residence the same import creates) gives its id now, rather than a NULL.
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_update", fields=fields)
    written = 0
    with connection.cursor() as cursor:
        for start in range(0, len(objs), batch_size):
            batch = objs[start : start + batch_size]
            cursor.executemany(
                sql,
                [
                    [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields]
                    + [meta.pk.get_db_prep_save(obj.pk, connection)]
                    for obj in batch
                ],
            )
            written += len(batch)
    return written
