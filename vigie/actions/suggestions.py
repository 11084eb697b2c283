"""From a call to action without retyping (issue #9 §3): what a referral or a ticket created
from a call's need starts with — the call's notes, a ticket category guessed from them, the
partner serving the household's commune. Suggestions only: the person checks before sending."""

from __future__ import annotations

import re
import unicodedata

from vigie.actions.choices import TicketCategory
from vigie.campaigns.models import Need
from vigie.core.permissions import Perm

# Words of a caller's note → the agency's ticket category (accents and case ignored).
_CATEGORY_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (TicketCategory.LIFT, ("ascenseur", "elevateur")),
    (TicketCategory.LIGHTING, ("eclairage", "lumiere", "ampoule", "minuterie", "noir")),
    (
        TicketCategory.ENTRANCE_DOOR,
        ("porte d'entree", "porte du hall", "interphone", "digicode", "badge"),
    ),
    (TicketCategory.PESTS, ("cafard", "blatte", "rat", "souris", "punaise", "nuisible", "guepe")),
    (TicketCategory.HEATING, ("chauffage", "radiateur", "chaudiere", "froid")),
    (TicketCategory.WATER, ("eau", "fuite", "inondation", "degat des eaux", "robinet")),
    (TicketCategory.CLEANING, ("menage", "proprete", "sale", "ordure", "poubelle", "encombrant")),
]


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in text if not unicodedata.combining(c))


def ticket_category_from(text: str) -> str:
    """The category the note's words suggest, or "" when none does (the person chooses)."""
    folded = _fold(text or "")
    for category, words in _CATEGORY_WORDS:
        if any(re.search(r"\b" + re.escape(w) + r"s?\b", folded) for w in words):
            return str(category)
    return ""


def call_notes(user, need: Need, *, limit: int) -> str:
    """The notes of the call that raised the need, for someone who may read call notes."""
    attempt = need.attempt
    if attempt is None or not attempt.notes:
        return ""
    if not user.has_org_perm(Perm.CALL_NOTES_VIEW, need.organisation_id):
        return ""
    notes = " ".join(attempt.notes.split())
    return notes if len(notes) <= limit else notes[: limit - 1].rstrip() + "…"
