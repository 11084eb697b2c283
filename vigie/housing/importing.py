"""The ERP import (issue #2 §6): one file of occupants → agencies, residences, dwellings,
households and occupants of one landlord, all or nothing.

Three phases, so that an 850,000-row export takes well under a minute and a bad file writes
nothing (issue #6):
1. read the file as a stream and validate every row in pure Python (`import_parsing`,
   `import_validation`: each distinct value checked once), grouping rows into leases; only
   the leases are kept, not the rows;
2. plan: compare with the organisation's rows preloaded as tuples (no query per row) and
   decide what to create, update, mark departed; new rows are planned as tuples;
3. write the plan in one transaction: bulk_create / bulk_update for the few changed rows,
   COPY (PostgreSQL) or executemany from a writer thread (SQLite) for the new ones
   (`import_fastwrite`), with ids given beforehand.
Each run is recorded in ImportRun, a refused one too. Cell values never go to logging.
"""

from __future__ import annotations

import hashlib
import math
import operator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext

from vigie.core.bulk import bulk_update_fast
from vigie.core.services import audit_log
from vigie.housing import import_parsing as p
from vigie.housing.choices import ADULT_ROLES, ImportStatus, OccupantRole
from vigie.housing.departures import households_departing
from vigie.housing.import_fastwrite import RowWriter, allocate_ids, date_adapter
from vigie.housing.import_parsing import check_mapping, load_mapping
from vigie.housing.import_validation import (
    D_ADDRESS,
    D_AGENCY,
    D_BUILDING,
    D_COMMUNE,
    D_DOOR,
    D_FLOOR,
    D_NEIGHBOURHOOD,
    D_POSTCODE,
    D_QPV,
    D_REFERENCE,
    D_RESIDENCE,
    D_STAIRCASE,
    D_TYPE,
    OCCUPANT_VALUES,
    Checked,
    _fold,
    issue,
    validate_rows,
)
from vigie.housing.models import (
    Agency,
    Building,
    Commune,
    Dwelling,
    Household,
    ImportRun,
    Occupant,
    Residence,
)
from vigie.housing.search import refresh_statistics, search_text
from vigie.housing.services import COMPOSITION_FIELDS

__all__ = ["ImportReport", "departure_limit", "import_stock", "load_mapping"]


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
    # Full imports: the organisation's active leases before the import, and how many of them
    # may be marked departed without an explicit confirmation (`departure_limit`).
    active: int = 0
    departure_limit: int | None = None
    # Departures over the limit, not confirmed: refused (a dry run says the real run would be).
    departures_refused: bool = False

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
        out: dict[str, Any] = {**self.counts}
        if self.departures_refused:  # the figures of the refusal (absent otherwise)
            out["active"] = self.active
            out["departure_limit"] = self.departure_limit
            out["departures_refused"] = self.departures_refused
        return {**out, "warnings": self.warnings, "errors": self.errors}


DEPARTURES_CODE = "departures"  # the "code" of the error that refuses too many departures


def departure_limit(active: int) -> int:
    """How many of `active` leases a full import may mark departed without a confirmation:
    the smaller of VIGIE_IMPORT_MAX_DEPARTURES_PERCENT % (rounded up, so one departure of a
    small stock passes) and VIGIE_IMPORT_MAX_DEPARTURES."""
    percent = settings.VIGIE_IMPORT_MAX_DEPARTURES_PERCENT
    share = math.ceil(active * percent / 100 - 1e-9) if active else 0
    return max(0, min(share, settings.VIGIE_IMPORT_MAX_DEPARTURES))


