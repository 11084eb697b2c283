"""A wave's custom filters in French words ("1 adulte, sans enfant"), never as raw keys."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def _range(lo: int | None, hi: int | None, *, one: str, many: str, unit_zero: str = "") -> str:
    def n(k: int) -> str:
        return ngettext(one, many, k) % {"n": k}

    if lo is not None and hi is not None:
        if lo == hi:
            return unit_zero if (lo == 0 and unit_zero) else n(lo)
        return _("de %(lo)s à %(hi)s") % {"lo": lo, "hi": n(hi)}
    if lo is not None:
        return _("%(n)s ou plus") % {"n": n(lo)}
    if hi is not None:
        return unit_zero if (hi == 0 and unit_zero) else _("%(n)s au plus") % {"n": n(hi)}
    return ""


def filter_labels(
    filters: dict[str, Any], *, sensitive: bool, names: dict[str, dict[Any, str]] | None = None
) -> list[str]:
    """The wave's filters as short French phrases. `names` maps agency/residence ids and INSEE
    codes to names (`{"agency_ids": {3: "Agence Nord"}, ...}`); disability only if `sensitive`."""
    f, names, out = filters or {}, names or {}, []
    age_min, age_max = f.get("age_min"), f.get("age_max")
    if age_min is not None and age_max is not None:
        out.append(_("doyen·ne de %(lo)s à %(hi)s ans") % {"lo": age_min, "hi": age_max})
    elif age_min is not None:
        out.append(_("doyen·ne de %(n)s ans ou plus") % {"n": age_min})
    elif age_max is not None:
        out.append(_("doyen·ne de %(n)s ans au plus") % {"n": age_max})
    adults = _range(
        f.get("adults_min"), f.get("adults_max"), one="%(n)s adulte", many="%(n)s adultes"
    )
    if adults:
        out.append(adults)
    children = _range(
        f.get("children_min"),
        f.get("children_max"),
        one="%(n)s enfant",
        many="%(n)s enfants",
        unit_zero=_("sans enfant"),
    )
    if children:
        out.append(children)
    if "disability" in f and sensitive:
        out.append(
            _("situation de handicap") if f["disability"] else _("sans situation de handicap")
        )
    if "priority_neighbourhood" in f:
        out.append(_("en quartier prioritaire") if f["priority_neighbourhood"] else _("hors QPV"))
    if "without_phone" in f:
        out.append(_("sans téléphone") if f["without_phone"] else _("avec téléphone"))
    for key, label in (
        ("agency_ids", _("agences : %(names)s")),
        ("residence_ids", _("résidences : %(names)s")),
        ("communes", _("communes : %(names)s")),
    ):
        if f.get(key):
            known = names.get(key, {})
            out.append(label % {"names": ", ".join(str(known.get(v, v)) for v in f[key])})
    return out
