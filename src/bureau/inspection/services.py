"""Use cases of planned and random enforcement. Every function checks permission and scope, runs in one
transaction, writes the audit trail (apply_transition for state changes) and refuses with a Chinese message
before anything is written."""

from __future__ import annotations

import bisect
import datetime as dt
import json
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django_tasks import task

from bureau.accounts.authority import require_change, sees
from bureau.accounts.models import Organisation, OrganisationKind, User
from bureau.accounts.roles import INSPECTOR, LEADER, SECTION_HEAD
from bureau.accounts.scope import scope_for
from bureau.enterprises.models import Enterprise, EnterpriseStatus, SupervisionAssignment
from bureau.inspection import beacons, checklists
from bureau.inspection import rules as R
from bureau.inspection.models import (
    AnnualPlan,
    AttemptOutcome,
    CheckIn,
    Checklist,
    ChecklistItem,
    ConflictOfInterest,
    DocumentService,
    Draw,
    DrawAttempt,
    DrawState,
    ExceptionReason,
    HandoverReason,
    Inspection,
    InspectionKind,
    InspectionResult,
    InspectionSignature,
    LeadState,
    PatrolPlan,
    PatrolRecord,
    PlanEntry,
    ResultOutcome,
    ServiceConsent,
    SupervisionHandover,
)
from bureau.inspection.workflow import (
    handover_workflow,
    inspection_workflow,
    lead_workflow,
    plan_workflow,
    service_workflow,
)
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days, count_working_days
from bureau.kernel.context import current_ip
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.models import Document
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.rules import rule
from bureau.kernel.validation import check_event_date
from bureau.kernel.workflow import apply_transition, check_transition, record_history

ACTIVE_STATES = ("pending_approval", "assigned", "on_site", "rectifying", "closed")
OPEN_STATES = ("pending_approval", "assigned", "on_site")
RISK_HIGH_CREDIT = ("C1", "C2", "C3", "D")


# ---- shared helpers ---------------------------------------------------------------------------------------------

def caps_on(day: dt.date | None = None) -> R.Caps:
    return R.Caps(
        key_max=int(rule("inspection.key_max_per_year", day)),
        general_max=int(rule("inspection.general_max_per_year", day)),
        protected_standardization=frozenset(rule("inspection.protected_standardization", day)),
        protected_credit=frozenset(rule("inspection.protected_credit", day)),
    )


def inspections_in_year(enterprise_id: int, year: int) -> int:
    """Every inspection of the enterprise that year, whoever made it (cancelled ones do not count). A joint licensing
    visit (measure I.6) is the applicant's own site verification (行政许可法 第34条), not a 涉企行政检查 against the
    yearly cap."""
    return (Inspection.objects.filter(enterprise_id=enterprise_id, year=year, state__in=ACTIVE_STATES)
            .exclude(kind=InspectionKind.JOINT).count())


def bureau_of(actor: Any) -> Organisation:
    org = getattr(actor, "organisation", None)
    if org is None or getattr(actor, "enterprise_id", None) or scope_for(actor).kind not in {"all", "regions"}:
        raise PermissionDenied("只有应急管理部门的工作人员可以办理执法检查业务")
    return org.bureau


def bureau_region(bureau: Organisation) -> str:
    """The bureau's region code: plans, draws and scopes are filed under it."""
    if bureau.region_id is None:
        raise DomainError(f"{bureau.name}未设置所属行政区划，请联系系统管理员")
    return bureau.region_id


def level_of(org: Organisation) -> str:
    return "city" if org.region_id == settings.CITY_REGION_CODE else "county"


def _visible(actor: User, enterprise: Enterprise) -> Enterprise:
    """The enterprise as the officer sees it (Enterprise.objects.restrict): another jurisdiction's is absent."""
    if not sees(actor, enterprise):
        raise NotFound("企业不存在或不在您的管辖范围内")
    return enterprise


def bureau_officers(bureau: Organisation) -> list[User]:
    """Officers eligible to inspect for a bureau: its own staff and its sections', with an enforcement ID and
    the inspector role."""
    return list(User.objects.filter(Q(organisation=bureau) | Q(organisation__parent=bureau, organisation__kind="section"),
                                    is_active=True, roles__code=INSPECTOR).exclude(enforcement_id="")
                .select_related("organisation").distinct().order_by("id"))


def conflicts_with(enterprise_id: int) -> dict[int, str]:
    return dict(ConflictOfInterest.objects.filter(enterprise_id=enterprise_id).values_list("officer_id", "reason"))


def check_team(officers: Sequence[User], enterprise: Enterprise, day: dt.date | None = None) -> None:
    facts = [R.OfficerFacts(id=o.pk, name=o.display_name, enforcement_id=o.enforcement_id,
                            is_inspector=o.has_role(INSPECTOR), covers_region=scope_for(o).covers_region(
                                enterprise.region_id)) for o in officers]
    refusal = R.team_refusal(facts, min_size=int(rule("inspection.min_officers", day)),
                             conflicted=conflicts_with(enterprise.pk), region_name=enterprise.region.name)
    if refusal:
        raise DomainError(refusal, code="team", field="officers")


def checklist_for(industry: str, on: dt.date | None = None) -> Checklist:
    """The checklist version in force for the industry (checklists.checklist_in_force)."""
    checklist = checklists.checklist_in_force(industry, on)
    if checklist is None:
        raise DomainError("该行业尚未配置现行有效的执法检查表，请市局先导入检查表", code="no_checklist")
    return checklist


# ---- annual plans (measure II.3) ----------------------------------------------------------------------------------

def plan_create(*, actor: User, year: int, other_enforcement_days: int = 0, non_enforcement_days: int = 0,
                random_share_target: int = 0, officers: int | None = None, title: str = "") -> AnnualPlan:
    """Draft a bureau's annual plan; capacity from legal working days × officers − other days."""
    require_change(actor, AnnualPlan)
    bureau = bureau_of(actor)
    if year < 2000 or year > timezone.localdate().year + 1:
        raise DomainError("计划年度无效", field="year")
    if AnnualPlan.objects.filter(organisation=bureau, year=year).exists():
        raise DomainError(f"{bureau.name} {year} 年度计划已存在，请在原计划上修改", field="year")
    if officers is None:
        officers = len(bureau_officers(bureau))
    if officers < 1:
        raise DomainError("执法人员数至少为 1", field="officers")
    if not 0 <= random_share_target <= 100:
        raise DomainError("双随机检查占比应在 0–100 之间", field="random_share_target")
    legal_days = count_working_days(dt.date(year - 1, 12, 31), dt.date(year, 12, 31)).count
    if other_enforcement_days + non_enforcement_days > legal_days * officers:
        raise DomainError("其他执法和非执法工作日之和超过了法定工作日总量", field="other_enforcement_days")
    with transaction.atomic():
        plan = AnnualPlan.objects.create(
            number=next_number("inspection_plan", year, prefix="JH"), organisation=bureau, region_id=bureau_region(bureau),
            level=level_of(bureau), year=year, title=title or f"{bureau.name}{year}年度安全生产监督检查计划",
            officers=officers, legal_working_days=legal_days, other_enforcement_days=other_enforcement_days,
            non_enforcement_days=non_enforcement_days,
            officer_days_per_inspection=int(rule("inspection.officer_days_per_inspection")),
            random_share_target=random_share_target, created_by=actor, state="draft",
        )
        record_history(plan, actor=actor, action="create", label="编制计划")
        audit(actor, "inspection.plan_create", plan, summary=f"编制年度计划：{plan.title}")
    return plan


def _plan_conflict(plan: AnnualPlan, enterprise: Enterprise) -> str | None:
    """One level per enterprise per year (measure II.3): the supervision assignment and other plans."""
    assignment = SupervisionAssignment.objects.filter(enterprise=enterprise, year=plan.year).select_related(
        "organisation").first()
    if assignment and assignment.organisation.bureau.pk != plan.organisation_id:
        return (f"{enterprise.name} {plan.year} 年由{assignment.organisation.name}（{assignment.get_level_display()}）"
                f"负责监督检查，不能列入本计划（一个企业一年只由一个层级检查）")
    other = (PlanEntry.objects.filter(enterprise=enterprise, year=plan.year).exclude(plan=plan)
             .select_related("plan__organisation").first())
    if other:
        return (f"{enterprise.name} 已列入{other.plan.organisation.name}{plan.year}年度计划（{other.plan.number}），"
                f"一个企业一年只能由一个层级检查")
    return None


def _plan_conflicts_bulk(plan: AnnualPlan) -> str | None:
    """The same check for a whole plan in two set-based queries (a plan may hold many thousand entries)."""
    ids = PlanEntry.objects.filter(plan=plan).values("enterprise_id")
    wrong = (SupervisionAssignment.objects.filter(year=plan.year, enterprise_id__in=ids)
             .exclude(organisation=plan.organisation)
             .exclude(organisation__parent=plan.organisation, organisation__kind="section")
             .select_related("enterprise").first())
    if wrong:
        return _plan_conflict(plan, wrong.enterprise)
    other = PlanEntry.objects.filter(year=plan.year, enterprise_id__in=ids).exclude(plan=plan).select_related(
        "enterprise").first()
    return _plan_conflict(plan, other.enterprise) if other else None


