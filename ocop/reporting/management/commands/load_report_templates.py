from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.reporting.loader import DATA_DIR, load_templates
from ocop.reporting.schema import DefinitionError


class Command(BaseCommand):
    help = (
        "Nạp các mẫu báo cáo (ocop/reporting/templates_data/*.json). Chạy lại nhiều lần không sao; "
        "một phiên bản đã nạp không bao giờ bị sửa: muốn thay đổi thì tăng “version” trong tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DATA_DIR), help="Thư mục chứa các tệp mẫu báo cáo (.json).")

    def handle(self, *args, dir=None, **options):
        directory = Path(dir or DATA_DIR)
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục {directory}.")
        try:
            report = load_templates(directory)
        except DefinitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING("Cảnh báo: " + warning))
