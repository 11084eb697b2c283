"""In a real browser at 1366×900 and 1024×768 (issue #12 §2): the call card shows the household
by name, the number to dial on one line, the script, the result buttons and "Enregistrer"
without scrolling; a reassuring call takes two keys (the next household comes by itself);
N writes a note; single-key shortcuts can be switched off."""

from datetime import date

from playwright.sync_api import expect

from vigie.browser import browser_page, sign_in
from vigie.campaigns.models import Attempt, CallerSettings
from vigie.campaigns.services import campaign_build, campaign_from_template, campaign_start
from vigie.conftest import PASSWORD
from vigie.housing.tests.factories import make_household

SIZES = [(1366, 900), (1024, 768)]
MUST_SHOW = ["#hh-title", "#dial", "#script-title", "#call-form .outcome-btn", "#save-call"]


def _in_viewport(page, selector: str, width: int, height: int) -> None:
    boxes = page.locator(selector)
    assert boxes.count() > 0, selector
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        assert box is not None, selector
        assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
        assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, (
            selector,
            i,
            box,
            (width, height),
        )


def _check_fits(page, width: int, height: int) -> None:
    assert page.evaluate("window.scrollY") == 0
    # No horizontal scroll either.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for selector in MUST_SHOW:
        _in_viewport(page, selector, width, height)
    # The number to dial sits on one line.
    dial = page.locator("#dial")
    line = float(
        page.evaluate(
            "parseFloat(getComputedStyle(document.getElementById('dial')).lineHeight) || 0"
        )
        or 0
    )
    assert dial.bounding_box()["height"] < 1.6 * (line or 30)


def test_console_fits_both_screens_and_a_reassuring_call_takes_two_keys(
    restore_reference_data, transactional_db, live_server, landlord_a, marc, claire
):
    for i in range(6):
        make_household(
            landlord_a,
            [
                {
                    "last_name": f"MARTINEZ-DELACROIX{i}",
                    "first_name": "Marie-Christine",
                    "birth_date": date(1936, 5, 1),
                    "phone": "+33561000000",
                },
                {
                    "last_name": f"MARTINEZ-DELACROIX{i}",
                    "first_name": "Jean-Baptiste",
                    "birth_date": date(1934, 5, 1),
                    "phone": "+33612345678",
                },
            ],
            reference=f"BAIL-{i}",
        )
    campaign = campaign_from_template(
        actor=marc, organisation=landlord_a, template="lockdown", as_of=date(2020, 3, 17)
    )
    campaign_build(actor=marc, campaign=campaign)
    campaign_start(actor=marc, campaign=campaign)
    console = f"{live_server.url}/campagnes/{campaign.pk}/console/"

    with browser_page() as page:
        sign_in(page, live_server.url, "claire", PASSWORD)
        width, height = SIZES[0]
        page.set_viewport_size({"width": width, "height": height})
        page.goto(console)
        page.keyboard.press("j")
        expect(page.locator("#call-form")).to_be_visible()
        expect(page.locator("#hh-title")).to_contain_text("MARTINEZ-DELACROIX0 Marie-Christine")
        _check_fits(page, width, height)

        # A reassuring call: R, Enter — and the next household is already there.
        for n in (1, 2):
            first = page.locator("#call-form").get_attribute("data-target")
            expect(page.locator("#call-form .first-answer")).to_be_focused()
            keys = ["r", "Enter"]
            for key in keys:
                page.keyboard.press(key)
            assert len(keys) <= 3
            expect(page.locator("#saved-message")).to_contain_text("Joint — rassurant")
            expect(page.locator("#call-form")).not_to_have_attribute("data-target", first)
            expect(page.locator("#my-count")).to_have_text(str(n))
        assert Attempt.objects.filter(caller=claire, outcome="reassuring").count() == 2
        # Even with the "saved" line above it, the card still fits.
        _check_fits(page, width, height)

        # N goes to the notes; typing there fires no shortcut.
        page.keyboard.press("n")
        expect(page.locator("#notes")).to_be_focused()
        page.keyboard.type("rappeler")
        expect(page.locator("#notes")).to_have_value("rappeler")
        expect(page.locator("input[name=call]:checked")).to_have_count(0)
        page.keyboard.press("Escape")

        # The smaller screen: the held call comes back on reload and still fits.
        width, height = SIZES[1]
        page.set_viewport_size({"width": width, "height": height})
        page.goto(console)
        expect(page.locator("#call-form")).to_be_visible()
        _check_fits(page, width, height)

        # Single-key shortcuts switched off (WCAG 2.1.4): R does nothing, Enter still saves.
        page.locator("#console-settings summary").click()
        page.locator("#pref-shortcuts").uncheck()
        page.locator("#save-settings").click()
        expect(page.locator("#console")).to_have_attribute("data-shortcuts", "off")
        assert CallerSettings.objects.get(user=claire).shortcuts is False
        page.locator("#call-form .first-answer").focus()
        page.keyboard.press("r")
        expect(page.locator("input[name=call]:checked")).to_have_count(0)
        page.keyboard.press("n")
        expect(page.locator("#notes")).not_to_be_focused()
        expect(page.locator("#call-form kbd.single").first).to_be_hidden()
        page.locator("input[name=call][value=reassuring]").check()
        page.keyboard.press("Enter")
        expect(page.locator("#saved-message")).to_contain_text("Joint — rassurant")
