"""The catalogue benchmark (run by `make bench` from ocop/bench/benchmarks.py): search and filtering
over 100,000 listed products through the catalogue's own code (ocop/catalogue/services.py), against
the same SQL written by hand, as a ratio.

Data: when the database already holds 100,000 listed products (e.g. from `generate_scale`), they
are used; when it holds the certificates but the catalogue's read model is behind (rows created by
bulk_create skip the signals), the read model is rebuilt first, for good. Otherwise BENCHMARK DATA
is generated inside a transaction that the benchmark rolls back: 10,000 entities named
"… (đo hiệu năng)" with registration numbers BENCH-…, 100,000 products, their dossiers, closed
rounds and certificates, all under a fixed random seed, created with bulk_create in a few seconds.
"""

from __future__ import annotations

import datetime as dt
import random
from contextlib import contextmanager
from typing import Callable

from django.db import connection, transaction

from ocop.catalogue.models import CatalogueEntry
from ocop.catalogue.services import (
    Filters,
    Pages,
    ProvinceMaps,
    Provinces,
    _provinces_by_id,
    build_entry,
    filter_entries,
    parse_filters,
    rebuild_catalogue,
)
from ocop.evaluation.models import CriteriaSet, Instrument
from ocop.evaluation.models_rounds import Certificate, CertificateStatus, Round, RoundProduct, RoundStatus
from ocop.geo.models import AdminUnit, Level
from ocop.products.models import Dossier, Entity, EntityKind, Product, ProductStatus, Sector

SIZE = 100_000
SEED = 20251
PAGE = 24
BENCH_MARK = "(đo hiệu năng)"
KINDS = [
    ("Chè xanh", Sector.THUC_PHAM),
    ("Trà hoa vàng", Sector.THUC_PHAM),
    ("Mật ong hoa rừng", Sector.THUC_PHAM),
    ("Miến dong", Sector.THUC_PHAM),
    ("Gạo nếp", Sector.THUC_PHAM),
    ("Nước mắm", Sector.THUC_PHAM),
    ("Măng khô", Sector.THUC_PHAM),
    ("Nấm hương", Sector.THUC_PHAM),
    ("Cam sành", Sector.THUC_PHAM),
    ("Bưởi đỏ", Sector.THUC_PHAM),
    ("Rượu men lá", Sector.DO_UONG),
    ("Nước cốt gừng", Sector.DO_UONG),
    ("Tinh dầu quế", Sector.DUOC_LIEU),
    ("Cao dược liệu", Sector.DUOC_LIEU),
    ("Mây tre đan", Sector.THU_CONG),
    ("Thổ cẩm dệt tay", Sector.THU_CONG),
    ("Lan hồ điệp", Sector.SINH_VAT_CANH),
    ("Điểm du lịch cộng đồng", Sector.DU_LICH),
]
ENTITY_KINDS = [
    EntityKind.HTX,
    EntityKind.HTX,
    EntityKind.DOANH_NGHIEP,
    EntityKind.HO_KINH_DOANH,
    EntityKind.HO_KINH_DOANH,
    EntityKind.TO_HOP_TAC,
]
STARS = [3] * 73 + [4] * 24 + [5] * 3

# (label, query-string parameters): what the public does most — a word search, a search with
# province words and no diacritics, filters alone, search with filters, the first page unfiltered
WORKLOADS: list[tuple[str, dict]] = [
    ("q=mật ong", {"q": "mật ong"}),
    ("q=che thai nguyen", {"q": "che thai nguyen"}),
    ("4★ + Thái Nguyên + còn hiệu lực", {"sao": "4", "tinh": "19", "hieu_luc": "con_hieu_luc"}),
    ("q=bac kan + 3★ + thực phẩm", {"q": "bac kan", "sao": "3", "nhom": "thuc_pham"}),
    ("first page", {}),
]


def _listed() -> int:
    return CatalogueEntry.objects.filter(listed=True).count()


