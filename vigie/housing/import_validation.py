"""Import, phase 1: validate every row of an ERP export and group the rows into leases.

Pure Python over the parsed rows (`import_parsing`), with the communes reference read once per
postcode: no query per row. Errors and warnings are sentences naming line, column and value.

Speed (issue #6): a large export repeats the same values over and over — a dwelling's thirteen
cells on every row of its lease, a handful of roles, dates, yes/no values and phone spellings.
Each distinct value is checked once (`_Checker` caches), and a row whose every value is valid
(nearly all of them) takes the fast path; a row with any error is checked again by `_slow_row`,
cell by cell in the historical order, so that its errors read exactly as before.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from vigie.core.text import commune_match_name, fold
from vigie.housing import import_parsing as p
from vigie.housing.choices import OccupantRole
from vigie.housing.models import PostcodeCommune

_fold_cache: dict[str, str] = {}


def _fold(text: str) -> str:
    """`fold`, remembered: names, agencies, residences repeat."""
    hit = _fold_cache.get(text)
    if hit is None:
        hit = text.lower().strip() if text.isascii() else fold(text)
        if len(_fold_cache) < 200_000:
            _fold_cache[text] = hit
    return hit


# The frames of an error or warning sentence (`issue`), around its reason.
ISSUE_FORMATS = (
    gettext_noop("ligne %(line)s, colonne %(column)s : « %(value)s » %(reason)s"),
    gettext_noop("ligne %(line)s, colonne %(column)s : %(reason)s"),
    gettext_noop("ligne %(line)s : %(reason)s"),
)


def issue(
    line: int, column: str, value: str, reason: str, formats: tuple[str, ...] | None = None
) -> dict:
    """An error or warning naming line, column, value and what was expected (`reason`,
    already translated), in the active language. `formats`: ISSUE_FORMATS translated once by
    a caller that makes many (a warning per row must not cost a gettext per row)."""
    if column and value:
        frame = formats[0] if formats else _(ISSUE_FORMATS[0])
    elif column:
        frame = formats[1] if formats else _(ISSUE_FORMATS[1])
    else:
        frame = formats[2] if formats else _(ISSUE_FORMATS[2])
    message = frame % {"line": line, "column": column, "value": value, "reason": reason}
    return {"line": line, "column": column, "value": value, "message": message}


# --------------------------------------------------------------------------- communes


class _Communes:
    """Postcode + commune name → COM-level INSEE code, each postcode read once when first met."""

    def __init__(self) -> None:
        # postcode → {match_name: insee code of the commune itself or of its parent COM}
        self.by_postcode: dict[str, dict[str, str] | None] = {}
        self.names: dict[str, list[str]] = {}
        self.cache: dict[tuple[str, str], tuple[str, str]] = {}

    def _load(self, postcode: str) -> dict[str, str] | None:
        if postcode in self.by_postcode:
            return self.by_postcode[postcode]
        rows = PostcodeCommune.objects.filter(postcode=postcode).values_list(
            "postcode",
            "commune_id",
            "commune__name",
            "commune__match_name",
            "commune__parent_id",
            "commune__parent__match_name",
            "commune__parent__kind",
        )
        names: dict[str, str] | None = None
        for _pc, code, name, match, parent, parent_match, parent_kind in rows:
            target = parent if parent and parent_kind == "COM" else code
            if names is None:
                names = {}
            names.setdefault(match, target)
            if parent and parent_match:
                names.setdefault(parent_match, target)
            self.names.setdefault(postcode, []).append(name)
        self.by_postcode[postcode] = names
        return names

    def resolve(self, postcode: str, commune: str) -> tuple[str, str]:
        """(insee code, '') or ('', column:reason)."""
        key = (postcode, commune)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._resolve(postcode, commune)
            self.cache[key] = hit
        return hit

    def _resolve(self, postcode: str, commune: str) -> tuple[str, str]:
        names = self._load(postcode)
        if names is None:
            return "", "code_postal:" + _("n'est pas un code postal français connu")
        code = names.get(commune_match_name(commune))
        if code is None:
            names_expected = sorted(set(self.names[postcode]))
            return "", "commune:" + ngettext(
                "ne correspond pas au code postal %(postcode)s (commune attendue : %(expected)s)",
                "ne correspond pas au code postal %(postcode)s (communes attendues : %(expected)s)",
                len(names_expected),
            ) % {"postcode": postcode, "expected": ", ".join(names_expected)}
        return code, ""


def _postcode(text: str) -> str | None:
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 4:
        compact = "0" + compact
    return compact if len(compact) == 5 and compact.isascii() and compact.isdigit() else None


# --------------------------------------------------------------------------- leases

# A lease's dwelling, as the plan reads it (a tuple: one per distinct dwelling, shared by the
# leases of that dwelling): indexes into it.
D_REFERENCE, D_AGENCY, D_RESIDENCE, D_NEIGHBOURHOOD, D_QPV, D_ADDRESS, D_POSTCODE = range(7)
D_COMMUNE, D_BUILDING, D_STAIRCASE, D_FLOOR, D_DOOR, D_TYPE = range(7, 13)

# An occupant's values, in the order of OCCUPANT_VALUES (a tuple per occupant).
OCCUPANT_VALUES = (
    "last_name",
    "first_name",
    "birth_date",
    "role",
    "phone",
    "phone_to_check",
    "phone_2",
    "phone_2_to_check",
    "email",
    "email_to_check",
    "disability",
)


class Lease:
    """The valid rows of one `ref_bail`: its dwelling and its occupants (first row first)."""

    __slots__ = (
        "ref",
        "line",
        "dwelling",
        "dwelling_raw",
        "start",
        "end",
        "occupants",
        "bad",
        "arrears",
        "arrears_line",
    )

    def __init__(self, ref: str, line: int, dwelling: tuple, dwelling_raw: tuple) -> None:
        self.ref = ref
        self.line = line
        self.dwelling = dwelling
        self.dwelling_raw = dwelling_raw
        self.start: date | None = None
        self.end: date | None = None
        # (key: folded last name, folded first name, birth date; values; file line)
        self.occupants: list[tuple[tuple, tuple, int]] = []
        self.bad = False
        self.arrears: int | None = None  # impaye_mois (None: blank or no column)
        self.arrears_line = 0


@dataclass
class Checked:
    leases: dict[str, Lease]
    refs_in_file: set[str]
    rejected: int
    errors: list[dict]
    warnings: list[dict]
    columns: list[str]
    rows: int = 0
    # Template columns absent from the file (read as ""): the plan leaves the values they
    # hold out of its comparisons and updates, so existing rows keep what is stored.
    absent: frozenset[str] = frozenset()
    # ascenseur: (folded residence, folded building) → True/False/None (all blank), for the
    # buildings of valid leases; empty when the file has no such column.
    lifts: dict[tuple[str, str], bool | None] = field(default_factory=dict)


# Indexes into a row (p.ROW_COLUMNS).
_I = p.ROW_INDEX
I_REF, I_NOM, I_PRENOM, I_BIRTH, I_ROLE = (
    _I["ref_bail"],
    _I["nom"],
    _I["prenom"],
    _I["date_naissance"],
    _I["role"],
)
I_PHONE, I_PHONE_2, I_EMAIL, I_HANDICAP = (
    _I["telephone"],
    _I["telephone_2"],
    _I["email"],
    _I["handicap"],
)
I_START, I_END = _I["date_entree"], _I["date_sortie"]
# The dwelling cells (p.DWELLING_COLUMNS, then quartier and qpv) are one slice of a row.
D_FIRST = _I[p.DWELLING_COLUMNS[0]]
D_RAW_END = D_FIRST + len(p.DWELLING_COLUMNS)
D_END = D_RAW_END + len(p.OPTIONAL_COLUMNS)
assert p.ROW_COLUMNS[D_FIRST:D_END] == [*p.DWELLING_COLUMNS, *p.OPTIONAL_COLUMNS]  # nosec B101 (layout check at import)
assert p.ROW_COLUMNS[D_END:] == ["nom", "prenom", "date_naissance", "role", "telephone"] + [  # nosec B101 (layout check at import)
    "telephone_2",
    "email",
    "handicap",
    "date_entree",
    "date_sortie",
    *p.LATE_COLUMNS,
]
I_LIFT, I_ARREARS = _I["ascenseur"], _I["impaye_mois"]

PHONE_WARNING = gettext_noop(
    "n'est pas un numéro de téléphone reconnu : conservé tel quel, à vérifier"
)
EMAIL_WARNING = gettext_noop(
    "n'est pas une adresse e-mail valide : conservée telle quelle, à vérifier"
)
YES_NO_EXPECTED = gettext_noop("n'est pas une valeur attendue (oui, non, 1, 0 ou vide)")
_BAD = object()  # a cached value that is an error: the row takes the slow path


class _Memo(dict):
    """memo[value]: fn(value), computed once per distinct value (a dict lookup after)."""

    def __init__(self, fn, preset: dict | None = None) -> None:
        super().__init__(preset or {})
        self.fn = fn

    def __missing__(self, key: Any) -> Any:
        value = self[key] = self.fn(key)
        return value


def _date_or_bad(text: str) -> Any:
    parsed = p.parse_date(text)
    return _BAD if isinstance(parsed, str) else parsed


def _role_or_bad(text: str) -> Any:
    role = p.ROLES.get(_fold(text))
    return _BAD if role is None else role


def _yes_no_or_bad(text: str) -> Any:
    value = p.parse_yes_no(text)
    return _BAD if value is None else value


class _Checker:
    """The per-value checks, each distinct value checked once."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.communes = _Communes()
        self.dates = _Memo(_date_or_bad, {"": None})
        self.roles = _Memo(_role_or_bad, {"": ""})
        self.yes_no = _Memo(_yes_no_or_bad)
        self.phones: dict[str, tuple[str, bool]] = {}
        self.types: dict[str, str] = {}
        self.postcodes: dict[str, str] = {}
        self.dwellings: dict[tuple, Any] = {}  # raw cells → (dwelling tuple, raw) or _BAD
        self.strings: dict[str, str] = {}  # one object per distinct name (memory)

    def phone(self, text: str) -> tuple[str, bool]:
        """(stored value, to check): E.164, or the text as written if it is no number."""
        if not text:
            return "", False
        m = _FR_WRITTEN.match(text.translate(_PHONE_SEPARATORS))
        if m is not None:  # the usual French spellings: p.fast_parse_phone, inlined
            national = m[1]
            if _FR_NATIONAL.fullmatch(national):
                return "+33" + national, False
            return text[:40], True
        hit = self.phones.get(text)  # anything else goes through phonenumbers: remember it
        if hit is None:
            parsed = p.parse_phone(text)
            hit = (text[:40], True) if parsed is None else (parsed, False)
            if len(self.phones) < 100_000:
                self.phones[text] = hit
        return hit

    def dwelling(self, raw: tuple, has_quartier: bool, has_qpv: bool) -> Any:
        """The dwelling tuple of valid dwelling cells (cached), or _BAD."""
        hit = self.dwellings.get(raw)
        if hit is None:
            hit = self._dwelling(raw, has_quartier, has_qpv)
            self.dwellings[raw] = hit
        return hit

    def _dwelling(self, raw: tuple, has_quartier: bool, has_qpv: bool) -> Any:
        (ref, agency, residence, address, postcode_text, commune, building) = raw[:7]
        (staircase, floor, door, type_text, quartier, qpv_text) = raw[7:]
        if not (ref and residence and address and postcode_text and commune):
            return _BAD  # a required value is missing
        if any(map(operator.gt, map(len, raw), _DWELLING_LIMITS)):
            return _BAD  # a value is too long
        dwelling_type = self.types.get(type_text)
        if dwelling_type is None:
            dwelling_type = p.parse_type(type_text) if type_text else ""
            if dwelling_type is None:
                return _BAD
            self.types[type_text] = dwelling_type
        qpv = self.yes_no[qpv_text]
        postcode = self.postcodes.get(postcode_text)
        if postcode is None:
            postcode = self.postcodes[postcode_text] = _postcode(postcode_text) or ""
        if qpv is _BAD or not postcode:
            return _BAD
        code, problem = self.communes.resolve(postcode, commune)
        if problem:
            return _BAD
        dwelling = (
            ref,
            agency,
            residence,
            quartier if has_quartier else None,
            bool(qpv) if has_qpv else None,
            address,
            postcode,
            code,
            building,
            staircase,
            floor,
            door,
            dwelling_type,
        )
        return dwelling, raw[: D_RAW_END - D_FIRST]


