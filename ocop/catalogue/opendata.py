"""Open data: the catalogue and its aggregate statistics as CSV and JSON at stable URLs, each with
its metadata (title, description, licence, source, date of extract, field descriptions).

Metadata follow the shape of a Frictionless "Tabular Data Resource" (name, title, licenses,
sources, schema.fields with name/type/title/description), so common open-data tools read them;
`/open-data/datapackage.json` lists every dataset. CSV files are UTF-8 with a byte-order mark
(Excel then opens Vietnamese text correctly), comma-separated, one header row of the field names.
Files are streamed: the catalogue is written in chunks without being held in memory.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ocop.analytics import figures
from ocop.catalogue import services
from ocop.catalogue.models import CatalogueEntry, CertificateState
from ocop.geo.models import Era
from ocop.products.models import EntityKind, Sector

CHUNK_ROWS = 1000

# The licence of the open data. [?] No gazetted choice was found for OCOP data: CC BY 4.0 is the
# default here (reuse with attribution); a deployment sets OCOP_OPEN_DATA_LICENCE in settings.
DEFAULT_LICENCE = {
    "name": "CC-BY-4.0",
    "title": "Creative Commons Attribution 4.0 International",
    "path": "https://creativecommons.org/licenses/by/4.0/",
}


def licence() -> dict:
    return dict(getattr(settings, "OCOP_OPEN_DATA_LICENCE", None) or DEFAULT_LICENCE)


def publisher() -> str:
    return getattr(settings, "OCOP_OPEN_DATA_PUBLISHER", None) or _(
        "Văn phòng Điều phối nông thôn mới Trung ương (VPĐP NTM TW)"
    )


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # Frictionless types: integer, string, date, year
    title: str
    description: str


@dataclass
class Dataset:
    slug: str
    title: str
    description: str
    columns: list[Column]
    rows: Callable[[dict], Iterable[tuple]]  # params -> rows (tuples in column order)
    filterable: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def field_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


SECTOR_LABELS = dict(Sector.choices)
KIND_LABELS = dict(EntityKind.choices)


# --- the catalogue ----------------------------------------------------------------------------------

CATALOGUE_COLUMNS = [
    Column(
        "product_id",
        "integer",
        gettext_lazy("Mã sản phẩm"),
        gettext_lazy("Mã số của sản phẩm trong hệ thống; ổn định, dùng để nối các tệp."),
    ),
    Column(
        "product_name", "string", gettext_lazy("Tên sản phẩm"), gettext_lazy("Tên sản phẩm như trên giấy chứng nhận.")
    ),
    Column(
        "stars",
        "integer",
        gettext_lazy("Hạng sao"),
        gettext_lazy("Hạng sao OCOP của giấy chứng nhận gần nhất (3, 4 hoặc 5)."),
    ),
    Column(
        "certificate_number",
        "string",
        gettext_lazy("Số giấy chứng nhận"),
        gettext_lazy("Số/năm/OCOP-mã đơn vị công nhận."),
    ),
    Column(
        "certificate_state",
        "string",
        gettext_lazy("Hiệu lực"),
        gettext_lazy("con_hieu_luc (còn hiệu lực vào ngày trích xuất) hoặc het_hieu_luc (đã hết hiệu lực)."),
    ),
    Column(
        "issued_on",
        "date",
        gettext_lazy("Ngày công nhận"),
        gettext_lazy("Ngày của quyết định công nhận (ISO 8601, yyyy-mm-dd)."),
    ),
    Column(
        "valid_until",
        "date",
        gettext_lazy("Hết hiệu lực từ ngày"),
        gettext_lazy("Ngày giấy chứng nhận thôi có hiệu lực (36 tháng sau ngày công nhận)."),
    ),
    Column(
        "first_issued_on",
        "date",
        gettext_lazy("Ngày công nhận lần đầu"),
        gettext_lazy("Ngày của giấy chứng nhận đầu tiên của sản phẩm."),
    ),
    Column(
        "issuer",
        "string",
        gettext_lazy("Đơn vị công nhận"),
        gettext_lazy("Đơn vị hành chính có hội đồng đã công nhận."),
    ),
    Column(
        "sector_code",
        "string",
        gettext_lazy("Mã nhóm sản phẩm"),
        gettext_lazy(
            "Một trong: thuc_pham, do_uong, duoc_lieu, thu_cong, sinh_vat_canh, du_lich (6 nhóm theo QĐ 148/QĐ-TTg)."
        ),
    ),
    Column("sector_name", "string", gettext_lazy("Nhóm sản phẩm"), gettext_lazy("Tên nhóm sản phẩm.")),
    Column(
        "classification_code",
        "string",
        gettext_lazy("Mã phân nhóm"),
        gettext_lazy("Mã phân nhóm theo bộ tiêu chí áp dụng, ví dụ 148-1.5.1 (QĐ 148) hoặc 1048-1.1.1 (QĐ 1048)."),
    ),
    Column("classification_name", "string", gettext_lazy("Phân nhóm"), gettext_lazy("Tên phân nhóm (bộ sản phẩm).")),
    Column("entity_name", "string", gettext_lazy("Chủ thể"), gettext_lazy("Tên chủ thể OCOP sản xuất sản phẩm.")),
    Column(
        "entity_kind_code",
        "string",
        gettext_lazy("Mã loại hình chủ thể"),
        gettext_lazy("htx, to_hop_tac, doanh_nghiep hoặc ho_kinh_doanh."),
    ),
    Column("entity_kind_name", "string", gettext_lazy("Loại hình chủ thể"), gettext_lazy("Tên loại hình chủ thể.")),
    Column("commune_code", "string", gettext_lazy("Mã xã"), gettext_lazy("Mã đơn vị hành chính cấp xã nơi sản xuất.")),
    Column(
        "commune_name",
        "string",
        gettext_lazy("Xã, phường"),
        gettext_lazy("Tên xã, phường nơi sản xuất (theo thời điểm đăng ký)."),
    ),
    Column(
        "province_code",
        "string",
        gettext_lazy("Mã tỉnh (hiện nay)"),
        gettext_lazy("Mã tỉnh, thành phố từ 01/7/2025 (34 tỉnh, thành phố)."),
    ),
    Column(
        "province_name",
        "string",
        gettext_lazy("Tỉnh, thành phố (hiện nay)"),
        gettext_lazy("Tên tỉnh, thành phố từ 01/7/2025."),
    ),
    Column(
        "legacy_province_code",
        "string",
        gettext_lazy("Mã tỉnh (trước 01/7/2025)"),
        gettext_lazy("Mã tỉnh, thành phố trước sắp xếp năm 2025 (63 tỉnh, thành phố)."),
    ),
    Column(
        "legacy_province_name",
        "string",
        gettext_lazy("Tỉnh, thành phố (trước 01/7/2025)"),
        gettext_lazy("Tên tỉnh, thành phố trước sắp xếp năm 2025."),
    ),
    Column("url", "string", gettext_lazy("Trang sản phẩm"), gettext_lazy("Đường dẫn trang công khai của sản phẩm.")),
]


def catalogue_rows(params: dict) -> Iterator[tuple]:
    """Listed products ordered by id, filtered by the catalogue's query parameters when given."""
    today = timezone.localdate()
    f = params.get("filters") or services.Filters()
    qs = (
        services.filter_entries(f, today)
        .order_by("product_id")
        .values_list(
            "product_id",
            "product_name",
            "stars",
            "certificate_number",
            "certificate_status",
            "valid_until",
            "issued_on",
            "first_issued_on",
            "issuer_name",
            "sector",
            "classification_code",
            "classification_name",
            "entity_name",
            "entity_kind",
            "commune__code",
            "commune_name",
            "province__code",
            "province__name",
            "legacy_province__code",
            "legacy_province__name",
        )
    )
    base = params.get("site", "")
    product_url = reverse("catalogue:product", args=[0]).rsplit("0/", 1)[0]
    for (
        pk,
        name,
        stars,
        number,
        status,
        valid_until,
        issued_on,
        first_on,
        issuer,
        sector,
        cls_code,
        cls_name,
        entity,
        kind,
        commune_code,
        commune,
        p_code,
        p_name,
        l_code,
        l_name,
    ) in qs.iterator(chunk_size=2000):
        state = (
            CertificateState.VALID
            if status == "valid" and valid_until and valid_until > today
            else CertificateState.EXPIRED
        )
        yield (
            pk,
            name,
            stars,
            number,
            str(state),
            _iso(issued_on),
            _iso(valid_until),
            _iso(first_on),
            issuer,
            sector,
            str(SECTOR_LABELS.get(sector, sector)),
            cls_code,
            cls_name,
            entity,
            kind,
            str(KIND_LABELS.get(kind, kind)),
            commune_code,
            commune,
            p_code,
            p_name,
            l_code,
            l_name,
            f"{base}{product_url}{pk}/",
        )


