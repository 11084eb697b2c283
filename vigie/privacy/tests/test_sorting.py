"""Sortable columns of the DPO's lists (issue #12 §1, docs/design.md "Tables"): the access log
by date and person, the data-subject requests by received date, household and deadline (the
deadline, soonest first, by default). `?o=` / `?o=-`, an unknown column falls back to the
default, the sorted header says so (aria-sort); the filters stay."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from vigie.conftest import make_user
from vigie.core.models import AccessLog
from vigie.core.permissions import Role
from vigie.core.tests.sorting import assert_in_order, sorted_on
from vigie.privacy.models import SubjectRequest

pytestmark = pytest.mark.django_db


def _get(client, url, **params) -> str:
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


def test_access_log_sorts_by_date_and_person(client, landlord_a, dora):
    now = timezone.now()
    for hours, first, username in (
        (3, "Marie", "marie-qx"),
        (1, "Alain", "alain-qx"),
        (2, "Zoé", "zoe-qx"),
    ):
        u = make_user(username, landlord_a, Role.CALLER)
        get_user_model().objects.filter(pk=u.pk).update(first_name=first, last_name="QXUN")
        e = AccessLog.objects.create(
            user=u, organisation=landlord_a, action="view", object_type="housing.household"
        )
        AccessLog.objects.filter(pk=e.pk).update(at=now - timedelta(days=1, hours=hours))
    client.force_login(dora)
    url = reverse("privacy:access_log")
    html = _get(client, url, o="who", action="view")
    assert_in_order(html, ["(alain-qx)", "(marie-qx)", "(zoe-qx)"])
    assert sorted_on(html) == ("who", "ascending")
    assert 'name="o" value="who"' in html  # the filter form keeps the order
    html = _get(client, url, o="-who", action="view")
    assert_in_order(html, ["(zoe-qx)", "(marie-qx)", "(alain-qx)"])
    assert sorted_on(html) == ("who", "descending")
    html = _get(client, url, o="at", action="view")  # oldest first
    assert_in_order(html, ["(marie-qx)", "(zoe-qx)", "(alain-qx)"])
    assert sorted_on(html) == ("at", "ascending")
    html = _get(client, url, o="password", action="view")  # the default: newest first
    assert_in_order(html, ["(alain-qx)", "(zoe-qx)", "(marie-qx)"])
    assert sorted_on(html) == ("at", "descending")


def test_requests_sort_by_household_received_date_and_deadline(client, landlord_a, dora):
    today = timezone.localdate()
    for ref, received, due in (
        ("BAIL-QXB", 20, 10),  # received 20 days ago, due in 10 days
        ("BAIL-QXC", 5, 3),
        ("BAIL-QXA", 10, 25),
    ):
        SubjectRequest.objects.create(
            organisation=landlord_a,
            household_reference=ref,
            kind="access",
            received_on=today - timedelta(days=received),
            due_on=today + timedelta(days=due),
        )
    client.force_login(dora)
    url = reverse("privacy:requests")
    html = _get(client, url, o="menage")
    assert_in_order(html, ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"])
    assert sorted_on(html) == ("menage", "ascending")
    html = _get(client, url, o="-menage", etat="all")
    assert_in_order(html, ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    assert sorted_on(html) == ("menage", "descending")
    assert "etat=all" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    assert 'href="?etat=done&amp;o=-menage"' in html  # the state links keep the order
    html = _get(client, url, o="-recue")  # the latest received first
    assert_in_order(html, ["BAIL-QXC", "BAIL-QXA", "BAIL-QXB"])
    for o in ("password", "echeance"):  # the default: the deadline, soonest first
        html = _get(client, url, o=o)
        assert_in_order(html, ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
        assert sorted_on(html) == ("echeance", "ascending")
    html = _get(client, url, o="-echeance")
    assert_in_order(html, ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"])
    assert sorted_on(html) == ("echeance", "descending")
