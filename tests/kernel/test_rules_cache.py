"""Rules as data, read once per process and version (issue 18): the same answers as a read of the table, and every
write through the ORM is seen by the next lookup."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bureau.kernel import rules
from bureau.kernel.models import RuleParameter
from bureau.kernel.rules import rule

pytestmark = pytest.mark.django_db

KEY = "licensing.intake_days"


def _row(value, on):
    return RuleParameter.objects.create(key=KEY, value=value, unit="天", description="测试", source="测试",
                                        effective_from=on)


def test_the_rule_in_force_on_a_day_is_the_latest_row_not_after_it():
    """Rule (kernel.rules, rules as data): the row with the latest effective date not after the day wins, so a
    changed rule never rewrites the past — answered from the cached table as the query answered it."""
    _row(7, dt.date(2030, 1, 1))
    _row(9, dt.date(2031, 6, 1))
    assert rule(KEY, on=dt.date(2030, 12, 31)) == 7
    assert rule(KEY, on=dt.date(2031, 6, 1)) == 9
    assert rule(KEY, on=dt.datetime(2031, 6, 2, 8, 0)) == 9  # a datetime counts by its date, as the lookup did
    assert rule(KEY, on=dt.date(2024, 6, 1)) == RuleParameter.objects.filter(
        key=KEY, effective_from__lte=dt.date(2024, 6, 1)).order_by("-effective_from").first().value


def test_rules_are_read_from_the_table_once_not_on_every_call():
    """Issue 18: a page asking several rules reads the table at most once per process and version."""
    rule(KEY)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            rule(KEY)
            rule("licensing.upload_max_mb")
    assert len(queries) == 0


@pytest.mark.parametrize("how", ["save", "update", "delete", "bulk_create"])
def test_every_orm_write_of_a_rule_is_seen_by_the_next_lookup(how):
    """Rules as data: an administrator's edit (save) and any bulk write apply to the next lookup, never a stale copy."""
    day = dt.date(2032, 3, 1)
    row = _row(5, day)
    assert rule(KEY, on=day) == 5
    if how == "save":
        row.value = 6
        row.save()
        expected = 6
    elif how == "update":
        RuleParameter.objects.filter(pk=row.pk).update(value=6)
        expected = 6
    elif how == "delete":
        RuleParameter.objects.filter(pk=row.pk).delete()
        expected = RuleParameter.objects.filter(key=KEY, effective_from__lte=day).order_by(
            "-effective_from").first().value
    else:
        RuleParameter.objects.bulk_create([RuleParameter(key=KEY, value=8, description="测试", source="测试",
                                                         effective_from=dt.date(2032, 2, 1) + dt.timedelta(days=10))])
        expected = 5  # the new row takes effect on 2032-02-11, before 2032-03-01's row: the later one still wins
        assert rule(KEY, on=dt.date(2032, 2, 20)) == 8
    assert rule(KEY, on=day) == expected


def test_another_process_edit_is_seen_by_the_next_request():
    """Rules as data across processes: a write elsewhere bumps the shared version; this process reads the version
    once per request (begin_request) and reads the table again."""
    day = dt.date(2033, 1, 1)
    row = _row(3, day)
    rules._forget_and_bump()  # what the write's commit runs (the test's own transaction never commits)
    assert rule(KEY, on=day) == 3
    with connection.cursor() as cursor:  # another process's write: nothing in this process hears of it
        cursor.execute("UPDATE kernel_ruleparameter SET value = %s WHERE id = %s", ["4", row.pk])
    assert rule(KEY, on=day) == 3
    try:
        cache.incr(rules._VERSION_KEY)  # what invalidate() in the other process does
    except ValueError:
        cache.set(rules._VERSION_KEY, 1, None)
    rules.begin_request()
    assert rule(KEY, on=day) == 4


def test_a_caller_changing_a_list_value_leaves_the_rule_alone():
    """Rules as data: a list or mapping rule comes back as a fresh copy each time, as a read of the table gave it."""
    RuleParameter.objects.create(key="test.list_rule", value=["pdf", "jpg"], description="测试", source="测试",
                                 effective_from=dt.date(2024, 1, 1))
    first = rule("test.list_rule")
    first.append("exe")
    assert rule("test.list_rule") == ["pdf", "jpg"]


def test_a_rolled_back_edit_is_not_kept():
    """Rules as data: a rule written in a transaction that rolls back is never answered afterwards (this process
    reads the table without keeping it until the transaction ends)."""
    from django.db import transaction

    day = dt.date(2034, 1, 1)
    _row(2, day)
    assert rule(KEY, on=day) == 2

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        RuleParameter.objects.filter(key=KEY, effective_from=day).update(value=99)
        assert rule(KEY, on=day) == 99  # its own write, inside the transaction
        raise Undo
    assert rule(KEY, on=day) == 2
