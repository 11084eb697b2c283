"""Fast writes for the import: build unsaved rows without Model.__init__ and INSERT them in bulk.

Used by `importing._write`; valid for models without pre_init/post_init receivers.
"""

from __future__ import annotations

import functools
from typing import Any

from django.db import connection
from django.db.models.base import ModelState
from django.utils import timezone


@functools.cache
def layout(model) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    fields = model._meta.concrete_fields
    # NOT_PROVIDED (no default) is a class, hence callable: test has_default() first, or every
    # field without a default would be recomputed per object (a tenth of a large import).
    per_object = [f for f in fields if f.has_default() and callable(f.default)]
    constant = {f.attname: f.get_default() for f in fields if f not in per_object}
    relations = {f.name: f for f in fields if f.is_relation}
    return constant, relations, per_object


def new_row(model, **values):
    """An unsaved model instance, built the way Model.from_db does, without __init__.

    Why: Model.__init__ took most of the planning time for 50,000 new rows. These models have
    no pre_init/post_init receivers; foreign keys are cached as the descriptor would, so an
    object assigned before it is saved gives its id at insert time (see fk_getter).
    """
    constant, relations, per_object = layout(model)
    obj = model.__new__(model)
    d = obj.__dict__
    d.update(constant)
    for f in per_object:
        d[f.attname] = f.get_default()
    state = ModelState()
    d["_state"] = state
    for name, value in values.items():
        f = relations.get(name)
        if f is None:
            d[name] = value
        else:
            d[f.attname] = value.pk if value is not None else None
            state.fields_cache[f.cache_name] = value
    return obj


def insert_rows(model, objs: list, *, key: str | None = None, org_id: int | None = None) -> None:
    """INSERT `objs` with one executemany, then give them their ids (looked up by `key`).

    Why not bulk_create: Django prepares each of the ~750,000 values of a 30,000-row import
    through the SQL compiler (and SQLite caps a statement at 999 parameters), which made
    writing slower than everything else together. Values here are plain Python values the
    drivers adapt themselves; dates go through the backend's own adapter.
    """
    if not objs:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamp = ops.adapt_datetimefield_value(now)
            getters.append(lambda o, _v=stamp: _v)
        elif f.is_relation:
            getters.append(fk_getter(f))
        elif f.get_internal_type() == "DateField":
            getters.append(
                lambda o, _a=f.attname, _ad=ops.adapt_datefield_value: _ad(getattr(o, _a))
            )
        else:
            getters.append(lambda o, _a=f.attname: getattr(o, _a))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # Table and column names come from the model and are quoted; values are parameters.
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # nosec B608
    rows = [tuple(g(o) for g in getters) for o in objs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany on PostgreSQL.
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for i in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[i : i + 5000])
    for o in objs:
        o._state.adding = False
        o._state.db = connection.alias
    if key is not None:
        ids = dict(
            model.objects.filter(organisation_id=org_id).values_list(key, "pk").iterator(5000)
        )
        for o in objs:
            o.pk = ids[getattr(o, key)]


def fk_getter(f):
    attname = f.attname

    def get(o):
        value = getattr(o, attname)
        if value is None and f.is_cached(o):
            related = f.get_cached_value(o)
            value = related.pk if related is not None else None
            setattr(o, attname, value)
        return value

    return get
