"""The public catalogue: building its read model (CatalogueEntry), filtering and searching it, and
the aggregate statistics behind the statistics page and the open-data files.

Nothing here depends on who asks: the catalogue is public. Only certified products are in it
(see ocop/catalogue/models.py for when a product is listed).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Iterable

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from ocop.catalogue.models import CatalogueEntry, CertificateState
from ocop.catalogue.search import Vocabulary, fold, query_words, search_condition, search_text
from ocop.evaluation.models_rounds import Certificate, CertificateStatus
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.geo.services import name_on, provinces_sorted
from ocop.lib.cachekeys import data_digest, table_versions
from ocop.products.models import EntityKind, Product, ProductPhoto, Sector

PAGE_SIZE = 24
LISTED_STATUSES = {CertificateStatus.VALID, CertificateStatus.EXPIRED}
STARS = (3, 4, 5)

# --- building the read model ---------------------------------------------------------------------


@dataclass
class ProvinceMaps:
    """Legacy province → current province (the province crosswalk), and current commune → the
    legacy province most of its territory came from. Loaded lazily, per commune when refreshing
    one product, all at once when rebuilding."""

    successor: dict[int, int] = field(default_factory=dict)
    commune_origin: dict[int, int] = field(default_factory=dict)
    complete: bool = False

    @classmethod
    def load_all(cls) -> "ProvinceMaps":
        maps = cls(complete=True)
        maps.successor = dict(
            UnitSuccession.objects.filter(predecessor__level=Level.PROVINCE).values_list(
                "predecessor_id", "successor_id"
            )
        )
        votes: dict[int, Counter] = defaultdict(Counter)
        for succ_id, province_id in UnitSuccession.objects.filter(predecessor__level=Level.COMMUNE).values_list(
            "successor_id", "predecessor__province_id"
        ):
            if province_id:
                votes[succ_id][province_id] += 1
        maps.commune_origin = {c: v.most_common(1)[0][0] for c, v in votes.items()}
        return maps

    def current_province_id(self, commune: AdminUnit) -> int | None:
        province_id = commune.province_id or (commune.id if commune.level == Level.PROVINCE else None)
        if commune.era == Era.CURRENT:
            return province_id
        if province_id not in self.successor and not self.complete:
            succ = (
                UnitSuccession.objects.filter(predecessor_id=province_id).values_list("successor_id", flat=True).first()
            )
            self.successor[province_id] = succ
        return self.successor.get(province_id)

    def legacy_province_id(self, commune: AdminUnit) -> int | None:
        if commune.era == Era.LEGACY:
            return commune.province_id
        if commune.id not in self.commune_origin and not self.complete:
            counts = Counter(
                UnitSuccession.objects.filter(successor=commune).values_list("predecessor__province_id", flat=True)
            )
            counts.pop(None, None)
            self.commune_origin[commune.id] = counts.most_common(1)[0][0] if counts else None
        return self.commune_origin.get(commune.id)


def pick_certificate(certificates: list[Certificate]) -> Certificate | None:
    """The certificate that speaks for the product: the most recent one that was not superseded."""
    ordered = sorted(certificates, key=lambda c: (c.issued_on, c.pk), reverse=True)
    live = [c for c in ordered if c.status != CertificateStatus.SUPERSEDED]
    return live[0] if live else (ordered[0] if ordered else None)


def build_entry(
    product: Product,
    certificates: list[Certificate],
    photo_id: int | None,
    units: dict[int, AdminUnit],
    maps: ProvinceMaps,
) -> CatalogueEntry | None:
    """The entry of `product` (None when it has no certificate). `units` holds the provinces by id."""
    cert = pick_certificate(certificates)
    if cert is None:
        return None
    commune = product.unit
    province_id = maps.current_province_id(commune)
    legacy_id = maps.legacy_province_id(commune)
    province, legacy = units.get(province_id), units.get(legacy_id)
    entity = product.entity
    classification = product.classification
    issuer = cert.issuer_unit
    listed = product.deleted_at is None and entity.deleted_at is None and cert.status in LISTED_STATUSES
    return CatalogueEntry(
        product=product,
        listed=listed,
        certificate=cert,
        product_name=product.name,
        name_key=fold(product.name)[:255],
        entity=entity,
        entity_name=entity.name,
        entity_kind=entity.kind,
        sector=product.sector,
        classification_code=classification.code if classification else product.classification_code,
        classification_name=classification.name if classification else "",
        commune=commune,
        commune_name=name_on(commune, cert.issued_on)[:200],
        province_id=province_id,
        legacy_province_id=legacy_id,
        stars=cert.stars,
        certificate_number=cert.number_display,
        certificate_status=cert.status,
        issued_on=cert.issued_on,
        valid_until=cert.valid_until,
        first_issued_on=min(c.issued_on for c in certificates),
        issuer_name=name_on(issuer, cert.issued_on)[:200],
        photo_id=photo_id,
        search_text=search_text(
            product.name,
            entity.name,
            commune.name,
            province.name if province else "",
            legacy.name if legacy and legacy.id != province_id else "",
            cert.number_display,
        )[:1000],
        refreshed_at=timezone.now(),
    )


def _provinces_by_id() -> dict[int, AdminUnit]:
    return {u.id: u for u in AdminUnit.objects.filter(level=Level.PROVINCE)}


def _product_rows(ids: Iterable[int]) -> QuerySet:
    return Product.objects.filter(pk__in=list(ids)).select_related("entity", "unit", "classification")


def _certificates_by_product(ids: Iterable[int]) -> dict[int, list[Certificate]]:
    out: dict[int, list[Certificate]] = defaultdict(list)
    for cert in Certificate.objects.filter(product_id__in=list(ids)).select_related("issuer_unit"):
        out[cert.product_id].append(cert)
    return out


def _first_photos(ids: Iterable[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for product_id, photo_id in (
        ProductPhoto.objects.filter(product_id__in=list(ids), deleted_at__isnull=True)
        .order_by("uploaded_at", "id")
        .values_list("product_id", "id")
    ):
        out.setdefault(product_id, photo_id)
    return out


def refresh_products(
    product_ids: Iterable[int], maps: ProvinceMaps | None = None, units: dict[int, AdminUnit] | None = None
) -> int:
    """Rebuild the entries of these products (create, update or delete). Returns the entries written."""
    ids = sorted({int(i) for i in product_ids if i})
    if not ids:
        return 0
    certs = _certificates_by_product(ids)
    with_certs = [i for i in ids if i in certs]
    with transaction.atomic():
        # a read model: its rows are replaced, not updated (one DELETE and one INSERT per batch,
        # much faster than a bulk UPDATE of every column)
        CatalogueEntry.objects.filter(product_id__in=ids).delete()
        if not with_certs:
            return 0
        maps = maps or ProvinceMaps()
        units = units if units is not None else _provinces_by_id()
        photos = _first_photos(with_certs)
        entries = []
        for product in _product_rows(with_certs):
            entry = build_entry(product, certs[product.pk], photos.get(product.pk), units, maps)
            if entry is not None:
                entries.append(entry)
        CatalogueEntry.objects.bulk_create(entries, batch_size=500)
        written = len(entries)
    return written


def rebuild_catalogue(chunk: int = 2000) -> int:
    """Rebuild every entry from the products and certificates (idempotent). Returns the entry count."""
    maps = ProvinceMaps.load_all()
    units = _provinces_by_id()
    certified = set(Certificate.objects.values_list("product_id", flat=True).distinct())
    stale = CatalogueEntry.objects.exclude(product_id__in=Certificate.objects.values("product_id"))
    stale.delete()
    ordered = sorted(certified)
    for start in range(0, len(ordered), chunk):
        refresh_products(ordered[start : start + chunk], maps=maps, units=units)
    return CatalogueEntry.objects.count()


# --- filters and search ---------------------------------------------------------------------------

SORTS = {
    "": ("-stars", "name_key", "product_id"),
    "ten": ("name_key", "product_id"),
    "moi": ("-issued_on", "name_key", "product_id"),
}


def sort_choices() -> list[tuple[str, str]]:
    return [("", _("Hạng sao cao trước")), ("ten", _("Tên sản phẩm (A–Z)")), ("moi", _("Mới công nhận trước"))]


@dataclass
class Filters:
    q: str = ""
    words: list[str] = field(default_factory=list)
    stars: int | None = None
    sector: str = ""
    province: AdminUnit | None = None
    legacy_province: AdminUnit | None = None
    kind: str = ""
    state: str = ""
    sort: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(
            self.words or self.stars or self.sector or self.province or self.legacy_province or self.kind or self.state
        )

    def as_params(self) -> dict[str, str]:
        """The query-string parameters of these filters (for links such as the CSV download)."""
        params = {
            "q": self.q,
            "sao": str(self.stars or ""),
            "nhom": self.sector,
            "tinh": self.province.code if self.province else "",
            "tinh_cu": self.legacy_province.code if self.legacy_province else "",
            "loai": self.kind,
            "hieu_luc": self.state,
            "sap_xep": self.sort,
        }
        return {k: v for k, v in params.items() if v}


class Provinces:
    """The provinces of both eras, for the filter lists and the lookups by code (from the per-process
    cache of administrative units: no query once it is loaded; shared, read-only objects)."""

    def __init__(self, rows: list[AdminUnit] | None = None):
        # sorted in Python (geo.services.provinces_sorted, once per process) rather than by the SQL
        # collation: SQLite called the Python collation ≈ 500 times a page for 97 provinces (issue 17)
        rows = provinces_sorted() if rows is None else rows
        self.rows = rows
        self.current = [u for u in rows if u.era == Era.CURRENT]
        self.legacy = [u for u in rows if u.era == Era.LEGACY]
        self.by_id = {u.id: u for u in rows}
        self._current_by_code = {u.code: u for u in self.current}
        self._legacy_by_code = {u.code: u for u in self.legacy}
        self.version = data_digest([(u.pk, u.code, u.name) for u in rows])  # of the filter lists

    def current_by_code(self, code: str) -> AdminUnit | None:
        return self._current_by_code.get(code)

    def legacy_by_code(self, code: str) -> AdminUnit | None:
        return self._legacy_by_code.get(code)


_PROVINCES: list = [None]  # the last Provinces built, shared while the unit cache holds the same objects


def shared_provinces() -> Provinces:
    """The provinces of both eras, built once per generation of the unit cache (its objects are
    shared and read-only; a reloaded cache has new objects, so a renamed province is never missed)."""
    rows = provinces_sorted()
    last = _PROVINCES[0]
    if last is not None and len(last.rows) == len(rows) and all(a is b for a, b in zip(last.rows, rows)):
        return last
    built = Provinces(rows)
    _PROVINCES[0] = built
    return built


def parse_filters(params, provinces: Provinces) -> Filters:
    """Filters from the query string; a value that is not understood is dropped with a message."""
    f = Filters()
    f.q = (params.get("q") or "").strip()[:200]
    f.words = query_words(f.q)
    if f.q and not f.words:
        f.errors.append(_("Từ khóa “%(q)s” không có chữ hoặc số để tìm.") % {"q": f.q[:50]})
    raw = (params.get("sao") or "").strip()
    if raw:
        if raw.isdigit() and int(raw) in STARS:
            f.stars = int(raw)
        else:
            f.errors.append(_("Hạng sao “%(v)s” không hợp lệ: chọn 3, 4 hoặc 5 sao.") % {"v": raw[:10]})
    raw = (params.get("nhom") or "").strip()
    if raw:
        if raw in Sector.values:
            f.sector = raw
        else:
            f.errors.append(_("Nhóm sản phẩm “%(v)s” không có trong danh mục.") % {"v": raw[:30]})
    raw = (params.get("tinh") or "").strip()
    if raw:
        f.province = provinces.current_by_code(raw)
        if f.province is None:
            f.errors.append(_("Không có tỉnh, thành phố hiện hành mã “%(v)s”.") % {"v": raw[:10]})
    raw = (params.get("tinh_cu") or "").strip()
    if raw:
        f.legacy_province = provinces.legacy_by_code(raw)
        if f.legacy_province is None:
            f.errors.append(_("Không có tỉnh, thành phố (trước 01/7/2025) mã “%(v)s”.") % {"v": raw[:10]})
    raw = (params.get("loai") or "").strip()
    if raw:
        if raw in EntityKind.values:
            f.kind = raw
        else:
            f.errors.append(_("Loại hình chủ thể “%(v)s” không hợp lệ.") % {"v": raw[:30]})
    raw = (params.get("hieu_luc") or "").strip()
    if raw:
        if raw in CertificateState.values:
            f.state = raw
        else:
            f.errors.append(_("Trạng thái giấy chứng nhận “%(v)s” không hợp lệ.") % {"v": raw[:30]})
    raw = (params.get("sap_xep") or "").strip()
    if raw in SORTS:
        f.sort = raw
    else:
        f.errors.append(_("Cách sắp xếp “%(v)s” không hợp lệ.") % {"v": raw[:20]})
    return f


def filter_entries(f: Filters, today: dt.date | None = None, qs: QuerySet | None = None) -> QuerySet:
    """Listed entries matching `f`, in the requested order."""
    today = today or timezone.localdate()
    qs = (qs if qs is not None else CatalogueEntry.objects.all()).filter(listed=True)
    if f.words:
        qs = qs.filter(search_condition(f.words))
    if f.stars:
        qs = qs.filter(stars=f.stars)
    if f.sector:
        qs = qs.filter(sector=f.sector)
    if f.province:
        qs = qs.filter(province=f.province)
    if f.legacy_province:
        qs = qs.filter(legacy_province=f.legacy_province)
    if f.kind:
        qs = qs.filter(entity_kind=f.kind)
    if f.state == CertificateState.VALID:
        qs = qs.valid_on(today)
    elif f.state == CertificateState.EXPIRED:
        qs = qs.expired_on(today)
    return qs.order_by(*SORTS.get(f.sort, SORTS[""]))


def catalogue_version() -> tuple:
    """Changes whenever the catalogue changes. Entries are never updated in place: a refresh deletes
    a product's entry and inserts it again with `refreshed_at` = now, so the number of entries and
    the latest `refreshed_at` (both read from indexes, one query) change with every write."""
    return table_versions(CatalogueEntry, column="refreshed_at")


_VOCABULARY: dict[str, object] = {"key": None, "value": None}


def vocabulary() -> Vocabulary:
    """The words of the listed entries, rebuilt when the catalogue changes."""
    key = catalogue_version()
    if _VOCABULARY["key"] != key:
        rows = list(
            CatalogueEntry.objects.filter(listed=True)
            .order_by("pk")
            .values_list("search_text", "product_name", "entity_name")
        )
        _VOCABULARY["value"] = Vocabulary([r[0] for r in rows], [name for r in rows for name in r[1:]])
        _VOCABULARY["key"] = key
    return _VOCABULARY["value"]


@dataclass
class Search:
    """The entries a public search shows: those matching the filters, or, when a query matches
    nothing, those matching the closest phrase of the catalogue (typo tolerance), with the
    suggestion to show ("Có phải bạn tìm …")."""

    filters: Filters
    suggestion: str = ""  # as written in the names, with diacritics
    corrected: bool = False
    key: str = ""  # results_key of `filters`: the results shown can be kept under it
    today: dt.date | None = None

    @functools.cached_property
    def entries(self) -> QuerySet:
        """The matching entries (built on first use: results kept under `key` need no query)."""
        return filter_entries(self.filters, self.today)


def search(f: Filters, today: dt.date | None = None) -> Search:
    version = catalogue_version()  # read once for both keys
    found = Search(f, key=results_key(f, today, version), today=today)
    if not f.words:
        return found
    # whether the words match as typed, or the phrase to suggest: kept under the catalogue's version
    decided = cache.get(f"catalogue:{found.key}:suggest")
    if decided is None:
        decided = ("",) if found.entries.exists() else (vocabulary().suggest(f.words),)
        cache.set(f"catalogue:{found.key}:suggest", decided, SEARCH_CACHE_SECONDS)
    phrase = decided[0]
    if not phrase:
        return found
    corrected = Filters(**{**f.__dict__, "words": phrase.split(), "errors": list(f.errors)})
    return Search(corrected, vocabulary().display(phrase), True, results_key(corrected, today, version), today)


SEARCH_CACHE_SECONDS = 600  # only frees memory: the key holds the catalogue's version


def results_key(f: Filters, today: dt.date | None = None, version: tuple | None = None) -> str:
    """The key of a search's results: the catalogue's version (read unless given), the day (valid or
    expired depends on it) and the filters. Results kept under it cannot be stale (issue 17: counting
    a word search over the national catalogue reads every listed entry's search text, ≈ 7 ms)."""
    if version is None:
        version = catalogue_version()
    return data_digest("catalogue", version, today or timezone.localdate(), sorted(f.as_params().items()))


class Pages:
    """Listed entries as Paginator sees them: `count()` is one query, and a page is one query that
    picks the page's keys in a subquery (filters and order on the narrow indexes, stopping after one
    page) and reads the full rows, with their provinces, for those keys only. With a `key`
    (`results_key`), the count and the pages read are kept in the cache under it. Given a `Search`,
    its query is built only when something is not in the cache."""

    related = ("province", "legacy_province")

    def __init__(self, entries: QuerySet | Search, key: str | None = None):
        self._entries = entries
        self.key = key

    @property
    def qs(self) -> QuerySet:
        return self._entries.entries if isinstance(self._entries, Search) else self._entries

    def _cached(self, suffix: str, compute):
        if self.key is None:
            return compute()
        key = f"catalogue:{self.key}:{suffix}"
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, SEARCH_CACHE_SECONDS)
        return value

    def count(self) -> int:
        return self._cached("count", lambda: self.qs.count())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key):
        if not isinstance(key, slice):
            raise TypeError("Pages supports slices only")

        def read():
            keys = self.qs.values("pk")[key]
            return list(
                CatalogueEntry.objects.filter(pk__in=keys)
                .select_related(*self.related)
                .order_by(*self.qs.query.order_by)
            )

        # read when first shown: Paginator takes the page's slice when it builds the page, and the
        # results section that shows it may come from the cache already rendered
        return SimpleLazyObject(lambda: self._cached(f"{key.start}:{key.stop}", read))