def _departures_error(*, departed: int, active: int, limit: int, allowed: int | None) -> dict:
    sentence = gettext(
        "Cet import complet marquerait partis %(departed)s baux sur %(active)s actifs "
        "(%(percent)s %%), au-delà du seuil de %(limit)s (%(max_percent)s %% des baux actifs "
        "ou %(max)s baux, le plus petit des deux) : les ménages partis sortent des cohortes et "
        "de toutes les files d'appels. Si le fichier est bien le patrimoine complet, confirmez "
        "le nombre de départs (en ligne de commande : --allow-departures %(departed)s) ; sinon, "
        "vérifiez le fichier ou faites un import partiel."
    ) % {
        "departed": departed,
        "active": active,
        "percent": f"{100 * departed / active:.1f}".replace(".", ",") if active else "100",
        "limit": limit,
        "max_percent": f"{settings.VIGIE_IMPORT_MAX_DEPARTURES_PERCENT:g}",
        "max": settings.VIGIE_IMPORT_MAX_DEPARTURES,
    }
    if allowed is not None:
        sentence += " " + gettext(
            "Vous en avez confirmé %(allowed)s, moins que les %(departed)s à faire."
        ) % {"allowed": allowed, "departed": departed}
    return {"line": 0, "column": "", "value": "", "message": sentence, "code": DEPARTURES_CODE}


# --------------------------------------------------------------------------- plan

# New rows are planned as plain tuples and written by `RowWriter` with ids given beforehand (no
# model instance: building ~1.2 million of them was most of the planning time of a large first
# import; no query to look the new ids up). Existing rows that change are model instances,
# written by bulk_update.


@dataclass
class _Plan:
    agencies: list[Agency] = field(default_factory=list)
    residences_new: list[Residence] = field(default_factory=list)
    residences_upd: dict[int, Residence] = field(default_factory=dict)
    buildings: list[Building] = field(default_factory=list)
    # ascenseur changed on existing buildings (the new ones carry it in `buildings`)
    buildings_upd: dict[int, Building] = field(default_factory=dict)
    # impaye_mois of existing households whose stored value differs: id → months or None
    arrears_upd: dict[int, int | None] = field(default_factory=dict)
    arrears_column: bool = False
    # (reference, residence, building or None, staircase, floor, door, type, address,
    # postcode, commune code)
    dwellings_new: list[tuple] = field(default_factory=list)
    dwellings_upd: dict[int, Dwelling] = field(default_factory=dict)
    # (dwelling id, or None if new; the lease): occupants and derived fields are computed while
    # the rows are written
    households_new: list[tuple] = field(default_factory=list)
    households_upd: list[Household] = field(default_factory=list)
    # existing households moved to a new dwelling: (household, dwelling reference)
    households_to_new_dwelling: list[tuple[Household, str]] = field(default_factory=list)
    # new occupants of existing households: (household id, position, values)
    occupants_new: list[tuple] = field(default_factory=list)
    occupants_upd: list[Occupant] = field(default_factory=list)
    occupants_del: list[int] = field(default_factory=list)
    # The households a full import marks departed (also in households_upd): the run that
    # departs them is written on them (departed_by_run) once it exists.
    departures: list[Household] = field(default_factory=list)
    # The fields bulk_update writes: those of the file's absent columns are left out (an
    # absent column keeps the stored values, `_Keep`).
    dwelling_fields: list[str] = field(default_factory=list)
    household_fields: list[str] = field(default_factory=list)
    occupant_fields: list[str] = field(default_factory=list)
    active: int = 0  # the organisation's active leases before the import
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
    "departed_by_run",
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
assert [f for f in OCCUPANT_FIELDS if f in OCCUPANT_VALUES] == list(OCCUPANT_VALUES)  # nosec B101 (layout check at import)
_ADULTS = frozenset(ADULT_ROLES)
_CHILD = OccupantRole.CHILD.value


