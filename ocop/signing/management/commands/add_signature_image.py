"""python manage.py add_signature_image --signer "Trần Thanh Nam" chu-ky.png
python manage.py add_signature_image --organisation BNN-VPĐP --width-mm 36 con-dau.png

Records the image of a signer's handwritten signature or an organisation's seal (PNG, transparent
background, checked); the previous image of the same signer or organisation stops being used."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from ocop.signing import services_images
from ocop.lib.forms import error_text


class Command(BaseCommand):
    help = "Nạp ảnh chữ ký (người ký) hoặc ảnh con dấu (cơ quan): PNG nền trong suốt."

    def add_arguments(self, parser):
        parser.add_argument("png")
        who = parser.add_mutually_exclusive_group(required=True)
        who.add_argument("--signer", help="Họ tên người ký")
        who.add_argument("--organisation", help="Ký hiệu cơ quan, ví dụ BNN-VPĐP")
        parser.add_argument("--width-mm", type=float, default=None, help="Chiều rộng thật (mm) của con dấu")

    def handle(self, *args, png, signer, organisation, width_mm, **options):
        try:
            data = Path(png).read_bytes()
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {png}: {exc}") from exc
        try:
            item = services_images.do_add_image(
                None, data, signer_name=signer or "", organisation_code=organisation or "", width_mm=width_mm
            )
        except ValidationError as exc:
            raise CommandError(error_text(exc)) from exc
        self.stdout.write(f"Đã nạp {item}.")