@dataclass
class ProductPage:
    """What a listed product's public page shows."""

    entry: CatalogueEntry
    photos: list[ProductPhoto]
    certificates: list[Certificate]
    others: list[CatalogueEntry]  # the entity's other listed products, best first
    key: str  # the page's cache key (data_digest of the catalogue's version, the product and the day)


def product_page(product_id: int, today: dt.date | None = None) -> ProductPage | None:
    """The public page of a listed product (None when it is not listed), kept in the cache under the
    catalogue's version: whatever the page shows (the product, its entity, certificates and photos)
    refreshes the product's entry when it changes (ocop/catalogue/signals.py), which changes the
    version. Four queries with their joins otherwise (issue 17)."""
    key = data_digest("product", product_id, catalogue_version(), today or timezone.localdate())
    page = cache.get(f"catalogue:{key}")
    if page is None:
        entry = listed_entry(product_id)
        if entry is None:
            return None
        others = list(
            CatalogueEntry.objects.filter(listed=True, entity_id=entry.entity_id)
            .exclude(pk=entry.pk)
            .order_by("-stars", "name_key")[:6]
        )
        page = ProductPage(entry, public_photos(product_id), certificate_history(product_id), others, key)
        cache.set(f"catalogue:{key}", page, SEARCH_CACHE_SECONDS)
    return page


