"""Register pages run a number of queries that does not grow with the rows they show.

Issue #6 §4 (the household list has its own test in test_register_views.py). Claire calls at
Landlord A and may read its register.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from vigie.housing.choices import OccupantRole
from vigie.housing.tests.factories import ResidenceFactory, make_household

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_residence_page_is_constant_in_queries(landlord_a, claire, django_assert_max_num_queries):
    residence = ResidenceFactory(organisation=landlord_a)
    for i in range(2):
        make_household(landlord_a, [{"last_name": f"NOM{i}"}], dwelling__residence=residence)
    c = client_for(claire)
    url = reverse("housing:residence", args=[residence.pk])
    c.get(url)  # warm caches
    with django_assert_max_num_queries(30) as small:
        assert c.get(url).status_code == 200
    for i in range(20):
        make_household(
            landlord_a,
            [{"last_name": f"AUTRE{i}"}, {"role": OccupantRole.CHILD, "phone": ""}],
            dwelling__residence=residence,
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = c.get(url).content.decode()
    assert "AUTRE19" in body


def test_household_page_is_constant_in_occupants(landlord_a, claire, django_assert_max_num_queries):
    alone = make_household(landlord_a, [{"last_name": "SEUL"}])
    family = make_household(
        landlord_a,
        [{"last_name": "FAMILLE"}, {"role": OccupantRole.SPOUSE}]
        + [{"role": OccupantRole.CHILD, "phone": ""} for _ in range(6)],
    )
    c = client_for(claire)
    c.get(reverse("housing:household", args=[alone.pk]))  # warm caches
    with django_assert_max_num_queries(30) as small:
        assert c.get(reverse("housing:household", args=[alone.pk])).status_code == 200
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(reverse("housing:household", args=[family.pk])).status_code == 200


def test_import_list_is_constant_in_queries(landlord_a, marc, django_assert_max_num_queries):
    from vigie.housing.models import ImportRun

    def runs(n):
        for i in range(n):
            ImportRun.objects.create(
                organisation=landlord_a,
                user=marc,
                file_name=f"export-{i}.csv",
                file_sha256="0" * 64,
                status="imported",
            )

    runs(2)
    c = client_for(marc)
    url = reverse("housing:imports")
    c.get(url)  # warm caches
    with django_assert_max_num_queries(30) as small:
        assert c.get(url).status_code == 200
    runs(20)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert c.get(url).status_code == 200
