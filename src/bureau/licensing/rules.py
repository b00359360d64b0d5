"""Licensing rules as pure functions (no database; the numbers come in as arguments from rule data).

Working days come from the kernel clock (`bureau.kernel.calendar`), which knows holidays and 调休.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from bureau.kernel.calendar import Deadline, Pause, add_working_days, count_working_days

OFFICER_STAGE_STATES = {"review", "expert_review", "extension_requested", "pending_decision"}


@dataclass(frozen=True)
class Clock:
    """The computed dates of an application."""

    intake_due: dt.date
    deemed_accepted: bool  # 行政许可法 第32条: no intake decision within 5 working days → accepted on arrival
    start: dt.date | None  # the day the decision clock starts (acceptance, or arrival when deemed)
    decision_due: dt.date | None  # promised limit (+ extension), pauses skipped
    statutory_due: dt.date | None  # statutory limit (+ extension), pauses skipped
    due_on: dt.date | None  # the deadline of the current stage (the officer's queue is sorted by it)
    provisional: bool


OpenPause = tuple[dt.date, dt.date | None]


def close_pauses(pauses: Iterable[OpenPause], today: dt.date) -> list[Pause]:
    """A running stop counts up to today: the due date is then computed as if the clock restarted tomorrow."""
    return [(start, end if end is not None else max(start, today)) for start, end in pauses]


def deemed_waiting(state: str, intake_due: dt.date | None, today: dt.date) -> bool:
    """Still waiting for intake after the 5-working-day window: counts as accepted on arrival."""
    # 行政许可法 第32条: no intake decision within 5 working days → accepted on the day it arrived
    return state == "submitted" and intake_due is not None and intake_due < today


def intake_deadline(submitted_on: dt.date, intake_days: int) -> Deadline:
    # 行政许可法 第32条: decide on intake (or tell everything missing at once) within 5 working days
    return add_working_days(submitted_on, intake_days)


def compute_clock(*, state: str, submitted_on: dt.date, accepted_on: dt.date | None, intake_days: int,
                  promised_days: int, statutory_days: int, extension_days: int = 0,
                  pauses: Sequence[OpenPause] = (), today: dt.date) -> Clock:
    """All dates of an application from its state and history.

    - Intake: due `intake_days` working days after arrival; past that without a decision the application counts
      as accepted on the day it arrived (行政许可法 第32条), and the decision clock runs from arrival.
    - Decision: `promised_days` (+ the leader-approved extension, 第42条) working days after acceptance; expert
      review and similar intervals stop the clock (第45条).
    """
    closed = close_pauses(pauses, today)
    intake = intake_deadline(submitted_on, intake_days)
    provisional = intake.provisional
    deemed = False
    start = accepted_on
    if state == "submitted" and today > intake.date:
        deemed = True
        start = submitted_on
    decision_due = statutory_due = None
    if start is not None:
        promised = add_working_days(start, promised_days + extension_days, closed)
        statutory = add_working_days(start, statutory_days + extension_days, closed)
        decision_due, statutory_due = promised.date, statutory.date
        provisional = provisional or promised.provisional  # the stage deadline; the statutory date is shown as is
    if state == "submitted":
        due_on = decision_due if deemed else intake.date
    elif state in OFFICER_STAGE_STATES:
        due_on = decision_due
    else:
        due_on = None
    return Clock(intake.date, deemed, start, decision_due, statutory_due, due_on, provisional)


def handling_days(start: dt.date, end: dt.date, pauses: Iterable[OpenPause] = ()) -> int:
    """Actual handling time in working days, pauses excluded (indicator II.1)."""
    return max(0, count_working_days(start, end, close_pauses(pauses, end)).count)


@dataclass(frozen=True)
class MaterialCheck:
    missing_required: list[str]
    missing_tolerable: list[str]

    @property
    def complete(self) -> bool:
        return not self.missing_required and not self.missing_tolerable

    @property
    def tolerable_only(self) -> bool:
        return not self.missing_required and bool(self.missing_tolerable)


def check_materials(rows: Iterable[tuple[str, str, bool]]) -> MaterialCheck:
    """rows: (name, requirement, provided). 免提交 materials are never missing (measure I.2: shared data)."""
    required: list[str] = []
    tolerable: list[str] = []
    for name, requirement, provided in rows:
        if provided or requirement == "shared":
            continue
        (tolerable if requirement == "tolerable" else required).append(name)
    return MaterialCheck(required, tolerable)


def tolerance_refusal(*, allowed: bool, check: MaterialCheck) -> str | None:
    """容缺受理 (measure I.3): only when the item allows it and only secondary materials are missing."""
    if not allowed:
        return "该事项不适用容缺受理"
    if check.missing_required:
        return "主要材料不齐全，不能容缺受理：缺少" + "、".join(check.missing_required)
    if not check.missing_tolerable:
        return "材料已齐全，无需容缺受理，请直接受理"
    return None


def commitment_deadline_refusal(deadline: dt.date | None, *, today: dt.date, latest: dt.date) -> str | None:
    """The supplement deadline may not exceed the item's promised limit (local 容缺 practice)."""
    if deadline is None:
        return "请填写承诺补交日期"
    if deadline <= today:
        return "承诺补交日期必须晚于今天"
    if deadline > latest:
        return f"承诺补交日期不得晚于承诺办结时限 {latest:%Y-%m-%d}"
    return None


@dataclass(frozen=True)
class Track:
    site_required: bool
    expert_required: bool
    fast_track: str
    reason: str