def plan_entry_add(*, actor: User, plan: AnnualPlan, enterprise: Enterprise, months: Sequence[int],
                   frequency: int, note: str = "") -> PlanEntry:
    """Put a key enterprise in the plan with planned months and frequency (≤ the yearly cap)."""
    require_change(actor, AnnualPlan, region=plan.region_id)
    if bureau_of(actor).pk != plan.organisation_id:
        raise PermissionDenied("只能修改本单位的计划")
    if plan.state != "draft":
        raise DomainError("计划已提交或批准，不能再修改", code="plan_locked")
    _visible(actor, enterprise)
    if not scope_for_org(plan.organisation).covers_region(enterprise.region_id):
        raise DomainError(f"{enterprise.name} 不在本单位管辖区域内", field="enterprise")
    if not enterprise.is_key:
        raise DomainError(f"{enterprise.name} 是一般企业，一般企业实行“双随机”抽查，不列入重点检查计划", field="enterprise")
    problem = R.validate_months(list(months), frequency)
    if problem:
        raise DomainError(problem, field="months")
    caps = caps_on(dt.date(plan.year, 1, 1))
    done = inspections_in_year(enterprise.pk, plan.year)
    if not R.within_cap(is_key=True, inspections_this_year=done, caps=caps, adding=frequency):
        raise DomainError(f"重点检查企业每年计划检查不超过 {caps.key_max} 次；{enterprise.name} 本年已检查 {done} 次，"
                          f"不能再计划 {frequency} 次", code="cap", field="frequency")
    conflict = _plan_conflict(plan, enterprise)
    if conflict:
        raise DomainError(conflict, code="double_booked", field="enterprise")
    with transaction.atomic():
        entry = PlanEntry.objects.create(plan=plan, enterprise=enterprise, year=plan.year, months=sorted(months),
                                         frequency=frequency, note=note)
        audit(actor, "inspection.plan_entry_add", plan, summary=f"列入计划：{enterprise.name}（{frequency} 次）",
              data={"enterprise": enterprise.pk, "months": sorted(months)})
    return entry


def scope_for_org(org: Organisation) -> Any:
    from bureau.accounts.scope import Scope

    if org.region_id == settings.CITY_REGION_CODE:
        return Scope("all")
    return Scope("regions", regions=frozenset({bureau_region(org)}))


def plan_entry_remove(*, actor: User, entry: PlanEntry) -> None:
    plan = entry.plan
    if bureau_of(actor).pk != plan.organisation_id or plan.state != "draft":
        raise DomainError("计划已提交或不属于本单位，不能删除该企业", code="plan_locked")
    with transaction.atomic():
        audit(actor, "inspection.plan_entry_remove", plan, summary=f"移出计划：{entry.enterprise.name}")
        entry.delete()


def plan_submit(*, actor: User, plan: AnnualPlan, note: str = "") -> AnnualPlan:
    check_transition(plan_workflow, plan, "submit", actor)
    key_total = sum(plan.entries.values_list("frequency", flat=True))
    if key_total == 0:
        raise DomainError("计划中还没有重点检查企业", code="plan_empty")
    if key_total > plan.capacity_inspections:
        raise DomainError(f"重点检查 {key_total} 次超过了执法能力 {plan.capacity_inspections} 次", code="capacity")
    apply_transition(plan_workflow, plan, "submit", actor=actor, note=note)
    notify(User.objects.filter(organisation=plan.organisation, roles__code=LEADER),
           "年度监督检查计划待审批", plan.title, url=f"/inspection/plans/{plan.pk}/")
    return plan


def plan_approve(*, actor: User, plan: AnnualPlan, note: str = "") -> AnnualPlan:
    """The leader approves; the plan is published on the portal at once."""
    check_transition(plan_workflow, plan, "approve", actor)
    conflict = _plan_conflicts_bulk(plan)
    if conflict:
        raise DomainError(conflict, code="double_booked")
    apply_transition(plan_workflow, plan, "approve", actor=actor, note=note,
                     updates={"approved_by": actor, "published_at": timezone.now()})
    return plan


def plan_reject(*, actor: User, plan: AnnualPlan, note: str) -> AnnualPlan:
    check_transition(plan_workflow, plan, "reject", actor)
    if not note.strip():
        raise DomainError("请填写退回理由", field="note")
    apply_transition(plan_workflow, plan, "reject", actor=actor, note=note)
    return plan


# ---- inspections --------------------------------------------------------------------------------------------------

def inspection_open(*, actor: User, enterprise: Enterprise, kind: str, officers: Sequence[User],
                    checklist: Checklist | None = None, plan_entry: PlanEntry | None = None, draw: Draw | None = None,
                    exception_reason: str = "", exception_reference: str = "", source_record: Any = None,
                    planned_month: int | None = None, year: int | None = None, note: str = "") -> Inspection:
    """Turn a task into an inspection. Enforces the team rules, the yearly cap (every inspection of the
    enterprise that year counts) and the leader's approval for protected enterprises (measure II.4)."""
    require_change(actor, Inspection)
    bureau = bureau_of(actor)
    _visible(actor, enterprise)
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise DomainError(f"{enterprise.name} 已关闭注销，不能检查")
    year = year or timezone.localdate().year
    check_team(officers, enterprise)
    caps = caps_on()
    approvals = []
    protected = R.protection_reason(standardization_grade=enterprise.standardization_grade,
                                    credit_grade=enterprise.credit_grade, caps=caps)
    if protected:
        approvals.append(f"{protected}，检查须经分管负责人同意")
    checklist = checklist or checklist_for(enterprise.industry)
    if enterprise.industry not in (checklist.industries or []):  # the task follows the checklist of its industry
        raise DomainError(f"《{checklist.name}》不适用于{enterprise.get_industry_display()}企业", field="checklist")
    with transaction.atomic():
        # Lock the enterprise row: two concurrent openings cannot both pass the yearly cap.
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).values_list("pk", flat=True).first()
        done = inspections_in_year(enterprise.pk, year)
        over_cap = not R.within_cap(is_key=enterprise.is_key, inspections_this_year=done, caps=caps)
        cap = R.cap_for(enterprise.is_key, caps)
        if kind == InspectionKind.EXCEPTIONAL:
            if exception_reason not in ExceptionReason.values:
                raise DomainError("请选择例外检查的事由（举报投诉、事故、巡查线索或交办）", field="exception_reason")
            if not exception_reference.strip():
                raise DomainError("请填写线索来源（如举报编号、事故编号、巡查记录）", field="exception_reference")
            if over_cap:
                approvals.append(f"本年已检查 {done} 次，超出年度上限 {cap} 次，属例外检查")
        elif over_cap:
            raise DomainError(
                f"{enterprise.name} 本年已检查 {done} 次，已达{'重点检查企业' if enterprise.is_key else '一般企业'}"
                f"年度上限 {cap} 次；确需检查的，请以举报投诉、事故或巡查线索等例外事由发起并经分管负责人批准",
                code="cap")
        inspection = Inspection.objects.create(
            number=next_number("inspection", timezone.localdate().year, prefix="JC"), enterprise=enterprise,
            region_id=enterprise.region_id, organisation=bureau, year=year, kind=kind, plan_entry=plan_entry,
            draw=draw, exception_reason=exception_reason, exception_reference=exception_reference.strip()[:200],
            source_type=(f"{source_record._meta.app_label}.{source_record._meta.model_name}"
                         if source_record is not None else ""),
            source_id=str(source_record.pk) if source_record is not None else "",
            approval_required="；".join(approvals)[:200], over_cap=over_cap, checklist=checklist,
            industry=enterprise.industry, sub_sector=enterprise.sub_sector,
            planned_month=planned_month, state="pending_approval" if approvals else "assigned",
        )
        inspection.officers.set(officers)
        record_history(inspection, actor=actor, action="create", label=f"生成检查任务（{inspection.get_kind_display()}）",
                       note="；".join(filter(None, [note, *approvals])))
        audit(actor, "inspection.open", inspection, summary=f"生成检查任务：{enterprise.name}",
              data={"kind": kind, "officers": [o.pk for o in officers], "over_cap": over_cap,
                    "approval": approvals})
        if approvals:
            notify(User.objects.filter(organisation=bureau, roles__code=LEADER), "执法检查待批准",
                   f"{enterprise.name}：{'；'.join(approvals)}", url=f"/inspection/inspections/{inspection.pk}/")
        else:
            notify(officers, "新的检查任务", enterprise.name, url=f"/inspection/inspections/{inspection.pk}/")
    return inspection


def inspection_open_planned(*, actor: User, entry: PlanEntry, officers: Sequence[User],
                            month: int | None = None) -> Inspection:
    if entry.plan.state != "approved":
        raise DomainError("计划尚未批准，不能安排计划检查")
    if bureau_of(actor).pk != entry.plan.organisation_id:
        raise PermissionDenied("只能安排本单位计划内的检查")
    opened = Inspection.objects.filter(plan_entry=entry, state__in=ACTIVE_STATES).count()
    if opened >= entry.frequency:
        raise DomainError(f"该企业计划检查 {entry.frequency} 次，已全部安排", code="cap")
    return inspection_open(actor=actor, enterprise=entry.enterprise, kind=InspectionKind.PLANNED, officers=officers,
                           plan_entry=entry, planned_month=month or entry.months[min(opened, len(entry.months) - 1)],
                           year=entry.year)


