"""The letters of a reporting round, built from the data (never typed in):

- the request letter (công văn yêu cầu báo cáo): from a ReportRequest and the programme board as of
  the letter's date: the provinces whose Đề án/Kế hoạch is approved on that date are praised by name
  (Vietnamese alphabetical order), with what the board says about them (a later phase, the OCOP cycle
  started, provisional criteria and ranked products); the numbered requests; the report, its cut-off
  and deadline; the contact; the report outline of the request's template as the appendix;
- the reminder (công văn đôn đốc): the units that have not submitted as of a date;
- the forwarding letter (công văn gửi báo cáo tổng hợp): sends the national report of a request to
  the Government / the Steering Committee, with the totals the caller passes.

`build_*` return the keyword arguments of `services.do_create_draft`; `create_*` create the draft.
The wording the data cannot give (the policy requests of a particular letter, a different subject)
is passed in by the caller; the defaults are generic.

They live in the reporting app, above the documents app whose drafts they create (docs/architecture.md,
Layers); their pages are at /documents/request/<pk>/… (views_letters.py, in the documents namespace).
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ocop.documents import text as tx
from ocop.documents.issuers import default_issuer_on
from ocop.documents.models import DocumentKind, DocumentStatus, Issuer, OutgoingDocument, Purpose
from ocop.documents.services import do_create_draft
from ocop.geo.models import Level
from ocop.geo.services import unit_on
from ocop.lib.formatting import format_number
from ocop.programme.board import build_board
from ocop.programme.models import MilestoneKind, PlanStatus
from ocop.reporting import periods
from ocop.reporting.models import Submission
from ocop.reporting.services.completeness import missing_units, summarise, unit_statuses

ROMAN_PHASE = re.compile(r"giai\s+đoạn\s+([IVX]+)\b", re.IGNORECASE)

# who is addressed, per level of the units that must report
ADDRESSEES = {
    Level.PROVINCE: "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc Trung ương",
    Level.DISTRICT: "Chủ tịch Ủy ban nhân dân các huyện, thị xã, thành phố",
    Level.COMMUNE: "Chủ tịch Ủy ban nhân dân các xã, phường, thị trấn",
}
UNIT_WORDS = {
    Level.PROVINCE: "tỉnh, thành phố",
    Level.DISTRICT: "huyện, thị xã, thành phố",
    Level.COMMUNE: "xã, phường, thị trấn",
}
DEFAULT_FORWARD_TO = ["Thủ tướng Chính phủ", "Ban Chỉ đạo Trung ương các Chương trình mục tiêu quốc gia"]


# --- helpers -------------------------------------------------------------------------------------


def default_issuer(day: dt.date | None = None) -> Issuer:
    """The issuer of a national letter dated `day`: the ministry valid on that day (dated data,
    ocop/documents/issuers.py)."""
    try:
        return default_issuer_on(day or timezone.localdate())
    except ValidationError:
        raise ValidationError(_("Chưa khai báo cơ quan ban hành văn bản.")) from None


def deadline_words(request) -> str:
    """ "trước ngày 10/01/2019" or "chậm nhất ngày 05/01/2027": the request's own deadline rule when
    it states one (ReportRequest.deadline_text), else "trước ngày D"."""
    text = getattr(request, "deadline_text", None)
    return tx.clean(text) if text else f"trước ngày {tx.dmy(request.deadline)}"


def _lower_first(value: str) -> str:
    return value[:1].lower() + value[1:] if value else value


def report_topic(request) -> str:
    """ "kết quả triển khai Chương trình OCOP năm 2018" from "Báo cáo kết quả triển khai …"."""
    title = tx.clean(request.title).strip()
    if title.lower().startswith("báo cáo "):
        title = title[len("báo cáo ") :]
    # "… OCOP — Quý II năm 2026" reads "… OCOP quý II năm 2026" in a sentence
    title = re.sub(r"\s+[—–-]\s+(Năm|Quý|Tháng|6 tháng|Sáu tháng)\b", lambda m: " " + m.group(1).lower(), title)
    return _lower_first(title)


def _run(text: str, *, bold: bool = False, italic: bool = False) -> dict:
    return {"text": text, "bold": bold, "italic": italic}


def _legal_basis(basis: str) -> list[dict] | None:
    """ "Thực hiện …;" with a closing "(… )" definition in italics, as official letters write it."""
    basis = tx.clean(basis).strip().rstrip(".;").strip()
    if not basis:
        return None
    match = re.search(r"\(([^()]*)\)$", basis)
    if match:
        return [
            _run("Thực hiện " + basis[: match.start()].rstrip() + " "),
            _run(match.group(0), italic=True),
            _run(";"),
        ]
    return [_run(f"Thực hiện {basis};")]


def _names(units) -> list[str]:
    return sorted({u.name for u in units}, key=tx.vi_sort_key)


def _places(units) -> str:
    """ "tỉnh Bắc Kạn, Hà Tĩnh, Quảng Nam"; cities as "thành phố Cần Thơ"."""
    groups: dict[str, list[str]] = {}
    for unit in sorted(units, key=lambda u: tx.vi_sort_key(u.name)):
        groups.setdefault(unit.type.lower(), []).append(unit.name)
    return ", ".join(f"{kind} {', '.join(names)}" for kind, names in groups.items())


def _int(value) -> str:
    try:
        return format_number(int(value))
    except (TypeError, ValueError):
        return tx.clean(value)


def referenced_letter(request) -> str:
    """ "Công văn số 9654/BNN-VPĐP ngày 12/12/2018": the issued request letter in the register, else
    the number the request records."""
    letter = (
        OutgoingDocument.objects.filter(request=request, purpose=Purpose.REQUEST_LETTER, status=DocumentStatus.ISSUED)
        .order_by("date", "pk")
        .first()
    )
    if letter is not None:
        return f"{letter.get_kind_display()} số {letter.number_and_symbol} ngày {tx.dmy(letter.date)}"
    if request.document_number:
        day = f" ngày {tx.dmy(request.issued_on)}" if request.issued_on else ""
        return f"Công văn số {request.document_number}{day}"
    return "văn bản"


# --- the board's praise paragraph ------------------------------------------------------------------


def praise_paragraph(issuer: Issuer, day: dt.date, intro: str | None = None) -> list[dict]:
    """What the board says on `day` about the provinces' plans and the OCOP cycle, worded after the
    facts: the provinces with an approved Đề án/Kế hoạch are praised by name only when some are not
    (when every province has one, the sentence says "tất cả" and praises nobody by name); "Trong đó"
    lists later phases, the started cycle and the year's criteria and rankings, each only for the
    provinces that reached them ("tất cả" only when all did). `intro` (a letter's own wording, e.g.
    the 2018 seed's) goes first; there is none by default."""
    name = issuer.facts_on(day).name
    rows = build_board(day)
    total = len(rows)
    approved = [r for r in rows if r.plan_status == PlanStatus.APPROVED]
    runs = [_run(intro.format(issuer=name))] if intro else []
    space = " " if runs else ""
    if not approved:
        runs.append(
            _run(
                f"{space}Đến ngày {tx.dmy(day)}, chưa có tỉnh, thành phố nào phê duyệt Đề án, Kế hoạch triển khai "
                "Chương trình OCOP cấp tỉnh."
            )
        )
        return runs
    if total and len(approved) == total:
        runs.append(
            _run(
                f"{space}Đến ngày {tx.dmy(day)}, tất cả {total} tỉnh, thành phố đã phê duyệt Đề án, Kế hoạch "
                "triển khai Chương trình OCOP cấp tỉnh."
            )
        )
    else:
        names = _names(r.province for r in approved)
        runs.append(
            _run(
                f"{space}{name} biểu dương {len(names)} tỉnh, thành phố đã phê duyệt Đề án, Kế hoạch cấp tỉnh, "
                f"gồm các tỉnh: {', '.join(names)}."
            )
        )
    parts = []
    phases: dict[str, list] = {}
    for row in approved:
        match = ROMAN_PHASE.search(row.plan.phase or "") if row.plan else None
        if match and match.group(1).upper() != "I":
            phases.setdefault(match.group(1).upper(), []).append(row.province)
    for roman, units in sorted(phases.items()):
        parts.append(f"{_places_or_all(units, total)} đã triển khai giai đoạn {roman}")
    cycle = [r.province for r in rows if MilestoneKind.CYCLE_STARTED in r.milestones]
    if cycle:
        parts.append(f"{_places_or_all(cycle, total)} đã bắt đầu triển khai Chu trình OCOP quốc gia")
    # provisional criteria issued and products ranked within the letter's year
    in_year = lambda row, kind: kind in row.milestones and row.milestones[kind].year == day.year  # noqa: E731
    both, criteria_only, ranked_only = [], [], []
    for row in rows:
        criteria = in_year(row, MilestoneKind.CRITERIA_PROVISIONAL)
        ranked = in_year(row, MilestoneKind.PRODUCTS_RANKED) or in_year(row, MilestoneKind.EVALUATION_HELD)
        if criteria and ranked:
            both.append(row.province)
        elif criteria:
            criteria_only.append(row.province)
        elif ranked:
            ranked_only.append(row.province)
    notes = []
    if both:
        notes.append(
            f"{_places_or_all(both, total)} đã ban hành tiêu chí tạm thời cấp tỉnh và tổ chức đánh giá, xếp hạng "
            f"sản phẩm OCOP ngay trong năm {day.year}"
        )
    if criteria_only:
        notes.append(f"{_places_or_all(criteria_only, total)} đã ban hành tiêu chí tạm thời cấp tỉnh")
    if ranked_only:
        notes.append(
            f"{_places_or_all(ranked_only, total)} đã tổ chức đánh giá, xếp hạng sản phẩm OCOP ngay trong năm "
            f"{day.year}"
        )
    # what every province did is said of all of them; "Trong đó" lists what only some did
    everyone = [p for p in parts if p.startswith(ALL_PROVINCES)]
    parts = [p for p in parts if not p.startswith(ALL_PROVINCES)]
    if parts or notes:
        runs.append(_run(" Trong đó " + ", ".join(parts)))
        if notes:
            runs.append(_run((" " if parts else "") + "(" + "; ".join(notes) + ")", italic=True))
        runs.append(_run("."))
    for part in everyone:
        runs.append(_run(" T" + part[1:] + "."))
    return runs


ALL_PROVINCES = "tất cả các tỉnh, thành phố"


def _places_or_all(units, total: int) -> str:
    """ "tất cả các tỉnh, thành phố" when every province of the board is meant, else their names."""
    units = list({u.pk: u for u in units}.values())
    if total and len(units) == total:
        return ALL_PROVINCES
    return _places(units)


# --- the request letter ----------------------------------------------------------------------------


def _label(number: str, depth: int) -> str:
    return tx.section_label(number, depth)


def outline_appendix(request) -> dict:
    """The report outline of the request's template: every section (number, title, prompt), with the
    template's period placeholders filled for this request (ReportRequest.form) when it has them."""
    parsed = getattr(request, "form", None) or request.template.parsed
    return {
        "title": parsed.title,
        "subtitle": parsed.subtitle,
        "sections": [
            {
                "number": s.number,
                "label": _label(s.number, s.depth),
                "title": s.title,
                "prompt": s.prompt,
                "depth": s.depth,
            }
            for s in parsed.sections
        ],
    }


def build_request_letter(
    request,
    *,
    issuer: Issuer | None = None,
    day: dt.date | None = None,
    subject: str | None = None,
    recipients: list[str] | None = None,
    praise: bool | None = None,
    praise_intro: str | None = None,
    lead_in: str | None = None,
    requests: list | None = None,
    report_to: str = "",
    report_topic_text: str | None = None,
    report_via: str | None = None,
    noi_nhan: list[str] | None = None,
) -> dict:
    """The request letter of a ReportRequest as draft fields. `day` is the letter's date (default the
    request's issued_on, else today); the praise paragraph comes from the board as of that day
    (provinces only). `requests` are the numbered requests before the last one, which asks for the
    report (cut-off, outline attached, deadline in bold, "./.")."""
    day = day or request.issued_on or timezone.localdate()
    issuer = issuer or default_issuer(day)
    facts = issuer.facts_on(day)
    level = request.recipient_level
    addressee = ADDRESSEES.get(level, ADDRESSEES[Level.PROVINCE])
    topic = report_topic(request)
    if praise is None:
        praise = level == Level.PROVINCE
    opening = []
    basis = _legal_basis(request.legal_basis)
    if basis:
        opening.append(basis)
    if praise:
        opening.append(praise_paragraph(issuer, day, praise_intro))
    opening.append(
        lead_in
        or (
            f"Để tổng hợp, đánh giá kết quả triển khai Chương trình OCOP, {facts.name} đề nghị {addressee} "
            "chỉ đạo thực hiện một số nội dung như sau:"
        )
    )
    via = facts.office if report_via is None else report_via
    report = [
        _run(
            f"Báo cáo {report_to + ' về ' if report_to else ''}{report_topic_text or topic} tính đến ngày "
            f"{tx.dmy(request.cutoff)} "
        ),
        _run("(đề cương đính kèm)", italic=True),
        _run(f". Báo cáo gửi về {facts.name}"),
    ]
    if via:
        report += [_run(" "), _run(f"(qua {via})", italic=True)]
    report += [_run(", "), _run(f"{deadline_words(request)}./.", bold=True)]
    return {
        "issuer": issuer,
        "kind": DocumentKind.CONG_VAN,
        "purpose": Purpose.REQUEST_LETTER,
        "date": day,
        "subject": subject or f"báo cáo {topic}",
        "recipients": recipients if recipients is not None else [addressee],
        "content": {
            "opening": opening,
            "requests": [*(requests or []), report],
            "closing": [],
            "contact": facts.contact,
            "appendix": outline_appendix(request),
        },
        "noi_nhan": noi_nhan,
        "request": request,
    }


def create_request_letter(user, request, **kwargs) -> OutgoingDocument:
    """A draft of the request letter of `request` (see build_request_letter for the options)."""
    is_demo = kwargs.pop("is_demo", False)
    return do_create_draft(user, is_demo=is_demo, **build_request_letter(request, **kwargs))


# --- the reminder --------------------------------------------------------------------------------


def missing_as_of(request, as_of: dt.date) -> list:
    """The expected units that had not submitted by the end of `as_of` (Vietnam time). For today or
    later this is completeness.missing_units."""
    if as_of >= timezone.localdate():
        return missing_units(request)
    end = timezone.make_aware(dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time.min))
    submitted = Submission.objects.filter(request=request, first_submitted_at__lt=end).values("unit_id")
    return list(request.recipients.exclude(pk__in=submitted).order_by("code"))


