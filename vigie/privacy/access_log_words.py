"""The access log in words for the DPO (issue #9 §8): who (name), what (an object named as the
landlord's staff name it: "ménage BAIL-0042", "orientation n° 7 (ménage BAIL-0042)"), and the
detail in French (a refused permission's sentence, a search's criteria, an export's list) —
never `actions.referral 2` or a permission code."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.models import AccessLog
from vigie.core.permissions import DENIED_SENTENCES, Perm

# Words of the register's search parameters (housing/views.py `households`).
_SEARCH_KEYS = {
    "q": gettext_lazy("recherche"),
    "cohort": gettext_lazy("cohorte"),
    "agency": gettext_lazy("agence"),
    "residence": gettext_lazy("résidence"),
    "commune": gettext_lazy("commune"),
    "status": gettext_lazy("statut"),
    "as_of": gettext_lazy("à la date du"),
}


def _noun(object_type: str) -> str:
    return {
        "housing.household": _("ménage"),
        "housing.occupant": _("occupant·e"),
        "housing.residence": _("résidence"),
        "housing.importrun": _("import n°"),
        "campaigns.campaign": _("campagne"),
        "campaigns.target": _("appel n°"),
        "actions.referral": _("orientation n°"),
        "actions.ticket": _("signalement n°"),
        "actions.task": _("tâche n°"),
    }.get(object_type, "")


def _names(user: Any, entries: list[AccessLog]) -> dict[tuple[str, str], str]:
    """A readable name for each (object_type, id) of the page, read through the scoping."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in entries:
        if e.object_type and e.object_id.isascii() and e.object_id.isdigit():
            wanted[e.object_type].add(int(e.object_id))
    out: dict[tuple[str, str], str] = {}
    for object_type, ids in wanted.items():
        try:
            model = apps.get_model(object_type)
        except (LookupError, ValueError):
            continue
        manager = model._default_manager
        qs = (
            manager.visible_to(user, Perm.AUDIT_VIEW)  # type: ignore[attr-defined]
            if hasattr(manager, "visible_to")
            else manager.none()
        ).filter(pk__in=ids)
        if object_type == "housing.occupant":
            qs = qs.select_related("household")
            for o in qs:
                out[(object_type, str(o.pk))] = _("%(name)s (ménage %(ref)s)") % {
                    "name": str(o),
                    "ref": o.household.reference,
                }
        elif object_type in ("actions.referral", "actions.ticket", "campaigns.target"):
            related = "household" if object_type != "actions.ticket" else "residence"
            for o in qs.select_related(related):
                other = getattr(o, related)
                what = (
                    _("ménage %(ref)s") % {"ref": other.reference}
                    if related == "household"
                    else _("résidence %(name)s") % {"name": other.name}
                )
                out[(object_type, str(o.pk))] = f"{o.pk} ({what})"
        elif object_type in ("housing.importrun", "actions.task"):
            for o in qs:
                out[(object_type, str(o.pk))] = str(o.pk)
        else:
            for o in qs:
                out[(object_type, str(o.pk))] = str(o)
    return out


def _detail(e: AccessLog, names: dict[str, dict[str, str]]) -> str:
    d = (e.detail or "").strip()
    if not d:
        return ""
    if e.action == "denied":
        sentence = DENIED_SENTENCES.get(d)
        if sentence is not None:
            return str(sentence)
    if d in ("sheet", "sheet.csv", "sheet.xlsx"):
        return _("feuille d'appels papier")
    if d == "not_reached":
        return _("liste des ménages injoignables")
    if d == "no_phone":
        return _("liste des ménages sans téléphone")
    if d == "callbacks":
        return _("liste des rappels")
    fmt, _sep, rest = d.partition(" ")
    if fmt in ("csv", "xlsx"):
        what = {
            "results": _("résultats de la campagne"),
            "actions report": _("bilan des suites"),
            "sheet": _("feuille d'appels papier"),
        }.get(rest)
        if what is None:
            what = _("registre") + (" — " + _search_words(rest, names) if rest else "")
        return _("export %(fmt)s : %(what)s") % {"fmt": fmt.upper(), "what": what}
    if "=" in d:
        return _search_words(d, names)
    return d


def _search_words(detail: str, names: dict[str, dict[str, str]] | None = None) -> str:
    from vigie.housing.choices import Cohort

    names = names or {}
    statuses = {
        "active": gettext_lazy("en place"),
        "departed": gettext_lazy("partis"),
        "all": gettext_lazy("tous"),
    }
    parts = []
    for piece in detail.split():
        key, _sep, value = piece.partition("=")
        label = _SEARCH_KEYS.get(key)
        if key == "cohort" and value in Cohort.values:
            value = str(Cohort(value).label)
        elif key == "status" and value in statuses:
            value = str(statuses[value])
        elif key in names:
            value = names[key].get(value, value)
        parts.append(f"{label} « {value} »" if label else piece)
    return ", ".join(parts)


def _search_names(user: Any, entries: list[AccessLog]) -> dict[str, dict[str, str]]:
    """Names of the communes, agencies and residences the search details name by code."""
    from vigie.core.selectors import organisation_ids_where
    from vigie.housing.models import Agency, Commune, Residence

    wanted: dict[str, set[str]] = {"commune": set(), "agency": set(), "residence": set()}
    for e in entries:
        for piece in (e.detail or "").split():
            key, _sep, value = piece.partition("=")
            if key in wanted and value:
                wanted[key].add(value)
    out: dict[str, dict[str, str]] = {key: {} for key in wanted}
    if wanted["commune"]:
        out["commune"] = dict(
            Commune.objects.filter(insee_code__in=wanted["commune"]).values_list(
                "insee_code", "name"
            )
        )
    ids = {
        key: [int(v) for v in wanted[key] if v.isascii() and v.isdigit()]
        for key in ("agency", "residence")
    }
    if ids["agency"]:
        out["agency"] = {
            str(pk): name
            for pk, name in Agency.objects.filter(
                pk__in=ids["agency"],
                organisation_id__in=organisation_ids_where(user, Perm.AUDIT_VIEW),
            ).values_list("pk", "name")
        }
    if ids["residence"]:
        out["residence"] = {
            str(pk): name
            for pk, name in Residence.objects.visible_to(user, Perm.AUDIT_VIEW)
            .filter(pk__in=ids["residence"])
            .values_list("pk", "name")
        }
    return out


def access_log_rows(user: Any, entries: list[AccessLog]) -> list[dict[str, Any]]:
    names = _names(user, entries)
    search_names = _search_names(user, entries)
    rows = []
    for e in entries:
        who = "—"
        if e.user is not None:
            full = e.user.get_full_name()
            who = f"{full} ({e.user.username})" if full else e.user.username
        noun = _noun(e.object_type)
        name = names.get((e.object_type, e.object_id))
        if name is not None:
            obj = f"{noun} {name}".strip() if noun else name
        elif e.object_type:
            obj = f"{noun or e.object_type} {e.object_id}".strip()
            if not e.object_id:
                obj = {
                    "housing.household": _("registre des ménages"),
                }.get(e.object_type, noun or "")
        else:
            obj = ""
        rows.append(
            {
                "at": e.at,
                "who": who,
                "action": e.get_action_display(),
                "object": obj,
                "detail": _detail(e, search_names),
                "path": e.path,
            }
        )
    return rows
