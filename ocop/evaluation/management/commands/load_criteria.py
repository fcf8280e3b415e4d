from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.evaluation.criteria import DefinitionError
from ocop.evaluation.loader import DATA_DIR, load_criteria


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu đánh giá, phân hạng OCOP (văn bản, phân loại, bộ tiêu chí, thang sao, quy trình) từ "
        "ocop/evaluation/data/*.json. Chạy lại nhiều lần không sao; một phiên bản đã nạp không bao giờ bị sửa: "
        "muốn thay đổi thì tăng “version” trong tệp."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DATA_DIR), help="Thư mục chứa các tệp dữ liệu (.json).")

    def handle(self, *args, dir=None, **options):
        directory = Path(dir or DATA_DIR)
        if not directory.is_dir():
            raise CommandError(f"Không có thư mục {directory}.")
        try:
            report = load_criteria(directory)
        except DefinitionError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(report.summary())