# --- statistics -----------------------------------------------------------------------------------

PROVINCE_COLUMNS = [
    Column("province_code", "string", gettext_lazy("Mã tỉnh"), gettext_lazy("Mã đơn vị hành chính cấp tỉnh.")),
    Column("province_name", "string", gettext_lazy("Tỉnh, thành phố"), gettext_lazy("Tên tỉnh, thành phố.")),
    Column(
        "products",
        "integer",
        gettext_lazy("Số sản phẩm"),
        gettext_lazy("Số sản phẩm OCOP trong danh mục (còn và hết hiệu lực)."),
    ),
    Column(
        "valid",
        "integer",
        gettext_lazy("Còn hiệu lực"),
        gettext_lazy("Số sản phẩm có giấy chứng nhận còn hiệu lực vào ngày trích xuất."),
    ),
    Column(
        "expired",
        "integer",
        gettext_lazy("Hết hiệu lực"),
        gettext_lazy("Số sản phẩm có giấy chứng nhận đã hết hiệu lực."),
    ),
    Column("stars_3", "integer", gettext_lazy("3 sao"), gettext_lazy("Số sản phẩm 3 sao.")),
    Column("stars_4", "integer", gettext_lazy("4 sao"), gettext_lazy("Số sản phẩm 4 sao.")),
    Column("stars_5", "integer", gettext_lazy("5 sao"), gettext_lazy("Số sản phẩm 5 sao.")),
]


