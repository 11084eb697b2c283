"""The access log in words for the DPO (issue #9 §8): who (name), what (an object named as the
landlord's staff name it: "ménage BAIL-0042", "orientation n° 7 (ménage BAIL-0042)"), and the
detail in French (a refused permission's sentence, a search's criteria, an export's list) —
never `actions.referral 2` or a permission code.

The upper modules (mediation, food aid, projects, reports) name their own objects and details
through `describe()`, from their `privacy.py`: this app, below them, never imports them.
`privacy/tests/test_access_log_details.py` finds every `access_record(detail=…)` in the source
and fails on one this page would show as a code."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vigie.core.models import AccessLog
from vigie.core.permissions import DENIED_SENTENCES, Perm
from vigie.core.registry import Registry


@dataclass(frozen=True)
class Words:
    """How the access log names one kind of object, and reads its details."""

    noun: Any = ""  # before the object's name: "distribution", "projet"
    name: Callable[[Any], str] | None = None  # the object → its name (default: str(obj))
    related: tuple[str, ...] = ()  # what `name` reads (select_related)
    many: Any = ""  # the object of a read of many rows (no id): "liste des alertes"
    details: Callable[[str], str | None] | None = None  # a detail → words (None: not its own)


WORDS: Registry[Words] = Registry("access-log words")


def describe(
    object_type: str,
    *,
    noun: Any = "",
    name: Callable[[Any], str] | None = None,
    related: tuple[str, ...] = (),
    many: Any = "",
    details: Callable[[str], str | None] | None = None,
) -> None:
    """Declare how the DPO's access log names `object_type` ("app.model", as access_record
    writes it) and reads the details written with it."""
    WORDS.add(object_type, Words(noun, name, related, many, details))


_ISO_PERIOD = re.compile(r"(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})")


def period_words(text: str) -> str:
    """ "2020-03-01..2020-06-30" → "du 01/03/2020 au 30/06/2020" (a detail's period)."""

    def words(m: re.Match) -> str:
        start, end = (date.fromisoformat(d).strftime("%d/%m/%Y") for d in m.groups())
        return _("du %(start)s au %(end)s") % {"start": start, "end": end}

    return _ISO_PERIOD.sub(words, text)


# Words of the register's search parameters (housing/views.py `households`).
_SEARCH_KEYS = {
    "q": gettext_lazy("recherche"),
    "cohort": gettext_lazy("cohorte"),
    "agency": gettext_lazy("agence"),
    "residence": gettext_lazy("résidence"),
    "commune": gettext_lazy("commune"),
    "status": gettext_lazy("statut"),
    "as_of": gettext_lazy("à la date du"),
    "overdue": gettext_lazy("en retard"),
    "tout": gettext_lazy("toutes"),
    "mine": gettext_lazy("les miennes"),
}
# Parameters that say how a list is shown, not what was asked: left out of the words.
_NOT_CRITERIA = {"o", "page", "format"}


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
        "actions.ticketattachment": _("pièce jointe"),
    }.get(object_type) or str(WORDS[object_type].noun if object_type in WORDS else "")


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
        words = WORDS.get(object_type)
        if words is not None:
            for o in qs.select_related(*words.related):
                out[(object_type, str(o.pk))] = words.name(o) if words.name else str(o)
        elif object_type == "actions.ticketattachment":
            for o in qs.select_related("ticket"):
                out[(object_type, str(o.pk))] = _("%(file)s (signalement n° %(n)s)") % {
                    "file": o.file_name,
                    "n": o.ticket_id,
                }
        elif object_type == "housing.occupant":
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
    words = WORDS.get(e.object_type)
    if words is not None and words.details is not None:
        said = words.details(d)
        if said:
            return said
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
        # "csv <code or filters> | <sheet title>" (core.exports.table_response).
        rest, _bar, title = rest.partition(" | ")
        if rest.startswith("| "):
            rest, title = "", rest[2:]
        what = {
            "results": _("résultats de la campagne"),
            "actions report": _("bilan des suites"),
            "sheet": _("feuille d'appels papier"),
            "not_reached": _("liste des ménages injoignables"),
            "no_phone": _("liste des ménages sans téléphone"),
        }.get(rest)
        if what is None and title and e.object_type != "housing.household":
            # Another module's export: its sheet's title says what; filters in words if any.
            criteria = _search_words(rest, names, e.object_type) if "=" in rest else ""
            what = title + (" — " + criteria if criteria else "")
        if what is None:
            criteria = _search_words(rest, names, e.object_type) if rest else ""
            what = _("registre") + (" — " + criteria if criteria else "")
        return _("export %(fmt)s : %(what)s") % {"fmt": fmt.upper(), "what": what}
    if "=" in d:
        return _search_words(d, names, e.object_type)
    return d


# "q=1 rue Alsace-Lorraine Muret cohort=over_75": a value runs to the next " key=".
_CRITERION = re.compile(r"(?:^|\s)(\w+)=(.*?)(?=\s+\w+=|$)")


def _field(object_type: str, key: str) -> Any:
    """The model field a list's filter is named after (its verbose name, its choices)."""
    try:
        return apps.get_model(object_type)._meta.get_field(key)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None


def _search_words(
    detail: str, names: dict[str, dict[str, str]] | None = None, object_type: str = ""
) -> str:
    from vigie.housing.choices import Cohort

    names = names or {}
    statuses = {
        "active": gettext_lazy("en place"),
        "departed": gettext_lazy("partis"),
        "all": gettext_lazy("tous"),
    }
    parts = []
    for m in _CRITERION.finditer(detail):
        key, value = m.group(1), m.group(2).strip()
        if key in _NOT_CRITERIA:
            continue
        label = _SEARCH_KEYS.get(key)
        field = _field(object_type, key) if object_type else None
        if key == "cohort" and value in Cohort.values:
            value = str(Cohort(value).label)
        elif key == "status" and value in statuses:
            value = str(statuses[value])
        elif key in names and value in names[key]:
            value = names[key][value]
        elif field is not None and getattr(field, "choices", None):
            value = str(dict(field.choices).get(value, value))
        if field is not None and (label is None or key not in ("q", "as_of")):
            label = str(field.verbose_name)
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            value = date.fromisoformat(value).strftime("%d/%m/%Y")
        if value == "1" and key in ("overdue", "tout", "mine"):
            parts.append(str(label))
            continue
        parts.append(f"{label} « {value} »" if label else f"{key} « {value} »")
    return ", ".join(parts)


def _search_names(user: Any, entries: list[AccessLog]) -> dict[str, dict[str, str]]:
    """Names of the communes, agencies and residences the search details name by code."""
    from vigie.core.selectors import organisation_ids_where
    from vigie.housing.models import Agency, Commune, Residence

    wanted: dict[str, set[str]] = {"commune": set(), "agency": set(), "residence": set()}
    for e in entries:
        for m in _CRITERION.finditer(e.detail or ""):
            key, value = m.group(1), m.group(2).strip()
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
                many = WORDS[e.object_type].many if e.object_type in WORDS else ""
                obj = {
                    "housing.household": _("registre des ménages"),
                    "actions.ticket": _("signalements"),
                    "actions.task": _("tâches"),
                    "actions.referral": _("orientations"),
                    "actions.partner": _("partenaires"),
                    "campaigns.need": _("besoins"),
                    "campaigns.campaign": _("campagnes"),
                }.get(e.object_type) or str(many or noun or "")
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
