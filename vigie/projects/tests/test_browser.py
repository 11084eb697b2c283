"""In a real browser: Marc creates a project with three co-funders, records tranches and
actuals, and downloads the CAF's report; the PDF holds the lines, totals and gaps entered."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from playwright.sync_api import expect

from vigie.browser import browser_page, sign_in
from vigie.conftest import PASSWORD
from vigie.projects.models import Project, Tranche


@pytest.mark.django_db(transaction=True)
def test_a_project_with_three_co_funders_to_the_funders_pdf(
    live_server, marc, residence, ville, caf, fondation
):
    with browser_page() as page:
        csp_errors: list[str] = []
        page.on(
            "console",
            lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
        )
        sign_in(page, live_server.url, "marc", PASSWORD)
        page.goto(f"{live_server.url}/projets/")
        page.get_by_role("link", name="Nouveau projet").click()
        page.get_by_label("Intitulé").fill("Micro-crèche des Tilleuls")
        page.get_by_label("Type de projet").select_option("childcare")
        page.get_by_label("Résidences").select_option(str(residence.pk))
        page.get_by_label("Début").fill("2026-01-01")
        page.get_by_label("Fin").fill("2027-12-31")
        page.locator("#create-project").click()
        expect(page.locator("#project-status")).to_have_text("idée")

        for slug, requested, committed in (
            ("ville-toulouse", "20000", "15000"),
            ("caf-31", "30000", "30000"),
            ("fondation-enfance", "10000", "8000"),
        ):
            box = page.locator("#add-funder")
            box.locator("summary").click()
            box.get_by_label("Identifiant du financeur").fill(slug)
            box.get_by_label("Montant demandé").fill(requested)
            box.get_by_label("Montant accordé").fill(committed)
            box.get_by_role("button", name="Ajouter le co-financeur").click()
            expect(page.locator(".messages")).to_contain_text("Co-financeur ajouté")
        expect(page.locator("#funders")).to_contain_text("Fondation pour l'enfance")

        for slug, amount, due, received in (
            ("caf-31", "15000", "2026-02-01", "2026-02-03"),
            ("ville-toulouse", "7500", "2026-03-01", ""),
        ):
            box = page.locator("#add-tranche")
            box.locator("summary").click()
            box.get_by_label("Co-financeur").select_option(slug)
            box.get_by_label("Montant").fill(amount)
            box.get_by_label("Attendue le").fill(due)
            if received:
                box.get_by_label("Reçue le").fill(received)
            box.get_by_role("button", name="Enregistrer la tranche").click()
            expect(page.locator(".messages")).to_contain_text("Tranche enregistrée")

        page.get_by_role("link", name="Voir et saisir le budget").click()
        for account, label, forecast, funder in (
            ("606", "Achats non stockés", "1200", ""),
            ("641", "Rémunérations", "51800", ""),
            ("7411", "Subvention Ville", "15000", "ville-toulouse"),
            ("7412", "Subvention CAF", "30000", "caf-31"),
            ("7413", "Subvention fondation", "8000", "fondation-enfance"),
        ):
            form = page.locator("#line-form")
            form.get_by_label("Exercice").fill("2026")
            form.get_by_label("Compte").fill(account)
            form.get_by_label("Libellé").fill(label)
            form.get_by_label("Prévisionnel").fill(forecast)
            form.get_by_label("Réalisé").fill(forecast)
            if funder:
                form.get_by_label("Financeur").select_option(funder)
            form.get_by_role("button", name="Ajouter la ligne").click()
            expect(page.locator(".messages")).to_contain_text("Ligne de budget ajoutée")
        expect(page.locator("#balance")).to_have_text("Le plan de financement est équilibré.")

        # The year's actuals come in: 606 spent 1 100 instead of 1 200 (an HTMX row).
        page.get_by_label("Réalisé du compte 606").fill("1100")
        row = page.locator("tr", has=page.get_by_label("Réalisé du compte 606"))
        row.get_by_role("button", name="Enregistrer").click()
        expect(page.locator("#budget")).to_contain_text("-100,00 €")
        expect(page.locator("#budget")).to_contain_text("-8,33 %")
        page.reload()
        expect(page.locator("#balance")).to_contain_text("n'est pas équilibré")

        page.get_by_role("link", name="Micro-crèche des Tilleuls").click()
        caf_row = page.locator("#funders tr", has_text="CAF de la Haute-Garonne")
        with page.expect_download() as download:
            caf_row.get_by_role("link", name="PDF").click()
        content = open(download.value.path(), "rb").read()
        assert csp_errors == []

    from pypdf import PdfReader

    text = re.sub(
        r"[\u00a0\u202f ]+",
        " ",
        "\n".join(p.extract_text() for p in PdfReader(BytesIO(content)).pages),
    )
    assert "Micro-crèche des Tilleuls" in text and "CAF de la Haute-Garonne" in text
    assert "Achats non stockés" in text
    assert "1 200,00 € 1 100,00 € −100,00 € -8,33 %" in text
    assert "30 000,00 € 30 000,00 € 0,00 € +0,00 %" in text  # the CAF's own line
    assert "53 000,00 € 52 900,00 € −100,00 € -0,19 %" in text  # total charges
    assert "Le plan de financement n'est pas équilibré" in text
    project = Project.objects.get()
    assert project.funders.count() == 3
    assert Tranche.objects.filter(received_on__isnull=False).count() == 1
