"""Objects the API tests act on: the same fixtures as the web scope walk (ocop/front/tests/test_scope_walk.py),
plus certified products for the public catalogue."""

from __future__ import annotations

import datetime as dt

from ocop.evaluation.models_rounds import Certificate, CertificateStatus, Round, RoundProduct
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import EntityKind, ProductStatus, Sector
from ocop.products.tests.factories import make_dossier, make_entity, make_product


def certify(
    product,
    unit,
    *,
    stars=4,
    year=2025,
    issued_on=dt.date(2025, 10, 1),
    status=CertificateStatus.VALID,
    criteria_set=None,
):
    from ocop.evaluation.models import CriteriaSet

    cs = criteria_set or CriteriaSet.objects.filter(structure_only=False).first()
    round_ = Round.objects.create(name=f"Kỳ {product.name}", level="province", unit=unit, held_on=issued_on)
    entry = RoundProduct.objects.create(
        round=round_, product=product, dossier=make_dossier(product), criteria_set=cs, stars=stars, certified=True
    )
    number = Certificate.objects.filter(issuer_unit=unit, year=year).count() + 1
    cert = Certificate.objects.create(
        product=product,
        round_product=entry,
        issuer_unit=unit,
        year=year,
        number=number,
        issued_on=issued_on,
        valid_until=issued_on.replace(year=issued_on.year + 3),
        stars=stars,
        status=status,
    )
    product.status = ProductStatus.CERTIFIED if status == CertificateStatus.VALID else ProductStatus.EXPIRED
    product.save(update_fields=["status"])
    return cert


def catalogue_products() -> dict:
    """Certified products: a 4★ tea in a Thái Nguyên commune (current), a 3★ product of Bắc Kạn (legacy,
    now Thái Nguyên) with an expired certificate, a 5★ in Hà Tĩnh, a revoked one and an uncertified one."""
    from ocop.evaluation.loader import load_criteria

    load_criteria()
    tn = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="19")
    ht = AdminUnit.objects.get(era=Era.CURRENT, level=Level.PROVINCE, code="42")
    tn_commune = AdminUnit.objects.get(era=Era.CURRENT, level=Level.COMMUNE, code="01840")
    cho_ra = AdminUnit.objects.get(era=Era.LEGACY, level=Level.COMMUNE, code="01888")
    ht_commune = AdminUnit.objects.filter(era=Era.CURRENT, level=Level.COMMUNE, province=ht).order_by("code").first()
    tea = make_product(make_entity(tn_commune, name="HTX Chè Tân Cương"), name="Chè Thái Nguyên")
    rice = make_product(
        make_entity(cho_ra, name="HTX Gạo Bao thai", kind=EntityKind.HO_KINH_DOANH), name="Gạo Bao thai Chợ Rã"
    )
    orange = make_product(
        make_entity(ht_commune, name="HTX Cam Vũ Quang"), name="Cam Vũ Quang", sector=Sector.THUC_PHAM
    )
    revoked = make_product(make_entity(ht_commune, name="HTX Thu hồi"), name="Sản phẩm bị thu hồi")
    plain = make_product(make_entity(ht_commune, name="HTX Chưa chứng nhận"), name="Sản phẩm chưa chứng nhận")
    return {
        "tea": (tea, certify(tea, tn, stars=4)),
        "rice": (
            rice,
            certify(
                rice,
                AdminUnit.objects.get(era=Era.LEGACY, level=Level.PROVINCE, code="06"),
                stars=3,
                year=2020,
                issued_on=dt.date(2020, 5, 4),
                status=CertificateStatus.EXPIRED,
            ),
        ),
        "orange": (orange, certify(orange, ht, stars=5, year=2024, issued_on=dt.date(2024, 3, 1))),
        "revoked": (revoked, certify(revoked, ht, stars=3, status=CertificateStatus.REVOKED)),
        "plain": (plain, None),
    }
