"""Sortable columns of the portfolio (issue #12 §1, docs/design.md "Tables"): within each status,
`?o=` / `?o=-` order the projects by title or by the amounts shown (annotations: requested,
granted, received), an unknown column falls back to the title, the header says so (aria-sort)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from vigie.core.tests.sorting import assert_in_order, sorted_on
from vigie.projects import services

pytestmark = pytest.mark.django_db

# title, requested, received (one status: one table on the page)
PROJECTS = (("Jardin QX B", 300, 50), ("Jardin QX C", 100, 200), ("Jardin QX A", 200, 0))


def _get(client, url, **params) -> str:
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


def test_portfolio_sorts_by_title_and_amounts(marc, landlord_a, ville):
    for title, requested, received in PROJECTS:
        p = services.project_create(
            actor=marc, organisation=landlord_a, title=title, kind="childcare"
        )
        services.co_funder_add(
            actor=marc, project=p, funder_slug=ville.slug, requested=requested, committed=requested
        )
        if received:
            services.tranche_add(
                actor=marc,
                project=p,
                funder_slug=ville.slug,
                amount=received,
                due_on=date(2026, 1, 15),
                received_on=date(2026, 1, 20),
            )
    c = Client()
    c.force_login(marc)
    url = reverse("projects:portfolio")
    html = _get(c, url, o="-title")
    assert_in_order(html, ["Jardin QX C", "Jardin QX B", "Jardin QX A"])
    assert sorted_on(html) == ("title", "descending")
    html = _get(c, url, o="requested")
    assert_in_order(html, ["Jardin QX C", "Jardin QX A", "Jardin QX B"])
    assert sorted_on(html) == ("requested", "ascending")
    html = _get(c, url, o="-received")
    assert_in_order(html, ["Jardin QX C", "Jardin QX B", "Jardin QX A"])
    assert sorted_on(html) == ("received", "descending")
    html = _get(c, url, o="password")  # the default: by title
    assert_in_order(html, ["Jardin QX A", "Jardin QX B", "Jardin QX C"])
    assert sorted_on(html) == ("title", "ascending")
    assert 'id="total-received">250,00' in html.replace("\u202f", "").replace(" ", "")
