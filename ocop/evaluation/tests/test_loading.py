"""Loading the data files into the database: idempotent, keyed by sha256, refusing changed content
under the same version and sheets whose part sums differ from the law; and the date queries (the
procedure, star scale and criteria set in force on a day)."""

import datetime as dt
import io
import json
import shutil
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from ocop.evaluation import scoring, services
from ocop.evaluation.criteria import DefinitionError
from ocop.evaluation.loader import DATA_DIR, LoadConflict, load_criteria
from ocop.evaluation.models import (
    Classification,
    CriteriaSet,
    DataFile,
    Instrument,
    ProcedureRule,
    StarScale,
    rules_on,
    scale_on,
)
from ocop.evaluation.tests.helpers import SHEET_148, best, meeting_requirements

pytestmark = pytest.mark.django_db

N_FILES = len(list(DATA_DIR.glob("*.json")))


@pytest.fixture
def loaded(db):
    return load_criteria()


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _edit(path, change):
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")


def test_load_everything(loaded):
    assert len(loaded.created) == N_FILES and not loaded.unchanged
    assert DataFile.objects.count() == N_FILES
    assert set(Instrument.objects.values_list("code", flat=True)) == {"QD490", "QD1048", "QD781", "QD148", "QD1489"}
    assert Classification.objects.filter(instrument__code="QD1048", level="subgroup").count() == 26
    assert Classification.objects.filter(instrument__code="QD1048", level="group").count() == 16
    assert Classification.objects.filter(instrument__code="QD148", is_leaf=True).count() == 26
    assert Classification.objects.filter(instrument__code="QD490", level="sector").count() == 6
    assert CriteriaSet.objects.count() == 52
    # 1048: 22 of 26 (Gạo, ngũ cốc has no transcription; 3 do not add up); 148: 23 of 26 (tea, other
    # plant tea and coffee/cocoa do not add up), see SOURCES.md
    assert CriteriaSet.objects.filter(structure_only=False).count() == 45
    assert CriteriaSet.objects.filter(instrument__code="QD1048", structure_only=False).count() == 22
    assert set(
        CriteriaSet.objects.filter(instrument__code="QD148", structure_only=True).values_list("code", flat=True)
    ) == {"ocop-148-che-tuoi-che-che-bien", "ocop-148-san-pham-tra-tu-thuc-vat-khac", "ocop-148-san-pham-ca-phe-ca-cao"}
    assert StarScale.objects.count() == 2 and ProcedureRule.objects.count() == 3
    rau = Classification.objects.get(code="148-1.1.1")
    assert [n.code for n in rau.path] == ["148-1", "148-1.1", "148-1.1.1"]
    assert list(rau.replaces.values_list("code", flat=True)) == ["1048-1.1.1"]
    assert Instrument.objects.get(code="QD148").replaces.filter(code="QD1048").exists()


def test_load_is_idempotent(loaded):
    again = load_criteria()
    assert not again.created and len(again.unchanged) == N_FILES
    assert CriteriaSet.objects.count() == 52
    assert "0 tệp nạp mới" in again.summary()


def test_changed_content_same_version_refused(loaded, data_copy):
    _edit(data_copy / SHEET_148, lambda d: d.update(title=d["title"] + " (sửa)"))
    with pytest.raises(LoadConflict) as exc:
        load_criteria(data_copy)
    assert "“ocop-148-rau-cu-qua-hat-tuoi” phiên bản 1 đã được nạp" in str(exc.value)
    assert "hãy tăng “version”" in str(exc.value)


def test_new_version_is_added_and_old_kept(loaded, data_copy):
    _edit(data_copy / SHEET_148, lambda d: d.update(version=2, title=d["title"] + " (v2)"))
    report = load_criteria(data_copy)
    assert report.created == ["ocop-148-rau-cu-qua-hat-tuoi v2"]
    versions = CriteriaSet.objects.filter(code="ocop-148-rau-cu-qua-hat-tuoi").values_list("version", flat=True)
    assert list(versions) == [2, 1]
    assert services.criteria_set_on("148-1.1.1", dt.date(2024, 5, 1)).version == 2


def test_corrupted_sheet_refused_on_load(db, data_copy):
    def corrupt(d):
        d["parts"][2]["groups"][0]["criteria"][1]["options"][-1]["points"] = 7  # Màu sắc, độ chín 5 → 7
        d["parts"][2]["groups"][0].pop("max")

    _edit(data_copy / SHEET_148, corrupt)
    with pytest.raises(DefinitionError) as exc:
        load_criteria(data_copy)
    assert str(exc.value) == (
        "Tệp sheet-148-rau-cu-qua-hat-tuoi.json: Phần C: tổng điểm tối đa của các tiêu chí là 37, "
        "khác điểm tối đa của phần (35)."
    )
    assert not DataFile.objects.exists()  # nothing half-loaded


