"""The enterprise's safety-production credit record (安全生产诚信): a decision feeds it by a rule row.

The grades are Shanxi's bands A1 > A2 > B1 > B2 > B3 > C1 > C2 > C3 > D (domain §6), announced yearly; between two
announcements a penalty decision lowers the grade by the rule table (`CreditRule`: 降 N 级 and/or 最高为某级, with
the fine threshold, other measures and target it applies to). Every application is an entry of the record
(`CreditEvent`: the decision, the rule row, the date, the grades) — 安全生产法（2021）第七十八条: 负有安全生产监督管理
职责的部门应当建立安全生产违法行为信息库，如实记录生产经营单位及其有关从业人员的安全生产违法行为信息. When the decision
is changed or revoked (行政处罚法 第48条第2款 withdraws its publication) the entry is reversed.

The table's seed rows are DEMONSTRATION values (`demo=True`, labelled 示例 on every screen): the Shanxi rule that
maps a decision to a grade change could not be sourced (see docs/penalties.md «诚信记录»); the bureau replaces
them with its own rows in the admin. Pure rule first, then the writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q

from bureau.accounts.authority import restrict_key
from bureau.enterprises.models import CreditEvent, CreditRule, Enterprise
from bureau.kernel.audit import audit
from bureau.kernel.prepared import PreparedRows

GRADE_ORDER = ("A1", "A2", "B1", "B2", "B3", "C1", "C2", "C3", "D")  # best first


@dataclass(frozen=True)
class RuleRow:
    code: str
    label: str
    min_fine: int | None
    measures_keyword: str
    target: str
    downgrade_steps: int
    max_grade: str
    source: str
    demo: bool
    row_id: int = 0


@dataclass(frozen=True)
class DecisionFact:
    fine: int
    measures: str
    target: str  # "unit" / "person"


def applies(row: RuleRow, fact: DecisionFact) -> bool:
    """A row applies when every condition it sets holds (fine threshold, a measure named, the target)."""
    if row.target and row.target != fact.target:
        return False
    if row.min_fine is not None and fact.fine < row.min_fine:
        return False
    if row.measures_keyword and row.measures_keyword not in fact.measures:
        return False
    return row.min_fine is not None or bool(row.measures_keyword)  # a row must set at least one condition


def lowered(grade: str, row: RuleRow) -> str:
    """The grade after the row: N steps down, then no better than the cap. An ungraded enterprise stays ungraded
    (the entry is kept for its next evaluation)."""
    if grade not in GRADE_ORDER:
        return grade
    index = min(GRADE_ORDER.index(grade) + row.downgrade_steps, len(GRADE_ORDER) - 1)
    if row.max_grade in GRADE_ORDER:
        index = max(index, GRADE_ORDER.index(row.max_grade))
    return GRADE_ORDER[index]


def apply_rules(grade: str, rows: Sequence[RuleRow], fact: DecisionFact) -> tuple[RuleRow | None, str, list[RuleRow]]:
    """(the governing row, the grade after, every row that applies): when several apply, the one leading to the
    lowest grade governs (a decision is counted once, by its most severe consequence)."""
    matched = [r for r in rows if applies(r, fact)]
    if not matched:
        return None, grade, []
    probe = grade if grade in GRADE_ORDER else GRADE_ORDER[0]  # an ungraded firm: the row that would weigh most
    governing = max(matched, key=lambda r: (GRADE_ORDER.index(lowered(probe, r)), r.downgrade_steps))
    after = lowered(grade, governing)
    return governing, after, matched


def grade_label(grade: str) -> str:
    return grade or "未评定"


# ------------------------------------------------------------------------------------------------------------ writes


def rules_in_force(on: dt.date) -> list[RuleRow]:
    rows = CreditRule.objects.filter(effective_from__lte=on).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=on)).order_by("code")
    return [RuleRow(code=r.code, label=r.label, min_fine=r.min_fine, measures_keyword=r.measures_keyword,
                    target=r.target, downgrade_steps=r.downgrade_steps, max_grade=r.max_grade, source=r.source,
                    demo=r.demo, row_id=r.pk) for r in rows]


def record_decision(*, actor: Any, enterprise: Enterprise, source_type: str, source_id: str, number: str,
                    decided_on: dt.date, fine: int, measures: str, target: str, label: str,
                    kind: str = CreditEvent.Kind.DECISION) -> CreditEvent | None:
    """A decision made against the enterprise (or, `kind` BREACH, a commitment it did not keep): the rule rows in
    force on the date decide the grade; an entry is written when a row applies (idempotent: a source is recorded
    once). Call inside the decision's transaction."""
    existing = CreditEvent.objects.filter(source_type=source_type, source_id=str(source_id), kind=kind).first()
    if existing is not None:
        return existing
    fact = DecisionFact(fine=fine or 0, measures=measures or "", target=target or "unit")
    with transaction.atomic():
        firm = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
        governing, after, matched = apply_rules(firm.credit_grade, rules_in_force(decided_on), fact)
        if governing is None:
            return None
        others = [r.code for r in matched if r.code != governing.code]
        note = ("示例规则（待核实）；" if governing.demo else "") + (
            "企业未评定诚信等级，记录在案，评定时计入" if firm.credit_grade not in GRADE_ORDER else
            f"诚信等级由{grade_label(firm.credit_grade)}调整为{grade_label(after)}") + (
            f"；同时符合{'、'.join(others)}，按后果最重的规则计" if others else "")
        event = CreditEvent.objects.create(
            enterprise=firm, region_id=firm.region_id, kind=kind, occurred_on=decided_on,
            source_type=source_type, source_id=str(source_id), source_number=number[:60], source_label=label[:300],
            fine=fine or None, rule_id=governing.row_id or None, rule_code=governing.code,
            rule_label=governing.label[:300], grade_before=firm.credit_grade, grade_after=after, note=note,
            created_by=actor if getattr(actor, "pk", None) else None)
        if after != firm.credit_grade:
            Enterprise.objects.filter(pk=firm.pk).update(credit_grade=after)
            enterprise.credit_grade = after
        audit(actor, "enterprises.credit_event", firm,
              summary=f"{firm.name} 诚信记录：{number} {governing.code}，{grade_label(firm.credit_grade)}→{grade_label(after)}",
              data={"source": f"{source_type}:{source_id}", "rule": governing.code, "matched": [r.code for r in matched],
                    "before": firm.credit_grade, "after": after})
    return event


