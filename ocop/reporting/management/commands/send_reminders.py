"""Send the due deadline reminders now, without the worker (operators; catch-up after an outage).

For every open request (or those given with --request), the latest reminder whose send time has
come within the last --catch-up-days days is sent to the units that have not submitted; a unit
already reminded for that offset gets nothing again. The background worker does the same on
schedule: this command is safe to run alongside it.
"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ocop.reporting import reminders
from ocop.reporting.models import ReminderSent, ReportRequest, RequestStatus
from ocop.reporting.services.completeness import missing_units
from ocop.lib.dates import format_date


class Command(BaseCommand):
    help = "Gửi ngay các lời nhắc hạn nộp báo cáo đã đến hạn (cho các yêu cầu đang thu thập)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--request",
            type=int,
            action="append",
            dest="requests",
            metavar="ID",
            help="Chỉ yêu cầu này (có thể lặp lại).",
        )
        parser.add_argument(
            "--catch-up-days",
            type=int,
            default=3,
            help="Bỏ qua lời nhắc có giờ gửi cũ hơn số ngày này (mặc định 3), để không nhắc các yêu cầu cũ.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không gửi.")

    def handle(self, *args, requests=None, catch_up_days=3, dry_run=False, **options):
        if catch_up_days < 0:
            raise CommandError("--catch-up-days phải từ 0 trở lên.")
        now = timezone.now()
        qs = ReportRequest.objects.filter(status=RequestStatus.OPEN).order_by("deadline", "pk")
        if requests:
            qs = qs.filter(pk__in=requests)
            found = set(qs.values_list("pk", flat=True))
            for pk in sorted(set(requests) - found):
                self.stderr.write(f"Không có yêu cầu đang thu thập mã {pk}.")
        total_sent = total_already = total_failed = considered = 0
        for req in qs:
            due = reminders.due_offsets(req, now, within=dt.timedelta(days=catch_up_days))
            if not due:
                continue
            offset = due[-1]  # the latest due reminder supersedes the earlier ones
            considered += 1
            label = f"Yêu cầu #{req.pk} «{req.title}» (hạn {format_date(req.deadline)}), mốc nhắc {offset:+d} ngày"
            if dry_run:
                units = missing_units(req)
                done = set(
                    ReminderSent.objects.filter(request=req, offset_days=offset).values_list("unit_id", flat=True)
                )
                todo = [u.code for u in units if u.pk not in done]
                self.stdout.write(
                    f"{label}: {len(units)} đơn vị chưa nộp, sẽ nhắc {len(todo)} đơn vị ({', '.join(todo) or '—'})"
                    " — chạy thử, không gửi."
                )
                continue
            run = reminders.send_reminders_for(req, offset, now)
            total_sent += len(run.sent)
            total_already += len(run.already)
            total_failed += len(run.failed)
            line = f"{label}: đã gửi {len(run.sent)} đơn vị, {len(run.already)} đơn vị đã được nhắc trước đó"
            if run.failed:
                line += f", lỗi {len(run.failed)} đơn vị ({', '.join(code for code, _e in run.failed)})"
            self.stdout.write(line + ".")
        if dry_run:
            self.stdout.write(f"Chạy thử: {considered} yêu cầu có lời nhắc đến hạn.")
        else:
            self.stdout.write(
                f"Tổng cộng: {total_sent} lời nhắc đã gửi, {total_already} đã gửi trước đó, "
                f"{total_failed} lỗi, trong {considered} yêu cầu có lời nhắc đến hạn."
            )
        if total_failed:
            raise CommandError(f"{total_failed} lời nhắc chưa gửi được; chạy lại lệnh sau khi khắc phục.")
