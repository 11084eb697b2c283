"""In a real browser, the story of issue #13 ("Done when"): a noise dispute between two households
of landlord A, referred by Marc, taken through L'Amandier to a shared agreement; invitations
reach a real local SMTP server with an .ics read back; landlord B sees nothing."""

from __future__ import annotations

import email
from datetime import date, timedelta

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD
from vigie.mediation.models import Case


def calendars(inbox) -> list[Calendar]:
    found = []
    for message in inbox.messages:
        for part in email.message_from_string(message["data"]).walk():
            if part.get_content_type() == "text/calendar":
                found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def sign_out(page):
    page.get_by_role("button", name="Se déconnecter").click()


@pytest.mark.django_db(transaction=True)
def test_a_noise_dispute_from_referral_to_shared_agreement(
    live_server, smtp, marc, bruno, diane, paula, luc, two_households
):
    first, second = two_households
    base = live_server.url
    day = (date.today() + timedelta(days=3)).isoformat()
    with browser_page() as page:
        # Marc refers the dispute from the first household's page, naming the second too.
        sign_in(page, base, "marc", PASSWORD)
        page.goto(f"{base}/registre/menages/{first.pk}/")
        page.get_by_role("link", name="Orienter vers la médiation").click()
        page.get_by_label("Autre ménage (n° dans le registre)").fill(str(second.pk))
        page.get_by_label("Trouble").select_option("noise")
        page.get_by_label("Résumé (court, sans détail de santé)").fill("Musique la nuit")
        page.locator("#refer").click()
        expect(page.locator("#referral-status")).to_have_text("orientée")
        case = Case.objects.get()
        sign_out(page)

        # Diane accepts, records both consents, plans three sessions.
        sign_in(page, base, "diane", PASSWORD)
        page.goto(f"{base}/mediation/{case.pk}/")
        page.locator("#accept").click()
        expect(page.locator("#case-status")).to_have_text("acceptée")
        for _ in range(2):
            form = page.locator("#consent-form")
            form.get_by_label("Date de l'accord").fill(date.today().isoformat())
            form.get_by_label("Forme").select_option("oral")
            form.get_by_role("button", name="Enregistrer l'accord").click()
        expect(page.locator("#case-status")).to_have_text("en cours")
        for party, modality, kind, hour in (
            ("DUPONT Jeanne", "phone", "separate", "09:00"),
            ("MARTIN Paul", "phone", "separate", "11:00"),
            (None, "video", "joint", "14:00"),
        ):
            form = page.locator("#session-form")
            form.get_by_label("Type", exact=True).select_option(kind)
            form.get_by_label("Modalité").select_option(modality)
            if modality == "video":
                form.get_by_label("Lien de la visio").fill("https://visio.example.org/amandier")
            for name in ("DUPONT Jeanne", "MARTIN Paul"):
                if party is None or name == party:
                    form.get_by_label(name).check()
            form.get_by_label("Date de la séance").fill(day)
            form.get_by_label("Heure").fill(hour)
            form.get_by_role("button", name="Prévoir et inviter").click()
            expect(page.get_by_text("Séance prévue")).to_be_visible()
        for who in ("paula", "luc"):
            page.get_by_label("Affecter").select_option(label=who)
            page.get_by_role("button", name="Affecter").click()
        sign_out(page)

        # Each practitioner writes in their compartment and reads only that one.
        for who, text in (("paula", "PSYNOTE parents épuisés"), ("luc", "LAWNOTE bail art. 7")):
            sign_in(page, base, who, PASSWORD)
            page.goto(f"{base}/mediation/{case.pk}/")
            page.get_by_label("Note", exact=True).fill(text)
            page.get_by_role("button", name="Enregistrer la note").click()
            expect(page.get_by_text(text)).to_be_visible()
            sign_out(page)
        sign_in(page, base, "paula", PASSWORD)
        page.goto(f"{base}/mediation/{case.pk}/")
        expect(page.get_by_text("PSYNOTE parents épuisés")).to_be_visible()
        expect(page.get_by_text("LAWNOTE bail art. 7")).to_have_count(0)
        sign_out(page)

        # Diane pauses, resumes and closes with a shared agreement.
        sign_in(page, base, "diane", PASSWORD)
        page.goto(f"{base}/mediation/{case.pk}/")
        expect(page.get_by_text("PSYNOTE")).to_have_count(0)
        page.get_by_label("Motif de la pause").fill("Confinement")
        page.get_by_label("À reprendre le").fill((date.today() + timedelta(days=40)).isoformat())
        page.locator("#pause").click()
        expect(page.locator("#case-status")).to_have_text("à reprendre")
        page.locator("#resume").click()
        expect(page.locator("#case-status")).to_have_text("en cours")
        page.get_by_label("Résultat", exact=True).select_option("agreement")
        page.get_by_label("Protocole d'accord (si accord signé)").fill("Pas de musique après 22 h")
        page.locator("#cl-share").check()
        page.locator("#close").click()
        expect(page.locator("#case-outcome")).to_have_text("accord signé")
        sign_out(page)

        # Marc reads status, outcome and the agreement; Bruno (landlord B) nothing.
        sign_in(page, base, "marc", PASSWORD)
        page.goto(f"{base}/mediation/orientations/{case.pk}/")
        expect(page.locator("#referral-status")).to_have_text("terminée")
        expect(page.locator("#referral-outcome")).to_have_text("accord signé")
        expect(page.locator("#referral-agreement")).to_contain_text("Pas de musique après 22 h")
        expect(page.get_by_text("PSYNOTE")).to_have_count(0)
        sign_out(page)
        sign_in(page, base, "bruno", PASSWORD)
        response = page.goto(f"{base}/mediation/orientations/{case.pk}/")
        assert response.status == 404
        page.goto(f"{base}/mediation/orientations/")
        expect(page.get_by_text("Aucune situation orientée.")).to_be_visible()

    # The invitations reached the SMTP server; their .ics read back.
    cals = calendars(smtp)
    assert len(cals) == 3
    events = [c.walk("VEVENT")[0] for c in cals]
    assert {str(c["METHOD"]) for c in cals} == {"REQUEST"}
    assert len({str(e["UID"]) for e in events}) == 3
    assert all(e["DTSTART"].params["TZID"] == "Europe/Paris" for e in events)
    joint = next(e for e in events if "visio.example.org" in str(e.get("LOCATION")))
    attendees = {str(a) for a in joint.get("ATTENDEE")}
    assert {"mailto:dupont@example.org", "mailto:martin@example.org"} <= attendees
