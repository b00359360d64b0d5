"""行政执法公示 of decisions and the credit record they feed — the writes.

`decision_made` is called by `services.case_decide` / `case_decide_no_penalty` inside the decision's transaction:
it feeds the enterprise's credit record (enterprises.credit, a penalty decision only) and prepares the publication
(a masked snapshot with its deadline) when the decision's kind is in the rule's scope. The hourly job
(`publish_due`) publishes what is served or due; the bureau may publish at once, withhold with a reason, add names to
mask, and withdraw when the decision is changed or revoked (行政处罚法 第48条第2款). Rules and sources: `publicity`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from bureau.accounts.authority import require_change
from bureau.accounts.models import User
from bureau.enterprises import credit
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days
from bureau.kernel.errors import DomainError
from bureau.kernel.rules import rule
from bureau.kernel.workflow import record_history
from bureau.penalties import documents, publicity, rules
from bureau.penalties.models import Case, DecisionPublication

SERVED_STATES = ("served", "executed", "closed")


def _kind(case: Case) -> str:
    return publicity.NO_PENALTY if case.exemption else publicity.PENALTY


def publication_due(kind: str, decided_on: dt.date) -> tuple[dt.date, bool]:
    """The deadline of the rule in force on the decision date, in working days (国办发〔2018〕118号: 行政处罚 7, other
    执法决定 20)."""
    key = "penalties.publication_days.no_penalty" if kind == publicity.NO_PENALTY else "penalties.publication_days.penalty"
    due = add_working_days(decided_on, int(rule(key, decided_on)))
    return due.date, due.provisional


def _names(case: Case, extra: list[str]) -> list[str]:
    """The natural persons whose names may appear in the case's texts: the party's legal representative and safety
    contact, its platform users, the people responsible named on its hazards, and names the bureau added."""
    firm = case.enterprise
    names = [firm.legal_representative, firm.contact_name, *extra]
    names += list(User.objects.filter(enterprise_id=firm.pk).exclude(real_name="").values_list("real_name", flat=True)[:200])
    if case.hazard is not None and case.hazard.responsible_person:
        names.append(case.hazard.responsible_person)
    return [n for n in names if n]


def _snapshot(case: Case, extra_names: list[str]) -> dict[str, Any]:
    kind = _kind(case)
    row = case.benchmark_row
    if case.exemption:
        basis = {"self_inspection": "运城市优化营商环境措施第二部分第8条（企业自查整改问题免罚）；《中华人民共和国行政处罚法》第三十三条",
                 "first_offence": "《中华人民共和国行政处罚法》第三十三条第一款",
                 "collective": "《中华人民共和国行政处罚法》第五十七条"}.get(case.exemption, "")
        outcome = publicity.penalty_text(amount=0, other_measures="", exemption_label=case.get_exemption_display())
    else:
        basis = "；".join(x for x in ((f"违反{row.legal_provision}" if row and row.legal_provision else ""),
                                      (f"依据{row.penalty_provision}" if row and row.penalty_provision else "")) if x)
        outcome = publicity.penalty_text(amount=case.decided_amount, other_measures=case.other_measures,
                                         exemption_label="")
    text = publicity.public_text(
        kind=kind, number=documents.document_number(case, kind), party_name=case.enterprise.name, party_uscc=case.enterprise.uscc,
        legal_representative=case.enterprise.legal_representative, facts=case.facts, title=case.title,
        basis=basis or "—", penalty=outcome, authority_name=case.organisation.name,
        decided_on=case.decided_on or timezone.localdate(), names=_names(case, extra_names))
    return {"kind": kind, "title": text.title, "number": text.number[:60], "party_name": text.party_name[:120],
            "party_uscc": text.party_uscc, "legal_representative": text.legal_representative[:40],
            "violation": text.violation, "basis": text.basis, "penalty": text.penalty[:300],
            "authority_name": text.authority_name[:120]}


def decision_made(actor: User, case: Case) -> DecisionPublication | None:
    """The decision is made (called in its transaction): the credit record, then the publication to prepare."""
    decided_on = case.decided_on or timezone.localdate()
    kind = _kind(case)
    if kind == publicity.PENALTY:
        credit.record_decision(
            actor=actor, enterprise=case.enterprise, source_type="penalties.case", source_id=str(case.pk),
            number=case.number, decided_on=decided_on, fine=case.decided_amount or 0, measures=case.other_measures,
            target=case.target or rules.TARGET_UNIT,
            label=f"行政处罚决定：{case.title}" + (f"，罚款{case.decided_amount:,}元" if case.decided_amount else ""))
    if kind not in (rule("penalties.publication.kinds", decided_on) or []):
        return None
    existing = DecisionPublication.objects.filter(case=case).first()
    if existing is not None:
        return existing
    due, provisional = publication_due(kind, decided_on)
    publication = DecisionPublication.objects.create(
        case=case, enterprise_id=case.enterprise_id, region_id=case.region_id, decided_on=decided_on, due_on=due,
        due_provisional=provisional, **_snapshot(case, []))
    record_history(case, actor=actor, action="publication_prepared", label="公示信息已生成",
                   note=f"{publicity.KIND_LABELS[kind]}信息待公示，公示期限{due:%Y-%m-%d}（国办发〔2018〕118号）")
    return publication


def _publish(actor: User | None, publication: DecisionPublication, how: str) -> None:
    now = timezone.now()
    updated = DecisionPublication.objects.filter(pk=publication.pk, state=publicity.PENDING).update(
        state=publicity.PUBLISHED, published_at=now, published_by=actor if getattr(actor, "pk", None) else None)
    if not updated:
        return
    publication.state, publication.published_at = publicity.PUBLISHED, now
    late = now.date() > publication.due_on
    note = f"{how}；公示期限{publication.due_on:%Y-%m-%d}" + ("，已逾期" if late else "")
    record_history(publication.case, actor=actor, action="publish", label="行政执法公示", note=note)
    audit(actor, "penalties.publish", publication, summary=f"公示：{publication.number}（{note}）"[:300],
          data={"case": publication.case_id, "late": late})


def publish(*, actor: User, publication: DecisionPublication) -> DecisionPublication:
    """立即公示 by a section head or leader (the decision need not wait for service)."""
    require_change(actor, DecisionPublication, region=publication.region_id)
    if publication.state != publicity.PENDING:
        raise DomainError(f"该决定当前为「{publication.get_state_display()}」，不能公示", code="not_pending")
    with transaction.atomic():
        _publish(actor, publication, "由本机关人员公示")
    return publication


def publish_due(today: dt.date | None = None) -> int:
    """The hourly job: publish every pending decision that has been served, or whose deadline is today or past
    (the deadline counts from the decision, 国办发〔2018〕118号). Idempotent (a conditional update per row)."""
    today = today or timezone.localdate()
    pending = (DecisionPublication.objects.filter(state=publicity.PENDING)
               .filter(Q(case__state__in=SERVED_STATES) | Q(due_on__lte=today))
               .select_related("case").order_by("due_on", "id")[:1000])
    count = 0
    for publication in pending:
        with transaction.atomic():
            _publish(None, publication, "决定已送达，系统自动公示" if publication.case.state in SERVED_STATES
                     else "公示期限届至，系统自动公示")
        count += 1
    return count


def withhold(*, actor: User, publication: DecisionPublication, reason: str) -> DecisionPublication:
    """不予公开 a pending decision, with the reason and its basis written down (a leader or section head)."""
    require_change(actor, DecisionPublication, region=publication.region_id)
    publicity.check_withholding(state=publication.state, reason=reason)
    text = " ".join(reason.split())
    with transaction.atomic():
        updated = DecisionPublication.objects.filter(pk=publication.pk, state=publicity.PENDING).update(
            state=publicity.WITHHELD, withheld_reason=text, decided_by=actor)
        if not updated:
            raise DomainError("该决定已不在待公示状态", code="not_pending")
        publication.state, publication.withheld_reason = publicity.WITHHELD, text
        record_history(publication.case, actor=actor, action="withhold_publication", label="决定不予公开", note=text)
        audit(actor, "penalties.withhold_publication", publication, summary=f"不予公开：{publication.number}；{text}"[:300])
    return publication


def withdraw(*, actor: User, publication: DecisionPublication, ground: str, revoked_on: dt.date | None,
             reason: str) -> DecisionPublication:
    """The decision was changed, revoked or found unlawful or void: its information is withdrawn from the portal
    within three days and the reason is made public (行政处罚法 第48条第2款); the credit entry it caused is reversed."""
    require_change(actor, DecisionPublication, region=publication.region_id)
    today = timezone.localdate()
    publicity.check_withdrawal(state=publication.state, ground=ground, reason=reason, revoked_on=revoked_on,
                               decided_on=publication.decided_on, today=today)
    assert revoked_on is not None  # checked
    text = " ".join(reason.split())
    due = publicity.withdraw_due(revoked_on, int(rule("penalties.publication.withdraw_days", revoked_on)))
    now = timezone.now()
    with transaction.atomic():
        updated = DecisionPublication.objects.filter(pk=publication.pk).exclude(state=publicity.WITHDRAWN).update(
            state=publicity.WITHDRAWN, withdraw_ground=ground, revoked_on=revoked_on, withdraw_due=due,
            withdraw_reason=text, withdrawn_at=now, decided_by=actor)
        if not updated:
            raise DomainError("该决定的公示信息已撤回", code="already_withdrawn")
        publication.state, publication.withdraw_ground, publication.revoked_on = publicity.WITHDRAWN, ground, revoked_on
        publication.withdraw_due, publication.withdraw_reason, publication.withdrawn_at = due, text, now
        label = publicity.WITHDRAW_GROUNDS[ground]
        late = now.date() > due
        note = f"决定已于{revoked_on:%Y-%m-%d}{label}；{text}" + (f"（撤回期限{due:%Y-%m-%d}，已逾期）" if late else "")
        record_history(publication.case, actor=actor, action="withdraw_publication", label="撤回公示信息", note=note[:500])
        audit(actor, "penalties.withdraw_publication", publication, summary=f"撤回公示：{publication.number}；{note}"[:300],
              data={"ground": ground, "revoked_on": revoked_on.isoformat(), "late": late})
        credit.reverse_decision(actor=actor, source_type="penalties.case", source_id=str(publication.case_id),
                                on=revoked_on, reason=f"{label}：{text}")
    return publication


def mask_more(*, actor: User, publication: DecisionPublication, names: list[str]) -> DecisionPublication:
    """The bureau names more natural persons to hide (a name the masking did not recognise): the snapshot is masked
    again, also after publication (a correction)."""
    require_change(actor, DecisionPublication, region=publication.region_id)
    clean = [n.strip() for n in names if len(n.strip()) >= 2]
    if not clean:
        raise DomainError("请填写需隐去的姓名（每行一个，至少两个字）", code="names_required", field="names")
    if publication.state == publicity.WITHDRAWN:
        raise DomainError("已撤回的公示信息不再更新", code="withdrawn")
    extra = list(dict.fromkeys([*publication.masked_names, *clean]))[:50]
    fields = _snapshot(publication.case, extra)
    fields.pop("kind")
    with transaction.atomic():
        DecisionPublication.objects.filter(pk=publication.pk).update(masked_names=extra, **fields)
        for key, value in fields.items():
            setattr(publication, key, value)
        publication.masked_names = extra
        record_history(publication.case, actor=actor, action="mask_publication", label="更正公示信息（隐去姓名）",
                       note=f"另行隐去{len(clean)}个姓名")
        audit(actor, "penalties.mask_publication", publication, summary=f"更正公示信息：{publication.number}",
              data={"count": len(clean)})
    return publication


def overdue(user: Any, today: dt.date | None = None) -> QuerySet[DecisionPublication]:
    """Decisions not published by their deadline (the bureau's list and indicator)."""
    today = today or timezone.localdate()
    return (DecisionPublication.objects.restrict(user).filter(state=publicity.PENDING, due_on__lt=today)
            .select_related("case", "enterprise").order_by("due_on", "id"))


def overdue_count() -> int:
    return DecisionPublication.objects.filter(state=publicity.PENDING, due_on__lt=timezone.localdate()).count()
