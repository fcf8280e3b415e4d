import csv

from django.core.management.base import BaseCommand, CommandError

from ocop.lib.dates import DateParseError, parse_date
from ocop.programme.board import CSV_HEADER, build_board


class Command(BaseCommand):
    help = (
        "In ra CSV (stdout) bảng theo dõi triển khai Chương trình OCOP của các tỉnh tại một ngày "
        "(63 tỉnh trước 01/7/2025, 34 tỉnh từ 01/7/2025)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", required=True, help="Ngày, dạng YYYY-MM-DD hoặc dd/mm/yyyy.")
        parser.add_argument(
            "--from", dest="start", help="Đầu kỳ tính văn bản, hoạt động, kinh phí (mặc định 01/01 của năm)."
        )
        parser.add_argument("--to", dest="end", help="Cuối kỳ (mặc định là --date).")

    def handle(self, *args, date, start=None, end=None, **options):
        try:
            day = parse_date(date)
            period_start = parse_date(start) if start else day.replace(month=1, day=1)
            period_end = parse_date(end) if end else day
        except DateParseError as exc:
            raise CommandError(str(exc)) from exc
        if period_start > period_end:
            raise CommandError("Đầu kỳ (--from) phải trước cuối kỳ (--to).")
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(CSV_HEADER)
        try:
            for row in build_board(day, (period_start, period_end)):
                writer.writerow(row.csv_row())
        except BrokenPipeError:
            pass