_DWELLING_LIMITS = tuple(
    p.MAX_LENGTHS.get(c, 1 << 62) for c in [*p.DWELLING_COLUMNS, *p.OPTIONAL_COLUMNS]
)
_FR_WRITTEN = p._FR_WRITTEN
_FR_NATIONAL = p._FR_NATIONAL
_PHONE_SEPARATORS = p._PHONE_SEPARATORS


def validate_rows(table: p.Table, today: date) -> Checked:
    """Read every row of `table` (consuming its iterator) and group the valid ones by lease."""
    return validate_stream(table.rows, table.columns, table.ignored_columns, today, table.format)


def validate_stream(
    rows: Iterable[tuple[int, tuple[str, ...]]],
    columns: list[str],
    ignored_columns: list[str],
    today: date,
    fmt: str = "csv",
) -> Checked:
    errors: list[dict] = []
    warnings: list[dict] = []
    # The sentences a row may warn with, translated once per file (not once per row).
    formats = tuple(_(f) for f in ISSUE_FORMATS)
    phone_warning, email_warning = _(PHONE_WARNING), _(EMAIL_WARNING)
    duplicate_text = _("ligne identique à la ligne %(first)s, fusionnée avec elle")
    role_text = _("rôle vide : « %(role)s » retenu")
    same_text = _(
        "même occupant·e (nom, prénom, date de naissance) que la ligne %(first)s du bail, avec "
        "d'autres données : la première ligne est retenue"
    )
    for name in ignored_columns:
        warnings.append(
            issue(1, "", "", _("colonne « %(name)s » inconnue, ignorée") % {"name": name})
        )
    absent = [c for c in p.COLUMNS if c not in columns]
    if absent:
        # A column the file lacks never erases what Vigie holds (issue #10): the plan leaves
        # its values out of the comparison and the update of existing rows.
        sentence = ngettext(
            "colonne du modèle absente du fichier : %(columns)s. Les valeurs déjà "
            "enregistrées dans Vigie pour cette colonne sont conservées ; elles restent vides "
            "pour un·e nouvel·le occupant·e, un nouveau bail ou un nouveau logement.",
            "colonnes du modèle absentes du fichier : %(columns)s. Les valeurs déjà "
            "enregistrées dans Vigie pour ces colonnes sont conservées ; elles restent vides "
            "pour un·e nouvel·le occupant·e, un nouveau bail ou un nouveau logement.",
            len(absent),
        ) % {"columns": ", ".join(absent)}
        if "role" in absent:
            sentence += " " + _(
                "Sans colonne role, une nouvelle personne est comptée « titulaire » si elle est "
                "la première de son bail, « autre » sinon."
            )
        warnings.insert(0, issue(1, "", "", sentence))
    role_column = "role" in columns
    check = _Checker(today)
    has_quartier = "quartier" in columns
    has_qpv = "qpv" in columns
    has_lift = "ascenseur" in columns
    has_arrears = "impaye_mois" in columns
    # (folded residence, folded building) → {value: [(line, lease)]}: disagreements are errors.
    lift_lines: dict[tuple[str, str], dict[bool | None, list[tuple[int, str]]]] = {}
    leases: dict[str, Lease] = {}
    dwellings_seen: dict[str, tuple[int, tuple, str]] = {}
    seen_rows: dict[Any, int] = {}
    orphan_rows = 0
    count = 0
    dates, roles, yes_no, phone_of = check.dates, check.roles, check.yes_no, check.phone
    dwelling_of = check.dwelling
    known_dwellings = check.dwellings
    intern = check.strings.setdefault
    folded = _Memo(_fold)
    email_ok = p.email_ok
    joined = fmt == "csv"  # CSV cells never hold NUL (read_table removes it): a safe separator
    leaseholder = OccupantRole.LEASEHOLDER.value

    for line, row in rows:
        count += 1
        dwelling_cells = row[D_FIRST:D_END]
        hit = known_dwellings.get(dwelling_cells)
        if hit is None:
            hit = dwelling_of(dwelling_cells, has_quartier, has_qpv)
        # An exact duplicate: same dwelling cells (one cache entry each) and same other cells.
        person_cells = row[:D_FIRST] + row[D_END:]
        key = (id(hit), "\x00".join(person_cells) if joined else tuple(person_cells))
        if hit is _BAD:
            key = tuple(row)
        first = seen_rows.get(key)
        if first is not None:
            warnings.append(issue(line, "", "", duplicate_text % {"first": first}, formats))
            continue
        seen_rows[key] = line

        # ------------------------------------------------------------- the fast path
        ref = row[I_REF]
        nom = row[I_NOM]
        prenom = row[I_PRENOM]
        birth = dates[row[I_BIRTH]]
        start = dates[row[I_START]]
        end = dates[row[I_END]]
        role = roles[row[I_ROLE]]
        disability = yes_no[row[I_HANDICAP]]
        phone_text, phone_2_text, email = row[I_PHONE], row[I_PHONE_2], row[I_EMAIL]
        if (
            hit is _BAD
            or not ref
            or len(ref) > 50
            or not nom
            or len(nom) > 100
            or len(prenom) > 100
            or birth is _BAD
            or start is _BAD
            or end is _BAD
            or role is _BAD
            or disability is _BAD
            or len(phone_text) > 40
            or len(phone_2_text) > 40
            or len(email) > 254
            or (birth is not None and birth > today)
            or (start is not None and end is not None and end < start)
        ):
            row_errors, values = _slow_row(line, row, check, has_quartier, has_qpv)
        else:
            row_errors = []
            dwelling, dwelling_raw = hit
            values = (dwelling, dwelling_raw, birth, start, end, role, disability)

        if phone_text:
            phone, phone_check = phone_of(phone_text)
            if phone_check:
                warnings.append(issue(line, "telephone", phone_text, phone_warning, formats))
        else:
            phone, phone_check = "", False
        if phone_2_text:
            phone_2, phone_2_check = phone_of(phone_2_text)
            if phone_2_check:
                warnings.append(issue(line, "telephone_2", phone_2_text, phone_warning, formats))
        else:
            phone_2, phone_2_check = "", False
        email_check = bool(email) and not email_ok(email)
        if email_check:
            warnings.append(issue(line, "email", email, email_warning, formats))

        if not ref:
            errors.extend(row_errors)
            orphan_rows += 1
            continue
        dwelling, dwelling_raw, birth, start, end, role, disability = values
        lease = leases.get(ref)
        if lease is None:
            lease = Lease(ref, line, dwelling, dwelling_raw)
            leases[ref] = lease
            dref = dwelling_raw[0]
            if dref:
                other = dwellings_seen.get(dref)
                if other is None:
                    dwellings_seen[dref] = (line, dwelling_raw, ref)
                elif other[1] != dwelling_raw:
                    i = next(k for k in range(len(dwelling_raw)) if other[1][k] != dwelling_raw[k])
                    column = p.DWELLING_COLUMNS[i]
                    row_errors.append(
                        issue(
                            line,
                            column,
                            dwelling_raw[i],
                            _(
                                "diffère de « %(other)s » donné ligne %(line)s pour le même "
                                "logement « %(dwelling)s » (bail « %(lease)s »)"
                            )
                            % {
                                "other": other[1][i],
                                "line": other[0],
                                "dwelling": dref,
                                "lease": other[2],
                            },
                        )
                    )
        elif lease.dwelling_raw != dwelling_raw:
            i = next(
                k for k in range(len(dwelling_raw)) if lease.dwelling_raw[k] != dwelling_raw[k]
            )
            column = p.DWELLING_COLUMNS[i]
            row_errors.append(
                issue(
                    line,
                    column,
                    dwelling_raw[i],
                    _(
                        "diffère de « %(other)s » donné ligne %(line)s pour le même bail "
                        "« %(lease)s »"
                    )
                    % {"other": lease.dwelling_raw[i], "line": lease.line, "lease": ref},
                )
            )
        if has_arrears:
            _arrears_cell(line, row[I_ARREARS], lease, row_errors)
        if has_lift and not row_errors:
            lift = _lift_cell(line, row[I_LIFT], dwelling, row_errors, warnings)
            if lift is not _BAD:
                key = (folded[dwelling[D_RESIDENCE]], folded[dwelling[D_BUILDING]])
                lift_lines.setdefault(key, {}).setdefault(lift, []).append((line, ref))
        if row_errors:
            lease.bad = True
            errors.extend(row_errors)
            continue
        if start and (lease.start is None or start < lease.start):
            lease.start = start
        if end and (lease.end is None or end > lease.end):
            lease.end = end
        if not role:
            role = leaseholder if not lease.occupants else "autre"
            if role_column:  # no column: the header's warning says it once
                warnings.append(issue(line, "role", "", role_text % {"role": role}, formats))
        okey = (folded[nom], folded[prenom], birth)
        same = None
        for k, _values, o_line in lease.occupants:
            if k == okey:
                same = o_line
                break
        if same is not None:
            warnings.append(issue(line, "", "", same_text % {"first": same}, formats))
            continue
        occupant = (
            intern(nom, nom),
            intern(prenom, prenom),
            birth,
            role,
            phone,
            phone_check,
            phone_2,
            phone_2_check,
            email,
            email_check,
            bool(disability),
        )
        lease.occupants.append((okey, occupant, line))

    lifts = _lifts(lift_lines, leases, errors) if has_lift else {}
    valid = {ref: lease for ref, lease in leases.items() if not lease.bad}
    rejected = orphan_rows + sum(1 for lease in leases.values() if lease.bad)
    errors.sort(key=lambda e: e["line"])
    return Checked(
        valid,
        set(leases),
        rejected,
        errors,
        warnings,
        list(columns),
        count,
        frozenset(absent),
        lifts,
    )


