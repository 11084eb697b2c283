"""Statistics without re-identification: cells under 5 households are hidden."""

from __future__ import annotations

from collections.abc import Mapping

THRESHOLD = 5
HIDDEN = "< 5"


def suppress_small_cells(
    counts: Mapping[str, int], *, threshold: int = THRESHOLD
) -> dict[str, int | str]:
    """{"Bagatelle": 3, "Empalot": 12} → {"Bagatelle": "< 5", "Empalot": 12}.

    Zero stays 0 (saying nobody is there reveals no one). When exactly one cell is hidden and a
    total could give it away, callers must hide the total too or a second cell
    (`suppress_with_total`).
    """
    return {k: (HIDDEN if 0 < v < threshold else v) for k, v in counts.items()}


def suppress_with_total(
    counts: Mapping[str, int], *, threshold: int = THRESHOLD
) -> tuple[dict[str, int | str], int]:
    """Hide small cells, and a second one when only one is hidden, so the total gives none away."""
    out = suppress_small_cells(counts, threshold=threshold)
    hidden = [k for k, v in out.items() if v == HIDDEN]
    if len(hidden) == 1:
        visible = sorted((v, k) for k, v in out.items() if isinstance(v, int) and v > 0)
        if visible:
            out[visible[0][1]] = HIDDEN
    return out, sum(counts.values())
