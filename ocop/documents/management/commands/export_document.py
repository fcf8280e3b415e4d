"""python manage.py export_document "9654/BNN-VPĐP" --year 2018 --format pdf --out cv9654.pdf"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ocop.documents import services
from ocop.documents.hooks import signed_pdf
from ocop.documents.pdf import ConversionError
from ocop.lib.forms import error_text


class Command(BaseCommand):
    help = "Xuất một văn bản đi đã ban hành (theo số, ký hiệu và năm) ra tệp .docx hoặc .pdf."

    def add_arguments(self, parser):
        parser.add_argument("number_and_symbol", help="Số, ký hiệu văn bản, ví dụ: 9654/BNN-VPĐP")
        parser.add_argument("--year", type=int, required=True, help="Năm ban hành, ví dụ: 2018")
        parser.add_argument("--format", dest="fmt", default="docx", help="docx hoặc pdf (mặc định docx)")
        parser.add_argument("--out", required=True, help="Đường dẫn tệp kết quả")
        parser.add_argument(
            "--signed",
            action="store_true",
            help="Bản PDF đã ký số (người ký, rồi cơ quan; docs/signing.md), chỉ với --format pdf",
        )

    def handle(self, *args, number_and_symbol, year, fmt, out, signed=False, **options):
        fmt = (fmt or "").lower().lstrip(".")
        if fmt not in services.FORMATS:
            raise CommandError(f"Định dạng không hỗ trợ: “{fmt}”. Chọn docx hoặc pdf.")
        doc = services.find_issued(number_and_symbol, year)
        if doc is None:
            raise CommandError(f"Không tìm thấy văn bản đã ban hành số “{number_and_symbol}” năm {year}.")
        if signed and fmt != "pdf":
            raise CommandError("Chỉ xuất bản đã ký số với --format pdf.")
        try:
            if signed:
                data = signed_pdf(doc)
            else:
                data = services.render(doc, fmt)
        except ConversionError as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from exc
        target = Path(out)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {target}: {exc}") from exc
        self.stdout.write(
            f"Đã xuất {doc.get_kind_display()} số {doc.number_and_symbol} ({fmt}, {len(data)} byte) ra {target}."
        )
