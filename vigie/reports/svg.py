"""Server-side SVG: the choropleth by commune and the small charts of the dashboards.

Drawn here, in Python, with nothing to load in the browser and nothing from the network: the
pages show the SVG inline, print it as it is, and the figures are in a table beside it. Classes
are told apart by grey level *and* by a pattern (none, dots, hatching, cross-hatching), so a
map or a chart printed in black and white still reads (issue #16 §2).
"""

from __future__ import annotations

import math
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from vigie.reports.geodata import contours

# Class fills: (grey, pattern id or ""), lightest first.
CLASS_STYLES = [
    ("#ffffff", ""),
    ("#d9d9d9", "vg-dots"),
    ("#a6a6a6", "vg-hatch"),
    ("#595959", "vg-cross"),
]
NO_DATA = "#f2f2f2"

PATTERNS = """<defs>
<pattern id="vg-dots" width="6" height="6" patternUnits="userSpaceOnUse">
<rect width="6" height="6" fill="#d9d9d9"/><circle cx="3" cy="3" r="1" fill="#000"/></pattern>
<pattern id="vg-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#a6a6a6"/><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1.5"/></pattern>
<pattern id="vg-cross" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
<rect width="6" height="6" fill="#595959"/><line x1="0" y1="0" x2="0" y2="6" stroke="#000" stroke-width="1.5"/>
<line x1="0" y1="3" x2="6" y2="3" stroke="#000" stroke-width="1.5"/></pattern>
</defs>"""


def classes(values: list[float], count: int = 4) -> list[float]:
    """Upper bounds of up to `count` classes (quantiles of the distinct non-zero values; zero
    is a class of its own)."""
    distinct = sorted({v for v in values if v > 0})
    if not distinct:
        return [0]
    k = min(count - 1, len(distinct))
    bounds = [0.0]
    for i in range(1, k + 1):
        bound = distinct[min(len(distinct) - 1, math.ceil(i * len(distinct) / k) - 1)]
        if bound > bounds[-1]:
            bounds.append(bound)
    return bounds


def class_of(value: float, bounds: list[float]) -> int:
    for i, bound in enumerate(bounds):
        if value <= bound:
            return i
    return len(bounds) - 1


def _fill(index: int) -> str:
    grey, pattern = CLASS_STYLES[index]
    return f"url(#{pattern})" if pattern else grey


def legend(bounds: list[float]) -> list[dict[str, Any]]:
    out = []
    low = None
    for i, bound in enumerate(bounds):
        if i == 0:
            label = "0"
        else:
            label = _("plus de %(low)s, jusqu'à %(high)s") % {"low": _fmt(low), "high": _fmt(bound)}
        out.append({"index": i, "label": label, "fill": _fill(i), "grey": CLASS_STYLES[i][0]})
        low = bound
    return out


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    from django.utils.formats import number_format

    # "1 500", "2,5": grouped and with the decimal comma, like the tables' figures.
    if float(value).is_integer():
        return number_format(int(value), use_l10n=True, force_grouping=True)
    return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)


def _legend_low(bounds: list[float], i: int) -> float:
    return bounds[i - 1] if i else 0


