"""The template definition format, value coercion and every validation rule kind."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ocop.reporting import schema

DEFINITION = {
    "code": "t",
    "version": 1,
    "title": "Mẫu thử",
    "sections": [
        {
            "number": "I",
            "title": "Phần I",
            "fields": [
                {"code": "note", "label": "Thuyết minh", "type": "text", "required": True},
                {
                    "code": "status",
                    "label": "Trạng thái",
                    "type": "choice",
                    "options": [{"value": "yes", "label": "Có"}, {"value": "no", "label": "Không"}],
                },
                {"code": "decision", "label": "Quyết định", "type": "text"},
                {"code": "day", "label": "Ngày", "type": "date"},
                {"code": "rate", "label": "Tỉ lệ", "type": "percent"},
            ],
        },
        {
            "number": "I.1",
            "title": "Kinh phí",
            "fields": [
                {"code": "a", "label": "Nguồn A", "type": "money"},
                {"code": "b", "label": "Nguồn B", "type": "money"},
                {"code": "total", "label": "Tổng", "type": "money"},
                {"code": "part", "label": "Phần", "type": "integer"},
                {"code": "people", "label": "Số người", "type": "integer"},
                {
                    "code": "events",
                    "label": "Sự kiện",
                    "type": "table",
                    "min_rows": 1,
                    "columns": [
                        {"code": "name", "label": "Tên", "type": "text", "required": True},
                        {"code": "n", "label": "Số người", "type": "integer"},
                        {"code": "day", "label": "Ngày", "type": "date"},
                    ],
                },
            ],
        },
    ],
    "rules": [
        {"kind": "sum_equals", "target": "total", "terms": ["a", "b"]},
        {"kind": "table_sum_equals", "target": "people", "table": "events", "column": "n"},
        {"kind": "less_or_equal", "left": "part", "right": "people"},
        {"kind": "required_if", "field": "decision", "when": "status", "equals": "yes"},
        {"kind": "range", "field": "rate", "min": 0, "max": 100},
    ],
}

T = schema.parse_definition(DEFINITION)
GOOD = {
    "note": "Nội dung",
    "status": "yes",
    "decision": "12/QĐ-UBND",
    "day": "2018-12-31",
    "rate": "50",
    "a": 1_000_000,
    "b": 2_500_000,
    "total": 3_500_000,
    "part": 10,
    "people": 30,
    "events": [{"name": "Hội nghị", "n": 20, "day": "2018-06-01"}, {"name": "Tập huấn", "n": 10, "day": None}],
}


def codes(issues):
    return sorted((i.field, i.row, i.column) for i in issues)


def test_a_valid_report_passes():
    assert schema.validate(T, GOOD) == []


@pytest.mark.parametrize(
    "change,field",
    [
        ({"total": 3_000_000}, "total"),  # sum_equals
        ({"people": 31}, "people"),  # table_sum_equals
        ({"part": 31}, "part"),  # less_or_equal
        ({"decision": ""}, "decision"),  # required_if
        ({"rate": "120"}, "rate"),  # range
        ({"note": "  "}, "note"),  # required
        ({"events": []}, "events"),  # min_rows (and the table sum, then 0 != 30)
    ],
)
def test_each_rule_kind_catches_its_case(change, field):
    issues = schema.validate(T, {**GOOD, **change})
    assert field in {i.field for i in issues}
    assert all(i.message for i in issues)


def test_required_if_does_not_apply_when_the_condition_is_false():
    assert schema.validate(T, {**GOOD, "status": "no", "decision": ""}) == []


def test_required_table_cells_are_reported_with_row_and_column():
    data = {**GOOD, "events": [{"name": "", "n": 30, "day": None}]}
    issue = next(i for i in schema.validate(T, data) if i.field == "events")
    assert (issue.row, issue.column) == (1, "name")


@pytest.mark.parametrize(
    "ftype,raw,expected",
    [
        ("integer", "1.234.567", 1234567),
        ("money", "2 500 000", 2500000),
        ("integer", 42, 42),
        ("integer", 3.0, 3),
        ("percent", "12,5", "12.5"),
        ("percent", "12.5%", "12.5"),
        ("percent", 7, "7"),
        ("date", "31/12/2018", "2018-12-31"),
        ("date", "2018-12-31", "2018-12-31"),
        ("date", dt.datetime(2019, 1, 10), "2019-01-10"),
        ("text", "  chữ  ", "chữ"),
        ("integer", "", None),
        ("date", None, None),
    ],
)
def test_coerce_accepts_vietnamese_input(ftype, raw, expected):
    assert schema.coerce(ftype, raw) == (expected, None)


@pytest.mark.parametrize(
    "ftype,raw",
    [
        ("integer", "abc"),
        ("integer", "1,5"),
        ("money", "-5"),
        ("integer", 2.5),
        ("percent", "x"),
        ("percent", "2000"),
        ("date", "31/02/2019"),
        ("date", "12/31/2018"),
        ("integer", True),
    ],
)
def test_coerce_refuses_bad_input_with_a_message(ftype, raw):
    value, error = schema.coerce(ftype, raw)
    assert value is None and error


def test_choice_accepts_value_or_label():
    opts = T.field("status").options
    assert schema.coerce("choice", "Có", opts) == ("yes", None)
    assert schema.coerce("choice", "yes", opts) == ("yes", None)
    assert schema.coerce("choice", "Có lẽ", opts)[1]


def test_display_uses_vietnamese_conventions():
    assert schema.display("money", 1234567) == "1.234.567"
    assert schema.display("percent", "12.5") == "12,5 %"
    assert schema.display("date", "2018-12-31") == "31/12/2018"


@pytest.mark.parametrize(
    "mutate,fragment",
    [
        (lambda d: d.pop("code"), "code"),
        (lambda d: d["sections"][0]["fields"].append({"code": "note", "label": "x", "type": "text"}), "trùng"),
        (lambda d: d["sections"][0]["fields"].append({"code": "Bad Code", "label": "x", "type": "text"}), "mã trường"),
        (lambda d: d["sections"][0]["fields"].append({"code": "z", "label": "x", "type": "float"}), "kiểu"),
        (lambda d: d["sections"].append({"number": "I", "title": "again"}), "trùng"),
        (lambda d: d["rules"].append({"kind": "sum_equals", "target": "note", "terms": ["a"]}), "số"),
        (lambda d: d["rules"].append({"kind": "magic"}), "kind"),
        (
            lambda d: d["rules"].append(
                {"kind": "table_sum_equals", "target": "total", "table": "events", "column": "name"}
            ),
            "cột",
        ),
    ],
)
def test_bad_definitions_are_refused_with_a_message(mutate, fragment):
    import copy

    data = copy.deepcopy(DEFINITION)
    mutate(data)
    with pytest.raises(schema.DefinitionError) as exc:
        schema.parse_definition(data)
    assert fragment in str(exc.value)


@given(st.integers(min_value=0, max_value=10**15))
def test_grouped_integers_round_trip(n):
    assert schema.coerce("money", schema.display("money", n)) == (n, None)


@given(st.dates(min_value=dt.date(1901, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_dates_round_trip_through_display(day):
    assert schema.coerce("date", schema.display("date", day.isoformat())) == (day.isoformat(), None)


@given(
    st.dictionaries(
        st.sampled_from(["a", "b", "total", "part", "people", "rate", "note"]),
        st.one_of(st.none(), st.integers(-5, 10**9), st.text(max_size=20)),
    )
)
def test_validate_never_crashes_on_arbitrary_data(data):
    issues = schema.validate(T, data)
    assert all(isinstance(i, schema.Issue) and i.message for i in issues)


@pytest.mark.parametrize("raw,expected", [("100", "100"), (10.0, "10"), ("12,50", "12.5"), ("0", "0")])
def test_percentages_are_plain_decimals(raw, expected):
    assert schema.coerce("percent", raw) == (expected, None)
