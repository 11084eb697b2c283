"""The reports pages render, from the planted world, for the roles that read them."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from vigie.accounts.reauth import SESSION_KEY
from vigie.campaigns.models import Campaign
from vigie.reports.models import Alert, RegisterConsent
from vigie.reports.services import alerts_run
from vigie.reports.tests.world import TODAY, frozen_today, plant

pytestmark = pytest.mark.django_db


@pytest.fixture
def planted(landlord_a, marc):
    return plant(landlord_a, marc)


def signed_in(user, recent=True) -> Client:
    c = Client()
    c.force_login(user)
    session = c.session
    session[SESSION_KEY] = int(time.time()) if recent else 0
    session.save()
    return c


def test_dashboard_map_alerts_and_playbooks_render(planted, marc):
    with frozen_today():
        alerts_run(actor=marc, organisation=planted.org, today=TODAY)
        c = signed_in(marc)
        page = c.get("/rapports/?from=01/01/2026&to=30/06/2026")
        assert page.status_code == 200
        text = page.content.decode()
        assert "Comment ce chiffre est calculé" in text and "<svg" in text
        assert "Les Tilleuls" in text
        page = c.get("/rapports/carte/?figure=households_over_75")
        assert page.status_code == 200 and 'data-insee="31555"' in page.content.decode()
        page = c.get("/rapports/alertes/")
        assert page.status_code == 200 and "1 mois d&#x27;impayé" in page.content.decode()
        assert c.get("/rapports/plans/").status_code == 200
        assert c.get("/rapports/financeurs/").status_code == 200


def test_table_exports_need_a_recent_password(planted, marc):
    c = signed_in(marc, recent=False)
    r = c.get("/rapports/donnees/cohorts_agency/csv/export/")
    assert r.status_code == 302
    c = signed_in(marc, recent=True)
    r = c.get("/rapports/donnees/cohorts_agency/csv/export/")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    assert c.get("/rapports/donnees/nope/csv/export/").status_code == 404
    r = c.get("/rapports/donnees/trends/xlsx/export/")
    assert r.status_code == 200


def test_playbook_page_prepares_a_campaign_and_closing_an_alert(planted, marc):
    c = signed_in(marc)
    r = c.post("/rapports/plans/preparer/", {"playbook": "heatwave", "level": "2"})
    assert r.status_code == 302
    campaign = Campaign.objects.get(template="heatwave")
    assert r["Location"].endswith(f"/{campaign.pk}/")
    r = c.post("/rapports/plans/preparer/", {"playbook": "heatwave", "level": "9"}, follow=True)
    assert "niveau du plan canicule" in r.content.decode()
    alerts_run(actor=marc, organisation=planted.org, today=TODAY)
    alert = Alert.objects.get(rule_code="rent_arrears")
    c.post(f"/rapports/alertes/{alert.pk}/clore/", {"note": "vu", "version": alert.version})
    alert.refresh_from_db()
    assert alert.status == "closed" and alert.closing_note == "vu"


def test_ccas_export_lists_only_consenting_households_of_the_commune(planted, marc):
    c = signed_in(marc, recent=True)
    h = planted.households["old_never"]
    r = c.post("/rapports/plans/consentements/", {"reference": h.reference})
    assert r.status_code == 302
    assert RegisterConsent.objects.filter(household=h, withdrawn_on__isnull=True).exists()
    r = c.get("/rapports/plans/registre-canicule/csv/export/?commune=31555")
    body = r.content.decode("utf-8-sig")
    lines = [line for line in body.splitlines() if line]
    assert len(lines) == 2  # header + the one consenting adult
    assert h.occupants.get().last_name in lines[1]
    consent = RegisterConsent.objects.get(household=h)
    c.post(f"/rapports/plans/consentements/{consent.pk}/retirer/")
    r = c.get("/rapports/plans/registre-canicule/csv/export/?commune=31555")
    assert len([x for x in r.content.decode("utf-8-sig").splitlines() if x]) == 1


def test_reports_figures_are_grouped_like_every_other_page():
    """ "1500" read "1 500" elsewhere: every figure of the reports' tables goes through a number
    filter, and the map's legend groups its bounds too."""
    import re
    from pathlib import Path

    from django.template.loader import render_to_string
    from django.utils import translation

    from vigie.reports import svg

    folder = Path(__file__).resolve().parents[1] / "templates" / "reports"
    raw = [
        f"{p.name}: {m.group(0)}"
        for p in folder.glob("*.html")
        for m in re.finditer(r'class="num">(?:{%[^%]*%}[^{]*)*{{\s*[\w.]+\s*}}', p.read_text())
    ]
    assert not raw, raw
    with translation.override("fr"):
        html = render_to_string(
            "reports/_table.html",
            {
                "key": "k",
                "t": {"title": "T", "how": "", "header": ["a", "b"], "rows": [["Agence", 1500]]},
            },
        )
        assert '<td class="num">1\xa0500</td>' in html
        assert "1\xa0500" in svg.legend([0, 1500, 2500.5])[1]["label"]


def test_the_campaigns_table_says_the_status_in_words():
    """The dashboard's campaigns table showed "running" (caught by the browser test's choice
    codes): the status's label, on the page and in the exported file."""
    from vigie.reports import tables

    figures = {
        "cohorts": {},
        "campaigns": [
            {
                "name": "Canicule",
                "status": "running",
                "targets": 4,
                "done": 1,
                "not_reached": 0,
                "remaining": 3,
                "progress": 25.0,
                "attempts": 2,
            }
        ],
    }
    (row,) = tables.build(figures, "campaigns")["rows"]
    assert row[1] == "en cours"
