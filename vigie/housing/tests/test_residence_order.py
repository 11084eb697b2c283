"""Residences in the order a French reader expects (accents and case ignored), in the API's
`GET /api/v1/residences` and in the register's filter (QA finding: "Les Coteaux" came before
"Les Cèdres")."""

from __future__ import annotations

import pytest
from django.test import Client

from vigie.core.tests.world import bearer
from vigie.housing.tests.factories import ResidenceFactory

pytestmark = pytest.mark.django_db

NAMES = ["Les Coteaux", "Les Cèdres", "le Clos de la Fontaine", "Château Chambord", "Albatros"]
EXPECTED = ["Albatros", "Château Chambord", "le Clos de la Fontaine", "Les Cèdres", "Les Coteaux"]


def test_the_api_lists_residences_in_french_order(landlord_a, marc):
    for name in NAMES:
        ResidenceFactory(organisation=landlord_a, name=name)
    r = Client().get("/api/v1/residences", **bearer(marc))
    assert r.status_code == 200
    assert [x["name"] for x in r.json()] == EXPECTED


def test_the_register_filter_lists_residences_in_french_order(landlord_a, marc):
    for name in NAMES:
        ResidenceFactory(organisation=landlord_a, name=name)
    c = Client()
    c.force_login(marc)
    page = c.get("/registre/").content.decode()
    positions = [page.index(f">{name}</option>") for name in EXPECTED]
    assert positions == sorted(positions)
