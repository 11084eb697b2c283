"""Sortable columns of the tasks and the partner directory (issue #12 §1, docs/design.md
"Tables"): `?o=<column>` / `?o=-<column>` order the rows, an unknown column falls back to the
default, the sorted header says so (aria-sort), filters stay, and the export sorts as the page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from vigie.actions.models import Ticket
from vigie.actions.services import partner_create, referral_create, task_create, ticket_report
from vigie.actions.tests.conftest import raise_needs
from vigie.core.tests.sorting import (
    assert_default,
    assert_sorts,
    client_for,
    html_of,
)
from vigie.housing.tests.factories import ResidenceFactory

pytestmark = pytest.mark.django_db


def _csv_column(client, url, column: int, **params) -> list[str]:
    r = client.get(url, params)
    assert r.status_code == 200
    return [line.split(";")[column] for line in r.content.decode("utf-8-sig").splitlines()[1:]]


def test_tasks_sort_by_title_and_due_date(landlord_a, marc):
    today = timezone.localdate()
    for days, title in ((3, "Banane QX"), (1, "Cerise QX"), (2, "Abricot QX")):
        task_create(
            actor=marc,
            organisation_id=landlord_a.pk,
            title=title,
            due_on=today + timedelta(days=days),
            owner=marc,
        )
    c, url = client_for(marc), reverse("actions:my_tasks")
    assert_sorts(c, url, "title", ["Abricot QX", "Banane QX", "Cerise QX"])
    assert_default(c, url, "due", ["Cerise QX", "Abricot QX", "Banane QX"])  # soonest first
    # With the "every open task" filter, which the sort links keep.
    html = assert_sorts(c, url, "due", ["Cerise QX", "Abricot QX", "Banane QX"], tout="1")
    assert "tout=1" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    # The export follows the page's order.
    titles = _csv_column(c, reverse("actions:tasks_csv"), 1, o="-title")
    assert titles == ["Cerise QX", "Banane QX", "Abricot QX"]


def test_partners_sort_by_name_and_keep_the_service_filter(landlord_a, marc):
    for name, kind, services in (
        ("Bleuet QX", "association", ["groceries"]),
        ("Coquelicot QX", "association", ["groceries"]),
        ("Aubépine QX", "ccas", ["groceries"]),
        ("Arnica QX", "association", ["medication"]),
    ):
        partner_create(actor=marc, organisation=landlord_a, name=name, kind=kind, services=services)
    c, url = client_for(marc), reverse("actions:partners")
    html = assert_sorts(
        c, url, "name", ["Aubépine QX", "Bleuet QX", "Coquelicot QX"], service="groceries"
    )
    assert "Arnica QX" not in html  # the filter stays
    assert 'name="o" value="-name"' in html  # the filter form keeps the order
    # By type: the associations, then the CCAS (by name within a type).
    assert_sorts(c, url, "kind", ["Arnica QX", "Bleuet QX", "Coquelicot QX", "Aubépine QX"])
    assert_default(c, url, "name", ["Arnica QX", "Aubépine QX", "Bleuet QX", "Coquelicot QX"])
    names = _csv_column(c, reverse("actions:partners_csv"), 0, o="-name", service="groceries")
    assert names == ["Coquelicot QX", "Bleuet QX", "Aubépine QX"]
    assert html_of(c, url, o="-name", service="groceries").count("QX</a>") == 3


def test_the_referrals_and_tickets_exports_follow_the_pages_order(
    campaign, claire, marc, ccas, asso, residence_nord, landlord_a
):
    groceries, isolation = raise_needs(campaign, claire, ["groceries", "isolation"])
    referral_create(actor=marc, need=groceries, partner=ccas)
    referral_create(actor=marc, need=isolation, partner=asso)
    c = client_for(marc)
    partners = _csv_column(c, reverse("actions:referrals_csv"), 3, o="partner")
    assert len(set(partners)) == 2 and partners == sorted(partners)
    assert _csv_column(c, reverse("actions:referrals_csv"), 3, o="-partner") == partners[::-1]
    other = ResidenceFactory(organisation=landlord_a, agency=residence_nord.agency, name="QX Tabar")
    for residence, days in ((residence_nord, 5), (other, 2)):
        t = ticket_report(actor=marc, residence=residence, category="lighting")
        Ticket.objects.filter(pk=t.pk).update(due_on=timezone.localdate() + timedelta(days=days))
    url = reverse("actions:tickets_csv")
    assert _csv_column(c, url, 0, o="-due", status="all") == [residence_nord.name, "QX Tabar"]
    assert _csv_column(c, url, 0, status="all") == ["QX Tabar", residence_nord.name]  # default
