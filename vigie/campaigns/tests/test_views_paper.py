"""The paper entry keeps the rows it refused as typed and says which rows it saved (issue #10 §8).

Personas: Marc (manager at Landlord A), Claire (caller at A).
"""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client
from django.urls import reverse

from vigie.campaigns.models import Attempt, Target
from vigie.campaigns.tests.factories import OLD, running_campaign
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def test_refused_rows_keep_their_values_and_saved_rows_are_named(landlord_a, marc, claire):
    for i in range(2):
        make_household(landlord_a, [dict(OLD, last_name=f"AINE{i}")], reference=f"BAIL-{i:04d}")
    campaign = running_campaign(landlord_a, marc)
    c = Client()
    c.force_login(claire)
    c.post(reverse("campaigns:sheet_reserve", args=[campaign.pk]), {"n": "2"})
    a, b = Target.objects.filter(preferred_caller=claire).order_by("id")
    r = c.post(
        reverse("campaigns:paper", args=[campaign.pk]),
        {
            f"t{a.pk}-call": "reassuring",
            # A callback without its date and time is refused: the row must keep what was typed.
            f"t{b.pk}-call": "callback",
            f"t{b.pk}-needs": ["groceries", "isolation"],
            f"t{b.pk}-notes": "Rappeler après 18 h, sa fille sera là",
        },
    )
    page = text(r)
    assert (
        f"1 appel enregistré depuis la feuille. Ménage enregistré : {a.household.reference}."
        in page
    )
    assert "Indiquez la date et l'heure du rappel." in page
    assert list(Attempt.objects.values_list("target_id", flat=True)) == [a.pk]
    # The saved row left the table; the refused one is shown as typed.
    assert f"t{a.pk}-call" not in page
    assert re.search(r'<option value="callback" selected', page)
    assert re.search(r'<option value="groceries" selected', page)
    assert re.search(r'<option value="isolation" selected', page)
    assert "Rappeler après 18 h, sa fille sera là</textarea>" in page
