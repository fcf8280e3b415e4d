"""Report templates as data: the definition format, its checks, value coercion and validation rules.

A template definition is JSON (files in ocop/reporting/templates_data/, loaded by
`manage.py load_report_templates`, editable by a central administrator as a new version):

    {"code": "ocop-cv9654-2018", "version": 1, "title": "...", "subtitle": "...", "attached_to": "...",
     "valid_from": "2018-12-12", "valid_to": null,
     "sections": [{"number": "I.2.d", "title": "...", "prompt": "...", "fields": [FIELD, ...]}, ...],
     "rules": [RULE, ...]}

FIELD: {"code": "funding_total", "label": "...", "type": TYPE, "required": false, "help": "...",
        "binding": "programme.funding_total", "options": [{"value": "...", "label": "..."}] (choice),
        "columns": [COLUMN, ...] (table), "min_rows": 0 (table)}
TYPE: text | integer | money | percent | date | choice | table; a COLUMN has code, label, type
(any type but table), required, options.

RULE kinds (each may carry a "message" shown instead of the default):
    {"kind": "sum_equals", "target": "funding_total", "terms": ["funding_central", ...]}
    {"kind": "table_sum_equals", "target": "participants_total", "table": "activities", "column": "participants"}
    {"kind": "less_or_equal", "left": "products_4star", "right": "products_total"}
    {"kind": "required_if", "field": "plan_decision", "when": "plan_status", "equals": "approved"}
    {"kind": "range", "field": "completion_rate", "min": 0, "max": 100}

Values are stored as JSON: integer/money as int, percent as a string decimal ("12.5"), date as ISO
"YYYY-MM-DD", text/choice as str, table as a list of {column: value} rows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ocop.lib.dates import DateParseError, format_date, parse_date
from ocop.lib.formatting import format_number

FIELD_TYPES = ("text", "integer", "money", "percent", "date", "choice", "table")
COLUMN_TYPES = tuple(t for t in FIELD_TYPES if t != "table")
NUMERIC_TYPES = ("integer", "money", "percent")
RULE_KINDS = ("sum_equals", "table_sum_equals", "less_or_equal", "required_if", "range")
CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
# Period placeholders a template's text may use, filled in per request (ocop/reporting/periodtext.py)
PLACEHOLDERS = {
    "nam": "năm báo cáo (năm của ngày chốt số liệu)",
    "nam_sau": "năm kế tiếp",
    "nam_truoc": "năm trước",
    "tu_ngay": "ngày đầu kỳ số liệu",
    "ngay_chot": "ngày chốt số liệu",
    "han_nop": "hạn nộp như văn bản ghi (“trước ngày …” hoặc “chậm nhất ngày …”)",
    "ngay_han": "ngày hạn nộp",
    "so_van_ban": "số, ký hiệu văn bản yêu cầu",
    "ngay_van_ban": "ngày ban hành văn bản yêu cầu",
}
PLACEHOLDER_RE = re.compile(r"\{([a-z_]+)\}")
PERIOD_KINDS = ("month", "quarter", "half_year", "year")
MAX_TEXT = 20000
MAX_ROWS = 500
MAX_INTEGER = 10**18 - 1  # what the form accepts back (18 digits)


class DefinitionError(ValueError):
    """A template definition that cannot be used; the message says where (in Vietnamese)."""


@dataclass(frozen=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    type: str
    required: bool = False
    options: tuple[Option, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Field:
    code: str
    label: str
    type: str
    section: str
    required: bool = False
    help: str = ""
    binding: str = ""
    options: tuple[Option, ...] = ()
    columns: tuple[Column, ...] = ()
    min_rows: int = 0

    @property
    def is_numeric(self) -> bool:
        return self.type in NUMERIC_TYPES

    def column(self, code: str) -> Column | None:
        return next((c for c in self.columns if c.code == code), None)


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    prompt: str = ""
    fields: tuple[Field, ...] = ()

    @property
    def depth(self) -> int:
        return self.number.count(".")


@dataclass(frozen=True)
class Rule:
    kind: str
    params: dict
    message: str = ""


@dataclass(frozen=True)
class TemplateDef:
    code: str
    version: int
    title: str
    subtitle: str = ""
    attached_to: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    sections: tuple[Section, ...] = ()
    rules: tuple[Rule, ...] = ()
    default_for: tuple[str, ...] = ()  # period kinds for which this is the default template ("year")
    fields_by_code: dict = field(default_factory=dict, compare=False, hash=False)

    def field(self, code: str) -> Field | None:
        return self.fields_by_code.get(code)

    @property
    def fields(self) -> list[Field]:
        return [f for s in self.sections for f in s.fields]

    def section_of(self, code: str) -> str:
        f = self.field(code)
        return f.section if f else ""


@dataclass(frozen=True)
class Issue:
    """A problem with a submission: which field (and table row/column), in which section, and what."""

    field: str
    message: str
    section: str = ""
    row: int | None = None  # 1-based table row
    column: str = ""
    raw: str = ""  # what was typed, when the problem is that it is not a valid value


# --- parsing a definition -------------------------------------------------------------------------


def _options(raw, where: str) -> tuple[Option, ...]:
    if not isinstance(raw, list) or not raw:
        raise DefinitionError(_("%(where)s: trường lựa chọn cần danh sách “options”.") % {"where": where})
    result = []
    for item in raw:
        if isinstance(item, str):
            result.append(Option(item, item))
        elif isinstance(item, dict) and "value" in item:
            result.append(Option(str(item["value"]), str(item.get("label", item["value"]))))
        else:
            raise DefinitionError(_("%(where)s: lựa chọn không hợp lệ %(item)r.") % {"where": where, "item": item})
    return tuple(result)


def _min_rows(raw, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_ROWS:
        raise DefinitionError(
            _("%(where)s: “min_rows” phải là số nguyên từ 0 đến %(n)s.") % {"where": where, "n": MAX_ROWS}
        )
    return raw


def _date(raw, where: str) -> dt.date | None:
    if raw in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError as exc:
        raise DefinitionError(
            _("%(where)s: ngày “%(v)s” phải có dạng YYYY-MM-DD.") % {"where": where, "v": raw}
        ) from exc


def parse_definition(data: Any) -> TemplateDef:
    """Check a definition and turn it into a TemplateDef; raise DefinitionError naming the problem."""
    if not isinstance(data, dict):
        raise DefinitionError(_("Định nghĩa mẫu báo cáo phải là một đối tượng JSON."))
    for key in ("code", "version", "title", "sections"):
        if key not in data:
            raise DefinitionError(_("Thiếu khóa “%(key)s” trong định nghĩa mẫu báo cáo.") % {"key": key})
    if not isinstance(data["version"], int) or data["version"] < 1:
        raise DefinitionError(_("“version” phải là số nguyên dương."))
    seen_codes: dict[str, Field] = {}
    seen_numbers: set[str] = set()
    sections = []
    if not isinstance(data["sections"], list) or not data["sections"]:
        raise DefinitionError(_("“sections” phải là danh sách mục không rỗng."))
    for s_index, raw_section in enumerate(data["sections"], start=1):
        if not isinstance(raw_section, dict) or not raw_section.get("number") or "title" not in raw_section:
            raise DefinitionError(_("Mục thứ %(i)s thiếu “number” hoặc “title”.") % {"i": s_index})
        number = str(raw_section["number"])
        if number in seen_numbers:
            raise DefinitionError(_("Số mục “%(n)s” bị trùng.") % {"n": number})
        seen_numbers.add(number)
        fields = []
        raw_fields = raw_section.get("fields", [])
        if not isinstance(raw_fields, list):
            raise DefinitionError(_("Mục %(n)s: “fields” phải là danh sách trường.") % {"n": number})
        for raw_field in raw_fields:
            where = _("Mục %(n)s, trường “%(c)s”") % {
                "n": number,
                "c": raw_field.get("code", "?") if isinstance(raw_field, dict) else "?",
            }
            if not isinstance(raw_field, dict):
                raise DefinitionError(where + _(": phải là đối tượng."))
            code = str(raw_field.get("code", ""))
            if not CODE_RE.match(code):
                raise DefinitionError(where + _(": mã trường chỉ gồm chữ thường không dấu, số và gạch dưới."))
            if code in seen_codes:
                raise DefinitionError(where + _(": mã trường bị trùng."))
            ftype = raw_field.get("type")
            if ftype not in FIELD_TYPES:
                raise DefinitionError(
                    where + _(": kiểu “%(t)s” không hợp lệ (%(all)s).") % {"t": ftype, "all": ", ".join(FIELD_TYPES)}
                )
            columns: list[Column] = []
            if ftype == "table":
                raw_columns = raw_field.get("columns")
                if not isinstance(raw_columns, list) or not raw_columns:
                    raise DefinitionError(where + _(": bảng cần danh sách cột “columns”."))
                col_codes = set()
                for raw_col in raw_columns:
                    ccode = str(raw_col.get("code", "")) if isinstance(raw_col, dict) else ""
                    cwhere = where + _(", cột “%(c)s”") % {"c": ccode}
                    if not CODE_RE.match(ccode) or ccode in col_codes:
                        raise DefinitionError(cwhere + _(": mã cột không hợp lệ hoặc bị trùng."))
                    col_codes.add(ccode)
                    ctype = raw_col.get("type", "text")
                    if ctype not in COLUMN_TYPES:
                        raise DefinitionError(cwhere + _(": kiểu cột “%(t)s” không hợp lệ.") % {"t": ctype})
                    columns.append(
                        Column(
                            code=ccode,
                            label=str(raw_col.get("label", ccode)),
                            type=ctype,
                            required=bool(raw_col.get("required", False)),
                            options=_options(raw_col.get("options"), cwhere) if ctype == "choice" else (),
                            help=str(raw_col.get("help", "")),
                        )
                    )
            f = Field(
                code=code,
                label=str(raw_field.get("label", code)),
                type=ftype,
                section=number,
                required=bool(raw_field.get("required", False)),
                help=str(raw_field.get("help", "")),
                binding=str(raw_field.get("binding", "")),
                options=_options(raw_field.get("options"), where) if ftype == "choice" else (),
                columns=tuple(columns),
                min_rows=_min_rows(raw_field.get("min_rows", 0), where),
            )
            seen_codes[code] = f
            fields.append(f)
        sections.append(
            Section(
                number=number,
                title=str(raw_section["title"]),
                prompt=str(raw_section.get("prompt", "")),
                fields=tuple(fields),
            )
        )
    raw_rules = data.get("rules", [])
    if not isinstance(raw_rules, list):
        raise DefinitionError(_("“rules” phải là danh sách quy tắc."))
    rules = tuple(_parse_rule(raw, i, seen_codes) for i, raw in enumerate(raw_rules, start=1))
    default_for = data.get("default_for", [])
    if not isinstance(default_for, list) or any(k not in PERIOD_KINDS for k in default_for):
        raise DefinitionError(
            _("“default_for” phải là danh sách kỳ báo cáo trong %(k)s.") % {"k": ", ".join(PERIOD_KINDS)}
        )
    _check_placeholders(data)
    return TemplateDef(
        code=str(data["code"]),
        version=data["version"],
        title=str(data["title"]),
        subtitle=str(data.get("subtitle", "")),
        attached_to=str(data.get("attached_to", "")),
        valid_from=_date(data.get("valid_from"), "valid_from"),
        valid_to=_date(data.get("valid_to"), "valid_to"),
        sections=tuple(sections),
        rules=rules,
        default_for=tuple(default_for),
        fields_by_code=seen_codes,
    )


def _texts(data: dict):
    """(where, text) of every piece of text a definition shows to people."""
    for key in ("title", "subtitle", "attached_to"):
        if data.get(key):
            yield key, str(data[key])
    for s in data.get("sections", []):
        number = s.get("number", "?")
        for key in ("title", "prompt"):
            if s.get(key):
                yield _("mục %(n)s") % {"n": number}, str(s[key])
        for f in s.get("fields", []):
            where = _("mục %(n)s, trường “%(c)s”") % {"n": number, "c": f.get("code", "?")}
            for key in ("label", "help"):
                if f.get(key):
                    yield where, str(f[key])
            for o in f.get("options") or []:
                if isinstance(o, dict) and o.get("label"):
                    yield where, str(o["label"])
            for c in f.get("columns") or []:
                for key in ("label", "help"):
                    if isinstance(c, dict) and c.get(key):
                        yield where, str(c[key])
    for r in data.get("rules", []):
        if isinstance(r, dict) and r.get("message"):
            yield _("quy tắc"), str(r["message"])


def _check_placeholders(data: dict) -> None:
    for where, text in _texts(data):
        for name in PLACEHOLDER_RE.findall(text):
            if name not in PLACEHOLDERS:
                raise DefinitionError(
                    _("%(where)s: không có ô thay thế “{%(name)s}”; dùng một trong %(all)s.")
                    % {"where": where, "name": name, "all": ", ".join("{%s}" % k for k in PLACEHOLDERS)}
                )


def _parse_rule(raw, index: int, fields: dict[str, Field]) -> Rule:
    where = _("Quy tắc thứ %(i)s") % {"i": index}
    if not isinstance(raw, dict) or raw.get("kind") not in RULE_KINDS:
        raise DefinitionError(where + _(": “kind” phải là một trong %(k)s.") % {"k": ", ".join(RULE_KINDS)})
    kind = raw["kind"]

    def need(name: str, numeric=True, table=False) -> str:
        code = raw.get(name)
        f = fields.get(code) if isinstance(code, str) else None
        if f is None:
            raise DefinitionError(where + _(": trường “%(c)s” (%(n)s) không có trong mẫu.") % {"c": code, "n": name})
        if table and f.type != "table":
            raise DefinitionError(where + _(": “%(c)s” phải là bảng.") % {"c": code})
        if numeric and not table and not f.is_numeric:
            raise DefinitionError(where + _(": “%(c)s” phải là trường số.") % {"c": code})
        return code

    params: dict = {}
    if kind == "sum_equals":
        terms = raw.get("terms")
        params = {"target": need("target"), "terms": list(terms) if isinstance(terms, list) else []}
        if not params["terms"]:
            raise DefinitionError(where + _(": cần danh sách “terms”."))
        for term in params["terms"]:
            if not isinstance(term, str) or term not in fields or not fields[term].is_numeric:
                raise DefinitionError(where + _(": “%(c)s” phải là trường số có trong mẫu.") % {"c": term})
    elif kind == "table_sum_equals":
        params = {"target": need("target"), "table": need("table", table=True), "column": raw.get("column")}
        column = fields[params["table"]].column(params["column"] or "")
        if column is None or column.type not in NUMERIC_TYPES:
            raise DefinitionError(where + _(": cột “%(c)s” phải là cột số của bảng.") % {"c": params["column"]})
    elif kind == "less_or_equal":
        params = {"left": need("left"), "right": need("right")}
    elif kind == "required_if":
        params = {
            "field": need("field", numeric=False),
            "when": need("when", numeric=False),
            "equals": raw.get("equals"),
        }
    elif kind == "range":
        params = {"field": need("field"), "min": raw.get("min"), "max": raw.get("max")}
    return Rule(kind=kind, params=params, message=str(raw.get("message", "")))


# --- values ---------------------------------------------------------------------------------------

_NUMBER_CLEAN = re.compile(r"[\s\u00a0]")


def coerce(ftype: str, raw: Any, options: tuple[Option, ...] = ()) -> tuple[Any, str | None]:
    """A typed value from user input (str from a form, or a cell value from Excel).

    Returns (value, None) or (None, Vietnamese error). Empty input gives (None, None).
    Numbers accept Vietnamese grouping ("1.234.567") and a decimal comma for percentages.
    """
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None, None
    if ftype == "text":
        text = str(raw).strip()
        if len(text) > MAX_TEXT:
            return None, _("Nội dung quá dài (tối đa %(n)s ký tự).") % {"n": MAX_TEXT}
        return text, None
    if ftype in ("integer", "money"):
        if isinstance(raw, bool):
            return None, _("Phải là số nguyên.")
        if isinstance(raw, int):
            value = raw
        elif isinstance(raw, float):
            if raw != raw or raw in (float("inf"), float("-inf")) or raw != int(raw):
                return None, _("Phải là số nguyên, không có phần thập phân.")
            value = int(raw)
        else:
            text = _NUMBER_CLEAN.sub("", str(raw)).replace(".", "")
            if text.startswith("+"):
                text = text[1:]
            if "," in text or not re.fullmatch(r"-?\d{1,18}", text):
                return None, _("“%(v)s” không phải là số nguyên (ví dụ 1.250.000).") % {"v": str(raw)[:30]}
            value = int(text)
        if value < 0:
            return None, _("Không được là số âm.")
        if value > MAX_INTEGER:
            return None, _("Số quá lớn (tối đa 18 chữ số).")
        return value, None
    if ftype == "percent":
        if isinstance(raw, (int, float)) and not isinstance(raw, bool):
            number = Decimal(str(raw))
        else:
            text = _NUMBER_CLEAN.sub("", str(raw)).rstrip("%")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            try:
                number = Decimal(text)
            except InvalidOperation:
                return None, _("“%(v)s” không phải là tỉ lệ phần trăm (ví dụ 12,5).") % {"v": str(raw)[:30]}
        if not number.is_finite() or number < 0 or number > 1000:
            return None, _("Tỉ lệ phần trăm phải từ 0 đến 1000.")
        return format(number.normalize(), "f"), None
    if ftype == "date":
        if isinstance(raw, dt.datetime):
            return raw.date().isoformat(), None
        if isinstance(raw, dt.date):
            return raw.isoformat(), None
        try:
            return parse_date(str(raw)).isoformat(), None
        except DateParseError as exc:
            return None, str(exc)
    if ftype == "choice":
        text = str(raw).strip()
        for option in options:
            if text == option.value or text.casefold() == option.label.casefold():
                return option.value, None
        return None, _("“%(v)s” không nằm trong các lựa chọn: %(opts)s.") % {
            "v": text[:40],
            "opts": "; ".join(o.label for o in options),
        }
    raise ValueError(ftype)


def numeric(value) -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    number = Decimal(str(value))
    if not number.is_finite():
        raise InvalidOperation(str(value))
    return number


def display(ftype: str, value, options: tuple[Option, ...] = ()) -> str:
    """A stored value as people read it: 1.234.567; 12,5 %; 31/12/2018; the option label."""
    if value in (None, ""):
        return ""
    if ftype in ("integer", "money"):
        return format_number(int(value))
    if ftype == "percent":
        return str(value).replace(".", ",") + " %"
    if ftype == "date":
        return format_date(dt.date.fromisoformat(value))
    if ftype == "choice":
        return next((o.label for o in options if o.value == value), str(value))
    return str(value)


# --- validation -----------------------------------------------------------------------------------


def check_values(template: TemplateDef, data: dict) -> list[Issue]:
    """Type checks of stored data (used after imports and before submitting)."""
    issues: list[Issue] = []
    for f in template.fields:
        value = data.get(f.code)
        if f.type == "table":
            if value is None:
                continue
            if not isinstance(value, list) or len(value) > MAX_ROWS:
                issues.append(Issue(f.code, _("Bảng không hợp lệ."), f.section))
                continue
            for i, row in enumerate(value, start=1):
                for c in f.columns:
                    cell = row.get(c.code) if isinstance(row, dict) else None
                    if cell in (None, ""):
                        continue
                    _v, err = coerce(c.type, cell, c.options)
                    if err:
                        issues.append(Issue(f.code, err, f.section, row=i, column=c.code))
        elif value not in (None, ""):
            _v, err = coerce(f.type, value, f.options)
            if err:
                issues.append(Issue(f.code, err, f.section))
    return issues


def _empty(value) -> bool:
    if isinstance(value, str):
        return not value.strip()
    return value is None or (
        isinstance(value, list)
        and not any(any(v not in (None, "") for v in row.values()) for row in value if isinstance(row, dict))
    )


def validate(template: TemplateDef, data: dict) -> list[Issue]:
    """Everything that must hold before a submission can be submitted: types, required fields,
    required table cells, minimum rows, and the template's rules."""
    issues = check_values(template, data)
    for f in template.fields:
        value = data.get(f.code)
        if f.required and _empty(value):
            issues.append(Issue(f.code, _("“%(label)s” là bắt buộc.") % {"label": f.label}, f.section))
        if f.type == "table" and isinstance(value, list):
            rows = [r for r in value if isinstance(r, dict) and any(v not in (None, "") for v in r.values())]
            if len(rows) < f.min_rows:
                issues.append(Issue(f.code, _("Bảng cần ít nhất %(n)s dòng.") % {"n": f.min_rows}, f.section))
            for i, row in enumerate(value, start=1):
                if not isinstance(row, dict) or not any(v not in (None, "") for v in row.values()):
                    continue
                for c in f.columns:
                    if c.required and row.get(c.code) in (None, ""):
                        issues.append(
                            Issue(
                                f.code, _("Cột “%(c)s” là bắt buộc.") % {"c": c.label}, f.section, row=i, column=c.code
                            )
                        )
    for rule in template.rules:
        issue = _apply_rule(template, rule, data)
        if issue:
            issues.append(issue)
    return issues


