"""PDF from .docx through LibreOffice headless.

Each conversion runs its own `soffice` process with a fresh user profile
(`-env:UserInstallation=file:///tmp/ocop-pdf-…/profile`) inside a temporary directory that is removed
afterwards: two conversions at the same time never share (and never lock) a profile. The documents
name Times New Roman; LibreOffice renders them with the metric-identical Liberation Serif
(`fonts-liberation2`), so the lines break where Word breaks them.

LibreOffice is installed by `make run` / `make test` (scripts/ensure_system.sh) when missing.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

PDF_MAGIC = b"%PDF-"


class ConversionError(RuntimeError):
    """The PDF could not be produced; the message (Vietnamese) says why."""


class LibreOfficeMissing(ConversionError):
    """LibreOffice (soffice) is not installed on this machine."""


def soffice_path() -> str | None:
    """The LibreOffice executable, or None. OCOP_SOFFICE may name it explicitly."""
    configured = os.environ.get("OCOP_SOFFICE")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def _kill_group(proc: subprocess.Popen) -> None:
    """Kill the conversion's own process group (soffice starts soffice.bin as a child)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


OWNER_FILE = "owner"  # "<pid of the converting process> <process group of its soffice>"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_orphans() -> int:
    """Remove what a conversion killed with its process (SIGKILL, out of memory) left behind: its
    LibreOffice processes (found by the temporary directory named in their command line, so a
    reused process id is never hit) and the directory. Returns the directories removed."""
    removed = 0
    for directory in Path(tempfile.gettempdir()).glob("ocop-pdf-*"):
        try:
            owner_pid, _group = (int(x) for x in (directory / OWNER_FILE).read_text().split())
        except (OSError, ValueError):
            continue  # starting, or not ours
        if owner_pid == os.getpid() or _alive(owner_pid):
            continue
        for proc_dir in Path("/proc").glob("[0-9]*"):
            try:
                if str(directory) in (proc_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(
                    "utf-8", "replace"
                ):
                    os.kill(int(proc_dir.name), signal.SIGKILL)
            except (OSError, ValueError):
                continue
        shutil.rmtree(directory, ignore_errors=True)
        removed += 1
    return removed


def convert_to_pdf(docx: bytes, *, timeout: int = 120) -> bytes:
    """The PDF of a .docx document (bytes in, bytes out). Raises ConversionError (LibreOfficeMissing
    when soffice is not installed) with a Vietnamese message; never leaves files or processes behind."""
    soffice = soffice_path()
    if not soffice:
        raise LibreOfficeMissing(
            _(
                "Không tạo được tệp PDF: máy chủ chưa cài LibreOffice (gói libreoffice-writer-nogui). "
                "Chạy “make run” hoặc “bash scripts/ensure_system.sh” với quyền root để cài đặt."
            )
        )
    if not docx:
        raise ConversionError(_("Không tạo được tệp PDF: tệp .docx rỗng."))
    sweep_orphans()
    with tempfile.TemporaryDirectory(prefix="ocop-pdf-") as tmp:
        tmp_path = Path(tmp)
        source = tmp_path / "document.docx"
        source.write_bytes(docx)
        out_dir = tmp_path / "out"
        out_dir.mkdir()
        profile = tmp_path / "profile"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nodefault",
            "--nolockcheck",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(out_dir),
            str(source),
        ]
        env = {**os.environ, "HOME": str(tmp_path), "TMPDIR": str(tmp_path)}
        try:
            proc = subprocess.Popen(
                cmd,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                stdin=subprocess.DEVNULL,
                cwd=tmp,
                env=env,
                start_new_session=True,
            )
        except OSError as exc:
            raise LibreOfficeMissing(
                _("Không chạy được LibreOffice (%(cmd)s): %(error)s") % {"cmd": soffice, "error": exc}
            ) from exc
        (tmp_path / OWNER_FILE).write_text(f"{os.getpid()} {proc.pid}")  # for sweep_orphans if this process is killed
        try:
            stdout, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise ConversionError(
                _("Không tạo được tệp PDF: LibreOffice không trả kết quả sau %(seconds)s giây.") % {"seconds": timeout}
            ) from None
        finally:
            if proc.poll() is None:
                _kill_group(proc)
        result = out_dir / "document.pdf"
        data = result.read_bytes() if result.exists() else b""
        if proc.returncode != 0 or not data.startswith(PDF_MAGIC):
            detail = (stderr or stdout or b"").decode("utf-8", "replace").strip()[-500:]
            raise ConversionError(
                _("Không tạo được tệp PDF: LibreOffice báo lỗi (mã %(code)s). %(detail)s")
                % {"code": proc.returncode, "detail": detail}
            )
        return data
