"""The link in the partner's e-mail leads where the sender was using Vigie (the request's
address), and to VIGIE_BASE_URL only when there is no request (a background job, a command)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from vigie.actions.models import Referral
from vigie.actions.services import referral_create
from vigie.actions.tests.conftest import raise_needs

pytestmark = pytest.mark.django_db


def test_the_link_is_built_from_the_request(
    settings, campaign, claire, ccas, smtp, django_capture_on_commit_callbacks
):
    settings.VIGIE_BASE_URL = "http://ancienne-adresse.example"
    settings.ALLOWED_HOSTS = ["vigie.hlm.example"]
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    c = Client(HTTP_HOST="vigie.hlm.example")
    c.force_login(claire)
    with django_capture_on_commit_callbacks(execute=True):
        r = c.post(
            reverse("actions:need_refer", args=[need.pk]),
            {f"r{need.pk}-partner": ccas.pk, f"r{need.pk}-send": "on"},
        )
    assert r.status_code == 302
    referral = Referral.objects.get(need=need)
    [mail] = smtp.messages
    assert f"http://vigie.hlm.example/actions/orientations/{referral.pk}/" in mail["data"]
    assert "ancienne-adresse" not in mail["data"]


def test_without_a_request_the_setting_is_the_fallback(
    settings, campaign, claire, ccas, smtp, django_capture_on_commit_callbacks
):
    settings.VIGIE_BASE_URL = "https://vigie.hlm.example/"
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    with django_capture_on_commit_callbacks(execute=True):
        referral = referral_create(actor=claire, need=need, partner=ccas)
    [mail] = smtp.messages
    assert f"https://vigie.hlm.example/actions/orientations/{referral.pk}/" in mail["data"]
