"""容缺许可 in review (measure I.3): a problem found by the site check or the expert review that can be rectified
within a time limit is accepted under the enterprise's commitment (preventive measures, plan, deadline) and the
licence may be granted first; the enterprise reports fulfilment and an officer verifies it (approve, or send it back
with reasons); an overdue commitment leads to the consequences named by the rule table `CommitmentConsequenceRule`
(supervision task, credit record, revocation proposal), applied once each by the daily sweep.

The intake 容缺 (missing secondary materials) is the same `Commitment` with origin "intake": it is signed and
supplemented through `services.commitment_sign/commitment_fulfil` and verified here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bureau.accounts.models import User
from bureau.enterprises.credit import record_decision
from bureau.enterprises.models import CreditEvent
from bureau.inspection.models import HandoverReason
from bureau.inspection.services import handover_open
from bureau.kernel.attachments import save_upload
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days, count_working_days
from bureau.kernel.errors import DomainError
from bureau.kernel.notifications import notify
from bureau.kernel.rules import rule
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.licensing import services
from bureau.licensing.models import (
    Application,
    ApplicationMaterial,
    Commitment,
    CommitmentConsequence,
    CommitmentConsequenceRule,
    ConsequenceKind,
)
from bureau.licensing.workflow import COMMITMENT, WORKFLOW

EVIDENCE_TYPES = frozenset({"pdf", "jpg", "jpeg", "png"})


def review_tolerance_open(*, actor: User, application: Application, found_in: str, problems: str) -> Commitment:
    """The reviewing officer accepts a problem found in the site check or the expert review under a rectification
    commitment (措施I.3: 对可限期整改的问题 … 出具限期完成整改承诺文件后，可先行予以许可). The enterprise then signs it
    online (`services.commitment_sign`); the proposal waits for the signature (workflow guard _commitment_signed)."""
    app = services._for_step(actor, application, "tolerate_findings")
    if found_in not in {Commitment.FoundIn.SITE, Commitment.FoundIn.EXPERT}:
        raise DomainError("请选择发现问题的环节（现场核查或专家评审）", field="found_in")
    if found_in == Commitment.FoundIn.SITE and not (app.site_done_on or app.joint_inspection_id):
        raise DomainError("本件尚未完成现场核查", field="found_in")
    if found_in == Commitment.FoundIn.EXPERT and not app.expert_result:
        raise DomainError("本件尚未完成专家评审", field="found_in")
    if not problems.strip():
        raise DomainError("请逐项列明发现的问题和整改要求", field="problems")
    on = services.today()
    latest = add_working_days(on, int(rule("licensing.review_rectification_max_days", on))).date
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "tolerate_findings", actor=actor, note=problems.strip()[:500])
        try:
            commitment = Commitment.objects.create(application=app, origin=Commitment.Origin.REVIEW,
                                                   found_in=found_in, problems=problems.strip(),
                                                   latest_deadline=latest)
        except IntegrityError:
            raise DomainError("已就审查发现的问题接受整改承诺", code="conflict")
        record_history(commitment, actor=actor, action="create", label="审查发现问题，接受整改承诺",
                       note=problems.strip()[:500])
        services._tell_applicant(app, "审查发现问题，请签署整改承诺书",
                                 f"请于 {latest:%Y-%m-%d} 前完成整改；签署承诺书后可先行许可。")
    services._done(application)
    return commitment


def commitment_report(*, actor: User, commitment: Commitment, text: str, files: Sequence[Any] = ()) -> Commitment:
    """The enterprise reports that the rectification is done, with evidence (photos, reports): the commitment waits
    for the officer's verification (`fulfil` → 待核验; measure I.3: not closed by the enterprise itself)."""
    check_transition(COMMITMENT, commitment, "fulfil", actor)
    if not commitment.is_review:
        raise DomainError("容缺材料请通过补交材料提交", code="intake")
    if not text.strip():
        raise DomainError("请说明整改完成情况", field="text")
    uploads = list(files)
    if not uploads:
        raise DomainError("请上传整改完成的证明（照片或报告）", field="files")
    max_bytes = services._check_uploads(dict(enumerate(uploads)))
    with transaction.atomic():
        apply_transition(COMMITMENT, commitment, "fulfil", actor=actor, note=text.strip()[:500],
                         updates={"report_text": text.strip(), "reported_at": timezone.now()})
        for upload in uploads:
            save_upload(upload, owner=commitment, purpose="整改证明", actor=actor, allowed=EVIDENCE_TYPES,
                        max_bytes=max_bytes)
        _tell_officers(commitment, "容缺承诺待核验", "企业已报告承诺履行，请核验。")
    return commitment


