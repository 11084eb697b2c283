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
