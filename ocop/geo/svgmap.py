"""A province choropleth drawn on the server as inline SVG (issue 17: no ECharts, no GeoJSON fetch).

The geometry is the geo app's own map (`ocop/geo/static/geo/provinces-{current,legacy}.geojson`,
the files the interactive map draws), projected once per process (equirectangular, x scaled by
cos 15° so the country keeps its shape), rounded to whole units of a 36-units-per-degree grid and
simplified (Douglas–Peucker, tolerance SIMPLIFY units ≈ 2 km); every province is one `<path>` in
relative coordinates (≈ 20 KB, 7 KB gzip for 34 provinces).

    choropleth({"01": 12, "79": 0}, era="current", value_label="Số sản phẩm",
               link_template="/danh-muc/?tinh={code}", title="…")

- Colours: `pieces` as the interactive map takes them (ECharts' visualMap pieces: `value`, or
  `min`/`max`/`gt`/`gte`/`lt`/`lte`, with `label` and `color`); without pieces, classes are made from
  the values: **zero has its own grey (ZERO_COLOR)**, the positive values are split in up to four
  green classes at their quartiles, and a province without a figure is white with a grey outline
  (NO_DATA_COLOR): zero, low and no figure are three different colours.
- Every province's `<path>` has `data-code` and, when it has a figure, `data-value` (plain: 1234.5),
  and a `<title>` (the tooltip: name and value, or the piece's label for a
  categorical map) and, with `link_template`, is a link (`{code}`, `{name}` replaced).
- The legend is HTML under the map; `table=True` adds a `<details>` table of the figures.
- Hoàng Sa and Trường Sa are labelled, as on the interactive map.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.lib.svgcharts import fmt

GEO_DIR = Path(__file__).resolve().parent / "static" / "geo"
WEST, NORTH, EAST, SOUTH = 102.0, 23.5, 117.5, 6.5
SCALE = 36.0  # units per degree of latitude
XSCALE = SCALE * math.cos(math.radians(15.0))
SIMPLIFY = 0.7  # Douglas–Peucker tolerance, in units
WIDTH = round((EAST - WEST) * XSCALE)
HEIGHT = round((NORTH - SOUTH) * SCALE)

ZERO_COLOR = "#bdbdbd"  # a figure of 0
NO_DATA_COLOR = "#ffffff"  # no figure
RAMP = ["#d9f0a3", "#78c679", "#31a354", "#006837"]  # low → high (positive values)
CATEGORY_COLORS = ["#2e7d32", "#f9a825", "#c62828", "#1565c0", "#6a1b9a", "#8d6e63"]


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    d: str  # SVG path data
    cx: float  # a point for the label (bounding-box centre)
    cy: float


def _project(lon: float, lat: float) -> tuple[float, float]:
    return (lon - WEST) * XSCALE, (NORTH - lat) * SCALE


def _simplify(points: list[tuple[float, float]], tol: float) -> list[tuple[float, float]]:
    """Douglas–Peucker (iterative) on a ring's points."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = points[a], points[b]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, idx = -1.0, -1
        for i in range(a + 1, b):
            px, py = points[i]
            dist = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else math.hypot(px - x1, py - y1)
            if dist > best:
                best, idx = dist, i
        if idx > 0 and best > tol:
            keep[idx] = True
            stack.append((a, idx))
            stack.append((idx, b))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring_path(ring) -> str:
    pts = [_project(lon, lat) for lon, lat in ring]
    pts = _simplify(pts, SIMPLIFY)
    grid = []
    for x, y in pts:
        q = (round(x), round(y))
        if not grid or grid[-1] != q:
            grid.append(q)
    if len(grid) > 1 and grid[0] == grid[-1]:
        grid.pop()
    if len(grid) < 3:
        return ""
    out = [f"M{grid[0][0]} {grid[0][1]}l"]
    px, py = grid[0]
    first = True
    for x, y in grid[1:]:
        for n in (x - px, y - py):
            # a minus sign separates numbers by itself: "l3-2 4 5"
            out.append(str(n) if first or n < 0 else f" {n}")
            first = False
        px, py = x, y
    out.append("z")
    return "".join(out)


@lru_cache(maxsize=4)
def geometry(era: str) -> tuple[tuple[Province, ...], tuple[tuple[str, float, float], ...]]:
    """(provinces, island labels) of the map of an era ("current" or "legacy"), projected once."""
    name = "provinces-legacy.geojson" if era == "legacy" else "provinces-current.geojson"
    data = json.loads((GEO_DIR / name).read_text(encoding="utf-8"))
    provinces, islands = [], []
    for feature in data.get("features", []):
        props = feature.get("properties") or {}
        geom = feature.get("geometry") or {}
        polys = geom.get("coordinates") or []
        if geom.get("type") == "Polygon":
            polys = [polys]
        parts, xs, ys = [], [], []
        for poly in polys:
            for ring in poly:
                path = _ring_path(ring)
                if path:
                    parts.append(path)
                    for lon, lat in ring:
                        x, y = _project(lon, lat)
                        xs.append(x)
                        ys.append(y)
        if not parts:
            continue
        provinces.append(
            Province(
                str(props.get("code")),
                str(props.get("name", "")),
                "".join(parts),
                (min(xs) + max(xs)) / 2,
                (min(ys) + max(ys)) / 2,
            )
        )
        for isl in props.get("label_islands") or []:
            x, y = _project(*isl["coord"])
            islands.append((str(isl.get("name", "")), x, y))
    return tuple(provinces), tuple(islands)


