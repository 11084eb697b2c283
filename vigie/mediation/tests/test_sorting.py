"""Sortable columns of the centre's cases and the landlord's referrals (issue #12 §1,
docs/design.md "Tables"): `?o=` / `?o=-` order the rows, an unknown column falls back to the
default (the latest referred first), the sorted header says so (aria-sort); the filter stays."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from vigie.core.tests.sorting import assert_in_order, sorted_on
from vigie.mediation import services
from vigie.mediation.models import Case

pytestmark = pytest.mark.django_db

REFERRED = ["10/01/2026", "05/03/2026", "20/02/2026"]  # of the three cases, in creation order
OPENED = ["01/04/2026", "15/03/2026", "30/03/2026"]


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _get(client, url, **params) -> str:
    r = client.get(url, params)
    assert r.status_code == 200
    return r.content.decode()


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
    html = _get(c, url, o="referred", status="all")
    assert_in_order(html, ["10/01/2026", "20/02/2026", "05/03/2026"])
    assert sorted_on(html) == ("referred", "ascending")
    assert 'name="o" value="referred"' in html  # the status filter keeps the order
    assert "status=all" in html.split('aria-sort="ascending"')[1].split("</th>")[0]
    for o in ("password", "-referred"):  # the default: the latest referred first
        html = _get(c, url, o=o)
        assert_in_order(html, ["05/03/2026", "20/02/2026", "10/01/2026"])
        assert sorted_on(html) == ("referred", "descending")


def test_the_landlords_referrals_sort_by_opening_date(cases, marc):
    c, url = client_for(marc), reverse("mediation:referrals")
    html = _get(c, url, o="opened")
    assert_in_order(html, ["15/03/2026", "30/03/2026", "01/04/2026"])
    assert sorted_on(html) == ("opened", "ascending")
    html = _get(c, url, o="-opened")
    assert_in_order(html, ["01/04/2026", "30/03/2026", "15/03/2026"])
    assert sorted_on(html) == ("opened", "descending")
    html = _get(c, url, o="password")
    assert_in_order(html, ["05/03/2026", "20/02/2026", "10/01/2026"])
    assert sorted_on(html) == ("referred", "descending")