def _bare_criteria_set() -> CriteriaSet:
    instrument, _ = Instrument.objects.get_or_create(
        code="BENCH",
        defaults={
            "number": "BENCH",
            "name": f"Văn bản {BENCH_MARK}",
            "issued_on": dt.date(2019, 1, 1),
            "valid_from": dt.date(2019, 1, 1),
        },
    )
    cs, _ = CriteriaSet.objects.get_or_create(
        code="bench-catalogue",
        version=1,
        defaults={
            "instrument": instrument,
            "title": f"Bộ tiêu chí {BENCH_MARK}",
            "valid_from": dt.date(2019, 1, 1),
            "definition": {},
            "sha256": "-",
            "structure_only": True,
        },
    )
    return cs


def generate(size: int = SIZE, seed: int = SEED, log: Callable[[str], None] | None = None) -> int:
    """Benchmark products, certified, with their catalogue entries (call inside a transaction)."""
    rng = random.Random(seed)
    communes = list(AdminUnit.objects.filter(level=Level.COMMUNE).select_related("province", "district").order_by("pk"))
    if not communes:
        raise RuntimeError("load_units first: the benchmark needs the administrative units")
    maps = ProvinceMaps.load_all()
    units = _provinces_by_id()
    criteria = _bare_criteria_set()
    today = dt.date.today()
    entities = []
    for i in range(size // 10):
        unit = rng.choice(communes)
        kind = rng.choice(ENTITY_KINDS)
        entities.append(
            Entity(
                kind=kind,
                name=f"{EntityKind(kind).label} {unit.name} số {i} {BENCH_MARK}",
                registration_number=f"BENCH-{i:06d}",
                address="Thôn 1",
                unit=unit,
                representative_name="Người đại diện",
                is_demo=True,
            )
        )
    Entity.objects.bulk_create(entities, batch_size=2000)
    products, days = [], []
    for i in range(size):
        entity = entities[i % len(entities)]
        base, sector = rng.choice(KINDS)
        day = dt.date(2019, 9, 1) + dt.timedelta(days=rng.randint(0, (today - dt.date(2019, 9, 1)).days))
        days.append(day)
        expired = day <= today.replace(year=today.year - 3)
        products.append(
            Product(
                entity=entity,
                name=f"{base} {entity.unit.name} {i % 7 or ''}".strip(),
                sector=sector,
                unit=entity.unit,
                registered_on=day,
                is_demo=True,
                status=ProductStatus.EXPIRED if expired else ProductStatus.CERTIFIED,
            )
        )
    Product.objects.bulk_create(products, batch_size=2000)
    dossiers = [Dossier(product=p, number=1, status="complete", is_demo=True) for p in products]
    Dossier.objects.bulk_create(dossiers, batch_size=2000)
    rounds: dict[tuple[int, int], Round] = {}
    for p, day in zip(products, days):
        issuer = p.unit.province or p.unit
        rounds.setdefault(
            (issuer.pk, day.year),
            Round(
                name=f"Kỳ đánh giá {issuer.name} {day.year} {BENCH_MARK}",
                level="province",
                unit=issuer,
                held_on=dt.date(day.year, 1, 1),
                status=RoundStatus.CLOSED,
            ),
        )
    Round.objects.bulk_create(list(rounds.values()), batch_size=2000)
    entries, certs, numbers = [], [], {}
    for p, day, dossier in zip(products, days, dossiers):
        issuer = p.unit.province or p.unit
        stars = rng.choice(STARS)
        entries.append(
            RoundProduct(
                round=rounds[(issuer.pk, day.year)],
                product=p,
                dossier=dossier,
                criteria_set=criteria,
                stars=stars,
                certified=True,
            )
        )
        numbers[(issuer.pk, day.year)] = numbers.get((issuer.pk, day.year), 90_000) + 1  # above real numbers
        until = (
            day.replace(year=day.year + 3) if not (day.month == 2 and day.day == 29) else dt.date(day.year + 3, 3, 1)
        )
        certs.append(
            Certificate(
                product=p,
                issuer_unit=issuer,
                year=day.year,
                number=numbers[(issuer.pk, day.year)],
                issued_on=day,
                valid_until=until,
                stars=stars,
                status=CertificateStatus.VALID if until > today else CertificateStatus.EXPIRED,
            )
        )
    RoundProduct.objects.bulk_create(entries, batch_size=2000)
    for cert, entry in zip(certs, entries):
        cert.round_product = entry
    Certificate.objects.bulk_create(certs, batch_size=2000)
    rows = []
    for p, cert in zip(products, certs):
        cert.issuer_unit = p.unit.province or p.unit
        entry = build_entry(p, [cert], None, units, maps)
        if entry is not None:
            rows.append(entry)
    CatalogueEntry.objects.bulk_create(rows, batch_size=2000)
    if log:
        log(
            f"  catalogue benchmark data: {len(entities)} entities, {len(products)} products, {len(certs)} certificates"
        )
    return len(rows)


@contextmanager
def catalogue_of(size: int = SIZE, log: Callable[[str], None] | None = None):
    """Yields with at least `size` listed products; generated data is rolled back afterwards."""
    if _listed() < size and Certificate.objects.count() > CatalogueEntry.objects.count():
        rebuild_catalogue()  # e.g. generate_scale's certificates, created without the signals
    if _listed() >= size:
        yield _listed()
        return
    with transaction.atomic():
        generate(size, log=log)
        try:
            yield _listed()
        finally:
            transaction.set_rollback(True)


# --- the two sides of the benchmark -----------------------------------------------------------------


def measured_side(provinces: Provinces) -> list[tuple[int, list[tuple]]]:
    """The catalogue's code, as the list page runs it: parse the filters, count, fetch one page."""
    out = []
    for _label, params in WORKLOADS:
        pages = Pages(filter_entries(parse_filters(params, provinces)))
        count = pages.count()
        page = [
            (
                e.pk,
                e.product_name,
                e.stars,
                e.province.name if e.province else None,
                e.legacy_province.name if e.legacy_province else None,
            )
            for e in pages[0:PAGE]
        ]
        out.append((count, page))
    return out


def _sql_for(f: Filters, today: dt.date, t: str) -> tuple[str, list]:
    """The WHERE clause of `f` on table alias `t` (the workloads' filters only)."""
    where, params = [f"{t}.listed"], []
    for word in f.words:
        where.append(f"{t}.search_text LIKE %s")
        params.append(f"% {word}%")
    if f.stars:
        where.append(f"{t}.stars = %s")
        params.append(f.stars)
    if f.sector:
        where.append(f"{t}.sector = %s")
        params.append(f.sector)
    if f.province:
        where.append(f"{t}.province_id = %s")
        params.append(f.province.pk)
    if f.state == "con_hieu_luc":
        where.append(f"{t}.certificate_status = 'valid' AND {t}.valid_until > %s")
        params.append(today)
    return " AND ".join(where), params


def baseline_side(provinces: Provinces) -> list[tuple[int, list[tuple]]]:
    """The same queries written by hand: the count, and the page's keys picked in a subquery."""
    today = dt.date.today()
    out = []
    with connection.cursor() as cursor:
        for _label, params in WORKLOADS:
            f = parse_filters(params, provinces)
            where, args = _sql_for(f, today, "e")
            cursor.execute(f"SELECT COUNT(*) FROM catalogue_catalogueentry e WHERE {where}", args)
            count = cursor.fetchone()[0]
            inner, inner_args = _sql_for(f, today, "u")
            cursor.execute(
                "SELECT e.product_id, e.product_name, e.stars, p.name, lp.name FROM catalogue_catalogueentry e "
                "LEFT JOIN geo_adminunit p ON p.id = e.province_id LEFT JOIN geo_adminunit lp ON lp.id = e.legacy_province_id "
                f"WHERE e.product_id IN (SELECT u.product_id FROM catalogue_catalogueentry u WHERE {inner} "
                f"ORDER BY u.stars DESC, u.name_key ASC, u.product_id ASC LIMIT {PAGE}) "
                "ORDER BY e.stars DESC, e.name_key ASC, e.product_id ASC",
                inner_args,
            )
            out.append((count, [tuple(r) for r in cursor.fetchall()]))
    return out
