"""Small-cell suppression (core/smallcells.py): no figure under 11 leaves, none recoverable."""

from vigie.core.smallcells import suppress, suppress_table


def test_figures_under_eleven_are_hidden_and_listed():
    s = suppress({"households": 40, "people": 10, "parcels": 0, "with_disability": 11})
    assert s.values == {"households": 40, "people": None, "parcels": None, "with_disability": 11}
    assert s.suppressed == ["people", "parcels"]


def test_one_hidden_band_of_a_published_total_hides_a_second_one():
    bands = {"0-3": 3, "4-15": 25, "16-64": 60, "65+": 14}
    s = suppress({**bands, "people": 102}, groups=[list(bands)])
    # 0-3 alone could be recovered as 102 - 25 - 60 - 14: the smallest other band goes too.
    assert s.values["0-3"] is None and s.values["65+"] is None
    assert s.values["4-15"] == 25 and s.values["16-64"] == 60 and s.values["people"] == 102
    assert sorted(s.suppressed) == ["0-3", "65+"]


def test_two_hidden_bands_need_nothing_more():
    s = suppress({"a": 3, "b": 4, "c": 50}, groups=[["a", "b", "c"]])
    assert s.values == {"a": None, "b": None, "c": 50}


def test_exact_figures_for_those_who_hold_the_register():
    s = suppress({"people": 3}, exact=True)
    assert s.values == {"people": 3} and s.suppressed == []


def test_a_table_counts_its_hidden_cells():
    rows, hidden = suppress_table([{"name": "x", "n": 4}, {"name": "y", "n": 12}], ["n"])
    assert rows == [{"name": "x", "n": None}, {"name": "y", "n": 12}] and hidden == 1
