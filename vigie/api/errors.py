"""The API's error answers in French: every refusal says what is wrong and where.

Pydantic describes a refused input in English ("Input should be a valid date or datetime…");
`describe()` turns each of its errors into a French sentence naming the field as the caller
wrote it (`waves[2].filters.age_min`, the query parameter `from`, the path parameter `id`) and
what is expected, from the error's `type`. The answer keeps its shape (vigie/api/api.py):

    422 {"detail": "Requête invalide — <phrase> ; <phrase>.",
         "errors": [{"loc": [...], "field": "...", "type": "...", "msg": "<Phrase>."}, ...]}

`json_error()` says where a body that is not JSON breaks; `not_allowed()` and `not_found()`
are the JSON answers for a method or an address the API does not have.
"""

from __future__ import annotations

import json
import re
import types
import typing
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt
from pydantic import BaseModel

# Where a parameter came from (ninja puts it first in `loc`).
_SOURCES = ("body", "query", "path", "header", "cookie", "form", "file")
# At most this many sentences in `detail` (all of them stay in `errors`).
MAX_IN_DETAIL = 10
JSON = "application/json; charset=utf-8"  # as ninja's own answers
_MAX_SHOWN = 40  # characters of a received value repeated in the sentence


def _where(source: str, field: str) -> str:
    if not field:
        return _("le corps de la requête") if source == "body" else _("la requête")
    if source == "query":
        return _("le paramètre « %(name)s »") % {"name": field}
    if source == "path":
        return _("le paramètre d'adresse « %(name)s »") % {"name": field}
    if source == "header":
        return _("l'en-tête « %(name)s »") % {"name": field}
    if source == "cookie":
        return _("le cookie « %(name)s »") % {"name": field}
    return _("le champ « %(name)s »") % {"name": field}


def _expected(kind: str) -> str | None:
    """What a type error expects, as a noun phrase ("un nombre entier"); None: not a type error."""
    nouns = {
        ("int_type", "int_parsing", "int_from_float"): _("un nombre entier"),
        ("float_type", "float_parsing"): _("un nombre"),
        ("decimal_type", "decimal_parsing"): _("un nombre décimal"),
        ("bool_type", "bool_parsing"): _("vrai ou faux (true ou false)"),
        ("string_type", "string_unicode", "string_sub_type"): _("un texte"),
        ("date_type", "date_parsing", "date_from_datetime_parsing"): _(
            "une date au format AAAA-MM-JJ (par exemple 2020-03-17)"
        ),
        (
            "datetime_type",
            "datetime_parsing",
            "datetime_from_date_parsing",
            "datetime_object_invalid",
        ): _("une date et une heure au format AAAA-MM-JJTHH:MM (par exemple 2020-03-17T14:30)"),
        ("time_type", "time_parsing"): _("une heure au format HH:MM (par exemple 14:30)"),
        ("uuid_type", "uuid_parsing", "uuid_version"): _(
            "un identifiant UUID (par exemple 123e4567-e89b-12d3-a456-426614174000)"
        ),
        ("list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type"): _(
            "une liste ([…])"
        ),
        (
            "dict_type",
            "model_type",
            "model_attributes_type",
            "dataclass_type",
            "mapping_type",
        ): _("un objet JSON ({…})"),
        ("url_type", "url_parsing"): _("une adresse web (URL)"),
        ("finite_number",): _("un nombre fini"),
        ("none_required",): _("vide (null)"),
    }
    for kinds, noun in nouns.items():
        if kind in kinds:
            return noun
    return None


_NOTHING = object()  # an error that carries no received value


def _shown(value: Any) -> str | None:
    """A received value repeated to the caller, when it is short and simple."""
    if value is _NOTHING or value == "":
        return None
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        text = value if len(value) <= _MAX_SHOWN else value[: _MAX_SHOWN - 1] + "…"
        return _("« %(value)s »") % {"value": text}
    return None


def _number(value: Any) -> str:
    """A limit the French way (decimal comma)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace(".", ",")


def _choices(expected: str) -> str:
    """Pydantic's "'a', 'b' or 'c'" as « a », « b », « c »."""
    items = [i.strip().strip("'\"") for i in re.split(r",\s*|\s+or\s+", expected) if i.strip()]
    return ", ".join(_("« %(value)s »") % {"value": i} for i in items)


