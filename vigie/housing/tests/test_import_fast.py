"""The fast paths of the ERP import (issue #6) give the same results as the slow ones.

The import reads the file as a stream, checks each distinct value once, computes the
households' derived fields from tuples, writes new rows with ids given beforehand (from a
writer thread on SQLite) and compares the register as tuples on a re-import. These tests pin
what each shortcut must agree with.
"""

from __future__ import annotations

import pytest

from vigie.housing import importing
from vigie.housing.demo import generate_export
from vigie.housing.import_fastwrite import RowWriter
from vigie.housing.importing import import_stock
from vigie.housing.models import Dwelling, Household, Occupant
from vigie.housing.services import composition_of, search_text_of
from vigie.housing.tests.test_import import counts, occupant_row, stock_rows, to_csv

pytestmark = pytest.mark.django_db(transaction=True)


def run(org, data: bytes, **kw):
    return import_stock(organisation=org, data=data, file_name="export.csv", **kw)


def assert_derived_fields_match_the_services(org) -> None:
    households = Household.objects.filter(organisation=org).select_related("dwelling")
    assert households
    for h in households:
        occupants = list(h.occupants.all())
        c = composition_of(occupants)
        assert (h.adults, h.children, h.oldest_adult_birth_date) == (
            c.adults,
            c.children,
            c.oldest_adult_birth_date,
        ), h.reference
        assert (h.has_disability, h.has_phone) == (c.has_disability, c.has_phone), h.reference
        assert h.search_text == search_text_of(h, occupants), h.reference


def test_derived_fields_written_from_tuples_are_those_of_the_services(landlord_a):
    export = generate_export(dwellings=300, seed=11)
    report = run(landlord_a, export.data)
    assert report.imported and report.created == export.households
    assert Occupant.objects.filter(organisation=landlord_a).count() == export.rows - sum(
        1 for w in report.warnings if "fusionnée" in w["message"] or "même occupant" in w["message"]
    )
    assert_derived_fields_match_the_services(landlord_a)
    # Positions follow the file, from 0 in each household.
    for h in Household.objects.filter(organisation=landlord_a)[:50]:
        assert list(h.occupants.values_list("position", flat=True)) == list(
            range(h.occupants.count())
        )
    # The same file again: nothing to write.
    again = run(landlord_a, export.data)
    assert (again.created, again.updated, again.departed) == (0, 0, 0)
    assert again.unchanged == export.households


def test_reimport_moves_a_lease_to_a_new_dwelling_and_updates_its_derived_fields(landlord_a):
    run(landlord_a, to_csv(stock_rows()))
    rows = stock_rows()
    rows[0].update(ref_logement="L900", adresse="1 place Neuve", telephone="", email="")
    rows[1]["prenom"] = "Chloé-Anne"  # another person: one leaves, one arrives
    report = run(landlord_a, to_csv(rows))
    assert report.imported and report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 2, 3)
    moved = Household.objects.get(organisation=landlord_a, reference="B001")
    assert moved.dwelling.reference == "L900" and moved.dwelling.address == "1 place Neuve"
    assert Dwelling.objects.filter(organisation=landlord_a).count() == 6  # L001 is kept
    assert_derived_fields_match_the_services(landlord_a)


def test_a_bad_row_late_in_the_file_refuses_it_as_if_read_first(landlord_a):
    rows = [
        occupant_row(ref_bail=f"B{i:03}", ref_logement=f"L{i:03}", telephone="05 61 23")
        for i in range(300)
    ]
    data = to_csv(rows) + b"B999;L999;x;y;z;1;2;3;4;5;6;7;8;9;0;1;2;3;4;5;6;7;8;9;10;11;12\r\n"
    report = run(landlord_a, data)
    assert not report.imported and report.rows == 0 and report.warnings == []
    assert [e["message"] for e in report.errors] == [
        "ligne 302 : 27 valeurs pour 22 colonnes d'en-tête (séparateur ou guillemets incorrects ?)"
    ]
    assert counts(landlord_a) == (0, 0, 0)


def test_header_after_many_blank_lines_and_comma_separator(landlord_a):
    body = to_csv(stock_rows(), sep=",", encoding="utf-8", newline="\n")
    data = b"\n" * 70_000 + body
    report = run(landlord_a, data)
    assert report.imported and report.created == 5
    rows = stock_rows()
    rows[1]["date_naissance"] = "31/02/1950"
    report = run(landlord_a, b"\n" * 70_000 + to_csv(rows, sep=",", encoding="utf-8"))
    assert [e["message"] for e in report.errors] == [
        "ligne 70003, colonne date_naissance : « 31/02/1950 » n'est pas une date valide"
    ]


def test_a_failed_write_rolls_everything_back_and_says_so(landlord_a, monkeypatch):
    run(landlord_a, to_csv(stock_rows()[:2]))
    before = counts(landlord_a)
    real = importing.allocate_ids

    def colliding(model, count):  # ids already taken: the INSERT fails in the database
        if model is Household:
            first = Household.objects.order_by("pk").values_list("pk", flat=True).first()
            return range(first, first + count)
        return real(model, count)

    monkeypatch.setattr(importing, "allocate_ids", colliding)
    # Small batches: occupants are still queued for the writer when the households fail, and
    # must be written (and rolled back) or dropped before the transaction ends, never after.
    monkeypatch.setattr(RowWriter, "BATCH", 1)
    report = run(landlord_a, to_csv(stock_rows()))
    assert not report.imported
    message = report.errors[-1]["message"]
    assert "l'écriture en base a échoué, rien n'a été importé (IntegrityError" in message
    assert counts(landlord_a) == before


def test_a_dwelling_moved_to_a_building_the_same_import_creates_keeps_it(landlord_a):
    """Review finding: the fast bulk update wrote NULL for a building created in the same run."""
    from vigie.housing.models import Dwelling
    from vigie.housing.tests.test_import import occupant_row, to_csv

    first = import_stock(
        organisation=landlord_a, data=to_csv([occupant_row()]), file_name="a.csv", actor=None
    )
    assert first.imported, first.errors
    again = import_stock(
        organisation=landlord_a,
        data=to_csv([occupant_row(batiment="B")]),
        file_name="b.csv",
        actor=None,
    )
    assert again.imported, again.errors
    dwelling = Dwelling.objects.get(reference="L001")
    assert dwelling.building is not None and dwelling.building.name == "B"


def test_a_dwelling_moved_to_a_residence_the_same_import_creates(landlord_a):
    """Review finding: the same, for the residence (NOT NULL: the import was refused)."""
    from vigie.housing.models import Dwelling
    from vigie.housing.tests.test_import import occupant_row, to_csv

    import_stock(
        organisation=landlord_a, data=to_csv([occupant_row()]), file_name="a.csv", actor=None
    )
    again = import_stock(
        organisation=landlord_a,
        data=to_csv([occupant_row(residence="Les Tilleuls")]),
        file_name="b.csv",
        actor=None,
    )
    assert again.imported, again.errors
    assert Dwelling.objects.get(reference="L001").residence.name == "Les Tilleuls"