def inspection_open_exceptional(*, actor: User, enterprise: Enterprise, reason: str, reference: str,
                                officers: Sequence[User], source_record: Any = None, note: str = "") -> Inspection:
    """Open an inspection from an exception (complaint, accident, patrol lead, referral). Other areas call this
    (petitions: a complaint; hazards/penalties: an accident or a lead). Above the yearly cap or on a protected
    enterprise it waits for the leader's approval, recorded with reason."""
    return inspection_open(actor=actor, enterprise=enterprise, kind=InspectionKind.EXCEPTIONAL, officers=officers,
                           exception_reason=reason, exception_reference=reference, source_record=source_record,
                           note=note)


def inspection_approve(*, actor: User, inspection: Inspection, reason: str) -> Inspection:
    """The leader in charge approves inspecting a protected enterprise or an exception above the cap."""
    check_transition(inspection_workflow, inspection, "approve", actor)
    if not reason.strip():
        raise DomainError("请填写批准理由", field="reason")
    apply_transition(inspection_workflow, inspection, "approve", actor=actor, note=reason,
                     updates={"approved_by": actor, "approval_reason": reason.strip()[:300]})
    notify(inspection.officers.all(), "检查已批准", inspection.enterprise.name,
           url=f"/inspection/inspections/{inspection.pk}/")
    return inspection


def inspection_refuse(*, actor: User, inspection: Inspection, reason: str) -> Inspection:
    check_transition(inspection_workflow, inspection, "refuse", actor)
    if not reason.strip():
        raise DomainError("请填写不予批准的理由", field="reason")
    apply_transition(inspection_workflow, inspection, "refuse", actor=actor, note=reason,
                     updates={"approval_reason": reason.strip()[:300]})
    return inspection


def checkin_log(*, actor: User, enterprise: Enterprise, inspection: Inspection | None = None,
                method: str = "qr") -> CheckIn:
    """扫码入企: log the entry of an officer into an enterprise (every visit, with or without a task)."""
    require_change(actor, CheckIn, region=enterprise.region_id)
    _visible(actor, enterprise)
    with transaction.atomic():
        row = CheckIn.objects.create(enterprise=enterprise, region_id=enterprise.region_id, inspection=inspection,
                                     officer=actor, at=timezone.now(), method=method, ip=current_ip.get()[:45])
        audit(actor, "inspection.checkin", enterprise, summary=f"扫码入企：{enterprise.name}",
              data={"inspection": inspection.pk if inspection else None, "method": method})
    return row


def inspection_check_in(*, actor: User, inspection: Inspection, method: str = "qr") -> Inspection:
    """Start the site inspection by checking in; a protected enterprise needs the approval first."""
    if inspection.state == "pending_approval":
        raise DomainError(f"{inspection.approval_required}。尚未批准，不能入企检查", code="approval_required")
    check_transition(inspection_workflow, inspection, "check_in", actor)
    with transaction.atomic():
        apply_transition(inspection_workflow, inspection, "check_in", actor=actor,
                         updates={"checked_in_at": timezone.now()})
        checkin_log(actor=actor, enterprise=inspection.enterprise, inspection=inspection, method=method)
    return inspection


def check_result_photo(photo: Any) -> None:
    """One site photo of a checklist item on its own (JPG/PNG by content, the site's size limit): what a refused
    form keeps (kernel/staging.py)."""
    from bureau.kernel.attachments import check_upload

    check_upload(photo, allowed=frozenset({"jpg", "jpeg", "png"}))


def inspection_record_item(*, actor: User, inspection: Inspection, item: ChecklistItem, outcome: str,
                           note: str = "", photos: Iterable[Any] = ()) -> InspectionResult:
    """Record one checklist item (符合 / 发现问题 / 不适用) with notes and photos."""
    if inspection.state != "on_site":
        raise DomainError("只有在现场检查中才能记录检查项（请先扫码入企）", code="not_on_site")
    check_transition(inspection_workflow, inspection, "record", actor)  # checked here; each item is audited
    if item.checklist_id != inspection.checklist_id:
        raise DomainError("该检查项不属于本次检查的检查表")
    if not item.applies_to(inspection.sub_sector, inspection.industry or inspection.enterprise.industry):
        raise DomainError(f"第 {item.seq} 项只适用于{'、'.join(item.sub_sector_labels)}，不属于本企业的检查项")
    if outcome not in ResultOutcome.values:
        raise DomainError("检查结果无效", field="outcome")
    if outcome == ResultOutcome.FINDING and not note.strip():
        raise DomainError("发现问题时请描述问题情况", field="note")
    from bureau.kernel.attachments import save_upload

    photos = list(photos)
    for photo in photos:
        check_result_photo(photo)
    with transaction.atomic():
        result, _ = InspectionResult.objects.update_or_create(
            inspection=inspection, item=item,
            defaults={"outcome": outcome, "note": note.strip()[:500], "recorded_by": actor})
        for photo in photos:
            save_upload(photo, owner=result, purpose="现场照片", actor=actor, allowed=frozenset({"jpg", "jpeg", "png"}))
        audit(actor, "inspection.record_item", inspection, summary=f"检查项 {item.seq}：{result.get_outcome_display()}",
              data={"item": item.pk, "outcome": outcome, "photos": len(photos)})
    return result


def inspection_record_rest_compliant(*, actor: User, inspection: Inspection) -> int:
    """「其余全部符合」: record 符合 for every item of the checklist not yet recorded, in one save (issue 17 item 1).
    Items already recorded (a finding, 不适用) keep their result; a finding is always recorded item by item with
    its description (照单检查: every item of the list is answered)."""
    if inspection.state != "on_site":
        raise DomainError("只有在现场检查中才能记录检查项（请先扫码入企）", code="not_on_site")
    check_transition(inspection_workflow, inspection, "record", actor)
    with transaction.atomic():
        done = set(InspectionResult.objects.filter(inspection=inspection).values_list("item_id", flat=True))
        rest = [item for item in inspection.items() if item.pk not in done]
        InspectionResult.objects.bulk_create([InspectionResult(inspection=inspection, item=item,
                                                               outcome=ResultOutcome.COMPLIANT, recorded_by=actor)
                                              for item in rest])
        if rest:
            audit(actor, "inspection.record_item", inspection,
                  summary=f"其余 {len(rest)} 项记录为符合：第 {'、'.join(str(i.seq) for i in rest)} 项",
                  data={"items": [i.pk for i in rest], "outcome": ResultOutcome.COMPLIANT})
    return len(rest)


def inspection_finish(*, actor: User, inspection: Inspection, summary: str = "",
                      deadline: dt.date | None = None) -> Inspection:
    """End the site inspection: every item recorded; findings become hazards with a rectification deadline;
    现场检查记录 (and 责令限期整改指令书 when there are findings) are issued."""
    from bureau.hazards.services import hazard_report
    from bureau.inspection import documents

    if inspection.state != "on_site":
        raise DomainError("只有现场检查中的任务才能结束检查", code="not_on_site")
    check_transition(inspection_workflow, inspection, "finish", actor)
    total = len(inspection.items())
    results = list(inspection.results.select_related("item").order_by("item__seq"))
    if len(results) < total:
        raise DomainError(f"检查表共 {total} 项，还有 {total - len(results)} 项未记录", code="incomplete")
    findings = [r for r in results if r.outcome == ResultOutcome.FINDING]
    today = timezone.localdate()
    if findings:
        if deadline is None:
            raise DomainError("发现问题的，须确定整改期限", field="deadline")
        if deadline <= today:
            raise DomainError("整改期限应晚于今天", field="deadline")
        longest = int(rule("inspection.rectification_max_days"))
        if (deadline - today).days > longest:
            raise DomainError(f"整改期限不宜超过 {longest} 天", field="deadline")
    from bureau.kernel.attachments import attachments_by_owner, share_attachment

    photos = attachments_by_owner(findings)
    with transaction.atomic():
        for result in findings:
            hazard = hazard_report(actor=actor, enterprise=inspection.enterprise, source="inspection",
                                   title=result.item.content[:200], found_on=today, description=result.note,
                                   deadline=deadline, legal_basis=result.item.citation[:300],
                                   source_record=inspection, checklist_item=result.item)
            InspectionResult.objects.filter(pk=result.pk).update(hazard=hazard)
            for photo in photos.get(result.pk, []):  # the site photos go with the hazard (same stored file)
                share_attachment(photo, owner=hazard, purpose="现场照片", actor=actor)
        updates: dict[str, Any] = {"finished_at": timezone.now(), "summary": summary.strip(),
                                   "rectification_deadline": deadline if findings else None}
        if inspection.kind == InspectionKind.RANDOM:  # 双随机、一公开: results public within 20 working days
            updates["publish_due"] = add_working_days(today, int(rule("inspection.publish_working_days"))).date
        apply_transition(inspection_workflow, inspection, "finish" if findings else "finish_clean", actor=actor,
                         note=f"发现问题 {len(findings)} 项" if findings else "未发现问题", updates=updates)
        documents.issue_site_record(inspection, actor=actor)
        if findings:
            order = documents.issue_rectification_order(inspection, actor=actor)
            service_open(document=order, enterprise=inspection.enterprise, region_id=inspection.region_id)
            notify(User.objects.filter(enterprise=inspection.enterprise), "责令限期整改",
                   f"检查发现问题 {len(findings)} 项，请于 {deadline:%Y-%m-%d} 前完成整改；请在平台签收责令限期整改指令书",
                   url=f"/inspection/inspections/{inspection.pk}/")
    return inspection


