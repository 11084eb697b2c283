"""Done when (issue #14): a session runs on a tablet, the network is cut in the middle, the
check-ins go on, the network returns and every record arrives once; the no-shows become tasks;
the report's counts equal what this test computes from the register and the records."""

from __future__ import annotations

import os
from datetime import date

import pytest
from django.test import Client
from playwright.sync_api import expect

from vigie.actions.models import Task
from vigie.browser import CHROMIUM, CHROMIUM_ARGS
from vigie.conftest import PASSWORD
from vigie.foodaid.models import Record
from vigie.foodaid.services import enrolment_create, session_create
from vigie.foodaid.tests.conftest import home
from vigie.housing.models import Occupant


def tap_household(page, letter: str, name: str) -> None:
    """Two taps: the first letter, then the household."""
    page.locator(f"#letters button[data-letter='{letter}']").tap()
    page.locator("#list button.hh", has_text=name).tap()
    expect(page.locator("#panel")).to_be_visible()


@pytest.mark.django_db(transaction=True)
def test_tablet_session_through_a_network_cut(live_server, lockdown, marc, pierre):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    odette, durand, _petit, _loin = lockdown.households
    extra = [
        home(
            lockdown.landlord,
            lockdown.tabar,
            [{"last_name": name, "first_name": "X", "birth_date": date(1950 + i, 1, 1)}],
            n=10 + i,
        )
        for i, name in enumerate(["Bernard", "Roux", "Fabre"])
    ]
    for h in [odette, durand, *extra]:
        enrolment_create(
            actor=marc,
            programme=lockdown.programme,
            household=h,
            consent_on=date(2020, 3, 20),
            mode="delivery" if h is odette else "collect",
        )
    session = session_create(
        actor=marc, programme=lockdown.programme, site=lockdown.tabar, day=date(2020, 4, 2)
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(
                locale="fr-FR",
                timezone_id="Europe/Paris",
                viewport={"width": 800, "height": 1280},
                has_touch=True,
            )
            page = context.new_page()
            page.set_default_timeout(15000)
            csp = []
            page.on(
                "console",
                lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None,
            )
            page.goto(f"{live_server.url}/comptes/connexion/")
            page.get_by_label("Identifiant").fill("pierre")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_load_state("networkidle")
            page.goto(f"{live_server.url}/aide-alimentaire/distributions/{session.pk}/pointage/")
            # No sync error yet: the `hidden` pill stays hidden (it once showed, empty and red).
            expect(page.locator("#sync-error")).to_be_hidden()

            # Online: Odette is delivered, two parcels.
            tap_household(page, "M", "Martin")
            page.locator("#plus").tap()
            page.locator("#results button[data-result=delivered]").tap()
            expect(page.locator("#pending")).to_have_text("0")
            assert Record.objects.filter(session=session).count() == 1

            # The network goes down; check-ins go on, kept on the tablet.
            context.set_offline(True)
            expect(page.locator("#net")).to_contain_text("Hors ligne")
            tap_household(page, "D", "Durand")
            page.locator("#results button[data-result=collected]").tap()
            tap_household(page, "B", "Bernard")
            page.locator("#results button[data-result=collected]").tap()
            # By reference, typed.
            page.locator("#find").fill(extra[1].reference)
            page.locator("#list button.hh", has_text="Roux").tap()
            page.locator("#results button[data-result=not_home]").tap()
            expect(page.locator("#pending")).to_have_text("3")
            assert Record.objects.filter(session=session).count() == 1
            queued = page.evaluate(
                f"JSON.parse(localStorage.getItem('vigie-foodaid-queue-{session.pk}'))"
            )
            assert len(queued) == 3 and len({q["client_id"] for q in queued}) == 3
            # An answer lost in the cut: the first record is queued again, same id.
            page.evaluate(
                f"""() => {{
                  const k = 'vigie-foodaid-queue-{session.pk}';
                  const q = JSON.parse(localStorage.getItem(k));
                  q.push(Object.assign({{}}, q[0]));
                  localStorage.setItem(k, JSON.stringify(q));
                }}"""
            )

            # The network returns: everything arrives, once.
            context.set_offline(False)
            expect(page.locator("#pending")).to_have_text("0", timeout=20000)
            records = list(Record.objects.filter(session=session))
            assert len(records) == 4
            assert len({r.client_id for r in records}) == 4
            by = {r.enrolment.household_id: r for r in records}
            assert by[odette.pk].result == "delivered" and by[odette.pk].parcels == 2
            assert by[durand.pk].result == "collected" and by[durand.pk].parcels == 1
            assert by[extra[1].pk].result == "not_home"
            assert extra[2].pk not in by

            # After the session: the no-shows become tasks.
            page.goto(f"{live_server.url}/aide-alimentaire/distributions/{session.pk}/")
            page.get_by_role("button", name="Clôturer la distribution…").click()
            page.get_by_role("button", name="Oui, clôturer").click()
            expect(page.locator("#session-status")).to_have_text("clôturée")
            assert csp == []
        finally:
            browser.close()
    assert set(Task.objects.values_list("household_id", flat=True)) == {extra[1].pk, extra[2].pk}

    # The report equals what the register and the records say.
    reached = {r.enrolment.household_id for r in records if r.result in ("collected", "delivered")}
    people = list(Occupant.objects.filter(household_id__in=reached))
    end = date(2020, 4, 30)

    def age(o):
        b = o.birth_date
        return end.year - b.year - ((end.month, end.day) < (b.month, b.day))

    bands = {"0-3": (0, 3), "4-15": (4, 15), "16-64": (16, 64), "65+": (65, 200)}
    expected = {
        "households": len(reached),
        "people": len(people),
        "by_age": {
            k: sum(1 for o in people if lo <= age(o) <= hi) for k, (lo, hi) in bands.items()
        },
        "with_disability": sum(o.disability for o in people),
        "parcels": sum(r.parcels for r in records if r.result in ("collected", "delivered")),
    }
    client = Client()
    client.force_login(marc)
    got = client.get(
        f"/api/v1/foodaid/programmes/{lockdown.programme.pk}/report?from=2020-04-01&to=2020-04-30"
    ).json()
    assert {k: got[k] for k in expected} == expected
    assert expected["households"] == 3 and expected["parcels"] == 4


@pytest.mark.django_db(transaction=True)
def test_a_long_programme_name_wraps_without_horizontal_scroll(live_server, lockdown, marc):
    """A 200-character name without a space (QA, 2 Dec 2026) widened the programmes page."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    lockdown.programme.name = "Distribution" + "X" * 188
    lockdown.programme.save()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(locale="fr-FR", viewport={"width": 800, "height": 900})
            page.goto(f"{live_server.url}/comptes/connexion/")
            page.get_by_label("Identifiant").fill("marc")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_load_state("networkidle")
            for path in ("/aide-alimentaire/", f"/aide-alimentaire/{lockdown.programme.pk}/"):
                page.goto(live_server.url + path)
                expect(page.get_by_text("DistributionXXXX").first).to_be_visible()
                overflow = page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, (path, overflow)
        finally:
            browser.close()
