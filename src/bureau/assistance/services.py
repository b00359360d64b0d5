"""Proactive-service use cases (measures II.9, III.1, III.3, III.4, III.5, III.7). Each takes the acting user,
checks role and scope, runs in one transaction with audit; refusals are raised before anything is written."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Model, Sum
from django.utils import timezone

from bureau.accounts.authority import CHANGE, may, require_change, sees
from bureau.accounts.models import Organisation, OrganisationKind, User
from bureau.accounts.roles import AGENCY
from bureau.assistance import rules
from bureau.assistance.models import (
    PROVINCE_ORG_CODE,
    AgencyCreditRecord,
    AgencyReport,
    AgencyScope,
    AgencyStaff,
    AssessmentAgency,
    Checkup,
    CheckupAssignment,
    CheckupFinding,
    Course,
    CourseSession,
    Enrolment,
    Expert,
    ExpertConflict,
    ExpertFee,
    FirstUsePanelMember,
    FirstUseProcess,
    ObservationBatch,
    ObservationPilot,
    ObservationSignup,
    ParkAdmission,
    ParkChecklistItem,
    ParkProgress,
    ParkRemediationItem,
    RecordedDraw,
    ReportSpotCheck,
    SessionAttendance,
    Specialty,
)
from bureau.assistance.workflow import (
    checkup_workflow,
    enrolment_workflow,
    first_use_workflow,
    observation_workflow,
    park_item_workflow,
)
from bureau.enterprises.models import ChemicalPark, Enterprise, EnterpriseStatus, Industry
from bureau.feedback.queries import ratings_of
from bureau.feedback.services import rating_submit
from bureau.hazards.services import check_lengths, hazard_report
from bureau.kernel.attachments import attachments_by_owner, check_upload, save_upload, share_attachment
from bureau.kernel.audit import audit
from bureau.kernel.documents import Fields, Grid, Para, Signature, Spec, chinese_date, store_document
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile
from bureau.kernel.masking import mask_id_number
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.registry import RateableService
from bureau.kernel.rules import rule
from bureau.kernel.validation import check_event_date, parse_int
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.licensing.queries import all_applications


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


def _expert_refusal(expert: Expert, *, checkup: Checkup, on: dt.date, conflict_ids: set[int], leader: bool,
                    supporting: Sequence[str]) -> str | None:
    """Why this expert cannot serve on this checkup on that day (None: may serve): a conflict of interest (回避),
    unavailable, outside the appointment term, or not of the checkup's specialty (measure III.1)."""
    return (rules.assignment_refusal(expert_name=expert.name, conflict_ids=conflict_ids,
                                     enterprise_id=checkup.enterprise_id, available=expert.available,
                                     unavailable_until=expert.unavailable_until, on=on)
            or rules.term_refusal(expert_name=expert.name, starts_on=expert.term_starts_on,
                                  ends_on=expert.term_ends_on, on=on)
            or rules.specialty_refusal(expert_name=expert.name, codes=expert.specialty_codes,
                                       needed=checkup.specialty, supporting=supporting,
                                       labels=dict(Specialty.choices), leader=leader))


def _supporting(specialty: str, on: dt.date) -> list[str]:
    return [str(c) for c in (rule("assistance.supporting_specialties", on) or {}).get(specialty, [])]


def _conflicts_of(experts: Sequence[Expert]) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {e.pk: set() for e in experts}
    for expert_id, enterprise_id in Expert.conflicts.through.objects.filter(
            expert_id__in=[e.pk for e in experts]).values_list("expert_id", "enterprise_id"):
        found[expert_id].add(enterprise_id)
    return found


def checkup_assign(*, actor: User, checkup: Checkup, experts: Sequence[Expert], planned_on: dt.date,
                   leader: Expert | None = None, draw: RecordedDraw | None = None) -> Checkup:
    """Assign the expert team and its leader. Refused (nothing written) for an expert with a conflict with the
    enterprise (回避), unavailable, outside the appointment term, or whose specialty does not fit: the leader holds
    the checkup's specialty, the members hold it or one that supports it (rule assistance.supporting_specialties)."""
    check_transition(checkup_workflow, checkup, "assign", actor)
    experts = list(dict.fromkeys(experts))
    if not experts:
        raise DomainError("请至少指派一名专家", field="experts")
    if planned_on < timezone.localdate():
        raise DomainError("计划日期不能早于今天", field="planned_on")
    if leader is not None and leader not in experts:
        raise DomainError("组长须为本次指派的专家之一", field="leader")
    if leader is None:  # the first expert holding the checkup's specialty leads
        leader = next((e for e in experts if checkup.specialty in e.specialty_codes), experts[0])
    supporting = _supporting(checkup.specialty, planned_on)
    conflicts = _conflicts_of(experts)
    for expert in experts:
        refusal = _expert_refusal(expert, checkup=checkup, on=planned_on, conflict_ids=conflicts[expert.pk],
                                  leader=expert == leader, supporting=supporting)
        if refusal:
            raise DomainError(refusal, code="expert_conflict", field="leader" if expert == leader else "experts")
    how = f"（{draw.get_kind_display()} {draw.number}）" if draw is not None else ""
    with transaction.atomic():
        apply_transition(checkup_workflow, checkup, "assign", actor=actor,
                         note="、".join(e.name + ("（组长）" if e == leader else "") for e in experts) + how,
                         updates={"planned_on": planned_on})
        CheckupAssignment.objects.bulk_create([CheckupAssignment(checkup=checkup, expert=e, is_leader=e == leader)
                                               for e in experts])
        notify([e.user for e in experts if e.user_id], "安全体检任务",
               f"{checkup.enterprise.name}，计划 {planned_on}。", url=f"/assistance/checkups/{checkup.pk}/")
    return checkup


