"""In a real browser: Claire signs in and finds Mme Durand by typing her name."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD
from vigie.housing.tests.factories import make_household


@pytest.mark.django_db(transaction=True)
def test_caller_signs_in_and_finds_a_household(live_server, claire, landlord_a):
    make_household(
        landlord_a,
        [
            {
                "last_name": "DURAND",
                "first_name": "Odette",
                "birth_date": date(1938, 4, 2),
                "phone": "+33561234567",
            }
        ],
        reference="BAIL-DURAND",
    )
    make_household(
        landlord_a, [{"last_name": "MARTIN", "first_name": "Julie"}], reference="BAIL-MARTIN"
    )
    with browser_page() as page:
        sign_in(page, live_server.url, "claire", PASSWORD)
        assert "Registre des ménages" in page.content()
        page.get_by_label("Rechercher (nom, référence, téléphone, adresse)").fill("durand")
        expect(page.locator("#results")).not_to_contain_text("BAIL-MARTIN")
        results = page.locator("#results").inner_text()
        assert "BAIL-DURAND" in results
        page.get_by_role("link", name="BAIL-DURAND").click()
        page.wait_for_load_state("networkidle")
        body = page.locator("main").inner_text()
        assert "Ménage BAIL-DURAND" in body
        assert "05 61 23 45 67" in body
        assert "02/04/1938" in body


@pytest.mark.django_db(transaction=True)
def test_wrong_password_is_refused_with_a_sentence(live_server, claire):
    with browser_page() as page:
        sign_in(page, live_server.url, "claire", "pas-le-bon")
        assert "Identifiant ou mot de passe incorrect" in page.content()