def reverse_decision(*, actor: Any, source_type: str, source_id: str, on: dt.date, reason: str) -> CreditEvent | None:
    """The decision was changed, revoked or found unlawful/void: the entry it caused is reversed (the grade goes back
    to what it was, unless it has been set otherwise since — then it stays and the entry says so)."""
    original = CreditEvent.objects.filter(source_type=source_type, source_id=str(source_id),
                                          kind=CreditEvent.Kind.DECISION).first()
    if original is None or CreditEvent.objects.filter(source_type=source_type, source_id=str(source_id),
                                                      kind=CreditEvent.Kind.REVERSAL).exists():
        return None
    with transaction.atomic():
        firm = Enterprise.objects.select_for_update().get(pk=original.enterprise_id)
        restore = firm.credit_grade == original.grade_after
        after = original.grade_before if restore else firm.credit_grade
        note = (f"恢复为{grade_label(after)}" if restore and after != firm.credit_grade else
                "等级未因该决定调整" if restore else
                f"该决定作出后等级已另行调整为{grade_label(firm.credit_grade)}，不自动恢复，请复核") + f"；理由：{reason}"
        event = CreditEvent.objects.create(
            enterprise=firm, region_id=firm.region_id, kind=CreditEvent.Kind.REVERSAL, occurred_on=on,
            source_type=source_type, source_id=str(source_id), source_number=original.source_number,
            source_label=f"撤销/变更：{original.source_label}"[:300], fine=original.fine, rule=original.rule,
            rule_code=original.rule_code, rule_label=original.rule_label, grade_before=firm.credit_grade,
            grade_after=after, note=note[:1000], created_by=actor if getattr(actor, "pk", None) else None)
        if after != firm.credit_grade:
            Enterprise.objects.filter(pk=firm.pk).update(credit_grade=after)
        audit(actor, "enterprises.credit_reversal", firm,
              summary=f"{firm.name} 诚信记录恢复：{original.source_number}，{note}"[:300],
              data={"source": f"{source_type}:{source_id}", "before": firm.credit_grade, "after": after})
    return event


def events_for(user: Any, enterprise: Enterprise) -> list[CreditEvent]:
    """The enterprise's credit record as `user` may see it (the bureau of its jurisdiction, the enterprise itself)."""
    scope = restrict_key(CreditEvent, user)
    if scope is None:
        return []
    return _EVENTS.rows(lambda: CreditEvent.objects.restrict(user).filter(enterprise_id=enterprise.pk)  # compiled
                        .select_related("rule").order_by("-occurred_on", "-id")[:50],  # once per scope (issue 18)
                        key=(scope, enterprise.pk))


_EVENTS: PreparedRows[CreditEvent] = PreparedRows()


# The demonstration rows (安全生产法 第78条 is the frame; the numbers are NOT Shanxi's, which were not sourced):
# code, label, min_fine, measures, target, steps, cap
DEMO_RULES = (
    ("DEMO-1", "受到罚款的行政处罚", 1, "", "unit", 1, ""),
    ("DEMO-2", "单次罚款五万元以上", 50000, "", "unit", 1, "B2"),
    ("DEMO-3", "被责令停产停业整顿", None, "停产停业", "", 0, "C1"),
    ("DEMO-4", "被吊销有关证照", None, "吊销", "", 0, "C3"),
    # measure I.3 / local 容缺 rules: an overdue 容缺 commitment is entered in the credit record (licensing.tolerance)
    ("DEMO-5", "容缺承诺逾期未履行", None, "容缺承诺逾期未履行", "unit", 1, ""),
)
DEMO_SOURCE = ("示例值（待核实）：框架依据安全生产法（2021）第七十八条（安全生产违法行为信息库）；山西省安全生产诚信评价的"
               "具体扣减标准未能取得原文，请按本省现行规定修改")


def seed_credit_rules(**_: Any) -> None:
    """Insert the demonstration rows that do not exist yet (post_migrate); an administrator's edit is kept."""
    existing = set(CreditRule.objects.values_list("code", flat=True))
    CreditRule.objects.bulk_create([
        CreditRule(code=code, label=label, min_fine=fine, measures_keyword=measures, target=target,
                   downgrade_steps=steps, max_grade=cap, source=DEMO_SOURCE, demo=True,
                   effective_from=dt.date(2021, 9, 1))
        for code, label, fine, measures, target, steps, cap in DEMO_RULES if code not in existing])
