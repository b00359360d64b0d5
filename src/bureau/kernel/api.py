"""Public calendar endpoints: deadlines and working-day counts from the working-day clock."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from bureau.kernel import calendar
from bureau.kernel.errors import DomainError

router = Router(tags=["工作日历"])


class DeadlineOut(Schema):
    start: dt.date
    working_days: int
    deadline: dt.date
    provisional: bool


class WorkdaysOut(Schema):
    start: dt.date
    end: dt.date
    count: int
    provisional: bool


def _parse(value: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise DomainError(f"参数 {name} 应为 YYYY-MM-DD 格式的日期", field=name)


@router.get("/deadline", auth=None, response=DeadlineOut,
            summary="期限：起算日后第 N 个工作日（起算日不计入）")
def deadline(request: HttpRequest, start: str, working_days: str) -> DeadlineOut:
    day = _parse(start, "start")
    try:
        n = int(working_days)
    except ValueError:
        raise DomainError("参数 working_days 应为非负整数", field="working_days")
    try:
        result = calendar.add_working_days(day, n)
    except calendar.CalendarError as exc:
        raise DomainError(str(exc))
    return DeadlineOut(start=day, working_days=n, deadline=result.date, provisional=result.provisional)


@router.get("/workdays", auth=None, response=WorkdaysOut,
            summary="工作日数：start 之后至 end（含）的工作日数")
def workdays(request: HttpRequest, start: str, end: str) -> WorkdaysOut:
    first, last = _parse(start, "start"), _parse(end, "end")
    try:
        result = calendar.count_working_days(first, last)
    except calendar.CalendarError as exc:
        raise DomainError(str(exc))
    return WorkdaysOut(start=first, end=last, count=result.count, provisional=result.provisional)


routers = [("v1/calendar", router, "calendar")]
