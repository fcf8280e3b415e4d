"""The role × capability table, written by hand from the specification — README's "Roles" table and
docs/security.md — and NOT computed from `ocop.accounts.permissions.can` (the code under test).

The scope walks (web: test_scope_walk.py, API: ocop/api/tests/test_scope_walk_api.py, CSRF:
ocop/ops/tests/test_csrf_forms.py) take their expected answers from here: `may(user, "audit.view")`.
`test_role_table_is_the_code` then proves that ocop/accounts/permissions.py grants exactly this table,
so changing who may do what means changing both the code and this specification, on purpose.

A new capability: add one row (x = the role has it, . = it has not).

Columns: CA central administrator, CO central officer (VPĐP NTM TW), PO province officer,
DO district officer (until 30/6/2025), MO commune officer, CM council member, EU entity user.
"""

from __future__ import annotations

COLUMNS = (
    "central_admin",
    "central_officer",
    "province_officer",
    "district_officer",
    "commune_officer",
    "council_member",
    "entity_user",
)

TABLE = """
capability                  CA CO PO DO MO CM EU   README / docs/security.md
units.view                   x  x  x  x  x  x  x   units and the map are reference data for everyone signed in
map.view                     x  x  x  x  x  x  x
audit.view                   x  x  x  x  x  x  .   the trail within one's scope; what each entry shows: docs/security.md
programme.view               x  x  x  x  x  .  .   the province's programme registries
programme.edit               x  .  x  x  .  .  .   "keep the province's programme registries"; district: its data
board.view                   x  x  .  .  .  .  .   central: "the status board"
analytics.view               x  x  x  .  .  .  .   indicators: central; a province its own province and communes
reporting.view               x  x  x  x  x  .  .
reporting.submit             .  .  x  x  x  .  .   "submit the province's reports"; district, commune: their reports
reporting.request            x  x  x  .  .  .  .   central: report requests; a province asks its own districts/communes
reporting.review             x  x  x  .  .  .  .   central: "review"; a province reviews what it requested
reporting.templates          x  .  .  .  .  .  .
documents.view               x  x  .  .  .  .  .   central: "outgoing documents"
documents.draft              x  x  .  .  .  .  .
documents.issue              x  x  .  .  .  .  .
documents.issuers            x  .  .  .  .  .  .   issuers and signers as dated data: central administrators
products.view                x  x  x  x  x  .  x   entity user: own entity and products
products.manage_own          .  .  .  .  .  .  x
products.manage              x  .  x  .  .  .  .
evaluation.view              x  x  x  x  .  x  .   council member: "the rounds they sit on"
evaluation.manage            x  .  x  .  .  .  .   province: "open evaluation rounds"
evaluation.criteria          x  x  .  .  .  .  .
evaluation.criteria_edit     x  .  .  .  .  .  .
evaluation.apply             .  .  .  .  .  .  x   entity user: renewal and upgrade of its certified products
users.view                   x  x  x  .  .  .  .
users.manage                 x  .  x  .  .  .  .   "every user account"; province: "manage the province's user accounts"
"""


def _parse(text: str) -> dict[str, set[str]]:
    table: dict[str, set[str]] = {}
    for line in text.strip().splitlines()[1:]:
        cells = line.split()
        name, marks = cells[0], cells[1 : 1 + len(COLUMNS)]
        assert all(m in "x." for m in marks) and len(marks) == len(COLUMNS), line
        table[name] = {role for role, mark in zip(COLUMNS, marks) if mark == "x"}
    return table


ROLE_TABLE: dict[str, set[str]] = _parse(TABLE)
NATIONAL = {"central_admin", "central_officer"}


def may(user, capability: str) -> bool:
    """What the specification says: a signed-in, active user whose role has the capability."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.role in ROLE_TABLE[capability]


def is_national(user) -> bool:
    return user.role in NATIONAL
