"""Sortable columns of the register, a residence's households and the imports list (issue #12
§1, docs/design.md "Tables"): `?o=` / `?o=-` order the rows, an unknown column falls back to the
default, the sorted header says so (aria-sort). The register sorts by a column only without
search text (a search stays ranked by relevance), keeps the order in its HTMX filter form, and
its export follows the page's order."""

from __future__ import annotations

import pytest
from django.urls import reverse

from vigie.core.tests.sorting import (
    assert_default,
    assert_in_order,
    assert_sorts,
    client_for,
    html_of,
    sorted_on,
)
from vigie.housing.models import ImportRun
from vigie.housing.tests.factories import ResidenceFactory, make_household

pytestmark = pytest.mark.django_db

OLD = {"last_name": "QXUN", "birth_date": "1940-01-01"}


@pytest.fixture
def register(landlord_a):
    for ref, residence in (
        ("BAIL-QXB", "Résidence Zinnia"),
        ("BAIL-QXC", "Résidence Acacia"),
        ("BAIL-QXA", "Résidence Mimosa"),
    ):
        r = ResidenceFactory(organisation=landlord_a, name=residence)
        make_household(landlord_a, [OLD], reference=ref, dwelling__residence=r)


def test_register_sorts_by_reference_without_search_text(marc, register):
    c, url = client_for(marc), reverse("housing:households")
    html = assert_sorts(c, url, "reference", ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"])
    assert 'name="o" value="-reference"' in html  # the HTMX filter form sends it again
    # The default: by residence, then reference.
    assert_default(c, url, "residence", ["BAIL-QXC", "BAIL-QXA", "BAIL-QXB"])
    # The HTMX re-render of the results (a filter changed) keeps the order.
    html = html_of(c, url, headers={"HX-Request": "true"}, o="-reference", status="all")
    assert "<html" not in html
    assert_in_order(html, ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    assert sorted_on(html) == ("reference", "descending")
    assert "status=all" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    # The export follows the page's order.
    r = c.get(reverse("housing:register_csv"), {"o": "-reference"})
    assert r.status_code == 200
    refs = [line.split(";")[0] for line in r.content.decode("utf-8-sig").splitlines()[1:]]
    assert refs == ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"]


def test_a_search_stays_ranked_by_relevance(marc, register):
    html = html_of(client_for(marc), reverse("housing:households"), q="QXUN", o="-reference")
    assert sorted_on(html) is None and 'class="sort"' not in html  # no column sort offered
    assert 'name="o" value="-reference"' in html  # kept for when the text is cleared


def test_a_residence_lists_its_households_by_place_or_reference(landlord_a, marc):
    r = ResidenceFactory(organisation=landlord_a, name="Résidence Tabar")
    for ref, door in (("BAIL-QXB", "1"), ("BAIL-QXC", "2"), ("BAIL-QXA", "3")):
        make_household(landlord_a, [OLD], reference=ref, dwelling__residence=r, dwelling__door=door)
    c, url = client_for(marc), reverse("housing:residence", args=[r.pk])
    assert_sorts(c, url, "reference", ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"])
    # The default: by place in the residence (here the door).
    assert_default(c, url, "place", ["BAIL-QXB", "BAIL-QXC", "BAIL-QXA"])


def test_imports_sort_by_file_name_and_date(landlord_a, marc):
    for name in ("patrimoine-b.csv", "patrimoine-c.csv", "patrimoine-a.csv"):  # in this order
        ImportRun.objects.create(
            organisation=landlord_a,
            user=marc,
            file_name=name,
            file_sha256="0" * 64,
            status="imported",
        )
    c, url = client_for(marc), reverse("housing:imports")
    files = ["patrimoine-a.csv", "patrimoine-b.csv", "patrimoine-c.csv"]
    assert_sorts(c, url, "file", files)
    assert_sorts(c, url, "date", ["patrimoine-b.csv", "patrimoine-c.csv", "patrimoine-a.csv"])
    # The default: newest first.
    assert_default(c, url, "-date", ["patrimoine-a.csv", "patrimoine-c.csv", "patrimoine-b.csv"])
