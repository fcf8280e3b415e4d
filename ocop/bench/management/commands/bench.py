from django.core.management.base import BaseCommand

from ocop.bench.benchmarks import all_benchmarks
from ocop.bench.harness import report


class Command(BaseCommand):
    help = "Chạy các phép đo hiệu năng; mỗi số đo là tỉ lệ so với mức chuẩn đo cùng lượt (SQL thuần)."

    def add_arguments(self, parser):
        parser.add_argument("--out", default="bench-results.json", help="Tệp JSON ghi kết quả.")

    def handle(self, *args, out, **options):
        self.stdout.write(report(all_benchmarks(), out))
        self.stdout.write(f"\nKết quả ghi vào {out} (name, measured, baseline, ratio, unit).")
