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


class ParsedRows:
    """The parsed form of stored rows that are never edited in place (criteria sets, report
    templates: a change is saved as a new row), kept per process under a key of the row's identity
    (id, digest, creation time: ids can be reused after a rollback, creation times are not). The
    parsed objects must be immutable (frozen dataclasses and tuples), as every caller shares them.
    Emptied when full rather than evicting one entry: `dict.clear` is atomic under concurrent threads."""

    def __init__(self, size: int = 256):
        self.size = size
        self._rows: dict[tuple, object] = {}

    def get(self, key: tuple, parse):
        """The parsed row under `key`, parsing it with `parse()` on the first call."""
        parsed = self._rows.get(key)
        if parsed is None:
            parsed = parse()
            if len(self._rows) >= self.size:
                self._rows.clear()
            self._rows[key] = parsed
        return parsed

    def cached(self, key: tuple):
        """The parsed row under `key`, or None when it was not parsed in this process yet."""
        return self._rows.get(key)

    def clear(self) -> None:
        self._rows.clear()
