"""Template text that follows its period.

A template's text may name the period through placeholders ({nam}, {nam_sau}, {tu_ngay},
{ngay_chot}, {han_nop}, {ngay_han}, {so_van_ban}, {ngay_van_ban}: ocop/reporting/schema.py
PLACEHOLDERS), filled in for each request: the 2026 annual request's form says "KẾT QUẢ THỰC HIỆN
TRONG NĂM 2026" from the same template that will say 2027 next year. Values are plain text;
templates escape them when they render (and only known names are replaced: nothing else in the
text is interpreted).

`year_warnings` lists the places where a template's fixed text names a year (outside the citation
of a legal instrument, "số 09/2019/NĐ-CP ngày 24/01/2019"): shown when a template is loaded or
edited, so that an administrator writes {nam} instead of "2026".
"""

from __future__ import annotations

import dataclasses
import re
import threading
from collections import OrderedDict

from django.utils.translation import gettext as _

from ocop.reporting import periods
from ocop.reporting.schema import PLACEHOLDER_RE, TemplateDef, _texts

MISSING = "…"  # a value the request does not have yet (e.g. the letter's number before it is issued)


def period_values(req) -> dict[str, str]:
    """The placeholders' values for a request (ReportRequest or anything with the same attributes)."""
    year = req.cutoff.year
    return {
        "nam": str(year),
        "nam_sau": str(year + 1),
        "nam_truoc": str(year - 1),
        "tu_ngay": periods.format_date(req.period_start) if req.period_start else MISSING,
        "ngay_chot": periods.format_date(req.cutoff),
        "han_nop": periods.deadline_wording(req.deadline_rule, req.deadline),
        "ngay_han": periods.format_date(req.deadline),
        "so_van_ban": req.document_number or MISSING,
        "ngay_van_ban": periods.format_date(req.issued_on) if req.issued_on else MISSING,
    }


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with every known {placeholder} replaced; anything else is left as written."""
    if not text or "{" not in text:
        return text
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def render(template: TemplateDef, values: dict[str, str]) -> TemplateDef:
    """A copy of `template` with its text filled in (codes, types and rules unchanged)."""

    def f(text):
        return fill(text, values)

    def options(opts):
        return tuple(dataclasses.replace(o, label=f(o.label)) for o in opts)

    sections = []
    fields_by_code = {}
    for s in template.sections:
        new_fields = []
        for fld in s.fields:
            columns = tuple(
                dataclasses.replace(c, label=f(c.label), help=f(c.help), options=options(c.options))
                for c in fld.columns
            )
            new = dataclasses.replace(
                fld, label=f(fld.label), help=f(fld.help), options=options(fld.options), columns=columns
            )
            new_fields.append(new)
            fields_by_code[new.code] = new
        sections.append(dataclasses.replace(s, title=f(s.title), prompt=f(s.prompt), fields=tuple(new_fields)))
    rules = tuple(dataclasses.replace(r, message=f(r.message)) for r in template.rules)
    return dataclasses.replace(
        template,
        title=f(template.title),
        subtitle=f(template.subtitle),
        attached_to=f(template.attached_to),
        sections=tuple(sections),
        rules=rules,
        fields_by_code=fields_by_code,
    )


_RENDERED_SIZE = 128
_rendered: OrderedDict = OrderedDict()
_rendered_lock = threading.Lock()


def render_for_request(template: TemplateDef, req) -> TemplateDef:
    """`render` for a request's period, kept per process for the same parsed template and the same
    values (issue 17: copying every section, field and option took 3-6 ms on each reporting page).
    The key is everything the result depends on, so it can never be stale: the parsed template
    object (one per definition JSON, ReportTemplate.parsed; kept referenced, so its id is not reused
    while cached) and the placeholders' values."""
    values = period_values(req)
    key = (id(template), tuple(sorted(values.items())))
    with _rendered_lock:
        hit = _rendered.get(key)
        if hit is not None and hit[0] is template:
            _rendered.move_to_end(key)
            return hit[1]
    result = render(template, values)
    with _rendered_lock:
        _rendered[key] = (template, result)
        while len(_rendered) > _RENDERED_SIZE:
            _rendered.popitem(last=False)
    return result


# --- fixed years in a template's text ------------------------------------------------------------

# the citation of an instrument: "9654/BNN-VPĐP", "09/2019/NĐ-CP", "490/QĐ-TTg", optionally followed
# by its date ("ngày 07/5/2018"): its year is part of a name, not of the period
_CITATION = re.compile(r"\b\d+/(?:\d{4}/)?[A-ZĐ][\wĐđ-]*(?:\s+ngày\s+\d{1,2}/\d{1,2}/\d{4})?")
_YEAR = re.compile(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)")


def strip_citations(text: str) -> str:
    """`text` without the citations of instruments (their numbers and dates name years of their own)."""
    return _CITATION.sub(" ", text)


@dataclasses.dataclass(frozen=True)
class YearWarning:
    where: str
    year: str
    text: str

    def __str__(self) -> str:
        return _(
            "%(where)s nêu cố định năm %(year)s: “%(text)s” — nếu đó là năm của kỳ báo cáo, hãy viết {nam}, "
            "{nam_sau} hoặc {ngay_chot} để văn bản theo kỳ của từng yêu cầu."
        ) % {"where": self.where, "year": self.year, "text": self.text}


def year_warnings(definition: dict) -> list[YearWarning]:
    """Every place where the definition's fixed text names a year outside an instrument's citation."""
    found = []
    for where, text in _texts(definition):
        stripped = strip_citations(text)
        for m in _YEAR.finditer(stripped):
            start = max(0, m.start() - 30)
            excerpt = stripped[start : m.end() + 20].strip()
            found.append(YearWarning(str(where), m.group(1), excerpt))
    return found


# --- which template a new request gets -----------------------------------------------------------


def default_template(period_kind: str):
    """The latest version of the template whose definition says it is the default for `period_kind`
    ("default_for": ["year"]), or None."""
    from ocop.reporting.models import ReportTemplate

    best = None
    for tpl in ReportTemplate.objects.order_by("code", "-version").only("pk", "code", "version", "definition"):
        if period_kind in (tpl.definition.get("default_for") or []):
            if best is None or (tpl.code == best.code and tpl.version > best.version):
                best = tpl
    return best