def _arrears_cell(line: int, text: str, lease: Lease, row_errors: list[dict]) -> None:
    """impaye_mois: a whole number of months (blank: unknown); a lease's rows agree on it."""
    if not text:
        return
    if not (text.isascii() and text.isdigit()) or len(text) > 3:
        row_errors.append(
            issue(
                line,
                "impaye_mois",
                text,
                _("n'est pas un nombre entier de mois d'impayé (par exemple 0, 1, 2… ou vide)"),
            )
        )
        return
    months = int(text)
    if lease.arrears is None:
        lease.arrears, lease.arrears_line = months, line
    elif lease.arrears != months:
        row_errors.append(
            issue(
                line,
                "impaye_mois",
                text,
                _("diffère de « %(other)s » donné ligne %(line)s pour le même bail « %(lease)s »")
                % {"other": lease.arrears, "line": lease.arrears_line, "lease": lease.ref},
            )
        )


def _lift_cell(
    line: int, text: str, dwelling: tuple, row_errors: list[dict], warnings: list[dict]
) -> Any:
    """ascenseur: True, False, None (blank: unknown) or _BAD (an error is added)."""
    value = p.parse_yes_no(text)
    if value is None:
        row_errors.append(issue(line, "ascenseur", text, _(YES_NO_EXPECTED)))
        return _BAD
    if not text:
        return None
    if not dwelling[D_BUILDING]:
        warnings.append(
            issue(
                line,
                "ascenseur",
                text,
                _("ignoré : la ligne ne dit pas de quel bâtiment (colonne batiment vide)"),
            )
        )
        return _BAD
    return value


