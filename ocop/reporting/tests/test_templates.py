"""The seed's report template as data: its words, its fields and rules, loading it, and pre-filling it
from the programme registries."""

import dataclasses
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ocop.geo.models import AdminUnit, Era, Level
from ocop.demo.programme import create_demo_programme
from ocop.programme.models import Activity, DirectiveDocument, Funding, FundingSource, ProvincialPlan
from ocop.reporting.bindings import BINDINGS, check_bindings, compute_bindings, describe
from ocop.reporting.loader import DATA_DIR, TemplateConflict, load_templates, read_template_file
from ocop.reporting.models import ReportTemplate
from ocop.reporting.schema import FIELD_TYPES, RULE_KINDS, DefinitionError, parse_definition, validate

SEED = Path(__file__).resolve().parents[3].parent / "shared" / "seed" / "000_6d6c0519aa68c871.txt"
TEMPLATE_FILE = DATA_DIR / "ocop-cv9654-2018.json"
YEAR_2018 = (dt.date(2018, 1, 1), dt.date(2018, 12, 31))


def definition() -> dict:
    return json.loads(TEMPLATE_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def template():
    return parse_definition(definition())


def province(era, code):
    return AdminUnit.objects.get(era=era, level=Level.PROVINCE, code=code)


# --- the definition -----------------------------------------------------------------------------


def test_seed_template_parses_with_known_bindings(template):
    check_bindings(template)
    assert (template.code, template.version) == ("ocop-cv9654-2018", 1)
    assert template.title == "Khung Đề cương Báo cáo kết quả triển khai Chương trình Mô hình xã một sản phẩm OCOP"
    assert template.subtitle == "(tính đến hết 31/12/2018)"
    assert template.attached_to == (
        "(Kèm theo Công văn số 9654/BNN-VPĐP ngày 12/12/2018 của Bộ Nông nghiệp và Phát triển nông thôn)"
    )
    assert template.valid_from == dt.date(2018, 12, 12) and template.valid_to is None
    assert [s.number for s in template.sections] == [
        "I",
        "I.1",
        "I.2",
        "I.2.a",
        "I.2.b",
        "I.2.c",
        "I.2.d",
        "I.3",
        "II",
        "II.1",
        "II.2",
        "II.3",
        "III",
        "III.1",
        "III.2",
    ]


def test_outline_words_verbatim(template):
    sections = {s.number: s for s in template.sections}
    assert sections["I"].title == "KẾT QUẢ THỰC HIỆN TRONG NĂM 2018"
    assert sections["I.1"].title == "Công tác chỉ đạo, điều hành"
    assert sections["I.1"].prompt == (
        "Các văn bản chỉ đạo của tỉnh (Tỉnh ủy, UBND, HĐND, các sở ban ngành) về triển khai Chương trình OCOP "
        "(nghị quyết, quyết định, văn bản liên quan xây dựng đề án, kế hoạch, phân công nhiệm vụ, "
        "ban hành hướng dẫn...)"
    )
    assert sections["I.2"].title == "Kết quả triển khai trong năm 2018"
    assert sections["I.2.a"].title == "Kết quả về kiện toàn Bộ máy tổ chức thực hiện Chương trình OCOP"
    b = sections["I.2.b"]
    assert f"{b.title} {b.prompt}" == (
        "Các hoạt động cấp tỉnh, huyện về triển khai Chương trình OCOP (hội nghị, tập huấn, hội thảo, truyền thông, "
        "tổ chức/tham gia hội chợ quảng bá sản phẩm OCOP trong và ngoài tỉnh...). "
        "Đánh giá về nhu cầu và kết quả thực hiện."
    )
    assert sections["I.2.c"].title == (
        "Kết quả rà soát, đánh giá, tổng hợp và dự kiến kế hoạch phát triển sản phẩm OCOP trên toàn tỉnh."
    )
    assert sections["I.2.d"].title == "Kinh phí thực hiện, nguồn kinh phí"
    assert sections["I.3"].title == "Các tồn tại, khó khăn"
    assert sections["II"].title == "KẾ HOẠCH THỰC HIỆN TRONG NĂM 2019"
    assert sections["II.1"].title == (
        "Về công tác chỉ đạo, điều hành, phát triển sản phẩm OCOP của tỉnh trong năm 2019, dự kiến đến 2020;"
    )
    assert sections["II.2"].title == "Về nội dung hoạt động, kinh phí thực hiện"
    assert sections["II.3"].title == (
        "Kế hoạch phối hợp giữa các sở ngành trong việc lồng ghép các hoạt động xúc tiến thương mại, "
        "xúc tiến du lịch... trên địa bàn tỉnh, ngoài tỉnh để quảng bá sản phẩm OCOP..."
    )
    assert sections["III"].title == "ĐỀ XUẤT, KIẾN NGHỊ"
    assert sections["III.1"].title == "Về cơ chế, chính sách..."
    assert sections["III.2"].title == (
        "Đề xuất hỗ trợ từ Trung ương về công tác tư vấn, tổ chức sự kiện cấp tỉnh, cấp vùng (Hội chợ, Diễn đàn...)"
    )


@pytest.mark.skipif(not SEED.exists(), reason="the seed is outside the repository")
def test_every_title_and_prompt_is_in_the_seed(template):
    seed = SEED.read_text(encoding="utf-8")
    outline = seed[seed.index("Khung Đề cương") :]
    flat = " ".join(outline.split())
    for text in [template.title, template.subtitle, template.attached_to]:
        assert text in flat
    for s in template.sections:
        assert s.title in outline, s.number
        if s.prompt:
            assert s.prompt in outline, s.number


def test_every_field_type_and_rule_kind_appears(template):
    assert {f.type for f in template.fields} == set(FIELD_TYPES)
    assert {r.kind for r in template.rules} == set(RULE_KINDS)
    for f in template.fields:
        assert f.label and f.label != f.code


def test_narrative_sections_are_required(template):
    for number in ["I.1", "I.2.a", "I.2.b", "I.2.c", "I.2.d", "I.3", "II.1", "II.2", "II.3", "III.1", "III.2"]:
        section = next(s for s in template.sections if s.number == number)
        assert any(f.type == "text" and f.required and not f.binding for f in section.fields), number


def test_rules_hold_for_consistent_figures_and_catch_the_others(template):
    data = {
        "funding_local": 300,
        "funding_ntm": 700,
        "funding_total": 1000,
        "products_reviewed": 40,
        "products_evaluated": 25,
        "products_ranked": 20,
        "products_3star": 15,
        "products_4star": 5,
        "products_5star": 0,
        "ranked_share": "50",
        "plan_status": "drafting",
    }

    def rule_issues(d):
        return [i for i in validate(template, d) if "là bắt buộc" not in i.message]

    assert rule_issues(data) == []
    bad = dict(data, funding_total=999, products_4star=6, ranked_share="120", plan_status="approved")
    fields = {i.field for i in rule_issues(bad)}
    assert {"funding_total", "products_ranked", "ranked_share", "plan_decision", "plan_approval_date"} <= fields
    message = next(i.message for i in validate(template, bad) if i.field == "products_ranked")
    assert "3 sao" in message


def test_unknown_or_unfit_binding_is_a_definition_error():
    data = definition()
    data["sections"][1]["fields"][0]["binding"] = "programme.nothing"
    with pytest.raises(DefinitionError, match="direction_text"):
        check_bindings(parse_definition(data))
    data = definition()
    data["sections"][1]["fields"][0]["binding"] = "programme.funding_total"  # a text field
    with pytest.raises(DefinitionError, match="direction_text"):
        check_bindings(parse_definition(data))


def test_every_binding_has_a_vietnamese_description():
    assert BINDINGS
    for key in BINDINGS:
        assert describe(key).startswith("Lấy từ"), key
    assert describe("programme.documents") == "Lấy từ sổ Văn bản chỉ đạo: các văn bản ban hành trong kỳ"
    assert "Ngân sách trung ương" in describe("programme.funding_by_source.central")


# --- loading ------------------------------------------------------------------------------------


def test_loader_is_idempotent(db):
    report = load_templates()
    assert "ocop-cv9654-2018 v1" in report.created
    stored = ReportTemplate.objects.get(code="ocop-cv9654-2018", version=1)
    assert stored.title == definition()["title"] and stored.source == "ocop-cv9654-2018.json"
    assert len(stored.sha256) == 64 and stored.valid_from == dt.date(2018, 12, 12)
    assert stored.parsed.field("funding_total").binding == "programme.funding_total"
    again = load_templates()
    assert again.created == [] and "ocop-cv9654-2018 v1" in again.unchanged
    assert ReportTemplate.objects.filter(code="ocop-cv9654-2018").count() == 1

    out = io.StringIO()
    call_command("load_report_templates", stdout=out)
    files = len(list(TEMPLATE_FILE.parent.glob("*.json")))
    assert "0 phiên bản nạp mới" in out.getvalue() and f"{files} phiên bản không đổi" in out.getvalue()


def test_changed_content_with_the_same_version_is_refused(db, tmp_path):
    shutil.copy(TEMPLATE_FILE, tmp_path / TEMPLATE_FILE.name)
    load_templates(tmp_path)
    data = definition()
    data["sections"][1]["fields"][0]["label"] = "Nhãn đã sửa"
    (tmp_path / TEMPLATE_FILE.name).write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateConflict, match="version"):
        load_templates(tmp_path)
    with pytest.raises(CommandError, match="tăng “version”"):
        call_command("load_report_templates", "--dir", str(tmp_path), stdout=io.StringIO())
    assert ReportTemplate.objects.get(code="ocop-cv9654-2018").parsed.field("direction_text").label != "Nhãn đã sửa"

    # only reformatting the file is not a change
    (tmp_path / TEMPLATE_FILE.name).write_text(json.dumps(definition(), ensure_ascii=False), encoding="utf-8")
    assert load_templates(tmp_path).unchanged == ["ocop-cv9654-2018 v1"]

    # a new version is loaded next to the old one
    data["version"] = 2
    (tmp_path / "ocop-cv9654-2018-v2.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    (tmp_path / TEMPLATE_FILE.name).unlink()
    assert load_templates(tmp_path).created == ["ocop-cv9654-2018 v2"]
    assert list(ReportTemplate.objects.filter(code="ocop-cv9654-2018").values_list("version", flat=True)) == [2, 1]


def test_an_invalid_file_is_refused_naming_it(db, tmp_path):
    data = definition()
    data["sections"][3]["fields"][2]["binding"] = "programme.unknown"
    (tmp_path / "bad.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(DefinitionError, match="bad.json.*plan_status"):
        read_template_file(tmp_path / "bad.json")
    with pytest.raises(CommandError, match="programme.unknown"):
        call_command("load_report_templates", "--dir", str(tmp_path), stdout=io.StringIO())
    assert not ReportTemplate.objects.exists()


# --- pre-filling from the registries ------------------------------------------------------------


@pytest.fixture
def demo_programme(db):
    create_demo_programme()


def bound_rule_issues(template, values):
    """Issues from the rules whose fields are all bound (those the pre-fill alone must satisfy)."""
    bound = {f.code for f in template.fields if f.binding}
    rules = []
    for rule in template.rules:
        p = rule.params
        codes = {p.get(k) for k in ("target", "left", "right", "field", "when", "table") if p.get(k)}
        codes |= set(p.get("terms", []))
        if codes <= bound:
            rules.append(rule)
    assert {r.kind for r in rules} == {"sum_equals", "table_sum_equals", "less_or_equal", "required_if"}
    only_bound = dataclasses.replace(template, rules=tuple(rules))
    return [i for i in validate(only_bound, values) if "là bắt buộc" not in i.message]


def test_prefill_for_bac_kan_2018(template, demo_programme):
    bac_kan = province(Era.LEGACY, "06")
    values = compute_bindings(template, bac_kan, *YEAR_2018)
    assert set(values) == {f.code for f in template.fields if f.binding}
    assert values["plan_status"] == "approved"
    assert "851/QĐ-UBND" in values["plan_decision"] and values["plan_decision"] == "851/QĐ-UBND ngày 24/05/2018"
    assert values["plan_approval_date"] == "2018-05-24"
    sources = [f.code for f in template.fields if f.binding.startswith("programme.funding_by_source.")]
    assert len(sources) == len(FundingSource.values)
    assert values["funding_total"] == sum(values[c] for c in sources) > 0
    assert values["funding_total"] == sum(
        Funding.objects.alive().filter(unit__province=bac_kan, year=2018).values_list("amount", flat=True)
    )
    assert len(values["directive_documents"]) == values["directive_documents_count"] > 0
    assert (
        values["directive_documents_count"]
        == DirectiveDocument.objects.filter(unit__province=bac_kan, date__year=2018).count()
    )
    row = values["directive_documents"][0]
    assert set(row) <= {"kind", "number", "date", "issuer", "summary"}
    assert any(
        r["number"] == "851/QĐ-UBND" and r["kind"] == "Quyết định" and r["date"] == "2018-05-24"
        for r in values["directive_documents"]
    )
    # Bắc Kạn ranked its first products in 2018; its districts filed their own organisation
    assert values["products_ranked"] > 0 and values["products_evaluated"] >= values["products_ranked"]
    assert values["districts_specialised_count"] == 3 <= values["districts_total"]
    assert len(values["activities"]) == values["activities_count"]
    assert values["participants_total"] == sum(r["participants"] or 0 for r in values["activities"])
    assert all(isinstance(values[c], int) for c in ("funding_total", "activities_cost_total", "participants_total"))
    assert values["plan_status"] in {o.value for o in template.field("plan_status").options}

    # the pre-filled values are of the right types and satisfy every rule between bound fields
    assert bound_rule_issues(template, values) == []
    issues = validate(template, values)
    assert not [i for i in issues if i.row is not None]  # table cells well typed
    # the only rule left to the province: break down the ranked products by star
    assert {i.field for i in issues if "là bắt buộc" not in i.message} == {"products_ranked"}
    filled = dict(
        values,
        products_3star=values["products_ranked"],
        products_4star=0,
        products_5star=0,
        products_reviewed=values["products_evaluated"] + 10,
    )
    assert [i for i in validate(template, filled) if "là bắt buộc" not in i.message] == []


def test_prefill_before_approval_leaves_the_decision_empty(template, demo_programme):
    bac_kan = province(Era.LEGACY, "06")
    values = compute_bindings(template, bac_kan, dt.date(2018, 1, 1), dt.date(2018, 5, 23))
    assert values["plan_status"] in ("drafting", "submitted")
    assert "plan_decision" not in values and "plan_approval_date" not in values
    assert bound_rule_issues(template, values) == []
    none = compute_bindings(template, province(Era.LEGACY, "06"), None, dt.date(2017, 6, 30))
    assert none["plan_status"] == "none" and none["directive_documents"] == [] and none["funding_total"] == 0


def test_prefill_for_current_thai_nguyen_includes_bac_kan(template, demo_programme):
    thai_nguyen = province(Era.CURRENT, "19")
    assert {p.code for p in AdminUnit.objects.filter(successions__successor=thai_nguyen)} >= {"06", "19"}
    bac_kan = compute_bindings(template, province(Era.LEGACY, "06"), *YEAR_2018)
    old_thai_nguyen = compute_bindings(template, province(Era.LEGACY, "19"), *YEAR_2018)
    merged = compute_bindings(template, thai_nguyen, *YEAR_2018)
    summed = ("directive_documents_count", "activities_count", "funding_total", "products_ranked", "participants_total")
    for code in summed:
        assert merged[code] == bac_kan[code] + old_thai_nguyen[code], code
    numbers = {r["number"] for r in merged["directive_documents"]}
    assert "851/QĐ-UBND" in numbers
    assert merged["plan_status"] == "approved"
    assert merged["districts_total"] == bac_kan["districts_total"] + old_thai_nguyen["districts_total"]
    assert bound_rule_issues(template, merged) == []


def test_district_scope_and_deleted_records(template, demo_programme):
    from django.utils import timezone

    district = AdminUnit.objects.get(era=Era.LEGACY, level=Level.DISTRICT, code="061")
    values = compute_bindings(template, district, None, dt.date(2024, 12, 31))
    assert values["activities_count"] == Activity.objects.filter(unit=district).count() == 6
    assert values["districts_total"] == 1 and values["districts_specialised_count"] == 1
    assert values["plan_status"] == "none"
    Activity.objects.filter(unit=district).update(deleted_at=timezone.now())
    assert compute_bindings(template, district, None, dt.date(2024, 12, 31))["activities_count"] == 0
    # a soft-deleted plan does not count for the province either
    ProvincialPlan.objects.filter(unit=province(Era.LEGACY, "06")).update(deleted_at=timezone.now())
    assert compute_bindings(template, province(Era.LEGACY, "06"), *YEAR_2018)["plan_status"] == "none"
