"""Helpers for the sortable-list tests of every app (core/ordering.py, `{% sort_th %}`)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

_SORTED_TH = re.compile(
    r'<th[^>]*aria-sort="(ascending|descending)"[^>]*><a class="sort" href="\?([^"]*)"'
)


def assert_in_order(html: str, texts: list[str]) -> None:
    """Each text is on the page, in this order (the rows as a user reads them)."""
    positions = []
    for t in texts:
        assert t in html, f"{t!r} is not on the page"
        positions.append(html.index(t))
    assert positions == sorted(positions), f"rows not in the order {texts}"


def sorted_on(html: str) -> tuple[str, str] | None:
    """(column key, "ascending"/"descending") of the header that carries aria-sort, or None."""
    found = _SORTED_TH.findall(html.replace("&amp;", "&"))
    assert len(found) <= 1, "more than one column says it is sorted"
    if not found:
        return None
    direction, query = found[0]
    link = parse_qs(query)["o"][0]  # the link sorts the other way
    key = link.lstrip("-")
    assert (direction == "ascending") == link.startswith("-"), "the link must reverse the sort"
    return key, direction
