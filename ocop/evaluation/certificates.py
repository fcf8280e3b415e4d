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
from django.urls import reverse
from django.utils import timezone

from ocop.accounts.models import User
from ocop.audit.services import log_action
from ocop.evaluation.models import procedure_rule_on
from ocop.evaluation.models_rounds import Certificate, CertificateNotice, CertificateStatus, NoticeKind
from ocop.geo.models import Level
from ocop.notifications.services import notify
from ocop.products.models import ProductStatus
from ocop.products.services import record_status_change

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
    from ocop.reporting.reminders import unit_officers

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
        return {"today": self.today.isoformat(), "expired": self.expired, "notified": self.notified,
                "failed": [list(f) for f in self.failed]}


@transaction.atomic
def expire_certificate(cert: Certificate, today: dt.date) -> bool:
    cert = Certificate.objects.select_for_update().select_related("product").get(pk=cert.pk)
    if cert.status != CertificateStatus.VALID or cert.valid_until > today:
        return False
    cert.status = CertificateStatus.EXPIRED
    cert.save(update_fields=["status"])
    product = cert.product
    if product.status == ProductStatus.CERTIFIED and not product.certificates.filter(status=CertificateStatus.VALID).exists():
        record_status_change(product, ProductStatus.EXPIRED, None,
                             reason=f"Giấy chứng nhận {cert.number_display} hết hiệu lực từ ngày {cert.valid_until:%d/%m/%Y}")
    log_action(None, "ocop.evaluation.certificate.expired", cert, before={"status": CertificateStatus.VALID},
               after={"status": CertificateStatus.EXPIRED, "valid_until": cert.valid_until}, unit=product.unit)
    return True


def compose(cert: Certificate) -> tuple[str, str, str, str]:
    """(subject, body, in-app text, path) of the expiry notice, in Vietnamese."""
    path = reverse("evaluation:certificate_detail", args=[cert.pk])
    link = f"{getattr(settings, 'SITE_URL', '').rstrip('/')}{path}"
    until = cert.valid_until.strftime("%d/%m/%Y")
    subject = f"[OCOP] Giấy chứng nhận {cert.number_display} sắp hết hiệu lực ({until})"
    body = "\n".join([
        f"Kính gửi: {cert.product.entity.name},",
        "",
        f"Giấy chứng nhận sản phẩm OCOP số {cert.number_display} của sản phẩm “{cert.product.name}” "
        f"({cert.stars} sao) hết hiệu lực từ ngày {until}.",
        "Đề nghị chủ thể chuẩn bị hồ sơ và gửi đề nghị đánh giá lại (hoặc nâng hạng sao) trên hệ thống tại:",
        link,
        "",
        "Đây là thư tự động, xin không trả lời.",
    ])
    text = f"Giấy chứng nhận OCOP {cert.number_display} (“{cert.product.name}”) hết hiệu lực từ ngày {until}."
    return subject, body, text, path


def send_expiry_notice(cert: Certificate) -> bool:
    """Send the expiry notice of `cert` once. Returns False if it was sent before."""
    users = recipients(cert)
    emails = sorted({u.email.strip() for u in users if u.email and u.email.strip()})
    with transaction.atomic():
        _notice, created = CertificateNotice.objects.get_or_create(
            certificate=cert, kind=NoticeKind.EXPIRY_NOTICE, defaults={"recipients": ", ".join(emails)})
        if not created:
            return False
        subject, body, text, path = compose(cert)
        notify(users, text, path)
        log_action(None, "ocop.evaluation.certificate.expiry_notice_sent", cert,
                   after={"valid_until": cert.valid_until, "recipients": len(users), "emails": len(emails)},
                   unit=cert.product.unit)
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
    candidates = (Certificate.objects.filter(status=CertificateStatus.VALID, valid_until__gt=today)
                  .exclude(notices__kind=NoticeKind.EXPIRY_NOTICE)
                  .select_related("product", "product__entity", "issuer_unit", "round_product__round__procedure")
                  .order_by("pk"))
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