def _derived(household_ref: str, d: tuple, members: list[tuple[tuple, bool]]) -> tuple:
    """COMPOSITION_FIELDS of a household whose dwelling is `d` and whose occupants are
    `members` ((values, phone_wrong_number) each): what services.household_apply_composition
    computes from model instances, computed from the import's tuples."""
    adults = children = 0
    oldest = None
    disability = phone = False
    names: list[str] = []
    phones: list[str] = []
    emails: list[str] = []
    for v, wrong in members:
        role = v[3]
        if role in _ADULTS:
            adults += 1
            birth = v[2]
            if birth and (oldest is None or birth < oldest):
                oldest = birth
        elif role == _CHILD:
            children += 1
        disability = disability or v[10]
        if not phone:
            phone = bool((v[4] and not v[5] and not wrong) or (v[6] and not v[7]))
        names += (v[0], v[1])
        emails.append(v[8])
        phones += [number for number in (v[4], v[6]) if number]
    search = search_text(
        names=names,
        address=d[D_ADDRESS],
        commune=_commune_name(d[D_COMMUNE]),
        postcode=d[D_POSTCODE],
        residence=d[D_RESIDENCE],
        references=(household_ref, d[D_REFERENCE]),
        phones=phones,
        emails=emails,
    )
    return adults, children, oldest, disability, phone, search


_commune_names: dict[str, str] = {}


def _load_commune_names() -> None:
    """The communes' names (reference data), read once per process before anything is written:
    `_derived` runs while PostgreSQL's COPY holds the connection, where no query may run."""
    if not _commune_names:
        _commune_names.update(Commune.objects.values_list("insee_code", "name"))


def _commune_name(insee_code: str | None) -> str:
    return _commune_names.get(insee_code, "") if insee_code else ""


def _fk_differs(current_id: int | str | None, target: Any) -> bool:
    if target is None:
        return current_id is not None
    return target.pk is None or current_id != target.pk


# Existing rows as the plan reads them (values_list).
_DWELLING_ROW = (
    "id",
    "reference",
    "residence_id",
    "building_id",
    "commune_id",
    "staircase",
    "floor",
    "door",
    "type",
    "address",
    "postcode",
)
_HOUSEHOLD_ROW = (
    "id",
    "reference",
    "dwelling_id",
    "start_date",
    "end_date",
    "departed_on",
    "version",
    *COMPOSITION_FIELDS,
)
_H_VERSION = _HOUSEHOLD_ROW.index("version")


def _active_on(row: tuple, today) -> bool:
    """Whether a `_HOUSEHOLD_ROW` is a lease running on `today`: begun (or no date), not
    ended, not departed — what a full import may mark departed and counts as active."""
    start, end, departed = row[3], row[4], row[5]
    return departed is None and (end is None or end >= today) and (start is None or start <= today)


_H_DERIVED = _HOUSEHOLD_ROW.index(COMPOSITION_FIELDS[0])
_OCCUPANT_ROW = ("id", "household_id", "position", *OCCUPANT_VALUES, "phone_wrong_number")
_O_WRONG = _OCCUPANT_ROW.index("phone_wrong_number")
_O_PHONE = _OCCUPANT_ROW.index("phone")
_V_PHONE = OCCUPANT_VALUES.index("phone")
assert tuple(COMPOSITION_FIELDS) == (  # nosec B101 (layout check at import)
    "adults",
    "children",
    "oldest_adult_birth_date",
    "has_disability",
    "has_phone",
    "search_text",
)  # the order _derived returns them in

# The template column each value comes from: a column absent from the file leaves these values
# as they are stored (issue #10: a file without `telephone` must not erase the phones).
OCCUPANT_VALUE_COLUMNS = {
    "last_name": "nom",
    "first_name": "prenom",
    "birth_date": "date_naissance",
    "role": "role",
    "phone": "telephone",
    "phone_to_check": "telephone",
    "phone_2": "telephone_2",
    "phone_2_to_check": "telephone_2",
    "email": "email",
    "email_to_check": "email",
    "disability": "handicap",
}
# Dwelling fields compared as a tuple (staircase, floor, door, type, address): their columns.
_DWELLING_TARGET_COLUMNS = ("escalier", "etage", "porte", "type_logement", "adresse")
_DWELLING_TARGET_FIELDS = ("staircase", "floor", "door", "type", "address")
assert set(OCCUPANT_VALUE_COLUMNS) == set(OCCUPANT_VALUES)  # nosec B101 (layout check at import)