def inspection_recheck(*, actor: User, inspection: Inspection, passed: dict[int, bool], opinion: str) -> Inspection:
    """整改复查: each hazard passes (accepted and closed through the hazard workflow) or fails (back to
    rectifying); 整改复查意见书 is issued."""
    from bureau.hazards.queries import hazards_found_by
    from bureau.hazards.services import hazard_recheck
    from bureau.inspection import documents

    if inspection.state != "rectifying":
        raise DomainError("只有整改中的检查才能复查", code="not_rectifying")
    check_transition(inspection_workflow, inspection, "recheck_pass", actor)
    if not opinion.strip():
        raise DomainError("请填写复查意见", field="opinion")
    hazards = [h for h in hazards_found_by(inspection) if h.source == "inspection"]
    missing = [h.number for h in hazards if h.pk not in passed and h.state not in {"accepted", "closed"}]
    if missing:
        raise DomainError(f"请对每项隐患给出复查结论（未填：{'、'.join(missing)}）", field="passed")
    with transaction.atomic():
        for hazard in hazards:
            if hazard.pk in passed:
                hazard_recheck(actor=actor, hazard=hazard, passed=passed[hazard.pk], note=opinion)
        all_passed = all(passed.get(h.pk, h.state in {"accepted", "closed"}) for h in hazards)
        apply_transition(inspection_workflow, inspection, "recheck_pass" if all_passed else "recheck_fail",
                         actor=actor, note=opinion,
                         updates={"rechecked_at": timezone.now(), "recheck_opinion": opinion.strip()})
        opinion_doc = documents.issue_recheck_opinion(inspection, actor=actor, hazards=hazards, passed=passed)
        service_open(document=opinion_doc, enterprise=inspection.enterprise, region_id=inspection.region_id)
        notify(User.objects.filter(enterprise=inspection.enterprise), "整改复查意见书",
               "复查" + ("合格" if all_passed else "发现问题未完成整改") + "；请在平台签收整改复查意见书",
               url=f"/inspection/inspections/{inspection.pk}/")
    return inspection


def inspection_cancel(*, actor: User, inspection: Inspection, reason: str) -> Inspection:
    check_transition(inspection_workflow, inspection, "cancel", actor)
    if not reason.strip():
        raise DomainError("请填写取消理由", field="reason")
    apply_transition(inspection_workflow, inspection, "cancel", actor=actor, note=reason)
    return inspection


# ---- 双随机 draws (measure II.4) ------------------------------------------------------------------------------------

def draw_pool_query(*, bureau: Organisation, year: int, filters: dict[str, str]) -> Any:
    """Enterprises a bureau may draw from: operating, in its jurisdiction, not supervised by another bureau that
    year, matching the filters. Key enterprises are planned, not drawn."""
    qs = Enterprise.objects.filter(status=EnterpriseStatus.OPERATING, is_key=False)
    if bureau.region_id != settings.CITY_REGION_CODE:
        qs = qs.filter(region_id=bureau.region_id)
    if filters.get("region"):
        qs = qs.filter(region_id=filters["region"])
    if filters.get("industry"):
        qs = qs.filter(industry=filters["industry"])
    if filters.get("risk") == "high":  # higher risk: credit band C/D or no standardisation grade
        qs = qs.filter(Q(credit_grade__in=RISK_HIGH_CREDIT) | Q(standardization_grade=""))
    elif filters.get("risk") == "normal":
        qs = qs.exclude(credit_grade__in=RISK_HIGH_CREDIT).exclude(standardization_grade="")
    others = SupervisionAssignment.objects.filter(year=year).exclude(organisation=bureau).exclude(
        organisation__parent=bureau, organisation__kind="section")
    return qs.exclude(pk__in=others.values("enterprise_id"))


def draw_pool(*, bureau: Organisation, year: int, filters: dict[str, str]) -> tuple[list[int], dict[str, Any]]:
    """(pool ids ascending, what was excluded): protected enterprises (counted) and those at their yearly cap
    (listed) leave the pool; one query returns the pool."""
    caps = caps_on()
    qs = draw_pool_query(bureau=bureau, year=year, filters=filters)
    protected_q = Q(standardization_grade__in=sorted(caps.protected_standardization)) | Q(
        credit_grade__in=sorted(caps.protected_credit))
    eligible = qs.exclude(protected_q)
    counted = (Inspection.objects.filter(year=year, state__in=ACTIVE_STATES, enterprise__in=eligible)
               .values("enterprise_id").annotate(n=Count("id")).filter(n__gte=caps.general_max)
               .values_list("enterprise_id", flat=True))
    at_cap = sorted(counted)
    with connection.cursor() as cursor:  # one round trip, ids only (a pool may hold a million)
        rows = eligible.exclude(pk__in=at_cap) if at_cap else eligible
        sql, params = rows.order_by("id").values_list("id").query.sql_with_params()
        cursor.execute(sql, params)
        pool = [row[0] for row in cursor.fetchall()]
    return pool, {"protected_count": qs.filter(protected_q).count(), "at_cap": at_cap}


def _draw_conflicts(officer_ids: Sequence[int], pool: Sequence[int]) -> list[list[int]]:
    """Declared conflicts [officer, enterprise] of these officers with enterprises of the (ascending) pool."""
    declared = ConflictOfInterest.objects.filter(officer_id__in=list(officer_ids)).values_list("officer_id",
                                                                                             "enterprise_id")
    found = []
    for officer_id, enterprise_id in declared:
        at = bisect.bisect_left(pool, enterprise_id)
        if at < len(pool) and pool[at] == enterprise_id:
            found.append([officer_id, enterprise_id])
    return sorted(found)


def draw_announce(*, actor: User, title: str, officer_ids: Sequence[int], filters: dict[str, str] | None = None,
                  size: int | None = None, ratio_percent: float | None = None, checklist: Checklist | None = None,
                  draw_at: dt.datetime | None = None, redo_of: Draw | None = None, redo_reason: str = "",
                  year: int | None = None) -> Draw:
    """Announce a 双随机 draw (the commit of yc-draw-v2) and publish it at once: the pool (and its digest), the
    parameters, the time the draw will be made, the source of the public value and the commitment to a secret
    nonce. Enterprises the officer pool cannot staff after recusal are handled here, before anything is drawn
    (rules.handle_teamless). Nobody types a seed: the seed exists only at the draw (draw_attempt).

    A replacement (redo_of, with a reason) is a new announcement that supersedes the old one — recorded, both
    published, the old nonce revealed; once the old selection is known (nonce revealed) only a leader may replace
    it, and never after one of its inspections started."""
    require_change(actor, Draw)
    bureau = bureau_of(actor)
    now = timezone.now()
    year = year or timezone.localdate().year
    filters = {k: str(v) for k, v in (filters or {}).items() if v}
    filters = checklists.draw_filters(checklist, filters)  # the published 检查事项 fits the industry drawn
    if not title.strip():
        raise DomainError("请填写抽查任务名称", field="title")
    draw_at = (draw_at or now + dt.timedelta(minutes=int(rule("inspection.draw_lead_minutes")))).replace(
        microsecond=0)
    if timezone.is_naive(draw_at):  # a time without zone is the bureau's local time
        draw_at = timezone.make_aware(draw_at)
    if draw_at <= now:
        raise DomainError("抽取时间须晚于公告时间：先公告承诺值，到点后再取公共随机数抽取", field="draw_at")
    if draw_at > now + dt.timedelta(days=int(rule("inspection.draw_max_lead_days"))):
        raise DomainError(f"抽取时间不能晚于公告后 {rule('inspection.draw_max_lead_days')} 天", field="draw_at")
    if redo_of is not None:
        if not redo_reason.strip():
            raise DomainError("重新公告必须说明原因（原抽查及其抽取记录保留并公开）", field="redo_reason")
        if redo_of.superseded:
            raise DomainError("该次抽查已被重新公告取代，请在最新一次抽查上操作")
        if redo_of.organisation_id != bureau.pk:
            raise PermissionDenied("只能重新公告本单位的抽查")
        if redo_of.inspections.exclude(state__in=("assigned", "pending_approval", "cancelled")).exists():
            raise DomainError("已有抽中企业开始检查，不能重新抽取", code="started")
        if (redo_of.revealed_at or redo_of.state == DrawState.DRAWN) and not actor.has_role(LEADER):
            raise PermissionDenied("原抽查的抽取结果已经揭示，重新公告须由分管负责人决定（防止看结果重抽）")
    officers = {o.pk: o for o in bureau_officers(bureau)}
    chosen = sorted(set(int(i) for i in officer_ids))
    strangers = [i for i in chosen if i not in officers]
    if strangers:
        raise DomainError("执法人员池中有人不是本单位持证执法人员", field="officers")
    team_size = int(rule("inspection.min_officers"))
    if len(chosen) < team_size:
        raise DomainError(f"执法人员池至少需要 {team_size} 名持证执法人员", field="officers")
    reserve = sorted(set(officers) - set(chosen))
    pool, excluded = draw_pool(bureau=bureau, year=year, filters=filters)
    conflicts = _draw_conflicts([*chosen, *reserve], pool)
    pool, handled = R.handle_teamless(pool=pool, officers=chosen, reserve=reserve, conflicts=conflicts,
                                      team_size=team_size)
    try:
        sample = R.sample_size_from(pool_size=len(pool), size=size, ratio_percent=ratio_percent)
        if sample > len(pool):
            raise R.DrawRefusal(f"符合条件的企业只有 {len(pool)} 家，少于抽取数量 {sample} 家")
    except R.DrawRefusal as exc:
        raise DomainError(str(exc), field="size") from exc
    text = R.pool_text(pool)
    digest = R.pool_digest(text)
    beacon = beacons.current()
    nonce = secrets.token_hex(32)
    with transaction.atomic():
        number = next_number("inspection_draw", timezone.localdate(now).year, prefix="SJ")
        params = {
            "algorithm": R.ALGORITHM, "number": number, "region": bureau_region(bureau), "year": year,
            "pool_digest": digest, "pool_size": len(pool), "sample_size": sample, "team_size": team_size,
            "officer_pool": chosen, "reserve_pool": reserve, "conflicts": conflicts,
            "excluded_no_team": [h.enterprise for h in handled if h.handling == R.EXCLUDED],
            "draw_at": R.instant(draw_at), "beacon": beacon.announce(draw_at),
        }
        params_text = R.params_text(params)
        draw = Draw.objects.create(
            number=number, organisation=bureau, region_id=bureau_region(bureau), year=year,
            title=title.strip()[:120], checklist=checklist, filters=filters, sample_size=sample, team_size=team_size,
            state=DrawState.ANNOUNCED, announced_at=now, draw_at=draw_at, params_text=params_text,
            commitment=R.commitment_of(nonce, digest, params_text), nonce=nonce, beacon=params["beacon"],
            algorithm=R.ALGORITHM, pool_text=text, pool_size=len(pool), pool_digest=digest,
            excluded=excluded | {"no_team": params["excluded_no_team"]}, officer_pool=chosen, reserve_pool=reserve,
            conflicts=conflicts, team_handling=[h.as_dict() for h in handled], redo_of=redo_of,
            redo_reason=redo_reason.strip()[:300], made_by=actor, published_at=now,
        )
        if redo_of is not None:
            Draw.objects.filter(pk=redo_of.pk).update(superseded=True, revealed_at=redo_of.revealed_at or now)
            for old in redo_of.inspections.filter(state__in=("assigned", "pending_approval")):
                apply_transition(inspection_workflow, old, "cancel", actor=None,
                                 note=f"抽查重新公告（{draw.number}）：{redo_reason}")
        entry = audit(actor, "inspection.draw_announce", draw,
                      summary=f"公告双随机抽查：{draw.title}（{len(pool)} 家中抽 {sample} 家，"
                              f"{timezone.localtime(draw_at):%Y-%m-%d %H:%M} 抽取）",
                      data={"commitment": draw.commitment, "draw_at": params["draw_at"], "pool_digest": digest,
                            "beacon": params["beacon"], "redo_of": redo_of.pk if redo_of else None,
                            "reason": redo_reason, "handled": len(handled)})
        if entry.at >= draw_at:
            raise DomainError("抽取时间须晚于公告时间，请重新选择抽取时间", field="draw_at")
    return draw


