"""Several machines share files through Django's storage API only: a local folder by default, an
S3-compatible bucket when S3_BUCKET is set. No code keeps uploaded or generated files on the local
disk of one node, and the files are never served straight from MEDIA_URL (downloads go through
scoped views)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ocop.ops.tests.test_security import production_env

BASE_DIR = Path(settings.BASE_DIR)
LOCAL_WRITE = re.compile(
    r"write_bytes|write_text|open\([^)]*[\"'](?:w|wb|a|ab|x|xb|w\+|wb\+)[\"']|shutil\.(?:copy|move)|os\.rename"
)
# local files that are not shared state: a file the operator names on the command line (--out), temporary
# files of one conversion, the development secret key, benchmark results, the backup archive's temp folder,
# the development TEST CA's keys (secrets of one machine, like the secret key: never in shared storage;
# production signs with PKCS#12 files or tokens named in settings, docs/signing.md)
ALLOWED = {
    "ocop/settings.py",
    "ocop/documents/pdf.py",
    "ocop/ops/backup.py",
    "ocop/bench/harness.py",
    "ocop/signing/keys.py",
}


def test_persistent_files_go_through_the_storage_api():
    offenders = []
    for path in sorted((BASE_DIR / "ocop").rglob("*.py")):
        rel = path.relative_to(BASE_DIR).as_posix()
        if "/tests/" in rel or "/management/commands/" in rel or "/migrations/" in rel or rel in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if LOCAL_WRITE.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert not offenders, "write through default_storage / a FileField instead:\n" + "\n".join(offenders)


def test_s3_storage_is_configured_from_the_environment(tmp_path):
    env = production_env(
        tmp_path,
        S3_BUCKET="ocop-files",
        S3_ENDPOINT_URL="https://s3.example.vn",
        S3_REGION="hn-1",
        S3_ACCESS_KEY_ID="ocop",
        **{"S3_SECRET_ACCESS_KEY": "from-the-environment"},
    )
    code = "from django.conf import settings as s; import json; print(json.dumps(s.STORAGES['default']))"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    storage = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["endpoint_url"], options["region_name"]) == (
        "ocop-files",
        "https://s3.example.vn",
        "hn-1",
    )
    assert options["access_key"] == "ocop" and options["secret_key"] == "from-the-environment"
    assert options["default_acl"] is None and options["querystring_auth"] is True and options["file_overwrite"] is False


def test_local_storage_by_default():
    assert settings.STORAGES["default"]["BACKEND"] == "django.core.files.storage.FileSystemStorage"


@pytest.mark.django_db
def test_stored_files_are_not_served_from_media_url(client, demo_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    name = default_storage.save("reporting/consolidation/bi-mat.xlsx", ContentFile(b"PK\x03\x04"))
    assert (tmp_path / name).exists()
    client.force_login(demo_users["tw.quantri"])
    assert client.get(settings.MEDIA_URL + name).status_code == 404
