"""Builders for the catalogue's tests: certified products without running a whole evaluation round."""

from __future__ import annotations

import datetime as dt
import itertools

from ocop.evaluation.models import CriteriaSet, Instrument
from ocop.evaluation.models_rounds import Certificate, CertificateStatus, Round, RoundProduct, RoundStatus
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import EntityKind, Sector
from ocop.products.tests.factories import make_dossier, make_entity, make_product

_numbers = itertools.count(1)


def bare_criteria_set() -> CriteriaSet:
    """A bare criteria set (no criteria): certificates need one through their round entry."""
    instrument, _ = Instrument.objects.get_or_create(
        code="TEST-CATALOGUE",
        defaults={
            "number": "0/TEST",
            "name": "Văn bản kiểm thử",
            "issued_on": dt.date(2019, 1, 1),
            "valid_from": dt.date(2019, 1, 1),
        },
    )
    cs, _ = CriteriaSet.objects.get_or_create(
        code="test-catalogue",
        version=1,
        defaults={
            "instrument": instrument,
            "title": "Bộ tiêu chí kiểm thử",
            "valid_from": dt.date(2019, 1, 1),
            "definition": {},
            "sha256": "-",
            "structure_only": True,
        },
    )
    return cs


def province(code: str, era: str = Era.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


def commune(code: str, era: str = Era.CURRENT) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.COMMUNE, code=code)


def current_commune_from(legacy_code: str) -> AdminUnit:
    """The first current (2025) commune whose territory came from the legacy province `legacy_code`
    (06 Bắc Kạn, 19 Thái Nguyên: both now in Thái Nguyên)."""
    return (
        AdminUnit.objects.filter(
            era=Era.CURRENT,
            level=Level.COMMUNE,
            predecessions__predecessor__province__code=legacy_code,
            predecessions__predecessor__era=Era.LEGACY,
        )
        .order_by("code")
        .first()
    )


def certify(
    product,
    *,
    stars: int = 3,
    issued_on: dt.date = dt.date(2025, 10, 1),
    valid_until: dt.date | None = None,
    status: str = CertificateStatus.VALID,
    issuer=None,
) -> Certificate:
    issuer = issuer or product.unit.province
    round_ = Round.objects.create(
        name=f"Kỳ kiểm thử {next(_numbers)}",
        level="province",
        unit=issuer,
        held_on=issued_on,
        status=RoundStatus.CLOSED,
    )
    dossier = product.dossiers.order_by("-number").first() or make_dossier(product, status="complete")
    entry = RoundProduct.objects.create(
        round=round_, product=product, dossier=dossier, criteria_set=bare_criteria_set(), stars=stars, certified=True
    )
    return Certificate.objects.create(
        product=product,
        round_product=entry,
        issuer_unit=issuer,
        year=issued_on.year,
        number=next(_numbers),
        issued_on=issued_on,
        valid_until=valid_until or issued_on.replace(year=issued_on.year + 3),
        stars=stars,
        status=status,
    )


def certified_product(
    unit: AdminUnit,
    name: str,
    *,
    entity_name: str | None = None,
    kind: str = EntityKind.HTX,
    sector: str = Sector.THUC_PHAM,
    **cert,
):
    entity = make_entity(unit, name=entity_name, kind=kind)
    product = make_product(entity, name=name, sector=sector, status="certified")
    certify(product, **cert)
    return product
