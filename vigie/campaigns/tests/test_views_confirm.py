"""Irreversible campaign actions ask first (issue #10, finding 7): closing a campaign, deleting a
wave. The server refuses them without the confirmation field; a closed campaign offers no build.

Personas: Marc (manager at Landlord A).
"""

from __future__ import annotations

import html

import pytest
from django.test import Client
from django.urls import reverse

from vigie.campaigns.choices import CampaignStatus
from vigie.campaigns.models import Campaign, Wave
from vigie.campaigns.services import campaign_close
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def campaign(landlord_a, marc):
    make_household(landlord_a, [OLD], reference="BAIL-0001")
    return running_campaign(landlord_a, marc)


def test_closing_without_the_confirmation_changes_nothing_and_says_what_will_happen(campaign, marc):
    c = client_for(marc)
    url = reverse("campaigns:action", args=[campaign.pk, "close"])
    r = c.post(url)
    assert r.status_code == 200
    page = text(r)
    assert "Clôturer la campagne « Confinement » ?" in page
    assert "plus aucun appel ne sera distribué" in page
    assert 'name="confirmed" value="1"' in page
    assert "Revenir sans rien changer" in page
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.RUNNING
    # Confirmed: closed.
    r = c.post(url, {"confirmed": "1"}, follow=True)
    assert "Campagne clôturée." in text(r)
    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.CLOSED


def test_the_close_button_stands_apart_and_opens_a_dialog(campaign, marc):
    page = text(client_for(marc).get(reverse("campaigns:detail", args=[campaign.pk])))
    zone = page[page.index('class="danger-zone"') :]
    assert 'class="btn danger"' in zone and "Clôturer la campagne…" in zone
    assert '<dialog id="confirm-close-' in zone
    # The everyday steps come before, outside the danger zone.
    assert page.index("Mettre en pause") < page.index('class="danger-zone"')


def test_deleting_a_wave_needs_the_confirmation(landlord_a, marc):
    make_household(landlord_a, [OLD], reference="BAIL-0001")
    campaign = running_campaign(landlord_a, marc)
    wave = campaign.waves.order_by("-priority").first()
    c = client_for(marc)
    url = reverse("campaigns:wave_remove", args=[campaign.pk, wave.pk])
    r = c.post(url)
    assert r.status_code == 200
    assert f"Supprimer la vague « {wave.name} » ?" in text(r)
    assert Wave.objects.filter(pk=wave.pk).exists()
    c.post(url, {"confirmed": "1"})
    assert not Wave.objects.filter(pk=wave.pk).exists()


def test_a_closed_campaign_offers_no_build_and_the_build_is_refused(campaign, marc):
    campaign_close(actor=marc, campaign=campaign)
    c = client_for(marc)
    page = text(c.get(reverse("campaigns:detail", args=[campaign.pk])))
    assert "Construire la liste" not in page and "Reconstruire la liste" not in page
    assert "Clôturer la campagne…" not in page
    r = c.post(reverse("campaigns:action", args=[campaign.pk, "build"]), follow=True)
    assert "La campagne « Confinement » est clôturée : elle ne change plus." in text(r)
