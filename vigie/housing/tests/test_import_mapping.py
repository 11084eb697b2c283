"""Issue #10 finding 6: other vendors' files — a mapping is a promise about the file's columns,
mapping files in Windows-1252, `--json` on every refusal, dates written with a time."""

from __future__ import annotations

import html
import io
import json
from datetime import date, datetime

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from vigie.core.errors import DomainError
from vigie.housing.import_parsing import parse_date
from vigie.housing.importing import load_mapping
from vigie.housing.models import Household, ImportRun, Occupant
from vigie.housing.tests.test_import import counts, run, stock_rows, to_csv

pytestmark = pytest.mark.django_db

# The ERP of the finding: its own headers, and a birth-date column the mapping calls
# « Né(e) le ».
ERP_MAPPING = """
[columns]
"N° bail" = "ref_bail"
"Code logement" = "ref_logement"
"Nom occupant" = "nom"
"Né(e) le" = "date_naissance"
"Tél. domicile" = "telephone"

[values.role]
"TIT" = "titulaire"
"ENF" = "enfant"
"""
ERP_HEADERS = {
    "ref_bail": "N° bail",
    "ref_logement": "Code logement",
    "nom": "Nom occupant",
    "date_naissance": "Né(e) le",
    "telephone": "Tél. domicile",
}
ROLE_CODES = {"titulaire": "TIT", "enfant": "ENF", "Enfant": "ENF", "TITULAIRE": "TIT"}


def erp_rows() -> list[dict]:
    """The stock, plus a son in Marcel Roux's lease who bears his father's name."""
    rows = stock_rows()
    rows.append({**rows[5], "date_naissance": "02/02/1975", "role": "enfant"})
    return rows


def erp_export(rows: list[dict], headers: dict[str, str], encoding: str = "cp1252") -> bytes:
    columns = list(rows[0])
    lines = [";".join(headers.get(c, c) for c in columns)]
    for r in rows:
        cells = {**r, "role": ROLE_CODES.get(r["role"], r["role"])}
        lines.append(";".join(cells[c] for c in columns))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


# ----------------------------------------------------------------------------- the finding


def test_the_erp_file_with_its_mapping_imports_birth_dates_and_keeps_namesakes_apart(landlord_a):
    report = run(landlord_a, erp_export(erp_rows(), ERP_HEADERS), mapping=load_mapping(ERP_MAPPING))
    assert report.errors == [], report.errors
    assert report.imported and report.created == 5
    assert Occupant.objects.filter(last_name="Roux", first_name="Marcel").count() == 2
    assert Household.objects.get(reference="B001").oldest_adult_birth_date == date(1940, 4, 3)


def test_a_column_the_mapping_names_and_the_file_lacks_refuses_the_file(landlord_a):
    # The ERP renamed « Né(e) le » to « Date de naissance »: before, the file was imported with
    # a warning, without any birth date, and the two Marcel Roux were merged into one.
    headers = {**ERP_HEADERS, "date_naissance": "Date de naissance"}
    data = erp_export(erp_rows(), headers)
    report = run(landlord_a, data, mapping=load_mapping(ERP_MAPPING))
    assert not report.imported
    assert len(report.errors) == 1
    error = report.errors[0]
    assert error["line"] == 1 and error["column"] == "date_naissance"
    assert error["message"].startswith(
        "ligne 1 : la correspondance attend la colonne « Né(e) le » (date_naissance), "
        "absente du fichier. Colonnes trouvées : « N° bail », « Code logement », « agence », "
    )
    assert "« Date de naissance »" in error["message"]
    assert counts(landlord_a) == (0, 0, 0)
    assert ImportRun.objects.get().status == "refused"
    # Even importing the valid leases only, a file-level error refuses the whole file.
    report = run(landlord_a, data, mapping=load_mapping(ERP_MAPPING), skip_invalid=True)
    assert not report.imported and counts(landlord_a) == (0, 0, 0)


def test_a_required_column_renamed_in_the_file_names_the_header_the_mapping_expected(landlord_a):
    headers = {**ERP_HEADERS, "ref_bail": "Numéro de bail"}
    report = run(landlord_a, erp_export(erp_rows(), headers), mapping=load_mapping(ERP_MAPPING))
    assert not report.imported
    message = report.errors[0]["message"]
    assert message.startswith(
        "ligne 1 : la correspondance attend la colonne « N° bail » (ref_bail), absente du fichier."
    )
    assert "« Numéro de bail »" in message
    assert "obligatoire" not in message  # one sentence per missing column, not two