def _late_facts(draw: Draw, selected: Sequence[int]) -> tuple[list[list[int]], list[int]]:
    """What changed since the announcement that the teams must respect: conflicts declared since with a drawn
    enterprise (回避 is never waived), and officers of the pools who may no longer inspect (left, lost the role or
    the enforcement ID)."""
    pools = [*draw.officer_pool, *draw.reserve_pool]
    committed = {(o, e) for o, e in draw.conflicts}
    late = sorted([o, e] for o, e in ConflictOfInterest.objects.filter(
        officer_id__in=pools, enterprise_id__in=list(selected)).values_list("officer_id", "enterprise_id")
        if (o, e) not in committed)
    current = {o.pk for o in bureau_officers(draw.organisation)}
    return late, sorted(set(pools) - current)


def draw_attempt(*, actor: User, draw: Draw, create_inspections: bool = True) -> DrawAttempt:
    """Make the announced draw (the reveal of yc-draw-v2). Every attempt is recorded and published, refused ones
    with the reason: before the announced time; while the public value cannot be obtained; when a drawn enterprise
    cannot be staffed because of a recusal declared (or an officer lost) since the announcement. The seed is
    SHA-256(nonce, public value) — the nonce committed at the announcement, the public value fixed by the announced
    time — so every attempt computes the same selection: a refusal is cured by resolving its cause and drawing
    again with the same inputs, or by announcing a new draw (recorded). Once drawn, a further call returns the
    drawn attempt (idempotent) and the inspection tasks are created."""
    require_change(actor, Draw, region=draw.region_id)
    if bureau_of(actor).pk != draw.organisation_id:
        raise PermissionDenied("只能抽取本单位公告的抽查")
    if not draw.is_commit_reveal:
        raise DomainError("该抽查按旧算法（yc-draw-v1）已完成，不能再次抽取")
    with transaction.atomic():
        draw = Draw.objects.select_for_update().get(pk=draw.pk)
        if draw.superseded:
            raise DomainError("该抽查已被重新公告取代，不能再抽取", code="superseded")
        if draw.state == DrawState.DRAWN:
            return draw.attempts.filter(outcome=AttemptOutcome.DRAWN).get()
        now = timezone.now()
        attempt = DrawAttempt(draw=draw, n=draw.attempts.count() + 1, at=now, actor=actor,
                              outcome=AttemptOutcome.REFUSED)
        assert draw.draw_at is not None
        if now < draw.draw_at:
            attempt.reason = f"未到公告的抽取时间（{timezone.localtime(draw.draw_at):%Y-%m-%d %H:%M:%S}）"
        else:
            try:
                source = beacons.beacon_named(draw.beacon.get("kind", "")).source(draw=draw, actor=actor)
            except beacons.BeaconUnavailable as exc:
                attempt.reason = str(exc)[:300]
            else:
                _reveal(draw, attempt, source, now)
        attempt.save()
        draw.save(update_fields=["state", "revealed_at", "public_value", "public_source", "seed", "selected",
                                 "teams", "made_at", "made_by"])
        drawn = attempt.outcome == AttemptOutcome.DRAWN
        audit(actor, "inspection.draw_attempt", draw, result="成功" if drawn else "拒绝",
              summary=f"双随机抽取第 {attempt.n} 次：{draw.title}，"
                      + (f"抽中 {len(attempt.selected)} 家" if drawn else f"未完成（{attempt.reason}）"),
              data={"n": attempt.n, "public_value": attempt.public_value, "seed": attempt.seed,
                    "selected": attempt.selected[:200], "reason": attempt.reason})
    if drawn and create_inspections:
        officers = {o.pk: o for o in bureau_officers(draw.organisation)}
        if len(draw.selected) <= int(rule("inspection.draw_inline_tasks")):
            with transaction.atomic():  # after the attempt's commit: the draw stands whatever a task meets
                _draw_inspections(draw, actor, officers, tolerant=True)
        else:  # a large draw: the tasks are created by a background job
            transaction.on_commit(lambda: create_draw_inspections.enqueue(draw.pk, actor.pk))
    return attempt


def _reveal(draw: Draw, attempt: DrawAttempt, source: dict[str, Any], now: dt.datetime) -> None:
    """The public value is fixed: reveal the nonce, compute the seed and the selection, then the teams (or the
    refusal)."""
    value = R.public_value_of(source)
    seed = R.seed_of(draw.nonce, value)
    pool = draw.pool
    selected = R.rank_enterprises(seed, pool, draw.sample_size)
    late, unavailable = _late_facts(draw, selected)
    attempt.public_source, attempt.public_value, attempt.seed = source, value, seed
    attempt.selected, attempt.late_conflicts, attempt.unavailable = selected, late, unavailable
    draw.revealed_at = draw.revealed_at or now
    draw.public_source, draw.public_value, draw.seed = source, value, seed
    try:
        result = R.run_draw(seed=seed, pool=pool, sample_size=draw.sample_size, officers=draw.officer_pool,
                            team_size=draw.team_size, conflicts=[*draw.conflicts, *late], text=draw.pool_text,
                            reserve=draw.reserve_pool, unavailable=unavailable)
    except R.DrawRefusal as exc:
        attempt.reason = (f"{exc}（公告后新申报回避或人员变动所致：请核实后以相同输入再次抽取，或重新公告）"
                          if late or unavailable else str(exc))[:300]
        return
    attempt.outcome = AttemptOutcome.DRAWN
    attempt.teams = {str(k): v for k, v in result.teams.items()}
    draw.state, draw.selected, draw.teams = DrawState.DRAWN, result.selected, attempt.teams
    draw.made_at, draw.made_by = now, attempt.actor


def _draw_inspections(draw: Draw, actor: Any, officers: dict[int, User], tolerant: bool = False) -> int:
    done = set(Inspection.objects.filter(draw=draw).values_list("enterprise_id", flat=True))
    enterprises = Enterprise.objects.in_bulk([int(e) for e in draw.selected])
    created = 0
    for enterprise_id in map(int, draw.selected):
        if enterprise_id in done:
            continue
        team = [officers[o] for o in draw.teams[str(enterprise_id)]]
        enterprise = enterprises[enterprise_id]
        checklist = draw.checklist if draw.checklist and enterprise.industry in draw.checklist.industries else None
        try:
            inspection_open(actor=actor, enterprise=enterprise, kind=InspectionKind.RANDOM, officers=team,
                            checklist=checklist, draw=draw, year=draw.year, note=f"双随机抽取 {draw.number}")
        except DomainError as exc:
            if not tolerant:
                raise
            # the enterprise changed since the draw (e.g. reached its cap): recorded, not silently dropped
            audit(actor, "inspection.draw_task_refused", draw, result="拒绝",
                  summary=f"抽中企业 {enterprise.name} 未生成检查任务：{exc.message}")
            continue
        created += 1
    return created