def checkup_draw_team(*, actor: User, checkup: Checkup, planned_on: dt.date, size: int,
                      method: str = "draw") -> RecordedDraw:
    """Choose the team from the pool by a recorded random draw (`draw`) or by rotation (`rotation`, the expert
    assigned least recently first), then assign it. The pool is every expert who may lead this checkup on that
    day (its specialty, available, in term, no conflict with the enterprise); the draw records the pool, the seed,
    the algorithm and the result, so that anyone can re-run it (rules.rank_draw); the first drawn leads."""
    check_transition(checkup_workflow, checkup, "assign", actor)
    if method not in ("draw", "rotation"):
        raise DomainError("指派方式无效", field="method")
    if not 1 <= size <= 9:
        raise DomainError("专家人数应为 1—9 人", field="size")
    if planned_on < timezone.localdate():
        raise DomainError("计划日期不能早于今天", field="planned_on")
    candidates = list(Expert.objects.order_by("id"))
    conflicts = _conflicts_of(candidates)
    excluded: dict[str, str] = {}
    pool: list[int] = []
    for expert in candidates:
        refusal = _expert_refusal(expert, checkup=checkup, on=planned_on, conflict_ids=conflicts[expert.pk],
                                  leader=True, supporting=())
        if refusal:
            if checkup.specialty in expert.specialty_codes:  # the excluded experts of the specialty, with why
                excluded[str(expert.pk)] = refusal
        else:
            pool.append(expert.pk)
    if len(pool) < size:
        raise DomainError(f"符合条件的专家只有 {len(pool)} 名，不足 {size} 名", code="pool_too_small", field="size")
    today = timezone.localdate()
    criteria: dict[str, Any] = {"specialty": checkup.specialty, "planned_on": planned_on.isoformat(),
                                "enterprise_id": checkup.enterprise_id, "excluded": excluded}
    if method == "draw":
        seed = secrets.token_hex(32)
        selected = rules.rank_draw(seed, pool, size)
        kind, algorithm = RecordedDraw.Kind.EXPERTS, rules.DRAW_ALGORITHM
    else:
        seed = ""
        last = {pk: (at.date().isoformat() if at else "") for pk, at in CheckupAssignment.objects.filter(
            expert_id__in=pool).values("expert_id").annotate(at=Max("assigned_at")).values_list("expert_id", "at")}
        criteria["last_assigned"] = {str(pk): last.get(pk, "") for pk in pool}
        selected = rules.rotation_order((pk, last.get(pk, "")) for pk in pool)[:size]
        kind, algorithm = RecordedDraw.Kind.ROTATION, "rotation-v1"
    by_id = {e.pk: e for e in candidates}
    with transaction.atomic():
        draw = RecordedDraw.objects.create(
            kind=kind, number=next_number("expert_draw", today.year, prefix="ZJCQ"), region_id=checkup.region_id,
            checkup=checkup, algorithm=algorithm, seed=seed, pool=pool, pool_digest=rules.pool_digest(pool),
            criteria=criteria, sample_size=size, selected=selected, drawn_by=actor, drawn_at=timezone.now())
        audit(actor, "assistance.expert_draw", checkup, summary=f"{draw.get_kind_display()}专家：{draw.number}",
              data={"seed": seed, "pool": len(pool), "selected": selected})
        checkup_assign(actor=actor, checkup=checkup, experts=[by_id[pk] for pk in selected], planned_on=planned_on,
                       leader=by_id[selected[0]], draw=draw)
    return draw


def checkup_choose_leader(*, actor: User, checkup: Checkup, expert: Expert) -> Checkup:
    """The bureau chooses the team leader among the assigned experts; the leader holds the checkup's specialty."""
    check_transition(checkup_workflow, checkup, "choose_leader", actor)
    assignment = checkup.assignments.filter(expert=expert).first()
    if assignment is None:
        raise DomainError("组长须为本次指派的专家之一", field="leader")
    refusal = rules.specialty_refusal(expert_name=expert.name, codes=expert.specialty_codes, needed=checkup.specialty,
                                      supporting=(), labels=dict(Specialty.choices), leader=True)
    if refusal:
        raise DomainError(refusal, field="leader")
    with transaction.atomic():
        apply_transition(checkup_workflow, checkup, "choose_leader", actor=actor, note=f"组长：{expert.name}")
        checkup.assignments.update(is_leader=False)
        CheckupAssignment.objects.filter(pk=assignment.pk).update(is_leader=True)
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


def check_finding_photo(photo: Any) -> None:
    """One finding photo on its own (JPG/PNG by content, size by rule assistance.photo_max_mb): what a refused
    form keeps (kernel/staging.py)."""
    check_upload(photo, allowed=PHOTO_TYPES, max_bytes=int(rule("assistance.photo_max_mb")) * 1024 * 1024)


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
    """The expert submits the result; every finding becomes a hazard of the enterprise (source: checkup), and the
    report (PDF) lists every finding with its hazard number."""
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
        store_document(owner=checkup, kind="checkup_report", actor=actor, sort=1,
                       spec=_report_spec(checkup, summary.strip(), visited_on))
        record_history(checkup, actor=actor, action="hazards", label="问题转入隐患清单", note=f"{len(findings)} 项")
    return checkup


GRADES = {"general": "一般隐患", "major": "重大隐患"}


def _report_spec(checkup: Checkup, summary: str, visited_on: dt.date) -> Spec:
    """The checkup report: the team (leader first), the conclusion and every finding — what, where, grade, basis,
    the suggested rectification, the suggested deadline and the hazard number it became."""
    assignments = list(checkup.assignments.select_related("expert").order_by("-is_leader", "id"))
    team = "、".join(a.expert.name + ("（组长）" if a.is_leader else "") for a in assignments)
    findings = list(checkup.findings.select_related("hazard").order_by("id"))
    blocks: list[Any] = [
        Fields([("企业", checkup.enterprise.name), ("体检编号", checkup.number),
                ("体检专业", checkup.get_specialty_display()), ("体检日期", chinese_date(visited_on)),
                ("专家组", team), ("体检结论", summary)]),
        Para(f"本次体检发现问题 {len(findings)} 项，已列入企业隐患清单，请企业制定整改方案并按期整改。"
             if findings else "本次体检未发现问题。"),
    ]
    if findings:
        blocks.append(Grid(["序号", "问题及部位", "等级", "依据及整改建议", "建议整改期限", "隐患编号"], [
            [str(i), f.title + (f"（{f.location}）" if f.location else ""), GRADES.get(f.grade, f.grade),
             "；".join(x for x in (f.basis, f.major_criterion, f.suggestion) if x) or "—",
             chinese_date(f.deadline) if f.deadline else "—", f.hazard.number if f.hazard else "—"]
            for i, f in enumerate(findings, 1)], widths=[0.07, 0.27, 0.11, 0.27, 0.14, 0.14]))
    blocks.append(Signature(checkup.enterprise.region.name + "安全生产专家组", visited_on, seal=False))
    return Spec(title="安全体检报告", number=checkup.number, blocks=blocks)


