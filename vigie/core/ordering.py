"""Sortable list pages: `?o=<column>` or `?o=-<column>` (docs/design.md, "Tables").

A view names the columns a user may sort by, each with the fields it orders on, and hands the
current ordering to its template, where `{% sort_th "date" _("Date") %}` draws the header:

    queryset, ordering = order_by_param(
        request, queryset, {"date": ("sent_at", "pk"), "commune": ("household__dwelling__commune__name",)},
        default="-date",
    )
    context["ordering"] = ordering

An unknown column falls back to the default (never an error page, never an arbitrary field).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def ordering_fields(
    request: Any,
    columns: Mapping[str, Sequence[str]],
    *,
    default: str,
    param: str = "o",
) -> tuple[list[str], str]:
    """(the fields to order on for the request's column, the column as `key` or `-key`) — for a
    selector that orders its own queryset (or a list built from one)."""
    wanted = (request.GET.get(param) or "").strip()
    if wanted.lstrip("-") not in columns:
        wanted = default
    descending = wanted.startswith("-")
    fields = columns[wanted.lstrip("-")]
    order = [
        ("-" + f.lstrip("-") if not f.startswith("-") else f[1:]) if descending else f
        for f in fields
    ]
    return order, wanted


def order_by_param(
    request: Any,
    queryset: Any,
    columns: Mapping[str, Sequence[str]],
    *,
    default: str,
    param: str = "o",
) -> tuple[Any, str]:
    """(the queryset ordered by the request's column, the column as `key` or `-key`)."""
    order, wanted = ordering_fields(request, columns, default=default, param=param)
    return queryset.order_by(*order), wanted
