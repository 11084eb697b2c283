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


@pytest.mark.django_db(transaction=True)
def test_the_header_box_suggests_households_from_any_page(live_server, claire, landlord_a):
    from vigie.housing.models import Commune

    albi = Commune.objects.get(pk="81004")
    make_household(
        landlord_a,
        [{"last_name": "LEFÈVRE", "first_name": "Éléonore"}],
        reference="BAIL-ALBI",
        dwelling__address="1 rue du Moulin",
        dwelling__commune=albi,
        dwelling__postcode="81000",
    )
    make_household(
        landlord_a,
        [{"last_name": "MARTIN"}],
        reference="BAIL-11",
        dwelling__address="11 rue du Moulin",
    )
    with browser_page() as page:
        sign_in(page, live_server.url, "claire", PASSWORD)
        page.goto(live_server.url + "/actions/signalements/")
        page.locator("#header-q").fill("1 rue du moulin albi")
        suggestions = page.locator("#header-search-results")
        expect(suggestions).to_contain_text("LEFÈVRE Éléonore")
        expect(suggestions).to_contain_text("1 rue du Moulin, 81000 Albi")
        assert "BAIL-11" not in suggestions.inner_text()
        # Readable: the names were once white on the panel's white (the header's link colour).
        link = suggestions.get_by_role("link", name="LEFÈVRE")
        colours = link.evaluate(
            """a => [getComputedStyle(a).color,
                     getComputedStyle(a.closest('.header-search-panel')).backgroundColor]"""
        )
        assert _contrast(*colours) >= 4.5, colours
        link.click()
        page.wait_for_load_state("networkidle")
        assert "Ménage BAIL-ALBI" in page.locator("main").inner_text()


def _contrast(css_a: str, css_b: str) -> float:
    """WCAG contrast ratio of two computed `rgb(r, g, b)` colours (the design kit's formula)."""
    import re

    from vigie.core.tests.test_design_kit import contrast

    def hex_of(css: str) -> str:
        return "#" + "".join(f"{int(v):02x}" for v in re.findall(r"\d+", css)[:3])

    return contrast(hex_of(css_a), hex_of(css_b))
