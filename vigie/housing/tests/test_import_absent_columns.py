"""A template column absent from the file never erases what the register holds (issue #10).

A re-import of a file without `telephone`, `email`, `handicap`… leaves the stored values of
existing households and occupants as they are (derived fields included: has_phone,
has_disability, the cohorts, search_text), and writes nothing if nothing else changed. A column
present with an empty cell still means "empty": the ERP says there is no phone.
"""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from vigie.core.errors import DomainError
from vigie.housing.cohorts import cohort_counts
from vigie.housing.importing import load_mapping
from vigie.housing.models import Dwelling, Household, Occupant
from vigie.housing.tests.test_import import run, stock_rows, to_csv

pytestmark = pytest.mark.django_db


def without(*columns: str, rows: list[dict] | None = None) -> bytes:
    rows = stock_rows() if rows is None else rows
    return to_csv([{k: v for k, v in r.items() if k not in columns} for r in rows])


def snapshot(org) -> dict:
    """Everything the import writes about occupants and households, by id."""
    occupants = {
        o["id"]: o
        for o in Occupant.objects.filter(organisation=org).values(
            "id",
            "household_id",
            "position",
            "last_name",
            "first_name",
            "birth_date",
            "role",
            "phone",
            "phone_to_check",
            "phone_2",
            "phone_2_to_check",
            "phone_wrong_number",
            "email",
            "email_to_check",
            "disability",
        )
    }
    households = {
        h["id"]: h
        for h in Household.objects.filter(organisation=org).values(
            "id",
            "dwelling_id",
            "start_date",
            "end_date",
            "departed_on",
            "version",
            "adults",
            "children",
            "oldest_adult_birth_date",
            "has_disability",
            "has_phone",
            "search_text",
        )
    }
    dwellings = {
        d["id"]: d
        for d in Dwelling.objects.filter(organisation=org).values(
            "id", "building_id", "staircase", "floor", "door", "type", "address"
        )
    }
    return {"occupants": occupants, "households": households, "dwellings": dwellings}


@pytest.fixture
def stock(landlord_a):
    """The five leases imported, with a second phone and a phone to check to be kept too."""
    rows = stock_rows()
    rows[0]["telephone_2"] = "06 00 00 00 01"
    rows[1]["telephone"] = "05 61 23"  # not a number: kept as written, flagged "to check"
    rows[1]["email"] = "chloe@"  # flagged "to check"
    report = run(landlord_a, to_csv(rows))
    assert report.imported and report.created == 5
    # A caller flagged Hélène's number as wrong: the import keeps that flag while it keeps it.
    Occupant.objects.filter(first_name="Hélène").update(phone_wrong_number=True)
    return rows


def test_reimport_without_phone_columns_keeps_phones_and_writes_nothing(landlord_a, stock):
    before = snapshot(landlord_a)
    assert Occupant.objects.get(first_name="Hélène").phone == "+33561234567"
    report = run(landlord_a, without("telephone", "telephone_2", rows=stock))
    assert report.imported and report.errors == []
    assert (report.updated, report.unchanged, report.departed) == (0, 5, 0)
    assert snapshot(landlord_a) == before  # phones, their flags, has_phone, search_text
    helene = Occupant.objects.get(first_name="Hélène")
    assert (helene.phone, helene.phone_2) == ("+33561234567", "+33600000001")
    assert helene.phone_wrong_number  # not cleared: the number did not change
    chloe = Occupant.objects.get(first_name="Chloé")
    assert (chloe.phone, chloe.phone_to_check) == ("05 61 23", True)
    # Searching a household by its phone still finds it.
    assert "0600000001" in Household.objects.get(reference="B001").search_text
    # The same file again: still nothing written.
    again = run(landlord_a, without("telephone", "telephone_2", rows=stock))
    assert (again.updated, again.unchanged) == (0, 5)
    assert snapshot(landlord_a) == before