def _merger(kept: list[bool]) -> Any:
    """For a file that lacks some columns: fn(new + stored) → new, with the stored value
    where `kept` (one itemgetter per file, one call per existing row); None if nothing is
    kept (the comparison stays a plain tuple one)."""
    if not any(kept):
        return None
    n = len(kept)
    return operator.itemgetter(*[n + i if keep else i for i, keep in enumerate(kept)])


@dataclass(frozen=True)
class _Keep:
    """What a file's absent columns leave as stored, decided once per file."""

    occupant: Any  # _merger over OCCUPANT_VALUES, or None
    occupant_fields: list[str]
    first_name: bool  # no `prenom`: occupants are recognised by name and birth date
    start: bool  # no `date_entree`
    end: bool  # no `date_sortie`
    building: bool  # no `batiment`
    dwelling: Any  # _merger over the dwelling target tuple, or None
    dwelling_fields: list[str]
    household_fields: list[str]

    @classmethod
    def of(cls, absent: frozenset[str]) -> _Keep:
        occupant_kept = [OCCUPANT_VALUE_COLUMNS[f] in absent for f in OCCUPANT_VALUES]
        kept_fields = {f for f, k in zip(OCCUPANT_VALUES, occupant_kept, strict=True) if k}
        dwelling_kept = {
            f
            for f, c in zip(_DWELLING_TARGET_FIELDS, _DWELLING_TARGET_COLUMNS, strict=True)
            if c in absent
        }
        if "batiment" in absent:
            dwelling_kept.add("building")
        household_kept = {
            f
            for f, c in (("start_date", "date_entree"), ("end_date", "date_sortie"))
            if c in absent
        }
        return cls(
            occupant=_merger(occupant_kept),
            occupant_fields=[f for f in OCCUPANT_FIELDS if f not in kept_fields],
            first_name="prenom" in absent,
            start="date_entree" in absent,
            end="date_sortie" in absent,
            building="batiment" in absent,
            dwelling=_merger([c in absent for c in _DWELLING_TARGET_COLUMNS]),
            dwelling_fields=[f for f in DWELLING_FIELDS if f not in dwelling_kept],
            household_fields=[f for f in HOUSEHOLD_FIELDS if f not in household_kept],
        )