def test_a_values_table_for_a_column_the_file_lacks_refuses_the_file(landlord_a):
    rows = [{k: v for k, v in r.items() if k != "handicap"} for r in stock_rows()]
    mapping = load_mapping('[values.handicap]\n"H" = "oui"\n')
    report = run(landlord_a, to_csv(rows), mapping=mapping)
    assert not report.imported
    assert report.errors[0]["message"].startswith(
        "ligne 1 : la correspondance attend la colonne « handicap » (handicap), absente du fichier."
    )
    assert counts(landlord_a) == (0, 0, 0)


def test_a_mapping_column_present_under_its_template_name_is_accepted(landlord_a):
    # The mapping names « Né(e) le », the file has the template's own header: that is the column.
    headers = {k: v for k, v in ERP_HEADERS.items() if k != "date_naissance"}
    report = run(landlord_a, erp_export(erp_rows(), headers), mapping=load_mapping(ERP_MAPPING))
    assert report.errors == [] and report.imported


def test_the_birth_date_column_is_required_without_a_mapping_too(landlord_a):
    rows = [{k: v for k, v in r.items() if k != "date_naissance"} for r in stock_rows()]
    report = run(landlord_a, to_csv(rows))
    assert not report.imported
    message = report.errors[0]["message"]
    assert message.startswith(
        "ligne 1 : colonne obligatoire absente de l'en-tête : date_naissance "
    )
    assert "Colonnes trouvées : « ref_bail », « ref_logement »" in message
    assert counts(landlord_a) == (0, 0, 0)


def test_missing_required_columns_list_the_headers_found(landlord_a):
    rows = stock_rows()
    columns = [c for c in rows[0] if c not in ("nom", "code_postal")]
    report = run(landlord_a, to_csv(rows, columns=columns))
    message = report.errors[0]["message"]
    assert message.startswith(
        "ligne 1 : colonnes obligatoires absentes de l'en-tête : code_postal, nom"
    )
    assert message.endswith("Colonnes trouvées : " + ", ".join(f"« {c} »" for c in columns))


def test_optional_template_columns_absent_from_the_file_are_a_warning(landlord_a):
    rows = [{k: v for k, v in r.items() if k not in ("telephone_2", "email")} for r in stock_rows()]
    report = run(landlord_a, to_csv(rows))
    assert report.imported and report.errors == []
    assert report.warnings[0]["message"] == (
        "ligne 1 : colonnes du modèle absentes du fichier : telephone_2, email. Les valeurs "
        "déjà enregistrées dans Vigie pour ces colonnes sont conservées ; elles restent vides "
        "pour un·e nouvel·le occupant·e, un nouveau bail ou un nouveau logement."
    )


# ----------------------------------------------------------------------------- mapping files


def test_a_mapping_file_saved_in_windows_1252_is_read(landlord_a, tmp_path):
    path = tmp_path / "erp.toml"
    path.write_bytes(ERP_MAPPING.encode("cp1252"))
    mapping = load_mapping(path)
    assert mapping == load_mapping(ERP_MAPPING)
    assert load_mapping(ERP_MAPPING.encode("cp1252")) == mapping  # uploaded bytes
    assert load_mapping(("\ufeff" + ERP_MAPPING).encode("utf-8")) == mapping  # UTF-8 with BOM
    assert load_mapping(ERP_MAPPING.encode("utf-16")) == mapping  # Notepad's « Unicode »
    report = run(landlord_a, erp_export(erp_rows(), ERP_HEADERS), mapping=mapping)
    assert report.errors == [] and report.created == 5


def test_an_undecodable_mapping_file_is_a_sentence(tmp_path):
    path = tmp_path / "erp.toml"
    path.write_bytes(b'[columns]\n"N\x81 bail" = "ref_bail"\n')
    with pytest.raises(DomainError) as exc:
        load_mapping(path)
    assert exc.value.message.startswith(
        "Fichier de correspondance « erp.toml » illisible : il n'est ni en UTF-8 ni en Windows-1252"
    )


def test_a_toml_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "erp.toml"
    path.write_text('[columns]\n"N° bail" = "ref_bail"\n"Nom" = nom\n', encoding="utf-8")
    with pytest.raises(DomainError) as exc:
        load_mapping(path)
    assert exc.value.message.startswith(
        "Fichier de correspondance « erp.toml » : erreur de syntaxe TOML ligne 3, colonne 9 "
    )
    with pytest.raises(DomainError, match="ligne 1"):
        load_mapping("[columns\n")
    with pytest.raises(DomainError, match="TOML à la fin du fichier"):
        load_mapping(b'[columns]\n"Nom" = "nom', name="erp.toml")
    with pytest.raises(DomainError, match="une table « en-tête = colonne » est attendue"):
        load_mapping('columns = "ref_bail"\n')


