"""Shared fixtures: two landlords, a partner, a mediation centre, and a persona per role.

Personas: Claire (caller at Landlord A), Marc (campaign manager at A), Amina (administrator at
A), Paul (agency staff at A's Toulouse Nord agency), Dora (DPO at A), Bruno (caller at
Landlord B), Pierre (partner worker at the CCAS), Maya (mediator).
"""

from __future__ import annotations

import pytest

from vigie.accounts.services import user_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

PASSWORD = "Vigie-Test-2026!"


@pytest.fixture
def landlord_a(db):
    return Organisation.objects.create(
        slug="patrimoine", name="Patrimoine SA", kind=OrganisationKind.LANDLORD
    )


@pytest.fixture
def landlord_b(db):
    return Organisation.objects.create(
        slug="autre-hlm", name="Autre HLM", kind=OrganisationKind.LANDLORD
    )


@pytest.fixture
def partner_org(db):
    return Organisation.objects.create(
        slug="ccas-toulouse", name="CCAS de Toulouse", kind=OrganisationKind.PARTNER
    )


@pytest.fixture
def mediation_org(db):
    return Organisation.objects.create(
        slug="amandier", name="L'Amandier", kind=OrganisationKind.MEDIATION_CENTRE
    )


def make_user(username, org, role, **kw):
    return user_create(username=username, organisation=org, role=role, password=PASSWORD, **kw)


@pytest.fixture
def claire(landlord_a):
    return make_user("claire", landlord_a, Role.CALLER)


@pytest.fixture
def marc(landlord_a):
    return make_user("marc", landlord_a, Role.MANAGER)


@pytest.fixture
def amina(landlord_a):
    return make_user("amina", landlord_a, Role.ADMIN)


@pytest.fixture
def dora(landlord_a):
    return make_user("dora", landlord_a, Role.DPO)


@pytest.fixture
def bruno(landlord_b):
    return make_user("bruno", landlord_b, Role.CALLER)


@pytest.fixture
def pierre(partner_org):
    return make_user("pierre", partner_org, Role.PARTNER_WORKER)


@pytest.fixture
def maya(mediation_org):
    return make_user("maya", mediation_org, Role.MEDIATOR)


@pytest.fixture(autouse=True)
def _two_factor_off_unless_asked(request, settings):
    """2FA is tested in accounts/tests/test_two_factor.py; other tests sign in without it."""
    if not request.node.get_closest_marker("two_factor"):
        settings.VIGIE_REQUIRE_2FA = False
