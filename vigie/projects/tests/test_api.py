"""The projects API exactly as issue #15 §9 says: paths, fields, shapes, status codes."""

from __future__ import annotations

import pytest
from django.test import Client

from vigie.core.tests.world import bearer
from vigie.projects.models import BudgetLine, Project, ProjectFunder, Tranche

pytestmark = pytest.mark.django_db


def post(user, url, body):
    return Client().post(url, body, content_type="application/json", **bearer(user))


def get(user, url):
    return Client().get(url, **bearer(user))


def test_create_a_project_with_funders_tranches_and_budget_lines(marc, residence, ville, caf):
    r = post(
        marc,
        "/api/v1/projects",
        {
            "title": "Salle commune",
            "kind": "common_room",
            "residences": [residence.pk],
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert set(r.json()) == {"id"}
    project = Project.objects.get(pk=pid)
    assert project.status == "idea" and list(project.residences.all()) == [residence]

    r = post(
        marc,
        f"/api/v1/projects/{pid}/funders",
        {"funder": "ville-toulouse", "requested": 20000, "committed": 15000},
    )
    assert r.status_code == 201, r.content
    co = ProjectFunder.objects.get(pk=r.json()["id"])
    assert co.requested == 20000 and co.committed == 15000 and co.funder == ville

    r = post(
        marc,
        f"/api/v1/projects/{pid}/tranches",
        {"funder": "ville-toulouse", "amount": 7500, "due_on": "2026-03-01", "received_on": None},
    )
    assert r.status_code == 201, r.content
    assert Tranche.objects.get(pk=r.json()["id"]).amount == 7500

    r = post(
        marc,
        f"/api/v1/projects/{pid}/budget-lines",
        {
            "year": 2026,
            "account": "606",
            "label": "Fournitures",
            "forecast": 1200.0,
            "actual": 1100.0,
            "funder": None,
        },
    )
    assert r.status_code == 201, r.content
    r = post(
        marc,
        f"/api/v1/projects/{pid}/budget-lines",
        {
            "year": 2026,
            "account": "7411",
            "label": "Subvention Ville",
            "forecast": 15000,
            "actual": 15000,
            "funder": "ville-toulouse",
        },
    )
    assert r.status_code == 201, r.content
    assert BudgetLine.objects.get(pk=r.json()["id"]).funder == ville

    detail = get(marc, f"/api/v1/projects/{pid}").json()
    assert detail["title"] == "Salle commune" and detail["kind"] == "common_room"
    assert detail["funders"][0]["funder"] == "ville-toulouse"
    assert detail["funders"][0]["tranches"][0]["amount"] == 7500


@pytest.mark.parametrize(
    "account", ["59", "1", "1234567", "69", "79", "512", "88", "6O6", "", "85"]
)
def test_bad_accounts_are_refused_with_a_sentence(marc, creche, account):
    before = BudgetLine.objects.count()
    r = post(
        marc,
        f"/api/v1/projects/{creche.pk}/budget-lines",
        {"year": 2026, "account": account, "label": "x", "forecast": 1, "actual": 1},
    )
    assert r.status_code in (400, 422)
    assert "compte" in r.json()["detail"].lower() or "account" in r.json()["detail"]
    assert BudgetLine.objects.count() == before


@pytest.mark.parametrize("account", ["60", "68", "6061", "706", "78", "741100", "86", "870"])
def test_good_accounts_are_taken(marc, creche, account):
    r = post(
        marc,
        f"/api/v1/projects/{creche.pk}/budget-lines",
        {"year": 2027, "account": account, "label": "x", "forecast": 1, "actual": 1},
    )
    assert r.status_code == 201, r.content


def test_a_funder_only_on_a_subsidy_line_of_a_co_funder(marc, creche, ville):
    r = post(
        marc,
        f"/api/v1/projects/{creche.pk}/budget-lines",
        {"year": 2026, "account": "606", "label": "x", "forecast": 1, "funder": "ville-toulouse"},
    )
    assert r.status_code == 422 and "74" in r.json()["detail"]
    r = post(
        marc,
        f"/api/v1/projects/{creche.pk}/budget-lines",
        {"year": 2026, "account": "741", "label": "x", "forecast": 1, "funder": "nope"},
    )
    assert r.status_code == 422 and "nope" in r.json()["detail"]


def test_unknown_kind_and_funder_are_422(marc, creche, landlord_a):
    r = post(marc, "/api/v1/projects", {"title": "x", "kind": "crèche"})
    assert r.status_code == 422 and "childcare" in r.json()["detail"]
    r = post(marc, f"/api/v1/projects/{creche.pk}/funders", {"funder": "inconnu", "requested": 1})
    assert r.status_code == 422 and "inconnu" in r.json()["detail"]
    from vigie.core.models import Organisation

    r = post(
        marc, f"/api/v1/projects/{creche.pk}/funders", {"funder": landlord_a.slug, "requested": 1}
    )
    assert r.status_code == 422 and "financeur" in r.json()["detail"]
    r = post(marc, f"/api/v1/projects/{creche.pk}/funders", {"funder": "caf-31", "requested": 1})
    assert r.status_code == 409
    assert Organisation.objects.filter(slug="inconnu").count() == 0


def test_financial_report_shape_and_numbers(marc, creche):
    r = get(marc, f"/api/v1/projects/{creche.pk}/financial-report?funder=caf-31&year=2026")
    assert r.status_code == 200, r.content
    data = r.json()
    assert set(data) == {"project", "funder", "year", "lines", "totals"}
    assert data["project"] == creche.pk and data["funder"] == "caf-31" and data["year"] == 2026
    by_account = {line["account"]: line for line in data["lines"]}
    assert set(by_account["606"]) == {
        "account",
        "label",
        "funder",
        "forecast",
        "actual",
        "gap",
        "gap_percent",
    }
    line = by_account["606"]
    assert line["forecast"] == 1200.0 and line["actual"] == 1100.0
    assert line["gap"] == -100.0
    assert line["gap_percent"] == pytest.approx(-100 / 1200 * 100)
    assert by_account["706"]["gap"] == 900 and by_account["706"]["gap_percent"] is None
    assert by_account["7412"]["funder"] == "caf-31" and by_account["606"]["funder"] is None
    assert isinstance(line["forecast"], float) and isinstance(line["gap"], float)
    assert data["totals"] == {
        "charges": {"forecast": 53000.0, "actual": 54900.0},
        "resources": {"forecast": 53000.0, "actual": 54900.0},
        "contributions": {"forecast": 4800.0, "actual": 4800.0},
    }


def test_financial_report_defaults_to_the_latest_year(marc, creche):
    data = get(marc, f"/api/v1/projects/{creche.pk}/financial-report").json()
    assert data["year"] == 2026 and data["funder"] is None and len(data["lines"]) == 9


def test_financial_report_pdf(marc, creche):
    r = get(marc, f"/api/v1/projects/{creche.pk}/financial-report.pdf?funder=caf-31&year=2026")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/pdf" and r.content.startswith(b"%PDF")


def test_another_landlords_project_is_404(bruno, creche):
    from vigie.conftest import make_user
    from vigie.core.permissions import Role

    other = make_user("olga", bruno.organisations()[0], Role.MANAGER)
    assert get(other, f"/api/v1/projects/{creche.pk}").status_code == 404
    r = post(other, f"/api/v1/projects/{creche.pk}/funders", {"funder": "caf-31", "requested": 1})
    assert r.status_code == 404


def test_a_funder_reads_its_project_only_and_writes_nothing(fanny, felix, creche, marc):
    assert get(fanny, f"/api/v1/projects/{creche.pk}").status_code == 200
    detail = get(fanny, f"/api/v1/projects/{creche.pk}").json()
    # Its own co-funding only, no lead's name.
    assert [f["funder"] for f in detail["funders"]] == ["caf-31"]
    assert detail["lead"] is None
    report = get(fanny, f"/api/v1/projects/{creche.pk}/financial-report").json()
    assert report["funder"] == "caf-31" and len(report["lines"]) == 9
    assert (
        get(
            fanny, f"/api/v1/projects/{creche.pk}/financial-report?funder=ville-toulouse"
        ).status_code
        == 403
    )
    r = post(
        fanny,
        f"/api/v1/projects/{creche.pk}/tranches",
        {"funder": "caf-31", "amount": 1, "due_on": "2026-01-01"},
    )
    assert r.status_code == 403
    assert post(fanny, "/api/v1/projects", {"title": "x", "kind": "other"}).status_code == 403
    # The foundation's user sees nothing of a project the foundation does not fund.
    from vigie.projects import services

    services.co_funder_add(
        actor=marc, project=creche, funder_slug="fondation-enfance", requested=1
    ) if False else None
    other = services.project_create(
        actor=marc, organisation=creche.organisation, title="Autre", kind="other"
    )
    assert get(felix, f"/api/v1/projects/{other.pk}").status_code == 404
    assert get(fanny, f"/api/v1/projects/{other.pk}/indicators").status_code == 404
