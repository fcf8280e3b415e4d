"""Report values sent as JSON through the API, checked against the template exactly as the web form
and the Excel upload are (ocop/reporting/schema.coerce per field and table cell): all values or
none. Saving and submitting go through ocop/reporting/services/submissions.py (source "api")."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ocop.reporting import schema


def _scalar_error(value) -> str | None:
    if isinstance(value, (dict, list)):
        return _("Phải là một giá trị đơn (số, chuỗi hoặc null), không phải đối tượng hay danh sách.")
    return None


def coerce_values(template: schema.TemplateDef, raw: dict) -> tuple[dict, list[schema.Issue]]:
    """(typed values, issues) from {field code: JSON value}. Unknown fields and columns are issues."""
    values: dict = {}
    issues: list[schema.Issue] = []
    for code, value in raw.items():
        f = template.field(code)
        if f is None:
            issues.append(schema.Issue(code, _("Mẫu báo cáo không có trường “%(c)s”.") % {"c": code[:64]}))
            continue
        if f.type != "table":
            err = _scalar_error(value)
            typed, err = (None, err) if err else schema.coerce(f.type, value, f.options)
            if err:
                issues.append(schema.Issue(code, err, f.section))
            else:
                values[code] = typed
            continue
        if value is None:
            values[code] = []
            continue
        if not isinstance(value, list):
            issues.append(
                schema.Issue(code, _("Bảng phải là danh sách các dòng, mỗi dòng là {mã cột: giá trị}."), f.section)
            )
            continue
        if len(value) > schema.MAX_ROWS:
            issues.append(schema.Issue(code, _("Bảng tối đa %(n)s dòng.") % {"n": schema.MAX_ROWS}, f.section))
            continue
        rows = []
        for index, row in enumerate(value, start=1):
            if not isinstance(row, dict):
                issues.append(
                    schema.Issue(code, _("Mỗi dòng phải là một đối tượng {mã cột: giá trị}."), f.section, row=index)
                )
                continue
            known = {c.code for c in f.columns}
            for key in row:
                if key not in known:
                    issues.append(
                        schema.Issue(
                            code,
                            _("Bảng không có cột “%(c)s”.") % {"c": str(key)[:64]},
                            f.section,
                            row=index,
                            column=str(key)[:64],
                        )
                    )
            typed_row = {}
            for c in f.columns:
                cell = row.get(c.code)
                err = _scalar_error(cell)
                typed, err = (None, err) if err else schema.coerce(c.type, cell, c.options)
                if err:
                    issues.append(schema.Issue(code, err, f.section, row=index, column=c.code))
                typed_row[c.code] = typed
            if any(v not in (None, "") for v in typed_row.values()):
                rows.append(typed_row)
        values[code] = rows
    return values, issues


def issue_dicts(issues) -> list[dict]:
    return [
        {"field": i.field, "message": i.message, "section": i.section, "row": i.row, "column": i.column} for i in issues
    ]
