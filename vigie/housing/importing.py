"""The ERP import (issue #2 §6): one file of occupants → agencies, residences, dwellings,
households and occupants of one landlord, all or nothing.

Three phases, so that a 30,000-row export takes a few seconds and a bad file writes nothing:
1. read and validate every row in pure Python (`import_parsing`), grouping rows into leases;
2. plan: compare with the organisation's rows preloaded into dicts (no query per row) and
   decide what to create, update, mark departed;
3. write the plan in one transaction with bulk_create / bulk_update.
Each run is recorded in ImportRun, a refused one too. Cell values never go to logging.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from vigie.core.services import audit_log
from vigie.core.text import commune_match_name, fold
from vigie.housing import import_parsing as p
from vigie.housing.choices import ImportStatus, OccupantRole
from vigie.housing.import_parsing import check_mapping, load_mapping
from vigie.housing.models import (
    Agency,
    Building,
    Dwelling,
    Household,
    ImportRun,
    Occupant,
    PostcodeCommune,
    Residence,
)
from vigie.housing.services import COMPOSITION_FIELDS, household_apply_composition

__all__ = ["ImportReport", "import_stock", "load_mapping"]

# Names, agencies, residences repeat: fold each distinct string once.
_fold = functools.lru_cache(maxsize=100_000)(fold)

STORED_ISSUES = 1000  # errors/warnings kept on the ImportRun row (the report has them all)
BATCH = 1000


@dataclass
class ImportReport:
    """What an import did (or would do, for a dry run); counts are of leases."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    departed: int = 0
    rejected: int = 0
    warnings: list[dict] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    rows: int = 0
    imported: bool = False
    run_id: int | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "departed": self.departed,
            "rejected": self.rejected,
        }

    def as_json(self) -> dict:
        return {**self.counts, "warnings": self.warnings, "errors": self.errors}


def _issue(line: int, column: str, value: str, reason: str) -> dict:
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
class _Lease:
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
class _Checked:
    leases: dict[str, _Lease]
    refs_in_file: set[str]
    rejected: int
    errors: list[dict]
    warnings: list[dict]
    columns: list[str]


