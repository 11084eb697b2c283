"""Small-cell suppression: figures that leave the landlord are never about fewer than 11 people.

Funders, partners and other organisations read counts (people helped, cases, outcomes). A
count under the threshold can point at a person ("the one household with a disability in that
residence"), so every figure shown to them goes through `suppress()`:

- primary suppression: a figure under `SMALL_CELL` (11) — zero included, as a zero in a small
  population says as much — is replaced by None and its key listed in `suppressed`;
- secondary suppression: for each group of figures whose total is published as well (age bands
  that add up to the people counted), one hidden figure alone could be recovered by
  subtraction; the smallest other figure of the group is hidden too, until each group hides
  none or at least two.

The landlord's own managers read exact figures (they hold the register); the callers of this
module decide who is "outside" and pass `exact=True` for them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

SMALL_CELL = 11

#: The rule as printed under every suppressed table or report.
RULE = _(
    "Secret statistique : les effectifs inférieurs à 11 sont masqués (« < 11 »), ainsi qu'un "
    "second effectif quand un total permettrait de retrouver le premier."
)


@dataclass
class Suppressed:
    values: dict[str, Any]
    suppressed: list[str] = field(default_factory=list)


def suppress(
    values: Mapping[str, int | None],
    *,
    groups: Iterable[Iterable[str]] = (),
    threshold: int = SMALL_CELL,
    exact: bool = False,
) -> Suppressed:
    """`values` with each figure under `threshold` replaced by None (see the module)."""
    out: dict[str, Any] = dict(values)
    if exact:
        return Suppressed(out, [])
    hidden = [k for k, v in out.items() if v is not None and v < threshold]
    for key in hidden:
        out[key] = None
    groups = [list(g) for g in groups]
    changed = True
    while changed:
        changed = False
        for group in groups:
            members = [k for k in group if k in out]
            gone = [k for k in members if k in hidden]
            if len(gone) != 1:
                continue
            shown = sorted((k for k in members if out[k] is not None), key=lambda k: (out[k], k))
            if shown:
                out[shown[0]] = None
                hidden.append(shown[0])
                changed = True
    return Suppressed(out, [k for k in values if k in hidden])


def suppress_table(
    rows: list[dict[str, Any]], columns: Iterable[str], *, exact: bool = False
) -> tuple[list[dict[str, Any]], int]:
    """Each row's `columns` suppressed (each row's columns a group when it shows a total is up
    to the caller); returns the rows and how many cells were hidden."""
    columns = list(columns)
    hidden = 0
    out = []
    for row in rows:
        s = suppress({c: row.get(c) for c in columns}, exact=exact)
        hidden += len(s.suppressed)
        out.append({**row, **s.values})
    return out, hidden
