"""Fixtures the cross-cutting tests of ocop/lib borrow from the apps they exercise."""

from ocop.api.tests.conftest import api, tokens  # noqa: F401 (the API client and tokens)
from ocop.reporting.tests.test_consolidation import demo, demo_data  # noqa: F401 (the seed's reports)
