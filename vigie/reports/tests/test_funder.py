"""Figures that leave the landlord: small cells hidden, and not recoverable from a total."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from vigie.housing.tests.factories import DwellingFactory, ResidenceFactory, make_household
from vigie.reports import selectors
from vigie.reports.tests.world import OLD, TODAY, frozen_today

pytestmark = pytest.mark.django_db


def test_small_cells_are_hidden_and_not_recoverable_from_the_total(landlord_a, marc):
    big = ResidenceFactory(organisation=landlord_a, name="Grande résidence")
    small = ResidenceFactory(organisation=landlord_a, name="Petite résidence")
    for residence, n in ((big, 15), (small, 3)):
        for _ in range(n):
            make_household(
                landlord_a,
                [OLD],
                dwelling=DwellingFactory(organisation=landlord_a, residence=residence),
            )
    with frozen_today():
        published = selectors.funder_figures(marc, date(2026, 1, 1), TODAY, TODAY)
    cohorts = published[0]
    over_75 = {row["label"]: row["cells"][0] for row in cohorts["rows"]}
    assert over_75[small.agency.name] is None  # 3 < 11
    assert over_75[big.agency.name] is None  # 15, hidden too: 18 − 15 would give the 3 back
    assert over_75["Total"] == 18
    assert cohorts["hidden"] >= 2
    # Every other cell under 11 (the other cohorts: zeros) is hidden as well.
    for row in cohorts["rows"]:
        for cell in row["cells"]:
            assert cell is None or cell >= 11
    # The exact figures stay on the landlord's own dashboard.
    with frozen_today():
        exact = selectors.cohorts_by_residence(marc, TODAY)
    assert exact["total"]["over_75"] == 18


def test_the_funders_page_states_the_rule(landlord_a, marc):
    c = Client()
    c.force_login(marc)
    page = c.get("/rapports/financeurs/").content.decode()
    assert "Secret statistique" in page
