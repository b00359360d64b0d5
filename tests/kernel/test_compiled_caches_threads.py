"""Issue 18 review: the caches of compiled queries (kernel/prepared.py `PreparedRows` / `PreparedValues`,
kernel/paging.py `capped_count_compiled`) are shared by the threads of a worker (gunicorn gthread, WEB_THREADS 4) and
emptied by whichever thread finds them full (MAX_SHAPES). Rule: a request whose compiled query another thread drops
between looking it up and reading it still gets its rows — never a KeyError (a 500 page)."""

from __future__ import annotations

from typing import Any

import pytest

from bureau.accounts.models import User
from bureau.kernel import paging
from bureau.kernel.prepared import PreparedRows, PreparedValues
from tests.factories import city_bureau, make_user

pytestmark = pytest.mark.django_db


class _EmptiedByAnotherThread(dict):  # type: ignore[type-arg]
    """A cache that another thread empties (it was full) right after this thread found its key in it."""

    def __contains__(self, key: object) -> bool:
        found = super().__contains__(key)
        if found:
            self.clear()
        return found

    def get(self, key: Any, default: Any = None) -> Any:
        found = super().get(key, default)
        if super().__contains__(key):
            self.clear()
        return found


def test_compiled_model_rows_survive_another_thread_emptying_the_cache():
    user = make_user(organisation=city_bureau(), roles=["inspector"])
    prepared: PreparedRows[User] = PreparedRows()
    prepared._compiled = _EmptiedByAnotherThread()
    for _ in range(3):
        assert [u.pk for u in prepared.rows(lambda: User.objects.filter(pk=user.pk), key=("user", user.pk))] == [
            user.pk]


def test_compiled_value_rows_survive_another_thread_emptying_the_cache():
    user = make_user(organisation=city_bureau(), roles=["inspector"])
    prepared = PreparedValues()
    prepared._compiled = _EmptiedByAnotherThread()
    for _ in range(3):
        assert prepared.rows(lambda: User.objects.filter(pk=user.pk).values("pk"), key=("user", user.pk)) == [
            {"pk": user.pk}]


def test_a_kept_count_survives_another_thread_emptying_the_cache(monkeypatch):
    user = make_user(organisation=city_bureau(), roles=["inspector"])
    monkeypatch.setattr(paging, "_COUNTS", _EmptiedByAnotherThread())
    for _ in range(3):
        assert paging.capped_count_compiled(User.objects.filter(pk=user.pk), ("user", user.pk)) == "1"
