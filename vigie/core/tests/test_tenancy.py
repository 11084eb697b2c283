"""The model layer keeps Vigie distributable by landlord (Citus; docs/scaling.md).

On Citus every table holding a landlord's data is distributed by `organisation_id`. That is only
possible if each such table carries the column itself (no join to find the shard), never NULL,
and if every unique constraint includes it (a shard can only check uniqueness of what it
holds). Reference tables are copied to every node: they must not point at distributed tables.

The checks run over `apps.get_models()`, so a model added later in any `vigie.*` app is
checked without touching this file. A tenant model is one with a foreign-key path to
Organisation that is not in REFERENCE_TABLES.
"""

from __future__ import annotations

from collections import deque

import pytest
from django.apps import apps
from django.db import models
from django.db.models.expressions import F

from vigie.core.models import Organisation, ScopedQuerySet

ORG_FIELD = "organisation"

# Global or shared tables, replicated to every node as Citus reference tables (or, for
# Organisation, the tenants themselves). One line each: why it is not per landlord.
REFERENCE_TABLES: dict[str, str] = {
    "core.Organisation": "the tenants themselves: few rows, joined from every shard",
    "housing.Commune": "national INSEE reference data, the same for every landlord",
    "housing.PostcodeCommune": "national La Poste/INSEE reference data",
    "accounts.User": "a person may work for several organisations (a mediator, a CCAS)",
    "accounts.Membership": "user × organisation × role, read on every request to build scope",
    "accounts.ApiToken": "belongs to a user, looked up before the organisation is known",
}

# Models that break the rule today, for the lead to fix (docs/scaling.md, "Still to fix").
# The test fails on any violation not listed here, and on a listed model that now passes (take
# it off). Entries for models not merged yet (branch campaigns) are ignored until they exist.
KNOWN_VIOLATIONS: dict[str, str] = {
    "core.AuditEvent": "organisation nullable: platform events (sign-in, org creation) have none",
    "core.AccessLog": "organisation nullable",
}


def label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.object_name}"


def vigie_models() -> list[type[models.Model]]:
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith("vigie.")
        and not m._meta.abstract
        and not m._meta.proxy
    ]


def column_relations(model: type[models.Model]) -> list[models.Field]:
    """Foreign keys held in the table's own columns."""
    return [
        f
        for f in model._meta.get_fields()
        if f.is_relation and f.concrete and (f.many_to_one or f.one_to_one)
    ]


def forward_relations(model: type[models.Model]) -> list[models.Field]:
    """Column foreign keys and many-to-many fields (whose table is checked on its own)."""
    return column_relations(model) + list(model._meta.local_many_to_many)


def reaches_organisation(model: type[models.Model]) -> bool:
    seen = {model}
    todo = deque([model])
    while todo:
        current = todo.popleft()
        if current is Organisation:
            return True
        for field in forward_relations(current):
            target = field.related_model
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return False


def is_tenant(model: type[models.Model]) -> bool:
    return label(model) not in REFERENCE_TABLES and reaches_organisation(model)


def referenced_names(expression) -> set[str]:
    if isinstance(expression, str):
        return {expression}
    if isinstance(expression, F):
        return {expression.name}
    names: set[str] = set()
    for source in getattr(expression, "get_source_expressions", list)():
        if source is not None:
            names |= referenced_names(source)
    return names


def unique_sets(model: type[models.Model]) -> list[tuple[str, set[str]]]:
    """Every uniqueness rule of the table, as (description, column names)."""
    out = []
    for field in model._meta.local_concrete_fields:
        if field.unique and not field.primary_key:
            out.append((f"unique field {field.name}", {field.name}))
    for together in model._meta.unique_together:
        out.append((f"unique_together {together}", set(together)))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            names = set(constraint.fields)
            for expression in constraint.expressions:
                names |= referenced_names(expression)
            out.append((f"constraint {constraint.name}", names))
    return out


