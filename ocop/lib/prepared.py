"""Querysets built once and run again with new key values: Django's query building skipped on the
busiest pages (issue 17).

On this project's machines Django takes 0.5–0.9 ms to build and compile the SQL of one query with a
`select_related` (and 0.05–0.1 ms to run it), and the report, request and round pages each fetch
their object that way on every view. `Prepared` builds the queryset once per process and thread,
with a marker in place of each key value; later calls put the values in place of the markers in the
compiled SQL's parameters and turn the rows into objects exactly as a QuerySet does (field
converters, `select_related` objects, deferred fields loaded on first use).

    _REQUEST = Prepared(lambda pk: ReportRequest.objects.select_related("template").filter(pk=pk))
    req = _REQUEST.get(pk=6)            # ReportRequest.DoesNotExist when there is none

Rules, checked when the SQL is built (a `ValueError` names the break):
- key values are integers (primary and foreign keys, years), or dates for the keys named in
  `dates=` (a period's bounds), and each marker appears exactly once in the compiled parameters;
- the queryset yields model instances or `values_list` tuples, in the order Django would give them
  (model fields, then annotations such as a grouped `Count` or `Min`);
- anything that depends on the request (the user's scope, text typed in a form) is not built into
  the prepared query: filter such rows in Python after, or use the ORM.

It reads `QuerySet` internals of the pinned Django (5.2: the compiler's `select`, `klass_info` and
the related-object populators), as `ModelIterable` does; `ocop/lib/tests/test_prepared.py` compares
its objects with the ORM's on both databases, so an upgrade that changes them fails the suite.

`rows(model, columns, where, order)` is the short form for the pages' one-table lists (a request's
deadlines and letters, a report's versions and attachments): the model, the columns read, an
equality filter on integer keys and an order; one prepared query per shape. Names are model field
names checked against the model, never text from a request.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import threading
from collections.abc import Callable, Mapping, Sequence

from django.db import connections
from django.db.models import QuerySet
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# different for each key of a query, and inside the range of every integer field (0..32767, that of a
# positive small integer such as a year): Django drops or empties a comparison with a value outside its
# field's range while it compiles, so an out-of-range marker would change the SQL. A literal of the same
# query equal to a marker is refused ("must appear once"). A date key's marker is a day of the year 1.
_MARKER_BASE = 32_767
_DATE_MARKER_BASE = dt.date(1, 1, 1)


class _Compiled:
    __slots__ = ("compiler", "sql", "params", "positions", "db", "model_shape", "values")

    def __init__(self, qs: QuerySet, markers: dict[str, object]):
        if qs._iterable_class not in (ModelIterable, ValuesListIterable):
            raise ValueError("Prepared: the queryset must yield model instances or values_list tuples")
        query = qs.query
        if qs._iterable_class is ValuesListIterable and (query.extra_select or _reordered(qs)):
            raise ValueError(
                "Prepared: values_list columns in the order Django selects them "
                "(model fields, then annotations; no extra)"
            )
        if qs._prefetch_related_lookups or qs._known_related_objects:
            raise ValueError("Prepared: no prefetch_related or related managers")
        self.db = qs.db
        self.compiler = query.get_compiler(using=self.db)
        sql, params = self.compiler.as_sql()
        self.sql, self.params = sql, tuple(params)
        # name -> (position in the parameters, how a value is written there): a date reaches the
        # driver as the backend adapts it (text on SQLite), as Django's DateField lookups write it
        adapt_date = connections[self.db].ops.adapt_datefield_value
        self.positions = {}
        for name, marker in markers.items():
            forms = {marker: None}
            if type(marker) is dt.date:
                forms[adapt_date(marker)] = adapt_date
            found = [(i, forms[p]) for i, p in enumerate(self.params) if _hashable(p) and p in forms]
            if len(found) != 1:
                raise ValueError(f"Prepared: the key {name!r} must appear once in the query's parameters")
            self.positions[name] = found[0]
        self.values = qs._iterable_class is ValuesListIterable
        self.model_shape = None if self.values else self._model_shape()

    def _model_shape(self):
        select, klass_info = self.compiler.select, self.compiler.klass_info
        fields = klass_info["select_fields"]
        start, end = fields[0], fields[-1] + 1
        init_list = [f[0].target.attname for f in select[start:end]]
        populators = get_related_populators(klass_info, select, self.db)
        return klass_info["model"], start, end, init_list, populators, self.compiler.annotation_col_map

    def fetch(self, values: dict[str, object]) -> list:
        params = list(self.params)
        for name, value in values.items():
            position, adapt = self.positions[name]
            params[position] = value if adapt is None else adapt(value)
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            return cursor.fetchall()

    def convert(self, rows: list) -> list:
        rows = self.compiler.results_iter([rows], tuple_expected=self.values)
        if self.values:
            return list(rows)
        model, start, end, init_list, populators, annotations = self.model_shape
        objects = []
        for row in rows:
            obj = model.from_db(self.db, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, obj)
            for attr, position in (annotations or {}).items():
                setattr(obj, attr, row[position])
            objects.append(obj)
        return objects


def _hashable(value) -> bool:
    return isinstance(value, (int, str, dt.date))


def _reordered(qs: QuerySet) -> bool:
    """Whether `values_list` would reorder the selected columns (ValuesListIterable's own test): a
    field named after an annotation, or annotations in another order than they were added."""
    query = qs.query
    if not qs._fields:
        return False
    names = [*query.extra_select, *query.values_select, *query.annotation_select]
    fields = [*qs._fields, *(f for f in query.annotation_select if f not in qs._fields)]
    return fields != names


class Prepared:
    """A queryset `build(**keys)` compiled once per process and thread, run with new key values."""

    def __init__(
        self, build: Callable[..., QuerySet], keys: tuple[str, ...] | None = None, dates: tuple[str, ...] = ()
    ):
        """`keys`: the names of `build`'s keyword arguments, when its signature does not list them;
        `dates`: those of them that are dates (`datetime.date`), the others being integers."""
        self._build = build
        self._names = tuple(inspect.signature(build).parameters) if keys is None else tuple(keys)
        self._dates = frozenset(dates)
        if not self._dates <= set(self._names):
            raise TypeError(f"Prepared: dates must name keys ({', '.join(self._names)})")
        self._local = threading.local()
        self.model = build(**self._markers()).model

    def _markers(self) -> dict[str, object]:
        return {
            name: _DATE_MARKER_BASE + dt.timedelta(days=i) if name in self._dates else _MARKER_BASE - i
            for i, name in enumerate(self._names)
        }

    def _compiled(self) -> _Compiled:
        compiled = getattr(self._local, "compiled", None)
        if compiled is None:
            compiled = self._local.compiled = _Compiled(self._build(**self._markers()), self._markers())
        return compiled

    @property
    def db(self) -> str:
        """The database alias the rows come from (as `QuerySet.db`, for `Model.from_db`)."""
        return self._compiled().db

    def _values(self, values: dict) -> dict[str, object]:
        if set(values) != set(self._names):
            raise TypeError(f"Prepared: expected the keys {', '.join(self._names)}")
        for name, value in values.items():
            if name in self._dates:
                if type(value) is not dt.date:
                    raise TypeError(f"Prepared: the key {name!r} must be a date, not {type(value).__name__}")
            elif type(value) is not int:
                raise TypeError(f"Prepared: the key {name!r} must be an integer, not {type(value).__name__}")
        return values

    def list(self, **values) -> list:
        """Every row, as the queryset would give them."""
        compiled = self._compiled()
        return compiled.convert(compiled.fetch(self._values(values)))

    def fetch(self, **values) -> list:
        """Every row as the database driver returns it, before Django's converters: enough for the
        digest of a cached fragment, which then converts (`convert`) only when it is rebuilt."""
        return self._compiled().fetch(self._values(values))

    def convert(self, rows: list) -> list:
        """Rows from `fetch`, as `list` would have given them."""
        return self._compiled().convert(rows)

    def first(self, **values):
        """The first row, or None."""
        rows = self.list(**values)
        return rows[0] if rows else None

    def get(self, **values):
        """The one row, as `QuerySet.get`: `model.DoesNotExist` when there is none."""
        rows = self.list(**values)
        if not rows:
            raise self.model.DoesNotExist(f"{self.model._meta.object_name} matching query does not exist.")
        if len(rows) > 1:
            raise self.model.MultipleObjectsReturned(f"get() returned more than one {self.model._meta.object_name}")
        return rows[0]


# --- short one-table lists -------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _prepared(model, columns: tuple[str, ...], keys: tuple[str, ...], order: tuple[str, ...]) -> Prepared:
    meta = model._meta
    for name in (*columns, *keys, *(o.lstrip("-") for o in order)):
        meta.get_field(name)  # FieldDoesNotExist for a name the model does not have
    return Prepared(
        lambda **values: model.objects.filter(**values).only(*(columns or (meta.pk.name,))).order_by(*order),
        keys=keys,
    )


def rows(model, columns: Sequence[str], where: Mapping[str, object], order: Sequence[str] = ("pk",)) -> list:
    """The `model` instances whose fields equal `where` ({field name: integer key}), ordered by
    `order` (field names, "-name" descending), with the primary key and `columns` read."""
    if any(value is None for value in where.values()):
        raise ValueError("prepared.rows compares with “=”, which no NULL satisfies: filter on a value")
    pk = model._meta.pk.name
    order = tuple(o.replace("pk", pk) if o.lstrip("-") == "pk" else o for o in order)
    return _prepared(model, tuple(columns), tuple(where), order).list(**where)
