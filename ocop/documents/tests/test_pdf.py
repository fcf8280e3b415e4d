"""convert_to_pdf: LibreOffice headless, one user profile per conversion, clear Vietnamese errors."""

from __future__ import annotations

import concurrent.futures
import os
import stat
import tempfile
from pathlib import Path

import pytest

from ocop.documents.pdf import ConversionError, LibreOfficeMissing, convert_to_pdf
from ocop.documents.tests.conftest import pdf_text

SAMPLE = Path(__file__).resolve().parents[1] / "docx_templates" / "cong_van.docx"


def _leftovers() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("ocop-pdf-*")}


def test_missing_libreoffice_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("OCOP_SOFFICE", "/nonexistent/soffice")
    with pytest.raises(LibreOfficeMissing, match="chưa cài LibreOffice"):
        convert_to_pdf(b"PK\x03\x04")


def fake_soffice(tmp_path, body: str) -> str:
    script = tmp_path / "soffice"
    script.write_text("#!/bin/sh\n" + body + "\n")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return str(script)


def test_a_failing_conversion_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv(
        "OCOP_SOFFICE", fake_soffice(tmp_path, "echo 'Error: source file could not be loaded' >&2; exit 1")
    )
    before = _leftovers()
    with pytest.raises(ConversionError, match="LibreOffice báo lỗi") as exc:
        convert_to_pdf(b"not a docx")
    assert "could not be loaded" in str(exc.value)
    assert _leftovers() <= before  # the temporary directory (and its profile) is removed


def test_a_hanging_conversion_times_out_and_is_killed(monkeypatch, tmp_path):
    marker = tmp_path / "pid"
    monkeypatch.setenv("OCOP_SOFFICE", fake_soffice(tmp_path, f"echo $$ > {marker}; sleep 60"))
    with pytest.raises(ConversionError, match="không trả kết quả sau 1 giây"):
        convert_to_pdf(b"PK", timeout=1)
    pid = int(marker.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_each_conversion_has_its_own_profile(monkeypatch, tmp_path):
    log = tmp_path / "args"
    monkeypatch.setenv("OCOP_SOFFICE", fake_soffice(tmp_path, f'echo "$1" >> {log}; exit 1'))
    for _i in range(2):
        with pytest.raises(ConversionError):
            convert_to_pdf(b"PK")
    profiles = log.read_text().split()
    assert len(profiles) == 2 and len(set(profiles)) == 2
    assert all(p.startswith("-env:UserInstallation=file:///") for p in profiles)


def test_real_conversions_in_parallel(soffice):
    """Two LibreOffice conversions at once: separate profiles, so neither waits for nor breaks the other."""
    data = SAMPLE.read_bytes()  # the bare template (tags unrendered) is a valid .docx
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _i: convert_to_pdf(data), range(2)))
    for pdf in results:
        assert pdf.startswith(b"%PDF-")
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in pdf_text(pdf)
