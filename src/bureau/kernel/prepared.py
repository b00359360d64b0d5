"""An ORM query compiled once per process and run again with another value (issue 18).

Django builds the SQL of a query anew every time it runs (≈ 0.5–0.8 ms of Python for a query with joins and an
annotation, several times what PostgreSQL needs to answer it). For a query of fixed shape that runs on every
request — the signed-in user with organisation, enterprise and role codes — `Prepared` compiles the queryset once
(per database alias) with a marker value, then sends the same SQL with the value in the marker's place and builds
the model instances as Django's `ModelIterable` does: the same columns, the same converters (decrypted fields, time
zones), the same `select_related` objects and annotations. Only for querysets whose SQL does not depend on the value
(a filter on one column); the value must reach the SQL as exactly one parameter.

A queryset whose SQL depends on more than the value (the signed-in user's scope: `restrict`) is compiled once per
`key`: the caller passes, besides the value, the arguments `build` needs and a hashable key that determines
everything else of the SQL and its parameters (`bureau.accounts.authority.restrict_key` for a scope). At most
MAX_SHAPES compiled queries are kept per `Prepared` (then it starts afresh).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators

M = TypeVar("M", bound=Model)
MARKER = 987_654_321_987
MAX_SHAPES = 512
# Not compiled yet (None is kept for a query that can match nothing). The caches are shared by a worker's threads and
# emptied by whichever finds them full: each is read once per call (`get`), never tested and then indexed.
MISSING: Any = object()


def remember(cache: dict[Any, Any], shape: Any, compiled: Any) -> Any:
    """Keep `compiled` under `shape` in a per-process cache of compiled queries and return it; a full cache (MAX_SHAPES)
    starts afresh."""
    if len(cache) >= MAX_SHAPES:
        cache.clear()
    cache[shape] = compiled
    return compiled


@dataclass
class _Compiled:
    sql: str
    params: list[Any]
    index: int
    model: type[Model]
    start: int
    end: int
    init_list: list[str]
    populators: list[Any]
    annotations: dict[str, int]
    converters: list[tuple[int, list[Any], Any]]


class Prepared(Generic[M]):
    """`Prepared(lambda value: Model.objects.select_related(…).filter(pk=value)).all(42)` == the queryset's rows;
    `Prepared(lambda value, user: Model.objects.restrict(user).filter(pk=value)).all(42, user, key=…)` likewise,
    compiled once per key."""

    def __init__(self, build: Callable[..., QuerySet[M]]) -> None:
        self.build = build
        self._compiled: dict[tuple[Any, ...], _Compiled] = {}

    def _compile(self, alias: str, args: tuple[Any, ...]) -> _Compiled:
        compiled = _compile_instances(self.build(MARKER, *args), alias)
        assert compiled is not None  # a query with the marker in it is never empty
        found = [i for i, p in enumerate(compiled.params) if p == MARKER]
        if len(found) != 1:
            raise ValueError("the value must reach the SQL as exactly one parameter")
        compiled.index = found[0]
        return compiled

    def all(self, value: Any, *args: Any, key: Any = None, using: str = "default") -> list[M]:
        connection = connections[using]
        shape = (using, connection.vendor, key)
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = remember(self._compiled, shape, self._compile(using, args))
        params = list(compiled.params)
        params[compiled.index] = value
        return _instances(compiled, params, connection, using)


def _compile_instances(qs: QuerySet[Any], alias: str) -> _Compiled | None:
    """The SQL of a queryset of model instances and how Django's `ModelIterable` builds them; None when the query
    can match nothing (Django sends no SQL either)."""
    compiler = qs.query.get_compiler(using=alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    klass_info, select = compiler.klass_info, compiler.select
    assert klass_info is not None
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    converters = compiler.get_converters([s[0] for s in select[0:compiler.col_count]])
    return _Compiled(sql=sql, params=list(params), index=-1, model=klass_info["model"], start=start, end=end,
                     init_list=[f[0].target.attname for f in select[start:end]],
                     # Django 5.2 takes three arguments (the stubs follow a later release)
                     populators=get_related_populators(klass_info, select, alias),  # type: ignore[call-arg]
                     annotations=dict(compiler.annotation_col_map or {}),
                     converters=[(pos, convs, expr) for pos, (convs, expr) in converters.items()])


def _instances(compiled: _Compiled, params: list[Any], connection: Any, using: str) -> list[Any]:
    with connection.cursor() as cursor:
        cursor.execute(compiled.sql, params)
        rows = cursor.fetchall()
    found: list[Any] = []
    for raw in rows:
        row = list(raw)
        for pos, convs, expression in compiled.converters:
            for convert in convs:
                row[pos] = convert(row[pos], expression, connection)
        obj = compiled.model.from_db(using, compiled.init_list, row[compiled.start:compiled.end])
        for populator in compiled.populators:
            populator.populate(row, obj)
        for name, pos in compiled.annotations.items():
            setattr(obj, name, row[pos])
        found.append(obj)
    return found


class PreparedRows(Generic[M]):
    """The model instances of a queryset compiled once per key, as `PreparedValues` does for `.values()` rows: the
    caller's `key` must determine the whole SQL and every parameter (scope, the record's id, …), and `build()` is
    called only when the key is new. Instances as `Prepared` builds them (select_related objects, converters,
    annotations); no prefetching."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[Any, ...], _Compiled | None] = {}

    def rows(self, build: Callable[[], QuerySet[M]], *, key: Any, using: str = "default") -> list[M]:
        connection = connections[using]
        shape = (using, connection.vendor, key)
        compiled = self._compiled.get(shape, MISSING)
        if compiled is MISSING:
            compiled = remember(self._compiled, shape, _compile_instances(build(), using))
        if compiled is None:
            return []
        return _instances(compiled, compiled.params, connection, using)


