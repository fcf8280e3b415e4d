"""The report form in the browser: field names, reading a POST into typed values, and the view model
the template renders (sections, fields, table rows, errors, pre-filled values, reasons)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ocop.reporting import schema

EMPTY_TABLE_ROWS = 3  # blank rows offered under a table (more can be added)
MAX_TABLE_ROWS = schema.MAX_ROWS


def scalar_name(code: str) -> str:
    return f"f__{code}"


def cell_name(code: str, row: int, column: str) -> str:
    return f"t__{code}__{row}__{column}"


def rows_name(code: str) -> str:
    return f"t__{code}__rows"


def reason_name(code: str) -> str:
    return f"reason__{code}"


def parse_post(template: schema.TemplateDef, post) -> tuple[dict, dict, list[schema.Issue]]:
    """(values, reasons, issues) from a submitted form. Only fields present in the POST are returned,
    so a partial autosave never blanks other fields."""
    values: dict = {}
    reasons: dict = {}
    issues: list[schema.Issue] = []
    for f in template.fields:
        if reason_name(f.code) in post:
            reasons[f.code] = post.get(reason_name(f.code), "")
        if f.type == "table":
            if rows_name(f.code) not in post:
                continue
            try:
                count = min(int(post.get(rows_name(f.code), "0")), MAX_TABLE_ROWS)
            except ValueError:
                count = 0
            rows = []
            for i in range(count):
                row, row_issues = {}, []
                for c in f.columns:
                    raw = post.get(cell_name(f.code, i, c.code), "")
                    value, error = schema.coerce(c.type, raw, c.options)
                    if error:
                        row_issues.append(schema.Issue(f.code, error, f.section, row=len(rows) + 1, column=c.code))
                    row[c.code] = value
                if any(v not in (None, "") for v in row.values()) or row_issues:
                    rows.append(row)
                    issues.extend(row_issues)
            values[f.code] = rows
        elif scalar_name(f.code) in post:
            value, error = schema.coerce(f.type, post.get(scalar_name(f.code)), f.options)
            if error:
                issues.append(schema.Issue(f.code, error, f.section))
            else:
                values[f.code] = value
    return values, reasons, issues


def input_text(ftype: str, value) -> str:
    """A stored value as typed in an input: 1.234.567 / 12,5 / 31/12/2018."""
    if value in (None, ""):
        return ""
    if ftype == "percent":
        return str(value).replace(".", ",")
    if ftype == "choice":
        return str(value)
    return schema.display(ftype, value)


@dataclass
class FieldView:
    field: schema.Field
    name: str
    value: str = ""
    raw_value: object = None
    errors: list[str] = field(default_factory=list)
    prefilled: str | None = None  # display of the pre-filled value, when bound
    binding_note: str = ""
    reason: str = ""
    changed: bool = False
    rows: list[list[dict]] = field(default_factory=list)  # tables: rows of cells
    row_errors: list[str] = field(default_factory=list)
    display: str = ""  # read-only text

    @property
    def input_type(self) -> str:
        return {"integer": "text", "money": "text", "percent": "text", "date": "text"}.get(self.field.type, "text")

    @property
    def inputmode(self) -> str:
        return {"integer": "numeric", "money": "numeric", "percent": "decimal", "date": "numeric"}.get(self.field.type, "text")


@dataclass
class SectionView:
    section: schema.Section
    fields: list[FieldView]
    comments: list = field(default_factory=list)
    has_errors: bool = False


def build_view(template: schema.TemplateDef, data: dict, *, prefilled: dict | None = None, overrides: dict | None = None,
               issues: list[schema.Issue] | None = None, comments=None, raw_post=None) -> list[SectionView]:
    from ocop.reporting.bindings import BINDINGS

    prefilled = prefilled or {}
    overrides = overrides or {}
    by_field: dict[str, list[schema.Issue]] = {}
    for issue in issues or []:
        by_field.setdefault(issue.field, []).append(issue)
    comments_by_section: dict[str, list] = {}
    for c in comments or []:
        comments_by_section.setdefault(c.section, []).append(c)
    sections = []
    for s in template.sections:
        views = []
        for f in s.fields:
            value = data.get(f.code)
            v = FieldView(field=f, name=scalar_name(f.code), raw_value=value)
            v.errors = [
                _("Dòng %(r)s, cột “%(c)s”: %(m)s")
                % {"r": i.row, "c": (f.column(i.column).label if f.column(i.column) else i.column), "m": i.message}
                if i.row
                else i.message
                for i in by_field.get(f.code, [])
            ]
            if f.binding:
                binding = BINDINGS.get(f.binding)
                v.binding_note = str(binding.description) if binding else ""
                if f.code in prefilled:
                    v.prefilled = table_or_value(f, prefilled.get(f.code))
                    v.changed = prefilled.get(f.code) != value
            v.reason = overrides.get(f.code, "")
            if raw_post is not None and reason_name(f.code) in raw_post:
                v.reason = raw_post.get(reason_name(f.code))
            if f.type == "table":
                if raw_post is not None and rows_name(f.code) in raw_post:  # keep exactly what was typed
                    try:
                        count = min(int(raw_post.get(rows_name(f.code), "0")), MAX_TABLE_ROWS)
                    except ValueError:
                        count = 0
                    typed = [
                        {c.code: raw_post.get(cell_name(f.code, i, c.code), "") for c in f.columns} for i in range(count)
                    ]
                    typed = [r for r in typed if any(x.strip() for x in r.values())]
                    cells = [[(c, row.get(c.code, "")) for c in f.columns] for row in typed]
                else:
                    cells = [[(c, input_text(c.type, row.get(c.code))) for c in f.columns] for row in (value or [])]
                cells += [[(c, "") for c in f.columns] for _i in range(EMPTY_TABLE_ROWS)]
                v.rows = [
                    [{"column": c, "name": cell_name(f.code, r_index, c.code), "value": text} for c, text in row]
                    for r_index, row in enumerate(cells)
                ]
            else:
                v.value = input_text(f.type, value)
                if raw_post is not None and scalar_name(f.code) in raw_post:
                    v.value = raw_post.get(scalar_name(f.code))  # keep exactly what was typed
                v.display = schema.display(f.type, value, f.options)
            views.append(v)
        sections.append(
            SectionView(section=s, fields=views, comments=comments_by_section.get(s.number, []),
                        has_errors=any(v.errors for v in views))
        )
    return sections


def table_or_value(f: schema.Field, value) -> str:
    if f.type == "table":
        return _("%(n)s dòng") % {"n": len(value or [])}
    return schema.display(f.type, value, f.options)
