"""`manage.py backup` and `restore` round-trip the database and the stored files with nothing lost:
the row count and a checksum of every table, and every file's bytes, are equal after a restore
(SQLite: the online backup API; PostgreSQL: pg_dump/pg_restore — the same test runs on both)."""

from __future__ import annotations

import io
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from ocop.demo.accounts import create_demo_users
from ocop.accounts.models import User
from ocop.audit.models import AuditEntry
from ocop.geo.loader import load_units
from ocop.ops.backup import read_manifest, storage_files, table_checksums, table_counts

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def test_backup_and_restore_round_trip(media, tmp_path):
    load_units()
    create_demo_users()
    AuditEntry.objects.create(action="ocop.test.before_backup", after={"ghi chú": "Đức Xuân & Ba Bể"})
    default_storage.save("reporting/consolidation/tong-hop-1-1.xlsx", ContentFile(b"PK\x03\x04 the national report"))
    default_storage.save("programme/tai-lieu/quyết định 1.pdf", ContentFile(b"%PDF-1.4\n" + bytes(range(256)) * 40))
    counts, sums = table_counts(), table_checksums()
    files = {name: default_storage.open(name).read() for name in storage_files()}
    archive = tmp_path / "backups" / "ocop.tar.gz"

    out = io.StringIO()
    call_command("backup", "--out", str(archive), stdout=out)
    assert "Đã sao lưu" in out.getvalue() and archive.exists()
    assert " bảng, " in out.getvalue()  # thousands grouped with a dot, the sentence keeps its commas
    manifest = read_manifest(archive)
    assert manifest["tables"] == counts and len(manifest["files"]) == 2
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
    assert {"manifest.json", manifest["database_file"], "media/reporting/consolidation/tong-hop-1-1.xlsx"} <= names

    # everything changes after the backup: rows added, changed and deleted, files deleted and changed
    User.objects.filter(username="tinh.hatinh").delete()
    User.objects.filter(username="tw.canbo").update(full_name="Đã sửa sau sao lưu")
    AuditEntry.objects.create(action="ocop.test.after_backup")
    default_storage.delete("reporting/consolidation/tong-hop-1-1.xlsx")
    default_storage.delete("programme/tai-lieu/quyết định 1.pdf")
    default_storage.save("programme/tai-lieu/quyết định 1.pdf", ContentFile(b"changed"))
    assert table_checksums() != sums

    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    out = io.StringIO()
    call_command("restore", str(archive), "--yes", stdout=out)
    assert "Đã khôi phục" in out.getvalue() and " bảng, " in out.getvalue() and "(khớp bản sao lưu), " in out.getvalue()

    assert table_counts() == counts
    assert table_checksums() == sums
    assert {name: default_storage.open(name).read() for name in storage_files()} == files
    assert User.objects.filter(username="tinh.hatinh").exists()
    assert not AuditEntry.objects.filter(action="ocop.test.after_backup").exists()
    assert AuditEntry.objects.get(action="ocop.test.before_backup").after == {"ghi chú": "Đức Xuân & Ba Bể"}


def test_restore_refuses_a_damaged_or_foreign_archive(media, tmp_path):
    bad = tmp_path / "not-a-backup.tar.gz"
    bad.write_bytes(b"garbage")
    with pytest.raises(CommandError, match="không phải bản sao lưu hợp lệ"):
        call_command("restore", str(bad), "--yes")
    with pytest.raises(CommandError, match="Không có tệp"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--yes")
