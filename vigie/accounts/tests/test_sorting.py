"""Sortable columns of the administrator's users list (issue #12 §1, docs/design.md "Tables"):
`?o=` / `?o=-` order the people, an unknown column falls back to the default (by name), the
sorted header says so (aria-sort)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import User
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.core.tests.sorting import assert_in_order, sorted_on

pytestmark = pytest.mark.django_db


def _get(client, url, **params) -> str:
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


def test_users_sort_by_username_name_and_last_login(landlord_a, amina):
    now = timezone.now()
    # username, last name, last sign-in (days ago)
    for username, last_name, days in (
        ("qx-b", "Zola", 3),
        ("qx-c", "Abel", 1),
        ("qx-a", "Morin", 2),
    ):
        u = make_user(username, landlord_a, Role.CALLER)
        User.objects.filter(pk=u.pk).update(
            first_name="Jo", last_name=last_name, last_login=now - timedelta(days=days)
        )
    c = Client()
    c.force_login(amina)
    url = reverse("accounts:users")
    html = _get(c, url, o="username")
    assert_in_order(html, ["<td>qx-a</td>", "<td>qx-b</td>", "<td>qx-c</td>"])
    assert sorted_on(html) == ("username", "ascending")
    html = _get(c, url, o="-username")
    assert_in_order(html, ["<td>qx-c</td>", "<td>qx-b</td>", "<td>qx-a</td>"])
    assert sorted_on(html) == ("username", "descending")
    html = _get(c, url, o="-last_login")  # the latest sign-in first
    assert_in_order(html, ["<td>qx-c</td>", "<td>qx-a</td>", "<td>qx-b</td>"])
    assert sorted_on(html) == ("last_login", "descending")
    html = _get(c, url, o="password")  # the default: by last name
    assert_in_order(html, ["Jo Abel", "Jo Morin", "Jo Zola"])
    assert sorted_on(html) == ("person", "ascending")
