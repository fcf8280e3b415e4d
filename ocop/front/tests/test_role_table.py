"""ocop/accounts/permissions.py grants exactly the hand-written table of role_table.py."""

from __future__ import annotations

from ocop.accounts.models import Role
from ocop.accounts.permissions import CAPABILITIES
from ocop.front.tests.role_table import COLUMNS, ROLE_TABLE


def test_the_table_names_every_role():
    assert set(COLUMNS) == set(Role.values)


def test_role_table_is_the_code():
    assert set(ROLE_TABLE) == set(CAPABILITIES), "a capability is missing from one side"
    differences = {
        cap: (sorted(ROLE_TABLE[cap]), sorted(str(r) for r in CAPABILITIES[cap]))
        for cap in ROLE_TABLE
        if ROLE_TABLE[cap] != {str(r) for r in CAPABILITIES[cap]}
    }
    assert not differences, f"capability: (specification, code) {differences}"
