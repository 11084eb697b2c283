"""Sortable columns of the programmes list (issue #12 §1, docs/design.md "Tables"): `?o=` /
`?o=-` order the rows, an unknown column falls back to the default (the latest first), the
sorted header says so (aria-sort)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from vigie.core.tests.sorting import assert_in_order, sorted_on
from vigie.foodaid.services.programmes import programme_create
from vigie.housing.tests.factories import ResidenceFactory

pytestmark = pytest.mark.django_db


def _get(client, url, **params) -> str:
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


def test_programmes_sort_by_name_and_period(landlord_a, marc):
    site = ResidenceFactory(organisation=landlord_a, name="Tabar")
    for name, month in (("Colis QX B", 3), ("Colis QX C", 1), ("Colis QX A", 2)):
        programme_create(
            actor=marc,
            organisation=landlord_a,
            name=name,
            starts_on=date(2026, month, 1),
            ends_on=date(2026, month, 28),
            sites=[site.pk],
        )
    c = Client()
    c.force_login(marc)
    url = reverse("foodaid:programmes")
    html = _get(c, url, o="name")
    assert_in_order(html, ["Colis QX A", "Colis QX B", "Colis QX C"])
    assert sorted_on(html) == ("name", "ascending")
    html = _get(c, url, o="-name")
    assert_in_order(html, ["Colis QX C", "Colis QX B", "Colis QX A"])
    assert sorted_on(html) == ("name", "descending")
    html = _get(c, url, o="period")
    assert_in_order(html, ["Colis QX C", "Colis QX A", "Colis QX B"])
    assert sorted_on(html) == ("period", "ascending")
    html = _get(c, url, o="password")  # the default: the latest first
    assert_in_order(html, ["Colis QX B", "Colis QX A", "Colis QX C"])
    assert sorted_on(html) == ("period", "descending")
