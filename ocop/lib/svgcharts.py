"""Server-rendered SVG charts (issue 17: pages within 150 KB; no chart library in the browser).

Bar, stacked bar and line charts from plain series. The result is an HTML fragment (SafeString):

    <figure class="svg-chart">
      <figcaption>title + legend</figcaption>
      <svg viewBox=... role="img" aria-labelledby=...>  bars/lines, each with a <title> (the tooltip)
      <details><summary>Số liệu</summary><table>…the numbers…</table></details>
    </figure>

It works without JavaScript, scales with its container (viewBox, width 100 %), and every figure is
written in Vietnamese notation (ocop.lib.formatting.format_number: 1.234.567,5).

    bar_chart(["Hà Nội", "Huế"], [Series("Sản phẩm", [12, 3])], title="…", unit="sản phẩm")
    bar_chart(years, [Series("3 sao", [...]), Series("4 sao", [...])], stacked=True)
    line_chart(years, [Series("Hà Nội", [...]), Series("Huế", [...])])

Geometry (what the tests compute by hand): the value axis runs from `axis_range(values)` —
0 (or the nice floor of a negative minimum) to the nice ceiling of the maximum (1, 2, 2.5, 5 × 10^k)
— over the plot's height (PLOT_HEIGHT for vertical bars and lines) or width (horizontal bars), so
a bar of value v is v / axis_max × PLOT_HEIGHT high. Missing values (None) draw nothing and show
"—" in the table; a zero bar is drawn as a 1-unit tick so that zero is visibly different from "no
figure".
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ocop.lib.formatting import format_number

# Colour-blind-safe palette (Okabe–Ito, without yellow, which is unreadable on white).
PALETTE = ["#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9", "#000000", "#8c6d31"]

WIDTH = 640  # viewBox width of vertical bar and line charts
PLOT_HEIGHT = 200  # height of the plot area (vertical bars, lines)
LEFT = 64  # room for the value axis labels
RIGHT = 12
TOP = 10
BOTTOM = 28  # room for horizontal category labels
ROW = 16  # height of one category of a horizontal bar chart
FONT = 11

_ids = itertools.count(1)


@dataclass
class Series:
    name: str
    values: list
    color: str | None = None
    extra: dict = field(default_factory=dict)


def as_series(items) -> list[Series]:
    """Series from Series objects, dicts {name, values (or data)[, color]} or (name, values) pairs."""
    out = []
    for item in items or []:
        if isinstance(item, Series):
            out.append(item)
        elif isinstance(item, dict):
            values = item.get("values") if "values" in item else item.get("data")  # "data": ECharts' name
            out.append(Series(str(item.get("name", "")), list(values or []), item.get("color")))
        else:
            name, values = item
            out.append(Series(str(name), list(values)))
    for i, s in enumerate(out):
        if not s.color:
            s.color = PALETTE[i % len(PALETTE)]
    return out


def _num(v):
    if v is None or v == "":
        return None
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, (int, float, Decimal)):
        f = float(v)
        return None if math.isnan(f) else f
    try:
        f = float(str(v).replace(",", "."))
    except ValueError:
        return None
    return None if math.isnan(f) else f


def fmt(value, decimals: int | None = None) -> str:
    """A figure in Vietnamese notation: 1234567 -> "1.234.567", 12.5 -> "12,5", None -> "—"."""
    v = _num(value)
    if v is None:
        return "—"
    if decimals is not None:
        return format_number(round(v, decimals), decimals)
    if v == int(v):
        return format_number(int(v))
    text = format_number(round(v, 2), 2)
    return text.rstrip("0").rstrip(",")


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (x > 0): 37 -> 50, 40 -> 50, 20 -> 20, 180 -> 200."""
    if x <= 0:
        return 0.0
    exp = math.floor(math.log10(x))
    for step in (1, 2, 2.5, 5, 10):
        candidate = step * 10**exp
        if candidate >= x * (1 - 1e-12):
            return float(candidate)
    return float(10 ** (exp + 1))


def axis_range(values) -> tuple[float, float]:
    """(low, high) of the value axis: 0 … nice ceiling of the maximum (1 when everything is 0)."""
    nums = [v for v in (_num(x) for x in values) if v is not None]
    hi = max(nums + [0.0])
    lo = min(nums + [0.0])
    high = nice_ceiling(hi) if hi > 0 else 0.0
    low = -nice_ceiling(-lo) if lo < 0 else 0.0
    if high == low:
        high = low + 1.0
    return low, high


