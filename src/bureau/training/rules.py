"""Pure rules of exam registration and results (no database). The numbers come from data: the capacity is on the
plan; the full marks, the pass mark and the number of make-up exams are RuleParameter rows (training.hooks)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal


def registration_open(*, status: str, closes: dt.date, today: dt.date) -> str | None:
    """None when a candidate may register today, otherwise the refusal."""
    if status != "open":
        return "该考试计划已停止报名"
    if today > closes:
        return f"报名已于 {closes:%Y-%m-%d} 截止"
    return None


def registration_outcome(registered: int, capacity: int) -> str:
    """A new registration is confirmed while seats remain, otherwise it joins the waiting list."""
    return "registered" if registered < capacity else "waitlisted"


def score_refusal(score: Decimal, full_marks: int) -> str | None:
    """A score lies between 0 and the full marks (安全生产资格考试与证书管理暂行办法 第九条: 满分100分)."""
    if score < 0 or score > full_marks:
        return f"成绩应为0—{full_marks}的数字"
    return None


def exam_passed(score: float, pass_mark: float) -> bool:
    """安全生产培训管理办法 / 特种作业人员安全技术培训考核管理规定 第15条: 百分制, 80 分及格 (pass mark as data)."""
    return score >= pass_mark


def failed_text(makeup_exams: int) -> str:
    """What a failed candidate may do (特种作业人员安全技术培训考核管理规定 第十三条: 不及格的允许补考1次，
    补考仍不及格的重新参加培训)."""
    if makeup_exams <= 0:
        return "不合格，须重新参加培训后报考"
    return f"不合格，可按规定补考 {makeup_exams} 次"


def ticket_number(plan_id: int, seq: int, year: int) -> str:
    """准考证号: year, plan and sequence, e.g. 2026-0012-0034."""
    return f"{year}{plan_id:04d}{seq:04d}"
