"""The report form's fields as HTML, written in Python instead of one `{% include %}` per field.

Issue 17 (goal 3): the submission form and the review page rendered `reporting/_field.html` once per
field (≈ 50 fields, each with ≈ 30 template tags, tables with a tag per cell and option): template
rendering was ≈ 75 % of the page. The HTML is the same as the include wrote. The parts that depend
only on the template version and the language (labels, help, table headers, option labels) are
escaped once and kept per parsed template (`layout`); per request only values, errors, pre-filled
figures and reasons are written. Every piece of text is escaped (`escape`), as the template did.
"""

from __future__ import annotations

import threading
from html import escape as _escape
from collections import OrderedDict
from dataclasses import dataclass

from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from ocop.reporting import formdata, schema

_LAYOUT_SIZE = 64


def escape(value) -> str:
    """Django's `escape` (the same five characters, the same entities: it calls html.escape) without
    its lazy-string wrapper and SafeString, which cost more than the escaping on a 50-field form."""
    return _escape(str(value))


@dataclass(frozen=True)
class _FieldLayout:
    code: str  # escaped
    label: str  # escaped, with the required mark
    head_editable: str  # the table's <thead> (tables)
    head_readonly: str
    options: tuple  # (value, escaped value, escaped label) of a choice field
    columns: tuple  # per column: (column, escaped label, options as above)
    help: str  # the help paragraph, or ""


_layouts: OrderedDict = OrderedDict()
_lock = threading.Lock()


def _options(options) -> tuple:
    return tuple((o.value, escape(o.value), escape(o.label)) for o in options)


def layout(template: schema.TemplateDef) -> dict[str, _FieldLayout]:
    """The escaped, language-dependent static parts of every field, per parsed template and language.
    A parsed template is immutable and kept per process (ReportTemplate.parsed), so the object
    itself is the key (kept referenced, so its id cannot be reused while cached)."""
    key = (id(template), get_language() or "")
    with _lock:
        hit = _layouts.get(key)
        if hit is not None and hit[0] is template:
            _layouts.move_to_end(key)
            return hit[1]
    req = ' <span class="req" aria-hidden="true">*</span>'
    built = {}
    for s in template.sections:
        for f in s.fields:
            label = escape(f.label) + (req if f.required else "")
            columns = tuple((c, escape(c.label), _options(c.options)) for c in f.columns)
            head_editable = head_readonly = ""
            if f.type == "table":
                head_editable = (
                    '<thead><tr><th scope="col">#</th>'
                    + "".join(f'<th scope="col">{lab}{" *" if c.required else ""}</th>' for c, lab, _o in columns)
                    + "</tr></thead>"
                )
                head_readonly = (
                    "<thead><tr>" + "".join(f'<th scope="col">{lab}</th>' for _c, lab, _o in columns) + "</tr></thead>"
                )
            built[f.code] = _FieldLayout(
                code=escape(f.code),
                label=label,
                head_editable=head_editable,
                head_readonly=head_readonly,
                options=_options(f.options),
                columns=columns,
                help=f'<p class="help">{escape(f.help)}</p>' if f.help else "",
            )
    with _lock:
        _layouts[key] = (template, built)
        while len(_layouts) > _LAYOUT_SIZE:
            _layouts.popitem(last=False)
    return built


def _select_options(options: tuple, value) -> str:
    return "".join(f'<option value="{ev}" {"selected" if v == value else ""}>{el}</option>' for v, ev, el in options)


