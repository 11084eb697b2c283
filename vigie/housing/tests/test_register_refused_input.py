"""Refused input on the register pages keeps what was typed and names the field at fault
(issue #10, finding 8): the contact correction and the register's « À la date du ».

Personas: Claire (caller at Landlord A), Mme Durand (a tenant of A).
"""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def durand(landlord_a):
    return make_household(
        landlord_a,
        [
            {
                "last_name": "DURAND",
                "first_name": "Odette",
                "birth_date": date(1938, 4, 2),
                "phone": "+33561234567",
            }
        ],
        reference="BAIL-DURAND",
    )


def test_a_refused_contact_correction_keeps_what_was_typed_next_to_the_field(
    client, claire, durand
):
    occ = durand.occupants.get()
    client.force_login(claire)
    r = client.post(
        reverse("housing:occupant_contact", args=[occ.pk]),
        {
            "version": durand.version,
            "phone": "06 12 34",
            "phone_2": "05 61 00 00 00",
            "email": "odette@example.org",
        },
    )
    assert r.status_code == 400
    page = text(r)
    assert f'id="ph-{occ.pk}-error"' in page
    assert "« 06 12 34 » n'est pas un numéro de téléphone valide." in page
    assert 'value="06 12 34"' in page and 'value="05 61 00 00 00"' in page
    assert 'value="odette@example.org"' in page
    occ.refresh_from_db()
    assert occ.phone == "+33561234567" and occ.email == ""


def test_a_wrong_email_is_refused_and_named(client, claire, durand):
    occ = durand.occupants.get()
    client.force_login(claire)
    r = client.post(
        reverse("housing:occupant_contact", args=[occ.pk]),
        {"version": durand.version, "phone": "05 61 23 45 67", "phone_2": "", "email": "odette@"},
    )
    assert r.status_code == 400
    page = text(r)
    assert f'id="em-{occ.pk}-error"' in page
    assert "« odette@ » n'est pas une adresse e-mail valide." in page
    occ.refresh_from_db()
    assert occ.email == ""


def test_an_impossible_as_of_date_is_said_next_to_the_field(client, claire, durand):
    client.force_login(claire)
    today = timezone.localdate().strftime("%d/%m/%Y")
    for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
        r = client.get(reverse("housing:households"), {"as_of": "31/02/2026"}, **headers)
        page = text(r)
        assert (
            f"« 31/02/2026 » n'est pas une date valide (jj/mm/aaaa) : les cohortes sont calculées "
            f"au {today}, aujourd'hui." in page
        )
        assert 'id="as-of-error"' in page
    # The full page keeps what was typed in the field and marks it.
    r = client.get(reverse("housing:households"), {"as_of": "31/02/2026"})
    assert 'value="31/02/2026"' in text(r) and 'aria-invalid="true"' in text(r)
    # A valid date is used as is, with no error.
    r = client.get(reverse("housing:households"), {"as_of": "01/01/2020"})
    assert "n'est pas une date valide" not in text(r) and "Cohortes au 01/01/2020" in text(r)