def checkup_settle(*, actor: User, checkup: Checkup, expert_days: Any = None,
                   days: Mapping[int, Any] | None = None) -> Checkup:
    """Record each expert's working days and fee (ExpertFee: days × the rate of rule
    assistance.checkup_fee_per_expert_day in force on the visit day, with the rule's source as basis) and the
    checkup's total, which the government pays (measure III.1). `days`: {expert id: days}; `expert_days` alone
    is accepted for a team of one."""
    check_transition(checkup_workflow, checkup, "settle", actor)
    team = [a.expert for a in checkup.assignments.select_related("expert").order_by("-is_leader", "id")]
    if days is None:
        if expert_days is None or len(team) != 1:
            raise DomainError("请逐一填写每位专家的工日", field="days")
        days = {team[0].pk: expert_days}
    parsed: dict[int, Decimal] = {}
    for expert in team:
        value = days.get(expert.pk)
        try:
            parsed[expert.pk] = Decimal(str(value)).quantize(Decimal("0.1"))
        except (InvalidOperation, ValueError) as exc:
            raise DomainError(f"专家{expert.name}的工日应为数字", field="days") from exc
        if not Decimal("0") < parsed[expert.pk] <= Decimal("30"):
            raise DomainError(f"专家{expert.name}的工日应在 0—30 之间", field="days")
    if set(int(k) for k in days) - set(parsed):
        raise DomainError("只能为本次体检的专家登记费用", field="days")
    on = checkup.visited_on or timezone.localdate()
    rate = Decimal(str(rule("assistance.checkup_fee_per_expert_day", on)))
    basis = f"专家工日 × {rate} 元/人·日（运城市安全生产专家服务劳务费标准，{on:%Y-%m-%d} 施行中的规则参数）"
    fees = [ExpertFee(checkup=checkup, expert=e, days=parsed[e.pk], rate=rate,
                      amount=rules.checkup_cost(parsed[e.pk], rate), basis=basis[:200], recorded_by=actor)
            for e in team]
    total_days = sum((f.days for f in fees), Decimal("0"))
    cost = sum((f.amount for f in fees), Decimal("0"))
    with transaction.atomic():
        apply_transition(checkup_workflow, checkup, "settle", actor=actor,
                         note="；".join(f"{f.expert.name} {f.days} 工日 {f.amount} 元" for f in fees)
                         + f"；合计 {cost} 元（政府承担）",
                         updates={"expert_days": total_days, "cost": cost})
        ExpertFee.objects.bulk_create(fees)
    return checkup


def checkup_rateable(user: Any, service_id: str) -> RateableService | None:
    """The enterprise rates its checkup once it is finished (report submitted), once (好差评, feedback)."""
    if not getattr(user, "enterprise_id", None) or not str(service_id).isdigit():
        return None
    checkup = (Checkup.objects.restrict(user).select_related("region")
               .filter(pk=int(service_id), enterprise_id=user.enterprise_id, state__in=FINISHED).first())
    if checkup is None:
        return None
    org = Organisation.objects.filter(region_id=checkup.region_id, kind__in=[
        OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE]).first() or Organisation.objects.filter(
        kind=OrganisationKind.CITY_BUREAU).order_by("id").first()
    return RateableService(f"专家安全体检（{checkup.number}）", checkup.region_id, org)


FINISHED = ("submitted", "settled")
RATING_TYPE = "assistance.checkup"


def checkup_rate(*, actor: User, checkup: Checkup, level: int, comment: str = "") -> Any:
    """The enterprise rates the expert service of a finished checkup, once (the platform's 好差评 rating)."""
    if not getattr(actor, "enterprise_id", None) or checkup.enterprise_id != actor.enterprise_id:
        raise PermissionDenied("只有接受体检的企业可以评价")
    if checkup.state not in FINISHED:
        raise DomainError("体检报告提交后才能评价", code="not_finished")
    service = checkup_rateable(actor, str(checkup.pk))
    if service is None:
        raise NotFound("体检不存在")
    return rating_submit(actor=actor, service_type=RATING_TYPE, service_id=str(checkup.pk), service_label=service.label,
                         level=level, comment=comment, region_id=service.region_id, organisation=service.organisation)


def checkup_rating(checkup: Checkup) -> Any:
    """The enterprise's rating of the checkup, or None."""
    return ratings_of(RATING_TYPE, checkup.pk).first()


# --------------------------------------------------------------------------------------------------------------
# The expert pool (III.1)

MOBILE = re.compile(r"1[3-9]\d{9}")


