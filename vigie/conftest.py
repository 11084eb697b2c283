"""Shared fixtures: two landlords, a partner, a mediation centre, and a persona per role.

Personas: Claire (caller at Landlord A), Marc (campaign manager at A), Amina (administrator at
A), Paul (agency staff at A's Toulouse Nord agency), Dora (DPO at A), Bruno (caller at
Landlord B), Pierre (partner worker at the CCAS), Maya (mediator).
"""

from __future__ import annotations

import os

import pytest

from vigie.accounts.services import user_create
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role

PASSWORD = "Vigie-Test-2026!"

# Under tests only: a fast hasher first, so that each persona's password does not cost a million
# PBKDF2 iterations (~0.3 s apiece). Production keeps Django's strong default, which
# accounts/tests/test_password_hashers.py checks on the real settings.
FAST_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


def pytest_configure(config):
    from django.conf import settings
    from django.test.utils import override_settings

    if settings.PASSWORD_HASHERS[0] != FAST_HASHER:
        # override_settings (not a plain assignment) resets Django's cache of hashers.
        override_settings(PASSWORD_HASHERS=[FAST_HASHER, *settings.PASSWORD_HASHERS]).enable()


# The longest test files (a minute for the replay alone): under pytest-xdist (`make test`) they
# are handed out first, so that no worker is left running one of them alone at the end.
LONG_FILES = (
    "vigie/campaigns/tests/test_replay.py",
    "vigie/core/tests/test_sentinel.py",
    "vigie/core/tests/test_matrix.py",
    "vigie/housing/tests/test_acceptance.py",
)


def pytest_collection_modifyitems(config, items):
    if os.environ.get("PYTEST_XDIST_WORKER"):
        rank = {name: i for i, name in enumerate(LONG_FILES)}
        items.sort(key=lambda item: rank.get(item.nodeid.split("::")[0], len(rank)))


@pytest.fixture(scope="session", autouse=True)
def _flush_keeps_reference_data():
    """A transactional test ends with a flush that empties every table; the communes (36,912
    rows, read-only reference data) would then be reloaded by housing's post_migrate handler,
    ~5 s each time. No test writes them, so the flush leaves their two tables alone."""
    from django.core.management.commands import flush

    from vigie.housing.models import Commune, PostcodeCommune

    keep = {Commune._meta.db_table, PostcodeCommune._meta.db_table}

    def sql_flush(style, connection, reset_sequences=True, allow_cascade=False):
        tables = connection.introspection.django_table_names(
            only_existing=True, include_views=False
        )
        return connection.ops.sql_flush(
            style,
            [t for t in tables if t not in keep],
            reset_sequences=reset_sequences,
            allow_cascade=allow_cascade,
        )

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(flush, "sql_flush", sql_flush)
        yield


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
