"""`manage.py backup [--out FILE] [--no-media]`: one .tar.gz with the database and every stored file.

SQLite is copied with its online backup API, PostgreSQL with `pg_dump --format=custom`; the files
of the default storage (MEDIA_ROOT or S3) are read through Django's storage API. A manifest lists
the row count of every table and the SHA-256 of every file (see ocop/ops/backup.py). Restore with
`manage.py restore FILE --yes`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ocop.lib.formatting import format_number
from ocop.ops.backup import BackupError, default_backup_path, make_backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one .tar.gz archive"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--out", help="archive to write (default: var/backups/ocop-YYYYmmdd-HHMMSS.tar.gz)")
        parser.add_argument("--no-media", action="store_true", help="the database only, without the stored files")

    def handle(self, *args, out=None, no_media=False, **options) -> None:
        path = Path(out) if out else default_backup_path()
        try:
            manifest = make_backup(path, include_media=not no_media)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        size = sum(f["size"] for f in manifest["files"])
        self.stdout.write(
            f"Đã sao lưu vào {path}: cơ sở dữ liệu {manifest['vendor']} ({len(manifest['tables'])} bảng, "
            f"{format_number(rows)} dòng), {len(manifest['files'])} tệp ({format_number(size)} byte)."
        )