def province_rows(era: str) -> Callable[[dict], Iterator[tuple]]:
    def rows(params: dict) -> Iterator[tuple]:
        for r in services.counts_by_province(era):
            yield (r.unit.code, r.unit.name, r.total, r.valid, r.expired, r.stars[3], r.stars[4], r.stars[5])

    return rows


YEAR_COLUMNS = [
    Column("year", "year", gettext_lazy("Năm"), gettext_lazy("Năm của ngày công nhận (ngày ký quyết định công nhận).")),
    Column(
        "province_code",
        "string",
        gettext_lazy("Mã tỉnh (hiện nay)"),
        gettext_lazy("Mã tỉnh, thành phố từ 01/7/2025 nơi sản xuất."),
    ),
    Column(
        "province_name",
        "string",
        gettext_lazy("Tỉnh, thành phố (hiện nay)"),
        gettext_lazy("Tên tỉnh, thành phố từ 01/7/2025."),
    ),
    Column(
        "legacy_province_code",
        "string",
        gettext_lazy("Mã tỉnh (trước 01/7/2025)"),
        gettext_lazy(
            "Mã tỉnh, thành phố trước sắp xếp năm 2025; để trống khi nơi sản xuất là đơn vị lập từ 01/7/2025 (không chia lại được theo tỉnh cũ)."
        ),
    ),
    Column(
        "legacy_province_name",
        "string",
        gettext_lazy("Tỉnh, thành phố (trước 01/7/2025)"),
        gettext_lazy("Tên tỉnh, thành phố trước sắp xếp năm 2025."),
    ),
    Column(
        "sector_code", "string", gettext_lazy("Mã nhóm sản phẩm"), gettext_lazy("Mã nhóm sản phẩm (xem tệp danh mục).")
    ),
    Column("sector_name", "string", gettext_lazy("Nhóm sản phẩm"), gettext_lazy("Tên nhóm sản phẩm.")),
    Column("stars", "integer", gettext_lazy("Hạng sao"), gettext_lazy("Hạng sao được công nhận.")),
    Column(
        "certificates",
        "integer",
        gettext_lazy("Số lượt công nhận"),
        gettext_lazy("Số giấy chứng nhận cấp trong năm (công nhận mới, công nhận lại và nâng hạng đều được tính)."),
    ),
]


