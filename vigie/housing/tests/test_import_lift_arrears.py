"""The optional import columns of issue #16: `ascenseur` per building, `impaye_mois` per lease."""

from __future__ import annotations

import pytest

from vigie.housing.models import Building, Household
from vigie.housing.tests.test_import import occupant_row, run, stock_rows, to_csv

pytestmark = pytest.mark.django_db


def with_columns(rows, **by_ref):
    """Rows with `ascenseur` and `impaye_mois` cells, per lease reference: (lift, months)."""
    out = []
    for row in rows:
        lift, months = by_ref.get(row["ref_bail"], ("", ""))
        out.append({**row, "ascenseur": lift, "impaye_mois": months})
    return out


def test_lift_per_building_and_arrears_per_lease_are_stored(landlord_a):
    rows = with_columns(stock_rows(), B001=("oui", "2"), B002=("", "0"), B004=("non", ""))
    report = run(landlord_a, to_csv(rows))
    assert report.imported, report.errors
    erables_a = Building.objects.get(residence__name="Les Érables", name="A")
    assert erables_a.has_lift is True  # B002's blank is "unknown", not a disagreement
    assert Building.objects.get(residence__name="Les Jardins de Sapiac").has_lift is False
    months = dict(Household.objects.values_list("reference", "arrears_months"))
    assert months["B001"] == 2
    assert months["B002"] == 0
    assert months["B004"] is None  # blank: unknown

    # A second import changes them, and a file without the columns keeps them.
    rows = with_columns(stock_rows(), B001=("non", ""), B002=("non", "3"))
    assert run(landlord_a, to_csv(rows)).imported
    erables_a.refresh_from_db()
    assert erables_a.has_lift is False
    months = dict(Household.objects.values_list("reference", "arrears_months"))
    assert months["B001"] is None and months["B002"] == 3
    assert run(landlord_a, to_csv(stock_rows())).imported
    assert dict(Household.objects.values_list("reference", "arrears_months"))["B002"] == 3
    erables_a.refresh_from_db()
    assert erables_a.has_lift is False


def test_rows_of_one_building_that_disagree_are_an_error_naming_their_lines(landlord_a):
    rows = with_columns(stock_rows(), B001=("oui", ""), B002=("non", ""))
    report = run(landlord_a, to_csv(rows))
    assert not report.imported
    assert Household.objects.count() == 0  # nothing written
    (error,) = [e for e in report.errors if e["column"] == "ascenseur"]
    # B001 is line 2, B002 lines 3 and 4 (header is line 1).
    assert "oui ligne 2" in error["message"]
    assert "non lignes 3, 4" in error["message"]
    # With skip_invalid, the building's leases are rejected and the others imported.
    report = run(landlord_a, to_csv(rows), skip_invalid=True)
    assert report.imported
    refs = set(Household.objects.values_list("reference", flat=True))
    assert "B001" not in refs and "B002" not in refs and "B004" in refs


def test_bad_values_name_line_and_column(landlord_a):
    rows = with_columns(
        [occupant_row(), occupant_row(ref_bail="B009", ref_logement="L009", porte="9")],
        B001=("peut-être", ""),
        B009=("", "deux"),
    )
    report = run(landlord_a, to_csv(rows))
    assert not report.imported
    found = {(e["line"], e["column"], e["value"]) for e in report.errors}
    assert (2, "ascenseur", "peut-être") in found
    assert (3, "impaye_mois", "deux") in found


def test_two_rows_of_one_lease_with_different_arrears(landlord_a):
    rows = with_columns(stock_rows())
    rows[1]["impaye_mois"] = "1"
    rows[2]["impaye_mois"] = "4"
    report = run(landlord_a, to_csv(rows))
    assert not report.imported
    assert any(e["column"] == "impaye_mois" and e["line"] == 4 for e in report.errors)
