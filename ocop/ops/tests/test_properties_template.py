"""Property-based tests (hypothesis) of the report-template validator (ocop/reporting/schema.py):
whatever a central administrator types as a definition, and whatever a province enters as values,
the validator answers with a DefinitionError or Issues carrying a message — never a crash — and
its rules hold exactly when the arithmetic does."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from ocop.reporting import schema
from ocop.reporting.loader import DATA_DIR as TEMPLATES_DIR

SEED = json.loads(next(TEMPLATES_DIR.glob("*9654*.json")).read_text(encoding="utf-8"))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**20) | st.floats(allow_nan=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=25,
)


def _paths(node, prefix=()):
    """Every (path) to a value inside a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


SEED_PATHS = [p for p in _paths(SEED) if p]


def _set(doc, path, value):
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value


_DELETE = object()


@FAST
@given(json_values)
def test_any_json_is_refused_with_a_message_or_parsed(doc):
    try:
        schema.parse_definition(doc)
    except schema.DefinitionError as exc:
        assert str(exc)


@FAST
@given(st.lists(st.tuples(st.sampled_from(SEED_PATHS), st.just(_DELETE) | json_values), min_size=1, max_size=3))
def test_a_damaged_seed_definition_is_refused_with_a_message_or_parsed(edits):
    """The real template (Công văn 9654's outline) with keys removed or replaced by anything."""
    doc = copy.deepcopy(SEED)
    for path, value in edits:
        try:
            _set(doc, path, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced the parent
    try:
        template = schema.parse_definition(doc)
    except schema.DefinitionError as exc:
        assert str(exc)
        return
    # what parses can be validated against anything without crashing
    issues = schema.validate(template, {f.code: "?" for f in template.fields})
    assert all(i.message for i in issues)


# --- generated, valid templates ------------------------------------------------------------------

SCALAR_TYPES = ["text", "integer", "money", "percent", "date", "choice"]


@st.composite
def templates(draw):
    n = draw(st.integers(2, 8))
    types = draw(st.lists(st.sampled_from(SCALAR_TYPES + ["table"]), min_size=n, max_size=n))
    fields = []
    for i, ftype in enumerate(types):
        field = {"code": f"f{i}", "label": f"Trường {i}", "type": ftype, "required": draw(st.booleans())}
        if ftype == "choice":
            field["options"] = [{"value": "a", "label": "Có"}, {"value": "b", "label": "Không"}]
        if ftype == "table":
            field["columns"] = [
                {"code": "name", "type": "text", "required": draw(st.booleans())},
                {"code": "qty", "type": "integer"},
            ]
            field["min_rows"] = draw(st.integers(0, 2))
        fields.append(field)
    numeric = [f["code"] for f in fields if f["type"] in schema.NUMERIC_TYPES]
    tables = [f["code"] for f in fields if f["type"] == "table"]
    rules = []
    if len(numeric) >= 2:
        rules.append({"kind": "sum_equals", "target": numeric[0], "terms": numeric[1:]})
        rules.append({"kind": "less_or_equal", "left": numeric[-1], "right": numeric[0]})
    if numeric and tables:
        rules.append({"kind": "table_sum_equals", "target": numeric[0], "table": tables[0], "column": "qty"})
    if numeric:
        rules.append({"kind": "range", "field": numeric[-1], "min": 0, "max": draw(st.integers(0, 10**6))})
    split = draw(st.integers(1, n))
    return {
        "code": "t",
        "version": 1,
        "title": "T",
        "sections": [
            {"number": "I", "title": "A", "fields": fields[:split]},
            {"number": "II", "title": "B", "fields": fields[split:]},
        ],
        "rules": draw(st.permutations(rules)),
    }


cell_values = (
    st.none()
    | st.just("")
    | st.integers(-5, 10**12)
    | st.text(max_size=15)
    | st.floats(allow_nan=True)
    | st.booleans()
    | st.dates().map(dt.date.isoformat)
    | st.lists(
        st.dictionaries(st.sampled_from(["name", "qty"]), st.none() | st.integers(-3, 100) | st.text(max_size=5)),
        max_size=3,
    )
)


@FAST
@given(templates(), st.data())
def test_validate_never_crashes_and_every_issue_names_a_field_and_says_why(definition, data):
    template = schema.parse_definition(definition)
    values = data.draw(st.fixed_dictionaries({}, optional={f.code: cell_values for f in template.fields}))
    issues = schema.validate(template, values)
    assert issues == schema.validate(template, values)  # deterministic
    codes = set(template.fields_by_code) | {""}
    for issue in issues:
        assert issue.message and issue.field in codes
    type_issues = schema.check_values(template, values)
    assert all(i in issues for i in type_issues)


@FAST
@given(templates(), st.data())
def test_sum_rules_hold_exactly_when_the_arithmetic_does(definition, data):
    template = schema.parse_definition(definition)
    rule = next((r for r in template.rules if r.kind == "sum_equals"), None)
    assume(rule is not None)
    terms = {code: data.draw(st.integers(0, 10**9)) for code in rule.params["terms"]}
    total = sum(terms.values())
    target_type = template.field(rule.params["target"]).type
    ok = {**terms, rule.params["target"]: total if target_type != "percent" else str(total)}
    sum_issues = [i for i in schema.validate(template, ok) if i.field == rule.params["target"] and "tổng" in i.message]
    assert not any("thành phần" in i.message for i in sum_issues)
    delta = data.draw(st.integers(1, 1000))
    wrong = {**ok, rule.params["target"]: total + delta if target_type != "percent" else str(total + delta)}
    assert any(i.field == rule.params["target"] and "thành phần" in i.message for i in schema.validate(template, wrong))


@FAST
@given(templates(), st.data())
def test_a_complete_consistent_report_has_no_issue(definition, data):
    """Values that fill every field and satisfy the arithmetic pass validation."""
    template = schema.parse_definition(definition)
    numeric = [f for f in template.fields if f.is_numeric]
    values = {}
    for f in template.fields:
        if f.type == "text":
            values[f.code] = data.draw(st.text(min_size=1, max_size=20).filter(str.strip))
        elif f.type == "date":
            values[f.code] = data.draw(st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1))).isoformat()
        elif f.type == "choice":
            values[f.code] = data.draw(st.sampled_from(["a", "b"]))
        elif f.type == "table":
            values[f.code] = [{"name": f"Dòng {i}", "qty": 0} for i in range(max(f.min_rows, 1))]
    # the numbers: every term 0, then the rules' totals line up (sum, table sum, ≤, range)
    for f in numeric:
        values[f.code] = 0 if f.type != "percent" else "0"
    assert schema.validate(template, values) == []


@FAST
@given(st.sampled_from(["integer", "money", "percent", "date", "text", "choice"]), cell_values)
def test_coercion_is_idempotent(ftype, raw):
    options = (schema.Option("a", "Có"), schema.Option("b", "Không"))
    value, error = schema.coerce(ftype, raw if not isinstance(raw, list) else str(raw), options)
    if error is None and value is not None:
        assert schema.coerce(ftype, value, options) == (value, None)
        shown = schema.display(ftype, value, options)
        assert schema.coerce(ftype, shown, options) == (value, None)  # what is shown reads back the same


@FAST
@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False))
def test_percentages_read_back_from_their_display(number):
    value, error = schema.coerce("percent", number)
    assert error is None and Decimal(value) == number
    assert schema.coerce("percent", schema.display("percent", value)) == (value, None)
