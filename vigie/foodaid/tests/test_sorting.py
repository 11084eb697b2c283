"""Sortable columns of the programmes list (issue #12 §1, docs/design.md "Tables"): `?o=` /
`?o=-` order the rows, an unknown column falls back to the default (the latest first), the
sorted header says so (aria-sort)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from vigie.core.tests.sorting import assert_default, assert_sorts, client_for
from vigie.foodaid.services.programmes import programme_create
from vigie.housing.tests.factories import ResidenceFactory

pytestmark = pytest.mark.django_db


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
    c, url = client_for(marc), reverse("foodaid:programmes")
    assert_sorts(c, url, "name", ["Colis QX A", "Colis QX B", "Colis QX C"])
    assert_sorts(c, url, "period", ["Colis QX C", "Colis QX A", "Colis QX B"])
    assert_default(c, url, "-period", ["Colis QX B", "Colis QX A", "Colis QX C"])  # latest first
