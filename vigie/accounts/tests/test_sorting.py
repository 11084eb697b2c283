"""Sortable columns of the administrator's users list (issue #12 §1, docs/design.md "Tables"):
`?o=` / `?o=-` order the people, an unknown column falls back to the default (by name), the
sorted header says so (aria-sort)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.accounts.models import User
from vigie.conftest import make_user
from vigie.core.permissions import Role
from vigie.core.tests.sorting import assert_default, assert_sorts, client_for

pytestmark = pytest.mark.django_db


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
    c, url = client_for(amina), reverse("accounts:users")
    assert_sorts(c, url, "username", ["<td>qx-a</td>", "<td>qx-b</td>", "<td>qx-c</td>"])
    # By last sign-in, the oldest first.
    assert_sorts(c, url, "last_login", ["<td>qx-b</td>", "<td>qx-a</td>", "<td>qx-c</td>"])
    assert_default(c, url, "person", ["Jo Abel", "Jo Morin", "Jo Zola"])  # by last name
