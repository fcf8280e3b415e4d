"""Certificate expiry and expiry notices.

`run_certificate_notices(today)`:

- marks every valid certificate whose `valid_until` has come (the day it stops being valid) as
  expired, and the product's status as expired (`record_status_change`) when it was certified and
  has no other valid certificate;
- sends, once per certificate, the expiry notice due `expiry_notice_days` (procedure data: 30)
  before `valid_until`, by e-mail and in-app to the entity's users (EntityMember) and to the
  province officers of the issuing unit. Each notice is recorded as a `CertificateNotice` (unique
  per certificate and kind); the row, the notifications, the audit entry and the e-mail are one
  transaction, the e-mail sent last, so a retry sends nothing twice and a failed send is retried.

It runs from `manage.py expire_certificates` and from the daily task `certificate_notices`
(ocop/evaluation/tasks.py), which re-queues itself for 07:00 (Vietnam time) the next day; start the
chain once with `schedule_daily_certificate_notices()` (not called automatically).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.dispatch import Signal
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import User
from ocop.accounts.services.officers import unit_officers
from ocop.audit.services import log_action
from ocop.evaluation.models import procedure_rule_on
from ocop.evaluation.models_rounds import Certificate, CertificateNotice, CertificateStatus, NoticeKind
from ocop.geo.models import Level
from ocop.notifications.services import notify
from ocop.products.models import ProductStatus
from ocop.products.services import record_status_change
from ocop.lib.dates import format_date

logger = logging.getLogger(__name__)

NOTICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
RUN_AT = dt.time(7, 0)
DEFAULT_NOTICE_DAYS = 30


def notice_days(cert: Certificate) -> int:
    """`expiry_notice_days` of the procedure the certificate was issued under (its round's, or the
    one in force on the issue date)."""
    rule = cert.round_product.round.procedure or procedure_rule_on(cert.issued_on)
    if rule is None:
        return DEFAULT_NOTICE_DAYS
    return rule.parsed.certificate.expiry_notice_days


def notice_due_on(cert: Certificate) -> dt.date:
    return cert.valid_until - dt.timedelta(days=notice_days(cert))


def recipients(cert: Certificate) -> list[User]:
    """Active members of the product's entity and province officers of the issuing unit's province."""
    issuer = cert.issuer_unit
    province = issuer if issuer.level == Level.PROVINCE else issuer.province
    users = list(User.objects.filter(is_active=True, entity_memberships__entity=cert.product.entity).distinct())
    if province is not None:
        users += unit_officers(province)
    seen, out = set(), []
    for u in users:
        if u.pk not in seen:
            seen.add(u.pk)
            out.append(u)
    return out


@dataclass
class NoticeRun:
    today: dt.date
    expired: list[int] = field(default_factory=list)
    notified: list[int] = field(default_factory=list)
    failed: list[tuple[int, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "today": self.today.isoformat(),
            "expired": self.expired,
            "notified": self.notified,
            "failed": [list(f) for f in self.failed],
        }


@transaction.atomic
def expire_certificate(cert: Certificate, today: dt.date) -> bool:
    cert = Certificate.objects.select_for_update().select_related("product").get(pk=cert.pk)
    if cert.status != CertificateStatus.VALID or cert.valid_until > today:
        return False
    cert.status = CertificateStatus.EXPIRED
    cert.save(update_fields=["status"])
    product = cert.product
    if (
        product.status == ProductStatus.CERTIFIED
        and not product.certificates.filter(status=CertificateStatus.VALID).exists()
    ):
        record_status_change(
            product,
            ProductStatus.EXPIRED,
            None,
            reason=f"Giấy chứng nhận {cert.number_display} hết hiệu lực từ ngày {format_date(cert.valid_until)}",
        )
    log_action(
        None,
        "ocop.evaluation.certificate.expired",
        cert,
        before={"status": CertificateStatus.VALID},
        after={"status": CertificateStatus.EXPIRED, "valid_until": cert.valid_until},
        unit=product.unit,
    )
    return True


def compose(cert: Certificate) -> tuple[str, str, str, str]:
    """(subject, body, in-app text, path) of the expiry notice, in Vietnamese."""
    path = reverse("evaluation:certificate_detail", args=[cert.pk])
    link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"
    until = format_date(cert.valid_until)
    subject = f"[OCOP] Giấy chứng nhận {cert.number_display} sắp hết hiệu lực ({until})"
    body = "\n".join(
        [
            f"Kính gửi: {cert.product.entity.name},",
            "",
            f"Giấy chứng nhận sản phẩm OCOP số {cert.number_display} của sản phẩm “{cert.product.name}” "
            f"({cert.stars} sao) hết hiệu lực từ ngày {until}.",
            "Đề nghị chủ thể chuẩn bị hồ sơ và gửi đề nghị đánh giá lại (hoặc nâng hạng sao) trên hệ thống tại:",
            link,
            "",
            "Đây là thư tự động, xin không trả lời.",
        ]
    )
    text = f"Giấy chứng nhận OCOP {cert.number_display} (“{cert.product.name}”) hết hiệu lực từ ngày {until}."
    return subject, body, text, path


def send_expiry_notice(cert: Certificate) -> bool:
    """Send the expiry notice of `cert` once. Returns False if it was sent before."""
    users = recipients(cert)
    emails = sorted({u.email.strip() for u in users if u.email and u.email.strip()})
    with transaction.atomic():
        _notice, created = CertificateNotice.objects.get_or_create(
            certificate=cert, kind=NoticeKind.EXPIRY_NOTICE, defaults={"recipients": ", ".join(emails)}
        )
        if not created:
            return False
        subject, body, text, path = compose(cert)
        notify(users, text, path)
        log_action(
            None,
            "ocop.evaluation.certificate.expiry_notice_sent",
            cert,
            after={"valid_until": cert.valid_until, "recipients": len(users), "emails": len(emails)},
            unit=cert.product.unit,
        )
        if emails:
            send_mail(subject, body, None, emails, fail_silently=False)
    return True


def run_certificate_notices(today: dt.date | None = None) -> NoticeRun:
    """Expire what has expired, then send the notices that are due (see the module docstring)."""
    today = today or timezone.localtime(timezone.now(), NOTICE_TZ).date()
    run = NoticeRun(today=today)
    for cert in Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__lte=today).order_by("pk"):
        if expire_certificate(cert, today):
            run.expired.append(cert.pk)
    candidates = (
        Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__gt=today)
        .exclude(notices__kind=NoticeKind.EXPIRY_NOTICE)
        .select_related("product", "product__entity", "issuer_unit", "round_product__round__procedure")
        .order_by("pk")
    )
    for cert in candidates:
        if notice_due_on(cert) > today:
            continue
        try:
            if send_expiry_notice(cert):
                run.notified.append(cert.pk)
        except Exception as exc:  # one failed e-mail must not stop the others
            logger.exception("Expiry notice of certificate %s failed", cert.pk)
            run.failed.append((cert.pk, f"{type(exc).__name__}: {exc}"[:300]))
    return run


def next_run_at(now: dt.datetime | None = None) -> dt.datetime:
    """07:00 Vietnam time on the day after `now` (Vietnam date)."""
    now = now or timezone.now()
    day = timezone.localtime(now, NOTICE_TZ).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, RUN_AT, tzinfo=NOTICE_TZ)


def schedule_daily_certificate_notices(now: dt.datetime | None = None):
    """Start the daily chain: queue `certificate_notices` for the next 07:00. Call once (operators)."""
    from ocop.evaluation.tasks import certificate_notices

    return certificate_notices.using(run_after=next_run_at(now)).enqueue()


def ensure_daily_certificate_notices(now: dt.datetime | None = None) -> bool:
    """Start the daily chain unless a run is already queued in the database (idempotent: called by
    `manage.py schedule_tasks` at every start of `make run` and by deployments). True if queued now."""
    from django_tasks_db.models import DBTaskResult

    from ocop.evaluation.tasks import certificate_notices

    queued = DBTaskResult.objects.filter(task_path=certificate_notices.module_path, status__in=["READY", "RUNNING"])
    if queued.exists():
        return False
    schedule_daily_certificate_notices(now)
    return True


# --- the printable certificate and its public verification --------------------------------------

VERIFY_LIMIT = 30  # look-ups per address …
VERIFY_WINDOW_MINUTES = 10  # … in this window


def verification_path(number: str = "") -> str:
    from urllib.parse import urlencode

    path = reverse("catalogue:verify")
    return f"{path}?{urlencode({'so': number})}" if number else path


def verification_url(cert: Certificate) -> str:
    """The public page that says whether `cert` is valid (what the QR code on the certificate holds)."""
    return f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{verification_path(cert.number_display)}"


def qr_png(data: str, scale: int = 6) -> bytes:
    """A QR code (segno, error correction M) as PNG bytes."""
    import io

    import segno

    out = io.BytesIO()
    segno.make_qr(data, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def status_on(cert: Certificate, today: dt.date | None = None) -> str:
    """The certificate's status as the public sees it today: revoked / superseded as recorded;
    expired from `valid_until` on even before the daily task has marked it."""
    today = today or timezone.localdate()
    if cert.status == CertificateStatus.VALID and cert.valid_until <= today:
        return CertificateStatus.EXPIRED
    if cert.status == CertificateStatus.VALID and cert.issued_on > today:
        return "not_yet"
    return cert.status


def find_by_number(text: str) -> Certificate | None:
    """The certificate "12/2026/OCOP-19" (spaces, case and Unicode form ignored), or None."""
    import re
    import unicodedata

    value = unicodedata.normalize("NFC", text or "").strip().upper().replace(" ", "")
    match = re.fullmatch(r"0*(\d{1,7})/(\d{4})/OCOP-([0-9A-Z]{1,10})", value)
    if not match:
        return None
    number, year, unit_code = int(match.group(1)), int(match.group(2)), match.group(3)
    return (
        Certificate.objects.filter(number=number, year=year, issuer_unit__code=unit_code)
        .select_related("product", "product__entity", "issuer_unit")
        .order_by("-issued_on")
        .first()
    )


def verification_allowed(ip: str) -> bool:
    """Record one look-up from `ip`; False when it made VERIFY_LIMIT in the window (shared by every
    node: the count is in the database, as the login throttle's)."""
    from ocop.evaluation.models_rounds import VerificationLookup

    now = timezone.now()
    since = now - dt.timedelta(minutes=VERIFY_WINDOW_MINUTES)
    if VerificationLookup.objects.filter(ip=ip, created_at__gte=since).count() >= VERIFY_LIMIT:
        return False
    VerificationLookup.objects.create(ip=ip)
    if now.minute == 0:  # keep the table small
        VerificationLookup.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    return True


def issuing_body(cert: Certificate):
    """(issuer, facts on the issue date) of the body that recognises the product: the UBND of the
    round's unit (its signer and seal sign the certificate, docs/signing.md)."""
    from ocop.evaluation.rounds import _issuers

    ubnd, _council = _issuers(cert.issuer_unit, cert.issued_on)
    return ubnd, ubnd.facts_on(cert.issued_on)


def certificate_docx(cert: Certificate) -> bytes:
    """The certificate as a one-page A4 .docx (Times New Roman, NĐ 30 header) with its QR code; the
    signature block (authority and position, blank lines for the signature, the signer's name when
    known) at the bottom right."""
    import io

    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    from ocop.documents.text import place_date

    _ubnd, facts = issuing_body(cert)
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Cm(2), Cm(2), Cm(3), Cm(2)
    style = document.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)

    def para(text="", *, bold=False, size=None, center=True, italic=False):
        p = document.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        return p

    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    table.columns[0].width, table.columns[1].width = Cm(6), Cm(10)  # the grid LibreOffice reads
    left, right = table.rows[0].cells
    for cell, width, lines in (
        (left, Cm(6), facts.header_lines),
        (right, Cm(10), ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]),
    ):
        cell.width = width
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = cell.paragraphs[0].add_run("\n".join(lines))
        run.bold, run.font.size = True, Pt(12)
    para()
    para("GIẤY CHỨNG NHẬN", bold=True, size=20)
    para("SẢN PHẨM OCOP", bold=True, size=16)
    para(f"Số: {cert.number_display}", size=13)
    para()
    product = cert.product
    for label, value in (
        ("Sản phẩm", product.name),
        ("Chủ thể", product.entity.name),
        ("Địa chỉ", product.entity.address or str(product.entity.unit or "")),
        ("Đạt hạng", f"{cert.stars} sao"),
        ("Cơ quan công nhận", facts.name),
        ("Ngày công nhận", format_date(cert.issued_on)),
        ("Có giá trị đến hết ngày", format_date(cert.valid_until - dt.timedelta(days=1))),
    ):
        p = document.add_paragraph()
        p.add_run(f"{label}: ")
        p.add_run(value).bold = True
    para()
    # the QR code of the public check on the left, the signature block on the right (NĐ 30: the
    # authority, position, room for the signature and the seal, the signer's name, centred in its column)
    bottom = document.add_table(rows=1, cols=2)
    bottom.autofit = False
    bottom.columns[0].width, bottom.columns[1].width = Cm(6.5), Cm(9.5)
    qr_cell, sign_cell = bottom.rows[0].cells
    qr_cell.width, sign_cell.width = Cm(6.5), Cm(9.5)

    def cell_para(cell, text="", *, bold=False, italic=False, size=None, first=False):
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = p.add_run(text)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        return p

    cell_para(qr_cell, first=True).add_run().add_picture(io.BytesIO(qr_png(verification_url(cert))), width=Cm(3.5))
    cell_para(qr_cell, "Quét mã QR hoặc nhập số giấy chứng nhận tại", italic=True, size=10)
    cell_para(qr_cell, verification_url(cert).split("?")[0], italic=True, size=10)
    cell_para(sign_cell, place_date(facts.place, cert.issued_on), italic=True, first=True)
    cell_para(sign_cell, facts.signature_title or "", bold=True)
    for _blank in range(4):  # room for the signature and the seal (NĐ 30, boxes 7c and 8)
        cell_para(sign_cell)
    if (facts.signer_name or "").strip():
        cell_para(sign_cell, facts.signer_name.strip(), bold=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def certificate_pdf(cert: Certificate) -> bytes:
    """The printable certificate (LibreOffice converts the .docx above)."""
    from ocop.documents.pdf import convert_to_pdf

    return convert_to_pdf(certificate_docx(cert))


# --- signing hooks (filled by ocop.signing, which sits above this app: docs/signing.md) -------------

# sent by ocop.evaluation.rounds when a round's closing issues a certificate (kwargs: certificate,
# actor); ocop.signing queues the signed PDF when the transaction commits
certificate_issued = Signal()

_printable_hooks: list = []


def register_printable(hook) -> None:
    """`hook(cert, user)` returns the PDF to hand out (the signed one) or None; the first answer wins."""
    if hook not in _printable_hooks:
        _printable_hooks.append(hook)


def printable_pdf(cert: Certificate, user=None) -> bytes:
    """The certificate to print or download: the signed PDF when a registered hook gives one (the
    signing app, when the issuing body has keys), else the unsigned PDF."""
    for hook in _printable_hooks:
        data = hook(cert, user)
        if data:
            return data
    return certificate_pdf(cert)