def era_of(geojson: str) -> str:
    """The era of a map file's URL or name (hashed static names included)."""
    return "legacy" if "legacy" in (geojson or "").rsplit("/", 1)[-1] else "current"


def _as_python(value, default):
    if value is None or value == "":
        return default
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return default
    return value


def _number(v):
    if v is None or v == "" or isinstance(v, bool):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _raw(v: float) -> str:
    """A figure for scripts and tests (data-value): 12, 12.5."""
    return str(int(v)) if v == int(v) else repr(v)


def _in_piece(v: float, p: dict) -> bool:
    if "value" in p:
        return _number(p["value"]) == v
    checks = [
        ("min", lambda b: v >= b),
        ("gte", lambda b: v >= b),
        ("gt", lambda b: v > b),
        ("max", lambda b: v <= b),
        ("lte", lambda b: v <= b),
        ("lt", lambda b: v < b),
    ]
    return all(test(_number(p[k])) for k, test in checks if k in p and _number(p[k]) is not None)


def _piece_label(p: dict) -> str:
    if p.get("label"):
        return str(p["label"])
    if "value" in p:
        return fmt(p["value"])
    lo = next((("≥ " if k in ("min", "gte") else "> ") + fmt(p[k]) for k in ("min", "gte", "gt") if k in p), "")
    hi = next((("≤ " if k in ("max", "lte") else "< ") + fmt(p[k]) for k in ("max", "lte", "lt") if k in p), "")
    return " ".join(x for x in (lo, hi) if x)


