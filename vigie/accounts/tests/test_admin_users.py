"""Administration in the interface (issue #9 §6): Amina, administrator at landlord A, manages
the people of A — creates an account (the person chooses a password from an e-mailed link,
through a real SMTP server), gives and takes roles and agencies, deactivates an account, resets
a lost second factor — everything journaled; nobody else's people are reachable. Anybody can
ask for a new password without learning whether an account exists."""

from __future__ import annotations

import email
import re
from email import policy

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.accounts.models import ApiToken, Membership, User
from vigie.actions.tests import conftest as actions_conftest
from vigie.conftest import PASSWORD
from vigie.core.models import AuditEvent
from vigie.core.permissions import Role
from vigie.housing.models import Agency

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Un-Nouveau-Mot-2026!"
smtp = actions_conftest.smtp  # a real SMTP server on 127.0.0.1 (aiosmtpd)


def signs_in(username: str, password: str) -> bool:
    """Through the real sign-in page (django-axes needs the request)."""
    r = Client().post("/comptes/connexion/", {"username": username, "password": password})
    return r.status_code == 302 and "/connexion/" not in r["Location"]


def body_of(message: dict) -> str:
    parsed = email.message_from_string(message["data"], policy=policy.default)
    return parsed.get_body(preferencelist=("plain",)).get_content()


def link_in(message: dict) -> str:
    return re.search(r"https?://[^/\s]+(/comptes/mot-de-passe/[^\s]+/)", body_of(message))[1]


@pytest.fixture
def admin_client(amina):
    client = Client()
    client.force_login(amina)
    return client


@pytest.fixture
def agency(landlord_a):
    return Agency.objects.create(organisation=landlord_a, name="Toulouse Nord")


def test_the_list_shows_my_organisations_people_only(admin_client, claire, bruno):
    page = admin_client.get("/comptes/utilisateurs/")
    assert page.status_code == 200
    assert b"claire" in page.content and b"bruno" not in page.content
    assert admin_client.get(f"/comptes/utilisateurs/{bruno.pk}/").status_code == 404
    r = admin_client.post(f"/comptes/utilisateurs/{bruno.pk}/desactiver/", {"confirmed": "1"})
    assert r.status_code == 404
    bruno.refresh_from_db()
    assert bruno.is_active


def test_other_roles_cannot_administer(claire, marc):
    for user in (claire, marc):
        client = Client()
        client.force_login(user)
        assert client.get("/comptes/utilisateurs/").status_code == 403