def test_sheet_with_the_wrong_instrument_maxima_refused(db, data_copy):
    _edit(data_copy / "sheet-1048-rau-cu-qua-hat-tuoi.json", lambda d: d.update(instrument="QD148"))
    with pytest.raises(DefinitionError, match="Phần A: bộ tiêu chí khai báo điểm tối đa 35, văn bản QD148 quy định 40"):
        load_criteria(data_copy)


def test_unknown_classification_refused(db, data_copy):
    _edit(data_copy / SHEET_148, lambda d: d.update(applies_to=["148-9.9.9"]))
    with pytest.raises(DefinitionError, match="148-9.9.9"):
        load_criteria(data_copy)


def test_command(db):
    out = io.StringIO()
    call_command("load_criteria", stdout=out)
    assert f"{N_FILES} tệp nạp mới" in out.getvalue()
    out = io.StringIO()
    call_command("load_criteria", stdout=out)
    assert f"{N_FILES} tệp không đổi" in out.getvalue()
    with pytest.raises(CommandError, match="Không có thư mục"):
        call_command("load_criteria", dir="/nonexistent")


def test_command_reports_invalid_file(db, data_copy):
    (data_copy / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="Tệp broken.json: không đọc được JSON"):
        call_command("load_criteria", dir=str(data_copy))


# --- the law in force on a day ------------------------------------------------------------------------


def test_rules_on_2020_is_1048_district_screens_only(loaded):
    procedure = rules_on(dt.date(2020, 6, 1))
    assert procedure.code == "QD1048"
    assert scoring.can_hold_round(procedure, "district")
    assert not any(scoring.can_certify(procedure, "district", n) for n in (3, 4, 5))
    assert scoring.forwarding(procedure, "district", 50) == "province"
    assert scoring.forwarding(procedure, "district", Decimal("49.99")) is None
    assert scoring.certifying_level(procedure, 3) == "province"


def test_rules_on_2024_district_certifies_three_stars(loaded):
    procedure = rules_on(dt.date(2024, 5, 1))
    assert procedure.code == "QD148"
    assert scoring.certifying_level(procedure, 3) == "district"
    assert scoring.certifying_level(procedure, 4) == "province"
    assert scoring.certifying_level(procedure, 5) == "central"


def test_rules_from_6_july_2025_no_district_round(loaded):
    assert rules_on(dt.date(2025, 7, 5)).code == "QD148"
    procedure = rules_on(dt.date(2025, 7, 6))
    assert procedure.code == "QD1489"
    assert not scoring.can_hold_round(procedure, "district")
    assert scoring.can_certify(procedure, "province", 3) and scoring.can_certify(procedure, "province", 4)
    assert scoring.forwarding(procedure, "province", 90) == "central"
    assert scoring.forwarding(procedure, "province", Decimal("89.99")) is None
    assert rules_on(dt.date(2030, 1, 1)).code == "QD1489"


def test_nothing_before_1048(loaded):
    assert rules_on(dt.date(2019, 8, 20)) is None
    assert scale_on(dt.date(2019, 8, 20)) is None
    assert rules_on(dt.date(2019, 8, 21)).code == "QD1048"


def test_scale_on(loaded):
    assert scale_on(dt.date(2020, 6, 1)).code == "QD1048"
    assert scale_on(dt.date(2024, 5, 1)).code == "QD148"
    assert scale_on(dt.date(2024, 5, 1)).confirmed is False


def test_criteria_set_in_force_on_a_date(loaded):
    in_2020 = services.criteria_set_on("1048-1.1.1", dt.date(2020, 6, 1))
    assert in_2020.code == "ocop-1048-rau-cu-qua-hat-tuoi" and in_2020.parsed.part("A").max == 35
    # the same product re-evaluated in 2024: the 148 set of the node that replaces its 1048 node
    assert services.criteria_set_on("1048-1.1.1", dt.date(2024, 5, 1)).code == "ocop-148-rau-cu-qua-hat-tuoi"
    # and a 148 code asked about 2020 goes back to the 1048 set
    assert services.criteria_set_on("148-1.1.1", dt.date(2020, 6, 1)).code == "ocop-1048-rau-cu-qua-hat-tuoi"
    assert services.criteria_set_on("148-1.1.1", dt.date(2023, 2, 24)).instrument.code == "QD148"
    assert services.criteria_set_on("148-1.1.1", dt.date(2023, 2, 23)).instrument.code == "QD1048"
    # 1048's "Chế biến từ thủy, hải sản" merges into 148's 1.3.4
    merged = services.criteria_set_on("1048-1.3.5", dt.date(2024, 1, 1))
    assert merged.subgroup_codes == ["148-1.3.4"] and not merged.structure_only
    # sinh vật cảnh has no 1048 counterpart
    assert services.criteria_set_on("148-5.1", dt.date(2020, 6, 1)) is None
    assert services.criteria_set_on("148-5.1", dt.date(2024, 1, 1)).code == "ocop-148-hoa"
    assert services.criteria_set_on("nope", dt.date(2024, 1, 1)) is None
    assert services.criteria_set_on("1048-1.1.1", dt.date(2019, 1, 1)) is None


