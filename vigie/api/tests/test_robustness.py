"""Inputs found by schemathesis (.ci/security) that once made the server fail."""

import pytest
from django.test import Client

from vigie.core.tests.world import bearer
from vigie.housing.cohorts import years_before

pytestmark = pytest.mark.django_db


def test_years_before_stays_in_the_calendar():
    from datetime import date

    assert years_before(date(18, 12, 21), 75) == date.min
    assert years_before(date(2020, 3, 17), -9000) == date.max


def test_a_far_past_as_of_date_is_an_answer_not_a_server_error(marc):
    client = Client()
    response = client.get("/api/v1/cohorts?as_of=0018-12-21", **bearer(marc))
    assert response.status_code == 200
    client.force_login(marc)
    assert client.get("/registre/?as_of=21/12/0018").status_code == 200


@pytest.mark.parametrize("big", ["99999999999999999999", "-99999999999999999999"])
def test_ids_beyond_64_bits_are_not_found_not_a_server_error(marc, big):
    client = Client()
    for url in (f"/api/v1/households/{big}", f"/api/v1/campaigns/{big}"):
        assert client.get(url, **bearer(marc)).status_code in (404, 422), url
    client.force_login(marc)
    if not big.startswith("-"):  # page routes take only digits
        assert client.get(f"/registre/menages/{big}/").status_code == 404
