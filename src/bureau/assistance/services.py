"""Proactive-service use cases (measures II.9, III.1, III.3, III.4, III.5, III.7). Each takes the acting user,
checks role and scope, runs in one transaction with audit; refusals are raised before anything is written."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model, Sum
from django.utils import timezone

from bureau.accounts.authority import may, require_change, sees
from bureau.accounts.models import User
from bureau.accounts.roles import AGENCY
from bureau.assistance import rules
from bureau.assistance.models import (
    AgencyCreditRecord,
    AgencyReport,
    AgencyStaff,
    AssessmentAgency,
    Checkup,
    CheckupAssignment,
    CheckupFinding,
    Course,
    Enrolment,
    Expert,
    FirstUseProcess,
    ObservationBatch,
    ObservationPilot,
    ObservationSignup,
    ParkProgress,
    ParkRemediationItem,
    Specialty,
)
from bureau.assistance.workflow import (
    checkup_workflow,
    enrolment_workflow,
    first_use_workflow,
    observation_workflow,
    park_item_workflow,
)
from bureau.enterprises.models import Enterprise, EnterpriseStatus, Industry
from bureau.hazards.services import check_lengths
from bureau.kernel.attachments import check_upload, save_upload, share_attachment
from bureau.kernel.audit import audit
from bureau.kernel.documents import Fields, Para, Signature, Spec, chinese_date, store_document
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.rules import rule
from bureau.kernel.validation import check_event_date
from bureau.kernel.workflow import apply_transition, check_transition, record_history


def _party(actor: User, model: type[Model]) -> Enterprise:
    """The enterprise an enterprise user acts for, once the model's declaration lets the party create its own
    records (`Authority(party_changes=True)`); staff are refused by the same declaration."""
    require_change(actor, model, enterprise_id=actor.enterprise_id)
    if actor.enterprise is None:  # staff whose role changes records of the kind, but who act for no enterprise
        raise PermissionDenied("只有企业用户可以办理")
    return actor.enterprise


# --------------------------------------------------------------------------------------------------------------
# Expert checkups (III.1)


def checkup_request(*, actor: User, specialty: str, topics: str, enterprise: Any = None,
                    planned_on: dt.date | None = None) -> Checkup:
    """The enterprise asks for a checkup, or the bureau schedules one for an enterprise in its jurisdiction."""
    if specialty not in Specialty.values:
        raise DomainError("请选择所需专业", field="specialty")
    if actor.enterprise_id:
        enterprise = _party(actor, Checkup)
        origin = Checkup.Origin.REQUEST
    else:
        if enterprise is None:
            raise DomainError("请选择企业", field="enterprise")
        if not sees(actor, enterprise):
            raise NotFound("企业不存在或不在您的管辖范围内")
        require_change(actor, Checkup, region=enterprise.region_id)  # Checkup.authority: the bureau's officers
        origin = Checkup.Origin.SCHEDULED
    if planned_on is not None and planned_on < timezone.localdate():
        raise DomainError("计划日期不能早于今天", field="planned_on")
    if Checkup.objects.filter(enterprise=enterprise, state__in=("requested", "assigned")).exists():
        raise DomainError("该企业已有尚未完成的安全体检")
    today = timezone.localdate()
    with transaction.atomic():
        checkup = Checkup.objects.create(
            number=next_number("checkup", today.year, prefix="TJ"), enterprise=enterprise,
            region_id=enterprise.region_id, origin=origin, specialty=specialty, topics=topics.strip(),
            requested_on=today, planned_on=planned_on, state="requested", requested_by=actor)
        record_history(checkup, actor=actor, action="request", label=checkup.get_origin_display(),
                       note=topics.strip())
        audit(actor, "assistance.checkup_request", checkup, summary=f"安全体检：{enterprise.name}")
    return checkup


def checkup_assign(*, actor: User, checkup: Checkup, experts: Sequence[Expert], planned_on: dt.date,
                   leader: Expert | None = None) -> Checkup:
    """Assign experts; any expert with a conflict with the enterprise, or unavailable, is refused (回避)."""
    check_transition(checkup_workflow, checkup, "assign", actor)
    if not experts:
        raise DomainError("请至少指派一名专家", field="experts")
    if planned_on < timezone.localdate():
        raise DomainError("计划日期不能早于今天", field="planned_on")
    conflicts = {e.pk: set(e.conflicts.values_list("id", flat=True)) for e in experts}
    for expert in experts:
        refusal = rules.assignment_refusal(expert_name=expert.name, conflict_ids=conflicts[expert.pk],
                                           enterprise_id=checkup.enterprise_id, available=expert.available,
                                           unavailable_until=expert.unavailable_until, on=planned_on)
        if refusal:
            raise DomainError(refusal, code="expert_conflict", field="experts")
    leader = leader or experts[0]
    with transaction.atomic():
        apply_transition(checkup_workflow, checkup, "assign", actor=actor,
                         note="、".join(e.name for e in experts), updates={"planned_on": planned_on})
        CheckupAssignment.objects.bulk_create([CheckupAssignment(checkup=checkup, expert=e, is_leader=e == leader)
                                               for e in experts])
        notify([e.user for e in experts if e.user_id], "安全体检任务",
               f"{checkup.enterprise.name}，计划 {planned_on}。", url=f"/assistance/checkups/{checkup.pk}/")
    return checkup


PHOTO_TYPES = frozenset({"jpg", "jpeg", "png"})


def finding_add(*, actor: User, checkup: Checkup, title: str, location: str = "", grade: str = "general",
                major_criterion: str = "", basis: str = "", suggestion: str = "",
                deadline: dt.date | None = None, photos: Sequence[Any] = ()) -> CheckupFinding:
    """An assigned expert records a finding on site (phone screen), with photos taken there (workflow checkups:
    `record_finding`, while the result is not submitted)."""
    check_transition(checkup_workflow, checkup, "record_finding", actor)
    if not title.strip():
        raise DomainError("请填写发现的问题", field="title")
    if grade not in ("general", "major"):
        raise DomainError("隐患等级无效", field="grade")
    check_lengths(title=(title.strip(), 200, "问题"), location=(location.strip(), 120, "部位"),
                  major_criterion=(major_criterion.strip(), 200, "判定依据"), basis=(basis.strip(), 300, "依据"))
    if grade == "major" and not major_criterion.strip():
        raise DomainError("重大隐患须注明判定依据", field="major_criterion")
    if deadline is not None and deadline < timezone.localdate():
        raise DomainError("建议整改期限不能早于今天", field="deadline")
    photos = list(photos)
    max_bytes = _check_photos(photos, already=0)
    with transaction.atomic():
        finding = CheckupFinding.objects.create(
            checkup=checkup, title=title.strip(), location=location.strip(), grade=grade,
            major_criterion=major_criterion.strip(), basis=basis.strip(), suggestion=suggestion.strip(),
            deadline=deadline, recorded_by=actor)
        for photo in photos:
            save_upload(photo, owner=checkup, purpose=f"finding:{finding.pk}", actor=actor, allowed=PHOTO_TYPES,
                        max_bytes=max_bytes)
        audit(actor, "assistance.finding_add", checkup, summary=f"体检发现问题：{finding.title}",
              data={"photos": len(photos)})
    return finding


def _check_photos(photos: list[Any], *, already: int) -> int:
    """Every file checked before anything is saved: count (rule), type by content, size (rule). Returns the size
    limit in bytes."""
    most = int(rule("assistance.finding_max_photos"))
    if already + len(photos) > most:
        raise DomainError(f"每个问题最多上传 {most} 张照片", field="photos")
    max_bytes = int(rule("assistance.photo_max_mb")) * 1024 * 1024
    for photo in photos:
        check_upload(photo, allowed=PHOTO_TYPES, max_bytes=max_bytes)
    return max_bytes


def finding_add_photos(*, actor: User, finding: CheckupFinding, photos: Sequence[Any]) -> list[Any]:
    """More photos for a finding already recorded (the expert's mobile client uploads them one request each)."""
    checkup = finding.checkup
    check_transition(checkup_workflow, checkup, "record_finding", actor)
    photos = list(photos)
    if not photos:
        raise DomainError("请选择照片", field="photos")
    purpose = f"finding:{finding.pk}"
    max_bytes = _check_photos(photos, already=checkup.attachments().filter(purpose=purpose).count())
    with transaction.atomic():
        saved = [save_upload(photo, owner=checkup, purpose=purpose, actor=actor, allowed=PHOTO_TYPES,
                             max_bytes=max_bytes) for photo in photos]
        audit(actor, "assistance.finding_photos", checkup, summary=f"体检问题照片：{finding.title}",
              data={"finding": finding.pk, "photos": len(saved)})
    return saved


def finding_photos(checkup: Checkup) -> dict[int, list[Any]]:
    """{finding pk: [photo attachment, …]} of one checkup, in one query."""
    found: dict[int, list[Any]] = {}
    for attachment in checkup.attachments().filter(purpose__startswith="finding:").order_by("id"):
        found.setdefault(int(attachment.purpose.split(":", 1)[1]), []).append(attachment)
    return found


def finding_delete(*, actor: User, finding: CheckupFinding) -> None:
    check_transition(checkup_workflow, finding.checkup, "record_finding", actor)
    with transaction.atomic():
        audit(actor, "assistance.finding_delete", finding.checkup, summary=f"删除体检问题：{finding.title}")
        finding.checkup.attachments().filter(purpose=f"finding:{finding.pk}").delete()
        finding.delete()


def checkup_submit(*, actor: User, checkup: Checkup, summary: str, visited_on: dt.date | None = None) -> Checkup:
    """The expert submits the result; every finding becomes a hazard of the enterprise (source: checkup)."""
    from bureau.hazards.services import hazard_report

    check_transition(checkup_workflow, checkup, "submit", actor)
    if not summary.strip():
        raise DomainError("请填写体检结论", field="summary")
    visited_on = visited_on or timezone.localdate()
    check_event_date(visited_on, field="visited_on", label="实施日期")
    with transaction.atomic():
        apply_transition(checkup_workflow, checkup, "submit", actor=actor, note=summary.strip(),
                         updates={"summary": summary.strip(), "visited_on": visited_on})
        findings = list(checkup.findings.select_for_update().filter(hazard__isnull=True))
        photos = finding_photos(checkup)
        for finding in findings:
            hazard = hazard_report(actor=actor, enterprise=checkup.enterprise, source="checkup", title=finding.title,
                                   found_on=visited_on, grade=finding.grade, description=finding.suggestion,
                                   location=finding.location, deadline=finding.deadline, legal_basis=finding.basis,
                                   major_criterion=finding.major_criterion, source_record=checkup)
            CheckupFinding.objects.filter(pk=finding.pk).update(hazard=hazard)
            for photo in photos.get(finding.pk, []):  # the photos go with the hazard (same stored file)
                share_attachment(photo, owner=hazard, purpose="现场照片", actor=actor)
        store_document(owner=checkup, kind="checkup_report", actor=actor, sort=1, spec=Spec(
            title="安全体检报告", number=checkup.number, blocks=[
                Fields([("企业", checkup.enterprise.name), ("体检日期", chinese_date(visited_on)),
                        ("专家", "、".join(a.expert.name for a in checkup.assignments.select_related("expert"))),
                        ("体检结论", summary.strip())]),
                Para(f"发现问题 {len(findings)} 项，已列入企业隐患清单，请企业制定整改方案并按期整改。"),
                Signature(checkup.enterprise.region.name + "安全生产专家组", visited_on, seal=False)]))
        record_history(checkup, actor=actor, action="hazards", label="问题转入隐患清单", note=f"{len(findings)} 项")
    return checkup


def checkup_settle(*, actor: User, checkup: Checkup, expert_days: Any) -> Checkup:
    """Record the expert working days and the cost the government pays (rate: rule in force on the visit day)."""
    check_transition(checkup_workflow, checkup, "settle", actor)
    try:
        days = Decimal(str(expert_days))
    except InvalidOperation as exc:
        raise DomainError("专家工日应为数字", field="expert_days") from exc
    if days <= 0 or days > 100:
        raise DomainError("专家工日应在 0—100 之间", field="expert_days")
    on = checkup.visited_on or timezone.localdate()
    cost = rules.checkup_cost(days, rule("assistance.checkup_fee_per_expert_day", on))
    with transaction.atomic():
        apply_transition(checkup_workflow, checkup, "settle", actor=actor, note=f"{days} 工日，费用 {cost} 元（政府承担）",
                         updates={"expert_days": days, "cost": cost})
    return checkup


# --------------------------------------------------------------------------------------------------------------
# Chemical parks (III.3)


def park_item_create(*, actor: User, park: Any, category: str, title: str, responsible: str,
                     deadline: dt.date) -> ParkRemediationItem:
    """A remediation item of a park (化工园区安全整治提升方案); its deadline is a date still to come."""
    require_change(actor, ParkRemediationItem, region=park.region_id)  # the officers of the park's jurisdiction
    if not title.strip() or not responsible.strip():
        raise DomainError("请填写整治事项和责任单位", field="title")
    if deadline < timezone.localdate():  # a time limit is set for work still to be done
        raise DomainError("完成时限不能早于今天", field="deadline")
    with transaction.atomic():
        item = ParkRemediationItem.objects.create(park=park, category=category.strip() or "其他", title=title.strip(),
                                                  responsible=responsible.strip(), deadline=deadline)
        record_history(item, actor=actor, action="create", label="登记整治事项",
                       note=f"{item.responsible}，完成时限 {deadline:%Y-%m-%d}")
        audit(actor, "assistance.park_item_create", item, summary=f"{park.name}：{item.title}")
    return item


def park_progress_add(*, actor: User, item: ParkRemediationItem, percent: int, note: str,
                      on: dt.date | None = None) -> ParkProgress:
    """A progress report of a park remediation item (workflow park_items: `progress`, or `complete` at 100 %).
    The report is dated on or before today and not before the last report, and its percent never goes below the
    last one; a report made on a stale page (someone reported meanwhile) is refused by the version check."""
    if not isinstance(percent, int) or not 0 <= percent <= 100:
        raise DomainError("完成进度应在 0—100 之间", field="percent")
    action = "complete" if percent == 100 else "progress"
    check_transition(park_item_workflow, item, action, actor)
    on = on or timezone.localdate()
    check_event_date(on, field="on", label="进展日期")
    if percent < item.percent:
        raise DomainError(f"完成进度不能低于上次填报的 {item.percent}%", field="percent")
    last = item.progress.order_by("-on", "-id").first()
    if last is not None and on < last.on:
        raise DomainError(f"进展日期不能早于上次填报的 {last.on:%Y-%m-%d}", field="on")
    if not note.strip():
        raise DomainError("请填写进展情况", field="note")
    with transaction.atomic():
        apply_transition(park_item_workflow, item, action, actor=actor, note=f"{percent}%：{note.strip()}",
                         updates={"percent": percent}, audit_data={"percent": percent, "on": on.isoformat()})
        progress = ParkProgress.objects.create(item=item, on=on, percent=percent, note=note.strip(),
                                               actor_name=actor.display_name)
    return progress


# --------------------------------------------------------------------------------------------------------------
# First-use chemical processes (III.4)


def first_use_create(*, actor: User, process_name: str, project: str, description: str) -> FirstUseProcess:
    enterprise = _party(actor, FirstUseProcess)
    if not process_name.strip() or not description.strip():
        raise DomainError("请填写工艺名称和工艺说明", field="process_name")
    with transaction.atomic():
        item = FirstUseProcess.objects.create(
            number=next_number("first_use", timezone.localdate().year, prefix="SC"), enterprise=enterprise,
            region_id=enterprise.region_id, process_name=process_name.strip(), project=project.strip(),
            description=description.strip(), state="draft")
        record_history(item, actor=actor, action="create", label="填报论证申请")
        audit(actor, "assistance.first_use_create", item, summary=f"首次使用化工工艺：{item.process_name}")
    return item


def first_use_transition(*, actor: User, item: FirstUseProcess, action: str, note: str = "",
                         meeting_on: dt.date | None = None) -> FirstUseProcess:
    """submit (enterprise) → forward to the province (city) → pass / fail (province, with the meeting date)."""
    if not FirstUseProcess.objects.restrict(actor).filter(pk=item.pk).exists():
        raise NotFound("记录不存在")
    today = timezone.localdate()
    updates: dict[str, Any] = {}
    if action == "submit":
        updates = {"submitted_on": today}
    elif action == "forward":
        updates = {"forwarded_on": today}
    elif action in ("pass", "fail"):
        if meeting_on is None or meeting_on > today:
            raise DomainError("请填写论证会日期（不晚于今天）", field="meeting_on")
        if not note.strip():
            raise DomainError("请填写论证结论", field="note")
        updates = {"meeting_on": meeting_on, "conclusion": note.strip()}
    elif action == "return":
        if not note.strip():
            raise DomainError("请写明退回原因", field="note")
    else:
        raise DomainError("不支持的操作")
    with transaction.atomic():
        apply_transition(first_use_workflow, item, action, actor=actor, note=note.strip(), updates=updates)
    return item


# --------------------------------------------------------------------------------------------------------------
# Observation visits (III.5)


def observation_batch_create(*, actor: User, title: str, pilot: Any, visit_on: dt.date, mode: str, capacity: int,
                             signup_closes_on: dt.date) -> ObservationBatch:
    """A yearly batch of observation visits to a pilot enterprise (试点企业, designated by the province)."""
    require_change(actor, ObservationBatch)
    if not title.strip():
        raise DomainError("请填写批次名称", field="title")
    if mode not in ObservationBatch.Mode.values:
        raise DomainError("观摩方式无效", field="mode")
    if capacity < 1:
        raise DomainError("名额至少为 1", field="capacity")
    if visit_on < timezone.localdate() or signup_closes_on > visit_on:
        raise DomainError("观摩日期不能早于今天，报名截止不能晚于观摩日期", field="signup_closes_on")
    if not designated_pilot(pilot.pk, visit_on):
        # measure III.5: the visits go to the pilot enterprises the province designated (省厅确定的试点企业)
        raise DomainError(f"「{pilot.name}」不是省应急管理厅确定的双重预防机制建设试点企业（或在观摩日期已撤销），"
                          "请选择试点企业", field="pilot")
    with transaction.atomic():
        batch = ObservationBatch.objects.create(year=visit_on.year, title=title.strip(), pilot=pilot,
                                                visit_on=visit_on, mode=mode, capacity=capacity,
                                                signup_closes_on=signup_closes_on)
        audit(actor, "assistance.observation_batch_create", batch, summary=f"观摩批次：{batch.title}")
    return batch


def designated_pilot(enterprise_id: int, on: dt.date) -> bool:
    """The enterprise is a pilot the province designated, in force on `on` (ObservationPilot)."""
    return (ObservationPilot.objects.filter(enterprise_id=enterprise_id, designated_on__lte=on)
            .exclude(withdrawn_on__lte=on).exists())


def observation_signup(*, actor: User, batch: ObservationBatch, attendees: str) -> ObservationSignup:
    """An enterprise of the industries the measure names (rule assistance.observation_industries: 危化生产企业)
    signs up for a batch; capacity and the closing date are enforced. A closed enterprise is no longer one of the
    city's producers, and the pilot hosts its own batch."""
    enterprise = _party(actor, ObservationSignup)
    today = timezone.localdate()
    refusal = rules.industry_refusal(enterprise.industry, rule("assistance.observation_industries", today),
                                     dict(Industry.choices), "观摩活动")
    if refusal:
        raise DomainError(refusal, code="not_eligible")
    if enterprise.status == EnterpriseStatus.CLOSED:
        raise DomainError("企业已关闭注销，不能报名观摩", code="not_eligible")
    if batch.pilot_id == enterprise.pk:
        raise DomainError("本企业是该批次的观摩试点企业，无需报名", code="not_eligible")
    if today > batch.signup_closes_on:
        raise DomainError("报名已截止")
    if not attendees.strip():
        raise DomainError("请填写参加人员", field="attendees")
    with transaction.atomic():
        ObservationBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if ObservationSignup.objects.filter(batch=batch, enterprise=enterprise).exists():
            raise DomainError("本企业已报名该批次")
        refusal = rules.capacity_refusal(ObservationSignup.objects.filter(batch=batch).count(), batch.capacity,
                                         "该批次")
        if refusal:
            raise DomainError(refusal, code="capacity")
        signup = ObservationSignup.objects.create(batch=batch, enterprise=enterprise, attendees=attendees.strip())
        record_history(signup, actor=actor, action="signup", label="报名观摩", note=signup.attendees)
        audit(actor, "assistance.observation_signup", signup, summary=f"报名观摩：{batch.title}")
    return signup


def observation_attendance(*, actor: User, signup: ObservationSignup, attended: bool) -> ObservationSignup:
    """Record who took part (workflow observation_signups: `attend` / `absent`, on or after the visit day)."""
    apply_transition(observation_workflow, signup, "attend" if attended else "absent", actor=actor,
                     note=signup.enterprise.name)
    return signup


# --------------------------------------------------------------------------------------------------------------
# Safety-evaluation agencies (II.9)


def report_file(*, actor: User, enterprise: Any, kind: str, report_number: str, title: str, issued_on: dt.date,
                conclusion: str, signers: Sequence[AgencyStaff]) -> AgencyReport:
    """An agency files a report; its qualification must be valid on the issue date and every signer must be a
    serving evaluator of the agency (安全评价检测检验机构管理办法, 应急管理部令第1号)."""
    if actor is None or AGENCY not in actor.role_codes:
        raise PermissionDenied("只有安全评价机构可以报送评价报告")
    agency = (AssessmentAgency.objects.filter(organisation_id=actor.organisation_id).first()
              if actor.organisation_id else None)
    if agency is None:
        raise PermissionDenied("您的机构尚未登记为安全评价机构")
    if kind not in AgencyReport.Kind.values:
        raise DomainError("报告类型无效", field="kind")
    if not report_number.strip() or not title.strip() or not conclusion.strip():
        raise DomainError("请填写报告编号、名称和评价结论", field="report_number")
    check_event_date(issued_on, field="issued_on", label="出具日期")
    if issued_on > agency.qualification_valid_until:
        raise DomainError("出具日期超出机构资质有效期", field="issued_on")
    if len(signers) < 2:
        raise DomainError("评价报告须至少两名评价人员签字", field="signers")
    if any(s.agency_id != agency.pk or not s.active for s in signers):
        raise DomainError("签字人员须为本机构在职评价人员", field="signers")
    if AgencyReport.objects.filter(agency=agency, report_number=report_number.strip()).exists():
        raise DomainError("报告编号已存在", field="report_number")
    with transaction.atomic():
        report = AgencyReport.objects.create(agency=agency, enterprise=enterprise, kind=kind,
                                             report_number=report_number.strip(), title=title.strip(),
                                             issued_on=issued_on, conclusion=conclusion.strip(), filed_by=actor)
        report.signers.set(signers)
        audit(actor, "assistance.report_file", report, summary=f"报送评价报告：{report.title}")
    return report


def spot_check(*, actor: User, report: AgencyReport, result: str, findings: str) -> AgencyCreditRecord:
    """A spot check of a report; its result writes the agency's credit record (points as data)."""
    refusal = may(actor, report, "change")  # AgencyReport.authority: the officers of the enterprise's jurisdiction
    if refusal:
        raise (PermissionDenied if sees(actor, report) else NotFound)(refusal)
    if result not in ("qualified", "minor", "serious"):
        raise DomainError("抽查结论无效", field="result")
    if result != "qualified" and not findings.strip():
        raise DomainError("存在问题的须写明发现的问题", field="findings")
    today = timezone.localdate()
    points = rules.spot_check_points(result, rule("assistance.agency_spotcheck_points", today))
    from bureau.assistance.models import ReportSpotCheck

    with transaction.atomic():
        check = ReportSpotCheck.objects.create(report=report, checked_on=today, result=result,
                                               findings=findings.strip(), checker=actor)
        record = AgencyCreditRecord.objects.create(
            agency=report.agency, on=today, points=points, spot_check=check,
            event=f"报告 {report.report_number} 抽查：{check.get_result_display()}",
            source="安全评价检测检验机构管理办法（应急管理部令第1号）；本市机构信用评价细则")
        audit(actor, "assistance.spot_check", report, summary=f"抽查评价报告：{check.get_result_display()}（{points:+d}）")
    return record


def agency_credit(agency: AssessmentAgency) -> int:
    base = rule("assistance.agency_credit_base")
    return rules.credit_score(base, agency.credit_records.values_list("points", flat=True))


def agency_credits(agencies: Sequence[AssessmentAgency]) -> dict[int, int]:
    """agency_credit for a list of agencies in two queries (the rule, the summed points): {agency pk: score}."""
    base = rule("assistance.agency_credit_base")
    totals = dict(AgencyCreditRecord.objects.filter(agency__in=[a.pk for a in agencies]).values("agency_id")
                  .annotate(total=Sum("points")).values_list("agency_id", "total"))
    return {a.pk: rules.credit_score(base, [totals.get(a.pk, 0)]) for a in agencies}


# --------------------------------------------------------------------------------------------------------------
# Work-injury prevention courses (III.7)


def course_create(*, actor: User, title: str, partner: str, starts_on: dt.date, hours: int, location: str,
                  capacity: int, enrol_closes_on: dt.date, ends_on: dt.date | None = None) -> Course:
    """A work-injury prevention course run with the human-resources bureau (measure III.7); a one-day course ends
    on the day it starts."""
    require_change(actor, Course)
    if not title.strip() or not location.strip():
        raise DomainError("请填写课程名称和地点", field="title")
    if capacity < 1 or hours < 1:
        raise DomainError("名额和学时至少为 1", field="capacity")
    if starts_on < timezone.localdate() or enrol_closes_on > starts_on:
        raise DomainError("开班日期不能早于今天，报名截止不能晚于开班日期", field="enrol_closes_on")
    ends_on = ends_on or starts_on
    if ends_on < starts_on:
        raise DomainError("结业日期不能早于开班日期", field="ends_on")
    with transaction.atomic():
        course = Course.objects.create(title=title.strip(), partner=partner.strip() or "运城市人力资源和社会保障局",
                                       starts_on=starts_on, ends_on=ends_on, hours=hours, location=location.strip(),
                                       capacity=capacity, enrol_closes_on=enrol_closes_on)
        audit(actor, "assistance.course_create", course, summary=f"开设培训班：{course.title}")
    return course


def course_enrol(*, actor: User, course: Course, trainee_name: str, post: str, phone: str = "") -> Enrolment:
    """A hazardous-chemical enterprise enrols a key staff member; capacity and the closing date are enforced."""
    enterprise = _party(actor, Enrolment)
    if not enterprise.is_hazchem:
        raise DomainError("工伤预防培训面向危险化学品企业的重点人员")
    if post not in Enrolment.Post.values:
        raise DomainError("请选择岗位", field="post")
    if not trainee_name.strip():
        raise DomainError("请填写学员姓名", field="trainee_name")
    if timezone.localdate() > course.enrol_closes_on:
        raise DomainError("报名已截止")
    with transaction.atomic():
        Course.objects.select_for_update().filter(pk=course.pk).first()
        refusal = rules.capacity_refusal(course.enrolments.count(), course.capacity, "该培训班")
        if refusal:
            raise DomainError(refusal, code="capacity")
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(course=course, enterprise=enterprise,
                                                     trainee_name=trainee_name.strip(), post=post, phone=phone.strip())
        except IntegrityError as exc:
            raise DomainError("该学员已报名本培训班", field="trainee_name") from exc
        record_history(enrolment, actor=actor, action="enrol", label="报名培训",
                       note=f"{enrolment.trainee_name}（{enrolment.get_post_display()}）")
        audit(actor, "assistance.course_enrol", enrolment, summary=f"报名培训：{course.title} {trainee_name.strip()}")
    return enrolment


def course_attendance(*, actor: User, enrolment: Enrolment, attended: bool) -> Enrolment:
    """Record attendance (workflow course_enrolments: `attend` / `absent`, on or after the first day of the course;
    no longer once the certificate is issued)."""
    apply_transition(enrolment_workflow, enrolment, "attend" if attended else "absent", actor=actor,
                     note=enrolment.trainee_name)
    return enrolment


def course_certify(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Issue the certificate of completion (结业证明, a stored PDF) to an attended trainee once the course is over
    (workflow course_enrolments: `certify`)."""
    check_transition(enrolment_workflow, enrolment, "certify", actor)
    course = enrolment.course
    today = timezone.localdate()
    with transaction.atomic():
        number = next_number("injury_course", today.year, prefix="GSYF")  # year of issue
        apply_transition(enrolment_workflow, enrolment, "certify", actor=actor, note=f"结业证明 {number}",
                         updates={"certificate_number": number})
        period = chinese_date(course.starts_on)
        if course.ends_on != course.starts_on:
            period += f"至{chinese_date(course.ends_on)}"
        store_document(owner=enrolment, kind="course_certificate", actor=actor, spec=Spec(
            title="工伤预防能力提升培训结业证明", number=number, blocks=[
                Para(f"{enrolment.trainee_name}（{enrolment.enterprise.name}，{enrolment.get_post_display()}）"
                     f"参加了{course.title}（{course.hours} 学时，{period}），完成全部课程，特此证明。"),
                Fields([("联合主办", course.partner), ("培训地点", course.location)]),
                Signature("运城市应急管理局", today)]))
    return enrolment
