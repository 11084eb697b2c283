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

import hashlib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import DatabaseError, transaction
from django.utils import timezone

from vigie.core.services import audit_log
from vigie.housing import import_parsing as p
from vigie.housing.choices import ImportStatus
from vigie.housing.import_fastwrite import insert_rows, new_row
from vigie.housing.import_parsing import check_mapping, load_mapping
from vigie.housing.import_validation import Checked, _fold, issue, validate_rows
from vigie.housing.models import (
    Agency,
    Building,
    Dwelling,
    Household,
    ImportRun,
    Occupant,
    Residence,
)
from vigie.housing.services import COMPOSITION_FIELDS, household_apply_composition

__all__ = ["ImportReport", "import_stock", "load_mapping"]


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


def _fk_differs(current_id: int | str | None, target: Any) -> bool:
    if target is None:
        return current_id is not None
    return target.pk is None or current_id != target.pk


def _plan(organisation, checked: Checked, *, full: bool, today: date) -> _Plan:
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
            dwelling = new_row(
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
            household = new_row(
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
                o = new_row(
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
    insert_rows(Dwelling, plan.dwellings_new, key="reference", org_id=org_id)
    if plan.dwellings_upd:
        Dwelling.objects.bulk_update(
            list(plan.dwellings_upd.values()), DWELLING_FIELDS, batch_size=BATCH
        )
    insert_rows(Household, plan.households_new, key="reference", org_id=org_id)
    if plan.households_upd:
        Household.objects.bulk_update(plan.households_upd, HOUSEHOLD_FIELDS, batch_size=BATCH)
    for i in range(0, len(plan.occupants_del), 500):
        Occupant.objects.filter(pk__in=plan.occupants_del[i : i + 500]).delete()
    insert_rows(Occupant, plan.occupants_new)
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
    checked = validate_rows(table, today)
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
            issue(
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
