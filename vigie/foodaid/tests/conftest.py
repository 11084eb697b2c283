"""Fixtures of the food-aid tests: landlord A's lockdown programme in two residences.

Personas (on top of vigie/conftest.py): Marc (manager at A), Claire (caller at A), Pierre
(partner worker at the CCAS de Toulouse, the programme's operator), Quentin (partner worker at
an association that does not run it), Fanny (funder viewer at the programme's funder), Bea
(manager at landlord B).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from vigie.conftest import make_user
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.foodaid.models import Programme
from vigie.foodaid.services import programme_create
from vigie.housing.models import Building, Household, Residence
from vigie.housing.tests.factories import DwellingFactory, ResidenceFactory, make_household

START, END = date(2020, 3, 23), date(2020, 6, 30)


@dataclass
class Lockdown:
    landlord: Organisation
    tabar: Residence
    bagatelle: Residence
    elsewhere: Residence
    programme: Programme
    households: list[Household] = field(default_factory=list)


def home(org, residence, people, *, building=None, staircase="", floor="", door="", n=0):
    dwelling = DwellingFactory(
        organisation=org,
        residence=residence,
        building=building,
        staircase=staircase,
        floor=floor,
        door=door,
        address=f"{n} avenue de Tabar",
    )
    return make_household(org, people, dwelling=dwelling)


@pytest.fixture
def quentin(db):
    org = Organisation.objects.create(
        slug="entraide", name="Entraide", kind=OrganisationKind.PARTNER
    )
    return make_user("quentin", org, Role.PARTNER_WORKER)


@pytest.fixture
def funder_org(db):
    return Organisation.objects.create(
        slug="fondation", name="Fondation Solidarité", kind=OrganisationKind.FUNDER
    )


@pytest.fixture
def fanny(funder_org):
    return make_user("fanny", funder_org, Role.FUNDER_VIEWER)


@pytest.fixture
def bea(landlord_b):
    return make_user("bea", landlord_b, Role.MANAGER)


@pytest.fixture
def lockdown(landlord_a, partner_org, funder_org, marc) -> Lockdown:
    tabar = ResidenceFactory(organisation=landlord_a, name="Tabar")
    bagatelle = ResidenceFactory(organisation=landlord_a, name="Bagatelle")
    elsewhere = ResidenceFactory(organisation=landlord_a, name="Ailleurs")
    b1 = Building.objects.create(organisation=landlord_a, residence=tabar, name="B1")
    b2 = Building.objects.create(organisation=landlord_a, residence=tabar, name="A2")
    programme = programme_create(
        actor=marc,
        organisation=landlord_a,
        name="Distribution confinement",
        starts_on=START,
        ends_on=END,
        sites=[tabar.pk, bagatelle.pk],
        partners=[partner_org.slug],
        funders=[("Fondation Solidarité", funder_org.slug)],
        basket="Colis de produits secs",
    )
    households = [
        # An old lady alone, second floor of B1.
        home(
            landlord_a,
            tabar,
            [{"last_name": "Martin", "first_name": "Odette", "birth_date": date(1938, 4, 2)}],
            building=b1,
            staircase="A",
            floor="2",
            n=1,
        ),
        # A single mother and two children (3 and 10 on the report's end date), ground floor A2.
        home(
            landlord_a,
            tabar,
            [
                {"last_name": "Durand", "first_name": "Sonia", "birth_date": date(1985, 1, 1)},
                {
                    "last_name": "Durand",
                    "first_name": "Léo",
                    "birth_date": date(2017, 1, 1),
                    "role": "enfant",
                    "phone": "",
                },
                {
                    "last_name": "Durand",
                    "first_name": "Inès",
                    "birth_date": date(2010, 1, 1),
                    "role": "enfant",
                    "phone": "",
                },
            ],
            building=b2,
            staircase="B",
            floor="RDC",
            n=2,
        ),
        # A couple, one with a disability, Bagatelle.
        home(
            landlord_a,
            bagatelle,
            [
                {
                    "last_name": "Petit",
                    "first_name": "Jean",
                    "birth_date": date(1950, 1, 1),
                    "disability": True,
                },
                {
                    "last_name": "Petit",
                    "first_name": "Rose",
                    "birth_date": date(1955, 1, 1),
                    "role": "conjoint",
                },
            ],
            n=3,
        ),
        # Not in a programme site.
        home(
            landlord_a,
            elsewhere,
            [{"last_name": "Loin", "first_name": "Paul", "birth_date": date(1930, 1, 1)}],
            n=4,
        ),
    ]
    return Lockdown(landlord_a, tabar, bagatelle, elsewhere, programme, households)
