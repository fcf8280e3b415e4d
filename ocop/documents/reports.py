"""A unit's report as an administrative document (Báo cáo, NĐ 30/2020 Phụ lục I): who issues it
(the province's UBND, or its Sở Nông nghiệp và Môi trường, valid on the report's date; a district's
or commune's UBND), the number line, place and date, "Kính gửi", the signature block and "Nơi nhận".

One function, `report_heading(submission)`, feeds both the Word export (ocop/reporting/docx_out.py)
and the print view (templates/reporting/submission_print.html), so the two match.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from ocop.documents import text as tx
from ocop.documents.models import BodyKind


@dataclass
class ReportHeading:
    parent_lines: list[str]
    header_lines: list[str]
    number: str
    place_date: str
    subject: str
    recipients: list[str]
    signature_lines: list[str]
    signer_name: str
    noi_nhan: list[str]
    gaps: list[str] = field(default_factory=list)
    basis: str = ""


def _subject(title: str) -> str:
    title = tx.clean(title).strip()
    if title.lower().startswith("báo cáo "):
        title = title[len("báo cáo ") :]
    return title[:1].upper() + title[1:]


def _day(submission) -> dt.date | None:
    at = submission.submitted_at or submission.first_submitted_at
    return timezone.localtime(at).date() if at else None


def report_heading(submission, body_kind: str = BodyKind.UBND) -> ReportHeading:
    """The NĐ 30 frame of `submission`'s report. The date is the submission's (a draft leaves the
    day and month blank); the issuer's facts are those valid on that date (today for a draft)."""
    from ocop.documents.issuers import ministry_on, provincial_issuer

    unit = submission.unit
    req = submission.request
    day = _day(submission)
    # a report not sent yet is dated at the latest on its deadline, and never after its unit ceased
    # to exist (a 2018 draft of Tỉnh Bắc Kạn stays Bắc Kạn's)
    on = day or min(timezone.localdate(), req.deadline)
    if not unit.is_valid_on(on) and unit.valid_to is not None and unit.valid_to < on:
        on = unit.valid_to
    facts = None
    if unit.level == "province":
        try:
            facts = provincial_issuer(unit, on, body_kind).facts_on(on)
        except ValidationError:
            facts = None
    if facts is not None:
        parent, header, symbol, place = facts.parent_lines, facts.header_lines, facts.symbol, facts.place
        signature, signer, gaps = facts.signature_lines, facts.signer_name, facts.gaps
    else:  # a district or commune (or a province without issuer data): its own People's Committee
        parent, header, symbol, place = [], ["ỦY BAN NHÂN DÂN", unit.full_name.upper()], "UBND", unit.name
        signature, signer = ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"], ""
        gaps = ["Họ tên người ký: chưa có dữ liệu [?]"]
    if req.owner_unit_id is None:
        try:
            to = ministry_on(req.issued_on or on).facts_on(req.issued_on or on).name
        except ValidationError:  # no issuer data: the recipient is the programme office
            to = "Văn phòng Điều phối nông thôn mới Trung ương"
    else:
        owner = req.owner_unit
        to = f"Ủy ban nhân dân {owner.type.lower()} {owner.name}"
    basis = ""
    if req.document_number:
        basis = f"Thực hiện Công văn số {req.document_number}" + (
            f" ngày {tx.dmy(req.issued_on)}" if req.issued_on else ""
        )
    place_date = tx.place_date(place, day) if day else f"{place}, ngày      tháng      năm {on.year}"
    return ReportHeading(
        parent_lines=list(parent),
        header_lines=list(header),
        number=f"        /BC-{symbol}",
        place_date=place_date,
        subject=_subject(req.title),
        recipients=[to],
        signature_lines=list(signature),
        signer_name=signer,
        noi_nhan=["Như trên;", "Lưu: VT."],
        gaps=list(gaps),
        basis=basis,
    )
