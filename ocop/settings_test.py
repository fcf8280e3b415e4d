"""Settings for the test suite: the production settings with fast hashing and plain static files.
DATABASE_URL selects PostgreSQL (make test runs the suite on SQLite and on PostgreSQL)."""

from ocop.settings import *  # noqa: F401,F403
from ocop.settings import STATIC_ROOT, STORAGES

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
