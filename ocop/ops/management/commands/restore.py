"""`manage.py restore FILE --yes [--no-media]`: put back a backup made by `manage.py backup`.

Replaces the database's contents with the archive's (SQLite backup API / pg_restore --clean), writes
the archived files back into the default storage, then checks the row count of every table against
the archive's manifest. Stop the web and worker processes first (docs/deploy.md, restore drill)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.lib.formatting import format_number
from ocop.ops.backup import BackupError, read_manifest, restore_backup


class Command(BaseCommand):
    help = "Restore the database and the uploaded files from a backup archive (replaces the current data)"

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", help="a .tar.gz written by `manage.py backup`")
        parser.add_argument("--yes", action="store_true", help="confirm: the current data is replaced")
        parser.add_argument(
            "--no-media", action="store_true", help="the database only; stored files are left as they are"
        )

    def handle(self, *args, archive, yes=False, no_media=False, **options) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Không có tệp “{path}”.")
        try:
            manifest = read_manifest(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            raise CommandError(
                f"Khôi phục sẽ thay toàn bộ dữ liệu hiện có bằng bản sao lưu lúc {manifest['created_at']}. "
                "Chạy lại với --yes để xác nhận."
            )
        try:
            report = restore_backup(path, include_media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Đã khôi phục từ {path.name}: {report.tables} bảng, {format_number(report.rows)} dòng (khớp bản sao lưu), "
            f"{report.files} tệp."
        )