def problems_of(model: type[models.Model]) -> list[str]:
    if not is_tenant(model):
        if label(model) in REFERENCE_TABLES:
            return [
                f"reference table points at tenant table {label(f.related_model)} ({f.name})"
                for f in column_relations(model)
                if is_tenant(f.related_model)
            ]
        return []
    problems = []
    try:
        field = model._meta.get_field(ORG_FIELD)
    except Exception:
        return [f"no `{ORG_FIELD}` field (reaches Organisation only through a join)"]
    if not (field.many_to_one and field.related_model is Organisation):
        problems.append(f"`{ORG_FIELD}` is not a foreign key to Organisation")
    if field.null:
        problems.append(f"`{ORG_FIELD}` is nullable")
    for what, names in unique_sets(model):
        if not names & {ORG_FIELD, f"{ORG_FIELD}_id"}:
            problems.append(f"{what} does not include {ORG_FIELD}")
    queryset = type(model._default_manager.get_queryset())
    if issubclass(queryset, ScopedQuerySet) and queryset.org_field != ORG_FIELD:
        problems.append(f"scoped on {queryset.org_field!r}, not on the distribution column")
    return problems


def violations() -> dict[str, list[str]]:
    found = {label(m): problems_of(m) for m in vigie_models()}
    return {k: v for k, v in found.items() if v}


def test_every_tenant_table_carries_the_organisation_in_its_keys():
    found = violations()
    new = {k: v for k, v in found.items() if k not in KNOWN_VIOLATIONS}
    assert not new, (
        "Tables that would stop Vigie from being distributed by organisation "
        f"(docs/scaling.md): {new}"
    )


def test_known_violations_are_still_violations():
    """When the lead fixes one, this says to take it off KNOWN_VIOLATIONS."""
    present = {label(m) for m in vigie_models()}
    fixed = (set(KNOWN_VIOLATIONS) & present) - set(violations())
    assert not fixed, f"fixed, remove from KNOWN_VIOLATIONS: {sorted(fixed)}"


def test_reference_tables_exist():
    """A renamed or deleted model must not linger in the allowlist."""
    known = {label(m) for m in vigie_models()}
    assert set(REFERENCE_TABLES) <= known


def test_the_register_is_recognised_as_tenant_data():
    """The walk itself works: the register's tables are tenant tables, communes are not."""
    tenant = {label(m) for m in vigie_models() if is_tenant(m)}
    assert {"housing.Household", "housing.Occupant", "housing.Dwelling"} <= tenant
    assert "housing.Commune" not in tenant


# --- The checker catches what it should (models built here, never migrated) -----------------


def _model(name: str, attrs: dict, meta: dict | None = None) -> type[models.Model]:
    meta_attrs = {"app_label": "core", **(meta or {})}
    attrs = {"__module__": __name__, "Meta": type("Meta", (), meta_attrs), **attrs}
    model = type(name, (models.Model,), attrs)
    return model


@pytest.fixture
def isolated_registry():
    """Models defined in a test leave the app registry as it was."""
    before = dict(apps.all_models["core"])
    yield
    apps.all_models["core"].clear()
    apps.all_models["core"].update(before)
    apps.clear_cache()


def test_the_checker_rejects_a_table_reached_only_through_a_join(isolated_registry):
    from vigie.housing.models import Household

    note = _model(
        "TenancyProbeNote",
        {"household": models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")},
    )
    assert problems_of(note) == [
        "no `organisation` field (reaches Organisation only through a join)"
    ]


def test_the_checker_rejects_a_unique_key_without_the_organisation(isolated_registry):
    probe = _model(
        "TenancyProbeCode",
        {
            "organisation": models.ForeignKey(
                Organisation, on_delete=models.CASCADE, related_name="+"
            ),
            "code": models.CharField(max_length=10, unique=True),
            "name": models.CharField(max_length=10),
            "kind": models.CharField(max_length=10),
        },
        {
            "constraints": [
                models.UniqueConstraint(fields=["name"], name="probe_name"),
                models.UniqueConstraint(
                    models.functions.Lower("kind"), "organisation", name="probe_kind"
                ),
            ]
        },
    )
    assert problems_of(probe) == [
        "unique field code does not include organisation",
        "constraint probe_name does not include organisation",
    ]
