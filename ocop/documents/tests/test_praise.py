"""The request letter's paragraph on the provinces says what the board says on the letter's date, and
nothing more: praise by name only for those who did it, "tất cả" only when every province did."""

from __future__ import annotations

import datetime as dt

import pytest

from ocop.documents.issuers import load_issuers, ministry_on
from ocop.reporting.letters import praise_paragraph
from ocop.documents.services import plain_text
from ocop.geo.models import AdminUnit, Era, Level
from ocop.programme.models import CycleMilestone, ProvincialPlan

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 20)


def plan(unit, n):
    return ProvincialPlan.objects.create(
        unit=unit,
        kind="ke_hoach",
        title="Kế hoạch thực hiện Chương trình OCOP năm 2026",
        phase="2026",
        status="approved",
        drafting_since=dt.date(2025, 11, 1),
        submitted_on=dt.date(2025, 12, 1),
        decision_number=f"{n}/QĐ-UBND",
        decision_date=dt.date(2026, 1, 10),
        issuer="UBND tỉnh",
    )


@pytest.fixture
def current_provinces(db):
    load_issuers()
    return {p.code: p for p in AdminUnit.objects.filter(level=Level.PROVINCE, era=Era.CURRENT)}


def text(day=DAY) -> str:
    return plain_text(praise_paragraph(ministry_on(day), day))


def test_some_provinces(current_provinces):
    for n, code in enumerate(("19", "42", "01"), start=1):
        plan(current_provinces[code], n)
    CycleMilestone.objects.create(unit=current_provinces["42"], kind="cycle_started", date=dt.date(2026, 3, 1))
    words = text()
    assert (
        "Bộ Nông nghiệp và Môi trường biểu dương 3 tỉnh, thành phố đã phê duyệt Đề án, Kế hoạch cấp tỉnh, gồm các "
        "tỉnh: Hà Nội, Hà Tĩnh, Thái Nguyên." in words
    )
    assert "Trong đó tỉnh Hà Tĩnh đã bắt đầu triển khai Chu trình OCOP quốc gia." in words
    assert "tất cả" not in words and "Trong thời gian qua" not in words


def test_every_province(current_provinces):
    assert len(current_provinces) == 34
    for n, unit in enumerate(current_provinces.values(), start=1):
        plan(unit, n)
    CycleMilestone.objects.create(unit=current_provinces["19"], kind="cycle_started", date=dt.date(2026, 3, 1))
    words = text()
    assert words.startswith(
        "Đến ngày 20/12/2026, tất cả 34 tỉnh, thành phố đã phê duyệt Đề án, Kế hoạch triển khai "
        "Chương trình OCOP cấp tỉnh."
    )
    assert "biểu dương" not in words  # nobody singled out when all did it
    assert "Trong đó tỉnh Thái Nguyên đã bắt đầu triển khai Chu trình OCOP quốc gia." in words
    assert "tất cả các tỉnh, thành phố đã bắt đầu" not in words  # only Thái Nguyên did
    for unit in current_provinces.values():
        CycleMilestone.objects.get_or_create(unit=unit, kind="cycle_started", defaults={"date": dt.date(2026, 4, 1)})
    words = text()
    assert words.endswith(
        "tỉnh, thành phố đã phê duyệt Đề án, Kế hoạch triển khai Chương trình OCOP cấp tỉnh. "
        "Tất cả các tỉnh, thành phố đã bắt đầu triển khai Chu trình OCOP quốc gia."
    )
    assert "Trong đó" not in words


def test_no_province(current_provinces):
    assert (
        text() == "Đến ngày 20/12/2026, chưa có tỉnh, thành phố nào phê duyệt Đề án, Kế hoạch triển khai Chương "
        "trình OCOP cấp tỉnh."
    )
