"""Validity, review and reminder rules of the certificate register, as pure functions (no database).

The numbers (validity months, apply-ahead days, review intervals and windows, reminder offsets, reprint limits)
come from data: `CertificateType` rows and RuleParameter rows (see hooks.py). These functions only combine them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bureau.kernel.calendar import add_months

WorkingDayFn = Callable[[dt.date], bool]

VERIFY_CODE_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")

# stored statuses
VALID = "valid"
DUE_FOR_REVIEW = "due_for_review"
EXPIRED = "expired"
SUSPENDED = "suspended"
REVOKED = "revoked"
WITHDRAWN = "withdrawn"
VOID = "void"
LIVE_STATUSES = frozenset({VALID, DUE_FOR_REVIEW})

# what the holder must do next
EXTENSION = "extension"  # 延期 (enterprise licences)
PERIODIC_REVIEW = "periodic_review"  # 复审 (特种作业)
RENEWAL = "renewal"  # 换证 / 延期复审 at the end of validity

# how the apply-ahead days of a type are read
RENEW_BEFORE = "before"  # apply at least N days before expiry (the window closes N days before)
RENEW_WITHIN = "within"  # apply within the N days before expiry (the window closes on expiry)


def validity_end(valid_from: dt.date, validity_months: int) -> dt.date:
    """Last valid day: the day before the same date `validity_months` later.

    安全生产许可证条例 第9条 (3 years); 特种作业人员安全技术培训考核管理规定 第21条 (6 years);
    生产经营单位安全培训规定 / 安全生产培训管理办法 (合格证 3 years).
    """
    return add_months(valid_from, validity_months) - dt.timedelta(days=1)


def review_interval_months(*, base_months: int | None, extended_months: int | None, clean_years_required: int | None,
                           years_in_trade: int, clean: bool) -> int | None:
    """Months between two periodic reviews of a 特种作业操作证.

    特种作业人员安全技术培训考核管理规定 第22条: every 3 years; after ≥ 10 years in the trade without violations,
    with the issuing authority's consent, every 6 years.
    """
    if not base_months:
        return None
    if extended_months and clean_years_required is not None and clean and years_in_trade >= clean_years_required:
        return extended_months
    return base_months


def next_review_due(valid_from: dt.date, interval_months: int | None, valid_until: dt.date) -> dt.date | None:
    """The day a periodic review falls due, or None when the next review coincides with the end of validity."""
    if not interval_months:
        return None
    due = add_months(valid_from, interval_months) - dt.timedelta(days=1)
    return due if due < valid_until else None


@dataclass(frozen=True)
class Action:
    """What the holder must apply for next, and the window in which to apply (inclusive)."""

    kind: str
    opens: dt.date
    closes: dt.date


def next_action(*, holder_is_person: bool, valid_until: dt.date, review_due: dt.date | None,
                renew_ahead_days: int, renew_rule: str, review_window_days: int | None) -> Action:
    """The next application a certificate needs and its window.

    - 特种作业: periodic review due → apply within `review_window_days` (60) before it (第22条); at the end of
      validity the same window applies to 延期复审/换证 (第24条).
    - licences (安全生产许可证条例 第9条, 危化经营许可证管理办法 第19条 …): extension, `renew_rule` says whether the
      days are a minimum lead time (before) or a window (within).
    - 合格证: renewal at least 30 days before expiry (before).
    """
    if review_due is not None and review_window_days:
        return Action(PERIODIC_REVIEW, review_due - dt.timedelta(days=review_window_days), review_due)
    if review_window_days:
        return Action(RENEWAL, valid_until - dt.timedelta(days=review_window_days), valid_until)
    kind = RENEWAL if holder_is_person else EXTENSION
    if renew_rule == RENEW_WITHIN:
        return Action(kind, valid_until - dt.timedelta(days=renew_ahead_days), valid_until)
    closes = valid_until - dt.timedelta(days=renew_ahead_days)
    # "before" has no opening day in the rules; reminders start from the largest offset
    return Action(kind, closes - dt.timedelta(days=renew_ahead_days), closes)


def last_application_day(closes: dt.date, is_working_day: WorkingDayFn) -> dt.date:
    """The last day on which the window office can receive the application: the nominal closing day, or the last
    working day before it when it falls on a weekend or holiday (the conservative reading: a reminder never names a
    later day than the rule allows)."""
    day = closes
    for _ in range(40):  # the longest run of days off (Spring Festival + weekends) is far shorter
        if is_working_day(day):
            return day
        day -= dt.timedelta(days=1)
    return closes


def effective_status(*, stored: str, valid_until: dt.date, review_due: dt.date | None, review_window_days: int | None,
                     today: dt.date) -> str:
    """The status a certificate has today, whatever the last daily sweep stored.

    A suspended, revoked or void certificate stays so. Past its last valid day it is expired. A missed periodic
    review voids a 特种作业操作证 (第30条: 未按期复审的, 注销). Inside the review window it is due for review.
    """
    if stored not in LIVE_STATUSES:
        return stored
    if today > valid_until:
        return EXPIRED
    if review_due is not None:
        if today > review_due:
            return VOID
        if review_window_days and today >= review_due - dt.timedelta(days=review_window_days):
            return DUE_FOR_REVIEW
    return VALID


def held_licence_message(*, type_name: str, number: str) -> str:
    """Why a second licence of a kind is not issued to an enterprise that holds one (行政许可法 第49、50条: a held
    licence is changed or continued; 危险化学品经营许可证管理办法 第14、19条)."""
    held = f"（编号 {number}）" if number else ""
    return (f"该企业已持有有效的{type_name}{held}，不能再次发证：登记事项变化请申请变更，"
            "有效期届满前请申请延期，原证照注销、吊销或撤销后方可重新申请")


def licence_application_refusal(*, action: str, type_name: str, held_number: str | None,
                                extendable_number: str | None = None) -> str | None:
    """Whether an application for a licence matches what the enterprise holds, as a routing message, or None.

    - 首次申请 (issue) while a licence of the kind is held → 变更 or 延期 instead (行政许可法 第49、50条);
    - 变更 (change) without a held licence → a first application (危险化学品经营许可证管理办法 第14条: a change
      amends a licence already granted);
    - 延期 (extension) without a licence to continue → a first application (安全生产许可证条例 第9条;
      危险化学品经营许可证管理办法 第19条: the holder applies before its licence expires).
    """
    if action == "issue" and held_number:
        return held_licence_message(type_name=type_name, number=held_number)
    if action == "change" and not held_number:
        return f"该企业未持有有效的{type_name}，不能办理变更：请申请首次许可"
    if action == "extension" and not (held_number or extendable_number):
        return f"该企业没有可以延期的{type_name}（延期须在有效期届满前申请）：请申请首次许可"
    return None


def late_extension_message(*, type_name: str, number: str, valid_until: dt.date, applied_on: dt.date,
                           renew_ahead_days: int, renew_rule: str, source: str) -> str | None:
    """Why a 延期 applied for later than the type's lead time is not received, or None (安全生产许可证条例 第9条:
    期满前3个月办理延期手续). The lead time and whether it is a minimum (`before`) are the certificate type's rule
    data (CertificateType.renew_ahead_days / renew_rule, with their source and effective date), never a literal;
    a `within` window closes on expiry, after which no 延期 is possible anyway."""
    if renew_rule != RENEW_BEFORE:
        return None
    closes = valid_until - dt.timedelta(days=renew_ahead_days)
    if applied_on <= closes:
        return None
    return (f"{type_name}（编号 {number}）有效期至 {valid_until:%Y-%m-%d}，延期申请应在期满前{renew_ahead_days}日即 "
            f"{closes:%Y-%m-%d} 前提出（依据：{source}），现已超过申请期限，不能受理延期申请。"
            "请联系发证机关咨询；有效期届满后可申请首次许可")


NOT_YET_VALID = "not_yet_valid"  # an answer of the public verification, never a stored status


def verification_status(status: str, *, valid_from: dt.date | None, today: dt.date, continued: bool) -> str:
    """The status the public verification answers: a live certificate whose validity period starts after today is
    not in force yet (尚未生效), not 有效 — a certificate is in force only within the validity period it states
    (证照载明的有效期, e.g. 安全生产许可证条例 第9条 有效期3年). A certificate `continued` ahead of its expiry (延期 or
    延期换证 granted before the old term ends: the same licence, its new term starting the day after) stays in force
    under its previous term, so it answers 有效."""
    if status in LIVE_STATUSES and valid_from is not None and valid_from > today and not continued:
        return NOT_YET_VALID
    return status


def is_valid_status(status: str) -> bool:
    """Whether a verification answers "valid": still in force (a certificate due for review is still valid)."""
    return status in LIVE_STATUSES


def reminder_offset(closes: dt.date, today: dt.date, offsets: Sequence[int]) -> int | None:
    """The reminder offset due today for a window closing on `closes`, or None.

    Offsets (e.g. 90/60/30/7 days before the window closes, data) cut the time before `closes` into buckets
    (60, 90], (30, 60], (7, 30], [0, 7]; a certificate in a bucket is owed that bucket's reminder. A job that
    missed days, or a certificate imported late, therefore still gets the reminder that matters now, once.
    """
    left = (closes - today).days
    ordered = sorted({int(o) for o in offsets if int(o) >= 0}, reverse=True)
    for i, offset in enumerate(ordered):
        lower = ordered[i + 1] if i + 1 < len(ordered) else -1
        if lower < left <= offset:
            return offset
    return None


def reminder_buckets(offsets: Sequence[int]) -> list[tuple[int, int, int]]:
    """(offset, lowest days left exclusive, highest days left inclusive) for every offset, largest first."""
    ordered = sorted({int(o) for o in offsets if int(o) >= 0}, reverse=True)
    return [(o, ordered[i + 1] if i + 1 < len(ordered) else -1, o) for i, o in enumerate(ordered)]


def mask_person_name(name: str) -> str:
    """张三 → 张*, 张晓明 → 张*明, 欧阳晓明 → 欧**明 (个人信息保护法: show no more than needed)."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def is_well_formed_code(code: str) -> bool:
    """A verification code is 32 URL-safe characters (24 random bytes, 192 bits: not guessable)."""
    return bool(VERIFY_CODE_RE.match(code or ""))


def print_allowed(prints_so_far: int, reprint_limit: int) -> bool:
    """Measure I.10: the first print plus at most `reprint_limit` reprints of one certificate."""
    return prints_so_far < 1 + max(0, reprint_limit)