# A validator's message in French (Vigie's own, through gettext) rather than pydantic's English:
# accented letters, guillemets or common French words (spelt one per literal, as identifiers).
_FRENCH_WORDS = ("le", "la", "les", "des", "du", "un", "une", "est", "doit", "pas", "ou", "et")
_ACCENTS = "".join(map(chr, (*range(0xE0, 0xF0), *range(0xF2, 0xFD), 0x153, 0xAB, 0xBB)))
_FRENCH = re.compile(rf"[{_ACCENTS}]|\b({'|'.join(_FRENCH_WORDS)})\b", re.IGNORECASE)


def _sentence(kind: str, where: str, ctx: dict[str, Any], value: Any, source: str, field: str):
    """The French sentence of one pydantic error (lower-case start, no final full stop)."""
    shown = _shown(value)
    with_value = True  # add ", reçu « … »" when the value is simple
    if kind == "missing":
        if source == "body" and not field:
            return _("le corps de la requête est vide : un objet JSON est attendu")
        return _("%(where)s est obligatoire") % {"where": where}
    noun = _expected(kind)
    if noun is not None:
        text = _("%(where)s doit être %(expected)s") % {"where": where, "expected": noun}
    elif kind == "extra_forbidden":
        return _("%(where)s est inconnu : rien n'a été enregistré") % {"where": where}
    elif kind in ("enum", "literal_error"):
        text = _("%(where)s doit valoir l'une de ces valeurs : %(choices)s") % {
            "where": where,
            "choices": _choices(str(ctx.get("expected", ""))),
        }
    elif kind == "string_too_long":
        n = ctx.get("max_length", 0)
        text = ngettext(
            "%(where)s ne doit pas dépasser %(max)s caractère",
            "%(where)s ne doit pas dépasser %(max)s caractères",
            n,
        ) % {"where": where, "max": n}
        with_value = False
    elif kind == "string_too_short":
        n = ctx.get("min_length", 1)
        if n <= 1:
            return _("%(where)s ne doit pas être vide") % {"where": where}
        text = ngettext(
            "%(where)s doit compter au moins %(min)s caractère",
            "%(where)s doit compter au moins %(min)s caractères",
            n,
        ) % {"where": where, "min": n}
    elif kind == "too_long":
        n = ctx.get("max_length", 0)
        return ngettext(
            "%(where)s accepte au plus %(max)s élément",
            "%(where)s accepte au plus %(max)s éléments",
            n,
        ) % {"where": where, "max": n}
    elif kind == "too_short":
        n = ctx.get("min_length", 1)
        if n <= 1:
            return _("%(where)s ne doit pas être vide") % {"where": where}
        return ngettext(
            "%(where)s demande au moins %(min)s élément",
            "%(where)s demande au moins %(min)s éléments",
            n,
        ) % {"where": where, "min": n}
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = {
            "greater_than": (_("%(where)s doit être supérieur à %(limit)s"), "gt"),
            "greater_than_equal": (_("%(where)s doit être supérieur ou égal à %(limit)s"), "ge"),
            "less_than": (_("%(where)s doit être inférieur à %(limit)s"), "lt"),
            "less_than_equal": (_("%(where)s doit être inférieur ou égal à %(limit)s"), "le"),
        }[kind]
        text = bound[0] % {"where": where, "limit": _number(ctx.get(bound[1], ""))}
    elif kind == "multiple_of":
        text = _("%(where)s doit être un multiple de %(multiple)s") % {
            "where": where,
            "multiple": _number(ctx.get("multiple_of", "")),
        }
    elif kind == "int_parsing_size":
        text = _("%(where)s est un nombre trop grand") % {"where": where}
        with_value = False
    elif kind == "date_from_datetime_inexact":
        text = _("%(where)s doit être une date sans heure (AAAA-MM-JJ)") % {"where": where}
    elif kind in ("date_past", "datetime_past"):
        text = _("%(where)s doit être dans le passé") % {"where": where}
    elif kind in ("date_future", "datetime_future"):
        text = _("%(where)s doit être dans le futur") % {"where": where}
    elif kind == "string_pattern_mismatch":
        text = _("%(where)s n'a pas la forme attendue") % {"where": where}
    elif kind in ("json_invalid", "json_type"):
        text = _("%(where)s n'est pas du JSON valide") % {"where": where}
        with_value = False
    elif kind in ("value_error", "assertion_error"):
        message = str(ctx.get("error", "")).strip().rstrip(".")
        if message and _FRENCH.search(message):  # a Vigie validator's own French sentence
            return _("%(where)s : %(message)s") % {"where": where, "message": message}
        text = _("%(where)s a une valeur qui ne convient pas") % {"where": where}
    else:
        text = _("%(where)s a une valeur qui ne convient pas") % {"where": where}
    if with_value and shown is not None:
        text = _("%(sentence)s, reçu %(value)s") % {"sentence": text, "value": shown}
    return text


