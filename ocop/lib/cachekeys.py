"""Keys of cached fragments (issue 17): a digest of everything a fragment shows.

A fragment cached under the digest of the data it is drawn from cannot be stale: when anything it
shows changes, the key changes. The parts are written with `repr`, so give it plain values (numbers,
strings, dates, Decimals, tuples, lists) whose representation is stable between processes.
"""

from __future__ import annotations

import hashlib


def data_digest(*parts: object) -> str:
    """SHA-256 (hex) of the parts' representations, one per line."""
    return hashlib.sha256("\n".join(repr(p) for p in parts).encode()).hexdigest()


def table_versions(*models, column: str = "updated_at") -> tuple:
    """(row count, latest `column`) of each model's table, in one query of scalar subqueries: with an
    index on `column`, each is answered from an index whatever the table's size. A data version for
    tables whose every write changes the count or `column`."""
    from django.db import connection

    qn = connection.ops.quote_name
    parts = []
    for model in models:
        table = qn(model._meta.db_table)
        parts += [f"(SELECT COUNT(*) FROM {table})", f"(SELECT MAX({qn(column)}) FROM {table})"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts))
        return tuple(cursor.fetchone())
