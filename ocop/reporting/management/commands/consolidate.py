"""Write the national synthesis report of a request to a file, now (without the worker).

    python manage.py consolidate REQUEST_ID --format docx|pdf|xlsx --out FILE [--include-submitted]

The same document as the consolidation page's downloads: .docx from the repository's template
(ocop/documents/docx_templates/bao_cao_tong_hop.docx), .pdf through LibreOffice, .xlsx with a sheet
per table and the unit-by-field matrix. "-" as FILE writes to standard output.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.lib.formatting import format_number
from ocop.reporting import national_report
from ocop.reporting.consolidation import consolidate
from ocop.reporting.models import ReportRequest


class Command(BaseCommand):
    help = "Tạo báo cáo tổng hợp của một yêu cầu báo cáo (.docx, .pdf hoặc .xlsx) và ghi ra tệp."

    def add_arguments(self, parser):
        parser.add_argument(
            "request_id", help="Mã (số) của yêu cầu báo cáo, như trong địa chỉ /reports/requests/<số>/."
        )
        parser.add_argument("--format", dest="fmt", default="docx", help="docx (mặc định), pdf hoặc xlsx.")
        parser.add_argument("--out", required=True, help="Tệp ghi ra; “-” để ghi ra đầu ra chuẩn.")
        parser.add_argument(
            "--include-submitted",
            action="store_true",
            help="Tính cả báo cáo đã nộp nhưng chưa được tiếp nhận (đánh dấu là tạm thời).",
        )

    def handle(self, *args, request_id, fmt, out, include_submitted=False, **options):
        fmt = (fmt or "").strip().lower().lstrip(".")
        if fmt not in national_report.FORMATS:
            raise CommandError(
                f"Định dạng “{fmt}” không được hỗ trợ: chọn một trong {', '.join(national_report.FORMATS)}."
            )
        try:
            pk = int(str(request_id).strip())
        except ValueError:
            raise CommandError(f"Mã yêu cầu báo cáo “{request_id}” không hợp lệ: phải là một số.") from None
        req = ReportRequest.objects.select_related("template").filter(pk=pk).first()
        if req is None:
            raise CommandError(f"Không có yêu cầu báo cáo số {pk}.")
        c = consolidate(req, include_submitted=include_submitted)
        try:
            content = national_report.render(c, fmt)
        except Exception as exc:  # LibreOffice missing or failing, a template that cannot be read
            raise CommandError(f"Không tạo được tệp {fmt}: {exc}") from exc
        if out == "-":
            sys.stdout.buffer.write(content)
            sys.stdout.buffer.flush()
            return
        path = Path(out)
        if path.parent and not path.parent.exists():
            raise CommandError(f"Thư mục “{path.parent}” không tồn tại.")
        path.write_bytes(content)
        size = format_number(len(content))
        self.stderr.write(
            f"Đã ghi {path} ({size} byte): {req.title}; {len(c.rows)}/{c.summary.expected} báo cáo được tổng hợp, "
            f"{len(c.missing)} chưa nộp, {len(c.late)} nộp muộn."
        )