def listed_entry(product_id: int) -> CatalogueEntry | None:
    return (
        CatalogueEntry.objects.filter(listed=True, product_id=product_id)
        .select_related("province", "legacy_province", "commune", "product")
        .first()
    )


def certificate_history(product_id: int) -> list[Certificate]:
    """The product's certificates, newest first (revoked ones included: the public may check them)."""
    return list(
        Certificate.objects.filter(product_id=product_id).select_related("issuer_unit").order_by("-issued_on", "-pk")
    )


def public_photos(product_id: int) -> list[ProductPhoto]:
    return list(
        ProductPhoto.objects.filter(product_id=product_id, deleted_at__isnull=True).order_by("uploaded_at", "id")
    )


def public_photo(photo_id: int) -> ProductPhoto | None:
    """A photo of a listed product (None otherwise: unlisted products' photos stay private)."""
    return ProductPhoto.objects.filter(
        pk=photo_id, deleted_at__isnull=True, product__catalogue_entry__listed=True
    ).first()


# --- statistics -----------------------------------------------------------------------------------


@dataclass
class ProvinceRow:
    unit: AdminUnit
    total: int = 0
    valid: int = 0
    stars: dict[int, int] = field(default_factory=lambda: {s: 0 for s in STARS})

    @property
    def expired(self) -> int:
        return self.total - self.valid


