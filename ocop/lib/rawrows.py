"""Short lists on the busiest pages, read with `Model.objects.raw` (issue 17).

On this project's machines Django takes 0.3–0.9 ms to build even a one-table query and 0.03–0.1 ms
to run it, so each small list a page shows (a request's deadlines and letters, a report's versions
and attachments) cost about a tenth of the trivial page. `read()` writes the obvious SQL for such a
list once per shape (cached) and runs it through `Model.objects.raw`, Django's documented way to
turn plain SQL into model instances (field converters applied; a column not read is loaded on
first use, one query each: read every column the page shows).

Only for one-table lists filtered by equality on trusted values (primary and foreign keys): names
are model field names checked against the model, never text from a request. Anything with joins,
scope rules or user input stays on the ORM.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence

from django.db import connection


@functools.lru_cache(maxsize=256)
def _sql(model, columns: tuple[str, ...], keys: tuple[str, ...], order: tuple[str, ...], vendor: str) -> str:
    qn = connection.ops.quote_name
    meta = model._meta

    def column(name: str) -> str:
        return qn(meta.get_field(name).column)  # FieldDoesNotExist for a name the model does not have

    names = [meta.pk.name] + [c for c in columns if c != meta.pk.name]
    where = " AND ".join(f"{column(k)} = %s" for k in keys) or "1 = 1"
    ordering = ", ".join(column(o.lstrip("-")) + (" DESC" if o.startswith("-") else "") for o in order)
    return f"SELECT {', '.join(column(c) for c in names)} FROM {qn(meta.db_table)} WHERE {where}" + (
        f" ORDER BY {ordering}" if ordering else ""
    )


def read(model, columns: Sequence[str], where: Mapping[str, object], order: Sequence[str] = ("pk",)) -> list:
    """The `model` instances whose fields equal `where` ({field name: value}), ordered by `order`
    (field names, "-name" descending), with the primary key and `columns` read."""
    if any(value is None for value in where.values()):
        raise ValueError("rawrows.read compares with “=”, which no NULL satisfies: filter on a value")
    pk = model._meta.pk.name
    order = tuple(o.replace("pk", pk) if o.lstrip("-") == "pk" else o for o in order)
    sql = _sql(model, tuple(columns), tuple(where), order, connection.vendor)
    return list(model.objects.raw(sql, list(where.values())))