def _validate(table: p.Table, today: date) -> _Checked:
    errors: list[dict] = []
    warnings: list[dict] = []
    for name in table.ignored_columns:
        warnings.append(_issue(1, "", "", f"colonne « {name} » inconnue, ignorée"))
    postcodes = {pc for _, r in table.rows if (pc := _postcode(r.get("code_postal", "")))}
    communes = _Communes(postcodes)
    leases: dict[str, _Lease] = {}
    dwellings_seen: dict[str, tuple[int, tuple, str]] = {}
    seen_rows: dict[tuple, int] = {}
    orphan_rows = 0
    has_column = set(table.columns)

    for line, row in table.rows:
        key = tuple(row.values())
        first = seen_rows.get(key)
        if first is not None:
            warnings.append(
                _issue(line, "", "", f"ligne identique à la ligne {first}, fusionnée avec elle")
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
                _issue(_line, column, _row.get(column, "") if value is None else value, reason)
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
                    _issue(
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
                _issue(
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
            lease = _Lease(
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
            warnings.append(_issue(line, "role", "", f"rôle vide : « {role} » retenu"))
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
                _issue(
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
    return _Checked(valid, set(leases), rejected, errors, warnings, table.columns)


# --------------------------------------------------------------------------- plan


@dataclass
class _Plan:
    agencies: list[Agency] = field(default_factory=list)
    residences_new: list[Residence] = field(default_factory=list)
    residences_upd: dict[int, Residence] = field(default_factory=dict)
    buildings: list[Building] = field(default_factory=list)
    dwellings_new: list[Dwelling] = field(default_factory=list)
    dwellings_upd: dict[int, Dwelling] = field(default_factory=dict)
    households_new: list[Household] = field(default_factory=list)
    households_upd: list[Household] = field(default_factory=list)
    occupants_new: list[Occupant] = field(default_factory=list)
    occupants_upd: list[Occupant] = field(default_factory=list)
    occupants_del: list[int] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    departed: int = 0


DWELLING_FIELDS = [
    "residence",
    "building",
    "staircase",
    "floor",
    "door",
    "type",
    "address",
    "postcode",
    "commune",
]
HOUSEHOLD_FIELDS = [
    "dwelling",
    "start_date",
    "end_date",
    "departed_on",
    "version",
    "updated_at",
    *COMPOSITION_FIELDS,
]
OCCUPANT_FIELDS = [
    "position",
    "last_name",
    "first_name",
    "birth_date",
    "role",
    "phone",
    "phone_to_check",
    "phone_2",
    "phone_2_to_check",
    "phone_wrong_number",
    "email",
    "email_to_check",
    "disability",
]


@functools.cache
def _layout(model) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    fields = model._meta.concrete_fields
    # NOT_PROVIDED (no default) is a class, hence callable: test has_default() first, or every
    # field without a default would be recomputed per object (a tenth of a large import).
    per_object = [f for f in fields if f.has_default() and callable(f.default)]
    constant = {f.attname: f.get_default() for f in fields if f not in per_object}
    relations = {f.name: f for f in fields if f.is_relation}
    return constant, relations, per_object


def _new(model, **values):
    """An unsaved model instance, built the way Model.from_db does, without __init__.

    Why: Model.__init__ took most of the planning time for 50,000 new rows. These models have
    no pre_init/post_init receivers; foreign keys are cached as the descriptor would, so an
    object assigned before it is saved gives its id at insert time (see _fk_getter).
    """
    constant, relations, per_object = _layout(model)
    obj = model.__new__(model)
    d = obj.__dict__
    d.update(constant)
    for f in per_object:
        d[f.attname] = f.get_default()
    state = ModelState()
    d["_state"] = state
    for name, value in values.items():
        f = relations.get(name)
        if f is None:
            d[name] = value
        else:
            d[f.attname] = value.pk if value is not None else None
            state.fields_cache[f.cache_name] = value
    return obj


def _fk_differs(current_id: int | str | None, target: Any) -> bool:
    if target is None:
        return current_id is not None
    return target.pk is None or current_id != target.pk


def _plan(organisation, checked: _Checked, *, full: bool, today: date) -> _Plan:
    org_id = organisation.pk
    plan = _Plan()
    agencies = {_fold(a.name): a for a in Agency.objects.filter(organisation_id=org_id)}
    residences = {_fold(r.name): r for r in Residence.objects.filter(organisation_id=org_id)}
    buildings = {
        (b.residence_id, _fold(b.name)): b for b in Building.objects.filter(organisation_id=org_id)
    }
    dwellings = {d.reference: d for d in Dwelling.objects.filter(organisation_id=org_id)}
    households = {h.reference: h for h in Household.objects.filter(organisation_id=org_id)}
    occupants: dict[int, list[Occupant]] = {}
    for o in Occupant.objects.filter(organisation_id=org_id).order_by(
        "household_id", "position", "id"
    ):
        occupants.setdefault(o.household_id, []).append(o)
    residences_done: set[int] = set()
    dwellings_done: dict[int, bool] = {}
    now = timezone.now()

    for lease in checked.leases.values():
        d = lease.dwelling
        agency = None
        if d["agency"]:
            agency = agencies.get(_fold(d["agency"]))
            if agency is None:
                agency = Agency(organisation_id=org_id, name=d["agency"])
                agencies[_fold(d["agency"])] = agency
                plan.agencies.append(agency)
        residence = residences.get(_fold(d["residence"]))
        if residence is None:
            residence = Residence(
                organisation_id=org_id,
                name=d["residence"],
                agency=agency,
                commune_id=d["commune"],
                neighbourhood=d["neighbourhood"] or "",
                priority_neighbourhood=bool(d["qpv"]),
            )
            residences[_fold(d["residence"])] = residence
            plan.residences_new.append(residence)
        elif residence.pk not in residences_done:
            residences_done.add(residence.pk)
            changed = False
            if agency is not None and _fk_differs(residence.agency_id, agency):
                residence.agency = agency
                changed = True
            if residence.commune_id is None:
                residence.commune_id = d["commune"]
                changed = True
            if d["neighbourhood"] is not None and residence.neighbourhood != d["neighbourhood"]:
                residence.neighbourhood = d["neighbourhood"]
                changed = True
            if d["qpv"] is not None and residence.priority_neighbourhood != d["qpv"]:
                residence.priority_neighbourhood = d["qpv"]
                changed = True
            if changed:
                plan.residences_upd[residence.pk] = residence

        building = None
        if d["building"]:
            bkey = (residence.pk or id(residence), _fold(d["building"]))
            building = buildings.get(bkey)
            if building is None:
                building = Building(organisation_id=org_id, residence=residence, name=d["building"])
                buildings[bkey] = building
                plan.buildings.append(building)

        dwelling_changed = False
        dwelling = dwellings.get(d["reference"])
        target = {
            "staircase": d["staircase"],
            "floor": d["floor"],
            "door": d["door"],
            "type": d["type"],
            "address": d["address"],
            "postcode": d["postcode"],
        }
        if dwelling is None:
            dwelling = _new(
                Dwelling,
                organisation_id=org_id,
                reference=d["reference"],
                residence=residence,
                building=building,
                commune_id=d["commune"],
                **target,
            )
            dwellings[d["reference"]] = dwelling
            plan.dwellings_new.append(dwelling)
        elif dwelling.pk is not None and dwelling.pk in dwellings_done:
            dwelling_changed = dwellings_done[dwelling.pk]
        elif dwelling.pk is not None:
            if _fk_differs(dwelling.residence_id, residence):
                dwelling.residence = residence
                dwelling_changed = True
            if _fk_differs(dwelling.building_id, building):
                dwelling.building = building
                dwelling_changed = True
            if dwelling.commune_id != d["commune"]:
                dwelling.commune_id = d["commune"]
                dwelling_changed = True
            for name, value in target.items():
                if getattr(dwelling, name) != value:
                    setattr(dwelling, name, value)
                    dwelling_changed = True
            if dwelling_changed:
                plan.dwellings_upd[dwelling.pk] = dwelling
            dwellings_done[dwelling.pk] = dwelling_changed

        household = households.get(lease.ref)
        existing: list[Occupant] = []
        if household is None:
            household = _new(
                Household,
                organisation_id=org_id,
                reference=lease.ref,
                dwelling=dwelling,
                start_date=lease.start,
                end_date=lease.end,
            )
            households[lease.ref] = household
            plan.households_new.append(household)
            is_new = True
            changed = True
        else:
            is_new = False
            changed = dwelling_changed
            existing = occupants.get(household.pk, [])
            if _fk_differs(household.dwelling_id, dwelling):
                changed = True
            household.dwelling = dwelling
            for name, value in (
                ("start_date", lease.start),
                ("end_date", lease.end),
                ("departed_on", None),
            ):
                if getattr(household, name) != value:
                    setattr(household, name, value)
                    changed = True

        by_key = {(_fold(o.last_name), _fold(o.first_name), o.birth_date): o for o in existing}
        members: list[Occupant] = []
        for position, (key, values) in enumerate(lease.occupants):
            o = by_key.pop(key, None)
            if o is None:
                o = _new(
                    Occupant,
                    organisation_id=org_id,
                    household=household,
                    position=position,
                    **values,
                )
                plan.occupants_new.append(o)
                changed = True
            else:
                o_changed = o.position != position
                o.position = position
                for name, value in values.items():
                    if getattr(o, name) != value:
                        if name == "phone":
                            o.phone_wrong_number = False
                        setattr(o, name, value)
                        o_changed = True
                if o_changed:
                    plan.occupants_upd.append(o)
                    changed = True
            members.append(o)
        if by_key:
            plan.occupants_del.extend(o.pk for o in by_key.values())
            changed = True
        before = tuple(getattr(household, f) for f in COMPOSITION_FIELDS)
        household_apply_composition(household, members)
        if tuple(getattr(household, f) for f in COMPOSITION_FIELDS) != before:
            changed = True
        if is_new:
            plan.created += 1
        elif changed:
            household.version += 1
            household.updated_at = now
            plan.households_upd.append(household)
            plan.updated += 1
        else:
            plan.unchanged += 1

    if full:
        for ref, household in households.items():
            if household.pk and ref not in checked.refs_in_file and household.departed_on is None:
                household.departed_on = today
                household.version += 1
                household.updated_at = now
                plan.households_upd.append(household)
                plan.departed += 1
    return plan


def _insert(model, objs: list, *, key: str | None = None, org_id: int | None = None) -> None:
    """INSERT `objs` with one executemany, then give them their ids (looked up by `key`).

    Why not bulk_create: Django prepares each of the ~750,000 values of a 30,000-row import
    through the SQL compiler (and SQLite caps a statement at 999 parameters), which made
    writing slower than everything else together. Values here are plain Python values the
    drivers adapt themselves; dates go through the backend's own adapter.
    """
    if not objs:
        return
    ops = connection.ops
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    getters = []
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            stamp = ops.adapt_datetimefield_value(now)
            getters.append(lambda o, _v=stamp: _v)
        elif f.is_relation:
            getters.append(_fk_getter(f))
        elif f.get_internal_type() == "DateField":
            getters.append(
                lambda o, _a=f.attname, _ad=ops.adapt_datefield_value: _ad(getattr(o, _a))
            )
        else:
            getters.append(lambda o, _a=f.attname: getattr(o, _a))
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
    rows = [tuple(g(o) for g in getters) for o in objs]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY is several times faster than executemany on PostgreSQL.
            copy_sql = f"COPY {table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            for i in range(0, len(rows), 5000):
                cursor.executemany(sql, rows[i : i + 5000])
    for o in objs:
        o._state.adding = False
        o._state.db = connection.alias
    if key is not None:
        ids = dict(
            model.objects.filter(organisation_id=org_id).values_list(key, "pk").iterator(5000)
        )
        for o in objs:
            o.pk = ids[getattr(o, key)]


def _fk_getter(f):
    attname = f.attname

    def get(o):
        value = getattr(o, attname)
        if value is None and f.is_cached(o):
            related = f.get_cached_value(o)
            value = related.pk if related is not None else None
            setattr(o, attname, value)
        return value

    return get


def _write(plan: _Plan, org_id: int) -> None:
    Agency.objects.bulk_create(plan.agencies, batch_size=BATCH)
    Residence.objects.bulk_create(plan.residences_new, batch_size=BATCH)
    if plan.residences_upd:
        Residence.objects.bulk_update(
            list(plan.residences_upd.values()),
            ["agency", "commune", "neighbourhood", "priority_neighbourhood"],
            batch_size=BATCH,
        )
    Building.objects.bulk_create(plan.buildings, batch_size=BATCH)
    _insert(Dwelling, plan.dwellings_new, key="reference", org_id=org_id)
    if plan.dwellings_upd:
        Dwelling.objects.bulk_update(
            list(plan.dwellings_upd.values()), DWELLING_FIELDS, batch_size=BATCH
        )
    _insert(Household, plan.households_new, key="reference", org_id=org_id)
    if plan.households_upd:
        Household.objects.bulk_update(plan.households_upd, HOUSEHOLD_FIELDS, batch_size=BATCH)
    for i in range(0, len(plan.occupants_del), 500):
        Occupant.objects.filter(pk__in=plan.occupants_del[i : i + 500]).delete()
    _insert(Occupant, plan.occupants_new)
    if plan.occupants_upd:
        Occupant.objects.bulk_update(plan.occupants_upd, OCCUPANT_FIELDS, batch_size=BATCH)


# --------------------------------------------------------------------------- the service


def import_stock(
    *,
    organisation,
    data: bytes,
    file_name: str,
    actor=None,
    mapping: dict | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    full: bool = True,
) -> ImportReport:
    """Import an ERP export for `organisation`; all or nothing unless `skip_invalid`.

    `full`: the file is the whole stock, so leases absent from it are marked departed.
    Never raises for a bad file: the report carries the errors (and the run is recorded).
    """
    if mapping:
        mapping = check_mapping(mapping)  # idempotent: accepts raw TOML tables too
    today = timezone.localdate()
    report = ImportReport()
    try:
        table = p.read_table(data, mapping)
    except p.FileError as exc:
        report.errors.append(
            {"line": exc.line, "column": exc.column, "value": exc.value, "message": exc.message}
        )
        return _record(report, organisation, data, file_name, actor, dry_run, skip_invalid, full)
    report.rows = len(table.rows)
    checked = _validate(table, today)
    report.errors = checked.errors
    report.warnings = checked.warnings
    report.rejected = checked.rejected
    blocked = bool(checked.errors) and not skip_invalid
    if blocked and not dry_run:
        return _record(report, organisation, data, file_name, actor, dry_run, skip_invalid, full)
    # A file whose every row is rejected is no evidence that the stock is empty.
    full = full and bool(checked.leases)
    plan = _plan(organisation, checked, full=full, today=today)
    report.created, report.updated = plan.created, plan.updated
    report.unchanged, report.departed = plan.unchanged, plan.departed
    if dry_run:
        report.imported = False
        return _record(report, organisation, data, file_name, actor, dry_run, skip_invalid, full)
    try:
        with transaction.atomic():
            _write(plan, organisation.pk)
            report.imported = True
            run = _save_run(report, organisation, data, file_name, actor, False, skip_invalid, full)
            audit_log(
                actor=actor,
                action="import.completed",
                obj=run,
                organisation=organisation,
                payload={"counts": report.counts, "rows": report.rows},
            )
    except DatabaseError as exc:
        report.imported = False
        report.run_id = None
        report.created = report.updated = report.unchanged = report.departed = 0
        report.errors.append(
            _issue(
                0,
                "",
                "",
                "l'écriture en base a échoué, rien n'a été importé "
                f"({type(exc).__name__} ; réessayez, ou signalez-le si cela se reproduit)",
            )
        )
        return _record(report, organisation, data, file_name, actor, False, skip_invalid, full)
    return report


def _record(report, organisation, data, file_name, actor, dry_run, skip_invalid, full):
    """Record a run that wrote nothing (refused or dry run), in its own transaction."""
    with transaction.atomic():
        _save_run(report, organisation, data, file_name, actor, dry_run, skip_invalid, full)
    return report


def _save_run(report, organisation, data, file_name, actor, dry_run, skip_invalid, full):
    if dry_run:
        status = ImportStatus.DRY_RUN
    elif report.imported:
        status = ImportStatus.IMPORTED
    else:
        status = ImportStatus.REFUSED
    run = ImportRun.objects.create(
        organisation=organisation,
        user=actor if getattr(actor, "pk", None) else None,
        finished_at=timezone.now(),
        file_name=(file_name or "")[:255],
        file_sha256=hashlib.sha256(data or b"").hexdigest(),
        rows=report.rows,
        status=status,
        full=full,
        skip_invalid=skip_invalid,
        counts=report.counts,
        errors=_capped(report.errors),
        warnings=_capped(report.warnings),
    )
    report.run_id = run.pk
    return run


def _capped(issues: list[dict]) -> list[dict]:
    if len(issues) <= STORED_ISSUES:
        return issues
    rest = len(issues) - STORED_ISSUES
    return [
        *issues[:STORED_ISSUES],
        {"line": 0, "column": "", "value": "", "message": f"… et {rest} autres"},
    ]
