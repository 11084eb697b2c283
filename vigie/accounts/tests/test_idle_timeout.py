"""Idle timeout: 30 minutes without a request sign the user out; pages don't write the session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from vigie.accounts import middleware
from vigie.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _expiry(client):
    return Session.objects.get(session_key=client.cookies["sessionid"].value).expire_date


def test_session_lasts_thirty_minutes_from_the_last_request(client, claire, monkeypatch):
    response = client.post(reverse("accounts:login"), {"username": "claire", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/registre/").status_code == 200
    first = _expiry(client)
    assert timedelta(minutes=29) < first - timezone.now() <= timedelta(minutes=30)

    # Within the minute: the page is served without writing the session.
    assert client.get("/registre/").status_code == 200
    assert _expiry(client) == first

    # Over a minute later, a request pushes the expiry 30 minutes ahead again.
    real = middleware.time.time
    monkeypatch.setattr(middleware.time, "time", lambda: real() + 61)
    assert client.get("/registre/").status_code == 200
    assert _expiry(client) > first


def test_idle_session_is_signed_out(client, claire):
    client.post(reverse("accounts:login"), {"username": "claire", "password": PASSWORD})
    assert client.get("/registre/").status_code == 200
    # 30 minutes without a request: the stored session has expired.
    Session.objects.filter(session_key=client.cookies["sessionid"].value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get("/registre/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