def expert_save(*, actor: User, name: str, specialty: str, term_starts_on: dt.date | None,
                term_ends_on: dt.date | None, expert: Expert | None = None,
                secondary_specialties: Sequence[str] = (), qualification: str = "", employer: str = "",
                title: str = "", phone: str = "", available: bool = True,
                unavailable_until: dt.date | None = None) -> Expert:
    """Add an expert to the city's pool or change one: specialties, qualification, appointment term, availability
    (the city bureau's section heads and leaders, Expert.authority)."""
    require_change(actor, Expert, region=settings.CITY_REGION_CODE)
    name, qualification, employer, title, phone = (x.strip() for x in (name, qualification, employer, title, phone))
    if not name:
        raise DomainError("请填写姓名", field="name")
    check_lengths(name=(name, 40, "姓名"), qualification=(qualification, 200, "资格/证书"),
                  employer=(employer, 120, "工作单位"), title=(title, 40, "职称"))
    if specialty not in Specialty.values:
        raise DomainError("请选择主专业", field="specialty")
    secondary = [c for c in dict.fromkeys(secondary_specialties) if c != specialty]
    if any(c not in Specialty.values for c in secondary):
        raise DomainError("兼任专业无效", field="secondary_specialties")
    if term_starts_on is None or term_ends_on is None:
        raise DomainError("请填写聘期", field="term_ends_on")
    if term_ends_on < term_starts_on:
        raise DomainError("聘期届满日不能早于聘期开始日", field="term_ends_on")
    if phone and not MOBILE.fullmatch(phone):
        raise DomainError("联系电话应为 11 位手机号码", field="phone")
    values = {"name": name, "specialty": specialty, "secondary_specialties": secondary,
              "qualification": qualification, "employer": employer, "title": title, "term_starts_on": term_starts_on,
              "term_ends_on": term_ends_on, "available": available, "unavailable_until": unavailable_until}
    with transaction.atomic():
        if expert is None:
            expert = Expert.objects.create(phone=phone, **values)
            verb = "assistance.expert_create"
        else:
            for key, value in values.items():
                setattr(expert, key, value)
            if phone:  # an empty phone keeps the stored one (it is shown masked and never sent back)
                expert.phone = phone
            expert.save()
            verb = "assistance.expert_update"
        audit(actor, verb, expert, summary=f"专家库：{expert.name}（{expert.get_specialty_display()}）",
              data={"term": [term_starts_on.isoformat(), term_ends_on.isoformat()], "specialties": expert.specialty_codes})
    return expert


def expert_conflict_declare(*, actor: User, expert: Expert, enterprise: Enterprise, kind: str,
                            reason: str) -> ExpertConflict:
    """Record a conflict of interest of an expert with an enterprise, with its reason; from then on the expert is
    never assigned to that enterprise's checkups (回避)."""
    require_change(actor, Expert, region=settings.CITY_REGION_CODE)
    if kind not in ExpertConflict.Kind.values:
        raise DomainError("请选择利害关系", field="kind")
    reason = reason.strip()
    if not reason:
        raise DomainError("请写明利害关系的具体情况", field="reason")
    check_lengths(reason=(reason, 200, "说明"))
    if ExpertConflict.objects.filter(expert=expert, enterprise=enterprise).exists():
        raise DomainError("已登记该专家与该企业的利害关系", field="enterprise")
    with transaction.atomic():
        conflict = ExpertConflict.objects.create(expert=expert, enterprise=enterprise, kind=kind, reason=reason,
                                                 declared_on=timezone.localdate(), recorded_by=actor)
        expert.conflicts.add(enterprise)
        audit(actor, "assistance.expert_conflict", expert, summary=f"{expert.name} 与 {enterprise.name}：{reason}",
              data={"enterprise": enterprise.pk, "kind": kind})
    return conflict


def expert_conflict_remove(*, actor: User, conflict: ExpertConflict) -> None:
    require_change(actor, Expert, region=settings.CITY_REGION_CODE)
    with transaction.atomic():
        conflict.expert.conflicts.remove(conflict.enterprise_id)
        audit(actor, "assistance.expert_conflict_remove", conflict.expert,
              summary=f"撤销利害关系：{conflict.expert.name} 与 {conflict.enterprise}")
        conflict.delete()


# --------------------------------------------------------------------------------------------------------------
# Chemical parks (III.3)


def park_item_create(*, actor: User, park: Any, checklist_item: ParkChecklistItem | None, responsible: str,
                     deadline: dt.date, title: str = "") -> ParkRemediationItem:
    """A remediation item of a park, registered against a row of the province's checklist (化工园区安全整治提升
    "十有两禁", data with its source); its deadline is a date still to come."""
    require_change(actor, ParkRemediationItem, region=park.region_id)  # the officers of the park's jurisdiction
    if checklist_item is None or not checklist_item.active:
        raise DomainError("请从整治提升清单中选择整治事项", field="checklist_item")
    title = title.strip() or checklist_item.title
    if not responsible.strip():
        raise DomainError("请填写责任单位", field="responsible")
    check_lengths(title=(title, 200, "整治事项"), responsible=(responsible.strip(), 80, "责任单位"))
    if deadline < timezone.localdate():  # a time limit is set for work still to be done
        raise DomainError("完成时限不能早于今天", field="deadline")
    if ParkRemediationItem.objects.filter(park=park, checklist_item=checklist_item).exclude(status="done").exists():
        raise DomainError("该园区已登记本清单项且尚未完成", field="checklist_item")
    with transaction.atomic():
        item = ParkRemediationItem.objects.create(
            park=park, category=checklist_item.get_group_display(), title=title, responsible=responsible.strip(),
            deadline=deadline, checklist_item=checklist_item, source=checklist_item.source[:200])
        record_history(item, actor=actor, action="create", label="登记整治事项",
                       note=f"{item.responsible}，完成时限 {deadline:%Y-%m-%d}")
        audit(actor, "assistance.park_item_create", item, summary=f"{park.name}：{item.title}")
    return item


def park_for_change(actor: User, park: ChemicalPark) -> ChemicalPark:
    """The park, if the actor may act for it (ChemicalPark.authority: the officers of its region, its own
    management committee); NotFound when the actor does not see it, PermissionDenied when it only sees it."""
    if ChemicalPark.objects.restrict(actor, CHANGE).filter(pk=park.pk).exists():
        return park
    if sees(actor, park):
        raise PermissionDenied("您无权办理该化工园区的事项")
    raise NotFound("化工园区不存在或不在您的管辖范围内")


PROGRESS_FILE_TYPES = frozenset({"pdf", "jpg", "jpeg", "png", "docx", "xlsx"})


def check_progress_file(upload: Any) -> None:
    """One progress attachment on its own (type by content, the site's size limit)."""
    check_upload(upload, allowed=PROGRESS_FILE_TYPES)