@dataclass
class _CompiledValues:
    sql: str
    params: list[Any]
    names: list[str]
    converters: list[tuple[int, list[Any], Any]]


class PreparedValues:
    """`.values(…)` rows of a queryset compiled once per key (issue 18: the lists' query, ≈ 0.6 ms of ORM a page).
    Unlike `Prepared` there is no marker: the caller's `key` must determine the whole SQL and every parameter
    (scope, filters, page), and `build()` is called only when the key is new. Rows are the dicts Django's
    `ValuesIterable` gives (the same names, the same converters)."""

    def __init__(self) -> None:
        self._compiled: dict[tuple[Any, ...], _CompiledValues | None] = {}

    def rows(self, build: Callable[[], QuerySet[Any]], *, key: Any, using: str = "default") -> list[dict[str, Any]]:
        connection = connections[using]
        shape = (using, connection.vendor, key)
        compiled = self._compiled.get(shape, MISSING)
        if compiled is MISSING:
            compiled = remember(self._compiled, shape, self._compile(build(), using))
        if compiled is None:  # the query can match nothing (Django sends no SQL either)
            return []
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, compiled.params)
            rows: Any = cursor.fetchall()
        if compiled.converters:  # as SQLCompiler.apply_converters, with this thread's connection
            converted = []
            for raw in rows:
                row = list(raw)
                for pos, convs, expression in compiled.converters:
                    for convert in convs:
                        row[pos] = convert(row[pos], expression, connection)
                converted.append(row)
            rows = converted
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in rows]

    @staticmethod
    def _compile(qs: QuerySet[Any], alias: str) -> _CompiledValues | None:
        query = qs.query
        compiler = query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        # the names as ValuesIterable gives them
        names = (list(query.selected) if query.selected
                 else [*query.extra_select, *query.values_select, *query.annotation_select])
        converters = compiler.get_converters([s[0] for s in compiler.select[0:compiler.col_count]])
        return _CompiledValues(sql=sql, params=list(params), names=names,
                               converters=[(pos, convs, expr) for pos, (convs, expr) in converters.items()])
