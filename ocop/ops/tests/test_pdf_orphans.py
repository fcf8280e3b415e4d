"""A PDF render killed with its worker leaves LibreOffice running and its temporary directory: the
next conversion removes both (issue 15, finding 8)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from ocop.documents import pdf


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_leftovers_of_a_killed_conversion_are_swept_and_live_ones_kept():
    killed = Path(tempfile.mkdtemp(prefix="ocop-pdf-"))
    # stands for soffice.bin: a process in its own session whose command line names the directory
    child = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)", f"{killed}/profile"], start_new_session=True
    )
    (killed / pdf.OWNER_FILE).write_text(f"{_dead_pid()} {child.pid}")
    live = Path(tempfile.mkdtemp(prefix="ocop-pdf-"))
    (live / pdf.OWNER_FILE).write_text(f"{os.getppid()} 0")  # its converting process is alive
    try:
        assert pdf.sweep_orphans() >= 1
        assert child.wait(timeout=30) != 0  # killed
        assert not killed.exists() and live.exists()
    finally:
        if child.poll() is None:
            child.kill()
        for d in (killed, live):
            if d.exists():
                for f in d.iterdir():
                    f.unlink()
                d.rmdir()
