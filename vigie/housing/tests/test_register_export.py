"""The register exported with the page's filters (issue #9 §7): CSV for French Excel and XLSX,
behind the password asked again, access-logged, another landlord's households never in it, and
disability only for roles that may see it (decision 0010)."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from vigie.core.models import AccessAction, AccessLog
from vigie.housing.tests.factories import make_household

pytestmark = pytest.mark.django_db


@pytest.fixture
def register(landlord_a, landlord_b):
    make_household(
        landlord_a,
        [
            {
                "last_name": "Durand",
                "first_name": "Jeanne",
                "birth_date": date(1930, 5, 1),
                "phone": "+33561000001",
                "disability": True,
            }
        ],
        reference="A-OLD-DIS",
    )
    make_household(
        landlord_a,
        [{"last_name": '=HYPERLINK("x")', "birth_date": date(1990, 1, 1)}],
        reference="A-YOUNG",
    )
    make_household(
        landlord_b, [{"last_name": "Autre", "birth_date": date(1930, 1, 1)}], reference="B-OLD"
    )


def csv_text(response) -> str:
    return response.content.decode("utf-8-sig")


def test_csv_with_the_filters_of_the_page(client, marc, register):
    client.force_login(marc)
    r = client.get("/registre/export.csv?cohort=over_75")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/csv")
    text = csv_text(r)
    assert "A-OLD-DIS" in text and "A-YOUNG" not in text and "B-OLD" not in text
    assert "05 61 00 00 01" in text  # phones the French way
    assert "Situation de handicap" in text  # the manager may see it
    assert text.splitlines()[0].startswith("référence bail;adresse")
    log = AccessLog.objects.get(user=marc, action=AccessAction.EXPORT)
    assert "cohort=over_75" in log.detail and "A-OLD" not in log.detail


def test_formulas_are_neutralised(client, marc, register):
    client.force_login(marc)
    text = csv_text(client.get("/registre/export.csv"))
    assert "'=HYPERLINK" in text


def test_xlsx(client, marc, register):
    from openpyxl import load_workbook

    client.force_login(marc)
    r = client.get("/registre/export.xlsx")
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    refs = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert refs == {"A-OLD-DIS", "A-YOUNG"}


def test_no_disability_for_a_role_without_health_data(client, amina, register):
    client.force_login(amina)
    r = client.get("/registre/export.csv")
    assert r.status_code == 200
    text = csv_text(r)
    assert "A-OLD-DIS" in text and "handicap" not in text
    assert client.get("/registre/export.csv?cohort=disability").status_code == 403


def test_roles_without_the_export_permission(client, claire, register):
    client.force_login(claire)
    assert client.get("/registre/export.csv").status_code == 403


def test_the_password_is_asked_again_after_ten_minutes(client, marc, register):
    client.force_login(marc)
    session = client.session
    session["vigie_auth_at"] = int((timezone.now() - timedelta(hours=1)).timestamp())
    session.save()
    r = client.get("/registre/export.csv")
    assert r.status_code == 302 and "confirmer-mot-de-passe" in r["Location"]


def test_a_refused_export_is_not_logged_as_an_export(client, amina, register):
    """QA: a 403 on a health filter was also logged as a done export."""
    client.force_login(amina)
    assert client.get("/registre/export.csv?cohort=disability").status_code == 403
    assert not AccessLog.objects.filter(user=amina, action=AccessAction.EXPORT).exists()
    assert AccessLog.objects.filter(user=amina, action=AccessAction.DENIED).exists()


def test_a_lease_that_ended_shows_its_end_date(client, marc, landlord_a):
    make_household(
        landlord_a,
        [{"last_name": "Parti", "birth_date": date(1950, 1, 1)}],
        reference="A-ENDED",
        end_date=date(2025, 8, 16),
    )
    client.force_login(marc)
    text = csv_text(client.get("/registre/export.csv?status=all"))
    line = next(row for row in text.splitlines() if row.startswith("A-ENDED"))
    assert "16/08/2025" in line


def test_export_links_open_the_password_page_rather_than_saving_it(client, marc, register):
    """QA: with a `download` attribute, the password page was saved as download.html."""
    client.force_login(marc)
    page = client.get("/registre/").content.decode()
    assert "/registre/export.csv" in page
    assert not re.search(r'href="/registre/export\\.(csv|xlsx)[^"]*"[^>]*download', page)


def test_the_export_reads_only_where_the_user_may_export(client, landlord_a, landlord_b, register):
    """Review finding: admin at A (may export) and DPO at B (may only read) exported B's register."""
    from vigie.accounts.models import User
    from vigie.accounts.services import user_create
    from vigie.core.permissions import Role

    user_create(username="duo", organisation=landlord_a, role=Role.ADMIN)
    user_create(username="duo", organisation=landlord_b, role=Role.DPO)
    client.force_login(User.objects.get(username="duo"))
    text = csv_text(client.get("/registre/export.csv?status=all"))
    assert "A-YOUNG" in text and "B-OLD" not in text


def test_an_odd_digit_in_a_search_does_not_break_the_dpos_access_log(client, marc, dora, register):
    """Review finding: "²".isdigit() is True but int("²") fails: the access log answered 500."""
    client.force_login(marc)
    assert client.get("/registre/?q=x&agency=²&residence=³").status_code == 200
    client.force_login(dora)
    assert client.get("/confidentialite/journal-des-acces/").status_code == 200


def test_the_export_is_logged_with_the_organisations_exported(client, marc, register, landlord_b):
    """The access log named no organisation for a register export: each organisation's DPO
    must read the export of its households (one row per organisation in the file)."""
    from vigie.accounts.services import user_create
    from vigie.core.permissions import Role

    client.force_login(marc)
    client.get("/registre/export.csv")
    log = AccessLog.objects.get(user=marc, action=AccessAction.EXPORT)
    assert log.organisation_id == marc.memberships.get().organisation_id
    user_create(username="marc", organisation=landlord_b, role=Role.MANAGER)
    client.get("/registre/export.xlsx")
    orgs = set(
        AccessLog.objects.filter(
            user=marc, action=AccessAction.EXPORT, detail__startswith="xlsx"
        ).values_list("organisation_id", flat=True)
    )
    assert orgs == {log.organisation_id, landlord_b.pk}