def park_progress_add(*, actor: User, item: ParkRemediationItem, percent: int, note: str,
                      on: dt.date | None = None, files: Sequence[Any] = ()) -> ParkProgress:
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
    check_lengths(note=(note.strip(), 500, "进展情况"))
    files = list(files)
    most = int(rule("assistance.park_progress_max_files"))
    if len(files) > most:
        raise DomainError(f"每次最多上传 {most} 个附件", field="files")
    for upload in files:  # every file checked before anything is written
        check_upload(upload, allowed=PROGRESS_FILE_TYPES)
    with transaction.atomic():
        apply_transition(park_item_workflow, item, action, actor=actor, note=f"{percent}%：{note.strip()}",
                         updates={"percent": percent},
                         audit_data={"percent": percent, "on": on.isoformat(), "files": len(files)})
        progress = ParkProgress.objects.create(item=item, on=on, percent=percent, note=note.strip(),
                                               actor_name=actor.display_name)
        for upload in files:  # the attachments belong to the item (its visibility), one purpose per report
            save_upload(upload, owner=item, purpose=f"progress:{progress.pk}", actor=actor,
                        allowed=PROGRESS_FILE_TYPES)
    return progress


def progress_files(item: ParkRemediationItem) -> dict[int, list[Any]]:
    """{progress pk: [attachment, …]} of one item, in one query."""
    found: dict[int, list[Any]] = {}
    for attachment in item.attachments().filter(purpose__startswith="progress:").order_by("id"):
        found.setdefault(int(attachment.purpose.split(":", 1)[1]), []).append(attachment)
    return found


def park_admission_record(*, actor: User, park: ChemicalPark, project: str, investor: str, products: str,
                          reviewed_on: dt.date, conclusion: str, opinion: str, reviewers: str,
                          key_processes: str = "") -> ParkAdmission:
    """Record the safety review of a project the park means to admit (项目引进安全审查, the park's 禁限控目录 and
    safety entry conditions: "两禁" of 化工园区安全整治提升), by the park's committee or the officers of its region."""
    park_for_change(actor, park)
    fields = {"project": (project.strip(), 200, "项目名称"), "investor": (investor.strip(), 120, "投资企业"),
              "products": (products.strip(), 300, "主要产品及工艺"), "reviewers": (reviewers.strip(), 300, "参加审查人员"),
              "key_processes": (key_processes.strip(), 200, "重点监管危险化工工艺")}
    for name in ("project", "investor", "products", "reviewers"):
        if not fields[name][0]:
            raise DomainError(f"请填写{fields[name][2]}", field=name)
    check_lengths(**fields)
    if conclusion not in ParkAdmission.Conclusion.values:
        raise DomainError("请选择审查结论", field="conclusion")
    if not opinion.strip():
        raise DomainError("请填写审查意见", field="opinion")
    check_event_date(reviewed_on, field="reviewed_on", label="审查日期")
    with transaction.atomic():
        if ParkAdmission.objects.filter(park=park, project=project.strip(), reviewed_on=reviewed_on).exists():
            raise DomainError("该项目在这一天的审查已登记", code="duplicate", field="project")
        admission = ParkAdmission.objects.create(
            park=park, project=project.strip(), investor=investor.strip(), products=products.strip(),
            key_processes=key_processes.strip(), reviewed_on=reviewed_on, conclusion=conclusion,
            opinion=opinion.strip(), reviewers=reviewers.strip(), recorded_by=actor)
        audit(actor, "assistance.park_admission", admission,
              summary=f"{park.name} 项目引进安全审查：{admission.project}（{admission.get_conclusion_display()}）")
    return admission


# --------------------------------------------------------------------------------------------------------------
# First-use chemical processes (III.4)


def _licensing_application(actor: User, enterprise: Enterprise, number: str) -> Any:
    """The licensing application (建设项目安全条件/设计审查) of the project, by its number: the enterprise's own."""
    number = number.strip()
    if not number:
        return None
    application = all_applications(actor).filter(number=number, enterprise=enterprise).first()
    if application is None:
        raise DomainError("没有该编号的本企业办件，请核对建设项目安全审查的办件编号", field="licensing_number")
    return application


def first_use_create(*, actor: User, process_name: str, project: str, description: str,
                     licensing_number: str = "") -> FirstUseProcess:
    enterprise = _party(actor, FirstUseProcess)
    if not process_name.strip() or not description.strip():
        raise DomainError("请填写工艺名称和工艺说明", field="process_name")
    application = _licensing_application(actor, enterprise, licensing_number)
    with transaction.atomic():
        item = FirstUseProcess.objects.create(
            number=next_number("first_use", timezone.localdate().year, prefix="SC"), enterprise=enterprise,
            region_id=enterprise.region_id, process_name=process_name.strip(), project=project.strip(),
            description=description.strip(), state="draft", licensing_application=application)
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
        if action in ("pass", "fail"):
            _first_use_conclusion(actor, item)
    return item


MATERIAL_TYPES = frozenset({"pdf", "docx", "xlsx", "ofd"})


def check_material_file(upload: Any) -> None:
    """One first-use material on its own (type by content, the site's size limit)."""
    check_upload(upload, allowed=MATERIAL_TYPES)


def first_use_upload(*, actor: User, item: FirstUseProcess, purpose: str, files: Sequence[Any]) -> list[Any]:
    """The enterprise uploads the demonstration's materials (论证报告, 中试数据, 反应安全风险评估报告) while the request
    is its draft (FirstUseProcess.authority: party_changes)."""
    if not FirstUseProcess.objects.restrict(actor, CHANGE).filter(pk=item.pk).exists():
        raise (PermissionDenied("只有申请企业可以上传论证材料") if sees(actor, item) else NotFound("记录不存在"))
    if item.state != "draft":
        raise DomainError("已提交的申请不能再上传材料；被退回补充后可以上传")
    if purpose not in FirstUseProcess.MATERIALS:
        raise DomainError("请选择材料类别", field="purpose")
    files = list(files)
    if not files:
        raise DomainError("请选择文件", field="files")
    for upload in files:
        check_upload(upload, allowed=MATERIAL_TYPES)
    with transaction.atomic():
        saved = [save_upload(upload, owner=item, purpose=purpose, actor=actor, allowed=MATERIAL_TYPES)
                 for upload in files]
        record_history(item, actor=actor, action="upload", label=f"上传{FirstUseProcess.MATERIALS[purpose]}",
                       note="、".join(a.original_name for a in saved))
    return saved