def test_create_an_account_the_person_chooses_a_password_by_email(
    admin_client, smtp, landlord_a, agency, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        r = admin_client.post(
            "/comptes/utilisateurs/nouveau/",
            {
                "p-username": "lea",
                "p-first_name": "Léa",
                "p-last_name": "Martin",
                "p-email": "lea@example.org",
                "r-organisation": landlord_a.pk,
                "r-role": Role.AGENCY_STAFF,
                "r-agencies": [agency.pk],
            },
        )
    assert r.status_code == 302, r.content.decode()[:2000]
    lea = User.objects.get(username="lea")
    assert not lea.has_usable_password()
    membership = Membership.objects.get(user=lea)
    assert membership.role == Role.AGENCY_STAFF and list(membership.agencies.all()) == [agency]
    assert AuditEvent.objects.filter(action="membership.created", object_id=str(lea.pk)).exists()
    [message] = smtp.messages
    assert message["to"] == ["lea@example.org"]
    assert "lea" in body_of(message)
    # The person follows the link and chooses a password, then signs in.
    anonymous = Client()
    form = anonymous.get(link_in(message), follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = anonymous.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302
    assert signs_in("lea", NEW_PASSWORD)
    # The link served once.
    again = Client().get(link_in(message), follow=True)
    assert "plus valable" in again.content.decode()


def test_a_refused_creation_keeps_what_was_typed(admin_client, claire, landlord_a):
    r = admin_client.post(
        "/comptes/utilisateurs/nouveau/",
        {
            "p-username": "claire",
            "p-first_name": "Clara",
            "p-email": "clara@example.org",
            "r-organisation": landlord_a.pk,
            "r-role": Role.CALLER,
        },
    )
    assert r.status_code == 400
    text = r.content.decode()
    assert "déjà pris" in text and 'value="Clara"' in text and "clara@example.org" in text
    r = admin_client.post(
        "/comptes/utilisateurs/nouveau/",
        {
            "p-username": "paul2",
            "p-email": "paul2@example.org",
            "r-organisation": landlord_a.pk,
            "r-role": Role.AGENCY_STAFF,
        },
    )
    assert r.status_code == 400 and "au moins une agence" in r.content.decode()
    assert not User.objects.filter(username="paul2").exists()


def test_giving_a_role_asks_for_confirmation(admin_client, claire, landlord_a):
    page = admin_client.get(f"/comptes/utilisateurs/{claire.pk}/").content.decode()
    assert 'data-confirm="confirm-role-add"' in page and "Donner ce rôle à claire ?" in page
    r = admin_client.post(
        f"/comptes/utilisateurs/{claire.pk}/role/",
        {"r-organisation": landlord_a.pk, "r-role": Role.MANAGER},
    )
    # Without confirmation nothing happens: the page names the role, the person, the landlord
    # and re-posts the choice.
    assert r.status_code == 200
    text = r.content.decode()
    assert (
        "Donner le rôle « Responsable de campagne / partenariats » à claire chez Patrimoine SA ?"
        in text
    )
    assert f'name="r-role" value="{Role.MANAGER}"' in text
    assert not claire.memberships.filter(role=Role.MANAGER).exists()


def test_give_and_take_a_role(admin_client, claire, landlord_a):
    r = admin_client.post(
        f"/comptes/utilisateurs/{claire.pk}/role/",
        {"r-organisation": landlord_a.pk, "r-role": Role.MANAGER, "confirmed": "1"},
    )
    assert r.status_code == 302
    assert set(claire.memberships.values_list("role", flat=True)) == {Role.CALLER, Role.MANAGER}
    manager = claire.memberships.get(role=Role.MANAGER)
    # Without confirmation nothing happens: the confirmation page answers.
    r = admin_client.post(f"/comptes/roles/{manager.pk}/retirer/")
    assert r.status_code == 200 and "Retirer le rôle" in r.content.decode()
    assert claire.memberships.filter(role=Role.MANAGER).exists()
    r = admin_client.post(f"/comptes/roles/{manager.pk}/retirer/", {"confirmed": "1"})
    assert r.status_code == 302
    assert set(claire.memberships.values_list("role", flat=True)) == {Role.CALLER}
    assert AuditEvent.objects.filter(action="membership.removed").exists()


def test_an_administrator_cannot_lock_themselves_out(admin_client, amina):
    own = amina.memberships.get(role=Role.ADMIN)
    admin_client.post(f"/comptes/roles/{own.pk}/retirer/", {"confirmed": "1"})
    assert amina.memberships.filter(role=Role.ADMIN).exists()
    admin_client.post(f"/comptes/utilisateurs/{amina.pk}/desactiver/", {"confirmed": "1"})
    amina.refresh_from_db()
    assert amina.is_active


def test_deactivate_and_reactivate(admin_client, claire):
    _token, raw = ApiToken.issue(user=claire)
    claire.first_name, claire.last_name = "Émilie", "Durand"
    claire.save(update_fields=["first_name", "last_name"])
    r = admin_client.post(f"/comptes/utilisateurs/{claire.pk}/desactiver/")
    assert r.status_code == 200  # asks first
    assert "Désactiver le compte d&#x27;Émilie Durand ?" in r.content.decode() or (
        "Désactiver le compte d'Émilie Durand ?" in r.content.decode()
    )
    claire.refresh_from_db()
    assert claire.is_active
    r = admin_client.post(f"/comptes/utilisateurs/{claire.pk}/desactiver/", {"confirmed": "1"})
    assert r.status_code == 302
    claire.refresh_from_db()
    assert not claire.is_active
    assert not signs_in("claire", PASSWORD)
    assert Client().get("/api/v1/campaigns", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    assert AuditEvent.objects.filter(action="user.deactivated", object_id=str(claire.pk)).exists()
    admin_client.post(f"/comptes/utilisateurs/{claire.pk}/reactiver/")
    claire.refresh_from_db()
    assert claire.is_active and signs_in("claire", PASSWORD)


def test_reset_a_lost_second_factor(admin_client, claire):
    TOTPDevice.objects.create(user=claire, name="téléphone", confirmed=True)
    page = admin_client.get(f"/comptes/utilisateurs/{claire.pk}/")
    assert "Réinitialiser la double authentification" in page.content.decode()
    r = admin_client.post(
        f"/comptes/utilisateurs/{claire.pk}/double-authentification/", {"confirmed": "1"}
    )
    assert r.status_code == 302
    assert not TOTPDevice.objects.filter(user=claire).exists()
    assert AuditEvent.objects.filter(action="two_factor.reset").exists()


def test_an_account_with_a_role_elsewhere_is_changed_only_by_both_administrators(
    admin_client, claire, landlord_b
):
    from vigie.accounts.services import user_create

    user_create(username="claire", organisation=landlord_b, role=Role.CALLER)
    r = admin_client.post(f"/comptes/utilisateurs/{claire.pk}/desactiver/", {"confirmed": "1"})
    assert r.status_code == 302
    claire.refresh_from_db()
    assert claire.is_active
    messages = [str(m) for m in r.wsgi_request._messages]
    assert any("Autre HLM" in m for m in messages)


def test_forgotten_password_by_email(smtp, claire):
    claire.email = "claire@example.org"
    claire.save()
    anonymous = Client()
    assert "Mot de passe oublié" in anonymous.get("/comptes/connexion/").content.decode()
    r = anonymous.post("/comptes/mot-de-passe-oublie/", {"email": "claire@example.org"})
    assert r.status_code == 302 and r["Location"] == "/comptes/mot-de-passe-oublie/envoye/"
    [message] = smtp.messages
    form = anonymous.get(link_in(message), follow=True)
    anonymous.post(
        form.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert signs_in("claire", NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="auth.password_set", object_id=str(claire.pk)).exists()


def test_forgotten_password_does_not_say_whether_an_account_exists(smtp):
    r = Client().post("/comptes/mot-de-passe-oublie/", {"email": "personne@example.org"})
    assert r.status_code == 302 and r["Location"] == "/comptes/mot-de-passe-oublie/envoye/"
    assert smtp.messages == []


def test_an_invited_person_whose_link_expired_asks_for_a_new_one(smtp, admin_client, landlord_a):
    """QA: Django sends no reset e-mail to an account without a usable password (an invited
    person who never chose one): Vigie does."""
    from vigie.accounts.services import user_create

    user_create(username="lea", organisation=landlord_a, role=Role.CALLER, email="lea@example.org")
    r = Client().post("/comptes/mot-de-passe-oublie/", {"email": "lea@example.org"})
    assert r.status_code == 302
    [message] = smtp.messages
    assert message["to"] == ["lea@example.org"]


def test_after_the_password_asked_again_a_form_goes_back_to_its_page(admin_client, claire):
    """QA: after re-authenticating for a POST, Vigie went to the form's address (a 405 page)."""
    from datetime import timedelta

    from django.utils import timezone

    session = admin_client.session
    session["vigie_auth_at"] = int((timezone.now() - timedelta(hours=1)).timestamp())
    session.save()
    page = f"/comptes/utilisateurs/{claire.pk}/"
    r = admin_client.post(f"{page}role/", {}, HTTP_REFERER=f"http://testserver{page}")
    assert r.status_code == 302 and "confirmer-mot-de-passe" in r["Location"]
    assert "next=%2Fcomptes%2Futilisateurs%2F" in r["Location"] and "role" not in r["Location"]


def test_an_admin_of_a_cannot_change_the_email_of_someone_with_a_role_at_b(
    admin_client, claire, landlord_b
):
    """Review finding: the e-mail is where a new password goes — changing it took over the
    account of B's manager."""
    from vigie.accounts.services import user_create

    user_create(username="claire", organisation=landlord_b, role=Role.MANAGER)
    r = admin_client.post(
        f"/comptes/utilisateurs/{claire.pk}/",
        {"first_name": "Claire", "last_name": "", "email": "pirate@example.org"},
    )
    assert r.status_code == 400
    claire.refresh_from_db()
    assert claire.email != "pirate@example.org"


def test_an_admin_cannot_give_themselves_a_role(admin_client, amina, landlord_a):
    """Review finding: an administrator could make themselves manager and read health data."""
    r = admin_client.post(
        f"/comptes/utilisateurs/{amina.pk}/role/",
        {"r-organisation": landlord_a.pk, "r-role": Role.MANAGER, "confirmed": "1"},
    )
    assert r.status_code == 302
    assert not amina.memberships.filter(role=Role.MANAGER).exists()


def test_an_email_is_one_account_s_only(admin_client, claire, marc, landlord_a):
    """The same address on two accounts (any letter case) is refused next to the field."""
    marc.email = "marc@example.org"
    marc.save()
    r = admin_client.post(
        "/comptes/utilisateurs/nouveau/",
        {
            "p-username": "lea",
            "p-email": "MARC@example.org",
            "r-organisation": landlord_a.pk,
            "r-role": Role.CALLER,
        },
    )
    assert r.status_code == 400
    assert "déjà celle d&#x27;un autre compte" in r.content.decode()
    assert r.context["person"].errors["email"]
    assert not User.objects.filter(username="lea").exists()
    r = admin_client.post(
        f"/comptes/utilisateurs/{claire.pk}/",
        {"first_name": "Claire", "last_name": "", "email": "Marc@Example.org"},
    )
    assert r.status_code == 400 and r.context["form"].errors["email"]
    claire.refresh_from_db()
    assert claire.email.lower() != "marc@example.org"
    # Keeping one's own address (in another case) is not a conflict.
    r = admin_client.post(
        f"/comptes/utilisateurs/{marc.pk}/",
        {"first_name": "Marc", "last_name": "", "email": "MARC@example.org"},
    )
    assert r.status_code == 302


def test_the_new_user_form_offers_only_the_roles_a_landlord_can_hold(admin_client):
    """It listed "Financeur", "Intervenant·e partenaire"… then refused them (QA finding)."""
    import re

    page = admin_client.get("/comptes/utilisateurs/nouveau/").content.decode()
    select = re.search(r'<select name="r-role"[^>]*>(.*?)</select>', page, re.S)[1]
    offered = set(re.findall(r'<option value="([a-z_]+)"', select))
    assert offered == {"admin", "manager", "caller", "agency_staff", "dpo"}
