"""The pages: portfolio, project, budget (gaps, the balance check), indicators, funders' view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client

from vigie.projects import services
from vigie.projects.models import BudgetLine, Tranche

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_portfolio_shows_funding_deadlines_and_late_tranches(marc, creche):
    services.tranche_add(
        actor=marc,
        project=creche,
        funder_slug="caf-31",
        amount=12000,
        due_on=date.today() - timedelta(days=10),
    )
    co = creche.funders.get(funder__slug="ville-toulouse")
    services.deadline_add(
        actor=marc,
        co_funder=co,
        label="Bilan intermédiaire",
        due_on=date.today() + timedelta(days=20),
    )
    body = client_for(marc).get("/projets/").content.decode()
    assert "Micro-crèche des Tilleuls" in body
    assert "Bilan intermédiaire" in body
    assert "12\u00a0000,00 €" in body or "12 000,00 €" in body or "12000,00" in body
    assert "60\u00a0000,00" in body or "60 000,00" in body  # requested: 20 000 + 30 000 + 10 000


def test_the_project_page_says_where_the_plan_does_not_balance(marc, creche):
    body = client_for(marc).get(f"/projets/{creche.pk}/").content.decode()
    assert "Le plan de financement est équilibré." in body
    services.budget_line_add(
        actor=marc,
        project=creche,
        year=2026,
        account="625",
        label="Déplacements",
        forecast=500,
        actual=0,
    )
    body = client_for(marc).get(f"/projets/{creche.pk}/budget/?year=2026").content.decode()
    assert "plan de financement n'est pas équilibré" in body.replace("&#x27;", "'")
    assert "il manque" in body and "500,00" in body


def test_budget_page_shows_gaps(marc, creche):
    body = client_for(marc).get(f"/projets/{creche.pk}/budget/?year=2026").content.decode()
    assert "-100,00 €" in body and "-8,33 %" in body  # 606: 1 100 against 1 200


def test_a_bad_account_on_the_page_is_a_sentence_and_nothing_written(marc, creche):
    before = BudgetLine.objects.count()
    r = client_for(marc).post(
        f"/projets/{creche.pk}/budget/lignes/",
        {"year": 2026, "account": "512", "label": "Banque", "forecast": "10"},
    )
    assert r.status_code == 400
    assert "Compte « 512 » refusé" in r.content.decode()
    assert BudgetLine.objects.count() == before


def test_actuals_through_htmx(marc, creche):
    line = creche.budget_lines.get(account="613")
    r = client_for(marc).post(
        f"/projets/{creche.pk}/budget/lignes/{line.pk}/",
        {"forecast": "3800", "actual": "4180"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "380,00 €" in r.content.decode() and "10,00 %" in r.content.decode()
    line.refresh_from_db()
    assert line.actual == 4180


def test_managing_tranches_from_the_page(marc, creche):
    c = client_for(marc)
    r = c.post(
        f"/projets/{creche.pk}/tranches/",
        {"funder": "caf-31", "amount": "15000", "due_on": "2026-02-01"},
    )
    assert r.status_code == 302
    tranche = Tranche.objects.get(co_funder__funder__slug="caf-31")
    r = c.post(f"/projets/{creche.pk}/tranches/{tranche.pk}/recue/", {"received_on": "2026-02-03"})
    assert r.status_code == 302
    tranche.refresh_from_db()
    assert tranche.received_on == date(2026, 2, 3)
    r = c.post(
        f"/projets/{creche.pk}/tranches/",
        {"funder": "caf-31", "amount": "-1", "due_on": "2026-02-01"},
    )
    assert r.status_code == 400


def test_status_moves_along_the_table(marc, creche):
    c = client_for(marc)
    c.post(f"/projets/{creche.pk}/statut/", {"to": "application", "version": creche.version})
    creche.refresh_from_db()
    assert creche.status == "application"
    r = c.post(
        f"/projets/{creche.pk}/statut/", {"to": "closed", "version": creche.version}, follow=True
    )
    creche.refresh_from_db()
    assert creche.status == "application"
    assert "ne peut pas passer" in r.content.decode()


def test_a_funder_sees_its_project_aggregates_and_its_own_money(fanny, felix, creche, marc):
    c = client_for(fanny)
    body = c.get("/projets/").content.decode()
    assert "Micro-crèche des Tilleuls" in body
    body = c.get(f"/projets/{creche.pk}/").content.decode()
    main = body.split('id="contenu"')[1]
    funding = main.split('id="financement"')[1].split("</section>")[0]
    assert "CAF de la Haute-Garonne" in funding
    assert "Ville de Toulouse" not in funding and "Fondation" not in funding
    assert "Ajouter un co-financeur" not in main and 'method="post"' not in main
    assert "Marc" not in main and "marc" not in main  # not the landlord's lead
    assert c.get(f"/projets/{creche.pk}/budget/").status_code == 200
    assert c.get(f"/projets/{creche.pk}/tranches/").status_code in (403, 405)
    assert client_for(felix).get("/projets/").content.decode().count("Micro-crèche") == 0
    assert client_for(felix).get(f"/projets/{creche.pk}/").status_code == 404


def test_documents_are_private(marc, fanny, felix, creche):
    co = creche.funders.get(funder__slug="caf-31")
    mine = services.document_store(
        actor=marc,
        project=creche,
        co_funder=co,
        kind="agreement",
        title="Convention CAF",
        file_name="convention.pdf",
        content=b"%PDF-1.4 caf",
    )
    other = services.document_store(
        actor=marc,
        project=creche,
        kind="other",
        title="Note interne",
        file_name="note.pdf",
        content=b"%PDF-1.4 interne",
    )
    assert not (services.documents_dir() / mine.stored_as).is_relative_to(
        __import__("django.conf").conf.settings.STATIC_ROOT
    )
    r = client_for(fanny).get(f"/projets/{creche.pk}/documents/{mine.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 caf"
    assert client_for(fanny).get(f"/projets/{creche.pk}/documents/{other.pk}/").status_code == 404
    assert client_for(felix).get(f"/projets/{creche.pk}/documents/{mine.pk}/").status_code == 404
    assert client_for(marc).get(f"/projets/{creche.pk}/documents/{other.pk}/").status_code == 200


def test_the_narrative_is_edited_and_a_bad_period_refused(marc, creche, fanny):
    c = client_for(marc)
    assert c.get(f"/projets/{creche.pk}/modifier/").status_code == 200
    r = c.post(
        f"/projets/{creche.pk}/modifier/",
        {"summary": "Douze places.", "starts_on": "2026-01-01", "ends_on": "2026-12-31"},
    )
    assert r.status_code == 302
    creche.refresh_from_db()
    assert creche.summary == "Douze places." and creche.ends_on == date(2026, 12, 31)
    r = c.post(f"/projets/{creche.pk}/modifier/", {"summary": "x", "ends_on": "2025-01-01"})
    assert r.status_code == 400 and "précède son début" in r.content.decode()
    creche.refresh_from_db()
    assert creche.summary == "Douze places."
    assert client_for(fanny).get(f"/projets/{creche.pk}/modifier/").status_code == 403


def test_the_landlords_preview_says_votre_only_for_a_chosen_funder(marc, creche):
    """Without a funder chosen, the preview lists every co-funding: its heading is not "Votre
    financement" (whose?); the page offers to choose the funder, and then it is."""
    c = client_for(marc)
    body = c.get(f"/projets/{creche.pk}/vue-financeur/").content.decode()
    funding = body.split('id="financement"')[1].split("</section>")[0]
    assert "Votre financement" not in body and "Les financements" in funding
    assert "CAF de la Haute-Garonne" in funding and "Ville de Toulouse" in funding
    choice = body.split('id="funder-choice"')[1].split("</form>")[0]
    assert 'value="caf-31"' in choice and 'value="ville-toulouse"' in choice
    body = c.get(f"/projets/{creche.pk}/vue-financeur/?funder=caf-31").content.decode()
    funding = body.split('id="financement"')[1].split("</section>")[0]
    assert "Votre financement" in funding and "Ville de Toulouse" not in funding
    assert '<option value="caf-31" selected>' in body
