"""In a real browser: cancelling a ticket opens a dialog saying what will happen, only once the
reason is typed, and nothing changes until it is confirmed (issue #10, finding 7)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from vigie.actions.choices import TicketStatus
from vigie.actions.models import Ticket
from vigie.actions.services import ticket_report
from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_ticket_asks_in_a_dialog(live_server, marc, paul, residence_nord):
    t = ticket_report(actor=marc, residence=residence_nord, category="cleaning")
    with browser_page() as page:
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        sign_in(page, live_server.url, "paul", PASSWORD)
        page.goto(f"{live_server.url}/actions/signalements/{t.pk}/")
        dialog = page.locator(f"#confirm-ticket-cancel-{t.pk}")
        opener = page.get_by_role("button", name="Annuler le signalement…")
        # No reason typed: the browser asks for it, no dialog.
        opener.click()
        expect(dialog).to_be_hidden()
        page.get_by_label("Motif de l'annulation").fill("Doublon")
        opener.click()
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("fermé sans être résolu")
        # Going back changes nothing.
        dialog.get_by_role("button", name="Revenir sans rien changer").click()
        expect(dialog).to_be_hidden()
        assert Ticket.objects.get(pk=t.pk).status == TicketStatus.OPEN
        opener.click()
        dialog.get_by_role("button", name="Oui, annuler le signalement").click()
        expect(page.locator("#ticket-status")).to_have_text("annulé")
        assert csp_errors == []
    t.refresh_from_db()
    assert t.status == TicketStatus.CANCELLED and t.resolution == "Doublon"
