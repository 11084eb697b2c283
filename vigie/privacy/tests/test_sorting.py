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
from vigie.core.tests.sorting import assert_default, assert_sorts, client_for, html_of
from vigie.privacy.models import SubjectRequest

pytestmark = pytest.mark.django_db


def test_access_log_sorts_by_date_and_person(landlord_a, dora):
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
    c, url = client_for(dora), reverse("privacy:access_log")
    html = assert_sorts(c, url, "who", ["(alain-qx)", "(marie-qx)", "(zoe-qx)"], action="view")
    assert 'name="o" value="-who"' in html  # the filter form keeps the order
    assert_sorts(c, url, "at", ["(marie-qx)", "(zoe-qx)", "(alain-qx)"], action="view")
    # The default: newest first.
    assert_default(c, url, "-at", ["(alain-qx)", "(zoe-qx)", "(marie-qx)"], action="view")


def test_requests_sort_by_household_received_date_and_deadline(landlord_a, dora):
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
    c, url = client_for(dora), reverse("privacy:requests")
    html = assert_sorts(c, url, "menage", ["BAIL-QXA", "BAIL-QXB", "BAIL-QXC"], etat="all")
    assert "etat=all" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    assert 'href="?etat=done&amp;o=-menage"' in html  # the state links keep the order
    assert_sorts(c, url, "recue", ["BAIL-QXB", "BAIL-QXA", "BAIL-QXC"])
    # The default (the DPO's key column): the deadline, soonest first.
    assert_default(c, url, "echeance", ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    assert_sorts(c, url, "echeance", ["BAIL-QXC", "BAIL-QXB", "BAIL-QXA"])
    assert html_of(c, url).count("BAIL-QX") == 3
