"""In a real browser: Claire works three calls in the console with the keyboard alone."""

from datetime import date

import pytest
from playwright.sync_api import expect

from vigie.browser import browser_page, sign_in
from vigie.campaigns.models import Attempt, CallerSettings
from vigie.campaigns.selectors import campaign_stats
from vigie.campaigns.services import campaign_build, campaign_from_template, campaign_start
from vigie.conftest import PASSWORD
from vigie.housing.tests.factories import make_household


@pytest.mark.django_db(transaction=True)
def test_caller_works_three_calls_with_the_keyboard_alone(live_server, landlord_a, marc, claire):
    for i in range(4):
        make_household(
            landlord_a,
            [{"last_name": f"AINE{i}", "birth_date": date(1936, 5, 1), "phone": "+33561000000"}],
            reference=f"BAIL-{i}",
        )
    campaign = campaign_from_template(
        actor=marc, organisation=landlord_a, template="lockdown", as_of=date(2020, 3, 17)
    )
    campaign_build(actor=marc, campaign=campaign)
    campaign_start(actor=marc, campaign=campaign)
    # This walk takes each call with J; the next household coming by itself (the default) is
    # walked in test_browser_console_fits.py.
    CallerSettings.objects.create(user=claire, auto_next=False)

    with browser_page() as page:
        csp_errors = []
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        sign_in(page, live_server.url, "claire", PASSWORD)
        # A caller lands on the campaigns, with the running one's console a click away.
        expect(page.get_by_role("link", name="Ouvrir la console d'appels")).to_be_visible()
        page.goto(f"{live_server.url}/campagnes/{campaign.pk}/console/")
        expect(page.locator("#next-call")).to_be_focused()
        for n in range(1, 4):
            page.keyboard.press("j")
            expect(page.locator("#call-form")).to_be_visible()
            expect(page.locator("#call-form")).to_contain_text("05 61 00 00 00")
            # Focus lands on the first script answer: the hand is ready.
            expect(page.locator("#call-form .first-answer")).to_be_focused()
            page.keyboard.press("r")
            expect(page.locator("input[name=call][value=reassuring]")).to_be_checked()
            page.keyboard.press("Enter")
            expect(page.locator("#saved-message")).to_contain_text(
                "Appel enregistré : Joint — rassurant."
            )
            expect(page.locator("#my-count")).to_have_text(str(n))
            expect(page.locator("#next-call")).to_be_focused()
        # A digit ticks a need, and a "oui" to a script question ticks its need too.
        page.keyboard.press("j")
        expect(page.locator("#call-form")).to_be_visible()
        # Wait for the focus to land, as a person would see it, before typing on.
        expect(page.locator("#call-form .first-answer")).to_be_focused()
        page.keyboard.press("2")
        expect(page.locator("input[name=needs][value=meal_delivery]")).to_be_checked()
        page.keyboard.press("Space")  # the focused "oui" of "Avez-vous besoin de courses ?"
        expect(page.locator("input[name=needs][value=groceries]")).to_be_checked()
        # Typing a note does not fire shortcuts; Ctrl+Enter saves from the note.
        page.locator("#notes").focus()
        page.keyboard.type("Rappeler la fille")
        expect(page.locator("#notes")).to_have_value("Rappeler la fille")
        expect(page.locator("input[name=call]:checked")).to_have_count(0)
        page.keyboard.press("Escape")
        page.keyboard.press("s")
        page.locator("#notes").focus()
        page.keyboard.press("Control+Enter")
        expect(page.locator("#saved-message")).to_contain_text("suite à donner")

        assert Attempt.objects.filter(caller=claire).count() == 4
        stats = campaign_stats(campaign)
        assert stats["reached"] == 4 and stats["reassuring"] == 3
        assert stats["needs_follow_up"] == 1 and stats["remaining"] == 0
        follow_up = Attempt.objects.get(outcome="needs_follow_up")
        assert sorted(follow_up.needs) == ["groceries", "meal_delivery"]
        assert follow_up.notes == "Rappeler la fille"

        # The manager's dashboard shows the calls.
        page.goto(f"{live_server.url}/campagnes/{campaign.pk}/tableau-de-bord/")
        expect(page.locator("#by-caller").locator("xpath=..")).to_contain_text("claire")
        expect(page.locator(".kpi").nth(1)).to_contain_text("4")
        expect(page.locator(".kpi").nth(2)).to_contain_text("75 %")
        assert csp_errors == []
