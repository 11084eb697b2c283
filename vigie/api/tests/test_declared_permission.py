"""The permission an operation declares with needs() is enforced before its input is read."""

import pytest
from django.test import Client

from vigie.core.models import AccessAction, AccessLog
from vigie.core.tests.world import bearer

pytestmark = pytest.mark.django_db


def test_a_role_without_the_permission_gets_403_before_input_validation(amina):
    response = Client().post(
        "/api/v1/targets/1/attempts",
        {"not": "an attempt"},
        content_type="application/json",
        **bearer(amina),
    )
    assert response.status_code == 403
    assert "chargé·e de veille" in response.json()["detail"]
    denied = AccessLog.objects.get(action=AccessAction.DENIED, user=amina)
    assert denied.detail == "call.take" and denied.path == "/api/v1/targets/1/attempts"


def test_the_session_is_held_to_the_same_permission(client, dora):
    client.force_login(dora)
    assert client.get("/api/v1/campaigns").status_code == 403
    assert client.get("/api/v1/cohorts").status_code == 200
