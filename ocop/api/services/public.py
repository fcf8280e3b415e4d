"""Public data for the API (no login): certified products with their certificate, and aggregate
statistics. The products are those of the public web catalogue, read from its read model
(`ocop.catalogue.models.CatalogueEntry`, built by ocop/catalogue/services.py): the same publication
rule (the certificate that speaks for a product is its most recent one not superseded, shown while
valid or expired, never when revoked), the same search (ignoring case, diacritics and Unicode form,
over product, entity, commune and province names) and the same validity rule. Only public facts
are exposed: no registration numbers, tax codes, phones or e-mail addresses."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q
from django.utils import timezone

from ocop.analytics import figures
from ocop.catalogue.models import CatalogueEntry
from ocop.catalogue.search import query_words, search_condition
from ocop.evaluation.models_rounds import Certificate
from ocop.geo import services as geo
from ocop.geo.models import AdminUnit, Era, Level, UnitSuccession
from ocop.products.models import Product


def public_products():
    """Listed catalogue products, each annotated with its shown certificate (cert_id, cert_stars,
    cert_status, cert_year) as the catalogue picked it."""
    return (
        Product.objects.filter(catalogue_entry__listed=True)
        .annotate(
            cert_id=F("catalogue_entry__certificate_id"),
            cert_stars=F("catalogue_entry__stars"),
            cert_status=F("catalogue_entry__certificate_status"),
            cert_year=F("catalogue_entry__certificate__year"),
        )
        .select_related("entity", "unit", "unit__province")
    )


def province_ids(code: str) -> list[int]:
    """Province ids a province code stands for: the legacy and the current province with that code,
    and the legacy provinces the current one absorbed."""
    provinces = list(AdminUnit.objects.filter(level=Level.PROVINCE, code=code))
    ids = {p.pk for p in provinces}
    current = [p.pk for p in provinces if p.era == Era.CURRENT]
    if current:
        ids |= set(UnitSuccession.objects.filter(successor_id__in=current).values_list("predecessor_id", flat=True))
    return sorted(ids)


def filter_products(
    qs, *, q="", stars=None, min_stars=None, sector="", province="", entity_kind="", certificate="", year=None
):
    if q:
        qs = qs.filter(search_condition(query_words(q), "catalogue_entry__search_text"))
    if stars is not None:
        qs = qs.filter(cert_stars=stars)
    if min_stars is not None:
        qs = qs.filter(cert_stars__gte=min_stars)
    if sector:
        qs = qs.filter(sector=sector)
    if province:
        qs = qs.filter(Q(catalogue_entry__province__code=province) | Q(catalogue_entry__legacy_province__code=province))
    if entity_kind:
        qs = qs.filter(entity__kind=entity_kind)
    if certificate:
        valid = CatalogueEntry.objects.valid_on(timezone.localdate()).values("product_id")
        qs = qs.filter(pk__in=valid) if certificate == "valid" else qs.exclude(pk__in=valid)
    if year is not None:
        qs = qs.filter(cert_year=year)
    return qs


def certificates_by_id(ids) -> dict[int, Certificate]:
    return Certificate.objects.select_related("issuer_unit").in_bulk([i for i in ids if i])


def current_provinces() -> dict[int, AdminUnit]:
    """Every province id -> the province it belongs to today (legacy provinces roll up)."""
    return geo.province_rollup(timezone.localdate())


def statistics(*, year=None, province="", sector="") -> dict:
    """Certified products by stars, product group and current province; certificates by year and stars."""
    products = filter_products(public_products(), year=year, province=province, sector=sector)
    by_stars = {
        row["cert_stars"]: row["n"] for row in products.values("cert_stars").annotate(n=Count("pk", distinct=True))
    }
    by_sector = {row["sector"]: row["n"] for row in products.values("sector").annotate(n=Count("pk", distinct=True))}
    rollup = current_provinces()
    by_province: dict[int, int] = defaultdict(int)
    for row in products.values("unit__province_id").annotate(n=Count("pk", distinct=True)):
        target = rollup.get(row["unit__province_id"])
        if target is not None:
            by_province[target.pk] += row["n"]
    # the indicator products_certified (ocop/analytics): year of the issue date, revoked certificates
    # counted in the year they were issued, as on the statistics page and in the open data
    filters = {}
    if province:
        filters["product__unit__province_id__in"] = province_ids(province)
    if sector:
        filters["product__sector"] = sector
    by_year: dict[int, dict[int, int]] = defaultdict(dict)
    for row_year, _province, (stars,), n in figures.by_year(
        "products_certified", ("star",), year=year, filters=filters
    ):
        by_year[row_year][stars] = by_year[row_year].get(stars, 0) + n
    provinces = {p.pk: p for p in rollup.values()}
    return {
        "products": products.count(),
        "entities": products.values("entity_id").distinct().count(),
        "by_stars": by_stars,
        "by_sector": by_sector,
        "by_province": [
            (provinces[pk], n) for pk, n in sorted(by_province.items(), key=lambda kv: provinces[kv[0]].code)
        ],
        "by_year": sorted(by_year.items()),
    }
