"""Sortable columns of the centre's cases and the landlord's referrals (issue #12 §1,
docs/design.md "Tables"): `?o=` / `?o=-` order the rows, an unknown column falls back to the
default (the latest referred first), the sorted header says so (aria-sort); the filter stays."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from vigie.core.tests.sorting import assert_default, assert_sorts, client_for
from vigie.mediation import services
from vigie.mediation.models import Case

pytestmark = pytest.mark.django_db

REFERRED = ["10/01/2026", "05/03/2026", "20/02/2026"]  # of the three cases, in creation order
OPENED = ["01/04/2026", "15/03/2026", "30/03/2026"]
LATEST_REFERRED_FIRST = ["05/03/2026", "20/02/2026", "10/01/2026"]


def _day(text: str) -> date:
    d, m, y = text.split("/")
    return date(int(y), int(m), int(d))


@pytest.fixture
def cases(marc, amandier, two_households):
    for referred, opened in zip(REFERRED, OPENED, strict=True):
        case = services.referral_create(
            actor=marc,
            centre="amandier",
            type="dispute",
            households=[h.pk for h in two_households],
            trouble="noise",
            intensity=2,
        )
        Case.objects.filter(pk=case.pk).update(referred_on=_day(referred), opened_on=_day(opened))


def test_the_centres_cases_sort_by_referral_date(cases, diane):
    c, url = client_for(diane), reverse("mediation:cases")
    html = assert_sorts(c, url, "referred", LATEST_REFERRED_FIRST[::-1], status="all")
    assert 'name="o" value="-referred"' in html  # the status filter keeps the order
    assert "status=all" in html.split('aria-sort="descending"')[1].split("</th>")[0]
    assert_default(c, url, "-referred", LATEST_REFERRED_FIRST)


def test_the_landlords_referrals_sort_by_opening_date(cases, marc):
    c, url = client_for(marc), reverse("mediation:referrals")
    assert_sorts(c, url, "opened", ["15/03/2026", "30/03/2026", "01/04/2026"])
    assert_default(c, url, "-referred", LATEST_REFERRED_FIRST)