def counts_by_province(
    era: str = Era.CURRENT, today: dt.date | None = None, qs: QuerySet | None = None, provinces: Provinces | None = None
) -> list[ProvinceRow]:
    """Listed products per province (current or legacy), with the valid count and the stars split;
    every province of the era appears, with 0 when it has none."""
    today = today or timezone.localdate()
    provinces = provinces or shared_provinces()
    column = "province_id" if era == Era.CURRENT else "legacy_province_id"
    valid = Q(certificate_status="valid", valid_until__gt=today)
    qs = qs if qs is not None else CatalogueEntry.objects.filter(listed=True)
    rows = {
        r[column]: r
        for r in qs.order_by()
        .values(column)
        .annotate(
            total=Count("pk"),
            valid=Count("pk", filter=valid),
            s3=Count("pk", filter=Q(stars=3)),
            s4=Count("pk", filter=Q(stars=4)),
            s5=Count("pk", filter=Q(stars=5)),
        )
    }
    units = provinces.current if era == Era.CURRENT else provinces.legacy
    out = []
    for unit in sorted(units, key=lambda u: u.code):
        r = rows.get(unit.id)
        row = ProvinceRow(unit=unit)
        if r:
            row.total, row.valid = r["total"], r["valid"]
            row.stars = {3: r["s3"], 4: r["s4"], 5: r["s5"]}
        out.append(row)
    return out


