"""Pure rules of exam registration and results (numbers from data: capacity on the plan, pass mark as a rule)."""

from __future__ import annotations

import datetime as dt

from bureau.certificates.rules import exam_passed, registration_outcome  # noqa: F401  (one definition of each)


def registration_open(*, status: str, closes: dt.date, today: dt.date) -> str | None:
    """None when a candidate may register today, otherwise the refusal."""
    if status != "open":
        return "该考试计划已停止报名"
    if today > closes:
        return f"报名已于 {closes:%Y-%m-%d} 截止"
    return None


def ticket_number(plan_id: int, seq: int, year: int) -> str:
    """准考证号: year, plan and sequence, e.g. 2026-0012-0034."""
    return f"{year}{plan_id:04d}{seq:04d}"
