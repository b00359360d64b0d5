"""Capped pagination without exact counts (large lists must never run COUNT(*) over millions of rows)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.http import QueryDict

from bureau.kernel.prepared import MISSING, PreparedValues, remember

MAX_PAGES = 200


@dataclass
class Page:
    rows: list[Any]
    number: int
    size: int
    has_next: bool
    query: QueryDict

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def _with(self, number: int) -> str:
        q = self.query.copy()
        q["page"] = str(number)
        return q.urlencode()

    @property
    def next_query(self) -> str:
        return self._with(self.number + 1)

    @property
    def previous_query(self) -> str:
        return self._with(self.number - 1)

    @property
    def label(self) -> str:
        first = (self.number - 1) * self.size + 1 if self.rows else 0
        return f"第 {self.number} 页（第 {first}—{first + len(self.rows) - 1 if self.rows else 0} 条）"


def paginate(queryset: QuerySet, query: QueryDict, size: int = 50) -> Page:
    """Fetch one page plus one row to know whether there is a next page; at most MAX_PAGES pages deep."""
    try:
        number = max(1, min(MAX_PAGES, int(query.get("page", "1"))))
    except ValueError:
        number = 1
    offset = (number - 1) * size
    rows = list(queryset[offset: offset + size + 1])
    has_next = len(rows) > size and number < MAX_PAGES
    return Page(rows=rows[:size], number=number, size=size, has_next=has_next, query=query)


def paginate_compiled(build: Callable[[], QuerySet], key: Any, query: QueryDict, size: int = 50) -> Page:
    """`paginate(build(), query, size)` with the page's query compiled once per key and page (`build` must give
    `.values()` rows; `key` must determine its whole SQL and parameters: kernel/prepared.py `PreparedValues`)."""
    number = _page_number(query)
    offset = (number - 1) * size
    rows = _PAGES.rows(lambda: build()[offset: offset + size + 1], key=(key, number, size))
    has_next = len(rows) > size and number < MAX_PAGES
    return Page(rows=rows[:size], number=number, size=size, has_next=has_next, query=query)


_PAGES = PreparedValues()


def _page_number(query: QueryDict) -> int:
    try:
        return max(1, min(MAX_PAGES, int(query.get("page", "1"))))
    except ValueError:
        return 1


def capped_count(queryset: QuerySet, cap: int = 10000) -> str:
    """'1,234' or '10,000+' — counting stops at the cap."""
    n = queryset.order_by()[: cap + 1].count()
    return f"{cap:,}+" if n > cap else f"{n:,}"


_COUNTS: dict[tuple[Any, ...], tuple[str, Any] | None] = {}


def capped_count_compiled(queryset: QuerySet, key: Any, cap: int = 10000) -> str:
    """`capped_count(queryset, cap)` with the count's SQL built by the ORM once per key (`key` must determine the
    queryset's whole SQL and parameters, as for `paginate_compiled`): the first time the ORM counts and the SQL it
    sends is kept; afterwards the same SQL and parameters are sent (issue 18: ≈ 0.3 ms of query building a page)."""
    connection = connections[queryset.db]
    shape = (queryset.db, connection.vendor, key, cap)
    kept = _COUNTS.get(shape, MISSING)  # read once: another thread may empty the cache (kernel/prepared.MISSING)
    if kept is not MISSING:
        if kept is None:  # the query can match nothing (the ORM sends no SQL either)
            return "0"
        with connection.cursor() as cursor:
            cursor.execute(*kept)
            n = cursor.fetchone()[0]
        return f"{cap:,}+" if n > cap else f"{n:,}"
    sent: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        n = queryset.order_by()[: cap + 1].count()
    if len(sent) <= 1:  # one statement (or none: an empty scope), kept; anything else is counted afresh each time
        remember(_COUNTS, shape, sent[0] if sent else None)
    return f"{cap:,}+" if n > cap else f"{n:,}"
