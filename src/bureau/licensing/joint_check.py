"""Measure I.6 (审批监管联动): for items whose completion-acceptance supervision and first-licence site check are one
joint visit, the visit is an inspection record of the inspection area (date, team, checklist, photos, findings,
signatures), opened through `inspection.services.joint_check_open` and linked to the application; its signed record
is the site result. After approval the enterprise passes to the level responsible for its supervision, with its
commitments (`inspection.services.handover_open`, registered as a grant hook)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction

from bureau.accounts.models import User
from bureau.inspection import services as inspection_services
from bureau.inspection.models import HandoverReason, Inspection, ResultOutcome
from bureau.kernel.errors import DomainError
from bureau.kernel.workflow import apply_transition
from bureau.licensing import services
from bureau.licensing.models import Application, Commitment
from bureau.licensing.workflow import WORKFLOW


def candidate_officers(user: User) -> list[User]:
    """The certified officers of the user's bureau a joint-visit team is chosen from (measure I.6)."""
    try:
        return inspection_services.bureau_officers(inspection_services.bureau_of(user))
    except DomainError:
        return []


def chosen_officers(user: User, ids: Sequence[int | None]) -> list[User]:
    """The team chosen by id, each one a certified officer of the user's bureau (else nothing is changed)."""
    allowed = {o.pk: o for o in candidate_officers(user)}
    if any(i not in allowed for i in ids):
        raise DomainError("请从本单位持证执法人员中选择检查组成员", field="officers")
    return [allowed[i] for i in ids if i is not None]


def joint_check_open(*, actor: User, application: Application, officers: Sequence[User], note: str = "") -> Inspection:
    """The licensing officer arranges the joint visit (declared action `joint_check`); the inspection area creates
    the inspection record with the team and the industry checklist; the application links it."""
    app = services._for_step(actor, application, "joint_check")
    with transaction.atomic():
        inspection = inspection_services.joint_check_open(
            actor=actor, enterprise=app.enterprise, officers=officers, source_record=app,
            reference=f"{app.number} {app.item.name}（竣工验收与首次许可现场核查合并）", note=note)
        apply_transition(WORKFLOW, app, "joint_check", actor=actor, note=f"联合检查 {inspection.number}",
                         updates={"joint_inspection": inspection})
        services._tell_applicant(app, "已安排联合检查", "竣工验收监督与许可现场核查合并为一次检查，请做好准备。")
    services._done(application)
    return inspection


def joint_check_conclude(*, actor: User, application: Application, note: str = "") -> Application:
    """The signed joint-check record becomes the site result (declared action `joint_conclude`): its findings are
    listed; problems that can be rectified within a time limit may then be accepted under a commitment
    (tolerance.review_tolerance_open)."""
    app = services._for_step(actor, application, "joint_conclude")
    inspection = app.joint_inspection
    assert inspection is not None  # the guard _joint_record_signed
    findings = [f"{r.item.seq}. {r.item.content}：{r.note}"
                for r in inspection.results.filter(outcome=ResultOutcome.FINDING).select_related("item")]
    result = (f"联合检查 {inspection.number}（{inspection.checklist.name}）："
              + (f"发现问题 {len(findings)} 项——" + "；".join(findings) if findings else "未发现问题")
              + (f"。{note.strip()}" if note.strip() else ""))
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "joint_conclude", actor=actor, note=result[:1000],
                         updates={"site_result": result, "site_done_on": services.today()})
    return services._done(application)


def handover_after_grant(app: Application, actor: User, on: dt.date) -> None:
    """Measure I.6: after approval the enterprise passes to supervision with its commitments (joint-visit items,
    and every application granted under a 容缺 commitment: measure I.3 承诺事项在事中事后监管中监督落实)."""
    commitments = list(app.commitments.exclude(status=Commitment.Status.FULFILLED))
    if not app.item.joint_completion_visit and not commitments:
        return
    text = "；".join(f"{c.get_origin_display()}：{c.problems or c.missing_text}（承诺期限 "
                    f"{c.deadline:%Y-%m-%d}）" if c.deadline else c.problems or c.missing_text for c in commitments)
    inspection_services.handover_open(
        actor=actor, enterprise=app.enterprise, reason=HandoverReason.APPROVAL, source_record=app,
        source_label=f"{app.number} {app.item.name} 准予许可（{on:%Y-%m-%d}）", source_url=services._url(app),
        commitments=text)


services.AFTER_GRANT.append(handover_after_grant)
