import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from ocop.bench.scale import SIZES, AlreadyGenerated, Generator, marker
from ocop.lib.formatting import format_number


class Command(BaseCommand):
    help = (
        "Sinh bộ dữ liệu quy mô quốc gia để đo hiệu năng (hạt giống cố định): 10 năm báo cáo quý, năm của các tỉnh "
        "và huyện, 100.000 sản phẩm, 50.000 chủ thể, hội đồng chấm điểm, giấy chứng nhận. Dữ liệu được đánh dấu “[Sinh]”."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--size", choices=sorted(SIZES), default="full", help="small (kiểm thử) hoặc full (make bench)."
        )
        parser.add_argument("--seed", type=int, default=2018, help="Hạt giống ngẫu nhiên (mặc định 2018).")

    def handle(self, *args, size, seed, **options):
        start = time.perf_counter()
        self.stdout.write(f"Sinh dữ liệu quy mô “{size}” (hạt giống {seed})…")
        try:
            counts = Generator(SIZES[size], seed, log=self.stdout.write).run()
        except AlreadyGenerated as exc:
            raise CommandError(
                f"Cơ sở dữ liệu này đã có dữ liệu sinh “{exc}” (kích cỡ:hạt giống); không sinh thêm “{size}:{seed}”. "
                "Dùng một cơ sở dữ liệu mới."
            ) from exc
        if not counts:
            row = marker()
            self.stdout.write(
                f"Đã có sẵn dữ liệu sinh “{row.sha256}” ({row.rows} dòng, {row.loaded_at:%d/%m/%Y %H:%M}): không làm gì."
            )
            return
        if connection.vendor == "postgresql":
            # as after any bulk load (PostgreSQL manual, "Populating a Database"): the planner's
            # statistics and the visibility map made now, not by autovacuum in the middle of the
            # measurements that follow (make bench runs the services right after)
            # (VACUUM cannot run inside a transaction, as in a test: there the statistics only)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        summary = "; ".join(f"{name}: {format_number(n)}" for name, n in counts.items())
        self.stdout.write(f"Xong trong {time.perf_counter() - start:.0f} s — {summary}.")
