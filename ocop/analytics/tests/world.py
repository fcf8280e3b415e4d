"""A hand-built world for the analytics tests: certificates, programme records and reports on legacy
and current units, with every expected figure computed by hand in the tests."""

from __future__ import annotations

import datetime as dt

from ocop.evaluation.models_rounds import CertificateStatus
from ocop.geo.models import AdminUnit, Era, Level
from ocop.products.models import EntityKind, Sector


def province(code: str, era: str) -> AdminUnit:
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


def commune_in(province_code: str, era: str) -> AdminUnit:
    return (
        AdminUnit.objects.filter(era=era, level=Level.COMMUNE, province__code=province_code, province__era=era)
        .order_by("code")
        .first()
    )


def build() -> dict:
    """Certificates (issued on, stars, group, legacy province code or "current 19"):

    2020-03-10  3★ thực phẩm  legacy 19 Thái Nguyên
    2020-11-20  4★ đồ uống    legacy 19 Thái Nguyên
    2020-06-01  3★ thực phẩm  legacy 06 Bắc Kạn
    2020-08-15  5★ thực phẩm  legacy 01 Hà Nội
    2024-05-05  4★ thực phẩm  legacy 06 Bắc Kạn   (valid until 2027-05-05)
    2026-02-02  3★ thủ công   current 19 Thái Nguyên
    2019-12-31  3★ thực phẩm  legacy 06 Bắc Kạn, revoked, valid until 2022-12-31
    """
    from ocop.catalogue.tests.factories import certified_product

    tn, bk, hn = commune_in("19", Era.LEGACY), commune_in("06", Era.LEGACY), commune_in("01", Era.LEGACY)
    tn_now = commune_in("19", Era.CURRENT)
    made = {
        "tn1": certified_product(tn, "Chè Tân Cương", stars=3, issued_on=dt.date(2020, 3, 10)),
        "tn2": certified_product(
            tn,
            "Rượu men lá",
            sector=Sector.DO_UONG,
            kind=EntityKind.DOANH_NGHIEP,
            stars=4,
            issued_on=dt.date(2020, 11, 20),
        ),
        "bk1": certified_product(bk, "Miến dong Na Rì", stars=3, issued_on=dt.date(2020, 6, 1)),
        "hn1": certified_product(hn, "Bánh cốm", stars=5, issued_on=dt.date(2020, 8, 15)),
        "bk2": certified_product(bk, "Mơ vàng", stars=4, issued_on=dt.date(2024, 5, 5), kind=EntityKind.HO_KINH_DOANH),
        "tn3": certified_product(tn_now, "Nón lá", sector=Sector.THU_CONG, stars=3, issued_on=dt.date(2026, 2, 2)),
        "bk0": certified_product(
            bk,
            "Hồng không hạt",
            stars=3,
            issued_on=dt.date(2019, 12, 31),
            valid_until=dt.date(2022, 12, 31),
            status=CertificateStatus.REVOKED,
        ),
    }
    return made
