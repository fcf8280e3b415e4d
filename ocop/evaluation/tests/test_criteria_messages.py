"""Broken data files are refused with one Vietnamese message saying where (part, group, criterion,
option; scale, procedure, level) and which field, as the validation of criteria/schema.py reports
it through criteria/messages.py. The files here are small hand-written ones; every expected
message is written out by hand."""

import copy

import pytest

from ocop.evaluation import criteria

PART_MAXIMA = {"A": 40, "B": 25, "C": 35}


def _part(code: str, points: int, title: str) -> dict:
    return {
        "code": code,
        "title": f"Phần {code}",
        "max": points,
        "groups": [
            {
                "code": "1",
                "title": title,
                "max": points,
                "criteria": [
                    {
                        "code": f"{code}.1.1",
                        "text": "Tiêu chí thử",
                        "options": [
                            {"code": "0", "text": "Không", "points": 0, "implicit": True},
                            {"code": "1", "text": "Có", "points": points},
                        ],
                    }
                ],
            }
        ],
    }


def _sheet() -> dict:
    return {
        "kind": "sheet",
        "code": "thu-148",
        "version": 1,
        "instrument": "QD148",
        "title": "Bộ tiêu chí thử",
        "applies_to": ["148-1.1.1"],
        "valid_from": "2023-02-24",
        "valid_to": None,
        "parts": [_part("A", 40, "Sản xuất"), _part("B", 25, "Tiêu thụ"), _part("C", 35, "Chất lượng")],
    }


def _refused(data, part_maxima=PART_MAXIMA) -> str:
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_sheet(data, part_maxima)
    return str(exc.value)


def _criterion(data: dict, part: int = 0) -> dict:
    return data["parts"][part]["groups"][0]["criteria"][0]


def test_the_hand_written_sheet_is_valid():
    s = criteria.parse_sheet(_sheet(), PART_MAXIMA)
    assert [(p.code, p.max) for p in s.parts] == [("A", 40), ("B", 25), ("C", 35)]
    assert s.criterion("B.1.1").group_title == "Tiêu thụ"


def test_missing_field():
    data = _sheet()
    del _criterion(data)["text"]
    assert _refused(data) == "Tiêu chí “A.1.1”: thiếu khóa “text”."

    data = _sheet()
    del _criterion(data, 1)["options"][1]["points"]
    assert _refused(data) == "Tiêu chí “B.1.1”, lựa chọn thứ 2: thiếu khóa “points”."

    data = _sheet()
    del data["parts"][2]["groups"][0]["title"]
    assert _refused(data) == "Phần C, nhóm 1: thiếu khóa “title”."

    data = _sheet()
    del data["valid_from"]
    assert _refused(data) == "Thiếu khóa “valid_from”."


def test_wrong_type():
    data = _sheet()
    _criterion(data)["options"][1]["points"] = "nhiều"
    assert _refused(data) == "Tiêu chí “A.1.1”, lựa chọn thứ 2, trường “points”: “nhiều” không phải là số."

    data = _sheet()
    _criterion(data)["mandatory"] = "có"
    assert _refused(data) == "Tiêu chí “A.1.1”, trường “mandatory”: “có” phải là true hoặc false."

    data = _sheet()
    data["parts"] = "A, B, C"
    assert _refused(data) == "Trường “parts”: phải là danh sách."

    data = _sheet()
    data["parts"][1]["groups"][0]["criteria"] = []
    assert _refused(data) == "Phần B, nhóm 1 (Tiêu thụ), trường “criteria”: phải là danh sách không rỗng."

    data = _sheet()
    _criterion(data)["code"] = "A 1 1"  # not a code: the criterion is named by its position
    assert _refused(data) == (
        "Phần A, nhóm 1 (Sản xuất), tiêu chí thứ 1, trường “code”: "
        "mã “A 1 1” chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."
    )

    data = _sheet()
    data["applies_to"].append("148 1.1.2")
    assert _refused(data) == (
        "Trường “applies_to”, mục thứ 2: mã “148 1.1.2” chỉ gồm chữ không dấu, số, dấu chấm, gạch ngang, gạch dưới."
    )

    data = _sheet()
    data["valid_to"] = "24/02/2026"
    assert _refused(data) == "Trường “valid_to”: ngày “24/02/2026” phải có dạng YYYY-MM-DD."

    assert _refused(["không phải đối tượng"]) == "Tệp dữ liệu phải là một đối tượng JSON."


