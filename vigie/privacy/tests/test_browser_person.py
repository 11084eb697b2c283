"""In a real browser at 1024 px wide: the DPO's person page scrolls only vertically (its
refusal textarea pushed the page sideways)."""

import pytest

from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD
from vigie.housing.tests.factories import make_household


@pytest.mark.django_db(transaction=True)
def test_the_person_page_has_no_horizontal_scroll_at_1024(live_server, dora, landlord_a):
    h = make_household(
        landlord_a, [{"last_name": "DURAND", "first_name": "Odette"}], reference="BAIL-DURAND"
    )
    occupant = h.occupants.get()
    with browser_page() as page:
        page.set_viewport_size({"width": 1024, "height": 768})
        sign_in(page, live_server.url, "dora", PASSWORD)
        page.goto(f"{live_server.url}/confidentialite/personnes/{occupant.pk}/")
        assert page.get_by_label("Motif légal").is_visible()
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        assert widths[0] <= widths[1], widths
        # Each textarea fits inside its card (it was 358 px wide in a 320 px card and spilled
        # out of it; in a one-column layout that pushes the page sideways).
        spills = page.evaluate(
            """() => [...document.querySelectorAll('main textarea')].filter(t => t.offsetParent).filter(t => {
                 const card = t.closest('.card').getBoundingClientRect();
                 const box = t.getBoundingClientRect();
                 return box.right > card.right || box.left < card.left;
               }).map(t => t.id)"""
        )
        assert spills == []
