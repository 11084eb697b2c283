"""A refused form on a household's needs page keeps what was typed and names the field at fault
(issue #10, finding 8).

Personas: Claire (caller at A), the CCAS de Toulouse in Landlord A's directory.
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from vigie.actions.models import Referral, Task
from vigie.actions.tests.conftest import raise_needs

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_too_long_note_names_the_note_and_keeps_the_note_and_the_ticked_boxes(
    campaign, claire, ccas
):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    p = f"r{need.pk}"
    long_note = "Sonner deux fois, " + "x" * 382  # 400 characters
    r = client_for(claire).post(
        reverse("actions:need_refer", args=[need.pk]),
        {
            f"{p}-partner": ccas.pk,
            f"{p}-note": long_note,
            f"{p}-share_cohorts": "on",
            f"{p}-extra_notes": "Porte du fond",
            f"{p}-consent": "on",
        },
    )
    assert r.status_code == 400
    page = text(r)
    assert "Choisissez un partenaire dans la liste." not in page
    assert "La note pour le partenaire tient en 300 caractères au plus (elle en compte 400)" in page
    # What was typed and ticked is still there.
    assert long_note in page and "Porte du fond" in page
    assert re.search(rf'name="{p}-share_cohorts"[^>]*checked', page)
    assert re.search(rf'name="{p}-consent"[^>]*checked', page)
    assert re.search(rf'<option value="{ccas.pk}" selected', page)
    assert not Referral.objects.exists()


def test_a_refused_referral_keeps_the_form_with_the_services_sentence(campaign, claire, ccas):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    p = f"r{need.pk}"
    # Sharing the disability without the household's consent is refused by the service.
    r = client_for(claire).post(
        reverse("actions:need_refer", args=[need.pk]),
        {f"{p}-partner": ccas.pk, f"{p}-note": "Sonner deux fois", f"{p}-share_disability": "on"},
    )
    assert r.status_code == 400
    page = text(r)
    assert "ne sont transmises qu'avec le consentement du ménage" in page
    assert "videz le champ « Informations complémentaires »" in page
    assert "Sonner deux fois" in page
    assert re.search(rf'name="{p}-share_disability"[^>]*checked', page)
    assert not Referral.objects.exists()


def test_a_task_without_a_date_keeps_its_title(campaign, claire):
    (need,) = raise_needs(campaign, claire, ["meal_delivery"])
    p = f"k{need.pk}"
    r = client_for(claire).post(
        reverse("actions:need_task", args=[need.pk]),
        {f"{p}-title": "Rappeler la fille", f"{p}-due_on": "31/02/2026"},
    )
    assert r.status_code == 400
    page = text(r)
    assert 'value="Rappeler la fille"' in page and 'value="31/02/2026"' in page
    assert not Task.objects.exists()