def _plan(organisation, checked: Checked, *, full: bool, today: date) -> _Plan:
    org_id = organisation.pk
    _load_commune_names()
    keep = _Keep.of(checked.absent)
    plan = _Plan(
        dwelling_fields=keep.dwelling_fields,
        household_fields=keep.household_fields,
        occupant_fields=keep.occupant_fields,
    )
    agencies = {_fold(a.name): a for a in Agency.objects.filter(organisation_id=org_id)}
    residences = {_fold(r.name): r for r in Residence.objects.filter(organisation_id=org_id)}
    buildings = {
        (b.residence_id, _fold(b.name)): b for b in Building.objects.filter(organisation_id=org_id)
    }
    # The organisation's dwellings, households and occupants as tuples (an instance is made
    # only for a row that changes): a nightly re-import of the whole stock compares ~1.5
    # million rows and changes a few.
    dwellings = {
        row[1]: row
        for row in Dwelling.objects.filter(organisation_id=org_id).values_list(*_DWELLING_ROW)
    }
    households = {
        row[1]: row
        for row in Household.objects.filter(organisation_id=org_id).values_list(*_HOUSEHOLD_ROW)
    }
    plan.active = sum(1 for row in households.values() if _active_on(row, today))
    occupants: dict[int, list[tuple]] = {}
    if households:
        rows = (
            Occupant.objects.filter(organisation_id=org_id)
            .order_by("household_id", "position", "id")
            .values_list(*_OCCUPANT_ROW)
        )
        for row in rows.iterator(10_000):
            occupants.setdefault(row[1], []).append(row)
    plan.arrears_column = "impaye_mois" in checked.columns
    arrears: dict[str, int | None] = {}
    if plan.arrears_column and households:
        arrears = dict(
            Household.objects.filter(organisation_id=org_id).values_list(
                "reference", "arrears_months"
            )
        )
    residences_done: set[int] = set()
    dwellings_done: dict[int, bool] = {}
    new_dwellings: set[str] = set()
    now = timezone.now()
    last_agency: tuple = ("", None)  # the rows of a residence follow each other: skip lookups
    last_residence: tuple = ("", None)

    for lease in checked.leases.values():
        d = lease.dwelling
        agency_name = d[D_AGENCY]
        if agency_name == last_agency[0]:
            agency = last_agency[1]
        else:
            agency = None
            if agency_name:
                agency = agencies.get(_fold(agency_name))
                if agency is None:
                    agency = Agency(organisation_id=org_id, name=agency_name)
                    agencies[_fold(agency_name)] = agency
                    plan.agencies.append(agency)
            last_agency = (agency_name, agency)
        residence_name = d[D_RESIDENCE]
        if residence_name == last_residence[0] and last_residence[1].pk is None:
            residence = last_residence[1]  # a new residence: nothing to compare
        else:
            residence = residences.get(_fold(residence_name))
            if residence is None:
                residence = Residence(
                    organisation_id=org_id,
                    name=residence_name,
                    agency=agency,
                    commune_id=d[D_COMMUNE],
                    neighbourhood=d[D_NEIGHBOURHOOD] or "",
                    priority_neighbourhood=bool(d[D_QPV]),
                )
                residences[_fold(residence_name)] = residence
                plan.residences_new.append(residence)
            elif residence.pk is not None and residence.pk not in residences_done:
                residences_done.add(residence.pk)
                changed = False
                if agency is not None and _fk_differs(residence.agency_id, agency):
                    residence.agency = agency
                    changed = True
                if residence.commune_id is None:
                    residence.commune_id = d[D_COMMUNE]
                    changed = True
                neighbourhood, qpv = d[D_NEIGHBOURHOOD], d[D_QPV]
                if neighbourhood is not None and residence.neighbourhood != neighbourhood:
                    residence.neighbourhood = neighbourhood
                    changed = True
                if qpv is not None and residence.priority_neighbourhood != qpv:
                    residence.priority_neighbourhood = qpv
                    changed = True
                if changed:
                    plan.residences_upd[residence.pk] = residence
            last_residence = (residence_name, residence)

        building = None
        if d[D_BUILDING]:
            bkey = (residence.pk or id(residence), _fold(d[D_BUILDING]))
            building = buildings.get(bkey)
            if building is None:
                building = Building(organisation_id=org_id, residence=residence, name=d[D_BUILDING])
                buildings[bkey] = building
                plan.buildings.append(building)
            if checked.lifts:
                lift = checked.lifts.get((_fold(residence_name), _fold(d[D_BUILDING])))
                if building.has_lift != lift:
                    building.has_lift = lift
                    if building.pk is not None:
                        plan.buildings_upd[building.pk] = building

        dref = d[D_REFERENCE]
        dwelling_changed = False
        known = dwellings.get(dref)
        dwelling_pk = None
        if known is None:
            if dref not in new_dwellings:
                new_dwellings.add(dref)
                plan.dwellings_new.append(
                    (
                        dref,
                        residence,
                        building,
                        d[D_STAIRCASE],
                        d[D_FLOOR],
                        d[D_DOOR],
                        d[D_TYPE],
                        d[D_ADDRESS],
                        d[D_POSTCODE],
                        d[D_COMMUNE],
                    )
                )
        else:
            dwelling_pk = known[0]
            if dwelling_pk in dwellings_done:
                dwelling_changed = dwellings_done[dwelling_pk]
            else:
                target = (d[D_STAIRCASE], d[D_FLOOR], d[D_DOOR], d[D_TYPE], d[D_ADDRESS])
                if keep.dwelling is not None:
                    target = keep.dwelling(target + known[5:10])
                dwelling_changed = (
                    _fk_differs(known[2], residence)
                    or (not keep.building and _fk_differs(known[3], building))
                    or known[4] != d[D_COMMUNE]
                    or known[5:10] != target
                    or known[10] != d[D_POSTCODE]
                )
                if dwelling_changed:
                    dwelling = Dwelling(
                        pk=dwelling_pk,
                        organisation_id=org_id,
                        reference=dref,
                        residence=residence,
                        commune_id=d[D_COMMUNE],
                        postcode=d[D_POSTCODE],
                        **dict(zip(_DWELLING_TARGET_FIELDS, target, strict=True)),
                    )
                    if keep.building:
                        dwelling.building_id = known[3]
                    else:
                        dwelling.building = building
                    plan.dwellings_upd[dwelling_pk] = dwelling
                dwellings_done[dwelling_pk] = dwelling_changed

        known = households.get(lease.ref)
        if known is None:
            plan.households_new.append((dwelling_pk, lease))
            plan.created += 1
            continue

        household_pk = known[0]
        if plan.arrears_column and arrears.get(lease.ref) != lease.arrears:
            plan.arrears_upd[household_pk] = lease.arrears
        changed = dwelling_changed or household_pk in plan.arrears_upd
        if dwelling_pk is None or known[2] != dwelling_pk:
            changed = True
        start = known[3] if keep.start else lease.start
        end = known[4] if keep.end else lease.end
        if known[3:6] != (start, end, None):
            changed = True

        existing = occupants.get(household_pk, ())
        if keep.first_name:  # the file's keys have "" for the first name
            by_key = {(_fold(o[3]), "", o[5]): o for o in existing}
        else:
            by_key = {(_fold(o[3]), _fold(o[4]), o[5]): o for o in existing}
        members = []
        for position, (key, values, _line) in enumerate(lease.occupants):
            o = by_key.pop(key, None)
            if o is None:
                plan.occupants_new.append((household_pk, position, values))
                members.append((values, False))
                changed = True
                continue
            wrong = o[_O_WRONG]
            stored = o[3:_O_WRONG]
            if keep.occupant is not None:
                values = keep.occupant(values + stored)
            if o[2] != position or stored != values:
                if o[_O_PHONE] != values[_V_PHONE]:
                    wrong = False  # a new number clears "wrong number"
                plan.occupants_upd.append(
                    Occupant(
                        pk=o[0],
                        organisation_id=org_id,
                        household_id=household_pk,
                        position=position,
                        phone_wrong_number=wrong,
                        **dict(zip(OCCUPANT_VALUES, values, strict=True)),
                    )
                )
                changed = True
            members.append((values, wrong))
        if by_key:
            plan.occupants_del.extend(o[0] for o in by_key.values())
            changed = True
        derived = _derived(lease.ref, d, members)
        if known[_H_DERIVED:] != derived:
            changed = True
        if changed:
            household = Household(
                pk=household_pk,
                organisation_id=org_id,
                reference=lease.ref,
                dwelling_id=dwelling_pk,
                start_date=start,
                end_date=end,
                departed_on=None,
                departed_by_run=None,  # back: no longer one that run's undo may restore
                version=known[_H_VERSION] + 1,
                updated_at=now,
                **dict(zip(COMPOSITION_FIELDS, derived, strict=True)),
            )
            if dwelling_pk is None:
                plan.households_to_new_dwelling.append((household, dref))
            plan.households_upd.append(household)
            plan.updated += 1
        else:
            plan.unchanged += 1

    if full:
        for ref, known in households.items():
            # A lease already ended (or not begun) is no departure of this import.
            if ref not in checked.refs_in_file and _active_on(known, today):
                departing = Household(
                    pk=known[0],
                    organisation_id=org_id,
                    reference=ref,
                    dwelling_id=known[2],
                    start_date=known[3],
                    end_date=known[4],
                    departed_on=today,
                    version=known[_H_VERSION] + 1,
                    updated_at=now,
                    **dict(zip(COMPOSITION_FIELDS, known[_H_DERIVED:], strict=True)),
                )
                plan.households_upd.append(departing)
                plan.departures.append(departing)
                plan.departed += 1
    return plan


