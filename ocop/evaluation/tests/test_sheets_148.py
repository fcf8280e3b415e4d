"""Each of the 26 score sheets of QĐ 148/QĐ-TTg (Phụ lục III), checked against expectations read by
hand from the public transcription (scripts/criteria_sources/qd148/*.csv, see SOURCES.md):

- "criteria": how many criteria the sheet has (a CSV row "a) …" with its options, or a group whose
  options follow it directly);
- "first": the total, per part, of one answer set: the first printed option (the first "□" row) of
  every criterion, added up by hand from the CSV;
- "three_star": the options marked *** (required for a 3-star product): {criterion: its points};
- "first_fails_3": the *** criteria that the first printed options do not reach.

Every sheet is also parsed as the loader parses it (part maxima 40/25/35 of QĐ 148, each criterion's
maximum = its best option) and scored with its best options (100 points, no requirement failed)."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from ocop.evaluation import scoring
from ocop.evaluation.tests.helpers import best, raw, sheet

SOURCES = Path(__file__).resolve().parents[3] / "scripts" / "criteria_sources" / "qd148"

# file -> (CSV number, expectations read by hand from that CSV)
EXPECTED = {
    "sheet-148-rau-cu-qua-hat-tuoi.json": (
        1,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"B.5.2": 3, "C.9.1": 2, "C.10.1": 2},
            "first_fails_3": {"B.5.2", "C.10.1", "C.9.1"},
        },
    ),
    "sheet-148-thit-thuy-san-trung-sua-tuoi.json": (
        2,
        {
            "criteria": 31,
            "first": {"A": 9, "B": 1, "C": 3},
            "three_star": {"B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-gao-ngu-coc-hat-so-che-khac.json": (
        3,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 3},
            "three_star": {"B.5.2": 3, "C.9.1": 2, "C.10.1": 2},
            "first_fails_3": {"B.5.2", "C.10.1", "C.9.1"},
        },
    ),
    "sheet-148-mat-ong-mat-khac-va-nong-san-thuc-pham-khac.json": (
        4,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"B.5.2": 3, "C.9.1": 2, "C.10.1": 2},
            "first_fails_3": {"B.5.2", "C.10.1", "C.9.1"},
        },
    ),
    "sheet-148-do-an-nhanh.json": (
        5,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"A.1.1": 3, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"A.1.1", "B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-che-bien-tu-gao-ngu-coc.json": (
        6,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-che-bien-tu-rau-cu-qua-hat.json": (
        7,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 3},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-che-bien-tu-thit-trung-sua-thuy-san-cac-san-pham-tu-mat-ong.json": (
        8,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-tuong-nuoc-mam-gia-vi-dang-long-khac.json": (
        9,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-gia-vi-khac-muoi-hanh-toi-tieu.json": (
        10,
        {
            "criteria": 32,
            "first": {"A": 9, "B": 1, "C": 2},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-ruou-trang.json": (
        14,
        {
            "criteria": 30,
            "first": {"A": 9, "B": 1, "C": 1},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-do-uong-co-con-khac.json": (
        15,
        {
            "criteria": 30,
            "first": {"A": 9, "B": 1, "C": 1},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-nuoc-khoang-thien-nhien-nuoc-uong-tinh-khiet-dong-chai.json": (
        16,
        {
            "criteria": 30,
            "first": {"A": 9, "B": 1, "C": 3},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 1},
            "first_fails_3": {"B.5.2", "C.8.1"},
        },
    ),
    "sheet-148-do-uong-khong-con-khac.json": (
        17,
        {
            "criteria": 30,
            "first": {"A": 9, "B": 1, "C": 1},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 3, "C.9.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1", "C.9.1"},
        },
    ),
    "sheet-148-thuc-pham-chuc-nang-thuoc-duoc-lieu-thuoc-y-hoc-co-truyen.json": (
        18,
        {
            "criteria": 30,
            "first": {"A": 8, "B": 1, "C": 6},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.12.1": 2},
            "first_fails_3": {"B.5.2", "C.12.1"},
        },
    ),
    "sheet-148-my-pham-co-thanh-phan-tu-thao-duoc.json": (
        19,
        {
            "criteria": 30,
            "first": {"A": 8, "B": 1, "C": 2},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.12.1": 2},
            "first_fails_3": {"B.5.2", "C.12.1"},
        },
    ),
    "sheet-148-tinh-dau-va-thao-duoc-khac.json": (
        20,
        {
            "criteria": 30,
            "first": {"A": 8, "B": 1, "C": 3},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.12.1": 2},
            "first_fails_3": {"B.5.2", "C.12.1"},
        },
    ),
    "sheet-148-thu-cong-my-nghe-gia-dung-trang-tri.json": (
        21,
        {
            "criteria": 28,
            "first": {"A": 8, "B": 1, "C": 2},
            "three_star": {"A.1.1": 1, "B.5.2": 3, "C.8.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1"},
        },
    ),
    "sheet-148-vai-may-mac.json": (
        22,
        {
            "criteria": 27,
            "first": {"A": 8, "B": 1, "C": 3},
            "three_star": {"A.1.1": 1, "B.5.2": 3},
            "first_fails_3": {"B.5.2"},
        },
    ),
    "sheet-148-hoa.json": (
        23,
        {
            "criteria": 27,
            "first": {"A": 8, "B": 1, "C": 6},
            "three_star": {"B.5.2": 3, "C.8.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1"},
        },
    ),
    "sheet-148-cay-canh.json": (
        24,
        {
            "criteria": 27,
            "first": {"A": 8, "B": 1, "C": 7},
            "three_star": {"B.5.2": 3, "C.8.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1"},
        },
    ),
    "sheet-148-dong-vat-canh.json": (
        25,
        {
            "criteria": 26,
            "first": {"A": 8, "B": 1, "C": 5},
            "three_star": {"B.5.2": 3, "C.8.1": 2},
            "first_fails_3": {"B.5.2", "C.8.1"},
        },
    ),
    "sheet-148-dich-vu-du-lich-cong-dong-du-lich-sinh-thai-va-diem-du-lich.json": (
        26,
        {
            "criteria": 33,
            "first": {"A": 12, "B": 8, "C": 12},
            "three_star": {},
            "first_fails_3": set(),
        },
    ),
}


# Errors of the transcription corrected in the data: {CSV number: {data row: (points, criterion)}}
CORRECTIONS = {
    7: {115: ("4", "C.6.4")},  # "Mùi" printed with maximum 4, its best option with 3
    17: {17: ("1", "A.1.4")},  # score cell "l"
    18: {9: ("1", "A.1.2")},  # score cell "t"
}


def first_printed(s) -> dict:
    """Each criterion answered with its first printed option (code "1"; "0" is the implicit one)."""
    return {c.code: "1" for c in s.criteria}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sheet_is_complete_and_checked(name):
    data = raw(name)
    assert data["instrument"] == "QD148" and data["structure_only"] is False
    s = sheet(name)  # raises DefinitionError if a part or a criterion does not add up
    assert {p.code: p.max for p in s.parts} == {"A": 40, "B": 25, "C": 35}
    for c in s.criteria:
        assert c.max_points == max(o.points for o in c.options)
        assert [o.code for o in c.options if not o.implicit][0] == "1"
    top = scoring.member_total(s, best(s))
    assert top.total == 100 and not top.issues
    assert not scoring.requirement_failures(s, best(s))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sheet_hand_checked_counts_and_scoring(name):
    number, expected = EXPECTED[name]
    s = sheet(name)
    assert len(s.criteria) == expected["criteria"]
    result = scoring.member_total(s, first_printed(s))
    assert not result.issues
    assert result.per_part == {k: Decimal(v) for k, v in expected["first"].items()}
    assert result.total == sum(expected["first"].values())
    three = {c.code: c.requirements[3] for c in s.criteria if 3 in c.requirements}
    assert three == {k: Decimal(v) for k, v in expected["three_star"].items()}
    failed_3 = {f.criterion.code for f in scoring.requirement_failures(s, first_printed(s)) if f.stars == 3}
    assert failed_3 == expected["first_fails_3"]
    # a product whose members all answer so is capped at 2 stars by the *** criteria it misses
    if failed_3:
        assert scoring.requirement_cap(scoring.requirement_failures(s, first_printed(s))) == 2


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sheet_points_match_the_transcription(name):
    """Every printed option of the CSV, in order, is an option of the sheet with the same points
    (read here with the csv module alone, independently of scripts/build_criteria.py)."""
    number, _expected = EXPECTED[name]
    path = next(SOURCES.glob(f"OCOP - {number}. *.csv"))
    fixes = CORRECTIONS.get(number, {})
    with path.open(encoding="utf-8", newline="") as fh:
        printed = [
            Decimal(fixes.get(n, (r["score"],))[0])
            for n, r in enumerate(csv.DictReader(fh), start=1)
            if r["level"] == "3"
        ]
    s = sheet(name)
    options = [o.points for c in s.criteria for o in c.options if not o.implicit]
    assert options == printed
    for _n, (_points, code) in fixes.items():
        assert not s.criterion(code).confirmed and "[?]" in s.criterion(code).note
    marks = sum(1 for c in s.criteria for o in c.options if o.required_for_stars)
    marks += sum(1 for c in s.criteria if c.required_for_stars)
    with path.open(encoding="utf-8", newline="") as fh:
        assert marks == sum(1 for r in csv.DictReader(fh) if r["stars"].strip())


# Sheets whose only public transcription does not add up: kept as skeletons, with the reason.
# file -> (CSV number, the sum of the part C group maxima printed in that CSV, read by hand)
INCOMPLETE = {
    "sheet-148-che-tuoi-che-che-bien.json": (11, 32),
    "sheet-148-san-pham-tra-tu-thuc-vat-khac.json": (12, 32),
    "sheet-148-san-pham-ca-phe-ca-cao.json": (13, 33),
}


@pytest.mark.parametrize("name", sorted(INCOMPLETE))
def test_sheet_whose_transcription_does_not_add_up_stays_a_skeleton(name):
    number, part_c = INCOMPLETE[name]
    data = raw(name)
    s = sheet(name)
    assert s.structure_only and not s.criteria and data["version"] >= 2
    assert f"{part_c} điểm" in data["note"] and data["note"].startswith("[?]")
    path = next(SOURCES.glob(f"OCOP - {number}. *.csv"))
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    start = next(i for i, r in enumerate(rows) if r["level"] == "0" and "Phần C" in r["title"])
    assert sum(int(r["score"]) for r in rows[start:] if r["level"] == "1") == part_c != 35


def test_every_148_sheet_is_covered():
    names = {p.name for p in (Path(__file__).resolve().parents[1] / "data").glob("sheet-148-*.json")}
    assert len(names) == 26 and names == set(EXPECTED) | set(INCOMPLETE)


@pytest.mark.django_db
def test_criteria_pages_say_plainly_which_sets_cannot_be_scored(client, demo_users):
    from django.urls import reverse

    from ocop.evaluation.loader import load_criteria
    from ocop.evaluation.models import CriteriaSet

    load_criteria()
    client.force_login(demo_users["tw.canbo"])
    tea = CriteriaSet.objects.filter(code="ocop-148-che-tuoi-che-che-bien").order_by("-version").first()
    page = client.get(reverse("evaluation:criteria_set_detail", args=[tea.pk])).content.decode()
    assert 'data-testid="structure-only-note"' in page and "chưa thể tự đánh giá hay chấm điểm" in page
    assert "32 điểm" in page
    honey = (
        CriteriaSet.objects.filter(code="ocop-148-mat-ong-mat-khac-va-nong-san-thuc-pham-khac")
        .order_by("-version")
        .first()
    )
    page = client.get(reverse("evaluation:criteria_set_detail", args=[honey.pk])).content.decode()
    assert 'data-testid="structure-only-note"' not in page and "augustine-tran/ocop" in page
    assert "Sản phẩm được nuôi/trồng trên địa bàn cấp xã từ 75% đến 100%" in page


def test_data_files_are_what_the_build_script_makes_of_the_sources():
    """scripts/build_criteria.py --check: every generated sheet (QĐ 148 and QĐ 1048) equals what the
    committed sources give, so a hand edit of a generated file or of a source is caught."""
    import importlib.util

    path = Path(__file__).resolve().parents[3] / "scripts" / "build_criteria.py"
    spec = importlib.util.spec_from_file_location("build_criteria", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0