def test_rank_on(loaded):
    sheet = services.criteria_set_on("148-1.1.1", dt.date(2024, 5, 1)).parsed
    members = {"a": meeting_requirements(sheet, 72), "b": meeting_requirements(sheet, 74)}
    ranking = services.rank_on(dt.date(2024, 5, 1), "148-1.1.1", members)
    assert (ranking.score, ranking.stars, ranking.certifying_level) == (Decimal("73.00"), 4, "province")
    ranking = services.rank_on(dt.date(2025, 8, 1), "148-1.1.1", {"a": best(sheet)})
    assert (ranking.stars, ranking.certifying_level) == (5, "central")
    with pytest.raises(scoring.ScoringError, match="Không có bộ tiêu chí"):
        services.rank_on(dt.date(2019, 1, 1), "148-1.1.1", members)


def test_products_hooks(loaded):
    from ocop.evaluation import hooks

    class FakeProduct:
        classification_code = "1.1.1"

    criteria_set = hooks.criteria_set_for_product(FakeProduct(), dt.date(2024, 5, 1))
    assert criteria_set.code == "ocop-148-rau-cu-qua-hat-tuoi"
    FakeProduct.classification_code = "148-5.1"
    assert not hooks.criteria_set_for_product(FakeProduct(), dt.date(2024, 5, 1)).structure_only
    FakeProduct.classification_code = "148-1.5.1"  # tea: a skeleton (see SOURCES.md)
    assert hooks.criteria_set_for_product(FakeProduct(), dt.date(2024, 5, 1)).structure_only
    FakeProduct.classification_code = ""
    assert hooks.criteria_set_for_product(FakeProduct(), dt.date(2024, 5, 1)) is None


def test_products_self_assessment_hooks(loaded):
    pytest.importorskip("ocop.products.criteria")
    from ocop.evaluation import hooks

    class FakeProduct:
        classification_code = "148-1.1.1"

    sheet = hooks.self_assessment_sheet(FakeProduct())
    assert sheet.code == "ocop-148-rau-cu-qua-hat-tuoi" and sheet.version == "1"
    assert len(sheet.criteria) == 32 and sheet.criteria[0].options[0].points == 0
    assert hooks.self_assessment_total(sheet, best(sheet.source)) == 100
    assert hooks.self_assessment_total(sheet, {}) is None
    FakeProduct.classification_code = "148-1.5.1"  # tea, a skeleton: nothing to fill in
    assert hooks.self_assessment_sheet(FakeProduct()) is None
    FakeProduct.classification_code = "148-1.2.2"  # honey
    honey = hooks.self_assessment_sheet(FakeProduct())
    assert honey.code == "ocop-148-mat-ong-mat-khac-va-nong-san-thuc-pham-khac" and len(honey.criteria) == 32


def test_a_stored_sheet_is_parsed_once_per_process_and_a_new_row_parses_its_own(loaded):
    """CriteriaSet.parsed is shared between reads of the same row (issue 17: ranking a year re-parsed
    about 800 sets); a new row, even with another set's digest, is parsed from its own definition."""
    first = CriteriaSet.objects.filter(structure_only=False).order_by("pk").first()
    again = CriteriaSet.objects.get(pk=first.pk)
    assert again is not first and again.parsed is first.parsed
    deferred = CriteriaSet.objects.defer("definition").get(pk=first.pk)
    assert deferred.parsed is first.parsed and "definition" in deferred.get_deferred_fields()
    changed = CriteriaSet.objects.get(pk=first.pk)
    definition = json.loads(json.dumps(changed.definition))
    definition["title"] = "Bộ tiêu chí sửa để kiểm thử"
    changed.pk, changed.version, changed.definition = None, 99, definition
    changed.save()
    fresh = CriteriaSet.objects.get(pk=changed.pk)
    assert fresh.sha256 == first.sha256 and fresh.parsed is not first.parsed
    assert fresh.parsed.title == "Bộ tiêu chí sửa để kiểm thử" and first.parsed.title != fresh.parsed.title