def summary(today: dt.date | None = None) -> dict:
    """Headline figures of the listed products: total, valid, by stars, by sector, by entity kind."""
    today = today or timezone.localdate()
    qs = CatalogueEntry.objects.filter(listed=True).order_by()
    agg = qs.aggregate(
        total=Count("pk"), valid=Count("pk", filter=Q(certificate_status="valid", valid_until__gt=today))
    )
    by_stars = dict(qs.values_list("stars").annotate(n=Count("pk")).values_list("stars", "n"))
    by_sector = dict(qs.values_list("sector").annotate(n=Count("pk")).values_list("sector", "n"))
    by_kind = dict(qs.values_list("entity_kind").annotate(n=Count("pk")).values_list("entity_kind", "n"))
    return {
        "total": agg["total"],
        "valid": agg["valid"],
        "expired": agg["total"] - agg["valid"],
        "stars": [(s, by_stars.get(s, 0)) for s in STARS],
        "sectors": [(code, label, by_sector.get(code, 0)) for code, label in Sector.choices],
        "kinds": [(code, label, by_kind.get(code, 0)) for code, label in EntityKind.choices],
    }


def recognitions(group: str) -> list[dict]:
    """Certificates issued per year, split by `group`: "stars", "sector", "province" (current) or
    "legacy_province". Every certificate ever issued counts once, in the year of its recognising
    decision (a renewal or an upgrade is a new recognition; revoked and superseded ones count in
    the year they were issued). Deleted products are left out."""
    column = {
        "stars": "stars",
        "sector": "product__catalogue_entry__sector",
        "province": "product__catalogue_entry__province_id",
        "legacy_province": "product__catalogue_entry__legacy_province_id",
    }[group]
    qs = (
        Certificate.objects.filter(product__deleted_at__isnull=True, product__catalogue_entry__isnull=False)
        .order_by()
        .values("year", column)
        .annotate(n=Count("pk"))
    )
    return [{"year": r["year"], "key": r[column], "count": r["n"]} for r in qs]