def _lifts(
    lift_lines: dict[tuple[str, str], dict[bool | None, list[tuple[int, str]]]],
    leases: dict[str, Lease],
    errors: list[dict],
) -> dict[tuple[str, str], bool | None]:
    """One lift value per building; rows of one building that disagree are an error naming
    their lines, and every lease of that building is rejected."""
    out: dict[tuple[str, str], bool | None] = {}
    words = {True: _("oui"), False: _("non")}
    for key, by_value in lift_lines.items():
        known = {v: lines for v, lines in by_value.items() if v is not None}
        if len(known) <= 1:
            out[key] = next(iter(known), None)
            continue
        parts = [
            ngettext("%(value)s ligne %(lines)s", "%(value)s lignes %(lines)s", len(lines))
            % {"value": words[v], "lines": ", ".join(str(n) for n, _ref in lines)}
            for v, lines in sorted(known.items(), reverse=True)
        ]
        first_line = min(n for lines in known.values() for n, _ref in lines)
        errors.append(
            issue(
                first_line,
                "ascenseur",
                "",
                _(
                    "le même bâtiment est donné avec et sans ascenseur : %(parts)s ; mettez "
                    "la même valeur (oui, non ou vide) sur toutes ses lignes"
                )
                % {"parts": " ; ".join(parts)},
            )
        )
        for lines in by_value.values():
            for _n, ref in lines:
                if ref in leases:
                    leases[ref].bad = True
    return out