def test_reimport_without_email_keeps_emails(landlord_a, stock):
    before = snapshot(landlord_a)
    report = run(landlord_a, without("email", rows=stock))
    assert (report.updated, report.unchanged) == (0, 5)
    assert snapshot(landlord_a) == before
    assert Occupant.objects.get(first_name="Hélène").email == "helene.lefevre@example.fr"
    chloe = Occupant.objects.get(first_name="Chloé")
    assert (chloe.email, chloe.email_to_check) == ("chloe@", True)


def test_reimport_without_handicap_keeps_the_flag_and_the_cohort(landlord_a, stock):
    today = timezone.localdate()
    qs = Household.objects.filter(organisation=landlord_a)
    assert cohort_counts(qs, today)["disability"] == 1  # B003, Jean Bernard
    before = snapshot(landlord_a)
    report = run(landlord_a, without("handicap", rows=stock))
    assert (report.updated, report.unchanged) == (0, 5)
    assert snapshot(landlord_a) == before
    assert Occupant.objects.get(first_name="Jean").disability
    assert Household.objects.get(reference="B003").has_disability
    assert cohort_counts(qs, today)["disability"] == 1


def test_a_present_column_still_updates_while_an_absent_one_keeps(landlord_a, stock):
    rows = [dict(r) for r in stock]
    rows[0]["email"] = "helene@example.org"  # changed in the file
    report = run(landlord_a, without("telephone", "handicap", rows=rows))
    assert (report.updated, report.unchanged) == (1, 4)
    helene = Occupant.objects.get(first_name="Hélène")
    assert helene.email == "helene@example.org"
    assert helene.phone == "+33561234567" and helene.phone_wrong_number
    assert Household.objects.get(reference="B001").has_phone  # her second phone, kept
    assert Household.objects.get(reference="B003").has_disability


def test_new_occupants_get_empty_values_for_absent_columns(landlord_a, stock):
    rows = [dict(r) for r in stock]
    rows.append({**rows[0], "prenom": "Paul", "date_naissance": "05/05/1938", "role": "conjoint"})
    report = run(landlord_a, without("telephone", "telephone_2", "email", "handicap", rows=rows))
    assert (report.updated, report.unchanged) == (1, 4)
    paul = Occupant.objects.get(first_name="Paul")
    assert (paul.phone, paul.phone_2, paul.email, paul.disability) == ("", "", "", False)
    assert not paul.phone_to_check and not paul.email_to_check
    assert Occupant.objects.get(first_name="Hélène").phone == "+33561234567"
    assert Household.objects.get(reference="B001").adults == 2


def test_present_column_with_empty_cells_still_clears(landlord_a, stock):
    rows = [dict(r) for r in stock]
    for r in rows:
        r.update(telephone="", telephone_2="", email="", handicap="")
    report = run(landlord_a, to_csv(rows))
    assert report.updated == 5
    assert not Occupant.objects.filter(organisation=landlord_a).exclude(phone="").exists()
    assert not Occupant.objects.filter(organisation=landlord_a).exclude(phone_2="").exists()
    assert not Occupant.objects.filter(organisation=landlord_a).exclude(email="").exists()
    assert not Occupant.objects.filter(organisation=landlord_a, disability=True).exists()
    assert not Household.objects.filter(organisation=landlord_a, has_phone=True).exists()
    assert not Household.objects.filter(organisation=landlord_a, has_disability=True).exists()
    helene = Occupant.objects.get(first_name="Hélène")
    assert not helene.phone_wrong_number  # a new (empty) number clears "wrong number"


def test_reimport_without_first_names_roles_dates_and_dwelling_details_keeps_them(
    landlord_a, stock
):
    before = snapshot(landlord_a)
    absent = ("prenom", "role", "date_entree", "date_sortie", "batiment", "escalier", "etage")
    data = without(*absent, "porte", "type_logement", "agence", rows=stock)
    report = run(landlord_a, data)
    assert report.errors == []
    assert (report.updated, report.unchanged) == (0, 5)
    # The same occupants (same ids: recognised by name and birth date), first names and roles
    # kept (Léo stays a child), lease dates and dwelling details kept.
    assert snapshot(landlord_a) == before
    assert Occupant.objects.get(first_name="Léo").role == "enfant"
    # No per-row "rôle vide" warning: the header's warning says it once.
    assert not [w for w in report.warnings if w["column"] == "role"]


