"""In a real browser: a need raised in Claire's console reaches Pierre at the CCAS, who accepts it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from vigie.actions.models import Referral
from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_need_from_the_console_to_the_partners_acceptance(
    live_server, campaign, claire, pierre, ccas
):
    with browser_page() as page:
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        # Claire takes the call and ticks "portage de repas".
        sign_in(page, live_server.url, "claire", PASSWORD)
        page.goto(f"{live_server.url}/campagnes/{campaign.pk}/console/")
        page.locator("#next-call").click()
        expect(page.locator("#call-form")).to_be_visible()
        page.locator("input[name=call][value=follow_up]").check()
        page.locator("input[name=needs][value=meal_delivery]").check()
        page.locator("#save-call").click()
        expect(page.locator("#saved-message")).to_contain_text("suite à donner")

        # One click from the console to the household's needs; the CCAS is suggested.
        page.locator("#follow-up-needs").click()
        expect(page.get_by_role("heading", name="portage de repas")).to_be_visible()
        form = page.locator("form.referral-form")
        expect(form.locator("select[name$=partner]")).to_contain_text("CCAS de Toulouse — suggéré")
        form.get_by_role("textbox", name="Note pour le partenaire").fill("Sonner deux fois")
        form.get_by_role("button", name="Orienter").click()
        expect(page.locator("#referral-status")).to_have_text("envoyée")
        page.get_by_role("button", name="Se déconnecter").click()

        # Pierre signs in, finds it in his inbox and accepts it.
        sign_in(page, live_server.url, "pierre", PASSWORD)
        page.goto(f"{live_server.url}/actions/orientations/")
        page.get_by_role("link", name="portage de repas").click()
        expect(page.get_by_text("Sonner deux fois")).to_be_visible()
        page.get_by_role("button", name="Accepter").click()
        expect(page.locator("#referral-status")).to_have_text("acceptée")
        assert csp_errors == []

    referral = Referral.objects.get()
    assert referral.status == "accepted" and referral.steps.count() == 3