def year_rows(params: dict) -> Iterator[tuple]:
    """The indicator `products_certified` (ocop/analytics: year of the certificate's issue date, revoked
    certificates counted in the year they were issued) by year, province on both geographies, product
    group and stars: the same figures as the statistics page, the pivot and the API."""
    provinces = services.shared_provinces()
    columns = figures.province_columns()
    cells: dict[tuple, int] = {}
    for year, province_id, (sector, stars), n in figures.by_year("products_certified", ("group", "star")):
        current_id, legacy_id = columns.get(province_id, (None, None))
        key = (year, current_id, legacy_id, sector, stars)
        cells[key] = cells.get(key, 0) + n
    rows = []
    for (year, current_id, legacy_id, sector, stars), n in cells.items():
        p, lp = provinces.by_id.get(current_id), provinces.by_id.get(legacy_id)
        rows.append(
            (
                year,
                p.code if p else "",
                p.name if p else "",
                lp.code if lp else "",
                lp.name if lp else "",
                sector,
                str(SECTOR_LABELS.get(sector, sector)),
                stars,
                n,
            )
        )
    rows.sort(key=lambda row: (row[0], row[1], row[3], row[5], row[7]))
    yield from rows


def datasets() -> dict[str, Dataset]:
    return {
        d.slug: d
        for d in [
            Dataset(
                "catalogue",
                _("Danh mục sản phẩm OCOP"),
                _(
                    "Mỗi dòng là một sản phẩm OCOP đã được công nhận (giấy chứng nhận còn hoặc đã hết hiệu lực; không gồm "
                    "sản phẩm bị thu hồi), với giấy chứng nhận gần nhất, chủ thể và nơi sản xuất theo cả địa giới hiện nay "
                    "và trước 01/7/2025."
                ),
                CATALOGUE_COLUMNS,
                catalogue_rows,
                filterable=True,
                notes=[_("Nhận các tham số lọc như trang danh mục: q, sao, nhom, tinh, tinh_cu, loai, hieu_luc.")],
            ),
            Dataset(
                "stats-by-province",
                _("Số sản phẩm OCOP theo tỉnh, thành phố (34 tỉnh, thành phố từ 01/7/2025)"),
                _(
                    "Số sản phẩm trong danh mục theo tỉnh, thành phố hiện nay: tổng số, còn và hết hiệu lực, theo hạng sao."
                ),
                PROVINCE_COLUMNS,
                province_rows(Era.CURRENT),
            ),
            Dataset(
                "stats-by-legacy-province",
                _("Số sản phẩm OCOP theo tỉnh, thành phố trước 01/7/2025 (63 tỉnh, thành phố)"),
                _(
                    "Như tệp theo tỉnh hiện nay, nhưng theo 63 tỉnh, thành phố trước sắp xếp năm 2025 (để so sánh với số "
                    "liệu các năm trước)."
                ),
                PROVINCE_COLUMNS,
                province_rows(Era.LEGACY),
            ),
            Dataset(
                "recognitions-by-year",
                _("Số lượt công nhận sản phẩm OCOP theo năm, tỉnh, nhóm sản phẩm và hạng sao"),
                _(
                    "Số giấy chứng nhận OCOP cấp mỗi năm, theo tỉnh (hiện nay và trước 01/7/2025), nhóm sản phẩm và hạng sao. "
                    "Năm là năm của ngày công nhận. Một sản phẩm được công nhận lại hoặc nâng hạng được tính ở mỗi năm có "
                    "quyết định; giấy chứng nhận bị thu hồi sau đó vẫn được tính ở năm đã công nhận."
                ),
                YEAR_COLUMNS,
                year_rows,
            ),
        ]
    }


