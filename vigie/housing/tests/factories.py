"""Factories for the register. Communes come from the reference data loaded by migration."""

from __future__ import annotations

from datetime import date

import factory

from vigie.housing.choices import OccupantRole
from vigie.housing.models import Agency, Commune, Dwelling, Household, Occupant, Residence
from vigie.housing.services import household_refresh_composition


def toulouse() -> Commune:
    return Commune.objects.get(insee_code="31555")


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agence {n}")


class ResidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Residence

    name = factory.Sequence(lambda n: f"Résidence {n}")
    agency = factory.SubFactory(AgencyFactory, organisation=factory.SelfAttribute("..organisation"))
    commune = factory.LazyFunction(toulouse)


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    reference = factory.Sequence(lambda n: f"LOG{n:06d}")
    residence = factory.SubFactory(
        ResidenceFactory, organisation=factory.SelfAttribute("..organisation")
    )
    type = "T3"
    address = factory.Sequence(lambda n: f"{n} rue des Lilas")
    postcode = "31200"
    commune = factory.LazyFunction(toulouse)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"BAIL{n:06d}")
    dwelling = factory.SubFactory(
        DwellingFactory, organisation=factory.SelfAttribute("..organisation")
    )
    start_date = date(2010, 1, 1)


class OccupantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupant

    household = factory.SubFactory(
        HouseholdFactory, organisation=factory.SelfAttribute("..organisation")
    )
    organisation = factory.SelfAttribute("household.organisation")
    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    birth_date = date(1960, 5, 1)
    role = OccupantRole.LEASEHOLDER
    phone = "+33561000000"


def make_household(organisation, occupants: list[dict], **kw) -> Household:
    """A household with the given occupants, its derived composition refreshed."""
    h = HouseholdFactory(organisation=organisation, **kw)
    for i, o in enumerate(occupants):
        OccupantFactory(household=h, organisation=organisation, position=i, **o)
    household_refresh_composition(h)
    h.refresh_from_db()
    return h