def auto_pieces(values: dict) -> list[dict]:
    """Classes made from the figures: 0 on its own; positives at their quartiles (≤ 4 classes)."""
    nums = [v for v in (_number(x) for x in values.values()) if v is not None]
    pieces = []
    if any(v == 0 for v in nums):
        pieces.append({"value": 0, "label": "0", "color": ZERO_COLOR})
    positive = sorted(v for v in nums if v > 0)
    negative = [v for v in nums if v < 0]
    if negative:
        pieces.append({"lt": 0, "label": "< 0", "color": "#fdae6b"})
    if not positive:
        return pieces
    n = len(positive)
    bounds = sorted({positive[min(n - 1, (n * k) // 4)] for k in (1, 2, 3)} | {positive[-1]})
    integral = all(v == int(v) for v in positive)
    lower = 0.0
    colours = RAMP[-len(bounds) :] if len(bounds) < len(RAMP) else RAMP
    if len(bounds) == 1:
        colours = [RAMP[2]]
    for i, bound in enumerate(bounds):
        if integral:
            first = int(lower) + 1 if i else int(positive[0])
            label = fmt(first) if first == bound else f"{fmt(first)} – {fmt(bound)}"
        else:
            label = f"{fmt(lower)} – {fmt(bound)}" if i else f"≤ {fmt(bound)}"
        pieces.append({"gt": lower, "lte": bound, "label": label, "color": colours[i]})
        lower = bound
    return pieces


def choropleth(
    values=None,
    *,
    era: str | None = None,
    geojson: str = "",
    pieces=None,
    value_label: str = "",
    title: str = "",
    link_template: str = "",
    testid: str = "",
    table: bool = False,
    names: dict | None = None,
    unit: str = "",
    no_data_label: str | None = None,
    html_id: str = "",
) -> SafeString:
    """The province map, coloured by `values` ({province code: number}; a JSON string is accepted).

    no_data_label="" leaves "no figure" out of the legend and the tooltips (a map that highlights
    one province).

    The drawn map is kept (LRU_SIZE maps per process) keyed on everything it is drawn from — the
    figures themselves, the pieces, the labels, the language — so the same figures are drawn once
    (issue 17: ≈ 5 ms a map, half a trivial page)."""
    key = (
        _key(values),
        era or era_of(geojson),
        _key(pieces),
        str(value_label),
        str(title),
        str(link_template),
        str(testid),
        bool(table),
        _key(names),
        str(unit),
        no_data_label,
        str(html_id),
        get_language(),
    )
    return _drawn(key)


LRU_SIZE = 64


def _key(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


@lru_cache(maxsize=LRU_SIZE)
def _drawn(key: tuple) -> SafeString:
    (
        values,
        era,
        pieces,
        value_label,
        title,
        link_template,
        testid,
        table,
        names,
        unit,
        no_data_label,
        html_id,
        _language,
    ) = key
    # the JSON strings are read by _draw (_as_python: bad JSON is no figure, never an error)
    return _draw(
        values,
        era=era,
        pieces=pieces,
        value_label=value_label,
        title=title,
        link_template=link_template,
        testid=testid,
        table=table,
        names=_as_python(names, None),
        unit=unit,
        no_data_label=no_data_label,
        html_id=html_id,
    )


def _draw(
    values,
    *,
    era: str,
    pieces,
    value_label: str,
    title: str,
    link_template: str,
    testid: str,
    table: bool,
    names: dict | None,
    unit: str,
    no_data_label: str | None,
    html_id: str,
) -> SafeString:
    values = {str(k): v for k, v in (_as_python(values, {}) or {}).items()}
    auto = None
    pieces = _as_python(pieces, None) or (auto := auto_pieces(values))
    # pieces that all have a label name categories (statuses…): the tooltip gives the label
    categorical = all(p.get("label") for p in pieces) and pieces is not auto
    for i, p in enumerate(pieces):
        if not p.get("color"):
            p["color"] = (
                CATEGORY_COLORS[i % len(CATEGORY_COLORS)]
                if categorical
                else RAMP[min(i, len(RAMP) - 1)]
                if len(pieces) > 1
                else RAMP[2]
            )
    provinces, islands = geometry(era)
    names = names or {}
    body, used, missing = [], set(), False
    rows = []
    for prov in provinces:
        name = names.get(prov.code) or prov.name
        v = _number(values.get(prov.code))
        piece = next((p for p in pieces if v is not None and _in_piece(v, p)), None)
        if piece is None:
            colour, text = NO_DATA_COLOR, _("không có số liệu") if no_data_label is None else no_data_label
            missing = True
        else:
            used.add(id(piece))
            colour = piece["color"]
            text = _piece_label(piece) if categorical else fmt(v) + (f" {unit}" if unit else "")
        tip = name if not text else f"{name}: {text}" if not value_label else f"{name} — {value_label}: {text}"
        path = (
            f'<path d="{prov.d}" fill="{escape(colour)}" data-code="{escape(prov.code)}"'
            f"{'' if v is None else f' data-value={chr(34)}{_raw(v)}{chr(34)}'}><title>{escape(tip)}</title></path>"
        )
        if link_template:
            href = link_template.replace("{code}", quote(prov.code)).replace("{name}", quote(name))
            path = f'<a href="{escape(href)}">{path}</a>'
        body.append(path)
        rows.append((prov.code, name, text))
    for label, x, y in islands:
        body.append(
            f'<text x="{x:.0f}" y="{y:.0f}" font-size="11" font-style="italic" fill="#555" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    label = escape(title or _("Bản đồ các tỉnh, thành phố"))
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="group" '
        f'aria-label="{label}" class="svg-map-svg" stroke="#777" stroke-width="0.6" stroke-linejoin="round">'
        f"<title>{label}</title>{''.join(body)}</svg>"
    )
    legend_items = [(p["color"], _piece_label(p)) for p in pieces if id(p) in used or not categorical]
    if missing and no_data_label != "":
        legend_items.append((NO_DATA_COLOR, no_data_label or _("Không có số liệu")))
    legend = "".join(
        f'<li><svg width="14" height="14" aria-hidden="true"><rect x="0.5" y="0.5" width="13" height="13" '
        f'fill="{escape(c)}" stroke="#777"/></svg> {escape(t)}</li>'
        for c, t in legend_items
    )
    head = f"<figcaption>{escape(title)}</figcaption>" if title else ""
    # (messages outside the f-strings: xgettext does not read calls inside them)
    legend_label, data_label, code_label = _("Chú giải"), _("Số liệu"), _("Mã")
    province_label, value_heading = _("Tỉnh, thành phố"), value_label or _("Giá trị")
    legend_html = (
        f'<ul class="svg-map-legend" aria-label="{escape(legend_label)}">'
        f"{'' if not value_label else f'<li><b>{escape(value_label)}</b></li>'}{legend}</ul>"
    )
    tbl = ""
    if table:
        trs = "".join(
            f'<tr><td>{escape(c)}</td><td>{escape(n)}</td><td class="num">{escape(t)}</td></tr>' for c, n, t in rows
        )
        tbl = (
            f'<details class="svg-chart-data"><summary>{escape(data_label)}</summary><table class="table compact">'
            f'<thead><tr><th scope="col">{escape(code_label)}</th><th scope="col">{escape(province_label)}</th>'
            f'<th scope="col" class="num">{escape(value_heading)}</th></tr></thead>'
            f"<tbody>{trs}</tbody></table></details>"
        )
    tid = (f' data-testid="{escape(testid)}"' if testid else "") + (f' id="{escape(html_id)}"' if html_id else "")
    # data-rendered and data-province-count: as the interactive map (ocop-map.js) marks a drawn map
    return mark_safe(
        f'<figure class="svg-map"{tid} data-rendered="1" data-province-count="{len(provinces)}">{head}{svg}'
        f"{legend_html}{tbl}</figure>"
    )