def commitment_verify(*, actor: User, commitment: Commitment, passed: bool, note: str) -> Commitment:
    """The officer verifies the reported fulfilment (measure I.3: 承诺事项在事中事后监管中监督落实): approved → 已履行;
    not approved → back to the enterprise with reasons (履行中, or 逾期 when the deadline has passed; the materials
    supplied for an intake commitment are asked again)."""
    action = "verify" if passed else "send_back"
    check_transition(COMMITMENT, commitment, action, actor)
    if not passed and not note.strip():
        raise DomainError("退回时请写明未通过核验的理由和整改要求", field="note")
    on = services.today()
    with transaction.atomic():
        updates: dict[str, Any] = {"verified_by": actor, "verified_at": timezone.now(),
                                   "verification_note": note.strip()}
        if passed:
            updates["fulfilled_on"] = on
        apply_transition(COMMITMENT, commitment, action, actor=actor, note=note.strip()[:500], updates=updates)
        if not passed and not commitment.is_review:
            commitment.application.materials.filter(status=ApplicationMaterial.Status.SUPPLEMENTED).update(
                status=ApplicationMaterial.Status.TOLERATED)
        services._tell_applicant(commitment.application, "容缺承诺核验通过" if passed else "容缺承诺核验未通过",
                                 note.strip()[:200])
    return commitment


def _tell_officers(commitment: Commitment, title: str, body: str) -> None:
    app = commitment.application
    region = settings.CITY_REGION_CODE if app.level == "city" else app.region_id
    staff = User.objects.filter(is_active=True, roles__code__in=["licensing_officer"],
                                organisation__region_id=region).distinct()
    notify(staff, f"【{app.number}】{title}", body, services._url(app))


# ---------------------------------------------------------------- consequences of an overdue commitment

def rules_in_force(on: dt.date, origin: str) -> list[CommitmentConsequenceRule]:
    return list(CommitmentConsequenceRule.objects.filter(effective_from__lte=on)
                .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=on))
                .filter(Q(origin="") | Q(origin=origin)).order_by("after_days", "code"))


def due_rules(rows: list[CommitmentConsequenceRule], overdue_days: int) -> list[CommitmentConsequenceRule]:
    """The rows that apply after `overdue_days` working days past the deadline (pure)."""
    return [r for r in rows if overdue_days >= r.after_days]


def consequence_sweep(*, on: dt.date | None = None) -> dict[str, int]:
    """Apply the consequences the rule table names to every overdue commitment, each row once per commitment
    (claimed by the unique (commitment, rule) row inside the consequence's transaction: a second or concurrent run
    finds it taken). Runs in the licensing daily sweep after the escalation."""
    on = on or services.today()
    applied = 0
    for c in Commitment.objects.filter(status=Commitment.Status.OVERDUE, deadline__isnull=False).select_related(
            "application", "application__item", "application__enterprise"):
        overdue_days = count_working_days(c.deadline, on).count  # type: ignore[arg-type]
        done = set(c.consequences.values_list("rule_id", flat=True))
        for row in due_rules(rules_in_force(on, c.origin), overdue_days):
            if row.pk in done:
                continue
            try:
                with transaction.atomic():
                    consequence = CommitmentConsequence.objects.create(commitment=c, rule=row, kind=row.kind,
                                                                       applied_on=on)
                    _apply(consequence, c, row, on)
            except IntegrityError:
                continue  # taken by a concurrent run
            applied += 1
    return {"consequences": applied}


