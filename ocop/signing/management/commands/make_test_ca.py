"""python manage.py make_test_ca: the local TEST CA (var/signing) with certificates and demo images
for the demo signers and organisations. Development and demo only (docs/signing.md)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ocop.signing import keys
from ocop.signing.demo import create_test_ca


class Command(BaseCommand):
    help = "Tạo CA THỬ NGHIỆM cục bộ và chứng thư số, ảnh chữ ký/con dấu mẫu cho người ký, cơ quan của dữ liệu mẫu."

    def handle(self, *args, **options):
        counts = create_test_ca()
        self.stdout.write(
            f"CA thử nghiệm: {keys.test_ca_path()} ({keys.TEST_CA_SUBJECT}); "
            f"{counts['signers']} người ký, {counts['organisations']} cơ quan, {counts['images']} ảnh mẫu mới."
        )
