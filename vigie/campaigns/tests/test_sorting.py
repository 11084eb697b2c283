"""Sortable columns of the campaign pages' lists (issue #12 §1, docs/design.md "Tables"):
`?o=<column>` / `?o=-<column>` order the rows, an unknown column falls back to the default,
the sorted header says so (aria-sort); the visit list's export sorts as its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse

from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Target
from vigie.campaigns.services import campaign_create
from vigie.campaigns.tests.factories import AS_OF, BUILT_AT, OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.core.tests.sorting import assert_in_order, sorted_on
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _get(client, url, o=None) -> str:
    r = client.get(url, {"o": o} if o else {})
    assert r.status_code == 200
    return r.content.decode()


def test_campaign_list_sorts_by_name_and_falls_back_to_newest_first(landlord_a, marc):
    waves = [{"name": "Aînés", "cohorts": ["over_75"]}]
    for name in ("Canicule QX", "Alerte QX", "Grand froid QX"):  # created in this order
        campaign_create(actor=marc, organisation=landlord_a, name=name, as_of=AS_OF, waves=waves)
    c, url = client_for(marc), reverse("campaigns:list")
    html = _get(c, url, "name")
    assert_in_order(html, ["Alerte QX", "Canicule QX", "Grand froid QX"])
    assert sorted_on(html) == ("name", "ascending")
    html = _get(c, url, "-name")
    assert_in_order(html, ["Grand froid QX", "Canicule QX", "Alerte QX"])
    assert sorted_on(html) == ("name", "descending")
    for o in ("password", None):  # the default: newest first, no visible column sorted
        html = _get(c, url, o)
        assert_in_order(html, ["Grand froid QX", "Alerte QX", "Canicule QX"])
        assert sorted_on(html) is None


@pytest.fixture
def visits(landlord_a, marc):
    for ref in ("BAIL-B", "BAIL-C", "BAIL-A"):
        make_household(landlord_a, [dict(OLD, last_name="NOM" + ref)], reference=ref)
    campaign = running_campaign(landlord_a, marc, waves=[{"name": "Aînés", "cohorts": ["over_75"]}])
    Target.objects.filter(campaign=campaign).update(status=TargetStatus.NOT_REACHED)
    for n, ref in enumerate(("BAIL-C", "BAIL-A", "BAIL-B")):
        Target.objects.filter(campaign=campaign, household__reference=ref).update(attempts_count=n)
    return campaign


def test_visit_list_sorts_and_its_export_follows(visits, marc):
    c, url = client_for(marc), reverse("campaigns:not_reached", args=[visits.pk])
    html = _get(c, url, "reference")
    assert_in_order(html, [">BAIL-A<", ">BAIL-B<", ">BAIL-C<"])
    assert sorted_on(html) == ("reference", "ascending")
    html = _get(c, url, "-reference")
    assert_in_order(html, [">BAIL-C<", ">BAIL-B<", ">BAIL-A<"])
    assert sorted_on(html) == ("reference", "descending")
    html = _get(c, url, "attempts")
    assert_in_order(html, [">BAIL-C<", ">BAIL-A<", ">BAIL-B<"])
    html = _get(c, url, "password")
    assert sorted_on(html) == ("agency", "ascending")  # the default: by agency, then address
    assert "classés par agence puis adresse" in html
    # The export links carry the order, and the file follows it.
    assert "o=-reference" in _get(c, url, "-reference").split("export-links")[1].split("</p>")[0]
    r = c.get(reverse("campaigns:not_reached_csv", args=[visits.pk]), {"o": "-reference"})
    refs = [line.split(";")[8] for line in r.content.decode("utf-8-sig").splitlines()[1:]]
    assert refs == ["BAIL-C", "BAIL-B", "BAIL-A"]


def test_callbacks_sort_by_due_date_and_household(visits, landlord_a, marc):
    claire = make_user("claire2", landlord_a, Role.CALLER)
    for n, ref in enumerate(("BAIL-B", "BAIL-A", "BAIL-C")):
        Target.objects.filter(campaign=visits, household__reference=ref).update(
            status=TargetStatus.CALLBACK,
            due_at=BUILT_AT + timedelta(hours=n),
            preferred_caller=claire,
        )
    for c, url in (
        (client_for(marc), reverse("campaigns:callbacks", args=[visits.pk])),
        (client_for(claire), reverse("campaigns:my_callbacks", args=[visits.pk])),
    ):
        html = _get(c, url, "household")
        assert_in_order(html, ["BAIL-A", "BAIL-B", "BAIL-C"])
        assert sorted_on(html) == ("household", "ascending")
        html = _get(c, url, "-household")
        assert_in_order(html, ["BAIL-C", "BAIL-B", "BAIL-A"])
        for o in ("password", "-due"):
            html = _get(c, url, o)
            expected = ["BAIL-B", "BAIL-A", "BAIL-C"]
            assert_in_order(html, expected if o == "password" else expected[::-1])
            assert sorted_on(html) == ("due", "ascending" if o == "password" else "descending")