# --- metadata ---------------------------------------------------------------------------------------


def urls(slug: str, site: str = "") -> dict[str, str]:
    return {
        "csv": f"{site}{reverse('opendata:csv', args=[slug])}",
        "json": f"{site}{reverse('opendata:json', args=[slug])}",
        "metadata": f"{site}{reverse('opendata:metadata', args=[slug])}",
    }


def metadata(ds: Dataset, site: str = "", extracted_at: dt.datetime | None = None) -> dict:
    extracted_at = extracted_at or timezone.now()
    links = urls(ds.slug, site)
    return {
        "name": ds.slug,
        "title": str(ds.title),
        "description": str(ds.description),
        "notes": [str(n) for n in ds.notes],
        "publisher": str(publisher()),
        "sources": [{"title": str(publisher()) + " — " + _("Hệ thống quản lý Chương trình OCOP"), "path": f"{site}/"}],
        "licenses": [licence()],
        "created": timezone.localtime(extracted_at).isoformat(timespec="seconds"),
        "language": "vi",
        "path": links["csv"],
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8-sig",
        "dialect": {"delimiter": ",", "header": True},
        "distributions": [
            {"format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "path": links["csv"]},
            {"format": "json", "mediatype": "application/json", "encoding": "utf-8", "path": links["json"]},
        ],
        "schema": {
            "fields": [
                {"name": c.name, "type": c.type, "title": str(c.title), "description": str(c.description)}
                for c in ds.columns
            ]
        },
    }


def datapackage(site: str = "") -> dict:
    now = timezone.now()
    resources = [metadata(ds, site, now) for ds in datasets().values()]
    return {
        "name": "ocop-open-data",
        "title": _("Dữ liệu mở Chương trình Mỗi xã một sản phẩm (OCOP)"),
        "publisher": str(publisher()),
        "licenses": [licence()],
        "created": timezone.localtime(now).isoformat(timespec="seconds"),
        "resources": resources,
    }


# --- writers ----------------------------------------------------------------------------------------


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    """A CSV cell. Text that a spreadsheet would run as a formula ("=HYPERLINK(…)", typed by whoever
    named a product) gets a leading apostrophe, as OWASP advises for CSV meant for Excel."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_chunks(ds: Dataset, params: dict) -> Iterator[str]:
    """The CSV text in chunks: BOM and header first, then CHUNK_ROWS rows at a time."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(ds.field_names)
    block = []
    for row in ds.rows(params):
        block.append(writer.writerow([_cell(v) for v in row]))
        if len(block) >= CHUNK_ROWS:
            yield "".join(block)
            block = []
    if block:
        yield "".join(block)


def json_chunks(ds: Dataset, params: dict, site: str = "") -> Iterator[str]:
    """{"metadata": {...}, "data": [{field: value}, ...]} written row by row."""
    meta = metadata(ds, site)
    head = {k: meta[k] for k in ("name", "title", "licenses", "sources", "created")}
    head["metadata"] = urls(ds.slug, site)["metadata"]
    head["fields"] = ds.field_names
    yield '{"metadata": ' + json.dumps(head, ensure_ascii=False) + ', "data": ['
    names = ds.field_names
    first = True
    block = []
    for row in ds.rows(params):
        block.append(("" if first else ",") + "\n" + json.dumps(dict(zip(names, row)), ensure_ascii=False))
        first = False
        if len(block) >= CHUNK_ROWS:
            yield "".join(block)
            block = []
    block.append("\n]}\n")
    yield "".join(block)


def extract_filename(slug: str, ext: str, day: dt.date | None = None) -> str:
    day = day or timezone.localdate()
    return f"ocop-{slug}-{day:%Y%m%d}.{ext}"


def count_rows(ds: Dataset) -> int | None:
    if ds.slug == "catalogue":
        return CatalogueEntry.objects.filter(listed=True).count()
    return None
