"""Sortable columns of the register and the imports list (issue #12 §1, docs/design.md
"Tables"): `?o=` / `?o=-` order the rows, an unknown column falls back to the default, the
sorted header says so (aria-sort). The register sorts by a column only without search text (a
search stays ranked by relevance), keeps the order in its HTMX filter form, and its export
follows the page's order."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from vigie.core.tests.sorting import assert_in_order, sorted_on
from vigie.housing.models import ImportRun
from vigie.housing.tests.factories import ResidenceFactory, make_household

pytestmark = pytest.mark.django_db

OLD = {"last_name": "QXUN", "birth_date": "1940-01-01"}


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _get(client, url, headers=None, **params) -> str:
    r = client.get(url, params, headers=headers or {})
    assert r.status_code == 200
    return r.content.decode()


@pytest.fixture
def register(landlord_a):
    for ref, residence in (
        ("BAIL-QXB", "Résidence Zinnia"),
        ("BAIL-QXC", "Résidence Acacia"),
        ("BAIL-QXA", "Résidence Mimosa"),
    ):
        r = ResidenceFactory(organisation=landlord_a, name=residence)
        make_household(landlord_a, [OLD], reference=ref, dwelling__residence=r)


def test_register_sorts_by_reference_without_search_text(client, marc, register):
    c, url = client_for(marc), reverse("housing:households")
    html = _get(c, url, o="reference")
    assert_in_order(html, ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"])
    assert sorted_on(html) == ("reference", "ascending")
    assert 'name="o" value="reference"' in html  # the HTMX filter form sends it again
    html = _get(c, url, o="-reference")
    assert_in_order(html, ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    assert sorted_on(html) == ("reference", "descending")
    for o in ("password", "residence"):  # the default: by residence, then reference
        html = _get(c, url, o=o)
        assert_in_order(html, ["BAIL-QXC", "BAIL-QXA", "BAIL-QXB"])
        assert sorted_on(html) == ("residence", "ascending")
    # The HTMX re-render of the results (a filter changed) keeps the order.
    html = _get(c, url, headers={"HX-Request": "true"}, o="-reference", status="all")
    assert "<html" not in html
    assert_in_order(html, ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    assert sorted_on(html) == ("reference", "descending")
    assert "status=all" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    # The export follows the page's order.
    r = c.get(reverse("housing:register_csv"), {"o": "-reference"})
    assert r.status_code == 200
    refs = [line.split(";")[0] for line in r.content.decode("utf-8-sig").splitlines()[1:]]
    assert refs == ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"]


def test_a_search_stays_ranked_by_relevance(client, marc, register):
    html = _get(client_for(marc), reverse("housing:households"), q="QXUN", o="-reference")
    assert sorted_on(html) is None and 'class="sort"' not in html  # no column sort offered
    assert 'name="o" value="-reference"' in html  # kept for when the text is cleared


def test_imports_sort_by_file_name_and_date(client, landlord_a, marc):
    for name in ("patrimoine-b.csv", "patrimoine-c.csv", "patrimoine-a.csv"):  # in this order
        ImportRun.objects.create(
            organisation=landlord_a,
            user=marc,
            file_name=name,
            file_sha256="0" * 64,
            status="imported",
        )
    c, url = client_for(marc), reverse("housing:imports")
    html = _get(c, url, o="file")
    assert_in_order(html, ["patrimoine-a.csv", "patrimoine-b.csv", "patrimoine-c.csv"])
    assert sorted_on(html) == ("file", "ascending")
    html = _get(c, url, o="-file")
    assert_in_order(html, ["patrimoine-c.csv", "patrimoine-b.csv", "patrimoine-a.csv"])
    assert sorted_on(html) == ("file", "descending")
    html = _get(c, url, o="password")  # the default: newest first
    assert_in_order(html, ["patrimoine-a.csv", "patrimoine-c.csv", "patrimoine-b.csv"])
    assert sorted_on(html) == ("date", "descending")
    html = _get(c, url, o="date")
    assert_in_order(html, ["patrimoine-b.csv", "patrimoine-c.csv", "patrimoine-a.csv"])


def test_a_residence_lists_its_households_by_place_or_reference(client, landlord_a, marc):
    r = ResidenceFactory(organisation=landlord_a, name="Résidence Tabar")
    for ref, door in (("BAIL-QXB", "1"), ("BAIL-QXC", "2"), ("BAIL-QXA", "3")):
        make_household(landlord_a, [OLD], reference=ref, dwelling__residence=r, dwelling__door=door)
    c, url = client_for(marc), reverse("housing:residence", args=[r.pk])
    html = _get(c, url, o="reference")
    assert_in_order(html, ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"])
    assert sorted_on(html) == ("reference", "ascending")
    html = _get(c, url, o="-reference")
    assert_in_order(html, ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    html = _get(c, url, o="password")  # the default: by place (here the door)
    assert_in_order(html, ["BAIL-QXB", "BAIL-QXC", "BAIL-QXA"])
    assert sorted_on(html) == ("place", "ascending")