def _is_nice(step: float) -> bool:
    if step <= 0:
        return False
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(abs(mantissa - m) < 1e-9 for m in (1, 2, 2.5, 5, 10))


def ticks(low: float, high: float) -> list[float]:
    """Gridlines at nice steps: 0…50 -> 0, 10, …, 50; 0…20 -> 0, 5, …, 20."""
    span = high - low
    count = next((c for c in (5, 4, 2) if _is_nice(span / c)), 4)
    step = span / count
    return [low + step * i for i in range(count + 1)]


def _r(x: float) -> str:
    """A coordinate with at most one decimal, without a trailing .0."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _legend(series: list[Series]) -> str:
    if len(series) < 2:
        return ""
    items = "".join(
        f'<span class="svg-legend-item"><svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" '
        f'fill="{escape(s.color)}"/></svg> {escape(s.name)}</span>'
        for s in series
    )
    return f'<span class="svg-legend">{items}</span>'


def _table(categories, series: list[Series], unit: str, category_label: str, totals: bool) -> str:
    # (messages outside the f-strings: xgettext does not read calls inside them)
    total_label, data_label, item_label = _("Tổng"), _("Số liệu"), category_label or _("Mục")
    head = "".join(f'<th scope="col" class="num">{escape(s.name)}</th>' for s in series)
    if totals:
        head += f'<th scope="col" class="num">{escape(total_label)}</th>'
    rows = []
    for i, cat in enumerate(categories):
        cells = []
        total = 0.0
        for s in series:
            v = s.values[i] if i < len(s.values) else None
            total += _num(v) or 0.0
            cells.append(f'<td class="num">{fmt(v)}</td>')
        if totals:
            cells.append(f'<td class="num">{fmt(total)}</td>')
        rows.append(f'<tr><th scope="row">{escape(cat)}</th>{"".join(cells)}</tr>')
    caption = escape(_("Số liệu của biểu đồ")) + (f" ({escape(unit)})" if unit else "")
    return (
        f'<details class="svg-chart-data"><summary>{escape(data_label)}</summary>'
        f'<div class="table-scroll"><table class="table compact"><caption>{caption}</caption>'
        f'<thead><tr><th scope="col">{escape(item_label)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></details>"
    )


def _stack(v: float, pos: float, neg: float) -> tuple[float, float, float]:
    """Where a stacked segment of value `v` starts, and the new positive and negative stack heights:
    positive values pile up from zero, negative ones down from zero."""
    if v >= 0:
        return pos, pos + v, neg
    return neg + v, pos, neg + v


def _tip(cat, s: Series, v, unit: str, many: bool) -> str:
    text = f"{cat} — {s.name}: {fmt(v)}" if many else f"{cat}: {fmt(v)}"
    if unit and _num(v) is not None:
        text += f" {unit}"
    return escape(text)


def _wrap(
    svg: str, title: str, series: list[Series], table: str, testid: str, css: str, html_id: str = ""
) -> SafeString:
    cap = f'<span class="svg-chart-title">{escape(title)}</span>' if title else ""
    legend = _legend(series)
    figcaption = f"<figcaption>{cap}{legend}</figcaption>" if (cap or legend) else ""
    tid = (f' data-testid="{escape(testid)}"' if testid else "") + (f' id="{escape(html_id)}"' if html_id else "")
    # data-rendered, data-series: as the former ECharts scripts marked a drawn chart
    return mark_safe(
        f'<figure class="svg-chart {css}"{tid} data-rendered="1" data-series="{len(series)}">'
        f"{figcaption}{svg}{table}</figure>"
    )


def _svg_open(width: float, height: float, title: str, desc: str) -> tuple[str, str]:
    uid = f"svgc{next(_ids)}"
    label = escape(title or desc)
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_r(width)} {_r(height)}" width="100%" '
        f'role="img" aria-labelledby="{uid}" font-size="{FONT}" class="svg-chart-svg">'
        f'<title id="{uid}">{label}</title>'
    )
    return head, uid


def _value_axis_vertical(low, high, x0, x1, y_of) -> str:
    parts = []
    for t in ticks(low, high):
        y = y_of(t)
        parts.append(f'<line x1="{_r(x0)}" x2="{_r(x1)}" y1="{_r(y)}" y2="{_r(y)}" stroke="#ddd"/>')
        parts.append(f'<text x="{_r(x0 - 4)}" y="{_r(y + 4)}" text-anchor="end" fill="#555">{fmt(t)}</text>')
    return "".join(parts)


def _category_labels(categories, x_of, y: float, band: float) -> tuple[str, float]:
    """Labels under a horizontal axis; slanted when they do not fit. Returns (svg, extra height)."""
    longest = max((len(str(c)) for c in categories), default=0)
    slant = longest * FONT * 0.55 > band
    parts = []
    for i, cat in enumerate(categories):
        x = x_of(i)
        text = escape(cat)
        if slant:
            parts.append(
                f'<text transform="translate({_r(x)} {_r(y + 8)}) rotate(-40)" text-anchor="end" '
                f'fill="#333">{text}</text>'
            )
        else:
            parts.append(f'<text x="{_r(x)}" y="{_r(y + 14)}" text-anchor="middle" fill="#333">{text}</text>')
    extra = min(longest, 28) * FONT * 0.42 if slant else 0
    return "".join(parts), extra


def bar_chart(
    categories,
    series,
    *,
    stacked: bool = False,
    horizontal: bool | None = None,
    title: str = "",
    unit: str = "",
    category_label: str = "",
    testid: str = "",
    table: bool = True,
    html_id: str = "",
) -> SafeString:
    """Bars of one or more series over the categories (grouped side by side, or stacked).

    horizontal=None chooses horizontal bars for more than 12 categories (provinces); the
    category labels are then readable on a phone."""
    categories = [str(c) for c in categories]
    series = as_series(series)
    n = len(categories)
    if horizontal is None:
        horizontal = n > 12
    if stacked:
        sums_pos = [sum(max(_num(s.values[i]) or 0, 0) for s in series if i < len(s.values)) for i in range(n)]
        sums_neg = [sum(min(_num(s.values[i]) or 0, 0) for s in series if i < len(s.values)) for i in range(n)]
        low, high = axis_range(sums_pos + sums_neg)
    else:
        low, high = axis_range([v for s in series for v in s.values])
    many = len(series) > 1
    body = []
    if horizontal:
        label_w = min(max((len(c) for c in categories), default=4), 24) * FONT * 0.55 + 8
        x0, x1 = label_w, WIDTH - RIGHT - 24
        plot_w = x1 - x0
        height = TOP + n * ROW + 22

        def x_of(v):
            return x0 + (v - low) / (high - low) * plot_w

        for t in ticks(low, high):
            x = x_of(t)
            body.append(f'<line x1="{_r(x)}" x2="{_r(x)}" y1="{TOP}" y2="{_r(TOP + n * ROW)}" stroke="#ddd"/>')
            body.append(
                f'<text x="{_r(x)}" y="{_r(TOP + n * ROW + 14)}" text-anchor="middle" fill="#555">{fmt(t)}</text>'
            )
        for i, cat in enumerate(categories):
            y = TOP + i * ROW
            body.append(
                f'<text x="{_r(x0 - 4)}" y="{_r(y + ROW * 0.7)}" text-anchor="end" fill="#333">{escape(cat[:40])}</text>'
            )
            pos = neg = 0.0
            inner = (ROW - 4) / (1 if stacked else max(len(series), 1))
            for j, s in enumerate(series):
                v = _num(s.values[i]) if i < len(s.values) else None
                if v is None:
                    continue
                if stacked:
                    start, pos, neg = _stack(v, pos, neg)
                    a, b = x_of(start), x_of(start + abs(v))
                    yy, hh = y + 2, ROW - 4
                else:
                    a, b = sorted((x_of(0), x_of(v)))
                    yy, hh = y + 2 + j * inner, inner
                w = max(b - a, 1.0)
                body.append(
                    f'<rect x="{_r(a)}" y="{_r(yy)}" width="{_r(w)}" height="{_r(hh)}" fill="{escape(s.color)}" '
                    f'data-value="{fmt(v)}"><title>{_tip(cat, s, v, unit, many)}</title></rect>'
                )
        width = WIDTH
    else:
        x0, x1 = LEFT, WIDTH - RIGHT
        band = (x1 - x0) / max(n, 1)
        y_bottom = TOP + PLOT_HEIGHT

        def y_of(v):
            return y_bottom - (v - low) / (high - low) * PLOT_HEIGHT

        body.append(_value_axis_vertical(low, high, x0, x1, y_of))
        for i, cat in enumerate(categories):
            pos = neg = 0.0
            gap = band * 0.2
            inner = (band - gap) / (1 if stacked else max(len(series), 1))
            for j, s in enumerate(series):
                v = _num(s.values[i]) if i < len(s.values) else None
                if v is None:
                    continue
                if stacked:
                    start, pos, neg = _stack(v, pos, neg)
                    top, bottom = y_of(start + abs(v)), y_of(start)
                    x, w = x0 + i * band + gap / 2, band - gap
                else:
                    top, bottom = sorted((y_of(v), y_of(0)))
                    x, w = x0 + i * band + gap / 2 + j * inner, inner
                h = bottom - top
                if v == 0:
                    top, h = y_of(0) - 1, 1.0
                body.append(
                    f'<rect x="{_r(x)}" y="{_r(top)}" width="{_r(w)}" height="{_r(h)}" fill="{escape(s.color)}" '
                    f'data-value="{fmt(v)}"><title>{_tip(cat, s, v, unit, many)}</title></rect>'
                )
        labels, extra = _category_labels(categories, lambda i: x0 + (i + 0.5) * band, y_bottom, band)
        body.append(f'<line x1="{x0}" x2="{_r(x1)}" y1="{_r(y_of(0))}" y2="{_r(y_of(0))}" stroke="#888"/>')
        body.append(labels)
        width, height = WIDTH, y_bottom + BOTTOM + extra
    head, _uid = _svg_open(width, height, title, _("Biểu đồ cột"))
    svg = head + "".join(body) + "</svg>"
    tbl = _table(categories, series, unit, category_label, totals=stacked and many) if table else ""
    return _wrap(svg, title, series, tbl, testid, "svg-bar" + (" svg-horizontal" if horizontal else ""), html_id)


def line_chart(
    categories,
    series,
    *,
    title: str = "",
    unit: str = "",
    category_label: str = "",
    testid: str = "",
    table: bool = True,
    html_id: str = "",
) -> SafeString:
    """One line per series over the categories (years, quarters…); a missing value breaks the line."""
    categories = [str(c) for c in categories]
    series = as_series(series)
    n = len(categories)
    low, high = axis_range([v for s in series for v in s.values])
    x0, x1 = LEFT, WIDTH - RIGHT
    band = (x1 - x0) / max(n, 1)
    y_bottom = TOP + PLOT_HEIGHT

    def x_of(i):
        return x0 + (i + 0.5) * band

    def y_of(v):
        return y_bottom - (v - low) / (high - low) * PLOT_HEIGHT

    body = [_value_axis_vertical(low, high, x0, x1, y_of)]
    many = len(series) > 1
    for s in series:
        runs, run = [], []
        points = []
        for i in range(n):
            v = _num(s.values[i]) if i < len(s.values) else None
            if v is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((x_of(i), y_of(v)))
            points.append((i, v))
        if run:
            runs.append(run)
        for r in runs:
            if len(r) > 1:
                d = "M" + " L".join(f"{_r(x)} {_r(y)}" for x, y in r)
                body.append(f'<path d="{d}" fill="none" stroke="{escape(s.color)}" stroke-width="2"/>')
        for i, v in points:
            body.append(
                f'<circle cx="{_r(x_of(i))}" cy="{_r(y_of(v))}" r="3" fill="{escape(s.color)}" data-value="{fmt(v)}">'
                f"<title>{_tip(categories[i], s, v, unit, many)}</title></circle>"
            )
    labels, extra = _category_labels(categories, x_of, y_bottom, band)
    body.append(f'<line x1="{x0}" x2="{_r(x1)}" y1="{_r(y_bottom)}" y2="{_r(y_bottom)}" stroke="#888"/>')
    body.append(labels)
    head, _uid = _svg_open(WIDTH, y_bottom + BOTTOM + extra, title, _("Biểu đồ đường"))
    svg = head + "".join(body) + "</svg>"
    tbl = _table(categories, series, unit, category_label, totals=False) if table else ""
    return _wrap(svg, title, series, tbl, testid, "svg-line", html_id)
