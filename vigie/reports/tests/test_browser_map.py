"""In a real browser: the map draws offline (no request leaves Vigie) and prints in black and
white (print media: only greys and grey patterns, the menu hidden)."""

from __future__ import annotations

import re

import pytest

from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD
from vigie.housing.tests.factories import make_household
from vigie.reports.tests.world import OLD


@pytest.mark.django_db(transaction=True)
def test_map_renders_offline_and_prints_in_greys(live_server, marc, landlord_a):
    for _ in range(3):
        make_household(landlord_a, [OLD])
    requests: list[str] = []
    with browser_page() as page:
        page.on("request", lambda r: requests.append(r.url))
        sign_in(page, live_server.url, "marc", PASSWORD)
        page.goto(f"{live_server.url}/rapports/carte/?figure=households_over_75")
        page.wait_for_load_state("networkidle")
        shape = page.locator('svg.choropleth path[data-insee="31555"]')
        assert shape.count() == 1 and shape.is_visible()
        assert page.locator("table.map-table").get_by_text("Toulouse").count() == 1
        outside = [
            u for u in requests if not u.startswith(live_server.url) and not u.startswith("data:")
        ]
        assert outside == [], outside

        page.emulate_media(media="print")
        assert not page.locator("header.top").is_visible()
        assert shape.is_visible()
        colours = page.evaluate(
            """() => [...document.querySelectorAll('svg.choropleth *')].flatMap(e => {
                const s = getComputedStyle(e);
                return [s.fill, s.stroke];
            })"""
        )
        for colour in set(colours):
            m = re.fullmatch(r"rgb\((\d+), (\d+), (\d+)\)", colour)
            if m:
                assert m[1] == m[2] == m[3], colour  # a grey
            else:
                assert colour == "none" or colour.startswith("url("), colour
        pdf = page.pdf()
        assert pdf.startswith(b"%PDF")
