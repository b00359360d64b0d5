"""Pure rules of dual prevention (no database). Numbers arrive as arguments: they are data (RuleParameter rows
declared in hazards.hooks with their sources), looked up by the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

OPEN_STATES = ("reported", "rectifying")
LEVELS = ("red", "orange", "yellow", "blue")


class ScoreError(ValueError):
    """A factor outside the method's scale (the message is Chinese, shown to the user)."""


def _dec(value: Any, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except Exception as exc:  # noqa: BLE001 - any unparsable input is the same refusal
        raise ScoreError(f"{name} 应为数字") from exc


def lec_score(l: Any, e: Any, c: Any, scale: dict[str, list[float]]) -> Decimal:  # noqa: E741
    """D = L × E × C (作业条件危险性评价法, Graham–Kinney). Each factor must be one of the published scale values
    (`scale`: {"L": [...], "E": [...], "C": [...]}); anything else is out of range."""
    values = {"L": _dec(l, "L"), "E": _dec(e, "E"), "C": _dec(c, "C")}
    for name, value in values.items():
        allowed = [Decimal(str(v)) for v in scale[name]]
        if value not in allowed:
            shown = "、".join(f"{v:g}" for v in scale[name])
            raise ScoreError(f"{name} 取值 {value:g} 不在 LEC 法分值表内（可选：{shown}）")
    return values["L"] * values["E"] * values["C"]


def ls_score(l: Any, s: Any, maximum: int) -> Decimal:  # noqa: E741
    """R = L × S (风险矩阵法): L and S are whole numbers from 1 to `maximum` (5 in a 5×5 matrix)."""
    result = Decimal(1)
    for name, value in (("L", l), ("S", s)):
        number = _dec(value, name)
        if number != number.to_integral() or not 1 <= number <= maximum:
            raise ScoreError(f"{name} 应为 1—{maximum} 的整数（风险矩阵法），当前为 {number:g}")
        result *= number
    return result


def level_for(score: Decimal, thresholds: dict[str, Any]) -> str:
    """The colour of a score. `thresholds` = {"red", "orange", "yellow", "strict"}: with strict (LEC, domain §6:
    D > 320 红, 160–320 橙, 70–160 黄, below 70 蓝) a score must exceed the bound; otherwise (LS matrices) reach it."""
    strict = bool(thresholds.get("strict", False))
    for level in ("red", "orange", "yellow"):
        bound = Decimal(str(thresholds[level]))
        if (score > bound) if strict else (score >= bound):
            return level
    return "blue"


def is_overdue(state: str, deadline: dt.date | None, today: dt.date) -> bool:
    """A hazard is overdue when its rectification deadline has passed and no acceptance has been asked for."""
    return state in OPEN_STATES and deadline is not None and deadline < today


def may_list(grade: str) -> str | None:
    """Only major hazards are listed under supervision (measure III.6). Returns a refusal or None."""
    if grade != "major":
        return "只有重大隐患才能挂牌督办（一般隐患由企业自行整改）"
    return None


def reminder_due(last_reminded: dt.date | None, today: dt.date, every_days: int) -> bool:
    """Overdue reminders repeat every `every_days` days, not every sweep."""
    return last_reminded is None or (today - last_reminded).days >= every_days


def plan_refusal(*, measures: str, deadline: dt.date | None, responsible_person: str, today: dt.date,
                 found_on: dt.date, funds: Decimal | None, contingency: str, major: bool) -> tuple[str, str] | None:
    """The rectification plan must name measures, deadline, person (五到位: 措施、责任、资金、时限、预案); a major
    hazard also needs funds and a contingency plan (重大事故隐患治理方案, 安全生产事故隐患排查治理暂行规定 第15条).
    Returns (field, message) or None."""
    if not measures.strip():
        return "measures", "请填写整改措施"
    if not responsible_person.strip():
        return "responsible_person", "请填写整改责任人"
    if deadline is None:
        return "deadline", "请填写整改期限"
    if deadline < today or deadline < found_on:
        return "deadline", "整改期限不能早于今天"
    if funds is not None and (funds < 0 or funds >= Decimal("1e10")):
        return "funds", "整改资金应在 0—9,999,999,999.99 元之间"
    if major and (funds is None or not contingency.strip()):
        return "contingency", "重大隐患的治理方案须写明整改资金和应急预案/防范措施"
    return None


def extension_refusal(*, current: dt.date, proposed: dt.date, today: dt.date, max_days: int
                      ) -> tuple[str, str] | None:
    """A deadline extension asks for a later date than the current deadline, not in the past, and at most
    `max_days` days beyond the current deadline (rule `hazards.deadline_extension_max_days`). Returns (field,
    message) or None."""
    if proposed <= current:
        return "proposed_deadline", f"申请延期至的日期应晚于现整改期限 {current:%Y-%m-%d}"
    if proposed < today:
        return "proposed_deadline", "申请延期至的日期不能早于今天"
    if (proposed - current).days > max_days:
        return "proposed_deadline", f"延期不能超过现整改期限后 {max_days} 天（最迟 {current + dt.timedelta(days=max_days):%Y-%m-%d}）"
    return None


def progress_refusal(*, percent: int | None, on: dt.date, listed_on: dt.date, today: dt.date,
                     last_percent: int | None, last_on: dt.date | None) -> tuple[str, str] | None:
    """A listing's progress entry: dated between the listing and today, not before the last progress entry, and
    its completion never below the last one reported (progress does not go down). Returns (field, message) or
    None."""
    if percent is not None and not 0 <= percent <= 100:
        return "percent", "完成进度应在 0—100 之间"
    if on > today:
        return "on", "日期不能晚于今天"
    if on < listed_on:
        return "on", f"日期不能早于挂牌日期 {listed_on:%Y-%m-%d}"
    if last_on is not None and on < last_on:
        return "on", f"日期不能早于上次填报整改进展的日期 {last_on:%Y-%m-%d}"
    if percent is not None and last_percent is not None and percent < last_percent:
        return "percent", f"完成进度不能低于上次填报的 {last_percent}%"
    return None


# ---------------------------------------------------------------------------------------------------------------
# Scheduled checks (排查清单 → 排查任务) and the site map


def period_containing(unit: str, every: int, moment: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The check period [start, end) of a frequency that contains `moment` (naive local time). Periods follow the
    calendar, so that a post knows when a check is due: hours from local midnight (the last period of a day ends
    at midnight when `every` does not divide 24), days and weeks (from Monday) counted from 0001-01-01, months from
    January (quarterly: January, April, July, October)."""
    if every < 1:
        raise ValueError("every must be positive")
    day = dt.datetime.combine(moment.date(), dt.time.min)
    if unit == "hour":
        start = day + dt.timedelta(hours=every * (moment.hour // every))
        return start, min(start + dt.timedelta(hours=every), day + dt.timedelta(days=1))
    if unit == "day":
        first = moment.date().toordinal() - (moment.date().toordinal() - 1) % every
        start = dt.datetime.combine(dt.date.fromordinal(first), dt.time.min)
        return start, start + dt.timedelta(days=every)
    if unit == "week":
        monday = moment.date() - dt.timedelta(days=moment.weekday())
        weeks = (monday.toordinal() - 1) // 7  # 0001-01-01 is a Monday
        first_monday = dt.date.fromordinal(1 + 7 * (weeks - weeks % every))
        start = dt.datetime.combine(first_monday, dt.time.min)
        return start, start + dt.timedelta(days=7 * every)
    if unit == "month":
        index = moment.year * 12 + moment.month - 1
        first = index - index % every
        start = dt.datetime(first // 12, first % 12 + 1, 1)
        after = first + every
        return start, dt.datetime(after // 12, after % 12 + 1, 1)
    raise ValueError(f"unknown unit {unit}")


def periods_between(unit: str, every: int, start: dt.datetime, end: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """Every check period that overlaps [start, end), in order (the one containing `start` first)."""
    rows = []
    cursor = start
    while cursor < end:
        period = period_containing(unit, every, cursor)
        rows.append(period)
        cursor = period[1]
    return rows


def checkin_refusal(*, state: str, now: dt.datetime, window_start: dt.datetime, missed_after: dt.datetime
                    ) -> str | None:
    """A check is checked in during its period (or its grace after it), once: not before the period opens, not once
    it has been marked missed or already checked in. Returns a refusal or None."""
    if state == "done":
        return "该次排查已打卡，不能重复打卡"
    if state == "missed" or now >= missed_after:
        return "该次排查已过期，记为漏检，不能再打卡"
    if now < window_start:
        return f"该次排查 {window_start:%Y-%m-%d %H:%M} 才开始，暂不能打卡"
    return None


def placement_refusal(x: Any, y: Any) -> tuple[str, str] | None:
    """A position on the site plan is a fraction of its width and height, each from 0 to 1 (shown as 0–100 %).
    Returns (field, message) or None."""
    for name, value in (("x", x), ("y", y)):
        try:
            number = Decimal(str(value))
        except Exception:  # noqa: BLE001 - any unparsable input is the same refusal
            return name, "位置应为 0—100 之间的数字（%）"
        if not number.is_finite() or not Decimal(0) <= number <= Decimal(1):
            return name, "位置应在平面图范围内（0—100%）"
    return None
