"""The manager's report, the household timeline's walls, and the privacy hooks (export,
erasure, retention under a moved clock)."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigie.actions.models import Referral
from vigie.actions.privacy import erase_actions, export_actions
from vigie.actions.services import referral_create, referral_move
from vigie.actions.tests.conftest import raise_needs
from vigie.privacy.retention import purge

pytestmark = pytest.mark.django_db


def text(user, url) -> str:
    c = Client()
    c.force_login(user)
    response = c.get(url)
    assert response.status_code == 200, url
    return html.unescape(response.content.decode())


def test_manager_report_counts_needs_by_kind_and_partner(campaign, claire, marc, pierre, ccas):
    meals, groceries, _housing = raise_needs(
        campaign, claire, ["meal_delivery", "groceries", "housing_problem"]
    )
    r = referral_create(actor=claire, need=meals, partner=ccas)
    r = referral_move(actor=pierre, referral=r, to="accepted", version=r.version)
    referral_move(actor=pierre, referral=r, to="done", version=r.version, note="ok")
    referral_create(actor=claire, need=groceries, partner=ccas)
    page = text(marc, reverse("actions:report") + f"?campaign={campaign.pk}")
    assert 'id="needs-raised">3<' in page and 'id="needs-resolved">1<' in page
    assert "portage de repas" in page and "CCAS de Toulouse" in page
    assert 'id="median">0.0 j<' in page or 'id="median">0,0 j<' in page
    c = Client()
    c.force_login(claire)
    assert c.get(reverse("actions:report")).status_code == 403


def test_timeline_shows_each_viewer_only_what_they_may(campaign, claire, paul, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    referral_create(actor=claire, need=need, partner=ccas)
    url = reverse("housing:household", args=[need.household_id])
    assert "Orientation vers CCAS de Toulouse" in text(claire, url)
    # Agency staff see the household of their agency, never its referrals.
    assert "Orientation vers" not in text(paul, url)


def test_export_erase_and_retention(campaign, claire, pierre, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    r = referral_create(
        actor=claire,
        need=need,
        partner=ccas,
        note="Sonner deux fois",
        extra_notes="x",
        consent=True,
    )
    occupant = need.household.occupants.first()
    data = export_actions(occupant)
    assert data["orientations"][0]["note"] == "Sonner deux fois"
    # Retention: free text of closed referrals goes two years after closing, figures stay.
    r = referral_move(actor=claire, referral=r, to="cancelled", version=r.version, note="doublon")
    assert purge(now=timezone.now() + timedelta(days=400))["action_notes"] == 0
    report = purge(now=timezone.now() + timedelta(days=800))
    assert report["action_notes"] >= 2
    r.refresh_from_db()
    assert r.note == "" and r.extra_notes == "" and r.status == "cancelled"
    assert not r.steps.exclude(note="").exists()
    # Erasure wipes what is left on the household.
    Referral.objects.filter(pk=r.pk).update(note="encore")
    assert erase_actions(need.household) >= 1
    assert Referral.objects.get(pk=r.pk).note == ""