def choropleth(
    features: list[dict[str, Any]], points: list[dict[str, Any]], *, title: str
) -> tuple[SafeString, list[dict[str, Any]], list[str]]:
    """(SVG, legend, INSEE codes without a shipped contour) for one value per commune."""
    shapes = contours()
    by_code = {f["insee"]: f for f in features}
    bounds = classes([float(f["value"]) for f in features])
    drawn = [c for c in by_code if c in shapes]
    missing = [c for c in by_code if c not in shapes]
    if not drawn:
        return mark_safe(""), legend(bounds), missing  # nosec B703, B308 (empty)
    xs = [x for c in drawn for ring in shapes[c] for x in ring[0::2]]
    ys = [y for c in drawn for ring in shapes[c] for y in ring[1::2]]
    margin = max(200, (max(xs) - min(xs)) // 10)
    minx, maxx = min(xs) - margin, max(xs) + margin
    miny, maxy = min(ys) - margin, max(ys) + margin
    cos = math.cos(math.radians((miny + maxy) / 2 / 10_000))

    def project(x: int, y: int) -> tuple[int, int]:
        return round((x - minx) * cos / 10), round((maxy - y) / 10)

    def path(rings: list[list[int]]) -> str:
        parts = []
        for ring in rings:
            pts = [project(ring[i], ring[i + 1]) for i in range(0, len(ring), 2)]
            d = [f"M{pts[0][0]} {pts[0][1]}"]
            px, py = pts[0]
            for x, y in pts[1:]:
                d.append(f"l{x - px} {y - py}")
                px, py = x, y
            parts.append("".join(d) + "z")
        return "".join(parts)

    width, height = project(maxx, miny)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="map-title" class="choropleth" '
        f'style="max-width:100%;height:auto;background:#fff">',
        f'<title id="map-title">{escape(title)}</title>',
        PATTERNS,
        '<g stroke="#bfbfbf" stroke-width="2" fill="#ffffff">',
    ]
    # Neighbouring communes for context (no figure), then the landlord's, on top.
    for code, rings in shapes.items():
        if code in by_code:
            continue
        if all(
            x < minx or x > maxx or y < miny or y > maxy
            for ring in rings
            for x, y in zip(ring[0::2], ring[1::2], strict=True)
        ):
            continue
        out.append(f'<path d="{path(rings)}" fill="{NO_DATA}"/>')
    out.append("</g>")
    out.append('<g stroke="#000" stroke-width="3">')
    for code in drawn:
        f = by_code[code]
        index = class_of(float(f["value"]), bounds)
        out.append(
            f'<path d="{path(shapes[code])}" fill="{_fill(index)}" data-insee="{code}" '
            f'data-class="{index}"><title>{escape(f["name"])} : {_fmt(f["value"])}</title></path>'
        )
    out.append("</g>")
    # Residences, as points at their commune's centre (no geocoding): a white disc with a
    # black ring, offset around the centre when a commune has several.
    placed: dict[str, int] = {}
    out.append('<g class="residences" fill="#fff" stroke="#000" stroke-width="4">')
    for p in points:
        rings = shapes.get(p["insee"])
        if not rings:
            continue
        ring = max(rings, key=len)
        cx = sum(ring[0::2]) / (len(ring) // 2)
        cy = sum(ring[1::2]) / (len(ring) // 2)
        x, y = project(round(cx), round(cy))
        n = placed.get(p["insee"], 0)
        placed[p["insee"]] = n + 1
        if n:
            angle = n * 2.4
            x += round(math.cos(angle) * 30 * math.sqrt(n))
            y += round(math.sin(angle) * 30 * math.sqrt(n))
        r = 10 + min(20, round(math.sqrt(p["households"])))
        out.append(
            f'<circle cx="{x}" cy="{y}" r="{r}"><title>{escape(p["residence"])} : '
            f"{p['households']}</title></circle>"
        )
    out.append("</g></svg>")
    return mark_safe("".join(out)), legend(bounds), missing  # nosec B703, B308 (escaped above)


def bar_chart(
    labels: list[str], series: list[tuple[str, list[float]]], *, title: str
) -> SafeString:
    """Grouped vertical bars, one group per label, one bar per series (grey and pattern)."""
    n_series = max(1, len(series))
    top = max([v for _name, values in series for v in values] + [1])
    step = 10 ** max(0, len(str(int(top))) - 1)
    top = math.ceil(top / step) * step
    group = 16 * n_series + 12
    width = 50 + group * max(1, len(labels))
    height = 220
    plot = 170

    def y(v: float) -> float:
        return 10 + plot - plot * v / top

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height + 40}" '
        f'role="img" aria-label="{escape(title)}" class="chart" '
        f'style="max-width:100%;height:auto;background:#fff">',
        f"<title>{escape(title)}</title>",
        PATTERNS,
        '<g font-size="10" font-family="Arial, Helvetica">',
    ]
    for i in range(5):
        v = top * i / 4
        out.append(
            f'<line x1="45" x2="{width}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ccc"/>'
            f'<text x="40" y="{y(v) + 3:.1f}" text-anchor="end">{_fmt(v)}</text>'
        )
    fills = [_fill(i + 1) for i in range(3)] + ["#000"]
    for gi, label in enumerate(labels):
        x0 = 50 + gi * group
        for si, (_name, values) in enumerate(series):
            v = values[gi]
            out.append(
                f'<rect x="{x0 + si * 16}" y="{y(v):.1f}" width="14" '
                f'height="{max(0.0, 10 + plot - y(v)):.1f}" fill="{fills[si % 4]}" stroke="#000">'
                f"<title>{escape(label)} — {escape(_name)} : {_fmt(v)}</title></rect>"
            )
        out.append(
            f'<text x="{x0 + group / 2 - 6}" y="{height - 20}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for si, (name, _values) in enumerate(series):
        lx = 50 + si * 170
        out.append(
            f'<rect x="{lx}" y="{height + 8}" width="14" height="14" fill="{fills[si % 4]}" '
            f'stroke="#000"/><text x="{lx + 20}" y="{height + 19}">{escape(name)}</text>'
        )
    out.append("</g></svg>")
    return mark_safe("".join(out))  # nosec B703, B308 (every text escaped above)
