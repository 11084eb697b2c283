"""Text normalisation shared by import matching and search."""

from __future__ import annotations

import re
import unicodedata

_NON_ALNUM = re.compile(r"[^A-Z0-9]+")
_SAINT = re.compile(r"\b(ST)\b")
_SAINTE = re.compile(r"\b(STE)\b")


def fold(text: str) -> str:
    """Lower-case ASCII without accents: 'Éléonore ' → 'eleonore'."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def commune_match_name(name: str) -> str:
    """'St-Jean', 'SAINT JEAN', 'Saint-Jean ' → 'SAINT JEAN'."""
    s = _NON_ALNUM.sub(" ", fold(name).upper()).strip()
    s = _SAINT.sub("SAINT", s)
    s = _SAINTE.sub("SAINTE", s)
    return " ".join(s.split())
