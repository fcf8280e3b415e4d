"""The lock files pin the whole dependency set (issue 16): every line of requirements.lock and
requirements-dev.lock is an exact pin, every hand-edited top-level pin of requirements*.txt is in
the lock at the same version (a pin edited without `bash scripts/lock.sh` fails here), and the
runtime packages have the same versions in both locks."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")


def _name(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "-r ", "-c ")):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: not an exact pin: {line!r}"
        pins[_name(match.group(1))] = match.group(3)
    return pins


def test_every_top_level_pin_is_in_its_lock_at_the_same_version():
    runtime, dev = _pins(ROOT / "requirements.txt"), _pins(ROOT / "requirements-dev.txt")
    runtime_lock, dev_lock = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    for pins, lock, lock_name in (
        (runtime, runtime_lock, "requirements.lock"),
        (runtime | dev, dev_lock, "requirements-dev.lock"),
    ):
        stale = {name: (version, lock.get(name)) for name, version in pins.items() if lock.get(name) != version}
        assert not stale, f"{lock_name} is stale (run bash scripts/lock.sh): {stale}"


def test_the_dev_lock_installs_the_same_runtime_versions():
    runtime_lock, dev_lock = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    assert {name: dev_lock.get(name) for name in runtime_lock} == runtime_lock
    assert len(runtime_lock) > len(_pins(ROOT / "requirements.txt"))  # transitive packages are pinned too
