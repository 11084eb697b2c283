import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from vigie.accounts.models import User
from vigie.core.models import Organisation

pytestmark = pytest.mark.django_db


def test_create_org_and_user_with_password_from_stdin(monkeypatch):
    call_command(
        "create_org", "patrimoine", kind="landlord", name="Patrimoine SA", stdout=io.StringIO()
    )
    assert Organisation.objects.get(slug="patrimoine").kind == "landlord"
    monkeypatch.setattr("sys.stdin", io.StringIO("Tres-Bon-Mot2Passe\n"))
    call_command(
        "create_user",
        "claire",
        org="patrimoine",
        role="caller",
        password_stdin=True,
        stdout=io.StringIO(),
    )
    claire = User.objects.get(username="claire")
    assert claire.check_password("Tres-Bon-Mot2Passe")
    assert claire.memberships.get().role == "caller"


def test_create_user_refuses_weak_password_and_unknown_org(monkeypatch):
    call_command("create_org", "patrimoine", kind="landlord", stdout=io.StringIO())
    monkeypatch.setattr("sys.stdin", io.StringIO("motdepasse\n"))
    with pytest.raises(CommandError, match="Mot de passe refusé"):
        call_command("create_user", "claire", org="patrimoine", role="caller", password_stdin=True)
    assert not User.objects.filter(username="claire").exists()
    with pytest.raises(CommandError, match="Organisation inconnue"):
        call_command("create_user", "claire", org="nope", role="caller")


def test_role_must_fit_the_organisation_kind():
    call_command("create_org", "ccas", kind="partner", stdout=io.StringIO())
    with pytest.raises(CommandError, match="n'existe pas dans une organisation"):
        call_command("create_user", "x", org="ccas", role="caller")


def test_create_token_prints_a_token_that_authenticates(landlord_a, claire):
    from vigie.accounts.models import ApiToken

    out = io.StringIO()
    call_command("create_token", "claire", stdout=out)
    raw = out.getvalue().strip()
    assert ApiToken.authenticate(raw) == claire
    assert not ApiToken.objects.filter(token_hash=raw).exists()  # only the hash is stored


def test_cohorts_command_json(landlord_a):
    from datetime import date

    from vigie.housing.tests.factories import make_household

    make_household(landlord_a, [{"birth_date": date(1930, 1, 1)}])
    out = io.StringIO()
    call_command("cohorts", org="patrimoine", as_of="2020-03-17", json=True, stdout=out)
    assert json.loads(out.getvalue()) == {
        "over_75": 1,
        "age_70_74": 0,
        "single_parent": 0,
        "disability": 0,
        "any": 1,
    }


def test_create_user_refuses_an_email_another_account_has(landlord_a):
    call_command(
        "create_user",
        "lea",
        org=landlord_a.slug,
        role="caller",
        email="lea@example.org",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="déjà celle d'un autre compte"):
        call_command(
            "create_user",
            "lea2",
            org=landlord_a.slug,
            role="caller",
            email="Lea@Example.ORG",
            stdout=io.StringIO(),
        )
    assert not User.objects.filter(username="lea2").exists()
    # Accounts without an address are not in conflict with each other.
    for name in ("sans1", "sans2"):
        call_command("create_user", name, org=landlord_a.slug, role="caller", stdout=io.StringIO())
