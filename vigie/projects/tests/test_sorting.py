"""Sortable columns of the portfolio (issue #12 §1, docs/design.md "Tables"): within each status,
`?o=` / `?o=-` order the projects by title or by the amounts shown (annotations: requested,
granted, received), an unknown column falls back to the title, the header says so (aria-sort)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from vigie.core.tests.sorting import assert_default, assert_sorts, client_for
from vigie.projects import services

pytestmark = pytest.mark.django_db

# title, requested, received (one status: one table on the page)
PROJECTS = (("Jardin QX B", 300, 50), ("Jardin QX C", 100, 200), ("Jardin QX A", 200, 0))


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
    c, url = client_for(marc), reverse("projects:portfolio")
    assert_sorts(c, url, "title", ["Jardin QX A", "Jardin QX B", "Jardin QX C"])
    assert_sorts(c, url, "requested", ["Jardin QX C", "Jardin QX A", "Jardin QX B"])
    assert_sorts(c, url, "received", ["Jardin QX A", "Jardin QX B", "Jardin QX C"])
    html = assert_default(c, url, "title", ["Jardin QX A", "Jardin QX B", "Jardin QX C"])
    assert 'id="total-received">250,00' in html.replace("\u202f", "").replace(" ", "")
