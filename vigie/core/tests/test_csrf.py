"""CSRF is checked on every state change: a POST without a token is refused (issue #5 §8)."""

import re

import pytest
from django.test import Client

from vigie.core.tests.test_permission_matrix import vigie_views

pytestmark = pytest.mark.django_db


SAMPLES = {
    "uuid": "4f2b8a1e-2c57-4f3c-9a11-0b7f6d2e9c33",
    "str": "effacer",
    "slug": "x",
    "int": "1",
    "path": "x",
}


def concrete(route: str) -> str:
    """A URL matching the route, so the request reaches the CSRF check and not a 404."""
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: SAMPLES[m.group(1) or "str"], route)


def test_every_page_refuses_a_post_without_csrf_token(marc, dora):
    client = Client(enforce_csrf_checks=True)
    for user in (marc, dora):
        client.force_login(user)
        for route, _view in vigie_views():
            response = client.post(concrete(route), {"x": "1"})
            assert response.status_code == 403, (
                f"POST {concrete(route)} as {user}: {response.status_code}"
            )