def draw_create_inspections(*, draw_id: int, actor_id: int) -> int:
    """Create the missing inspection tasks of a draw (the background job of large draws)."""
    draw = Draw.objects.select_related("checklist").get(pk=draw_id)
    actor = User.objects.get(pk=actor_id)
    officers = {o.pk: o for o in bureau_officers(draw.organisation)}
    with transaction.atomic():
        return _draw_inspections(draw, actor, officers, tolerant=True)


@task()
def create_draw_inspections(draw_id: int, actor_id: int) -> int:
    """Background job: create the inspection tasks of a large draw (idempotent: existing ones are skipped). Declared
    here, beside the use case it runs and the draw that enqueues it; bureau.inspection.tasks names it too."""
    return draw_create_inspections(draw_id=draw_id, actor_id=actor_id)


def draw_record(draw: Draw) -> dict[str, Any]:
    """The public record of a draw, as GET /api/v1/draws/{id} publishes it (the nonce only once revealed)."""
    return {
        "pool_text": draw.pool_text, "pool_digest": draw.pool_digest, "params_text": draw.params_text,
        "commitment": draw.commitment, "nonce": draw.revealed_nonce, "team_handling": draw.team_handling,
        "attempts": [{"n": a.n, "outcome": a.outcome, "reason": a.reason, "public_value": a.public_value,
                      "public_source": a.public_source, "seed": a.seed, "selected": a.selected, "teams": a.teams,
                      "late_conflicts": a.late_conflicts, "unavailable": a.unavailable}
                     for a in draw.attempts.order_by("n")],
    }


def draw_checks(draw: Draw) -> list[R.Check]:
    """Re-run the draw from its published record, step by step (rules.verify_record), plus what only the platform
    can read: that the audit entry named as the public value's source is genuine and first after the draw time."""
    if not draw.is_commit_reveal:
        ok, problems = _legacy_verify(draw)
        return [R.Check("按记录的种子重算（yc-draw-v1）", ok, "；".join(problems) or "抽取结果和检查组完全一致")]
    checks = R.verify_record(draw_record(draw))
    sources = {json.dumps(a.public_source, sort_keys=True): a.public_source
               for a in draw.attempts.all() if a.public_source.get("kind") == "audit"}
    checks += [beacons.audit_entry_check(source) for source in sources.values()]
    if draw.state == DrawState.DRAWN and draw.selected != (draw.attempts.filter(outcome=AttemptOutcome.DRAWN)
                                                           .values_list("selected", flat=True).first()):
        checks.append(R.Check("公示的抽取结果", False, "与抽取记录不符"))
    return checks


def draw_verify(draw: Draw) -> tuple[bool, list[str]]:
    """Re-run the draw from its recorded fields; (identical?, what differs)."""
    checks = draw_checks(draw)
    return all(c.ok for c in checks), [f"{c.label}：{c.detail}" for c in checks if not c.ok]


def _legacy_verify(draw: Draw) -> tuple[bool, list[str]]:
    """yc-draw-v1 (before commit-reveal): re-run from the recorded seed."""
    problems = []
    pool = draw.pool
    if R.canonical_pool(pool) != pool:
        problems.append("企业池不是升序去重列表")
    if R.pool_digest(draw.pool_text) != draw.pool_digest:
        problems.append("企业池摘要与记录不符")
    try:
        result = R.run_draw(seed=draw.seed, pool=pool, sample_size=draw.sample_size, officers=draw.officer_pool,
                            team_size=draw.team_size, conflicts=draw.conflicts, text=draw.pool_text)
    except R.DrawRefusal as exc:
        return False, [*problems, str(exc)]
    if result.selected != [int(i) for i in draw.selected]:
        problems.append("抽中企业与记录不符")
    if {str(k): v for k, v in result.teams.items()} != draw.teams:
        problems.append("检查组与记录不符")
    return not problems, problems


# ---- conflicts of interest --------------------------------------------------------------------------------------

def conflict_declare(*, actor: User, officer: User, enterprise: Enterprise, reason: str) -> ConflictOfInterest:
    """Record an officer's conflict with an enterprise (亲属、曾任职等); draws and teams skip the pair."""
    # those who arrange inspections declare conflicts; an officer declares their own, a head for the officers
    require_change(actor, Inspection, region=enterprise.region_id)
    if actor.pk != officer.pk and not actor.has_role(SECTION_HEAD, LEADER):
        raise PermissionDenied("只能申报本人的回避关系")
    if not reason.strip():
        raise DomainError("请填写回避事由", field="reason")
    _visible(actor, enterprise)
    with transaction.atomic():
        row, created = ConflictOfInterest.objects.get_or_create(
            officer=officer, enterprise=enterprise,
            defaults={"reason": reason.strip()[:200], "declared_on": timezone.localdate()})
        if not created:
            raise DomainError("该回避关系已登记")
        audit(actor, "inspection.conflict_declare", row, summary=f"登记回避：{officer.display_name} ↔ {enterprise.name}")
    return row


# ---- online patrols (measure II.7) ------------------------------------------------------------------------------

def patrol_plan_create(*, actor: User, industry: str, title: str, content: str, channel: str, every_days: int,
                       handling: str, year: int | None = None) -> PatrolPlan:
    require_change(actor, PatrolPlan)
    bureau = bureau_of(actor)
    if not title.strip() or not content.strip():
        raise DomainError("请填写计划名称和巡查内容", field="content")
    if every_days < 1 or every_days > 366:
        raise DomainError("巡查周期应在 1–366 天之间", field="every_days")
    with transaction.atomic():
        plan = PatrolPlan.objects.create(organisation=bureau, region_id=bureau_region(bureau),
                                         year=year or timezone.localdate().year, industry=industry,
                                         title=title.strip(), content=content.strip(), channel=channel.strip(),
                                         every_days=every_days, handling=handling.strip())
        audit(actor, "inspection.patrol_plan_create", plan, summary=f"制定网上巡查计划：{plan.title}")
    return plan


def city_patrol_plans(year: int) -> Any:
    """The city bureau's active patrol plans of a year (what a county adopts)."""
    return PatrolPlan.objects.filter(organisation__kind=OrganisationKind.CITY_BUREAU,
                                     region_id=settings.CITY_REGION_CODE, year=year, is_active=True)


def adoptable_patrol_plans(bureau: Organisation, year: int) -> list[PatrolPlan]:
    """The city's plans of the year a county (or the development zone) has not adopted yet; none for the city."""
    if bureau.region_id in (None, settings.CITY_REGION_CODE):
        return []
    taken = PatrolPlan.objects.filter(organisation=bureau, adopted_from__isnull=False).values("adopted_from_id")
    return list(city_patrol_plans(year).exclude(pk__in=taken).order_by("industry", "id"))


def patrol_plans_adopt(*, actor: User, year: int | None = None) -> list[PatrolPlan]:
    """A county bureau adopts the city's patrol plans of the year as its own (measure II.7: each bureau patrols its
    jurisdiction under a plan per industry, and handles the leads its patrols find). Adopting again adds only the
    plans adopted since (idempotent)."""
    require_change(actor, PatrolPlan)
    bureau = bureau_of(actor)
    year = year or timezone.localdate().year
    if bureau_region(bureau) == settings.CITY_REGION_CODE:
        raise DomainError("市局的网上巡查计划即本级计划，无需采用", code="city_plan")
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=bureau.pk).values_list("pk", flat=True).first()
        created = []
        for source in adoptable_patrol_plans(bureau, year):
            plan = PatrolPlan.objects.create(
                organisation=bureau, region_id=bureau_region(bureau), year=source.year, industry=source.industry,
                title=f"{bureau.short_name or bureau.name}{source.title}"[:120], content=source.content,
                channel=source.channel, every_days=source.every_days, handling=source.handling, adopted_from=source)
            audit(actor, "inspection.patrol_plan_adopt", plan, summary=f"采用市局网上巡查计划：{source.title}",
                  data={"adopted_from": source.pk})
            created.append(plan)
    return created


def patrol_record_create(*, actor: User, plan: PatrolPlan, enterprise: Enterprise, patrolled_on: dt.date,
                         finding: str = "") -> PatrolRecord:
    """Record an online patrol (off-site enforcement) under a plan of the officer's own bureau covering the
    enterprise; a finding becomes an open lead, handled by that bureau (measure II.7)."""
    _visible(actor, enterprise)
    require_change(actor, PatrolRecord, region=enterprise.region_id)
    if plan.organisation_id != bureau_of(actor).pk or not plan.is_active:
        raise DomainError("请按本单位执行中的网上巡查计划登记巡查（县级执法人员可先采用市局计划或制定本县计划）",
                          field="plan")
    if not scope_for_org(plan.organisation).covers_region(enterprise.region_id):
        raise DomainError(f"{enterprise.name} 不在该巡查计划的管辖区域内", field="enterprise")
    if plan.industry != enterprise.industry:
        raise DomainError(f"该巡查计划适用于{plan.get_industry_display()}，与企业行业不符", field="enterprise")
    check_event_date(patrolled_on, field="patrolled_on", label="巡查日期")
    with transaction.atomic():
        record = PatrolRecord.objects.create(plan=plan, enterprise=enterprise, region_id=enterprise.region_id,
                                             officer=actor, patrolled_on=patrolled_on, finding=finding.strip(),
                                             lead_state=LeadState.OPEN if finding.strip() else LeadState.NONE)
        audit(actor, "inspection.patrol_record", record, summary=f"网上巡查：{enterprise.name}",
              data={"finding": bool(finding.strip())})
    return record