def first_use_panel(*, actor: User, item: FirstUseProcess, experts: Sequence[Expert], leader: Expert) -> None:
    """Form the demonstration panel (论证专家组) with its leader: experts with an interest in the enterprise recuse;
    the panel's size is a rule (assistance.first_use_panel_min)."""
    check_transition(first_use_workflow, item, "panel", actor)
    experts = list(dict.fromkeys(experts))
    least = int(rule("assistance.first_use_panel_min"))
    if len(experts) < least:
        raise DomainError(f"论证专家组不少于 {least} 人", field="experts")
    if leader not in experts:
        raise DomainError("组长须为专家组成员", field="leader")
    today = timezone.localdate()
    for expert in experts:
        refusal = rules.assignment_refusal(
            expert_name=expert.name, conflict_ids=expert.conflicts.values_list("id", flat=True),
            enterprise_id=item.enterprise_id, available=expert.available,
            unavailable_until=expert.unavailable_until, on=today)
        if refusal:
            raise DomainError(refusal, code="expert_conflict", field="experts")
    with transaction.atomic():
        apply_transition(first_use_workflow, item, "panel", actor=actor,
                         note=f"组长 {leader.name}；成员 " + "、".join(e.name for e in experts if e != leader))
        item.panel.all().delete()
        FirstUsePanelMember.objects.bulk_create([FirstUsePanelMember(process=item, expert=e, is_leader=e == leader)
                                                 for e in experts])


def _province_name() -> str:
    """The provincial department that concludes a demonstration (its organisation row, else its name)."""
    province = Organisation.objects.filter(code=PROVINCE_ORG_CODE).first()
    return province.full_name if province is not None else "山西省应急管理厅"


def _first_use_conclusion(actor: User, item: FirstUseProcess) -> None:
    """The conclusion document (论证结论意见, a stored PDF) of a concluded demonstration."""
    item.refresh_from_db()
    panel = list(item.panel.select_related("expert"))
    passed = item.state == "passed"
    application = item.licensing_application
    rows = [("申请企业", item.enterprise.name), ("工艺名称", item.process_name), ("建设项目", item.project),
            ("论证会日期", chinese_date(item.meeting_on) if item.meeting_on else "—"),
            ("论证结论", "论证通过" if passed else "论证未通过")]
    if application is not None:
        rows.append(("建设项目安全审查办件", application.number))
    store_document(owner=item, kind="first_use_conclusion", actor=actor, spec=Spec(
        title="国内首次使用化工工艺安全可靠性论证结论", number=item.number, authority=_province_name(), blocks=[
            Fields(rows),
            Grid(["专家", "工作单位", "职称", "组内职务"],
                 [[m.expert.name, m.expert.employer or "—", m.expert.title or "—", "组长" if m.is_leader else "成员"]
                  for m in panel], widths=[0.2, 0.45, 0.2, 0.15]),
            Para(f"专家组意见：{item.conclusion}"),
            Para("该工艺经论证可用于上述建设项目，企业应当落实专家组提出的安全措施。" if passed else
                 "该工艺未通过论证，不得用于上述建设项目。"),
            Signature(_province_name(), item.meeting_on or timezone.localdate())]))


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


REPORT_TYPES = frozenset({"pdf", "ofd"})


def check_report_file(upload: Any) -> None:
    """The report file on its own: PDF or OFD by content, size by rule assistance.report_max_mb."""
    check_upload(upload, allowed=REPORT_TYPES, max_bytes=int(rule("assistance.report_max_mb")) * 1024 * 1024)


def report_file(*, actor: User, enterprise: Any, kind: str, report_number: str, title: str, issued_on: dt.date,
                conclusion: str, signers: Sequence[AgencyStaff], file: Any = None,
                scope: AgencyScope | None = None) -> AgencyReport:
    """An agency files a report with its file (PDF or OFD, checked by content and size, stored through the storage
    API). Refused: a report outside the agency's licensed business fields, or whose field is not the client's
    industry; a qualification not valid on the issue date; fewer than two serving evaluators of the agency signing
    (安全评价检测检验机构管理办法, 应急管理部令第1号)."""
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
    check_lengths(report_number=(report_number.strip(), 60, "报告编号"), title=(title.strip(), 200, "报告名称"))
    all_scopes = list(AgencyScope.objects.all())
    if scope is None:  # the field of the client's industry
        code = rules.scope_of_industry(enterprise.industry, [(x.code, x.industries) for x in all_scopes])
        scope = next((x for x in all_scopes if x.code == code), None)
        if scope is None:
            raise DomainError("请选择报告的业务范围", field="scope")
    refusal = rules.scope_refusal(licensed=agency.scopes.values_list("code", flat=True), scope_code=scope.code,
                                  scope_name=scope.name, industry=enterprise.industry,
                                  scope_industries=scope.industries,
                                  industry_label=dict(Industry.choices).get(enterprise.industry, "其他行业"))
    if refusal:
        raise DomainError(refusal, code="out_of_scope", field="scope")
    check_event_date(issued_on, field="issued_on", label="出具日期")
    if issued_on > agency.qualification_valid_until:
        raise DomainError("出具日期超出机构资质有效期", field="issued_on")
    if len(signers) < 2:
        raise DomainError("评价报告须至少两名评价人员签字", field="signers")
    if any(s.agency_id != agency.pk or not s.active for s in signers):
        raise DomainError("签字人员须为本机构在职评价人员", field="signers")
    if file is None:
        raise DomainError("请上传评价报告文件（PDF 或 OFD）", field="file")
    check_report_file(file)
    if AgencyReport.objects.filter(agency=agency, report_number=report_number.strip()).exists():
        raise DomainError("报告编号已存在", field="report_number")
    with transaction.atomic():
        report = AgencyReport.objects.create(agency=agency, enterprise=enterprise, kind=kind, scope=scope,
                                             report_number=report_number.strip(), title=title.strip(),
                                             issued_on=issued_on, conclusion=conclusion.strip(), filed_by=actor)
        report.signers.set(signers)
        save_upload(file, owner=report, purpose="report_file", actor=actor, allowed=REPORT_TYPES,
                    max_bytes=int(rule("assistance.report_max_mb")) * 1024 * 1024)
        audit(actor, "assistance.report_file", report, summary=f"报送评价报告：{report.title}")
    return report


