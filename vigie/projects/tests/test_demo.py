"""The demo's projects: a crèche with three co-funders, a common room with two, one report due
next month, a funder's login; seeding twice changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone

from vigie.accounts.models import User
from vigie.conftest import PASSWORD
from vigie.projects import demo, selectors
from vigie.projects.models import Project, ReportingDeadline

pytestmark = pytest.mark.django_db


def test_demo_projects(landlord_a, marc, residence):
    accounts = demo.seed(landlord=landlord_a, stdout=io.StringIO(), password=PASSWORD)
    demo.seed(landlord=landlord_a, stdout=io.StringIO(), password=PASSWORD)
    creche, room = Project.objects.order_by("pk")
    assert creche.funders.count() == 3 and room.funders.count() == 2
    assert creche.priority_neighbourhood and creche.kind == "childcare"
    assert room.kind == "intergenerational"
    today = timezone.localdate()
    assert (
        ReportingDeadline.objects.filter(
            due_on__gt=today, due_on__lte=today + timedelta(days=31)
        ).count()
        == 1
    )
    assert selectors.financial_report(creche, year=today.year)["balance"].balanced
    funder = User.objects.get(username="caf")
    assert [a[0] for a in accounts] == ["caf"]
    assert list(selectors.funded_projects(funder)) == [creche]