# --- Where an error is: walk the operation's model along pydantic's `loc` ---------------------


def _unwrap(t: Any) -> Any:
    while True:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            t = typing.get_args(t)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            members = [a for a in typing.get_args(t) if a is not type(None)]
            if len(members) == 1:
                t = members[0]
                continue
        return t


def _is_union(t: Any) -> bool:
    return typing.get_origin(t) in (typing.Union, types.UnionType)


def _tag(t: Any) -> str:
    """The name pydantic gives a union member in `loc` (`str`, `int`, `list[int]`, a model)."""
    origin = typing.get_origin(t)
    if origin is not None:
        return getattr(origin, "__name__", str(origin))
    return getattr(t, "__name__", str(t))


def _model_field(model: type[BaseModel], key: str) -> Any:
    for name, info in model.model_fields.items():
        if key in (name, info.alias, info.validation_alias):
            return info
    return None


def _is_model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def locate(model: type[BaseModel] | None, loc: tuple) -> tuple[list[Any], type[BaseModel] | None]:
    """The parts of `loc` the caller wrote (union member names dropped), and the model the last
    key was looked up in (for an unknown key: the model that does not have it)."""
    parts: list[Any] = []
    t: Any = model
    owner: type[BaseModel] | None = None
    for p in loc:
        t = _unwrap(t) if t is not None else None
        origin = typing.get_origin(t)
        if t is None:
            parts.append(p)
        elif _is_model(t) and isinstance(p, str):
            owner = t
            info = _model_field(t, p)
            parts.append(p)
            t = info.annotation if info is not None else None
        elif isinstance(p, int) and origin in (list, tuple, set, frozenset):
            parts.append(p)
            args = typing.get_args(t)
            t = args[0] if args else None
        elif origin is dict or t is dict:
            parts.append(p)
            args = typing.get_args(t)
            t = args[1] if len(args) == 2 else None
        elif _is_union(t) and isinstance(p, str):
            # pydantic names the union member it tried: not something the caller wrote
            t = next((a for a in typing.get_args(t) if _tag(a) == p), None)
        else:
            parts.append(p)
            t = None
    return parts, owner


def dotted(parts: list[Any]) -> str:
    """`["waves", 2, "filters", "age_min"]` → `waves[2].filters.age_min`."""
    out = ""
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + str(p)
    return out


def describe(model: type[BaseModel] | None, source: str, raw: list[dict[str, Any]]) -> list[dict]:
    """Pydantic's errors for one parameter model, each as {loc, field, type, msg, text}."""
    single = getattr(model, "__read_from_single_attr__", None) if model is not None else None
    out: list[dict[str, Any]] = []
    for err in raw:
        loc = tuple(err.get("loc", ()))
        parts, owner = locate(model, loc)
        if single and parts[:1] == [single]:
            parts = parts[1:]  # the operation's body argument: not something the caller wrote
        field = dotted(parts)
        kind = str(err.get("type", ""))
        text = _sentence(
            kind,
            _where(source, field),
            err.get("ctx") or {},
            err.get("input", _NOTHING),
            source,
            field,
        )
        if kind == "extra_forbidden" and owner is not None:
            known = ", ".join(
                info.alias or name for name, info in owner.model_fields.items() if name != single
            )
            if known:
                text = _("%(sentence)s (champs possibles à cet endroit : %(known)s)") % {
                    "sentence": text,
                    "known": known,
                }
        out.append(
            {"loc": [source, *loc], "field": field, "type": kind, "text": text, "_source": source}
        )
    return _merge_unions(out)