def fast_track(*, kind: str, needs_site: bool, needs_expert: bool, grade_skips_site: bool, grade: str,
               grade_label: str, special_evaluation_allowed: bool, partial_renovation: bool, is_gas_station: bool,
               merged_review_allowed: bool, merged_review: bool, joint_completion_visit: bool) -> Track:
    """Which fast track applies and why (measures I.2, I.4, I.6, I.7). The reason is stored on the record."""
    if special_evaluation_allowed and partial_renovation and is_gas_station:
        # measure I.7: gas-station partial renovation without grade change → special evaluation, no project review
        return Track(False, False, "special_evaluation",
                     "加油站局部改造且不改变等级，以安全专项评价代替建设项目安全审查")
    if merged_review_allowed and merged_review:
        # measure I.7: eligible projects have safety-condition and design review together
        return Track(needs_site, needs_expert, "merged_review", "安全条件审查与安全设施设计审查合并进行")
    if needs_site and grade_skips_site and grade in {"1", "2"}:
        # measure I.4: 标准化 一级/二级 skip the on-site verification of 安全生产许可证
        return Track(False, needs_expert, "grade_skip_site",
                     f"企业安全生产标准化等级为{grade_label}，免于现场核查")
    if kind == "instant" and not needs_site and not needs_expert:
        # measure I.2: change-type items without site check or expert review are decided on the spot
        return Track(False, False, "instant", "即办件：无需现场核查和专家评审，当场办结")
    if needs_site and joint_completion_visit:
        # measure I.6: completion-acceptance supervision and first-licence site check are one joint visit
        return Track(True, needs_expert, "joint_completion", "竣工验收监督与首次许可现场核查合并为一次联合检查")
    return Track(needs_site, needs_expert, "", "")



def special_path_refusal(*, outcome: str, track: str) -> str | None:
    """Measure I.7: gas-station partial renovation without a grade change takes a 专项评价 filing instead of the
    project review; the filing item is only for that case."""
    if outcome == "filing" and track != "special_evaluation":
        return "专项评价备案仅适用于加油站局部改造且不改变加油站等级的情形，请勾选并确认，或申请建设项目安全审查"
    if outcome != "filing" and track == "special_evaluation":
        return "加油站局部改造且不改变等级的，不进行建设项目安全审查，请改为办理「加油站局部改造安全专项评价备案」"
    return None

# ---------------------------------------------------------------- intake (issue 15.3)

def submission_material_refusal(rows: Iterable[tuple[str, str, bool]], *, tolerance_allowed: bool) -> str | None:
    """rows: (name, requirement, provided). A required material must be there at submission; a 可容缺 material may
    be missing only when the item declares 容缺 (measure I.3; 行政许可法 第32条: an application that is visibly
    incomplete is not an application to accept). Shared materials are fetched, never asked for (measure I.2)."""
    check = check_materials(rows)
    missing = check.missing_required + ([] if tolerance_allowed else check.missing_tolerable)
    if not missing:
        return None
    text = "以下材料必须上传：" + "、".join(missing)
    if check.missing_tolerable and not tolerance_allowed:
        text += "（本事项不适用容缺受理）"
    return text


@dataclass(frozen=True)
class EligibilityRow:
    industry: str
    sub_sector: str
    issuing_level: str
    note: str
    source: str


LEVEL_LABELS = {"province": "省级", "city": "市级", "county": "县级"}


def eligibility_refusal(rows: Sequence[EligibilityRow], *, item_name: str, item_level: str, industry: str,
                        industry_label: str, sub_sector: str, labels: Mapping[str, str]) -> str | None:
    """Why this enterprise does not apply for the item here, or None (data: `ItemEligibility`, each row with its
    source). No rows: the item is open to every enterprise. The row of the enterprise's sub-sector wins over the
    row of its whole industry; a row naming another issuing level tells where the licence is issued
    (行政许可法 第22条: by the authority holding the power)."""
    if not rows:
        return None
    mine = [r for r in rows if r.industry == industry and r.sub_sector in {sub_sector, ""}]
    mine.sort(key=lambda r: r.sub_sector == "")  # the specific row first
    if not mine:
        listed = "、".join(dict.fromkeys(labels.get(r.industry, r.industry) for r in rows
                                         if r.issuing_level == item_level))
        return f"「{item_name}」不适用于{industry_label}企业" + (f"（适用行业：{listed}）" if listed else "")
    row = mine[0]
    if row.issuing_level != item_level:
        where = LEVEL_LABELS.get(row.issuing_level, row.issuing_level)
        return row.note or f"{industry_label}企业的「{item_name}」由{where}机关办理，不属于本事项的办理范围"
    return None


@dataclass(frozen=True)
class Comparison:
    key: str
    label: str
    typed: str
    register: str
    licence: str
    flags: tuple[str, ...]


def normalise(value: str) -> str:
    """For comparison only: full-width to half-width, no spaces, upper case (a typed 「８８号」 is 「88号」)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def compare_with_register(rows: Iterable[tuple[str, str, str | None, str | None, str | None]]) -> list[Comparison]:
    """rows: (key, label, typed, register, licence), None where that source has no value for the field. Each value
    the enterprise typed is compared with the enterprise register and with the business licence the market
    regulator holds; the register is compared with the licence too. Every difference is flagged 需核验 for the
    officer (the flag names the two sources; the values are in the row) (行政许可法 第34条: the officer examines the substance of the materials)."""
    out = []
    for key, label, typed, register, licence in rows:
        flags = []
        if typed is not None and register is not None and normalise(typed) != normalise(register):
            flags.append("填报与企业名录不一致")
        if licence is not None:
            if typed is not None and normalise(typed) != normalise(licence):
                flags.append("填报与营业执照不一致")
            if register is not None and normalise(register) != normalise(licence) and (
                    typed is None or normalise(typed) == normalise(licence)):
                flags.append("企业名录与营业执照不一致")
        out.append(Comparison(key, label, typed or "", register or "", licence or "", tuple(flags)))
    return out
