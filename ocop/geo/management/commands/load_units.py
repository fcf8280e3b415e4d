from django.core.management.base import BaseCommand

from ocop.geo.loader import load_units


class Command(BaseCommand):
    help = "Nạp danh mục đơn vị hành chính (63 tỉnh cũ, 34 tỉnh mới, lịch sử từ 01/01/2018 và bảng chuyển đổi) từ ocop/geo/data. Chạy lại nhiều lần không sao."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Nạp lại kể cả khi tệp dữ liệu không đổi.")

    def handle(self, *args, force=False, **options):
        report = load_units(force=force)
        if report.skipped:
            self.stdout.write("Danh mục đơn vị hành chính đã cập nhật, không cần nạp lại.")
        else:
            self.stdout.write(
                f"Đã nạp đơn vị hành chính: {report.created} mới, {report.updated} cập nhật, "
                f"{report.versions} tên gọi theo thời kỳ, {report.successions} quan hệ kế thừa."
            )
            for line in report.changes:
                self.stdout.write(f"  {line}")
            for line in report.kept:
                self.stdout.write(f"  Giữ lại (không còn trong dữ liệu mới, hồ sơ vẫn tham chiếu): {line}")
