"""Fixtures of the mediation tests: L'Amandier serving landlords A and B, its practitioners.

Personas: Marc (manager at A), Bruno (caller at B), Diane (director of L'Amandier), Paula
(psychologist), Luc (lawyer), Maya (mediator with no discipline); households of A and of B.
"""

from __future__ import annotations

import pytest

from vigie.actions.tests.conftest import smtp  # noqa: F401 (the real local SMTP server)
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.housing.tests.factories import make_household
from vigie.mediation import services


@pytest.fixture
def amandier(mediation_org, landlord_a, landlord_b):
    services.agreement_create(actor=None, centre=mediation_org, landlord=landlord_a)
    services.agreement_create(actor=None, centre=mediation_org, landlord=landlord_b)
    return mediation_org


def practitioner(username, centre, *disciplines, role=Role.MEDIATOR, email=""):
    user = make_user(username, centre, role, email=email)
    services.disciplines_set(centre=centre, user=user, disciplines=list(disciplines))
    return user


@pytest.fixture
def diane(amandier):
    return make_user("diane", amandier, Role.MEDIATION_DIRECTOR, email="diane@amandier.example")


@pytest.fixture
def paula(amandier):
    return practitioner("paula", amandier, "psychologist", email="paula@amandier.example")


@pytest.fixture
def luc(amandier):
    return practitioner("luc", amandier, "lawyer", email="luc@amandier.example")


@pytest.fixture
def medi(amandier):
    return practitioner("medi", amandier, "mediator", email="medi@amandier.example")


@pytest.fixture
def two_households(landlord_a):
    first = make_household(
        landlord_a,
        [{"last_name": "DUPONT", "first_name": "Jeanne", "email": "dupont@example.org"}],
        reference="BAIL-DUPONT",
    )
    second = make_household(
        landlord_a,
        [{"last_name": "MARTIN", "first_name": "Paul", "email": "martin@example.org"}],
        reference="BAIL-MARTIN",
    )
    return first, second


@pytest.fixture
def household_b(landlord_b):
    return make_household(landlord_b, [{"last_name": "DURAND"}], reference="BAIL-DURAND")
