"""Sortable columns of the tasks and the partner directory (issue #12 §1, docs/design.md
"Tables"): `?o=<column>` / `?o=-<column>` order the rows, an unknown column falls back to the
default, the sorted header says so (aria-sort), filters stay, and the export sorts as the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.actions.services import partner_create, task_create
from vigie.core.tests.sorting import assert_in_order, sorted_on

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _get(client, url, **params) -> str:
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


def _csv_first_column(client, url, **params) -> list[str]:
    r = client.get(url, params)
    assert r.status_code == 200
    return [line.split(";")[0] for line in r.content.decode("utf-8-sig").splitlines()[1:]]


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
    html = _get(c, url, o="title")
    assert_in_order(html, ["Abricot QX", "Banane QX", "Cerise QX"])
    assert sorted_on(html) == ("title", "ascending")
    html = _get(c, url, o="-title")
    assert_in_order(html, ["Cerise QX", "Banane QX", "Abricot QX"])
    assert sorted_on(html) == ("title", "descending")
    html = _get(c, url, o="password")  # the default: soonest first
    assert_in_order(html, ["Cerise QX", "Abricot QX", "Banane QX"])
    assert sorted_on(html) == ("due", "ascending")
    html = _get(c, url, o="-due", tout="1")  # with the "every task" filter
    assert_in_order(html, ["Banane QX", "Abricot QX", "Cerise QX"])
    assert "tout=1" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    # The export follows the page's order.
    csv_titles = [
        line.split(";")[1]
        for line in c.get(reverse("actions:tasks_csv"), {"o": "-title"})
        .content.decode("utf-8-sig")
        .splitlines()[1:]
    ]
    assert csv_titles == ["Cerise QX", "Banane QX", "Abricot QX"]


def test_partners_sort_by_name_and_keep_the_service_filter(landlord_a, marc):
    for name, kind, services in (
        ("Bleuet QX", "association", ["groceries"]),
        ("Coquelicot QX", "association", ["groceries"]),
        ("Aubépine QX", "ccas", ["groceries"]),
        ("Arnica QX", "association", ["medication"]),
    ):
        partner_create(actor=marc, organisation=landlord_a, name=name, kind=kind, services=services)
    c, url = client_for(marc), reverse("actions:partners")
    html = _get(c, url, o="-name", service="groceries")
    assert_in_order(html, ["Coquelicot QX", "Bleuet QX", "Aubépine QX"])
    assert "Arnica QX" not in html  # the filter stays
    assert sorted_on(html) == ("name", "descending")
    assert 'name="o" value="-name"' in html  # the filter form keeps the order
    html = _get(c, url, o="name")
    assert_in_order(html, ["Arnica QX", "Aubépine QX", "Bleuet QX", "Coquelicot QX"])
    assert sorted_on(html) == ("name", "ascending")
    html = _get(c, url, o="-kind")  # the CCAS, then the associations (the whole order reversed)
    assert_in_order(html, ["Aubépine QX", "Coquelicot QX", "Bleuet QX", "Arnica QX"])
    html = _get(c, url, o="password")
    assert_in_order(html, ["Arnica QX", "Aubépine QX", "Bleuet QX", "Coquelicot QX"])
    assert sorted_on(html) == ("name", "ascending")
    csv = _csv_first_column(c, reverse("actions:partners_csv"), o="-name", service="groceries")
    assert csv == ["Coquelicot QX", "Bleuet QX", "Aubépine QX"]
