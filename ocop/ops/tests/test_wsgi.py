"""The WSGI entry point gunicorn loads (`ocop.wsgi`) freezes what loading the project made, so that
the workers' full garbage collections do not walk it on every pass (issue 17)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_loading_the_wsgi_application_freezes_the_loaded_objects():
    script = (
        "import gc\n"
        "before = gc.get_freeze_count()\n"
        "import ocop.wsgi\n"
        "print(before, gc.get_freeze_count(), callable(ocop.wsgi.application))\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ocop.settings_test", "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    before, after, app = out.stdout.split()
    # tens of thousands of objects: Django, the apps, the URL patterns (hand-counted order of magnitude)
    assert before == "0" and int(after) > 20_000 and app == "True"
