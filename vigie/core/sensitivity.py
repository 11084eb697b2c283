"""Health data (GDPR art. 9) as part of the scoping: who may filter, sort or count by it.

A model declares the fields that hold or reveal health data in `sensitive_fields` (a class
attribute, e.g. `Household.sensitive_fields = ("has_disability",)`). A queryset that comes
from `visible_to(user, perm)` remembers the organisations where the user holds
`household.view_sensitive`. From then on, any lookup that names a sensitive field — in
`filter`/`exclude`, `order_by`, `annotate`, `aggregate`, `values`, `values_list`, `alias`,
across relations (`household__has_disability`), inside `Q`, `F` or an aggregate's `filter=`
— narrows the queryset to those organisations; with none, it raises `SensitiveDataDenied`
(a 403 with a French sentence on a page or in the API). So a role without the right cannot
list, sort, count or export households by disability anywhere, whatever the parameter, and a
person with two memberships only gets the households of the organisation where they may.

Querysets that do not come from `visible_to` (services, imports, the campaign build) act for
the system, not for a person, and are not restricted.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models.constants import LOOKUP_SEP
from django.utils.translation import gettext as _

from vigie.core.errors import PermissionDeniedError

SENSITIVE_PERM = "household.view_sensitive"


class SensitiveDataDenied(PermissionDeniedError, PermissionDenied):
    """A read that would select, sort or count people by health data, by a role without it."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or _("Votre rôle ne donne pas accès aux données de santé (situation de handicap).")
        )


@cache
def sensitive_fields() -> frozenset[tuple[str, str]]:
    """(model label, field name) of every field declared sensitive by an installed model."""
    out: set[tuple[str, str]] = set()
    for model in apps.get_models():
        for name in getattr(model, "sensitive_fields", ()):
            model._meta.get_field(name)  # a typo in a declaration fails loudly
            out.add((model._meta.label_lower, name))
    return frozenset(out)


def path_is_sensitive(model: type[models.Model], path: str) -> bool:
    """Whether a lookup path (`dwelling__households__has_disability__exact`) reaches a
    sensitive field, following relations from `model`."""
    declared = sensitive_fields()
    current: Any = model
    for part in path.lstrip("-?").split(LOOKUP_SEP):
        if current is None:
            return False
        try:
            field = current._meta.get_field(part)
        except FieldDoesNotExist:
            return False  # a lookup (`exact`), a transform or an annotation's name
        if (current._meta.label_lower, field.name) in declared:
            return True
        current = field.related_model if field.is_relation else None
    return False


def referenced_paths(nodes: Iterable[Any]) -> Iterator[str]:
    """The field paths an ORM call names: strings, F(), Q() children, expressions' sources."""
    for node in nodes:
        if node is None:
            continue
        if isinstance(node, str):
            yield node
        elif isinstance(node, models.QuerySet):  # a queryset as a value: `pk__in=qs`
            yield from _subquery_paths(node.query)
        elif isinstance(node, models.FilteredRelation):
            yield node.relation_name
            yield from referenced_paths([node.condition])
        elif isinstance(node, models.Q):
            for child in node.children:
                if isinstance(child, tuple):
                    yield child[0]
                    yield from referenced_paths([child[1]])
                else:
                    yield from referenced_paths([child])
        elif isinstance(node, models.F):
            yield node.name
        elif isinstance(node, models.OrderBy | models.Expression) or hasattr(
            node, "get_source_expressions"
        ):
            yield from referenced_paths(node.get_source_expressions())
            yield from referenced_paths([getattr(node, "filter", None)])
            query = getattr(node, "query", None)  # a subquery (Exists, Subquery)
            if query is not None and hasattr(query, "where"):
                yield from _subquery_paths(query)


def _subquery_paths(query: Any) -> Iterator[str]:
    """Whether a subquery filters, selects, annotates or sorts by a sensitive column (review:
    `pk__in=Household.objects.filter(has_disability=True)`, a Subquery selecting it)."""
    model = getattr(query, "model", None)
    if model is not None:
        for name in [*getattr(query, "values_select", ()), *getattr(query, "order_by", ())]:
            if isinstance(name, str) and path_is_sensitive(model, name):
                yield "__vigie_sensitive_subquery__"
    # A subquery's lookups are resolved already; its model's sensitive columns show as Cols.
    stack = [
        query.where,
        *(getattr(query, "select", ()) or ()),
        *getattr(query, "annotations", {}).values(),
    ]
    while stack:
        node = stack.pop()
        target = getattr(node, "target", None)
        if target is not None and getattr(target, "model", None) is not None:
            if (target.model._meta.label_lower, target.name) in sensitive_fields():
                yield "__vigie_sensitive_subquery__"
        stack.extend(getattr(node, "children", []) or [])
        stack.extend(getattr(node, "get_source_expressions", lambda: [])())
        lhs = getattr(node, "lhs", None)
        if lhs is not None:
            stack.append(lhs)


def names_sensitive(model: type[models.Model], nodes: Iterable[Any]) -> bool:
    for path in referenced_paths(nodes):
        if path == "__vigie_sensitive_subquery__" or path_is_sensitive(model, path):
            return True
    return False


def may_see_health(user: Any, obj: Any) -> bool:
    """Whether a page or an API answer may show `obj`'s health data to `user`.

    `obj` is anything with an `organisation_id` (a household, a need, a referral, a campaign)
    or an organisation id itself. The one display check: the query-level wall above keeps
    selections honest, this keeps what is printed honest (a disability tag, a health need).
    """
    org_id = obj if isinstance(obj, int) else getattr(obj, "organisation_id", None)
    if org_id is None or not getattr(user, "is_authenticated", False):
        return False
    return bool(user.has_org_perm(SENSITIVE_PERM, org_id))
