"""Settings for the test suite: the production settings with fast hashing and plain static files.
DATABASE_URL selects PostgreSQL (make test runs the suite on SQLite and on PostgreSQL)."""

from ocop.settings import *  # noqa: F401,F403
from ocop.settings import DATABASES, STATIC_ROOT, STORAGES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
OCOP_DEMO_BANNER = True
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# The tests exercise the real database task backend (whatever TASKS_BACKEND says).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# The catalogue benchmark (ocop/bench/benchmarks.py) generates this many products in tests, not 100,000.
OCOP_BENCH_CATALOGUE_PRODUCTS = 2000
# The tests walk every URL, the benchmarks' trivial page included (ocop/front/tests/test_bench_routing.py
# checks that production does not route it).
OCOP_BENCH_PAGES = True

# SQLite: the test database is a file (in shared memory where the machine has it), not Django's default
# in-memory database. With an in-memory database the live server's threads share the test thread's one
# connection, and SQLite functions written in Python (the Vietnamese collation and the search folding,
# ocop/lib/collation.py, ocop/lib/text.py) then deadlock two threads on that connection's lock and the
# GIL. With a file, every thread has its own connection, as in production.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    import os as _os
    from pathlib import Path as _Path

    from ocop.settings import VAR_DIR

    _dir = _Path("/dev/shm") if _os.access("/dev/shm", _os.W_OK) else VAR_DIR
    DATABASES["default"]["TEST"] = {"NAME": str(_dir / f"ocop-test-{_os.getpid()}.sqlite3")}