DWELLING_INSERT = (
    "id",
    "organisation_id",
    "reference",
    "residence_id",
    "building_id",
    "staircase",
    "floor",
    "door",
    "type",
    "address",
    "postcode",
    "commune_id",
)
HOUSEHOLD_INSERT = (
    "id",
    "organisation_id",
    "reference",
    "dwelling_id",
    "start_date",
    "end_date",
    "departed_by_run_id",
    "adults",
    "children",
    "oldest_adult_birth_date",
    "has_disability",
    "has_phone",
    "search_text",
    "departed_on",
    "opted_out",
    "anonymised_on",
    "version",
    "created_at",
    "updated_at",
    "arrears_months",
)
OCCUPANT_INSERT = (  # no id: nothing refers to a new occupant, the database numbers them
    "organisation_id",
    "household_id",
    "position",
    *OCCUPANT_VALUES,
    "phone_wrong_number",
    "opted_out",
)


def _write(plan: _Plan, org_id: int, run_id: int) -> None:
    """Write the plan (inside the caller's transaction): small tables and updates through the
    ORM first, then the new dwellings, households and occupants as tuples with their ids."""
    dates = date_adapter()
    for household in plan.departures:
        household.departed_by_run_id = run_id
    Agency.objects.bulk_create(plan.agencies, batch_size=BATCH)
    Residence.objects.bulk_create(plan.residences_new, batch_size=BATCH)
    if plan.residences_upd:
        Residence.objects.bulk_update(
            list(plan.residences_upd.values()),
            ["agency", "commune", "neighbourhood", "priority_neighbourhood"],
            batch_size=BATCH,
        )
    Building.objects.bulk_create(plan.buildings, batch_size=BATCH)
    if plan.buildings_upd:
        Building.objects.bulk_update(list(plan.buildings_upd.values()), ["has_lift"], BATCH)
    # Months of arrears take a handful of values: one UPDATE per value and batch of ids.
    by_months: dict[int | None, list[int]] = {}
    for household_id, months in plan.arrears_upd.items():
        by_months.setdefault(months, []).append(household_id)
    for months, ids in by_months.items():
        for i in range(0, len(ids), BATCH):
            Household.objects.filter(pk__in=ids[i : i + BATCH]).update(arrears_months=months)
    dwelling_ids = dict(
        zip(
            (spec[0] for spec in plan.dwellings_new),
            allocate_ids(Dwelling, len(plan.dwellings_new)),
            strict=True,
        )
    )
    household_ids = allocate_ids(Household, len(plan.households_new))
    # Updates and deletions first: the writer below must have the connection to itself.
    # (Foreign keys are checked at commit: a row may name a dwelling written just after.)
    for household, dref in plan.households_to_new_dwelling:
        household.dwelling_id = dwelling_ids[dref]
    if plan.dwellings_upd:
        bulk_update_fast(list(plan.dwellings_upd.values()), plan.dwelling_fields)
    if plan.households_upd:
        # Not Django's bulk_update: 12,000 departures took 200 s in it (core/bulk.py).
        bulk_update_fast(plan.households_upd, plan.household_fields)
    for i in range(0, len(plan.occupants_del), 500):
        Occupant.objects.filter(pk__in=plan.occupants_del[i : i + 500]).delete()
    if plan.occupants_upd:
        bulk_update_fast(plan.occupants_upd, plan.occupant_fields)

    stamp = connection.ops.adapt_datetimefield_value(timezone.now())

    def dwelling_rows():
        for ref, residence, building, *rest in plan.dwellings_new:
            yield (
                dwelling_ids[ref],
                org_id,
                ref,
                residence.pk,
                building.pk if building else None,
                *rest,
            )

    def household_rows():
        for household_id, (dwelling_pk, lease) in zip(
            household_ids, plan.households_new, strict=True
        ):
            d = lease.dwelling
            members = [(values, False) for _, values, _ in lease.occupants]
            adults, children, oldest, disability, phone, search = _derived(lease.ref, d, members)
            yield (
                household_id,
                org_id,
                lease.ref,
                dwelling_pk or dwelling_ids[d[D_REFERENCE]],
                dates[lease.start],
                dates[lease.end],
                None,
                adults,
                children,
                dates[oldest],
                disability,
                phone,
                search,
                None,
                False,
                None,
                1,
                stamp,
                stamp,
                lease.arrears,
            )

    def occupant_row(household_id, position, values):
        last, first, birth, *rest = values
        return (org_id, household_id, position, last, first, dates[birth], *rest, False, False)

    def occupant_rows():
        for household_id, (_, lease) in zip(household_ids, plan.households_new, strict=True):
            for position, (_, values, _) in enumerate(lease.occupants):
                yield occupant_row(household_id, position, values)
        for household_id, position, values in plan.occupants_new:
            yield occupant_row(household_id, position, values)

    with RowWriter() as writer:
        writer.insert(Dwelling, DWELLING_INSERT, dwelling_rows())
        writer.insert(Household, HOUSEHOLD_INSERT, household_rows())
        writer.insert(Occupant, OCCUPANT_INSERT, occupant_rows())


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
    allow_departures: int | None = None,
) -> ImportReport:
    """Import an ERP export for `organisation`; all or nothing unless `skip_invalid`.

    `full`: the file is the whole stock, so leases absent from it are marked departed. More
    departures than `departure_limit` of the active leases are refused unless
    `allow_departures` is at least their number (the person confirmed it).
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
    try:
        checked = validate_rows(table, today)
    except p.FileError as exc:  # met while reading the rows: the same report as before it
        report.errors.append(
            {"line": exc.line, "column": exc.column, "value": exc.value, "message": exc.message}
        )
        return _record(report, organisation, data, file_name, actor, dry_run, skip_invalid, full)
    report.rows = checked.rows
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
    if full:
        report.active = plan.active
        report.departure_limit = departure_limit(plan.active)
        if plan.departed > report.departure_limit and (
            allow_departures is None or allow_departures < plan.departed
        ):
            report.departures_refused = True
            report.errors.append(
                _departures_error(
                    departed=plan.departed,
                    active=plan.active,
                    limit=report.departure_limit,
                    allowed=allow_departures,
                )
            )
    if dry_run:
        report.imported = False
        return _record(report, organisation, data, file_name, actor, dry_run, skip_invalid, full)
    if report.departures_refused:
        report.created = report.updated = report.unchanged = report.departed = 0
        return _record(report, organisation, data, file_name, actor, False, skip_invalid, full)
    try:
        with transaction.atomic():
            # The run first: the households it departs name it (departed_by_run).
            report.imported = True
            run = _save_run(report, organisation, data, file_name, actor, False, skip_invalid, full)
            # Then what the departures change elsewhere (the call queues), before the
            # households are written: the same lock order as a call being recorded.
            households_departing(
                household_ids=[h.pk for h in plan.departures],
                run=run,
                actor=actor,
                now=timezone.now(),
            )
            _write(plan, organisation.pk, run.pk)
            run.finished_at = timezone.now()
            run.save(update_fields=["finished_at"])
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
            issue(
                0,
                "",
                "",
                gettext(
                    "l'écriture en base a échoué, rien n'a été importé (%(error)s ; réessayez, "
                    "ou signalez-le si cela se reproduit)"
                )
                % {"error": type(exc).__name__},
            )
        )
        return _record(report, organisation, data, file_name, actor, False, skip_invalid, full)
    if report.created + report.updated + report.departed > 1000:
        refresh_statistics(connection)  # after commit: the search's plan (housing/search.py)
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
        {
            "line": 0,
            "column": "",
            "value": "",
            "message": gettext("… et %(rest)s autres") % {"rest": rest},
        },
    ]