def _apply(consequence: CommitmentConsequence, c: Commitment, row: CommitmentConsequenceRule, on: dt.date) -> None:
    app = c.application
    what = c.problems or c.missing_text
    label = f"{app.number} {app.item.name}：容缺承诺逾期未履行（承诺期限 {c.deadline:%Y-%m-%d}）"
    if row.kind == ConsequenceKind.SUPERVISION:
        handover = handover_open(actor=None, enterprise=app.enterprise, reason=HandoverReason.COMMITMENT_OVERDUE,
                                 source_record=c, source_label=label, source_url=services._url(app),
                                 commitments=what)
        consequence.reference, consequence.note = handover.number, f"已移交{handover.organisation.name}"
    elif row.kind == ConsequenceKind.CREDIT:
        event = record_decision(actor=None, enterprise=app.enterprise, source_type="licensing.commitment",
                                source_id=str(c.pk), number=app.number, decided_on=on, fine=0,
                                measures="容缺承诺逾期未履行", target="unit", label=label,
                                kind=CreditEvent.Kind.BREACH)
        if event is None:
            consequence.status = CommitmentConsequence.Status.NOT_APPLICABLE
            consequence.note = "诚信扣减规则中没有适用的现行规则，未产生信用记录"
        else:
            consequence.reference, consequence.note = f"诚信记录 {event.pk}", event.note[:300]
    else:
        consequence.status = CommitmentConsequence.Status.PROPOSED
        consequence.note = "建议依法撤销先行作出的许可，请负责人决定"
        leaders = User.objects.filter(is_active=True, roles__code__in=["leader", "section_head"],
                                      organisation__region_id=(settings.CITY_REGION_CODE
                                                               if app.level == "city" else app.region_id)).distinct()
        notify(leaders, f"【撤销许可建议】{app.number} {app.enterprise.name}", label, services._url(app))
    consequence.save(update_fields=["reference", "note", "status"])
    record_history(c, actor=None, action=f"consequence_{row.kind}", label=row.get_kind_display(),
                   note=f"{consequence.note}（{row.code}，依据：{row.source}）"[:1000])
    audit(None, "licensing.commitment_consequence", c, summary=f"{app.number} {row.get_kind_display()}",
          data={"rule": row.code, "reference": consequence.reference})


# The rule rows (measure I.3 and domain §3 «容缺受理»: overdue → terminate or revoke, and a credit record).
# code, label, kind, origin, after working days, source, demo
CONSEQUENCE_RULES = (
    ("RQ-1", "承诺期限届满未履行的，移交负责监管的单位督促落实", ConsequenceKind.SUPERVISION, "", 0,
     "运城市应急管理局优化营商环境30条 措施I.3：承诺事项在事中事后监管中监督落实", False),
    ("RQ-2", "承诺期限届满未履行的，记入企业安全生产信用记录", ConsequenceKind.CREDIT, "", 0,
     "本地容缺受理规定（逾期未履行承诺记入信用记录，待核实）；安全生产法 第78条（违法行为信息库）", True),
    ("RQ-3", "逾期10个工作日仍未履行的，提出撤销先行许可的建议", ConsequenceKind.REVOCATION, "", 10,
     "本地容缺受理规定（逾期不补正的依法撤销许可，待核实）；行政许可法 第69条（撤销）", True),
)


def seed_consequence_rules() -> int:
    """Insert the rows that do not exist yet (an administrator's edit is kept)."""
    existing = set(CommitmentConsequenceRule.objects.values_list("code", flat=True))
    rows = [CommitmentConsequenceRule(code=code, label=label, kind=kind, origin=origin, after_days=days,
                                      source=source, demo=demo, effective_from=dt.date(2024, 1, 1))
            for code, label, kind, origin, days, source, demo in CONSEQUENCE_RULES if code not in existing]
    CommitmentConsequenceRule.objects.bulk_create(rows)
    return len(rows)