def build_reminder_letter(
    request,
    *,
    issuer: Issuer | None = None,
    as_of: dt.date | None = None,
    day: dt.date | None = None,
    new_deadline: dt.date | None = None,
    noi_nhan: list[str] | None = None,
) -> dict:
    """The reminder to the units that have not submitted as of `as_of` (default: the letter's date,
    default today). The new deadline defaults to 5 working days after the letter."""
    day = day or timezone.localdate()
    issuer = issuer or default_issuer(day)
    facts = issuer.facts_on(day)
    as_of = as_of or day
    missing = missing_as_of(request, as_of)
    if not missing:
        raise ValidationError(
            _("Đến ngày %(day)s, tất cả các đơn vị đã gửi báo cáo: không cần công văn đôn đốc.")
            % {"day": tx.dmy(as_of)}
        )
    expected = request.recipients.count()
    level = request.recipient_level
    words = UNIT_WORDS.get(level, UNIT_WORDS[Level.PROVINCE])
    new_deadline = new_deadline or periods.add_working_days(day, 5)
    names = _names(unit_on(u, as_of) for u in missing)  # the recipients as named on that day
    topic = report_topic(request)
    chairs = ADDRESSEES.get(level, ADDRESSEES[Level.PROVINCE]).split(" các ")[0]
    via = f" (qua {facts.office})" if facts.office else ""
    opening = [
        f"{facts.name} đã có {referenced_letter(request)} đề nghị các {words} báo cáo {topic} tính đến ngày "
        f"{tx.dmy(request.cutoff)}, gửi về {facts.name} {deadline_words(request)}.",
        f"Đến ngày {tx.dmy(as_of)}, còn {len(missing)}/{expected} {words} chưa gửi báo cáo, gồm: {', '.join(names)}.",
        [
            _run(
                f"Để kịp thời tổng hợp, báo cáo cấp có thẩm quyền, {facts.name} đề nghị {chairs} các {words} nêu trên "
                f"chỉ đạo các cơ quan chuyên môn khẩn trương hoàn thành, gửi báo cáo về {facts.name}{via}, "
            ),
            _run(f"trước ngày {tx.dmy(new_deadline)}./.", bold=True),
        ],
    ]
    return {
        "issuer": issuer,
        "kind": DocumentKind.CONG_VAN,
        "purpose": Purpose.REMINDER,
        "date": day,
        "subject": f"đôn đốc báo cáo {topic}",
        "recipients": [f"{chairs} các {words}: {', '.join(names)}"],
        "content": {"opening": opening, "requests": [], "closing": [], "contact": facts.contact, "appendix": None},
        "noi_nhan": noi_nhan,
        "request": request,
    }


