from hypothesis import given
from hypothesis import strategies as st

from vigie.privacy.stats import HIDDEN, suppress_small_cells, suppress_with_total


def test_cells_under_five_are_hidden():
    assert suppress_small_cells({"a": 0, "b": 1, "c": 4, "d": 5, "e": 40}) == {
        "a": 0,
        "b": HIDDEN,
        "c": HIDDEN,
        "d": 5,
        "e": 40,
    }


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 50), min_size=1, max_size=8))
def test_a_hidden_cell_cannot_be_recomputed_from_the_total(counts):
    out, total = suppress_with_total(counts)
    hidden = [k for k, v in out.items() if v == HIDDEN]
    assert all(counts[k] >= 5 or counts[k] == 0 for k, v in out.items() if v != HIDDEN)
    # Either nothing is hidden, or at least two cells are (or no other cell could be hidden).
    assert len(hidden) != 1 or all(v == 0 for k, v in counts.items() if k not in hidden)
