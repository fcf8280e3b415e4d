"""manage.py load_issuers [--file PATH]: the dated issuer data (ocop/documents/issuers_data/issuers.json)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ocop.documents.issuers import DATA_FILE, load_issuers


class Command(BaseCommand):
    help = "Nạp dữ liệu cơ quan ban hành theo ngày (tên, tiêu đề, ký hiệu, người ký, đầu mối liên hệ, nguồn)."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DATA_FILE))

    def handle(self, *args, **options):
        counts = load_issuers(options["file"])
        self.stdout.write(f"Cơ quan ban hành mới: {counts['issuers']}; phiên bản mới: {counts['versions']}.")
