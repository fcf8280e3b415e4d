"""The data files and their format: every committed file parses, part maxima are the law's, the
classifications have the expected shape, and broken definitions are refused with a Vietnamese
message saying where."""

import copy
import re
import datetime as dt
from decimal import Decimal

import pytest

from ocop.evaluation import criteria
from ocop.evaluation.loader import DATA_DIR
from ocop.evaluation.tests.helpers import SHEET_148, SHEET_1048, instruments, raw, sheet, sheet_148, sheet_1048


def test_every_data_file_parses():
    names = sorted(p.name for p in DATA_DIR.glob("*.json"))
    assert {
        "instruments.json",
        "stars.json",
        "procedures.json",
        "classification-qd490.json",
        "classification-qd1048.json",
        "classification-qd148.json",
        SHEET_1048,
        SHEET_148,
    } <= set(names)
    for name in names:
        data = raw(name)
        if data["kind"] == "sheet":
            sheet(name, data)
        else:
            criteria.parse_any(data)


def test_instruments_part_maxima():
    inst = instruments()
    assert inst.get("QD1048").part_maxima == {"A": 35, "B": 25, "C": 40}
    assert inst.get("QD148").part_maxima == {"A": 40, "B": 25, "C": 35}
    assert inst.get("QD1048").valid_to == dt.date(2023, 2, 23)
    assert inst.get("QD148").valid_from == dt.date(2023, 2, 24)
    assert inst.get("QD1489").amends == ("QD148",)


def test_classification_shapes():
    c490 = criteria.parse_classification(raw("classification-qd490.json"))
    assert len(c490.at_level("sector")) == 6
    assert (c490.valid_from, c490.valid_to) == (dt.date(2018, 5, 7), dt.date(2019, 8, 20))

    c1048 = criteria.parse_classification(raw("classification-qd1048.json"))
    assert (len(c1048.at_level("sector")), len(c1048.at_level("group")), len(c1048.at_level("subgroup"))) == (6, 16, 26)
    assert c1048.node("1048-1.1.1").name == "Rau, củ, quả, hạt tươi"
    assert c1048.node("1048-1.1.1").parent == "1048-1.1"
    assert {n.level for n in c1048.leaves} == {"subgroup"}

    c148 = criteria.parse_classification(raw("classification-qd148.json"))
    assert len(c148.at_level("sector")) == 6
    assert len(c148.leaves) == 26
    assert [n.name for n in c148.at_level("sector")] == [
        "Thực phẩm",
        "Đồ uống",
        "Dược liệu và sản phẩm từ dược liệu",
        "Hàng thủ công mỹ nghệ",
        "Sinh vật cảnh",
        "Dịch vụ du lịch cộng đồng, du lịch sinh thái và điểm du lịch",
    ]
    assert [n.name for n in c148.leaves if n.parent == "148-5"] == ["Hoa", "Cây cảnh", "Động vật cảnh"]
    assert c148.node("148-1.3.4").replaces == ("1048-1.3.4", "1048-1.3.5")


def test_every_leaf_has_exactly_one_sheet():
    applies = {}
    for path in DATA_DIR.glob("sheet-*.json"):
        for code in raw(path.name)["applies_to"]:
            assert code not in applies, f"{code} in {path.name} and {applies.get(code)}"
            applies[code] = path.name
    for name in ("classification-qd1048.json", "classification-qd148.json"):
        for leaf in criteria.parse_classification(raw(name)).leaves:
            assert leaf.code in applies, leaf.code


def test_sheet_1048_complete_and_part_sums():
    s = sheet_1048()
    assert not s.structure_only and s.instrument == "QD1048"
    for part, expected in (("A", 35), ("B", 25), ("C", 40)):
        assert s.part(part).max == expected
        assert sum(c.max_points for c in s.part(part).criteria) == expected
    assert s.total_max == 100
    color = s.criterion("C.6.2")
    assert color.text == "Màu sắc, độ chín" and [o.points for o in color.options] == [0, 1, 3, 5, 8]
    food_safety = s.criterion("C.9.2")
    assert [o.points for o in food_safety.options] == [0, 1, 2, 3]
    assert not s.mandatory_criteria  # 1048 has no star-level requirements
    assert not s.criterion("A.3.2").confirmed  # shown as [?]


def test_sheet_148_complete_mandatory_and_tags():
    s = sheet_148()
    for part, expected in (("A", 40), ("B", 25), ("C", 35)):
        assert sum(c.max_points for c in s.part(part).criteria) == expected
    three_star = {c.code for c in s.mandatory_criteria if 3 in c.requirements}
    assert three_star == {"B.5.2", "C.9.1", "C.10.1"}
    assert s.criterion("A.3.6").requirements == {4: Decimal(1)}  # marked on the criterion itself
    assert s.criterion("C.10.1").requirements == {3: 2, 4: 3, 5: 5}
    assert [c.code for c in s.tagged("women_ethnic_minority")] == ["A.3.2"]
    assert {c.code for c in s.criteria if "local_labour" in c.tags or "local_origin" in c.tags} == {"A.1.1", "A.3.3"}
    assert s.bonus_rule is not None and s.bonus_rule.cap_total == 100 and not s.bonus_rule.confirmed
    assert not any(c.bonus for c in s.criteria)
    implicit = s.criterion("A.1.1").options[0]
    assert implicit.implicit and implicit.points == 0


def test_skeleton_sheets_are_structure_only():
    data = raw("sheet-148-che-tuoi-che-che-bien.json")  # its transcription does not add up (SOURCES.md)
    s = sheet("sheet-148-che-tuoi-che-che-bien.json", data)
    assert s.structure_only and not s.criteria and not s.confirmed
    assert [(p.code, p.max) for p in s.parts] == [("A", 40), ("B", 25), ("C", 35)]