def report_files(reports: Sequence[AgencyReport]) -> dict[int, Any]:
    """{report pk: its file (Attachment)} in one query."""
    return {pk: rows[0] for pk, rows in attachments_by_owner(reports, "report_file").items()}


def spot_check_draw(*, actor: User, sample_size: int, issued_from: dt.date, issued_to: dt.date) -> RecordedDraw:
    """Draw the reports to spot-check at random (双随机): the pool is every report on an enterprise of the officer's
    jurisdiction issued in the period and not yet spot-checked; the seed is drawn by the server and recorded with
    the pool and the algorithm, so that anyone can re-run the draw (rules.rank_draw)."""
    require_change(actor, AgencyReport)  # AgencyReport.authority: the officers of the enterprise's jurisdiction
    if not 1 <= sample_size <= 100:
        raise DomainError("抽取数量应为 1—100", field="sample_size")
    if issued_to < issued_from:
        raise DomainError("结束日期不能早于开始日期", field="issued_to")
    if issued_to > timezone.localdate():
        raise DomainError("结束日期不能晚于今天", field="issued_to")
    pool = list(AgencyReport.objects.restrict(actor, "change").filter(
        issued_on__range=(issued_from, issued_to), spot_checks__isnull=True).order_by("id")
        .values_list("id", flat=True).distinct())
    if not pool:
        raise DomainError("该期间没有可抽查的评价报告", field="issued_from")
    seed = secrets.token_hex(32)
    selected = rules.rank_draw(seed, pool, sample_size)
    today = timezone.localdate()
    organisation = actor.organisation
    with transaction.atomic():
        draw = RecordedDraw.objects.create(
            kind=RecordedDraw.Kind.SPOT_CHECK, number=next_number("report_draw", today.year, prefix="BGCC"),
            region_id=organisation.region_id if organisation is not None else None, algorithm=rules.DRAW_ALGORITHM,
            seed=seed, pool=pool, pool_digest=rules.pool_digest(pool), sample_size=min(sample_size, len(pool)),
            criteria={"issued_from": issued_from.isoformat(), "issued_to": issued_to.isoformat(),
                      "not_checked": True, "organisation": organisation.name if organisation else ""},
            selected=selected, drawn_by=actor, drawn_at=timezone.now())
        audit(actor, "assistance.report_draw", draw, summary=f"随机抽取评价报告：{draw.number}",
              data={"seed": seed, "pool": len(pool), "selected": selected})
    return draw


def spot_check(*, actor: User, report: AgencyReport, result: str, findings: str,
               draw: RecordedDraw | None = None) -> AgencyCreditRecord:
    """A spot check of a report (drawn by `spot_check_draw`, or chosen); its result writes the agency's credit
    record (points as data). A report is spot-checked once."""
    refusal = may(actor, report, "change")  # AgencyReport.authority: the officers of the enterprise's jurisdiction
    if refusal:
        raise (PermissionDenied if sees(actor, report) else NotFound)(refusal)
    if draw is not None and report.pk not in draw.selected:
        raise DomainError("该报告不在本次随机抽取结果中")
    if report.spot_checks.exists():
        raise DomainError("该报告已抽查", code="already_checked")
    if result not in ("qualified", "minor", "serious"):
        raise DomainError("抽查结论无效", field="result")
    if result != "qualified" and not findings.strip():
        raise DomainError("存在问题的须写明发现的问题", field="findings")
    today = timezone.localdate()
    points = rules.spot_check_points(result, rule("assistance.agency_spotcheck_points", today))
    with transaction.atomic():
        check = ReportSpotCheck.objects.create(report=report, checked_on=today, result=result,
                                               findings=findings.strip(), checker=actor, draw=draw)
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
                  capacity: int, enrol_closes_on: dt.date, ends_on: dt.date | None = None,
                  co_organiser: Any = None) -> Course:
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
        if co_organiser is not None:
            partner = co_organiser.name
        course = Course.objects.create(title=title.strip(), partner=partner.strip() or "运城市人力资源和社会保障局",
                                       starts_on=starts_on, ends_on=ends_on, hours=hours, location=location.strip(),
                                       capacity=capacity, enrol_closes_on=enrol_closes_on, co_organiser=co_organiser)
        audit(actor, "assistance.course_create", course, summary=f"开设培训班：{course.title}")
    return course


def course_enrol(*, actor: User, course: Course, trainee_name: str, post: str, phone: str,
                 id_number: str) -> Enrolment:
    """A hazardous-chemical enterprise enrols a key staff member with the trainee's ID number (GB 11643 check
    digit, the certificate names the person) and mobile number; capacity and the closing date are enforced."""
    enterprise = _party(actor, Enrolment)
    if not enterprise.is_hazchem:
        raise DomainError("工伤预防培训面向危险化学品企业的重点人员")
    if post not in Enrolment.Post.values:
        raise DomainError("请选择岗位", field="post")
    if not trainee_name.strip():
        raise DomainError("请填写学员姓名", field="trainee_name")
    check_lengths(trainee_name=(trainee_name.strip(), 40, "学员姓名"))
    try:
        id_number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="id_number") from exc
    try:
        phone = validate_mobile(phone)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="phone") from exc
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
                                                     trainee_name=trainee_name.strip(), post=post, phone=phone,
                                                     id_number=id_number)
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


