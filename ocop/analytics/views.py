"""The analytics pages: a pivot of any indicator (rows, columns and filter chosen among province,
period and dimension) with totals, targets, a chart and a province map; .xlsx/.csv of the same pivot.
Views are thin: parameters in, `services.compute` / `services.pivot` out. Every choice is in the URL,
so a view is saved and shared as its address, and answered through the viewer's scope."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.accounts.scope import scope_for
from ocop.analytics import services
from ocop.analytics.definitions import DIMENSIONS, indicators
from ocop.lib import spreadsheet
from ocop.lib.decorators import require_capability

DEFAULT_INDICATOR = "products_certified"


def _int(value, default: int) -> tuple[int, bool]:
    try:
        return int(str(value).strip()), True
    except (TypeError, ValueError):
        return default, value in (None, "")


def parse(request: HttpRequest) -> tuple[services.Query, dict, list[str]]:
    """The query and the layout from the URL; bad values fall back to defaults with a message."""
    get = request.GET
    errors: list[str] = []
    this_year = timezone.localdate().year
    year_from, ok_from = _int(get.get("from"), services.DEFAULT_YEAR_FROM)
    year_to, ok_to = _int(get.get("to"), this_year)
    if not (ok_from and ok_to):
        errors.append(_("Năm phải là số, ví dụ 2019."))
    query = services.Query(
        indicator=get.get("indicator") or DEFAULT_INDICATOR,
        geography=get.get("geography") or "current",
        period=get.get("period") or "year",
        year_from=year_from,
        year_to=year_to,
        dimension=get.get("dimension") or "",
        level=get.get("level") or "province",
    )
    within, ok_within = _int(get.get("within"), 0)
    query.within = within or None
    if not ok_within:
        errors.append(_("Tỉnh, thành phố không hợp lệ."))
    layout = {"rows": get.get("rows") or "unit", "cols": get.get("cols") or "period", "filter": get.get("filter") or ""}
    return query, layout, errors


def _filter_key(cube: services.Cube, third: str, raw: str):
    for m in cube.axis(third):
        if str(m.key) == raw or (isinstance(m.key, tuple) and f"{m.key[0]}-{m.key[1]}" == raw):
            return m.key
    return None


def build(request: HttpRequest):
    """(query, layout, cube, pivot, errors) — cube and pivot None when the query cannot be answered."""
    query, layout, errors = parse(request)
    scope = scope_for(request.user)
    cube = table = None
    try:
        cube = services.compute(query, scope)
        rows, cols = layout["rows"], layout["cols"]
        if rows not in services.AXES or cols not in services.AXES or rows == cols:
            errors.append(_("Dòng và cột phải là hai trong ba: tỉnh, kỳ, chiều phân tích; đã dùng tỉnh × kỳ."))
            rows, cols = layout["rows"], layout["cols"] = "unit", "period"
        third = next(a for a in services.AXES if a not in (rows, cols))
        table = services.pivot(cube, rows, cols, _filter_key(cube, third, layout["filter"]))
    except services.QueryError as exc:
        errors.append(str(exc))
    return query, layout, cube, table, errors


def _key_param(key) -> str:
    return f"{key[0]}-{key[1]}" if isinstance(key, tuple) else str(key)


def _chart_data(table: services.Pivot) -> dict:
    """Bars over the columns: one series of column totals when the rows are provinces, otherwise one
    stacked series per row member (periods or dimension values are few)."""
    cube = table.cube
    categories = [m.label for m in table.col_members]
    if table.rows == "unit" or cube.indicator.is_ratio:
        series = [{"name": _("Tổng"), "values": table.col_totals}]
    else:
        series = [{"name": member.label, "values": values} for member, values, _total in table.body]
    return {
        "categories": categories,
        "series": series,
        "unit": cube.indicator.unit_vi,
        "stack": not cube.indicator.is_ratio and table.rows != "unit",
        "title": cube.indicator.name_vi,
    }


def _line_data(table: services.Pivot) -> dict | None:
    """The indicator over the periods as lines (when periods are the rows or the columns): the total,
    and one line per dimension value, or per unit when there are few (a province officer's own)."""
    cube = table.cube
    if "period" not in (table.rows, table.cols) or len(cube.periods) < 2:
        return None
    other = table.cols if table.rows == "period" else table.rows
    if table.cols == "period":
        categories = [m.label for m in table.col_members]
        totals = table.col_totals
        lines = [(m.label, values) for m, values, _total in table.body]
    else:
        categories = [m.label for m in table.row_members]
        totals = [total for _m, _values, total in table.body]
        lines = [(m.label, [values[i] for _r, values, _t in table.body]) for i, m in enumerate(table.col_members)]
    series = [{"name": _("Tổng"), "values": totals}]
    if other == "dimension" or len(lines) <= 6:
        series += [{"name": name, "values": values} for name, values in lines if any(values)]
    if len(series) == 2 and series[0]["values"] == series[1]["values"]:
        series = series[1:]  # one line only: the total is that line
    return {
        "categories": categories,
        "series": series,
        "unit": cube.indicator.unit_vi,
        "title": _("%(name)s qua các kỳ") % {"name": cube.indicator.name_vi},
    }


def _map_data(table: services.Pivot) -> dict:
    """Province code -> value over the whole pivot's range (with its filter)."""
    cube = table.cube
    fixed = {"period": None, "dim": None}
    if table.filter_key is not None and table.filter_axis != "unit":
        fixed["period" if table.filter_axis == "period" else "dim"] = table.filter_key
    return {m.code: cube.total(unit=m.key, **fixed) for m in cube.units if m.code}


@require_capability("analytics.view")
def pivot_view(request: HttpRequest) -> HttpResponse:
    query, layout, cube, table, errors = build(request)
    context = {
        "query": query,
        "layout": layout,
        "table": table,
        "cube": cube,
        "errors": errors,
        "indicators": sorted(indicators().values(), key=lambda i: list(indicators()).index(i.code)),
        "indicator": indicators().get(query.indicator),
        "geographies": services.GEOGRAPHIES.items(),
        "periods": services.PERIOD_KINDS.items(),
        "axes": services.AXES.items(),
        "dimensions": DIMENSIONS.items(),
        "querystring": request.GET.urlencode(),
        "progress": [],
        "levels": services.LEVELS.items(),
        "province_choices": _province_choices(query, request),
    }
    if table is not None:
        context.update(
            {
                "chart_data": _chart_data(table),
                "line_data": _line_data(table),
                "map_values": json.dumps(_map_data(table)),
                "map_pieces": json.dumps(_pieces(_map_data(table))),
                "geojson_url": static(
                    "geo/provinces-current.geojson" if query.geography == "current" else "geo/provinces-legacy.geojson"
                ),
                "filter_members": [(_key_param(m.key), m.label) for m in cube.axis(table.filter_axis)],
                "filter_value": _key_param(table.filter_key) if table.filter_key is not None else "",
                "filter_label": services.AXES[table.filter_axis],
                "show_map": query.level == "province",
                "progress": services.progress(query.indicator, scope_for(request.user)),
                "permalink": "?"
                + urlencode(
                    {
                        "indicator": query.indicator,
                        "geography": query.geography,
                        "period": query.period,
                        "from": query.year_from,
                        "to": query.year_to,
                        "dimension": query.dimension,
                        "level": query.level,
                        "within": query.within or "",
                        "rows": table.rows,
                        "cols": table.cols,
                        "filter": _key_param(table.filter_key) if table.filter_key is not None else "",
                    }
                ),
            }
        )
    return render(request, "analytics/pivot.html", context)


def _province_choices(query: services.Query, request: HttpRequest) -> list[services.Member]:
    if query.geography not in services.GEOGRAPHIES:
        return []
    return services.province_choices(query, scope_for(request.user))


def _pieces(values: dict) -> list[dict]:
    """Map colour classes: zero has its own colour, distinct from the lowest non-zero class."""
    positive = sorted(v for v in values.values() if v)
    pieces = [{"min": 0, "max": 0, "label": "0", "color": "#d9d9d9"}]
    if not positive:
        return pieces
    top = positive[-1]
    if top <= 4 or top == positive[0]:
        pieces.append({"gt": 0, "label": "> 0", "color": "#41ab5d"})
        return pieces
    q1, q2 = positive[len(positive) // 3], positive[2 * len(positive) // 3]
    colours = ["#d9f0a3", "#78c679", "#238443"]
    bounds = sorted({q1, q2})
    lower = 0
    for i, bound in enumerate(bounds):
        pieces.append({"gt": lower, "lte": bound, "color": colours[i]})
        lower = bound
    pieces.append({"gt": lower, "color": colours[-1]})
    return pieces


def export_rows(table: services.Pivot) -> tuple[list[str], list[list]]:
    """The pivot as a flat table with the page's layout: a header row, one row per row member with
    its values and total, the totals row last."""
    header = [str(services.AXES[table.rows])] + [m.label for m in table.col_members] + [_("Tổng")]
    rows = []
    for member, values, total in table.body:
        label = f"{member.code} {member.label}".strip() if table.rows == "unit" else member.label
        rows.append([label] + list(values) + [total])
    rows.append([_("Tổng")] + list(table.col_totals) + [table.grand_total])
    return header, rows


@require_capability("analytics.view")
def export_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    query, layout, cube, table, errors = build(request)
    if table is None:
        response = pivot_view(request)  # the page with its message, nothing to download
        response.status_code = 400
        return response
    header, rows = export_rows(table)
    ind = cube.indicator
    filename = f"chi-tieu-{ind.code}-{query.geography}-{query.year_from}-{query.year_to}"
    if fmt == "csv":
        return spreadsheet.csv_response(
            filename, header, rows, delimiter=";" if request.GET.get("sep") == "semicolon" else ","
        )
    filters = [
        (_("Chỉ tiêu"), f"{ind.name_vi} ({ind.unit_vi})"),
        (_("Địa giới"), services.GEOGRAPHIES[query.geography]),
        (_("Kỳ"), f"{services.PERIOD_KINDS[query.period]} {query.year_from}–{query.year_to}"),
    ]
    if query.dimension:
        filters.append((_("Chiều"), DIMENSIONS[query.dimension]))
    if table.filter_key is not None:
        label = next(m.label for m in cube.axis(table.filter_axis) if m.key == table.filter_key)
        filters.append((services.AXES[table.filter_axis], label))
    return spreadsheet.table_response(
        filename, header, rows, title=ind.name_vi, filters=filters, user=request.user, sheet_title=_("Bảng chỉ tiêu")
    )