def _corrupt_part_a(data: dict) -> dict:
    data = copy.deepcopy(data)
    first = data["parts"][0]["groups"][0]["criteria"][0]
    first["options"][-1]["points"] += 1  # A.1.1 worth one point more
    data["parts"][0]["groups"][0].pop("max", None)
    return data


def test_part_sum_mismatch_names_part_and_sums():
    with pytest.raises(criteria.DefinitionError) as exc:
        sheet(SHEET_148, _corrupt_part_a(raw(SHEET_148)))
    assert str(exc.value) == "Phần A: tổng điểm tối đa của các tiêu chí là 41, khác điểm tối đa của phần (40)."


def test_part_max_must_match_instrument():
    data = raw(SHEET_148)
    data = copy.deepcopy(data)
    data["instrument"] = "QD1048"  # a 148 sheet (A 40) declared under 1048 (A 35)
    with pytest.raises(criteria.DefinitionError) as exc:
        criteria.parse_sheet(data, instruments().get("QD1048").part_maxima)
    assert str(exc.value) == "Phần A: bộ tiêu chí khai báo điểm tối đa 40, văn bản QD1048 quy định 35."


def test_group_max_checked():
    data = copy.deepcopy(raw(SHEET_1048))
    data["parts"][0]["groups"][0]["max"] = 17
    with pytest.raises(criteria.DefinitionError, match="tiêu chí là 18, khác điểm tối đa của nhóm"):
        sheet(SHEET_1048, data)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(version=0), "Trường “version”: phải là số nguyên dương (0)."),
        (lambda d: d.update(valid_from="21/08/2019"), "phải có dạng YYYY-MM-DD"),
        (
            lambda d: d["parts"][0]["groups"][0]["criteria"][1]["options"].append(
                {"code": "1", "text": "Trùng", "points": 0}
            ),
            "mã lựa chọn “1” bị trùng",
        ),
        (lambda d: d["parts"][0]["groups"][0]["criteria"][1].update(code="A.1.1"), "Tiêu chí “A.1.1”: mã bị trùng."),
        (
            lambda d: d["parts"][0]["groups"][0]["criteria"][0]["options"][0].update(points=1),
            "lựa chọn ngầm định (implicit) phải là 0 điểm",
        ),
        (
            lambda d: d["parts"][0]["groups"][0]["criteria"][1].update(mandatory=False),
            "có mức bắt buộc cho hạng sao nhưng thiếu “mandatory”: true",
        ),
        (lambda d: d["parts"][0]["groups"][0]["criteria"][0].update(tags=["unknown"]), "nhãn “unknown” không hợp lệ"),
        (lambda d: d["parts"][0]["groups"][0]["criteria"][0]["options"][1].update(points="nhiều"), "không phải là số"),
        (lambda d: d["parts"][0]["groups"][0]["criteria"][0]["options"][1].update(points=-1), "số phải không âm"),
        (lambda d: d.update(structure_only=True), "không được có nhóm tiêu chí"),
    ],
)
def test_invalid_sheets_refused(mutate, message):
    data = copy.deepcopy(raw(SHEET_148))
    mutate(data)
    with pytest.raises(criteria.DefinitionError, match=re.escape(message)):
        sheet(SHEET_148, data)


def test_bonus_criterion_needs_rule():
    from ocop.evaluation.tests.helpers import with_bonus

    data = with_bonus(raw(SHEET_148))
    del data["bonus_rule"]
    with pytest.raises(criteria.DefinitionError, match="thiếu “bonus_rule”"):
        sheet(SHEET_148, data)


def test_stars_and_procedures_checks():
    stars = copy.deepcopy(raw("stars.json"))
    stars["scales"][1]["valid_from"] = "2023-01-01"  # overlaps 1048's scale
    with pytest.raises(criteria.DefinitionError, match="chồng lên nhau"):
        criteria.parse_stars(stars)
    stars = copy.deepcopy(raw("stars.json"))
    stars["scales"][0]["bands"][1]["min"] = 95  # 4★ above 5★
    with pytest.raises(criteria.DefinitionError, match="phải lớn hơn"):
        criteria.parse_stars(stars)

    procedures = copy.deepcopy(raw("procedures.json"))
    procedures["procedures"][2]["levels"][1]["certifies"] = [3]  # the abolished district certifying
    with pytest.raises(criteria.DefinitionError, match="không thể công nhận"):
        criteria.parse_procedures(procedures)
    procedures = copy.deepcopy(raw("procedures.json"))
    procedures["procedures"][1]["levels"][2]["certifies"] = [3, 4]  # 3★ at district and province
    with pytest.raises(criteria.DefinitionError, match="hạng 3 sao được công nhận ở cả cấp huyện và cấp tỉnh"):
        criteria.parse_procedures(procedures)


def test_unconfirmed_facts_are_flagged():
    scales = {s.code: s for s in criteria.parse_stars(raw("stars.json")).scales}
    assert scales["QD1048"].confirmed and not scales["QD148"].confirmed
    assert not any(b.confirmed for b in scales["QD148"].bands)
    assert not scales["QD148"].rounding_confirmed
    procedures = {p.code: p for p in criteria.parse_procedures(raw("procedures.json")).procedures}
    assert procedures["QD148"].level("district").forwards.confirmed
    assert not procedures["QD148"].level("province").forwards.confirmed
    assert procedures["QD1489"].level("province").forwards.confirmed