def field_html(fv: formdata.FieldView, lay: _FieldLayout, editable: bool) -> str:
    f = fv.field
    code = lay.code
    name = escape(fv.name)
    out = [f'<div class="field rfield{" has-error" if fv.errors else ""}" id="field-{code}" data-field="{code}">']
    if f.type == "table":
        out.append(f'<p class="label"><strong>{lay.label}</strong></p>')
    else:
        out.append(f'<label for="id_{name}">{lay.label}</label>')
    if fv.binding_note:
        note = escape(fv.binding_note)
        if fv.prefilled is not None:
            note += (
                f' — {escape(_("giá trị từ sổ"))}: <strong data-testid="prefilled-{code}">'
                f"{escape(fv.prefilled)}</strong>"
            )
        out.append(f'<p class="help binding">{note}</p>')
    out.append(lay.help)
    if editable:
        if f.type == "table":
            out.append(
                f'<div class="table-scroll"><table class="table compact input-table" aria-label="{escape(f.label)}" '
                f'data-rows-input="rows-{code}">{lay.head_editable}<tbody>'
            )
            for number, row in enumerate(fv.rows, start=1):
                out.append(f"<tr><td>{number}</td>")
                for cell, (column, clabel, options) in zip(row, lay.columns):
                    aria = f'aria-label="{clabel} {number}"'
                    if column.type == "choice":
                        out.append(
                            f'<td><select name="{escape(cell["name"])}" {aria}><option value=""></option>'
                            f"{_select_options(options, cell['value'])}</select></td>"
                        )
                    else:
                        extra = ""
                        if column.type == "date":
                            extra = ' placeholder="dd/mm/yyyy" inputmode="numeric" size="10"'
                        elif column.type in schema.NUMERIC_TYPES:
                            extra = ' inputmode="numeric" size="12" class="num"'
                        out.append(
                            f'<td><input name="{escape(cell["name"])}" value="{escape(cell["value"])}" {aria}{extra}></td>'
                        )
                out.append("</tr>")
            out.append(
                f'</tbody></table></div><input type="hidden" name="t__{code}__rows" id="rows-{code}" value="{len(fv.rows)}">'
                f'<p class="help"><button type="button" class="btn add-row" data-table-for="rows-{code}" '
                f'data-testid="add-row-{code}" hidden>{escape(_("Thêm dòng"))}</button> {escape(_("Dòng trống được bỏ qua."))} '
                f'<span class="no-js-only">{escape(_("Lưu nháp để có thêm dòng trống."))}</span></p>'
            )
        elif f.type == "text":
            out.append(f'<textarea id="id_{name}" name="{name}" rows="5">{escape(fv.value)}</textarea>')
        elif f.type == "choice":
            out.append(
                f'<select id="id_{name}" name="{name}"><option value="">—</option>'
                f"{_select_options(lay.options, fv.value)}</select>"
            )
        else:
            placeholder = ' placeholder="dd/mm/yyyy"' if f.type == "date" else ""
            out.append(
                f'<input id="id_{name}" name="{name}" value="{escape(fv.value)}" inputmode="{fv.inputmode}"'
                f'{placeholder} class="{"num" if f.is_numeric else ""}">'
            )
        if f.binding:
            out.append(
                f'<label class="reason">{escape(_("Lý do sửa số liệu lấy từ sổ (nếu có)"))} '
                f'<input name="reason__{code}" value="{escape(fv.reason)}" data-testid="reason-{code}"></label>'
            )
    else:
        if f.type == "table":
            out.append(f'<div class="table-scroll"><table class="table compact">{lay.head_readonly}<tbody>')
            for row in fv.rows:
                if not (row and (row[0]["value"] or (len(row) > 1 and row[1]["value"]))):
                    continue
                out.append("<tr>")
                for cell, (column, _clabel, options) in zip(row, lay.columns):
                    if column.type == "choice":
                        text = "".join(el for v, _ev, el in options if v == cell["value"])
                    else:
                        text = escape(cell["value"])
                    out.append(f"<td>{text}</td>")
                out.append("</tr>")
            out.append("</tbody></table></div>")
        else:
            shown = _linebreaksbr(fv.display) or "—"
            out.append(f'<div class="value" data-testid="value-{code}">{shown}</div>')
        if fv.reason:
            out.append(f'<p class="help">{escape(_("Lý do sửa số liệu lấy từ sổ"))}: {escape(fv.reason)}</p>')
    for e in fv.errors:
        out.append(f'<p class="error" role="alert">{escape(e)}</p>')
    out.append("</div>")
    return "\n".join(x for x in out if x)


def _linebreaksbr(value) -> str:
    """Django's `linebreaksbr` filter on an autoescaped value."""
    text = str(value or "")
    return escape(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


def sections_html(
    template: schema.TemplateDef, sections: list[formdata.SectionView], editable: bool, can_review: bool = False
) -> None:
    """Sets each section's `head_html` (its card's opening, heading and prompt), `fields_html` (its
    fields as the form, or as read-only values) and `tail_html` (the reviewer's comment box when
    `can_review`, and the card's end); the template adds the review comments between head and fields."""
    lay = layout(template)
    review_label = escape(_("Nhận xét cho mục")) if can_review else ""
    for s in sections:
        sec = s.section
        number = escape(sec.number)
        prompt = f'\n<p class="prompt">{escape(sec.prompt)}</p>' if sec.prompt else ""
        s.head_html = mark_safe(
            f'<section class="card rsection depth-{sec.depth}{" has-error" if s.has_errors else ""}" id="section-{number}" '
            f'aria-labelledby="h-{number}">\n<h2 id="h-{number}"><span class="secnum">{number}</span> {escape(sec.title)}</h2>'
            f"{prompt}"
        )
        s.fields_html = mark_safe("\n".join(field_html(fv, lay[fv.field.code], editable) for fv in s.fields))
        review = ""
        if can_review:
            review = (
                f'<label class="review-box">{review_label} {number} <textarea name="comment__{number}" form="review-form" '
                f'rows="2" data-testid="review-{number}"></textarea></label>\n'
            )
        s.tail_html = mark_safe(review + "</section>")
