"""Public pages (no login): the catalogue of certified OCOP products, a product's page, the map of
products by province, the statistics, and the open-data downloads. Views are thin: the queries are
in ocop/catalogue/services.py and the files in ocop/catalogue/opendata.py."""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from ocop.analytics.series import year_series
from ocop.catalogue import opendata, services
from ocop.catalogue.models import CertificateState
from ocop.geo.models import Era
from ocop.lib.cachekeys import data_digest
from ocop.products.models import EntityKind, Sector

GEOJSON = {Era.CURRENT: "geo/provinces-current.geojson", Era.LEGACY: "geo/provinces-legacy.geojson"}
ERA_PARAM = {"hien_nay": Era.CURRENT, "truoc_2025": Era.LEGACY}


def _choices(provinces: services.Provinces) -> dict:
    return {
        "stars_choices": services.STARS,
        "sector_choices": Sector.choices,
        "kind_choices": EntityKind.choices,
        "state_choices": CertificateState.choices,
        "sort_choices": services.sort_choices(),
        "current_provinces": provinces.current,
        "legacy_provinces": provinces.legacy,
    }


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    provinces = services.shared_provinces()
    f = services.parse_filters(request.GET, provinces)
    found = services.search(f)
    key = found.key
    page = Paginator(services.Pages(found, key), services.PAGE_SIZE).get_page(request.GET.get("page"))
    params = f.as_params()
    context = {
        "f": f,
        "page": page,
        "errors": f.errors,
        **_choices(provinces),
        "found": found,
        # the results section: a fragment cached under the catalogue's version, the day and the whole
        # query string (the filters, the page, and what was not understood, all shown in it)
        "results_key": data_digest(key, sorted(request.GET.lists())),
        # the filter lists (two of them with 34 and 63 provinces): a fragment cached under this key
        "filters_key": data_digest(sorted((k, v) for k, v in params.items() if k != "q"), f.active, provinces.version),
        # links shown only inside the cached results: built when the fragment is (issue 17)
        "suggestion_url": SimpleLazyObject(
            lambda: (
                reverse("catalogue:list") + "?" + urlencode({**params, "q": found.suggestion})
                if found.corrected
                else ""
            )
        ),
        "csv_url": SimpleLazyObject(
            lambda: reverse("opendata:csv", args=["catalogue"]) + ("?" + urlencode(params) if params else "")
        ),
        "json_url": SimpleLazyObject(
            lambda: reverse("opendata:json", args=["catalogue"]) + ("?" + urlencode(params) if params else "")
        ),
        "map_url": SimpleLazyObject(
            lambda: (
                reverse("catalogue:map")
                + (
                    "?" + urlencode({k: v for k, v in params.items() if k not in ("tinh", "tinh_cu", "sap_xep")})
                    if params
                    else ""
                )
            )
        ),
    }
    if request.htmx:
        # the address pushed to the browser's history: the filters in use only, no empty fields
        page_param = {"page": page.number} if page.number > 1 else {}
        clean = reverse("catalogue:list") + ("?" + urlencode({**params, **page_param}) if params or page_param else "")
        template = "catalogue/_results.html" if request.htmx.target == "catalogue-results" else "catalogue/list.html"
        response = render(request, template, context)
        response["HX-Push-Url"] = clean
        return response
    return render(request, "catalogue/list.html", context)


@require_GET
def product(request: HttpRequest, pk: int) -> HttpResponse:
    page = services.product_page(pk)
    if page is None:
        raise Http404(_("Không có sản phẩm OCOP này trong danh mục công khai."))
    province = page.entry.province
    return render(
        request,
        "catalogue/product.html",
        {
            "entry": page.entry,
            "photos": page.photos,
            "certificates": page.certificates,
            "others": page.others,
            "page_key": page.key,  # the content is a fragment cached under it
            "geojson_url": static(GEOJSON[Era.CURRENT]),
            "map_values": json.dumps({province.code: 1} if province else {}),
            "map_pieces": json.dumps([{"min": 1, "max": 1, "label": str(_("Nơi sản xuất"))}], ensure_ascii=False),
            "today": timezone.localdate(),
        },
    )


@require_GET
@cache_control(public=True, max_age=86400)
def photo(request: HttpRequest, pk: int) -> FileResponse:
    item = services.public_photo(pk)
    if item is None:
        raise Http404(_("Không có ảnh này."))
    try:
        handle = item.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404(_("Tệp ảnh không còn trên máy chủ.")) from None
    response = FileResponse(handle, content_type=item.content_type)
    response["Content-Disposition"] = "inline"
    return response