def course_session_add(*, actor: User, course: Course, on: dt.date, topic: str, hours: int) -> CourseSession:
    """Plan a session (课次) of a course, within its dates; the sessions' hours add up to at most the course's."""
    require_change(actor, Course)
    if not topic.strip():
        raise DomainError("请填写课次内容", field="topic")
    check_lengths(topic=(topic.strip(), 120, "课次内容"))
    if not course.starts_on <= on <= course.ends_on:
        raise DomainError(f"课次日期应在 {course.starts_on:%Y-%m-%d} 至 {course.ends_on:%Y-%m-%d} 之间", field="on")
    if hours < 1:
        raise DomainError("学时至少为 1", field="hours")
    planned = course.sessions.aggregate(total=Sum("hours"))["total"] or 0
    if planned + hours > course.hours:
        raise DomainError(f"各课次学时合计不能超过课程的 {course.hours} 学时（已安排 {planned} 学时）", field="hours")
    try:
        with transaction.atomic():
            session = CourseSession.objects.create(course=course, on=on, topic=topic.strip(), hours=hours)
            audit(actor, "assistance.course_session_add", course, summary=f"培训课次：{session}")
    except IntegrityError as exc:
        raise DomainError("该日期已有相同内容的课次", field="topic") from exc
    return session


def session_attendance(*, actor: User, session: CourseSession, enrolment: Enrolment, present: bool,
                       hours: int | None = None) -> SessionAttendance:
    """Record a trainee's attendance at one session with the hours attended (workflow course_enrolments: `attend`
    or `absent` by the trainee's whole record: attended once a session is attended). Only a session held."""
    if enrolment.course_id != session.course_id:
        raise NotFound("该学员不在本培训班")
    if session.on > timezone.localdate():
        raise DomainError(f"课次在 {session.on:%Y-%m-%d}，上课前不能登记出勤", field="session")
    hours = session.hours if present and hours is None else (hours or 0)
    if present and not 1 <= hours <= session.hours:
        raise DomainError(f"出勤学时应在 1—{session.hours} 之间", field="hours")
    if not present:
        hours = 0
    others = enrolment.attendance.exclude(session=session).filter(present=True).exists()
    action = "attend" if present or others else "absent"
    check_transition(enrolment_workflow, enrolment, action, actor)
    with transaction.atomic():
        row, _ = SessionAttendance.objects.update_or_create(
            session=session, enrolment=enrolment,
            defaults={"present": present, "hours": hours, "recorded_by": actor})
        apply_transition(enrolment_workflow, enrolment, action, actor=actor,
                         note=f"{session}：" + (f"出勤 {hours} 学时" if present else "缺勤"))
    return row


def session_attendance_record(*, actor: User, session: CourseSession,
                              marks: dict[int, tuple[bool, str]]) -> list[SessionAttendance]:
    """One session's attendance for several trainees ({enrolment pk: (present, hours as typed)}): all or nothing."""
    enrolments = {e.pk: e for e in Enrolment.objects.restrict(actor, "attend").filter(
        pk__in=list(marks), course_id=session.course_id)}
    if not enrolments:
        raise DomainError("没有可以登记出勤的学员")
    rows = []
    with transaction.atomic():
        for pk, (present, typed) in marks.items():
            enrolment = enrolments.get(pk)
            if enrolment is None:
                raise NotFound("学员不存在")
            hours = None
            if present and typed.strip():
                try:
                    hours = parse_int(typed, field="hours", label=f"{enrolment.trainee_name}的出勤学时", maximum=24)
                except DomainError as exc:
                    raise DomainError(exc.message, field="hours") from exc
            try:
                rows.append(session_attendance(actor=actor, session=session, enrolment=enrolment, present=present,
                                               hours=hours))
            except DomainError as exc:
                raise DomainError(f"{enrolment.trainee_name}：{exc.message}", field=exc.field) from exc
    return rows


def course_certify(*, actor: User, enrolment: Enrolment) -> Enrolment:
    """Issue the certificate of completion (结业证明, a stored PDF) to a trainee who attended every session, once the
    last session is over (workflow course_enrolments: `certify`); it bears the seals of the bureau and of the
    co-organising human-resources bureau (measure III.7: 联合人社部门)."""
    check_transition(enrolment_workflow, enrolment, "certify", actor)
    course = enrolment.course
    today = timezone.localdate()
    attended = sum(a.hours for a in enrolment.attendance.all() if a.present) or course.hours
    with transaction.atomic():
        number = next_number("injury_course", today.year, prefix="GSYF")  # year of issue
        apply_transition(enrolment_workflow, enrolment, "certify", actor=actor, note=f"结业证明 {number}",
                         updates={"certificate_number": number})
        period = chinese_date(course.starts_on)
        if course.ends_on != course.starts_on:
            period += f"至{chinese_date(course.ends_on)}"
        co_organiser = course.co_organiser.full_name if course.co_organiser_id and course.co_organiser else ""
        # one short sentence and a table: the course's facts read best as rows (line breaking itself follows
        # 避头尾 in every document since kernel/linebreak.py)
        blocks: list[Any] = [
            Para(f"兹证明{enrolment.trainee_name}参加本期培训，完成全部课程。"),
            Fields([("培训班", course.title), ("姓名", enrolment.trainee_name), ("身份证号码", mask_id_number(enrolment.id_number) or "—"),
                    ("工作单位", enrolment.enterprise.name), ("岗位", enrolment.get_post_display()),
                    ("培训时间", period), ("学时", f"{attended} 学时（课程 {course.hours} 学时）"),
                    ("培训地点", course.location), ("联合主办", course.partner)]),
            Para("特此证明。"),
            Signature(settings.BUREAU_NAME, today)]
        if co_organiser:
            blocks.append(Signature(co_organiser, today))
        store_document(owner=enrolment, kind="course_certificate", actor=actor, spec=Spec(
            title="工伤预防能力提升培训结业证明", number=number, blocks=blocks))
    return enrolment


def draw_rerun(draw: RecordedDraw) -> list[int]:
    """Re-run a recorded draw from its recorded fields alone (the check anyone can make): the seeded ranking for a
    random draw, the least-recently-assigned order for a rotation."""
    if draw.kind == RecordedDraw.Kind.ROTATION:
        last = draw.criteria.get("last_assigned", {})
        return rules.rotation_order((int(pk), last.get(str(pk), "")) for pk in draw.pool)[:draw.sample_size]
    return rules.rank_draw(draw.seed, draw.pool, draw.sample_size)
