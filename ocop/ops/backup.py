"""Backups and restores of the whole system: the database and the uploaded/generated files.

A backup is one .tar.gz archive:

    manifest.json      what is inside: database vendor, time, Django version, the applied
                       migrations, row count of every table, size and SHA-256 of every file
    db.sqlite3         SQLite: a consistent copy made with SQLite's online backup API (the site
                       keeps running; writers wait only for the page copy)
    db.pgdump          PostgreSQL: `pg_dump --format=custom` (a consistent snapshot; restored with
                       `pg_restore`)
    media/<name>       every file of the default storage (MEDIA_ROOT, or the S3 bucket), read
                       through Django's storage API

`restore` puts the database back (SQLite: the backup API the other way; PostgreSQL: pg_restore
--clean --if-exists --single-transaction), writes every file back into the default storage, then
counts the rows of every table again and compares them with the manifest: any difference is an
error. Files of the storage that are not in the archive are left alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

import django
from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connections
from django.utils import timezone

FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that could not be made (message in Vietnamese)."""


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    mismatches: list[str] = field(default_factory=list)


# --- what the database holds -------------------------------------------------------------------


def table_counts(using: str = "default") -> dict[str, int]:
    """Row count of every table of the database (Django's and everything else in it)."""
    conn = connections[using]
    with conn.cursor() as cursor:
        names = sorted(conn.introspection.table_names(cursor))
        counts = {}
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {conn.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def table_checksums(using: str = "default") -> dict[str, str]:
    """SHA-256 of every table's rows in primary-key order (for tests and `restore --verify`)."""
    conn = connections[using]
    sums = {}
    with conn.cursor() as cursor:
        for name in sorted(conn.introspection.table_names(cursor)):
            columns = [c.name for c in conn.introspection.get_table_description(cursor, name)]
            order = ", ".join(conn.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT * FROM {conn.ops.quote_name(name)} ORDER BY {order}")
            digest = hashlib.sha256()
            for row in cursor.fetchall():
                digest.update(repr(tuple(_normal(v) for v in row)).encode())
            sums[name] = digest.hexdigest()
    return sums


def _normal(value):
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def applied_migrations(using: str = "default") -> list[str]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[using])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


# --- files of the default storage ------------------------------------------------------------


def storage_files(storage=None, prefix: str = "") -> list[str]:
    """Every file name in the storage (recursively), sorted."""
    storage = storage or default_storage
    try:
        directories, files = storage.listdir(prefix)
    except FileNotFoundError:
        return []
    names = [f"{prefix}{name}" for name in files]
    for directory in directories:
        names.extend(storage_files(storage, f"{prefix}{directory}/"))
    return sorted(names)


def _sha256_of(handle) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


# --- PostgreSQL tools --------------------------------------------------------------------------


def pg_tool(name: str) -> str:
    """The path of pg_dump / pg_restore: on PATH, or the newest in /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    candidates = sorted(glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(p.split("/")[4]))
    if candidates:
        return candidates[-1]  # the newest: it reads dumps of any older server
    if found:
        return found
    raise BackupError(f"Không tìm thấy chương trình {name} (cài gói postgresql-client).")


def _pg_env_and_args(using: str) -> tuple[dict, list[str]]:
    s = connections[using].settings_dict
    env = dict(os.environ)
    args = []
    if s.get("HOST"):
        args += ["--host", str(s["HOST"])]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", str(s["USER"])]
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = str(s["PASSWORD"])
    args += ["--dbname", str(s["NAME"])]
    return env, args


def _run(cmd: list[str], env: dict) -> None:
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} thất bại ({result.returncode}): {result.stderr.strip()[-2000:]}")


# --- backup --------------------------------------------------------------------------------------


def default_backup_path() -> Path:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return Path(settings.VAR_DIR) / "backups" / f"ocop-{stamp}.tar.gz"


def make_backup(out: Path, *, include_media: bool = True, using: str = "default") -> dict:
    """Write the archive `out` (see the module docstring); returns the manifest."""
    conn = connections[using]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="ocop-backup-") as tmp:
        tmp_dir = Path(tmp)
        counts = table_counts(using)
        if conn.vendor == "sqlite":
            db_name, db_file = "db.sqlite3", tmp_dir / "db.sqlite3"
            conn.ensure_connection()
            target = sqlite3.connect(db_file)
            try:
                conn.connection.backup(target)
            finally:
                target.close()
        elif conn.vendor == "postgresql":
            db_name, db_file = "db.pgdump", tmp_dir / "db.pgdump"
            env, args = _pg_env_and_args(using)
            _run(
                [pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", "--file", str(db_file), *args],
                env,
            )
        else:
            raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu {conn.vendor}.")
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "vendor": conn.vendor,
            "django": django.get_version(),
            "database_file": db_name,
            "migrations": applied_migrations(using),
            "tables": counts,
            "files": [],
        }
        with db_file.open("rb") as fh:
            manifest["database_sha256"], _size = _sha256_of(fh)
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(db_file, arcname=db_name)
            if include_media:
                for name in storage_files():
                    try:
                        handle = default_storage.open(name, "rb")
                    except FileNotFoundError:
                        continue  # deleted while we were copying
                    with handle:
                        sha, size = _sha256_of(handle)
                        handle.seek(0)
                        info = tarfile.TarInfo(f"media/{name}")
                        info.size = size
                        info.mtime = int(timezone.now().timestamp())
                        tar.addfile(info, handle)
                    manifest["files"].append({"name": name, "size": size, "sha256": sha})
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size = len(data)
            info.mtime = int(timezone.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
    os.replace(partial, out)
    return manifest


# --- restore -------------------------------------------------------------------------------------


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember("manifest.json")
            return json.load(tar.extractfile(member))
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as exc:
        raise BackupError(f"Tệp “{Path(archive).name}” không phải bản sao lưu hợp lệ: {exc}") from exc


def restore_backup(archive: Path, *, include_media: bool = True, using: str = "default") -> RestoreReport:
    """Put the database and files of `archive` back; raises BackupError when the archive does not
    fit this database or the restored tables differ from the manifest."""
    conn = connections[using]
    archive = Path(archive)
    manifest = read_manifest(archive)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Bản sao lưu định dạng {manifest.get('format')} không đọc được (cần {FORMAT_VERSION}).")
    if manifest["vendor"] != conn.vendor:
        raise BackupError(
            f"Bản sao lưu của {manifest['vendor']} không khôi phục được vào {conn.vendor}: "
            "hãy dùng cùng loại cơ sở dữ liệu (hoặc chuyển dữ liệu bằng dumpdata/loaddata)."
        )
    report = RestoreReport()
    with tempfile.TemporaryDirectory(prefix="ocop-restore-") as tmp, tarfile.open(archive, "r:gz") as tar:
        db_name = manifest["database_file"]
        db_file = Path(tmp) / db_name
        source = tar.extractfile(tar.getmember(db_name))
        with db_file.open("wb") as fh:
            shutil.copyfileobj(source, fh)
        with db_file.open("rb") as fh:
            if _sha256_of(fh)[0] != manifest["database_sha256"]:
                raise BackupError(f"Tệp cơ sở dữ liệu trong “{archive.name}” bị hỏng (sai mã kiểm tra).")
        if conn.vendor == "sqlite":
            conn.ensure_connection()
            src = sqlite3.connect(db_file)
            try:
                src.backup(conn.connection)
            finally:
                src.close()
        else:
            conn.close()
            env, args = _pg_env_and_args(using)
            _run(
                [
                    pg_tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    "--exit-on-error",
                    *args,
                    str(db_file),
                ],
                env,
            )
        if include_media:
            for entry in manifest["files"]:
                member = tar.extractfile(f"media/{entry['name']}")
                data = member.read()
                if hashlib.sha256(data).hexdigest() != entry["sha256"]:
                    raise BackupError(f"Tệp “{entry['name']}” trong bản sao lưu bị hỏng (sai mã kiểm tra).")
                if default_storage.exists(entry["name"]):
                    default_storage.delete(entry["name"])
                saved = default_storage.save(entry["name"], File(io.BytesIO(data), name=entry["name"]))
                if saved != entry["name"]:
                    raise BackupError(f"Không ghi lại được tệp “{entry['name']}” (lưu thành “{saved}”).")
                report.files += 1
    counts = table_counts(using)
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            report.mismatches.append(f"{table}: {counts.get(table)} ≠ {expected}")
    report.tables = len(manifest["tables"])
    report.rows = sum(manifest["tables"].values())
    if report.mismatches:
        raise BackupError("Dữ liệu sau khi khôi phục khác bản sao lưu: " + "; ".join(report.mismatches[:20]))
    return report
