"""Dates typed by people in filters and forms: `31/03/2020` (French) or `2020-03-31` (ISO)."""

from __future__ import annotations

from datetime import date, datetime


def parse_date(raw: str | None) -> date | None:
    """The date written `dd/mm/yyyy` or `yyyy-mm-dd`; None when empty or not a real date.

    Callers that got something typed and a None back say so to the user (a sentence next to
    the field), never fall back silently.
    """
    if not raw:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw.strip(), fmt).date()
        except ValueError:
            continue
    return None
