"""The DPO's access log speaks French (issue #9 §8): the person by name, the object as the
landlord's staff name it, the detail in words — never `actions.referral 2` or a permission
code — and a household's filter includes what partners read of its referrals."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from vigie.actions.services import referral_create
from vigie.core.models import AccessAction
from vigie.core.permissions import Perm
from vigie.core.services import access_record

from .conftest import raise_needs

pytestmark = pytest.mark.django_db


def page_of(user, url: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_entries_read_as_words(campaign, claire, marc, pierre, ccas, dora):
    [need] = raise_needs(campaign, claire, ["groceries"])
    referral = referral_create(actor=claire, need=need, partner=ccas)
    pierre.first_name, pierre.last_name = "Pierre", "Martin"
    pierre.save()
    # The partner reads the referral (a page view is logged the same way).
    client = Client()
    client.force_login(pierre)
    assert client.get(f"/actions/orientations/{referral.pk}/").status_code == 200
    access_record(
        user=marc, action=AccessAction.DENIED, detail=Perm.HOUSEHOLD_VIEW_SENSITIVE, path="/x/"
    )
    access_record(
        user=marc,
        action=AccessAction.SEARCH,
        object_type="housing.household",
        detail="q=dupont cohort=over_75",
        path="/registre/",
    )
    page = page_of(dora, "/confidentialite/journal-des-acces/")
    assert "Pierre Martin (pierre)" in page
    assert f"orientation n° {referral.pk} (ménage BAIL-DUPONT)" in page
    assert "recherche « dupont », cohorte « 75 ans et plus »" in page  # labels, not codes
    assert "données de santé" in page  # the refused permission's sentence
    assert not re.search(
        r"\b(actions\.referral|housing\.household|household\.view_sensitive)\b", page
    )


def test_a_households_filter_shows_the_partners_reads_of_its_referrals(
    campaign, claire, pierre, ccas, dora
):
    [need] = raise_needs(campaign, claire, ["groceries"])
    referral = referral_create(actor=claire, need=need, partner=ccas)
    client = Client()
    client.force_login(pierre)
    client.get(f"/actions/orientations/{referral.pk}/")
    page = page_of(dora, "/confidentialite/journal-des-acces/?menage=BAIL-DUPONT")
    assert f"orientation n° {referral.pk}" in page and "pierre" in page
