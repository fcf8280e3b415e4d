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
                        row_issues.append(
                            schema.Issue(
                                f.code,
                                error,
                                f.section,
                                row=len(rows) + 1,
                                column=c.code,
                                raw=str(raw)[: schema.MAX_TEXT],
                            )
                        )
                    row[c.code] = value
                if any(v not in (None, "") for v in row.values()) or row_issues:
                    rows.append(row)
                    issues.extend(row_issues)
            values[f.code] = rows
        elif scalar_name(f.code) in post:
            value, error = schema.coerce(f.type, post.get(scalar_name(f.code)), f.options)
            if error:
                issues.append(
                    schema.Issue(f.code, error, f.section, raw=str(post.get(scalar_name(f.code)))[: schema.MAX_TEXT])
                )
            else:
                values[f.code] = value
    return values, reasons, issues


# --- typed text that is not a valid value yet: kept, shown with its error, never dropped ---------


def invalid_key(issue: schema.Issue) -> str:
    return f"{issue.field}.{issue.row}.{issue.column}" if issue.row else issue.field


def posted_and_invalid(
    template: schema.TemplateDef, post, issues: list[schema.Issue]
) -> tuple[set[str], dict[str, str]]:
    """The fields present in the POST (their earlier invalid text is replaced) and the invalid text
    typed now, by key (field code, or "code.row.column" for a table cell)."""
    posted = {f.code for f in template.fields if scalar_name(f.code) in post or rows_name(f.code) in post}
    return posted, {invalid_key(i): i.raw for i in issues if i.raw}


@dataclass
class PostedDraft:
    """What a posted report form says: the values and reasons to save, the problems of the typed
    text (kept on the draft as `invalid`), the fields present, and the lock version the form was
    opened at (0 when missing: such a form is refused as a conflict, never overwrites newer work)."""

    values: dict
    reasons: dict
    issues: list[schema.Issue]
    posted: set[str]
    invalid: dict[str, str]
    expected_version: int


def read_draft(template: schema.TemplateDef, post) -> PostedDraft:
    """The posted form read once, for the save and the autosave alike."""
    values, reasons, issues = parse_post(template, post)
    posted, invalid = posted_and_invalid(template, post, issues)
    version = str(post.get("lock_version", "")).strip()
    expected = int(version) if version.isascii() and version.isdigit() and len(version) < 10 else 0
    return PostedDraft(values, reasons, issues, posted, invalid, expected)


def stored_issues(template: schema.TemplateDef, invalid: dict) -> list[schema.Issue]:
    """The issues of the invalid text kept on a draft (the message is computed again, so that it
    follows the language and the rules of today)."""
    issues = []
    for key, raw in (invalid or {}).items():
        code, _sep, rest = key.partition(".")
        f = template.field(code)
        if f is None:
            continue
        if rest:
            row_text, _sep, column = rest.partition(".")
            c = f.column(column)
            if c is None or not row_text.isdigit():
                continue
            _value, error = schema.coerce(c.type, raw, c.options)
            if error:
                issues.append(schema.Issue(code, error, f.section, row=int(row_text), column=column, raw=raw))
        else:
            _value, error = schema.coerce(f.type, raw, f.options)
            if error:
                issues.append(schema.Issue(code, error, f.section, raw=raw))
    return issues


@dataclass
class IssueLink:
    href: str
    where: str
    message: str


def issue_links(template: schema.TemplateDef, issues: list[schema.Issue]) -> list[IssueLink]:
    """Every issue as one line of the summary at the top of the form, linking to its field."""
    links = []
    seen = set()
    for i in issues:
        key = (i.field, i.row, i.column, i.message)
        if key in seen:
            continue
        seen.add(key)
        f = template.field(i.field)
        label = f.label if f else i.field
        if i.row and f is not None:
            c = f.column(i.column)
            label = _("%(f)s, dòng %(r)s, cột “%(c)s”") % {"f": label, "r": i.row, "c": c.label if c else i.column}
        links.append(
            IssueLink(
                href=f"#field-{i.field}", where=f"{i.section} · {label}" if i.section else label, message=i.message
            )
        )
    return links


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
        return {"integer": "numeric", "money": "numeric", "percent": "decimal", "date": "numeric"}.get(
            self.field.type, "text"
        )


@dataclass
class SectionView:
    section: schema.Section
    fields: list[FieldView]
    comments: list = field(default_factory=list)
    has_errors: bool = False
    # the section as HTML (formhtml.sections_html): its card's opening, its fields, its end
    head_html: str = ""
    fields_html: str = ""
    tail_html: str = ""


def build_view(
    template: schema.TemplateDef,
    data: dict,
    *,
    prefilled: dict | None = None,
    overrides: dict | None = None,
    issues: list[schema.Issue] | None = None,
    comments=None,
    raw_post=None,
    invalid: dict | None = None,
    sources: dict | None = None,
) -> list[SectionView]:
    """`invalid`: text kept on the draft that is not a valid value yet (shown in its input with its
    error); `sources`: the note saying where each pre-filled value came from."""
    from ocop.reporting.bindings import BINDINGS

    prefilled = prefilled or {}
    overrides = overrides or {}
    invalid = invalid or {}
    sources = sources or {}
    by_field: dict[str, list[schema.Issue]] = {}
    seen = set()
    for issue in list(issues or []) + (stored_issues(template, invalid) if raw_post is None else []):
        key = (issue.field, issue.row, issue.column, issue.message)
        if key not in seen:
            seen.add(key)
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
                v.binding_note = sources.get(f.code) or (str(binding.description) if binding else "")
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
                        {c.code: raw_post.get(cell_name(f.code, i, c.code), "") for c in f.columns}
                        for i in range(count)
                    ]
                    typed = [r for r in typed if any(x.strip() for x in r.values())]
                    cells = [[(c, row.get(c.code, "")) for c in f.columns] for row in typed]
                else:
                    cells = [
                        [
                            (c, invalid.get(f"{f.code}.{r}.{c.code}", input_text(c.type, row.get(c.code))))
                            for c in f.columns
                        ]
                        for r, row in enumerate(value or [], start=1)
                    ]
                cells += [[(c, "") for c in f.columns] for _i in range(EMPTY_TABLE_ROWS)]
                v.rows = [
                    [{"column": c, "name": cell_name(f.code, r_index, c.code), "value": text} for c, text in row]
                    for r_index, row in enumerate(cells)
                ]
            else:
                v.value = invalid.get(f.code, input_text(f.type, value))
                if raw_post is not None and scalar_name(f.code) in raw_post:
                    v.value = raw_post.get(scalar_name(f.code))  # keep exactly what was typed
                v.display = schema.display(f.type, value, f.options)
            views.append(v)
        sections.append(
            SectionView(
                section=s,
                fields=views,
                comments=comments_by_section.get(s.number, []),
                has_errors=any(v.errors for v in views),
            )
        )
    return sections


def table_or_value(f: schema.Field, value) -> str:
    if f.type == "table":
        return _("%(n)s dòng") % {"n": len(value or [])}
    return schema.display(f.type, value, f.options)
