"""Sortable columns of the campaign pages' lists (issue #12 §1, docs/design.md "Tables"):
`?o=<column>` / `?o=-<column>` order the rows, an unknown column falls back to the default,
the sorted header says so (aria-sort); the visit list's export sorts as its page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from vigie.campaigns.choices import TargetStatus
from vigie.campaigns.models import Target
from vigie.campaigns.services import campaign_create
from vigie.campaigns.tests.factories import AS_OF, BUILT_AT, OLD, running_campaign
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.core.tests.sorting import (
    assert_default,
    assert_in_order,
    assert_sorts,
    client_for,
    html_of,
    sorted_on,
)
from vigie.housing.tests.factories import ResidenceFactory, make_household

pytestmark = pytest.mark.django_db


def test_campaign_list_sorts_by_name_and_falls_back_to_newest_first(landlord_a, marc):
    waves = [{"name": "Aînés", "cohorts": ["over_75"]}]
    for name in ("Canicule QX", "Alerte QX", "Grand froid QX"):  # created in this order
        campaign_create(actor=marc, organisation=landlord_a, name=name, as_of=AS_OF, waves=waves)
    c, url = client_for(marc), reverse("campaigns:list")
    assert_sorts(c, url, "name", ["Alerte QX", "Canicule QX", "Grand froid QX"])
    # The default: newest first, an order no visible column shows.
    assert_default(c, url, None, ["Grand froid QX", "Alerte QX", "Canicule QX"])


@pytest.fixture
def visits(landlord_a, marc):
    residence = ResidenceFactory(organisation=landlord_a, name="Tabar")
    for n, ref in enumerate(("BAIL-B", "BAIL-C", "BAIL-A"), start=1):
        make_household(
            landlord_a,
            [dict(OLD, last_name="NOM" + ref)],
            reference=ref,
            dwelling__residence=residence,
            dwelling__address=f"{n} rue des Acacias",
        )
    campaign = running_campaign(landlord_a, marc, waves=[{"name": "Aînés", "cohorts": ["over_75"]}])
    Target.objects.filter(campaign=campaign).update(status=TargetStatus.NOT_REACHED)
    for n, ref in enumerate(("BAIL-C", "BAIL-A", "BAIL-B")):
        Target.objects.filter(campaign=campaign, household__reference=ref).update(attempts_count=n)
    return campaign


def test_visit_list_sorts_and_its_export_follows(visits, marc):
    c, url = client_for(marc), reverse("campaigns:not_reached", args=[visits.pk])
    html = assert_sorts(c, url, "reference", [">BAIL-A<", ">BAIL-B<", ">BAIL-C<"])
    # The export links carry the order, and the file follows it.
    assert "o=-reference" in html.split("export-links")[1].split("</p>")[0]
    r = c.get(reverse("campaigns:not_reached_csv", args=[visits.pk]), {"o": "-reference"})
    refs = [line.split(";")[8] for line in r.content.decode("utf-8-sig").splitlines()[1:]]
    assert refs == ["BAIL-C", "BAIL-B", "BAIL-A"]
    assert_sorts(c, url, "attempts", [">BAIL-C<", ">BAIL-A<", ">BAIL-B<"])
    # The default: by agency (one here), then address.
    html = assert_default(c, url, "agency", [">BAIL-B<", ">BAIL-C<", ">BAIL-A<"])
    assert "classés par agence puis adresse" in html


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
        assert_sorts(c, url, "household", ["BAIL-A", "BAIL-B", "BAIL-C"])
        assert_default(c, url, "due", ["BAIL-B", "BAIL-A", "BAIL-C"])
        html = html_of(c, url, o="-due")
        assert_in_order(html, ["BAIL-C", "BAIL-A", "BAIL-B"])
        assert sorted_on(html) == ("due", "descending")
