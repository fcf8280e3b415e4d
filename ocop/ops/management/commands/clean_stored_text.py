"""python manage.py clean_stored_text — clean the text already stored (see ocop/ops/textclean.py)."""

from django.core.management.base import BaseCommand

from ocop.ops.textclean import clean_stored_text


class Command(BaseCommand):
    help = "Chuẩn hóa văn bản đã lưu: NFC, bỏ ký tự điều khiển và ký tự không hợp lệ (U+FFFE, U+FFFF…)."

    def handle(self, *args, **options):
        changed = clean_stored_text(log=self.stdout.write)
        self.stdout.write(f"Đã làm sạch {sum(changed.values())} dòng trong {len(changed)} bảng.")
