"""`vigie seed_demo`: a demo landlord loaded through the import, a user per role, partners."""

import io

import pytest
from django.core.management import call_command

from vigie.accounts.models import User
from vigie.core.permissions import Role
from vigie.housing.models import Household

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_landlord_users_and_partners_and_is_idempotent():
    out = io.StringIO()
    call_command("seed_demo", dwellings=200, stdout=out)
    text = out.getvalue()
    assert "Vigie-Demo-2026!" in text
    demo = Household.objects.filter(organisation__slug="demo")
    assert 200 <= demo.count() <= 220
    roles = {m.role for u in User.objects.all() for m in u.memberships.all()}
    assert set(Role.values) <= roles
    ccas = User.objects.get(username="ccas").memberships.get()
    assert ccas.organisation.slug == "ccas-31555"  # the commune's shared CCAS organisation
    from vigie.actions.models import Partner

    assert Partner.objects.filter(organisation__slug="demo").count() == 3
    assert not Partner.objects.exclude(notification_email__endswith="@demo.invalid").exists()
    # Every demo account has a name and an address that never reaches anyone (QA: "admin
    # admin" in the users list, and "mot de passe oublié" could not be tried).
    demo_users = User.objects.filter(memberships__isnull=False).distinct()
    assert demo_users.count() >= 7
    assert not demo_users.filter(first_name="").exists()
    # Reserved top-level domains (RFC 2606): .invalid here, .example for the mediation centre.
    assert all(u.email.endswith((".invalid", ".example")) for u in demo_users)
    assert User.objects.get(username="admin").get_full_name() == "Amina Benali"
    # Twice: nothing new, nobody duplicated.
    call_command("seed_demo", dwellings=200, stdout=io.StringIO())
    assert Household.objects.filter(organisation__slug="demo").count() == demo.count()
    assert Partner.objects.filter(organisation__slug="demo").count() == 3
