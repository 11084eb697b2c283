"""The funder's PDF read back with pypdf: the lines, the totals and the gaps equal the data;
the XLSX carries the same numbers; both in under 5 s."""

from __future__ import annotations

import re
import time
from io import BytesIO

import pytest
from django.test import Client

from vigie.accounts.reauth import SESSION_KEY
from vigie.projects import selectors
from vigie.projects.budget import euros
from vigie.projects.report import percent

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    return re.sub(r"[\u00a0\u202f ]+", " ", text)


def norm(text: str) -> str:
    return re.sub(r"[\u00a0\u202f ]+", " ", text)


def signed(value: float) -> str:
    return norm(euros(value) if value >= 0 else "−" + euros(-value))


def test_the_funder_pdf_holds_every_line_total_and_gap(marc, creche):
    client = Client()
    client.force_login(marc)
    client.get("/projets/")  # the URLconf loaded: what is timed is the report, not start-up
    started = time.monotonic()
    r = client.get(f"/projets/{creche.pk}/rapport.pdf?funder=caf-31&year=2026")
    elapsed = time.monotonic() - started
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert elapsed < 5, f"PDF in {elapsed:.1f} s"
    text = pdf_text(r.content)
    assert "Micro-crèche des Tilleuls" in text and "CAF de la Haute-Garonne" in text
    assert "CERFA n° 15059" in text
    report = selectors.financial_report(creche, year=2026)
    for line in report["lines"]:
        assert line["label"] in text, line["label"]
        row = " ".join(
            [
                norm(euros(line["forecast"])),
                norm(euros(line["actual"])),
                signed(line["gap"]),
                norm(percent(line["gap_percent"])),
            ]
        )
        assert row in text, f"{line['account']}: {row!r} not in the PDF"
    # 606: 1 200 forecast, 1 100 actual → −100 €, −8,33 %; 706: no forecast → no percentage.
    assert "1 200,00 € 1 100,00 € −100,00 € -8,33 %" in text
    assert "0,00 € 900,00 € 900,00 € —" in text
    # Totals: charges 53 000 / 54 900, contributions 4 800 / 4 800.
    assert "53 000,00 € 54 900,00 € 1 900,00 € +3,58 %" in text
    assert "4 800,00 € 4 800,00 € 0,00 € +0,00 %" in text
    assert "Le plan de financement est équilibré." in text


def test_the_pdf_says_where_the_plan_does_not_balance(marc, creche):
    from vigie.projects import services

    services.budget_line_add(
        actor=marc,
        project=creche,
        year=2026,
        account="625",
        label="Déplacements",
        forecast=500,
        actual=0,
    )
    client = Client()
    client.force_login(marc)
    text = pdf_text(client.get(f"/projets/{creche.pk}/rapport.pdf?year=2026").content)
    assert "Le plan de financement n'est pas équilibré" in text
    assert "500,00 €" in text


def test_the_pdf_hides_small_counts_from_the_funder(marc, creche):
    from vigie.projects import services

    small = services.indicator_add(
        actor=marc, project=creche, label="Familles accompagnées", unit="familles", target=30
    )
    services.indicator_measure(actor=marc, indicator=small, value=7)
    big = services.indicator_add(
        actor=marc, project=creche, label="Enfants accueillis", unit="enfants", target=40
    )
    services.indicator_measure(actor=marc, indicator=big, value=23)
    client = Client()
    client.force_login(marc)
    text = pdf_text(client.get(f"/projets/{creche.pk}/rapport.pdf?funder=caf-31").content)
    assert "Familles accompagnées" in text and "< 11" in text
    assert re.search(r"Enfants accueillis \(enfants\) — 40 23", text)
    assert "Secret statistique" in text


def test_the_xlsx_carries_the_same_numbers(marc, creche):
    from openpyxl import load_workbook

    client = Client()
    client.force_login(marc)
    session = client.session
    session[SESSION_KEY] = 0  # signed in long ago: the password again (recent_auth_required)
    session.save()
    r = client.get(f"/projets/{creche.pk}/rapport.xlsx?funder=caf-31&year=2026")
    assert r.status_code == 302
    session[SESSION_KEY] = int(time.time())
    session.save()
    r = client.get(f"/projets/{creche.pk}/rapport.xlsx?funder=caf-31&year=2026")
    assert r.status_code == 200
    wb = load_workbook(BytesIO(r.content))
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    by_account = {row[0]: row for row in rows[1:] if row[0]}
    assert by_account["606"][3:7] == (1200, 1100, -100, -8.33)
    assert by_account["7412"][2] == "CAF de la Haute-Garonne"


def test_a_funder_downloads_its_report_and_no_one_elses(fanny, felix, creche):
    client = Client()
    client.force_login(fanny)
    r = client.get(f"/projets/{creche.pk}/rapport.pdf")
    assert r.status_code == 200
    assert "CAF de la Haute-Garonne" in pdf_text(r.content)
    assert client.get(f"/projets/{creche.pk}/rapport.pdf?funder=ville-toulouse").status_code == 404
    client.force_login(felix)
    assert client.get(f"/projets/{creche.pk}/rapport.pdf").status_code == 404