def patrol_lead_to_inspection(*, actor: User, record: PatrolRecord, officers: Sequence[User]) -> Inspection:
    """The lead becomes an exceptional site inspection (线索检查) — a declared action on the patrol record."""
    check_transition(lead_workflow, record, "to_inspection", actor)
    with transaction.atomic():
        inspection = inspection_open_exceptional(
            actor=actor, enterprise=record.enterprise, reason=ExceptionReason.PATROL_LEAD,
            reference=f"网上巡查记录 #{record.pk}（{record.patrolled_on:%Y-%m-%d}）：{record.finding[:80]}",
            officers=officers, source_record=record)
        apply_transition(lead_workflow, record, "to_inspection", actor=actor, note=f"检查任务 {inspection.number}",
                         updates={"inspection": inspection}, audit_data={"inspection": inspection.pk})
    return inspection


def patrol_case_opened(actor: Any, source_id: str, case: Any) -> None:
    """Registered with the kernel (registry.case_opened): a penalty case opened from a patrol lead marks the lead
    已转立案 with the case number, in the case's transaction (measure II.7: a finding becomes a lead, then a case).
    Recorded as the bureau's step (the case's own timeline names the officer who opened it)."""
    try:
        pk = int(source_id)
    except (TypeError, ValueError):
        return
    record = PatrolRecord.objects.filter(pk=pk, enterprise_id=case.enterprise_id, lead_state=LeadState.OPEN).first()
    if record is not None:
        apply_transition(lead_workflow, record, "to_case", actor=None, note=f"立案：{case.number}",
                         updates={"case_reference": case.number[:60]})


def patrol_lead_to_case(*, actor: User, record: PatrolRecord, case_reference: str) -> PatrolRecord:
    """Mark the lead as referred for a case (the penalties area opens the case itself, or another authority)."""
    check_transition(lead_workflow, record, "to_case", actor)
    if not case_reference.strip():
        raise DomainError("请填写立案编号或移送说明", field="case_reference")
    apply_transition(lead_workflow, record, "to_case", actor=actor, note=case_reference.strip()[:200],
                     updates={"case_reference": case_reference.strip()[:60]})
    return record


# ---- 送达 of enforcement documents (行政处罚法 第61条; 民事诉讼法 第87—90条) ---------------------------------------------

ELECTRONIC = "电子送达"
OTHER_METHODS = ("直接送达", "留置送达", "委托送达", "邮寄送达", "转交送达", "公告送达")
CONSENT_ADDRESS = "运城市应急管理局政务服务平台本企业用户账号"
CONSENT_TEXT = (
    "本单位同意运城市及本单位所在县（市、区）应急管理部门通过运城市应急管理局政务服务平台，向本单位在平台注册的企业用户账号电子送达执法文书"
    "（包括现场检查记录、责令限期整改指令书、整改复查意见书、行政处罚告知书、听证告知书、听证通知书、行政处罚决定书、"
    "履行催告书等）。本单位确认上述账号为送达地址，本单位任一企业用户在平台签收文书的时间为送达时间。"
    "依据：《中华人民共和国行政处罚法》第六十一条第二款、《中华人民共和国民事诉讼法》第九十条。")


@dataclass(frozen=True)
class ServiceOwner:
    """An area whose documents are served through DocumentService: the page of the owning record (by its id), and
    what the area does when one of its documents is acknowledged or served by other means (in the same
    transaction), e.g. penalties: an acknowledged decision is the case's service (行政处罚法 第61条)."""

    url: Callable[[int], str]
    acknowledged: Callable[[Any, DocumentService], None] | None = None
    served_otherwise: Callable[[Any, DocumentService], None] | None = None


_service_owners: dict[str, ServiceOwner] = {}


def register_service_owner(label: str, owner: ServiceOwner) -> None:
    """`label`: the owner model's "app_label.model_name" (e.g. "penalties.case"); called from the area's hooks."""
    _service_owners[label] = owner


def _owner_label(service: DocumentService) -> str:
    ct = service.document.content_type
    return f"{ct.app_label}.{ct.model}" if ct else ""


def service_owner_url(service: DocumentService) -> str:
    owner = _service_owners.get(_owner_label(service))
    return owner.url(int(service.document.object_id or 0)) if owner else ""


def service_open(*, document: Document, enterprise: Enterprise, region_id: str) -> DocumentService:
    """Deliver a document addressed to the party to its platform account: a 送达 waiting for the enterprise's
    acknowledgement (or for an officer's record of service by other means). Called in the transaction that issues
    the document; the issuing area notifies the enterprise."""
    service = DocumentService.objects.create(document=document, enterprise=enterprise, region_id=region_id,
                                             delivered_at=timezone.now(), state="pending")
    record_history(service, actor=None, action="deliver", label=f"推送《{document.title}》至企业账号，待签收")
    return service


def services_of(documents: Iterable[Document], user: Any) -> list[DocumentService]:
    """The services of these documents the user may see, each with `actions` (what the user may do now) and the
    enterprise's consent (`consent`), for the 文书送达 card of a page."""
    ids = [d.pk for d in documents]
    rows = list(DocumentService.objects.restrict(user).filter(document_id__in=ids)
                .select_related("document", "acknowledged_by", "recorded_by").order_by("delivered_at", "id"))
    consents = {c.enterprise_id: c for c in ServiceConsent.objects.filter(
        enterprise_id__in={r.enterprise_id for r in rows})}
    for row in rows:
        row.actions = [t.action for t in service_workflow.available(row, user)]
        row.consent = consents.get(row.enterprise_id)
    return rows


def consent_of(enterprise_id: int | None) -> ServiceConsent | None:
    return ServiceConsent.objects.filter(enterprise_id=enterprise_id).first() if enterprise_id else None


def service_consent_record(*, actor: User, ip: str = "", agreed: bool = False) -> ServiceConsent:
    """The enterprise user signs the 电子送达确认书 for its enterprise, once (行政处罚法 第61条第2款: 当事人同意并签订
    确认书). Signing again returns the confirmation already on record."""
    from bureau.accounts.roles import ENTERPRISE
    from bureau.inspection import documents

    if not actor.enterprise_id or not actor.has_role(ENTERPRISE):
        raise PermissionDenied("只有企业用户可以签署本企业的电子送达确认书")
    existing = consent_of(actor.enterprise_id)
    if existing is not None:
        return existing
    if not agreed:
        raise DomainError("请阅读确认书内容并勾选“本单位同意电子送达”", field="agreed")
    enterprise = actor.enterprise
    if enterprise is None:
        raise NotFound("您的账号未关联企业，无法签署电子送达确认书")
    with transaction.atomic():
        Enterprise.objects.select_for_update().filter(pk=enterprise.pk).values_list("pk", flat=True).first()
        existing = consent_of(enterprise.pk)
        if existing is not None:  # another user of the enterprise signed meanwhile
            return existing
        consent = ServiceConsent.objects.create(
            enterprise=enterprise, address=CONSENT_ADDRESS, text=CONSENT_TEXT, consented_by=actor,
            consented_name=actor.display_name, consented_at=timezone.now(), ip=(ip or current_ip.get())[:45])
        documents.issue_service_consent(consent, actor=actor)
        audit(actor, "inspection.service_consent", consent, summary=f"签署电子送达确认书：{enterprise.name}",
              data={"address": CONSENT_ADDRESS})
    return consent


def service_acknowledge(*, actor: User, service: DocumentService, ip: str = "") -> DocumentService:
    """签收: an enterprise user acknowledges receipt of a document served on its enterprise, on the platform (the
    phone). Records who, when (the server's clock) and from which address; writes the timeline and the audit entry
    and tells the owning area. Acknowledging again changes nothing and returns the first acknowledgement."""
    if not DocumentService.objects.restrict(actor).filter(pk=service.pk).exists():
        raise NotFound("文书不存在")
    if service.state == "acknowledged":
        return service
    now = timezone.now()
    address = (ip or current_ip.get())[:45]
    try:
        with transaction.atomic():
            apply_transition(
                service_workflow, service, "acknowledge", actor=actor,
                note=f"{ELECTRONIC}，签收人 {actor.display_name}",
                updates={"acknowledged_at": now, "acknowledged_by": actor, "acknowledged_name": actor.display_name,
                         "acknowledged_ip": address, "served_on": timezone.localdate(now), "method": ELECTRONIC},
                audit_data={"document": service.document_id, "kind": service.document.kind, "ip": address})
            _tell_owner(service, actor, "acknowledged")
    except Conflict:
        fresh = DocumentService.objects.get(pk=service.pk)
        if fresh.state == "acknowledged":  # a second tap (or another user) acknowledged at the same moment
            return fresh
        raise
    return service