def create_reminder_letter(user, request, **kwargs) -> OutgoingDocument:
    is_demo = kwargs.pop("is_demo", False)
    return do_create_draft(user, is_demo=is_demo, **build_reminder_letter(request, **kwargs))


# --- the forwarding letter -----------------------------------------------------------------------


def completeness_summary(request, as_of: dt.date | None = None) -> dict:
    """The completeness figures of `request` as a `summary` for build_forwarding_letter (now)."""
    s = summarise(unit_statuses(request))
    return {
        "expected": s.expected,
        "submitted": s.submitted,
        "on_time": s.on_time,
        "late": s.late,
        "missing": s.missing,
        "accepted": s.accepted,
        "as_of": as_of or timezone.localdate(),
    }


def build_forwarding_letter(
    request,
    summary: dict,
    *,
    issuer: Issuer | None = None,
    day: dt.date | None = None,
    recipients: list[str] | None = None,
    subject: str | None = None,
    noi_nhan: list[str] | None = None,
) -> dict:
    """The letter sending the national report of `request` to the Government / Steering Committee.

    `summary` (every key optional):
        expected, submitted, on_time, late, missing, accepted: int   completeness figures
        as_of: date                  the date of the figures (default: the letter's date)
        report_number: str           the national report's number, e.g. "15/BC-BNN-VPĐP"
        report_title: str            its title (default "Báo cáo tổng hợp " + the request's topic)
        totals: [(label, value), …]  main figures, printed "- label: value;" (ints get thousands dots)
        highlights: [str, …]         paragraphs on the results
        proposals: [str, …]          the numbered proposals (kiến nghị)
    """
    day = day or timezone.localdate()
    issuer = issuer or default_issuer(day)
    facts = issuer.facts_on(day)
    summary = dict(summary or {})
    as_of = summary.get("as_of") or day
    words = UNIT_WORDS.get(request.recipient_level, UNIT_WORDS[Level.PROVINCE])
    topic = report_topic(request)
    recipients = list(recipients) if recipients is not None else list(DEFAULT_FORWARD_TO)
    opening: list = []
    basis = _legal_basis(request.legal_basis)
    if basis:
        opening.append(basis)
    text = (
        f"{facts.name} đã đề nghị các {words} báo cáo {topic} tính đến ngày {tx.dmy(request.cutoff)} "
        f"({referenced_letter(request)})."
    )
    if summary.get("expected") is not None and summary.get("submitted") is not None:
        text += (
            f" Đến ngày {tx.dmy(as_of)}, đã có {_int(summary['submitted'])}/{_int(summary['expected'])} {words} "
            "gửi báo cáo"
        )
        timing = []
        if summary.get("on_time") is not None:
            timing.append(f"{_int(summary['on_time'])} đúng hạn")
        if summary.get("late") is not None:
            timing.append(f"{_int(summary['late'])} sau thời hạn")
        if timing:
            text += f" ({', '.join(timing)})"
        missing = summary.get("missing")
        if missing is None:
            missing = int(summary["expected"]) - int(summary["submitted"])
        text += f"; còn {_int(missing)} {words} chưa gửi báo cáo." if missing else "."
    opening.append(text)
    totals = summary.get("totals") or []
    if totals:
        opening.append("Kết quả tổng hợp chủ yếu như sau:")
        for i, (label, value) in enumerate(totals):
            end = "." if i == len(totals) - 1 else ";"
            opening.append(f"- {tx.clean(label)}: {_int(value) if isinstance(value, int) else tx.clean(value)}{end}")
    opening += [tx.clean(p) for p in summary.get("highlights") or []]
    proposals = [tx.clean(p) for p in summary.get("proposals") or []]
    if proposals:
        opening.append(f"Trên cơ sở kết quả tổng hợp, {facts.name} kiến nghị:")
    report = tx.clean(summary.get("report_title") or f"Báo cáo tổng hợp {topic}")
    if summary.get("report_number"):
        report += f" (Báo cáo số {tx.clean(summary['report_number'])})"
    to = " và ".join(recipients) if recipients else "cấp có thẩm quyền"
    closing = [
        f"{facts.name} kính gửi {to} {_lower_first(report) if report.startswith('Báo cáo tổng hợp') else report} "
        "(gửi kèm theo) để xem xét, chỉ đạo./."
    ]
    return {
        "issuer": issuer,
        "kind": DocumentKind.CONG_VAN,
        "purpose": Purpose.FORWARDING,
        "date": day,
        "subject": subject or f"báo cáo {topic}",
        "recipients": recipients,
        "content": {"opening": opening, "requests": proposals, "closing": closing, "contact": "", "appendix": None},
        "noi_nhan": noi_nhan,
        "request": request,
    }


def create_forwarding_letter(user, request, summary: dict, **kwargs) -> OutgoingDocument:
    """A draft of the letter forwarding the national report of `request` (see build_forwarding_letter)."""
    is_demo = kwargs.pop("is_demo", False)
    return do_create_draft(user, is_demo=is_demo, **build_forwarding_letter(request, summary, **kwargs))
