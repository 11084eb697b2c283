"""Fixtures of the projects tests.

Personas (on top of vigie/conftest.py): Marc (manager at landlord A), Fanny (funder_viewer at
the CAF, which co-funds A's crèche), Félix (funder_viewer at a region funding nothing).
"""

from __future__ import annotations

from datetime import date

import pytest

from vigie.conftest import make_user
from vigie.core.models import Organisation, OrganisationKind
from vigie.core.permissions import Role
from vigie.housing.tests.factories import ResidenceFactory
from vigie.projects import services


def funder_org(slug: str, name: str) -> Organisation:
    return Organisation.objects.create(slug=slug, name=name, kind=OrganisationKind.FUNDER)


@pytest.fixture
def ville(db):
    return funder_org("ville-toulouse", "Ville de Toulouse")


@pytest.fixture
def caf(db):
    return funder_org("caf-31", "CAF de la Haute-Garonne")


@pytest.fixture
def fondation(db):
    return funder_org("fondation-enfance", "Fondation pour l'enfance")


@pytest.fixture
def fanny(caf):
    return make_user("fanny", caf, Role.FUNDER_VIEWER)


@pytest.fixture
def felix(db):
    """A funder_viewer at a region that funds none of A's projects."""
    return make_user(
        "felix", funder_org("region-occitanie", "Région Occitanie"), Role.FUNDER_VIEWER
    )


@pytest.fixture
def residence(landlord_a):
    return ResidenceFactory(
        organisation=landlord_a, name="Les Tilleuls", priority_neighbourhood=True
    )


@pytest.fixture
def creche(marc, landlord_a, residence, ville, caf, fondation):
    """A's micro-crèche, co-funded by the town, the CAF and a foundation, with its 2026 budget."""
    p = services.project_create(
        actor=marc,
        organisation=landlord_a,
        title="Micro-crèche des Tilleuls",
        kind="childcare",
        residences=[residence],
        starts_on=date(2026, 1, 1),
        ends_on=date(2027, 12, 31),
        summary="Dix places d'accueil pour les familles du quartier.",
    )
    for org, req, com in ((ville, 20000, 15000), (caf, 30000, 30000), (fondation, 10000, 8000)):
        services.co_funder_add(
            actor=marc, project=p, funder_slug=org.slug, requested=req, committed=com
        )
    lines = [
        ("606", "Achats non stockés", 1200, 1100, None),
        ("641", "Rémunérations", 48000, 50000, None),
        ("613", "Locations", 3800, 3800, None),
        ("7411", "Subvention Ville", 15000, 15000, ville),
        ("7412", "Subvention CAF", 30000, 31000, caf),
        ("7413", "Subvention fondation", 8000, 8000, fondation),
        ("706", "Participation des familles", 0, 900, None),
        ("86", "Mise à disposition de locaux", 2400, 2400, None),
        ("87", "Locaux prêtés par le bailleur", 2400, 2400, None),
    ]
    for account, label, forecast, actual, org in lines:
        services.budget_line_add(
            actor=marc,
            project=p,
            year=2026,
            account=account,
            label=label,
            forecast=forecast,
            actual=actual,
            funder_slug=org.slug if org else None,
        )
    return p


from vigie.actions.tests.conftest import smtp  # noqa: E402, F401  (a real local SMTP server)
