"""Where each role lands after signing in."""

import pytest
from django.urls import reverse

from vigie.accounts.services import user_create
from vigie.conftest import PASSWORD
from vigie.housing.models import Agency

pytestmark = pytest.mark.django_db


def test_each_role_lands_where_its_day_starts(client, marc, pierre, maya, landlord_a):
    client.force_login(marc)
    assert client.get("/")["Location"] == reverse("housing:households")
    client.force_login(pierre)
    assert client.get("/")["Location"] == reverse("actions:referrals")
    Agency.objects.create(organisation=landlord_a, name="Agence Nord")
    paul = user_create(
        username="paul",
        organisation=landlord_a,
        role="agency_staff",
        password=PASSWORD,
        agency_names=["Agence Nord"],
    )
    client.force_login(paul)
    assert client.get("/")["Location"] == reverse("actions:tickets")
    client.force_login(maya)  # no module of hers yet: the welcome page, no dead link
    r = client.get("/")
    assert r.status_code == 200 and "Bienvenue" in r.content.decode()
