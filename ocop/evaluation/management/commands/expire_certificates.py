from django.core.management.base import BaseCommand, CommandError

from ocop.evaluation.certificates import run_certificate_notices
from ocop.lib.dates import DateParseError, format_date, parse_date


class Command(BaseCommand):
    help = (
        "Chuyển các giấy chứng nhận OCOP đã hết hạn sang “Hết hiệu lực” (cả trạng thái sản phẩm) và gửi "
        "thông báo sắp hết hiệu lực (trước ngày hết hiệu lực theo quy trình, 30 ngày) — mỗi giấy một lần. "
        "Chạy lại nhiều lần không sao."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy (dd/mm/yyyy); mặc định hôm nay (giờ Việt Nam).")

    def handle(self, *args, date=None, **options):
        today = None
        if date:
            try:
                today = parse_date(date)
            except DateParseError as exc:
                raise CommandError(f"--date: {exc}") from exc
        run = run_certificate_notices(today)
        self.stdout.write(
            f"Ngày {format_date(run.today)}: {len(run.expired)} giấy chứng nhận hết hiệu lực, "
            f"{len(run.notified)} thông báo đã gửi, {len(run.failed)} lỗi."
        )
        if run.failed:
            raise CommandError(
                "Không gửi được thông báo cho giấy chứng nhận: " + ", ".join(str(pk) for pk, _e in run.failed)
            )
