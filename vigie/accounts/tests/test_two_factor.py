"""Second factor for sensitive roles, and lockout after repeated failed logins."""

import re
import time
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigie.conftest import PASSWORD
from vigie.core.models import AuditEvent

pytestmark = [pytest.mark.django_db, pytest.mark.two_factor]


def totp_now(key: bytes) -> str:
    return f"{TOTP(key).token():06d}"


def test_caller_must_enrol_a_totp_app_before_seeing_the_register(client, claire):
    assert (
        client.post(
            reverse("accounts:login"), {"username": "claire", "password": PASSWORD}
        ).status_code
        == 302
    )
    r = client.get(reverse("housing:households"))
    assert r.status_code == 302 and reverse("accounts:two_factor") in r["Location"]
    page = client.get(r["Location"]).content.decode()
    secret = re.search(r'id="totp-secret">([A-Z2-7=]+)<', page).group(1)
    bad = client.post(reverse("accounts:two_factor"), {"token": "000000", "next": "/registre/"})
    assert (
        "n&#x27;est pas valide" in bad.content.decode()
        or "n'est pas valide" in bad.content.decode()
    )
    # django-otp throttles after a failure: one second, doubling.
    throttled = client.post(reverse("accounts:two_factor"), {"token": "000000"})
    assert "patientez" in throttled.content.decode()
    time.sleep(2.1)
    good = client.post(
        reverse("accounts:two_factor"), {"token": totp_now(b32decode(secret)), "next": "/registre/"}
    )
    assert good.status_code == 302 and good["Location"] == "/registre/"
    assert client.get(reverse("housing:households")).status_code == 200
    assert TOTPDevice.objects.get(user=claire).confirmed
    assert AuditEvent.objects.filter(action="two_factor.enrolled").exists()


def test_enrolled_user_types_a_code_at_each_sign_in(client, claire):
    device = TOTPDevice.objects.create(user=claire, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "claire", "password": PASSWORD})
    assert client.get(reverse("housing:households")).status_code == 302
    page = client.get(reverse("accounts:two_factor")).content.decode()
    assert "totp-secret" not in page  # the key is never shown again
    client.post(reverse("accounts:two_factor"), {"token": totp_now(device.bin_key)})
    assert client.get(reverse("housing:households")).status_code == 200


def test_open_redirect_is_refused(client, claire):
    device = TOTPDevice.objects.create(user=claire, name="app", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "claire", "password": PASSWORD})
    r = client.post(
        reverse("accounts:two_factor"),
        {"token": totp_now(device.bin_key), "next": "https://evil.example/"},
    )
    assert r["Location"] == "/"


def test_agency_staff_need_no_second_factor(client, landlord_a):
    from vigie.accounts.services import user_create
    from vigie.housing.models import Agency

    Agency.objects.create(organisation=landlord_a, name="Agence Nord")
    user_create(
        username="paul",
        organisation=landlord_a,
        role="agency_staff",
        password=PASSWORD,
        agency_names=["Agence Nord"],
    )
    client.post(reverse("accounts:login"), {"username": "paul", "password": PASSWORD})
    assert client.get(reverse("housing:households")).status_code == 200


def test_five_failed_logins_lock_the_account_even_with_the_right_password(client, claire):
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "claire", "password": "wrong"})
    r = client.post(reverse("accounts:login"), {"username": "claire", "password": PASSWORD})
    assert r.status_code == 429
    assert "Trop de tentatives" in r.content.decode()
    assert "_auth_user_id" not in client.session