def test_scores_not_summing_to_the_declared_maximum():
    data = _sheet()
    _criterion(data)["options"][1]["points"] = 39
    assert _refused(data) == (
        "Phần A, nhóm 1 (Sản xuất): tổng điểm tối đa của các tiêu chí là 39, khác điểm tối đa của nhóm (40)."
    )

    del data["parts"][0]["groups"][0]["max"]  # no group maximum: the part's is checked
    assert _refused(data) == "Phần A: tổng điểm tối đa của các tiêu chí là 39, khác điểm tối đa của phần (40)."

    data = _sheet()
    data["parts"][2] = _part("C", 30, "Chất lượng")  # 40 + 25 + 30
    assert _refused(data, None) == "Tổng điểm tối đa các phần là 95, phải là 100."
    assert _refused(data) == "Phần C: bộ tiêu chí khai báo điểm tối đa 30, văn bản QD148 quy định 35."


def test_duplicate_codes():
    data = _sheet()
    _criterion(data, 1)["code"] = "A.1.1"
    assert _refused(data) == "Tiêu chí “A.1.1”: mã bị trùng."

    data = _sheet()
    _criterion(data)["options"][1]["code"] = "0"
    assert _refused(data) == "Tiêu chí “A.1.1”: mã lựa chọn “0” bị trùng."

    data = _sheet()
    data["parts"][1]["code"] = "A"
    assert _refused(data) == "Phần A: mã phần bị trùng."


def test_the_other_errors_are_counted():
    data = _sheet()
    del _criterion(data)["text"]
    _criterion(data, 2)["options"][1]["points"] = -1
    assert _refused(data) == "Tiêu chí “A.1.1”: thiếu khóa “text”. (Và 1 lỗi khác.)"


PROCEDURES = {
    "kind": "procedures",
    "code": "thu-quy-trinh",
    "version": 1,
    "procedures": [
        {
            "code": "QD148",
            "instrument": "QD148",
            "title": "Quy trình thử",
            "valid_from": "2023-02-24",
            "valid_to": None,
            "levels": [
                {"level": "district", "holds_round": True, "certifies": [3], "forwards": {"min": 70, "to": "province"}},
                {"level": "province", "holds_round": True, "certifies": [4]},
            ],
            "certificate": {"validity_months": 36, "expiry_notice_days": 30},
        }
    ],
}


def test_procedure_messages_name_the_procedure_and_the_level():
    assert criteria.parse_procedures(PROCEDURES).procedures[0].level("district").forwards.to == "province"

    data = copy.deepcopy(PROCEDURES)
    data["procedures"][0]["levels"][1]["holds_round"] = False
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_procedures(data)
    assert str(exc.value) == (
        "Quy trình “QD148”, cấp tỉnh: cấp không tổ chức đánh giá thì không thể công nhận hạng sao."
    )

    data = copy.deepcopy(PROCEDURES)
    del data["procedures"][0]["levels"][0]["forwards"]["min"]
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_procedures(data)
    assert str(exc.value) == "Quy trình “QD148”, cấp huyện, trường “forwards”: thiếu khóa “min”."

    data = copy.deepcopy(PROCEDURES)
    data["procedures"][0]["levels"][1]["level"] = "village"
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_procedures(data)
    assert str(exc.value) == (
        "Quy trình “QD148”, cấp thứ 2, trường “level”: “village” không hợp lệ "
        "(chỉ nhận commune, district, province, central)."
    )

    data = copy.deepcopy(PROCEDURES)
    data["procedures"][0]["levels"][1]["certifies"] = [3, 4]
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_procedures(data)
    assert str(exc.value) == "Quy trình “QD148”: hạng 3 sao được công nhận ở cả cấp huyện và cấp tỉnh."


def test_instrument_part_maxima_must_total_100():
    data = {
        "kind": "instruments",
        "code": "thu-van-ban",
        "version": 1,
        "instruments": [
            {
                "code": "QD148",
                "number": "148/QĐ-TTg",
                "name": "Quyết định thử",
                "issued_on": "2023-02-24",
                "valid_from": "2023-02-24",
                "part_maxima": {"A": 40, "B": 25, "C": 36},
            },
        ],
    }
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_instruments(data)
    assert str(exc.value) == "Văn bản “QD148”: tổng điểm tối đa các phần là 101, phải là 100."


def test_a_file_of_another_kind_is_named_by_its_kind_first():
    # the procedures file also lacks valid_from, instrument, title, applies_to and parts: 5 more errors
    assert _refused(PROCEDURES) == "Trường “kind”: “procedures” không hợp lệ (chỉ nhận sheet). (Và 5 lỗi khác.)"
