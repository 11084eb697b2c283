"""Import, phase 1: validate every row of an ERP export and group the rows into leases.

Pure Python over the parsed table (`import_parsing`), with the communes reference loaded once:
no query per row. Errors and warnings are sentences naming line, column and value.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vigie.core.text import commune_match_name, fold
from vigie.housing import import_parsing as p
from vigie.housing.choices import OccupantRole
from vigie.housing.models import PostcodeCommune

# Names, agencies, residences repeat: fold each distinct string once.
_fold = functools.lru_cache(maxsize=100_000)(fold)


def issue(line: int, column: str, value: str, reason: str) -> dict:
    """An error or warning naming line, column, value and what was expected, in French."""
    if column and value:
        message = f"ligne {line}, colonne {column} : « {value} » {reason}"
    elif column:
        message = f"ligne {line}, colonne {column} : {reason}"
    else:
        message = f"ligne {line} : {reason}"
    return {"line": line, "column": column, "value": value, "message": message}


# --------------------------------------------------------------------------- communes


class _Communes:
    """Postcode + commune name → COM-level INSEE code, from the postcodes present in the file."""

    def __init__(self, postcodes: set[str]) -> None:
        # postcode → {match_name: insee code of the commune itself or of its parent COM}
        self.by_postcode: dict[str, dict[str, str]] = {}
        self.names: dict[str, list[str]] = {}
        codes = sorted(postcodes)
        for i in range(0, len(codes), 500):
            rows = PostcodeCommune.objects.filter(postcode__in=codes[i : i + 500]).values_list(
                "postcode",
                "commune_id",
                "commune__name",
                "commune__match_name",
                "commune__parent_id",
                "commune__parent__match_name",
                "commune__parent__kind",
            )
            for postcode, code, name, match, parent, parent_match, parent_kind in rows:
                target = parent if parent and parent_kind == "COM" else code
                names = self.by_postcode.setdefault(postcode, {})
                names.setdefault(match, target)
                if parent and parent_match:
                    names.setdefault(parent_match, target)
                self.names.setdefault(postcode, []).append(name)
        self.cache: dict[tuple[str, str], tuple[str, str]] = {}

    def resolve(self, postcode: str, commune: str) -> tuple[str, str]:
        """(insee code, '') or ('', column:reason)."""
        key = (postcode, commune)
        hit = self.cache.get(key)
        if hit is None:
            hit = self._resolve(postcode, commune)
            self.cache[key] = hit
        return hit

    def _resolve(self, postcode: str, commune: str) -> tuple[str, str]:
        names = self.by_postcode.get(postcode)
        if names is None:
            return "", "code_postal:n'est pas un code postal français connu"
        code = names.get(commune_match_name(commune))
        if code is None:
            expected = ", ".join(sorted(set(self.names[postcode])))
            return "", (
                f"commune:ne correspond pas au code postal {postcode} "
                f"(commune(s) attendue(s) : {expected})"
            )
        return code, ""


def _postcode(text: str) -> str | None:
    compact = text.replace(" ", "")
    if compact.isdigit() and len(compact) == 4:
        compact = "0" + compact
    return compact if len(compact) == 5 and compact.isascii() and compact.isdigit() else None


# --------------------------------------------------------------------------- validation


@dataclass
class Lease:
    ref: str
    line: int
    dwelling: dict[str, Any]
    dwelling_raw: tuple
    start: date | None = None
    end: date | None = None
    occupants: list[dict[str, Any]] = field(default_factory=list)
    occupant_keys: dict[tuple, int] = field(default_factory=dict)
    bad: bool = False


@dataclass
class Checked:
    leases: dict[str, Lease]
    refs_in_file: set[str]
    rejected: int
    errors: list[dict]
    warnings: list[dict]
    columns: list[str]


def validate_rows(table: p.Table, today: date) -> Checked:
    errors: list[dict] = []
    warnings: list[dict] = []
    for name in table.ignored_columns:
        warnings.append(issue(1, "", "", f"colonne « {name} » inconnue, ignorée"))
    postcodes = {pc for _, r in table.rows if (pc := _postcode(r.get("code_postal", "")))}
    communes = _Communes(postcodes)
    leases: dict[str, Lease] = {}
    dwellings_seen: dict[str, tuple[int, tuple, str]] = {}
    seen_rows: dict[tuple, int] = {}
    orphan_rows = 0
    has_column = set(table.columns)

    for line, row in table.rows:
        key = tuple(row.values())
        first = seen_rows.get(key)
        if first is not None:
            warnings.append(
                issue(line, "", "", f"ligne identique à la ligne {first}, fusionnée avec elle")
            )
            continue
        seen_rows[key] = line
        row_errors: list[dict] = []

        def err(
            column: str,
            reason: str,
            value: str | None = None,
            _line: int = line,
            _row: dict = row,
            _out: list = row_errors,
        ) -> None:
            _out.append(
                issue(_line, column, _row.get(column, "") if value is None else value, reason)
            )

        for column in p.REQUIRED_COLUMNS:
            if not row.get(column):
                err(column, "valeur obligatoire manquante", value="")
        for column, limit in p.MAX_LENGTHS.items():
            value = row.get(column, "")
            if len(value) > limit:
                err(column, f"est trop long ({len(value)} caractères, {limit} au plus)")

        dates: dict[str, date | None] = {}
        for column in p.DATE_COLUMNS:
            value = row.get(column, "")
            if not value:
                dates[column] = None
                continue
            parsed = p.parse_date(value)
            if isinstance(parsed, str):
                err(column, parsed)
                dates[column] = None
            else:
                dates[column] = parsed
        birth = dates["date_naissance"]
        if birth and birth > today:
            err("date_naissance", "est dans le futur")
        if dates["date_entree"] and dates["date_sortie"]:
            if dates["date_sortie"] < dates["date_entree"]:
                err("date_sortie", "est antérieure à la date d'entrée")

        role_text = row.get("role", "")
        role = p.ROLES.get(_fold(role_text)) if role_text else ""
        if role is None:
            err(
                "role",
                "n'est pas un rôle connu (attendu : titulaire, cotitulaire, conjoint, enfant "
                "ou autre)",
            )
        type_text = row.get("type_logement", "")
        dwelling_type = p.parse_type(type_text) if type_text else ""
        if dwelling_type is None:
            err("type_logement", "n'est pas un type de logement connu (attendu : T1 à T6)")
        disability = p.parse_yes_no(row.get("handicap", ""))
        if disability is None:
            err("handicap", "n'est pas une valeur attendue (oui, non, 1, 0 ou vide)")
        qpv = p.parse_yes_no(row.get("qpv", ""))
        if qpv is None:
            err("qpv", "n'est pas une valeur attendue (oui, non, 1, 0 ou vide)")

        commune_code = ""
        postcode_text = row.get("code_postal", "")
        if postcode_text:
            postcode = _postcode(postcode_text)
            if postcode is None:
                err("code_postal", "n'est pas un code postal français (5 chiffres attendus)")
            elif row.get("commune"):
                commune_code, problem = communes.resolve(postcode, row["commune"])
                if problem:
                    column, reason = problem.split(":", 1)
                    err(column, reason)
        else:
            postcode = None

        phones: dict[str, tuple[str, bool]] = {}
        for column in ("telephone", "telephone_2"):
            value = row.get(column, "")
            if not value:
                phones[column] = ("", False)
                continue
            parsed_phone = p.fast_parse_phone(value)
            if parsed_phone is None:
                warnings.append(
                    issue(
                        line,
                        column,
                        value,
                        "n'est pas un numéro de téléphone reconnu : conservé tel quel, à vérifier",
                    )
                )
                phones[column] = (value[:40], True)
            else:
                phones[column] = (parsed_phone, False)
        email = row.get("email", "")
        email_check = bool(email) and not p.email_ok(email)
        if email_check:
            warnings.append(
                issue(
                    line,
                    "email",
                    email,
                    "n'est pas une adresse e-mail valide : conservée telle quelle, à vérifier",
                )
            )

        ref = row.get("ref_bail", "")
        if not ref:
            errors.extend(row_errors)
            orphan_rows += 1
            continue
        dwelling_raw = tuple(row.get(c, "") for c in p.DWELLING_COLUMNS)
        lease = leases.get(ref)
        if lease is None:
            lease = Lease(
                ref=ref,
                line=line,
                dwelling={
                    "reference": row.get("ref_logement", ""),
                    "agency": row.get("agence", ""),
                    "residence": row.get("residence", ""),
                    "neighbourhood": row.get("quartier", ""),
                    "qpv": bool(qpv),
                    "address": row.get("adresse", ""),
                    "postcode": postcode or "",
                    "commune": commune_code,
                    "building": row.get("batiment", ""),
                    "staircase": row.get("escalier", ""),
                    "floor": row.get("etage", ""),
                    "door": row.get("porte", ""),
                    "type": dwelling_type or "",
                },
                dwelling_raw=dwelling_raw,
            )
            leases[ref] = lease
            dref = row.get("ref_logement", "")
            if dref:
                other = dwellings_seen.get(dref)
                if other is None:
                    dwellings_seen[dref] = (line, dwelling_raw, ref)
                elif other[1] != dwelling_raw:
                    i = next(k for k in range(len(dwelling_raw)) if other[1][k] != dwelling_raw[k])
                    column = p.DWELLING_COLUMNS[i]
                    err(
                        column,
                        f"diffère de « {other[1][i]} » donné ligne {other[0]} pour le même "
                        f"logement « {dref} » (bail « {other[2]} »)",
                    )
        elif lease.dwelling_raw != dwelling_raw:
            i = next(
                k for k in range(len(dwelling_raw)) if lease.dwelling_raw[k] != dwelling_raw[k]
            )
            column = p.DWELLING_COLUMNS[i]
            err(
                column,
                f"diffère de « {lease.dwelling_raw[i]} » donné ligne {lease.line} pour le même "
                f"bail « {ref} »",
            )
        if row_errors:
            lease.bad = True
            errors.extend(row_errors)
            continue
        if dates["date_entree"] and (lease.start is None or dates["date_entree"] < lease.start):
            lease.start = dates["date_entree"]
        if dates["date_sortie"] and (lease.end is None or dates["date_sortie"] > lease.end):
            lease.end = dates["date_sortie"]
        if not role:
            role = OccupantRole.LEASEHOLDER.value if not lease.occupants else "autre"
            warnings.append(issue(line, "role", "", f"rôle vide : « {role} » retenu"))
        occupant = {
            "last_name": row["nom"],
            "first_name": row.get("prenom", ""),
            "birth_date": birth,
            "role": role,
            "phone": phones["telephone"][0],
            "phone_to_check": phones["telephone"][1],
            "phone_2": phones["telephone_2"][0],
            "phone_2_to_check": phones["telephone_2"][1],
            "email": email,
            "email_to_check": email_check,
            "disability": bool(disability),
        }
        okey = (_fold(occupant["last_name"]), _fold(occupant["first_name"]), birth)
        same = lease.occupant_keys.get(okey)
        if same is not None:
            warnings.append(
                issue(
                    line,
                    "",
                    "",
                    f"même occupant·e (nom, prénom, date de naissance) que la ligne {same} du "
                    "bail, avec d'autres données : la première ligne est retenue",
                )
            )
            continue
        lease.occupant_keys[okey] = line
        lease.occupants.append((okey, occupant))

    valid = {ref: lease for ref, lease in leases.items() if not lease.bad}
    rejected = orphan_rows + sum(1 for lease in leases.values() if lease.bad)
    if "quartier" not in has_column:
        for lease in valid.values():
            lease.dwelling["neighbourhood"] = None
    if "qpv" not in has_column:
        for lease in valid.values():
            lease.dwelling["qpv"] = None
    errors.sort(key=lambda e: e["line"])
    return Checked(valid, set(leases), rejected, errors, warnings, table.columns)