def test_two_spellings_of_one_header_for_two_columns_are_refused():
    with pytest.raises(DomainError, match="« Nom » et « NOM » désignent le même en-tête"):
        load_mapping('[columns]\n"Nom" = "nom"\n"NOM" = "prenom"\n')


# ----------------------------------------------------------------------------- --json


def refused_json(capsys, *args) -> dict:
    with pytest.raises(SystemExit) as exc:
        call_command("import_stock", *args, "--json")
    assert exc.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {
        "created",
        "updated",
        "unchanged",
        "departed",
        "rejected",
        "warnings",
        "errors",
    }
    assert out["created"] == 0 and out["errors"]
    return out


def test_json_reports_every_refusal_on_stdout(landlord_a, tmp_path, capsys):
    good = tmp_path / "export.csv"
    good.write_bytes(erp_export(erp_rows(), ERP_HEADERS))
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text("[columns\n", encoding="utf-8")
    out = refused_json(capsys, str(good), "--org", "patrimoine", "--mapping", str(bad_toml))
    assert out["errors"][0]["message"].startswith(
        "Fichier de correspondance « bad.toml » : erreur de syntaxe TOML ligne 1"
    )
    unknown_column = tmp_path / "unknown.toml"
    unknown_column.write_text('[columns]\n"N° bail" = "numero_bail"\n', encoding="utf-8")
    out = refused_json(capsys, str(good), "--org", "patrimoine", "--mapping", str(unknown_column))
    assert "n'est pas une colonne du modèle" in out["errors"][0]["message"]
    undecodable = tmp_path / "binary.toml"
    undecodable.write_bytes(b"\x81\x8d\x00\xff")
    out = refused_json(capsys, str(good), "--org", "patrimoine", "--mapping", str(undecodable))
    assert "illisible" in out["errors"][0]["message"]
    out = refused_json(
        capsys, str(good), "--org", "patrimoine", "--mapping", str(tmp_path / "absent.toml")
    )
    assert "absent.toml" in out["errors"][0]["message"]
    out = refused_json(capsys, str(tmp_path / "absent.csv"), "--org", "patrimoine")
    assert "absent.csv" in out["errors"][0]["message"]
    out = refused_json(capsys, str(good), "--org", "inconnue")
    assert out["errors"][0]["message"] == "Organisation inconnue : « inconnue »."
    # The column the mapping names is absent: the report of the refused run.
    mapping = tmp_path / "erp.toml"
    mapping.write_bytes(ERP_MAPPING.encode("cp1252"))
    renamed = tmp_path / "renamed.csv"
    renamed.write_bytes(
        erp_export(erp_rows(), {**ERP_HEADERS, "date_naissance": "Date de naissance"})
    )
    out = refused_json(capsys, str(renamed), "--org", "patrimoine", "--mapping", str(mapping))
    assert "« Né(e) le » (date_naissance)" in out["errors"][0]["message"]
    assert counts(landlord_a) == (0, 0, 0)
    # Without --json, the same refusals are sentences on stderr (CommandError).
    with pytest.raises(CommandError, match="erreur de syntaxe TOML ligne 1"):
        call_command("import_stock", str(good), "--org", "patrimoine", "--mapping", str(bad_toml))
    # And the Windows-1252 mapping imports the file.
    call_command("import_stock", str(good), "--org", "patrimoine", "--mapping", str(mapping))
    assert counts(landlord_a)[0] == 5


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "text",
    [
        "03/04/1940 00:00:00",
        "03/04/1940 00:00",
        "03/04/1940 0:00",
        "3/4/1940 14:35:12",
        "1940-04-03T00:00:00",
        "1940-04-03 00:00:00",
        "1940-04-03T08:15",
        "1940-04-03T00:00:00.000",
        "1940-04-03T00:00:00Z",
        "1940-04-03T00:00:00+02:00",
    ],
)
def test_dates_written_with_a_time_are_that_date(text):
    assert parse_date(text) == date(1940, 4, 3)


@pytest.mark.parametrize("text", ["03/04/1940 25:00", "03/04/1940 12:60", "03/04/1940 midi"])
def test_a_date_with_a_garbled_time_is_still_an_error(text):
    assert isinstance(parse_date(text), str)


