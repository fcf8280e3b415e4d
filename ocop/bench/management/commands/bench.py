import time

from django.core.management.base import BaseCommand, CommandError

from ocop.bench.benchmarks import GROUPS, all_benchmarks
from ocop.bench.harness import load_results, merge, report


class Command(BaseCommand):
    help = (
        "Chạy các phép đo hiệu năng trên cơ sở dữ liệu hiện tại (make bench: dữ liệu quy mô quốc gia); mỗi số đo là "
        "tỉ lệ so với mức chuẩn đo cùng lượt (SQL thuần, đọc tệp Excel trần, trang đơn giản nhất)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default="bench-results.json", help="Tệp JSON ghi kết quả.")
        parser.add_argument("--quick", action="store_true", help="Tải ngắn (kiểm thử): ít yêu cầu hơn.")
        parser.add_argument(
            "--append",
            action="store_true",
            help="Giữ các dòng của cơ sở dữ liệu khác đã có trong tệp JSON (make bench: SQLite rồi PostgreSQL, một bảng).",
        )
        parser.add_argument(
            "--no-pages", action="store_true", help="Không đo các trang dưới tải (không chạy gunicorn)."
        )
        parser.add_argument(
            "--only", default="", help="Chỉ đo một số nhóm, cách nhau bởi dấu phẩy: services, pages, weight, documents."
        )

    def handle(self, *args, out, quick=False, no_pages=False, append=False, only="", **options):
        start = time.perf_counter()
        groups = {g.strip() for g in only.split(",") if g.strip()} or None
        unknown = (groups or set()) - set(GROUPS)
        if unknown:
            raise CommandError(f"Nhóm không có: {', '.join(sorted(unknown))} (có: {', '.join(GROUPS)}).")
        results = all_benchmarks(quick=quick, pages=not no_pages, log=self.stderr.write, only=groups)
        if append:
            results = merge(load_results(out), results)
        self.stdout.write(report(results, out))
        self.stdout.write(
            f"\nKết quả ghi vào {out} (name, database, measured, baseline, ratio, unit; các trang: p50, p95, rps; "
            f"kind weight: số byte / ngân sách). Mục tiêu: tỉ lệ dịch vụ và trang ≤ 2, p95 của mọi trang ≤ 300 ms, "
            f"tỉ lệ weight ≤ 1. Thời gian đo: {time.perf_counter() - start:.0f} s."
        )
