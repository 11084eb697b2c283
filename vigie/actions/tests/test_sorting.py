"""Sortable columns of the tasks and the partner directory (issue #12 §1, docs/design.md
"Tables"): `?o=<column>` / `?o=-<column>` order the rows, an unknown column falls back to the
default, the sorted header says so (aria-sort), filters stay, and the export sorts as the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.actions.services import partner_create, task_create
from vigie.core.tests.sorting import (
    assert_default,
    assert_sorts,
    client_for,
    html_of,
)

pytestmark = pytest.mark.django_db


def _csv_column(client, url, column: int, **params) -> list[str]:
    r = client.get(url, params)
    assert r.status_code == 200
    return [line.split(";")[column] for line in r.content.decode("utf-8-sig").splitlines()[1:]]


def test_tasks_sort_by_title_and_due_date(landlord_a, marc):
    today = timezone.localdate()
    for days, title in ((3, "Banane QX"), (1, "Cerise QX"), (2, "Abricot QX")):
        task_create(
            actor=marc,
            organisation_id=landlord_a.pk,
            title=title,
            due_on=today + timedelta(days=days),
            owner=marc,
        )
    c, url = client_for(marc), reverse("actions:my_tasks")
    assert_sorts(c, url, "title", ["Abricot QX", "Banane QX", "Cerise QX"])
    assert_default(c, url, "due", ["Cerise QX", "Abricot QX", "Banane QX"])  # soonest first
    # With the "every open task" filter, which the sort links keep.
    html = assert_sorts(c, url, "due", ["Cerise QX", "Abricot QX", "Banane QX"], tout="1")
    assert "tout=1" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    # The export follows the page's order.
    titles = _csv_column(c, reverse("actions:tasks_csv"), 1, o="-title")
    assert titles == ["Cerise QX", "Banane QX", "Abricot QX"]


def test_partners_sort_by_name_and_keep_the_service_filter(landlord_a, marc):
    for name, kind, services in (
        ("Bleuet QX", "association", ["groceries"]),
        ("Coquelicot QX", "association", ["groceries"]),
        ("Aubépine QX", "ccas", ["groceries"]),
        ("Arnica QX", "association", ["medication"]),
    ):
        partner_create(actor=marc, organisation=landlord_a, name=name, kind=kind, services=services)
    c, url = client_for(marc), reverse("actions:partners")
    html = assert_sorts(
        c, url, "name", ["Aubépine QX", "Bleuet QX", "Coquelicot QX"], service="groceries"
    )
    assert "Arnica QX" not in html  # the filter stays
    assert 'name="o" value="-name"' in html  # the filter form keeps the order
    # By type: the associations, then the CCAS (by name within a type).
    assert_sorts(c, url, "kind", ["Arnica QX", "Bleuet QX", "Coquelicot QX", "Aubépine QX"])
    assert_default(c, url, "name", ["Arnica QX", "Aubépine QX", "Bleuet QX", "Coquelicot QX"])
    names = _csv_column(c, reverse("actions:partners_csv"), 0, o="-name", service="groceries")
    assert names == ["Coquelicot QX", "Bleuet QX", "Aubépine QX"]
    assert html_of(c, url, o="-name", service="groceries").count("QX</a>") == 3