def _merge_unions(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A value refused by every member of a union (`str | int`) gives one sentence per member:
    one sentence saying what any of them would take."""
    merged: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for err in errors:
        key = (err["_source"], err["field"])
        first = seen.get(key)
        noun, first_noun = _expected(err["type"]), first and _expected(first["type"])
        if first is not None and noun and first_noun:
            nouns = first.setdefault("_nouns", [first_noun])
            if noun not in nouns:
                nouns.append(noun)
            first["text"] = _("%(where)s doit être %(expected)s") % {
                "where": _where(err["_source"], err["field"]),
                "expected": _(" ou ").join(nouns),
            }
            continue
        seen.setdefault(key, err)
        merged.append(err)
    for err in merged:
        err.pop("_nouns", None)
        err.pop("_source", None)
        err["msg"] = capfirst(err.pop("text")) + "."
    return merged


def detail(errors: list[dict[str, Any]]) -> str:
    """The one sentence of `detail` for all of them."""
    texts = [e["msg"][0].lower() + e["msg"][1:-1] for e in errors[:MAX_IN_DETAIL]]
    more = len(errors) - MAX_IN_DETAIL
    if more > 0:
        texts.append(
            ngettext("et %(n)s autre erreur", "et %(n)s autres erreurs", more) % {"n": more}
        )
    return _("Requête invalide — %(errors)s.") % {"errors": " ; ".join(texts)}


# --- A body that is not JSON, a method or an address the API does not have --------------------


def json_error(exc: BaseException | None) -> str:
    """Why a request body could not be read as JSON, with the line and column when known."""
    if isinstance(exc, json.JSONDecodeError):
        reason = {
            "Expecting value": _("une valeur est attendue"),
            "Expecting property name enclosed in double quotes": _(
                "un nom de champ entre guillemets doubles est attendu"
            ),
            "Expecting ',' delimiter": _("une virgule est attendue"),
            "Expecting ':' delimiter": _("un deux-points est attendu"),
            "Unterminated string starting at": _("un texte n'est pas fermé par un guillemet"),
            "Extra data": _("il reste des caractères après la fin du JSON"),
            "Invalid control character at": _(
                "un caractère de contrôle (retour à la ligne, tabulation) doit être échappé"
            ),
            "Invalid \\escape": _("une séquence d'échappement (\\…) n'est pas valide"),
        }.get(exc.msg)
        if reason:
            return _(
                "Le corps de la requête n'est pas du JSON valide : %(reason)s, ligne "
                "%(line)s, colonne %(column)s. Rien n'a été enregistré."
            ) % {"reason": reason, "line": exc.lineno, "column": exc.colno}
        return _(
            "Le corps de la requête n'est pas du JSON valide : erreur ligne %(line)s, "
            "colonne %(column)s. Rien n'a été enregistré."
        ) % {"line": exc.lineno, "column": exc.colno}
    if isinstance(exc, UnicodeDecodeError):
        return _(
            "Le corps de la requête n'est pas du JSON valide : il doit être encodé en UTF-8 "
            "(octet illisible à la position %(position)s). Rien n'a été enregistré."
        ) % {"position": exc.start}
    return _("Le corps de la requête n'est pas du JSON valide. Rien n'a été enregistré.")


def not_allowed(request: HttpRequest, allowed: list[str]) -> JsonResponse:
    """405 for a method an API address does not take, with the methods it takes."""
    methods = ", ".join(sorted(allowed))
    response = JsonResponse(
        {
            "detail": _(
                "La méthode %(method)s n'est pas acceptée à cette adresse ; méthodes "
                "possibles : %(allowed)s."
            )
            % {"method": request.method, "allowed": methods}
        },
        status=405,
        content_type=JSON,
    )
    response["Allow"] = methods
    return response


@csrf_exempt  # a POST to a mistyped address is told so, not refused for a missing CSRF token
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
    """404 for an address under /api/ that no operation has (not Vigie's HTML page)."""
    return JsonResponse(
        {
            "detail": _(
                "Adresse inconnue de l'API : %(path)s. La liste des opérations est sur /api/docs."
            )
            % {"path": request.path}
        },
        status=404,
        content_type=JSON,
    )
