"""Helpers for the sortable-list tests of every app (core/ordering.py, `{% sort_th %}`)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from django.test import Client

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


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def html_of(client: Client, url: str, headers: dict | None = None, **params) -> str:
    r = client.get(url, params, headers=headers or {})
    assert r.status_code == 200, (url, params, r.status_code)
    return r.content.decode()


def assert_sorts(client: Client, url: str, key: str, ascending: list[str], **params) -> str:
    """`?o=key` lists `ascending` in that order and `?o=-key` the other way round, the header
    saying which (aria-sort); the page of `?o=-key` is returned for further checks."""
    html = html_of(client, url, o=key, **params)
    assert_in_order(html, ascending)
    assert sorted_on(html) == (key, "ascending")
    html = html_of(client, url, o="-" + key, **params)
    assert_in_order(html, ascending[::-1])
    assert sorted_on(html) == (key, "descending")
    return html


def assert_default(client: Client, url: str, default: str | None, texts: list[str], **params):
    """An unknown column (`?o=password`) is no error: the list comes in its default order
    (`default` as `key`/`-key`; None: an order no visible column shows)."""
    html = html_of(client, url, o="password", **params)
    assert_in_order(html, texts)
    if default is None:
        assert sorted_on(html) is None
    else:
        key = default.lstrip("-")
        assert sorted_on(html) == (key, "descending" if default.startswith("-") else "ascending")
    return html