def test_csv_and_xlsx_dates_with_a_time_are_imported(landlord_a):
    rows = stock_rows()
    rows[0]["date_naissance"] = "03/04/1940 00:00:00"
    rows[0]["date_entree"] = "1998-09-01T00:00:00"
    rows[3]["date_naissance"] = "15/11/1952 00:00"
    report = run(landlord_a, to_csv(rows))
    assert report.errors == [], report.errors
    h = Household.objects.get(reference="B001")
    assert h.oldest_adult_birth_date == date(1940, 4, 3) and h.start_date == date(1998, 9, 1)
    assert Occupant.objects.get(last_name="Bernard").birth_date == date(1952, 11, 15)

    wb = openpyxl.Workbook()
    ws = wb.active
    rows = stock_rows()
    columns = list(rows[0])
    ws.append(columns)
    for r in rows:
        ws.append([r[c] for c in columns])
    birth, start = columns.index("date_naissance") + 1, columns.index("date_entree") + 1
    ws.cell(row=2, column=birth, value=datetime(1940, 4, 3, 0, 0))  # an Excel datetime
    ws.cell(row=2, column=start, value=datetime(1998, 9, 1, 13, 45))  # with a time of day
    ws.cell(row=5, column=birth, value="15/11/1952 00:00:00")  # text, as some ERPs write it
    ws.cell(row=3, column=birth, value=31228.5)  # a serial number with a time: 1985-06-30
    buf = io.BytesIO()
    wb.save(buf)
    report = run(landlord_a, buf.getvalue())
    assert report.errors == [], report.errors
    h = Household.objects.get(reference="B001")
    assert h.oldest_adult_birth_date == date(1940, 4, 3) and h.start_date == date(1998, 9, 1)
    assert Occupant.objects.get(last_name="Bernard").birth_date == date(1952, 11, 15)
    assert Occupant.objects.get(first_name="Chloé").birth_date == date(1985, 6, 30)


# ----------------------------------------------------------------------------- web


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_web_import_refuses_a_file_without_the_column_the_mapping_names(client, amina, media):
    client.force_login(amina)
    headers = {**ERP_HEADERS, "date_naissance": "Date de naissance"}

    def upload(data: bytes, mapping: bytes):
        return client.post(
            reverse("housing:import_upload"),
            {
                "file": SimpleUploadedFile("export.csv", data, "text/csv"),
                "mapping": SimpleUploadedFile("erp.toml", mapping),
                "mode": "full",
                "skip_invalid": "on",
            },
        )

    response = upload(erp_export(erp_rows(), headers), ERP_MAPPING.encode("cp1252"))
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "la correspondance attend la colonne « Né(e) le » (date_naissance)" in preview
    assert "« Date de naissance »" in preview
    assert "Confirmer l&#x27;import" not in preview and "Confirmer l'import" not in preview
    client.post(response["Location"] + "confirmer/")
    assert Household.objects.count() == 0
    # A mapping with a TOML syntax error: the form says where.
    page = upload(erp_export(erp_rows(), ERP_HEADERS), b"[columns\n")
    assert page.status_code == 200
    assert (
        "Fichier de correspondance « erp.toml » : erreur de syntaxe TOML ligne 1"
        in page.content.decode()
    )
    # The Windows-1252 mapping and the right file: imported.
    response = upload(erp_export(erp_rows(), ERP_HEADERS), ERP_MAPPING.encode("cp1252"))
    client.post(response["Location"] + "confirmer/")
    assert Household.objects.count() == 5


def test_a_refused_mapping_preview_suggests_only_what_is_possible(client, amina, media):
    """The preview of a file refused for its mapping said to tick « rejeter les baux en erreur »,
    which imports nothing there: that suggestion is kept for leases in error among valid ones."""
    client.force_login(amina)
    headers = {**ERP_HEADERS, "date_naissance": "Date de naissance"}
    tick = "en cochant « Importer les baux valides et rejeter ceux qui ont une erreur »"

    def preview(data: bytes, mapping: bytes | None = None, **extra) -> str:
        fields = {"file": SimpleUploadedFile("export.csv", data, "text/csv"), "mode": "full"}
        if mapping is not None:
            fields["mapping"] = SimpleUploadedFile("erp.toml", mapping)
        response = client.post(reverse("housing:import_upload"), {**fields, **extra})
        assert response.status_code == 302
        return html.unescape(client.get(response["Location"]).content.decode())

    for extra in ({}, {"skip_invalid": "on"}):
        page = preview(erp_export(erp_rows(), headers), ERP_MAPPING.encode(), **extra)
        assert "Fichier refusé" in page
        assert "corrigez-la et déposez-le de nouveau. Rien ne sera importé." in page
        assert "rejeter" not in page.split("Fichier refusé")[1].split("</p>")[0]
    # One lease in error among valid ones, the box not ticked: the suggestion is right there.
    rows = erp_rows()
    rows[0] = {**rows[0], "date_naissance": "31/02/1950"}
    page = preview(erp_export(rows, ERP_HEADERS), ERP_MAPPING.encode())
    assert tick in page
