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


# Ground floor as ERP exports write it, folded without spaces or hyphens.
_GROUND = {"0", "00", "rdc", "r", "rezdechaussee"}


def _is_ground(value: str) -> bool:
    return fold(value).replace("-", "").replace(" ", "") in _GROUND


def _floor_number(value: str) -> int | None:
    v = (value or "").strip()
    return int(v) if v.lstrip("-").isdigit() else None


def floor_label(value: str) -> str:
    """A dwelling's floor as people say it: '0'/'RDC' → 'rez-de-chaussée', '1' → '1er étage',
    '3' → '3e étage', '-1' → 'sous-sol (-1)', anything else → 'étage B'. Empty stays empty."""
    from django.utils.translation import gettext as _

    v = (value or "").strip()
    if not v:
        return ""
    if _is_ground(v) or _floor_number(v) == 0:
        return _("rez-de-chaussée")
    n = _floor_number(v)
    if n is not None and n < 0:
        return _("sous-sol (%(n)s)") % {"n": n}
    if n == 1:
        return _("1er étage")
    if n is not None:
        return _("%(n)se étage") % {"n": n}
    return _("étage %(floor)s") % {"floor": v}


def floor_short(value: str) -> str:
    """The same in a table's 'Étage' column: 'RDC', '1er', '3e', '-1', 'B'."""
    from django.utils.translation import gettext as _

    v = (value or "").strip()
    if not v:
        return ""
    n = _floor_number(v)
    if _is_ground(v) or n == 0:
        return _("RDC")
    if n == 1:
        return _("1er")
    if n is not None and n > 1:
        return _("%(n)se") % {"n": n}
    return v


_VOWELS = tuple("AEIOUYÂÀÉÈÊËÎÏÔÛÙÜŸŒ")


def of_person(name: str) -> str:
    """French "de" before a person's name or login: "de Paul Roy", "d'Émilie Durand",
    "d'admin" (never "du" for "Le Goff": that is a surname, not an article). In another
    language, the name as it is: the sentence around it says "of"."""
    from django.utils.translation import get_language

    name = (name or "").strip()
    if not (get_language() or "fr").startswith("fr"):
        return name
    return ("d'" if name[:1].upper() in _VOWELS else "de ") + name