def test_the_warning_says_absent_columns_are_kept(landlord_a, stock):
    report = run(landlord_a, without("telephone_2", "email", rows=stock))
    assert report.warnings[0]["message"] == (
        "ligne 1 : colonnes du modèle absentes du fichier : telephone_2, email. Les valeurs "
        "déjà enregistrées dans Vigie pour ces colonnes sont conservées ; elles restent vides "
        "pour un·e nouvel·le occupant·e, un nouveau bail ou un nouveau logement."
    )


# ----------------------------------------------------------------------------- translatable


def marked(monkeypatch, *modules) -> list[str]:
    """Route the importer's gettext through a marker: every sentence it makes starts with
    « ⟦ » if it went through gettext. Returns the list of msgids asked for."""
    asked: list[str] = []

    def fake(msgid: str) -> str:
        asked.append(msgid)
        return "⟦" + msgid

    for module in modules:
        monkeypatch.setattr(module, "_", fake)
    return asked


def test_import_errors_and_warnings_are_translatable(landlord_a, monkeypatch):
    from vigie.housing import import_parsing, import_validation

    marked(monkeypatch, import_parsing, import_validation)
    rows = stock_rows()
    rows[0]["date_naissance"] = "31/02/1950"  # an error
    rows[1]["telephone"] = "05 61 23"  # a warning
    rows[2]["role"] = ""  # a warning
    report = run(landlord_a, without("email", rows=rows))
    messages = [i["message"] for i in report.errors + report.warnings]
    assert len(messages) >= 4
    assert all(m.startswith("⟦") for m in messages), messages
    # The reason inside the frame is translated too.
    assert "⟦n'est pas une date valide" in report.errors[0]["message"]
    # File-level refusals and mapping errors as well.
    assert run(landlord_a, b"").errors[0]["message"] == "⟦le fichier est vide"
    with pytest.raises(DomainError) as refused:
        load_mapping('[columns]\n"N° bail" = "numero_bail"\n')
    assert refused.value.message.startswith("⟦Fichier de correspondance, [columns]")


def test_per_row_warnings_cost_no_gettext_per_row(landlord_a, monkeypatch):
    """Error sentences are built for rows in error only, and the per-row warnings of valid rows
    (an unreadable phone, an empty role) are translated once per file, not once per row."""
    from vigie.housing import import_parsing, import_validation

    def count(n: int) -> int:
        asked = marked(monkeypatch, import_parsing, import_validation)
        rows = []
        for i in range(n):
            rows.append(
                {
                    **stock_rows()[0],
                    "ref_bail": f"B{i:04}",
                    "ref_logement": f"L{i:04}",
                    "telephone": "05 61 23",
                    "role": "",
                }
            )
        report = run(landlord_a, to_csv(rows), dry_run=True)
        assert len(report.warnings) == 2 * n
        return len(asked)

    assert count(5) == count(50)


def test_command_output_is_translatable(landlord_a, tmp_path, monkeypatch, capsys):
    from vigie.housing import import_parsing, import_validation
    from vigie.housing.management.commands import import_stock as command

    marked(monkeypatch, command, import_parsing, import_validation)
    path = tmp_path / "export.csv"
    path.write_bytes(without("email"))  # a warning too
    call_command("import_stock", str(path), "--org", landlord_a.slug, "--dry-run")
    lines = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(lines) >= 4  # title, counts, "Avertissements", the warning
    assert all(line.lstrip().startswith("⟦") for line in lines), lines
    with pytest.raises(CommandError) as refused:
        call_command("import_stock", str(path), "--org", "nobody")
    assert str(refused.value).startswith("⟦Organisation inconnue")