def _slow_row(
    line: int, cells: tuple[str, ...], check: _Checker, has_quartier: bool, has_qpv: bool
) -> tuple[list[dict], tuple]:
    """A row with an error: every check, in the historical order, for its exact messages."""
    today = check.today
    row = dict(zip(p.ROW_COLUMNS, cells, strict=True))
    row_errors: list[dict] = []

    def err(column: str, reason: str, value: str | None = None) -> None:
        row_errors.append(
            issue(line, column, row.get(column, "") if value is None else value, reason)
        )

    for column in p.REQUIRED_COLUMNS:
        if not row.get(column):
            err(column, _("valeur obligatoire manquante"), value="")
    for column, limit in p.MAX_LENGTHS.items():
        value = row.get(column, "")
        if len(value) > limit:
            err(
                column,
                _("est trop long (%(length)s caractères, %(limit)s au plus)")
                % {"length": len(value), "limit": limit},
            )

    dates: dict[str, date | None] = {}
    for column in ("date_naissance", "date_entree", "date_sortie"):
        value = row.get(column, "")
        if not value:
            dates[column] = None
            continue
        parsed = p.parse_date(value)
        if isinstance(parsed, str):
            err(column, _(parsed))
            dates[column] = None
        else:
            dates[column] = parsed
    birth = dates["date_naissance"]
    if birth and birth > today:
        err("date_naissance", _("est dans le futur"))
    if dates["date_entree"] and dates["date_sortie"]:
        if dates["date_sortie"] < dates["date_entree"]:
            err("date_sortie", _("est antérieure à la date d'entrée"))

    role_text = row.get("role", "")
    role = p.ROLES.get(_fold(role_text)) if role_text else ""
    if role is None:
        err(
            "role",
            _(
                "n'est pas un rôle connu (attendu : titulaire, cotitulaire, conjoint, enfant ou "
                "autre)"
            ),
        )
    type_text = row.get("type_logement", "")
    dwelling_type = p.parse_type(type_text) if type_text else ""
    if dwelling_type is None:
        err("type_logement", _("n'est pas un type de logement connu (attendu : T1 à T6)"))
    disability = p.parse_yes_no(row.get("handicap", ""))
    if disability is None:
        err("handicap", _(YES_NO_EXPECTED))
    qpv = p.parse_yes_no(row.get("qpv", ""))
    if qpv is None:
        err("qpv", _(YES_NO_EXPECTED))

    commune_code = ""
    postcode_text = row.get("code_postal", "")
    if postcode_text:
        postcode = _postcode(postcode_text)
        if postcode is None:
            err("code_postal", _("n'est pas un code postal français (5 chiffres attendus)"))
        elif row.get("commune"):
            commune_code, problem = check.communes.resolve(postcode, row["commune"])
            if problem:
                column, reason = problem.split(":", 1)
                err(column, reason)
    else:
        postcode = None

    dwelling = (
        row.get("ref_logement", ""),
        row.get("agence", ""),
        row.get("residence", ""),
        row.get("quartier", "") if has_quartier else None,
        bool(qpv) if has_qpv else None,
        row.get("adresse", ""),
        postcode or "",
        commune_code,
        row.get("batiment", ""),
        row.get("escalier", ""),
        row.get("etage", ""),
        row.get("porte", ""),
        dwelling_type or "",
    )
    dwelling_raw = tuple(cells[D_FIRST:D_RAW_END])
    start, end = dates["date_entree"], dates["date_sortie"]
    return row_errors, (dwelling, dwelling_raw, birth, start, end, role, disability)