@require_GET
def province_map(request: HttpRequest) -> HttpResponse:
    provinces = services.shared_provinces()
    f = services.parse_filters(request.GET, provinces)
    era_param = request.GET.get("thoi_ky") or "hien_nay"
    if era_param not in ERA_PARAM:
        f.errors.append(_("Thời kỳ “%(v)s” không hợp lệ: chọn hiện nay hoặc trước 01/7/2025.") % {"v": era_param[:20]})
        era_param = "hien_nay"
    era = ERA_PARAM[era_param]
    f.province = f.legacy_province = None  # the map shows every province
    rows = services.counts_by_province(era, qs=services.filter_entries(f), provinces=provinces)
    params = {k: v for k, v in f.as_params().items() if k != "sap_xep"}
    link_param = "tinh" if era == Era.CURRENT else "tinh_cu"
    link = reverse("catalogue:list") + "?" + urlencode({**params, link_param: "CODE"}).replace("CODE", "{code}")
    return render(
        request,
        "catalogue/map.html",
        {
            "f": f,
            "errors": f.errors,
            **_choices(provinces),
            "rows": rows,
            "era": era,
            "era_param": era_param,
            "total": sum(r.total for r in rows),
            "with_products": sum(1 for r in rows if r.total),
            "values_json": json.dumps({r.unit.code: r.total for r in rows}),
            "geojson_url": static(GEOJSON[era]),
            "link_template": link,
        },
    )


@require_GET
def statistics(request: HttpRequest) -> HttpResponse:
    provinces = services.shared_provinces()
    # recognitions per year from the indicator service (issue 18): the figures of /analytics/, export_indicator
    # and /api/v1/indicators/products_certified/; rows that are zero in every year are left out
    by_stars = year_series("products_certified", "dimension", "star")
    by_sector = year_series("products_certified", "dimension", "group", year_from=by_stars.years[0])
    by_province = year_series("products_certified", "unit", year_from=by_stars.years[0])
    cumulative = year_series("products_certified_cumulative", "total", year_from=by_stars.years[0], trim=False)
    current = services.counts_by_province(Era.CURRENT, provinces=provinces)
    charts = {
        "years": {
            "title": _("Sản phẩm OCOP được công nhận qua các năm"),
            "categories": [str(y) for y in by_stars.years],
            "series": [
                {"name": _("Lượt công nhận trong năm"), "values": by_stars.totals},
                {"name": _("Sản phẩm đã được công nhận (lũy kế đến cuối năm)"), "values": cumulative.totals},
            ],
        },
        "stars": by_stars.chart(_("Số lượt công nhận theo năm và hạng sao")),
        "sector": by_sector.chart(_("Số lượt công nhận theo năm và nhóm sản phẩm")),
        "province": {
            "title": _("Sản phẩm OCOP trong danh mục theo tỉnh, thành phố (hiện nay)"),
            "categories": [r.unit.name for r in current],
            "series": [
                {"name": _("%(n)s sao") % {"n": s}, "data": [r.stars[s] for r in current]} for s in services.STARS
            ],
            "horizontal": True,
        },
    }
    return render(
        request,
        "catalogue/statistics.html",
        {
            "summary": services.summary(),
            "by_stars": by_stars,
            "by_sector": by_sector,
            "by_province": by_province,
            "current": current,
            "charts": charts,
        },
    )


# --- open data --------------------------------------------------------------------------------------


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _dataset(slug: str) -> opendata.Dataset:
    ds = opendata.datasets().get(slug)
    if ds is None:
        raise Http404(_("Không có bộ dữ liệu “%(s)s”.") % {"s": slug[:50]})
    return ds


def _params(request: HttpRequest, ds: opendata.Dataset) -> dict | HttpResponse:
    params = {"site": _site(request)}
    if ds.filterable:
        f = services.parse_filters(request.GET, services.shared_provinces())
        if f.errors:
            return HttpResponse("\n".join(f.errors) + "\n", status=400, content_type="text/plain; charset=utf-8")
        params["filters"] = f
    return params


@require_GET
def opendata_index(request: HttpRequest) -> HttpResponse:
    site = _site(request)
    items = []
    for ds in opendata.datasets().values():
        items.append({"ds": ds, "urls": opendata.urls(ds.slug), "rows": opendata.count_rows(ds)})
    return render(
        request,
        "opendata/index.html",
        {
            "items": items,
            "licence": opendata.licence(),
            "publisher": opendata.publisher(),
            "datapackage_url": reverse("opendata:datapackage"),
            "site": site,
            "now": timezone.now(),
        },
    )


@require_GET
def opendata_datapackage(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        opendata.datapackage(_site(request)), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def opendata_metadata(request: HttpRequest, slug: str) -> JsonResponse:
    ds = _dataset(slug)
    response = JsonResponse(
        opendata.metadata(ds, _site(request)), json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _download(ds: opendata.Dataset, chunks, content_type: str, ext: str, meta_url: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{opendata.extract_filename(ds.slug, ext)}"'
    response["Link"] = f'<{meta_url}>; rel="describedby"; type="application/json"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_GET
def opendata_csv(request: HttpRequest, slug: str) -> HttpResponse:
    ds = _dataset(slug)
    params = _params(request, ds)
    if isinstance(params, HttpResponse):
        return params
    return _download(
        ds, opendata.csv_chunks(ds, params), "text/csv; charset=utf-8", "csv", reverse("opendata:metadata", args=[slug])
    )


@require_GET
def opendata_json(request: HttpRequest, slug: str) -> HttpResponse:
    ds = _dataset(slug)
    params = _params(request, ds)
    if isinstance(params, HttpResponse):
        return params
    return _download(
        ds,
        opendata.json_chunks(ds, params, params["site"]),
        "application/json; charset=utf-8",
        "json",
        reverse("opendata:metadata", args=[slug]),
    )