def _apply_rule(template: TemplateDef, rule: Rule, data: dict) -> Issue | None:
    p = rule.params
    label = lambda code: template.field(code).label  # noqa: E731
    try:
        if rule.kind == "sum_equals":
            if all(data.get(t) in (None, "") for t in p["terms"]) and data.get(p["target"]) in (None, ""):
                return None
            total = sum((numeric(data.get(t)) for t in p["terms"]), Decimal(0))
            if numeric(data.get(p["target"])) != total:
                msg = rule.message or _("“%(t)s” (%(v)s) phải bằng tổng các mục thành phần (%(s)s).") % {
                    "t": label(p["target"]),
                    "v": display(template.field(p["target"]).type, data.get(p["target"]) or 0),
                    "s": display(
                        template.field(p["target"]).type, int(total) if total == total.to_integral() else total
                    ),
                }
                return Issue(p["target"], msg, template.section_of(p["target"]))
        elif rule.kind == "table_sum_equals":
            rows = data.get(p["table"]) or []
            total = sum((numeric(r.get(p["column"])) for r in rows if isinstance(r, dict)), Decimal(0))
            if not rows and data.get(p["target"]) in (None, ""):
                return None
            if numeric(data.get(p["target"])) != total:
                column = template.field(p["table"]).column(p["column"])
                msg = rule.message or _("“%(t)s” phải bằng tổng cột “%(c)s” của bảng “%(b)s” (%(s)s).") % {
                    "t": label(p["target"]),
                    "c": column.label,
                    "b": label(p["table"]),
                    "s": display("integer", int(total)),
                }
                return Issue(p["target"], msg, template.section_of(p["target"]))
        elif rule.kind == "less_or_equal":
            left, right = data.get(p["left"]), data.get(p["right"])
            if left not in (None, "") and right not in (None, "") and numeric(left) > numeric(right):
                msg = rule.message or _("“%(l)s” không được lớn hơn “%(r)s”.") % {
                    "l": label(p["left"]),
                    "r": label(p["right"]),
                }
                return Issue(p["left"], msg, template.section_of(p["left"]))
        elif rule.kind == "required_if":
            if data.get(p["when"]) == p["equals"] and _empty(data.get(p["field"])):
                msg = rule.message or _("“%(f)s” là bắt buộc khi “%(w)s” là “%(e)s”.") % {
                    "f": label(p["field"]),
                    "w": label(p["when"]),
                    "e": display(template.field(p["when"]).type, p["equals"], template.field(p["when"]).options),
                }
                return Issue(p["field"], msg, template.section_of(p["field"]))
        elif rule.kind == "range":
            value = data.get(p["field"])
            if value not in (None, ""):
                number = numeric(value)
                if (p["min"] is not None and number < Decimal(str(p["min"]))) or (
                    p["max"] is not None and number > Decimal(str(p["max"]))
                ):
                    msg = rule.message or _("“%(f)s” phải trong khoảng %(a)s – %(b)s.") % {
                        "f": label(p["field"]),
                        "a": p["min"],
                        "b": p["max"],
                    }
                    return Issue(p["field"], msg, template.section_of(p["field"]))
    except (InvalidOperation, TypeError, ValueError, OverflowError):
        return Issue(
            rule.params.get("target") or rule.params.get("field") or "",
            _("Không kiểm tra được quy tắc: giá trị không hợp lệ."),
        )
    return None