def service_serve_otherwise(*, actor: User, service: DocumentService, method: str, served_on: dt.date | None = None,
                            earliest: dt.date | None = None) -> DocumentService:
    """An officer records that a document waiting for acknowledgement was served by other means (直接送达, 留置送达,
    委托送达, 邮寄送达, 转交送达, 公告送达: 民事诉讼法 第87—95条) on a given day, not before `earliest` (the
    document's date by default); electronic service is only the party's 签收."""
    method = (method or "").strip()
    if method not in OTHER_METHODS:
        raise DomainError(f"请选择送达方式（{'、'.join(OTHER_METHODS)}）；电子送达以当事人在平台签收为准",
                          field="method")
    served_on = served_on or timezone.localdate()
    check_event_date(served_on, field="served_on", label="送达日期")
    if served_on < (earliest or timezone.localdate(service.document.created_at)):
        raise DomainError("送达日期不能早于文书作出日期", field="served_on")
    with transaction.atomic():
        apply_transition(service_workflow, service, "serve_otherwise", actor=actor,
                         note=f"{method}，送达日期 {served_on:%Y-%m-%d}",
                         updates={"method": method, "served_on": served_on, "recorded_by": actor},
                         audit_data={"document": service.document_id, "method": method})
        _tell_owner(service, actor, "served_otherwise")
    return service


def _tell_owner(service: DocumentService, actor: Any, event: str) -> None:
    owner = _service_owners.get(_owner_label(service))
    handler = getattr(owner, event, None) if owner else None
    if handler is not None:
        handler(actor, service)


def _owner_id(service: DocumentService) -> int:
    """The id of the record the served document belongs to."""
    if service.document.object_id is None:
        raise NotFound("文书未关联业务记录")
    return service.document.object_id


def _inspection_acknowledged(actor: Any, service: DocumentService) -> None:
    """The inspection's timeline shows the 签收, and its officers are told."""
    inspection = Inspection.objects.select_related("enterprise").get(pk=_owner_id(service))
    record_history(inspection, actor=actor, action="service_acknowledged",
                   label=f"当事人签收《{service.document.title}》",
                   note=f"{ELECTRONIC}，签收人 {service.acknowledged_name}（签收时间见“文书送达”）")
    notify(inspection.officers.all(), f"当事人已签收：{service.document.title}", inspection.enterprise.name,
           url=f"/inspection/inspections/{inspection.pk}/")


def _inspection_served_otherwise(actor: Any, service: DocumentService) -> None:
    inspection = Inspection.objects.get(pk=_owner_id(service))
    record_history(inspection, actor=actor, action="service_recorded", label=f"送达《{service.document.title}》",
                   note=f"{service.method}，送达日期 {service.served_on:%Y-%m-%d}")


register_service_owner("inspection.inspection", ServiceOwner(
    url=lambda pk: f"/inspection/inspections/{pk}/", acknowledged=_inspection_acknowledged,
    served_otherwise=_inspection_served_otherwise))


# ---- joint visit (measure I.6), signatures, supervision handover (measures I.3, I.6) ------------------------------

def joint_check_open(*, actor: User, enterprise: Enterprise, officers: Sequence[User], source_record: Any,
                     reference: str, note: str = "") -> Inspection:
    """The joint visit of measure I.6 (completion-acceptance supervision + first-licence site check) as an inspection
    record of this area: the industry checklist, a team of certified officers, check-in, items with photos,
    findings, signatures. Called by the licensing area after its own declared action (`joint_check`) authorised the
    actor for the application; this function checks visibility and the team rules. Not counted against the yearly
    cap (see inspections_in_year); no leader approval (the applicant asked for the visit)."""
    bureau = bureau_of(actor)
    _visible(actor, enterprise)
    check_team(officers, enterprise)
    checklist = checklist_for(enterprise.industry)
    with transaction.atomic():
        inspection = Inspection.objects.create(
            number=next_number("inspection", timezone.localdate().year, prefix="JC"), enterprise=enterprise,
            region_id=enterprise.region_id, organisation=bureau, year=timezone.localdate().year,
            kind=InspectionKind.JOINT, exception_reference=reference[:200],
            source_type=f"{source_record._meta.app_label}.{source_record._meta.model_name}",
            source_id=str(source_record.pk), checklist=checklist, industry=enterprise.industry,
            sub_sector=enterprise.sub_sector, state="assigned")
        inspection.officers.set(officers)
        record_history(inspection, actor=actor, action="create", label="生成检查任务（联合检查）",
                       note="；".join(filter(None, [reference, note])))
        audit(actor, "inspection.joint_open", inspection, summary=f"联合检查：{enterprise.name}（{reference}）",
              data={"officers": [o.pk for o in officers], "source": f"{inspection.source_type}:{source_record.pk}"})
        notify(officers, "新的联合检查任务", f"{enterprise.name}：{reference}",
               url=f"/inspection/inspections/{inspection.pk}/")
    return inspection


def inspection_sign(*, actor: User, inspection: Inspection) -> InspectionSignature:
    """Sign the finished inspection record: an officer of the team, or a user of the inspected enterprise as its
    on-site representative (安全生产法 第66条: 检查情况应当由检查人员和被检查单位的负责人签字). Once per person."""
    if not sees(actor, inspection):
        raise NotFound("检查不存在或不在您的管辖范围内")
    if inspection.state not in {"rectifying", "closed"}:
        raise DomainError("检查结束后才能在检查记录上签名", code="not_finished")
    if getattr(actor, "enterprise_id", None):
        if actor.enterprise_id != inspection.enterprise_id:
            raise NotFound("检查不存在或不在您的管辖范围内")
        capacity = InspectionSignature.Capacity.PARTY
    elif inspection.officers.filter(pk=actor.pk).exists():
        capacity = InspectionSignature.Capacity.OFFICER
    else:
        raise PermissionDenied("您不是本次检查的检查人员，不能签名")
    with transaction.atomic():
        row, created = InspectionSignature.objects.get_or_create(
            inspection=inspection, user=actor,
            defaults={"name": actor.display_name, "capacity": capacity, "signed_at": timezone.now(),
                      "ip": current_ip.get()[:45]})
        if not created:
            raise DomainError("您已在本检查记录上签名", code="conflict")
        record_history(inspection, actor=actor, action="sign", label=f"{row.get_capacity_display()}签名")
        audit(actor, "inspection.sign", inspection, summary=f"检查记录签名：{row.get_capacity_display()} {row.name}")
    return row


def responsible_bureau(enterprise: Enterprise, year: int) -> Organisation:
    """The bureau that supervises the enterprise this year: the year's supervision assignment (分级分类监管,
    安全生产法 第62条), otherwise the county bureau of its region, otherwise the city bureau."""
    assignment = SupervisionAssignment.objects.filter(enterprise=enterprise, year=year).select_related(
        "organisation").first()
    if assignment is not None:
        return assignment.organisation
    org = (Organisation.objects.filter(region_id=enterprise.region_id,
                                       kind__in=[OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE]).first()
           or Organisation.objects.filter(kind=OrganisationKind.CITY_BUREAU).order_by("id").first())
    if org is None:
        raise DomainError("未配置负责监管的应急管理部门")
    return org


def handover_open(*, actor: User | None, enterprise: Enterprise, reason: str, source_record: Any, source_label: str,
                  source_url: str = "", commitments: str = "") -> SupervisionHandover:
    """Hand the enterprise over to the level responsible for its supervision (measures I.3, I.6). Called by other
    areas inside their own transaction; once per source record and reason (a second call returns the first task)."""
    if reason not in HandoverReason.values:
        raise DomainError("移交事由无效")
    source_type = f"{source_record._meta.app_label}.{source_record._meta.model_name}"
    existing = SupervisionHandover.objects.filter(source_type=source_type, source_id=str(source_record.pk),
                                                  reason=reason).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    bureau = responsible_bureau(enterprise, today.year)
    due = add_working_days(today, int(rule("inspection.handover_receive_days", today))).date
    with transaction.atomic():
        handover = SupervisionHandover.objects.create(
            number=next_number("inspection:handover", today.year, prefix="JGYJ"), enterprise=enterprise,
            region_id=enterprise.region_id, organisation=bureau, reason=reason, source_type=source_type,
            source_id=str(source_record.pk), source_label=source_label[:200], source_url=source_url[:200],
            commitments=commitments, due_on=due, state="open")
        record_history(handover, actor=actor, action="create", label=f"移交{bureau.name}：{handover.get_reason_display()}",
                       note=source_label)
        audit(actor, "inspection.handover_open", handover, summary=f"监管移交 {handover.number}：{enterprise.name}",
              data={"reason": reason, "organisation": bureau.pk, "source": f"{source_type}:{source_record.pk}"})
        staff = User.objects.filter(Q(organisation=bureau) | Q(organisation__parent=bureau), is_active=True,
                                    roles__code__in=[INSPECTOR, SECTION_HEAD]).distinct()
        notify(staff, f"【监管移交】{enterprise.name}", f"{handover.get_reason_display()}：{source_label}",
               url="/inspection/handovers/")
    return handover


def handover_receive(*, actor: User, handover: SupervisionHandover, note: str = "") -> SupervisionHandover:
    """The responsible bureau takes the enterprise into its supervision (plans, inspections, the commitments)."""
    with transaction.atomic():
        apply_transition(handover_workflow, handover, "receive", actor=actor, note=note)
    return handover


def handover_close(*, actor: User, handover: SupervisionHandover, result: str) -> SupervisionHandover:
    check_transition(handover_workflow, handover, "close", actor)
    if not result.strip():
        raise DomainError("请填写监管结果（如已检查、承诺已落实、已立案）", field="result")
    with transaction.atomic():
        apply_transition(handover_workflow, handover, "close", actor=actor, note=result,
                         updates={"result": result.strip()})
    return handover