@dataclass
class YearTable:
    """A year × category table: `years` as columns, `rows` as (key, label, [count per year], total)."""

    years: list[int]
    rows: list[tuple[object, str, list[int], int]]
    totals: list[int]

    @property
    def grand_total(self) -> int:
        return sum(self.totals)

    def chart(self, title: str) -> dict:
        return {
            "title": title,
            "categories": [str(y) for y in self.years],
            "series": [{"name": label, "data": counts} for _key, label, counts, total in self.rows if total],
        }


def year_table(group: str, provinces: Provinces | None = None) -> YearTable:
    raw = recognitions(group)
    years = sorted({r["year"] for r in raw})
    cells: dict[object, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for r in raw:
        cells[r["key"]][r["year"]] += r["count"]
    if group == "stars":
        keys = [(s, _("%(n)s sao") % {"n": s}) for s in sorted(set(STARS) | {k for k in cells if k})]
    elif group == "sector":
        keys = list(Sector.choices)
    else:
        provinces = provinces or shared_provinces()
        units = provinces.current if group == "province" else provinces.legacy
        keys = [(u.id, u.name) for u in sorted(units, key=lambda u: u.code)]
        if None in cells:
            keys.append((None, _("Chưa xác định được tỉnh")))
    rows = []
    for key, label in keys:
        counts = [cells[key][y] for y in years] if key in cells else [0] * len(years)
        rows.append((key, str(label), counts, sum(counts)))
    totals = [sum(row[2][i] for row in rows) for i in range(len(years))]
    return YearTable(years=years, rows=rows, totals=totals)
