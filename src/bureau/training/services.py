"""Use cases of training and exams (measures I.8, I.9, III.10): plans, registration with capacity and a waiting
list, results (single and Excel), and passing → the certificate is issued or renewed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bureau.accounts.authority import require_change, sees
from bureau.accounts.models import User
from bureau.certificates import services as certificate_services
from bureau.certificates.models import Certificate
from bureau.enterprises.models import Enterprise, Industry
from bureau.kernel.audit import audit
from bureau.kernel.crypto import blind_index
from bureau.kernel.documents import Fields, Para, Signature, Spec, chinese_date, store_document
from bureau.kernel.errors import Conflict, DomainError, NotFound
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile
from bureau.kernel.models import Document
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_value
from bureau.kernel.rules import rule
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.kernel.workflow import refusal as action_refusal
from bureau.training import rules
from bureau.training.models import (
    ENDED_STATUSES,
    Education,
    EligibilityRule,
    ExamPlan,
    ExchangeBatch,
    JobType,
    PlanStatus,
    Registration,
    RegistrationStatus,
    ReviewApplication,
    ReviewKind,
    RunBy,
    Transmission,
)
from bureau.training.workflow import plan_workflow, registration_workflow, review_workflow


def _managed_plan(actor: User, plan: ExamPlan) -> ExamPlan:
    """The plan, if the actor manages it (ExamPlan.authority: the exam staff of its region)."""
    if not ExamPlan.objects.restrict(actor, "change").filter(pk=plan.pk).exists():
        raise NotFound("考试计划不存在或不在您的管辖范围内")
    return plan


def plan_create(*, actor: User, job_type: JobType, exam_date: dt.date, venue: str, capacity: int,
                registration_closes: dt.date, region_id: str, provincial_note: str = "", title: str = "",
                provincial_notice_no: str = "") -> ExamPlan:
    """An exam plan; for a province-run job type it records the provincial sitting and the province's notice
    number, printed on the plan and the 准考证 (measures I.8, I.9)."""
    require_change(actor, ExamPlan, region=region_id)  # ExamPlan.authority: the exam staff, in their jurisdiction
    if capacity < 1:
        raise DomainError("名额至少为1", field="capacity")
    if registration_closes > exam_date:
        raise DomainError("报名截止日不能晚于考试日期", field="registration_closes")
    if exam_date < timezone.localdate():
        raise DomainError("考试日期不能早于今天", field="exam_date")
    if job_type.run_by == RunBy.PROVINCE and not provincial_note.strip():
        raise DomainError("该工种由省应急管理厅组织考试，请填写省厅的考试安排（时间、地点、文件）", field="provincial_note")
    provincial_notice_no = (provincial_notice_no or "").strip()
    if job_type.run_by == RunBy.PROVINCE:
        refused = rules.notice_number_refusal(provincial_notice_no)
        if refused:
            raise DomainError(refused, field="provincial_notice_no")
    elif provincial_notice_no:
        raise DomainError("市局组织的考试不填写省厅通知文号", field="provincial_notice_no")
    with transaction.atomic():
        plan = ExamPlan.objects.create(
            job_type=job_type, title=title or f"{exam_date.year}年{exam_date.month}月{job_type.name}考试", region_id=region_id,
            run_by=job_type.run_by, exam_date=exam_date, venue=venue, capacity=capacity,
            registration_closes=registration_closes, provincial_note=provincial_note,
            provincial_notice_no=provincial_notice_no)
        record_history(plan, actor=actor, action="create", label="发布考试计划",
                       note=f"考试日期 {exam_date:%Y-%m-%d}，名额 {capacity}，报名截止 {registration_closes:%Y-%m-%d}")
        audit(actor, "training.plan_create", plan, summary=f"发布考试计划：{plan.title}")
    return plan


def eligibility_rule(job_type: JobType, on: dt.date) -> EligibilityRule | None:
    """The job type's 资格条件 row in force on the day (data with source, training.EligibilityRule)."""
    return (EligibilityRule.objects.filter(job_type=job_type, effective_from__lte=on)
            .order_by("-effective_from").first())


def eligibility_problems(*, job_type: JobType, id_number: str, education: str, employer: Enterprise | None,
                         on: dt.date) -> list[str]:
    """What the candidate lacks for this job type's exam (empty: eligible), by the rule row in force."""
    row = eligibility_rule(job_type, on)
    if row is None:
        return []
    return rules.eligibility_refusals(
        birth=birth_date(id_number), on=on, education=education,
        employer_industry=employer.industry if employer is not None else None, min_age=row.min_age,
        max_age=row.max_age, min_education=row.min_education, employer_required=row.employer_required,
        employer_industries=list(row.employer_industries or []), industry_labels=dict(Industry.choices))


def birth_date(id_number: str) -> dt.date:
    """The birth date the 居民身份证号 carries (GB 11643: digits 7–14)."""
    return dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def _employer(actor: User | None, uscc: str) -> Enterprise | None:
    """The candidate's employer: an enterprise account registers its own staff; a person names the employer by
    its 统一社会信用代码 (looked up in the enterprise register)."""
    if actor is not None and getattr(actor, "enterprise_id", None):
        return actor.enterprise
    code = (uscc or "").strip().upper()
    if not code:
        return None
    employer = Enterprise.objects.filter(uscc=code).first()
    if employer is None:
        raise DomainError("企业名录中没有该统一社会信用代码的企业，请核对", field="employer_uscc")
    return employer


def identity_name(user: User) -> str:
    """The person's name as the platform holds it for their ID number: the name of a certificate issued to that
    number (checked against the ID card when it was issued), else the account's name when it is a name at all — an
    account label such as 「个人 谢春燕」 is not (the registrant's name is printed on the 准考证 and certificate)."""
    number = (getattr(user, "id_number", "") or "").strip()
    if number:
        for held in (Certificate.objects.filter(holder_id_index=blind_index(number)).order_by("-issued_on")
                     .values_list("holder_name", flat=True)[:5]):
            if not rules.person_name_refusal(held):
                return held
    return user.real_name if not rules.person_name_refusal(user.real_name) else ""


def registration_create(*, actor: User | None, plan: ExamPlan, name: str, id_number: str, phone: str,
                        enterprise_name: str = "", education: str = "", employer_uscc: str = "") -> Registration:
    """Register a candidate: the name as on the ID card, the job type's 资格条件 checked (age from the ID number,
    education, employer and its industry), one active registration per person and plan. The registration then
    waits for the officer's 资格初审 (`registration_approve` / `registration_return`)."""
    try:
        id_number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="id_number") from exc
    try:
        phone = validate_mobile(phone)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="phone") from exc
    refused = rules.person_name_refusal(name)
    if refused:
        raise DomainError(refused, field="name")
    if education and education not in Education.values:
        raise DomainError("请选择文化程度", field="education")
    refusal = rules.registration_open(status=plan.status, closes=plan.registration_closes,
                                      today=timezone.localdate())
    if refusal:
        raise DomainError(refusal)
    employer = _employer(actor, employer_uscc)
    problems = eligibility_problems(job_type=plan.job_type, id_number=id_number, education=education,
                                    employer=employer, on=timezone.localdate())
    if problems:
        raise DomainError("不符合报考条件：" + "；".join(problems), code="ineligible")
    index = blind_index(id_number)
    try:
        with transaction.atomic():
            locked = ExamPlan.objects.select_for_update().get(pk=plan.pk)
            if Registration.objects.filter(plan=locked, id_index=index).exclude(status__in=ENDED_STATUSES).exists():
                raise DomainError("该身份证号已报名本次考试，不能重复报名", code="duplicate")
            year = timezone.localdate().year  # the registration year, not the (planned) exam date's
            seq = next_value(f"ticket:{locked.pk}", year)
            reg = Registration.objects.create(
                plan=locked, user=actor if getattr(actor, "pk", None) else None, name=name.strip(),
                id_number=id_number, id_index=index, phone=phone, education=education, employer=employer,
                enterprise_name=employer.name if employer is not None else enterprise_name.strip(),
                ticket_no=rules.ticket_number(locked.pk, seq, year), status=RegistrationStatus.PENDING_REVIEW)
            record_history(reg, actor=actor, action="register", label="考试报名",
                           note=f"{locked.title}，准考证号 {reg.ticket_no}（待资格初审）")
            audit(actor, "training.register", reg, summary=f"考试报名：{locked.title}（待资格初审）")
    except IntegrityError as exc:  # the partial unique index caught a concurrent double registration
        raise DomainError("该身份证号已报名本次考试，不能重复报名", code="duplicate") from exc
    return reg


def registration_approve(*, actor: User, registration: Registration) -> Registration:
    """资格初审通过: the officer has checked the candidate against the rule (re-checked here on today's rule row);
    a free seat makes the registration final, otherwise it waits (workflow: `approve` / `approve_waitlisted`)."""
    plan = registration.plan
    check_transition(registration_workflow, registration,
                     "approve" if plan.registered_count < plan.capacity else "approve_waitlisted", actor)
    problems = eligibility_problems(job_type=registration.plan.job_type, id_number=registration.id_number,
                                    education=registration.education, employer=registration.employer,
                                    on=timezone.localdate())
    if problems:
        raise DomainError("不符合报考条件，请退回并说明理由：" + "；".join(problems), code="ineligible")
    with transaction.atomic():
        plan = ExamPlan.objects.select_for_update().get(pk=registration.plan_id)
        registration.plan = plan
        seated = plan.registered_count < plan.capacity
        apply_transition(registration_workflow, registration, "approve" if seated else "approve_waitlisted",
                         actor=actor, note=plan.title, updates={"review_note": ""})
        if seated:
            ExamPlan.objects.filter(pk=plan.pk).update(registered_count=F("registered_count") + 1)
        if registration.user_id:
            text = (f"报名成功，准考证号 {registration.ticket_no}，可在「我的报名」下载准考证。" if seated
                    else f"名额已满，已进入候补名单（准考证号 {registration.ticket_no}）。")
            notify([registration.user], f"资格初审通过：{plan.title}", text)
    return registration


def registration_return(*, actor: User, registration: Registration, reasons: str) -> Registration:
    """资格初审退回 with the reasons the candidate is told; the candidate may register again with corrected data."""
    check_transition(registration_workflow, registration, "return", actor)
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError("请填写退回理由（将告知考生）", field="reasons")
    if len(reasons) > 300:
        raise DomainError("退回理由不超过300字", field="reasons")
    with transaction.atomic():
        apply_transition(registration_workflow, registration, "return", actor=actor, note=reasons,
                         updates={"review_note": reasons})
        if registration.user_id:
            notify([registration.user], f"资格初审退回：{registration.plan.title}",
                   f"您的报名（准考证号 {registration.ticket_no}）未通过资格初审：{reasons}。可修改后重新报名。")
    return registration


def registration_cancel(*, actor: User, registration: Registration) -> Registration:
    """The candidate (or exam staff) cancels (workflow exam_registrations: `cancel`); the first on the waiting list
    takes the freed seat (`promote`, by the platform)."""
    check_transition(registration_workflow, registration, "cancel", actor)
    with transaction.atomic():
        plan = ExamPlan.objects.select_for_update().get(pk=registration.plan_id)
        was_registered = registration.status == RegistrationStatus.REGISTERED
        apply_transition(registration_workflow, registration, "cancel", actor=actor, note=plan.title)
        if was_registered:
            promoted = (Registration.objects.filter(plan=plan, status=RegistrationStatus.WAITLISTED)
                        .select_related("plan", "user").order_by("created_at", "id").first())
            if promoted is not None:
                apply_transition(registration_workflow, promoted, "promote", actor=None,
                                 note=f"准考证号 {registration.ticket_no} 取消报名，候补依次递补")
                if promoted.user_id:
                    notify([promoted.user], "候补转为报名成功", f"您候补的{plan.title}已有空位，报名成功，准考证号 {promoted.ticket_no}。")
            else:
                ExamPlan.objects.filter(pk=plan.pk).update(registered_count=F("registered_count") - 1)
    return registration


def _to_score(value: Any, on: dt.date) -> Decimal:
    full_marks = int(rule("training.full_marks", on=on))
    try:
        score = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(f"成绩应为0—{full_marks}的数字", field="score") from exc
    if not score.is_finite() or rules.score_refusal(score, full_marks):
        raise DomainError(f"成绩应为0—{full_marks}的数字", field="score")
    return score.quantize(Decimal("0.1"))


def _record(actor: User, reg: Registration, score: Decimal) -> Registration:
    """Inside a transaction: the declared action `record_result` stores the score (history, audit, version). The
    score stays internal until the plan's results are published (`plan_finish`), which issues the certificates."""
    plan = reg.plan
    passed = rules.exam_passed(float(score), float(rule("training.pass_mark", on=plan.exam_date)))
    apply_transition(registration_workflow, reg, "record_result", actor=actor,
                     note=f"{score} 分，{'合格' if passed else '不合格'}",
                     updates={"score": score, "passed": passed, "result_at": timezone.now()},
                     audit_data={"score": str(score), "passed": passed})
    return reg


def _issue_certificate(actor: User, reg: Registration) -> None:
    """A passed candidate's certificate, at publication: issued, or the holder's existing one renewed
    (certificates.services.personnel_certificate_from_exam: dated from the exam, never after today)."""
    plan = reg.plan
    job = plan.job_type
    cert = certificate_services.personnel_certificate_from_exam(
        actor=actor, type_code=job.certificate_type_code, holder_name=reg.name, holder_id_number=reg.id_number,
        holder_phone=reg.phone, scope_text=job.scope_text or job.name,
        issuing_authority=("山西省应急管理厅" if plan.run_by == RunBy.PROVINCE else "运城市应急管理局"),
        exam_date=plan.exam_date, region_id=plan.region_id, source=reg,
        note=f"考试合格（{plan.title}，准考证号 {reg.ticket_no}）")
    reg.certificate = cert
    Registration.objects.filter(pk=reg.pk).update(certificate=cert)
    record_history(reg, actor=actor, action="certificate", label="发放证书", note=cert.number)


def _exam_held(registration: Registration) -> None:
    refused = rules.exam_held_refusal(registration.plan.exam_date, timezone.localdate())
    if refused:
        raise DomainError(refused, code="exam_not_held", field="score")


def result_record(*, actor: User, registration: Registration, score: Any) -> Registration:
    """Single entry of a result by an officer (workflow exam_registrations: `record_result`, on or after the exam
    day, once). Before the exam day: refused with the code `exam_not_held`."""
    if not sees(actor, registration):
        raise NotFound("考生报名不存在或不在您的管辖范围内")
    _exam_held(registration)
    check_transition(registration_workflow, registration, "record_result", actor)
    value = _to_score(score, registration.plan.exam_date)
    with transaction.atomic():
        return _record(actor, registration, value)


RESULT_COLUMNS = [("ticket_no", "准考证号"), ("id_number", "身份证号"), ("score", "成绩")]


def results_import(*, actor: User, plan: ExamPlan, data: bytes) -> tuple[int, list[dict[str, Any]]]:
    """Excel import of results: every row checked first (ticket of this plan, ID matches, score 0–100, no duplicate);
    any error → nothing recorded; otherwise all recorded in one transaction. Returns (count, errors)."""
    _managed_plan(actor, plan)
    from bureau.kernel.excel import read_rows

    try:
        header, rows = read_rows(data)
        all_rows = list(rows)
    except Exception as exc:  # not a readable workbook
        raise DomainError("文件无法读取，请使用 .xlsx 格式") from exc
    index = {key: header.index(title) for key, title in RESULT_COLUMNS if title in header}
    if "ticket_no" not in index or "score" not in index:
        raise DomainError("表头须包含：准考证号、成绩（可选：身份证号）")
    regs = {r.ticket_no: r for r in Registration.objects.restrict(actor).filter(plan=plan)
            .select_related("plan__job_type", "user")}
    errors: list[dict[str, Any]] = []
    ready: list[tuple[Registration, Decimal]] = []
    seen: dict[str, int] = {}
    for row_no, cells in all_rows:
        def cell(key: str, cells: list[Any] = cells) -> str:
            i = index.get(key)
            return str(cells[i]).strip() if i is not None and i < len(cells) and cells[i] is not None else ""

        ticket = cell("ticket_no")
        reg = regs.get(ticket)
        if reg is None:
            errors.append({"row": row_no, "column": "准考证号", "message": "不是本次考试的准考证号"})
            continue
        if ticket in seen:
            errors.append({"row": row_no, "column": "准考证号", "message": f"与第 {seen[ticket]} 行重复"})
            continue
        seen[ticket] = row_no
        refused = action_refusal(registration_workflow, reg, "record_result", actor)  # the same action as one entry
        if refused:
            errors.append({"row": row_no, "column": "成绩" if reg.score is not None else "准考证号",
                           "message": refused})
        id_number = cell("id_number")
        if id_number and blind_index(id_number.upper()) != reg.id_index:
            errors.append({"row": row_no, "column": "身份证号", "message": "与报名信息不符"})
        try:
            ready.append((reg, _to_score(cell("score"), plan.exam_date)))
        except DomainError as exc:
            errors.append({"row": row_no, "column": "成绩", "message": exc.message})
    if not all_rows:
        raise DomainError("文件中没有数据行")
    if errors:
        return 0, errors
    with transaction.atomic():
        for reg, score in ready:
            _record(actor, reg, score)
        audit(actor, "training.results_import", plan, summary=f"导入成绩 {len(ready)} 条：{plan.title}")
    return len(ready), []


def plan_finish(*, actor: User, plan: ExamPlan) -> ExamPlan:
    """Publish the results (workflow exam_plans: `finish`, on or after the exam day): the scores become visible in
    the public lookup, passed candidates receive their certificates and every scored candidate is told."""
    check_transition(plan_workflow, plan, "finish", actor)
    with transaction.atomic():
        apply_transition(plan_workflow, plan, "finish", actor=actor, note=plan.title)
        scored = (Registration.objects.filter(plan=plan, status=RegistrationStatus.REGISTERED, score__isnull=False)
                  .select_related("plan__job_type", "user").order_by("id"))
        makeup = int(rule("training.makeup_exams", on=plan.exam_date))
        for reg in scored:
            if reg.passed and reg.certificate_id is None:
                _issue_certificate(actor, reg)
            if reg.user_id:
                text = ("合格，证书已发放，可在「我的证照」下载电子证照" if reg.passed else rules.failed_text(makeup))
                notify([reg.user], f"考试成绩：{plan.title}", f"准考证号 {reg.ticket_no}，成绩 {reg.score} 分，{text}。")
    return plan


@dataclass(frozen=True)
class ScoreAnswer:
    """What the public lookup answers: the score and the certificate only once the results are published."""

    name: str
    ticket_no: str
    plan_title: str
    exam_date: dt.date
    published: bool
    score: Decimal | None
    passed: bool | None
    certificate: Certificate | None


def score_lookup(*, ticket_no: str, id_number: str) -> ScoreAnswer:
    """Public score lookup (measure III.10): both the ticket number and the ID number must match; the score is
    shown only after 「发布成绩」 (the plan finished)."""
    try:
        number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="id_number") from exc
    reg = (Registration.objects.select_related("plan__job_type", "certificate")
           .filter(ticket_no=(ticket_no or "").strip(), id_index=blind_index(number)).first())
    if reg is None:
        raise NotFound("未查询到成绩：请核对准考证号和身份证号")
    published = reg.plan.status == PlanStatus.FINISHED
    return ScoreAnswer(name=reg.name, ticket_no=reg.ticket_no, plan_title=reg.plan.title, exam_date=reg.plan.exam_date,
                       published=published, score=reg.score if published else None,
                       passed=reg.passed if published else None, certificate=reg.certificate if published else None)


# ---------------------------------------------------------------- 准考证 (admission ticket)

def admission_ticket(*, actor: User, registration: Registration) -> Document:
    """The 准考证 PDF of a registration that passed 资格初审 and holds a seat: the name is the one checked against the
    ID card at 资格初审 (never an account label), the ID number masked; for a province-run exam the province's notice
    number. Rendered once (kernel documents: stored with its digest); a seated registration's data no longer change."""
    if not sees(actor, registration):
        raise NotFound("考生报名不存在或不在您的管辖范围内")
    if registration.status != RegistrationStatus.REGISTERED:
        raise DomainError("资格初审通过并报名成功后才能打印准考证")
    existing = registration.documents().filter(kind="admission_ticket").order_by("-created_at").first()
    if existing is not None:
        return existing
    plan = registration.plan
    job = plan.job_type
    rows = [("姓名", registration.name), ("身份证号", registration.id_masked), ("准考证号", registration.ticket_no),
            ("考试工种", job.name)]
    if job.scope_text:
        rows.append(("作业类别/操作项目", job.scope_text))
    rows += [("工作单位", registration.enterprise_name or "—"), ("考试日期", chinese_date(plan.exam_date)),
             ("考点", plan.venue), ("组织单位", plan.get_run_by_display())]
    if plan.provincial_notice_no:
        rows.append(("省厅通知", plan.provincial_notice_no))
    spec = Spec(
        title="准考证", number=f"准考证号：{registration.ticket_no}",
        blocks=[Fields(rows),
                Para("考生须携带本人居民身份证和本准考证，于考试开始前30分钟到达考点；证件不全者不得参加考试。"),
                Para("考试成绩以发布为准，可在政务服务门户「成绩查询」凭准考证号和身份证号查询。"),
                Signature(settings.BUREAU_NAME if plan.run_by == RunBy.CITY else "山西省应急管理厅",
                          timezone.localdate(), seal=False)],
        footer=f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}",
    )
    with transaction.atomic():
        document = store_document(owner=registration, kind="admission_ticket", spec=spec, actor=actor,
                                  filename=f"admission-ticket-{registration.ticket_no}.pdf")
        record_history(registration, actor=actor, action="ticket", label="生成准考证")
        audit(actor, "training.admission_ticket", registration, summary=f"生成准考证：{registration.ticket_no}")
    return document


# ---------------------------------------------------------------- exchange with the province (measures I.8, I.9)

PROVINCE_EXPORT_COLUMNS = ["序号", "报名编号", "姓名", "性别", "身份证号", "出生日期", "文化程度", "工作单位",
                           "统一社会信用代码", "人员类别", "作业类别", "操作项目", "考试类型", "联系电话", "省厅通知文号"]


def _province_plan(actor: User, plan: ExamPlan) -> ExamPlan:
    _managed_plan(actor, plan)
    if plan.run_by != RunBy.PROVINCE:
        raise DomainError("该考试由市局组织，无需报送省厅")
    return plan


def province_export(*, actor: User, plan: ExamPlan) -> tuple[str, list[list[Any]]]:
    """The registrants who passed 资格初审 in the province's registration format (one row each, full ID number: the
    province registers the candidate; 个人信息保护法 第13条第1款第3项, a statutory duty); those not yet sent, or
    returned by the province, are marked 已报送 with a timeline entry. Returns (file name, rows)."""
    _province_plan(actor, plan)
    regs = list(Registration.objects.restrict(actor, "change").filter(plan=plan, status=RegistrationStatus.REGISTERED)
                .select_related("employer").order_by("ticket_no"))
    if not regs:
        raise DomainError("没有资格初审通过的考生，无需报送")
    job = plan.job_type
    rows: list[list[Any]] = []
    for i, reg in enumerate(regs, start=1):
        gender = "男" if int(reg.id_number[16]) % 2 else "女"
        rows.append([i, reg.ticket_no, reg.name, gender, reg.id_number, f"{birth_date(reg.id_number):%Y-%m-%d}",
                     reg.get_education_display() if reg.education else "", reg.enterprise_name,
                     reg.employer.uscc if reg.employer else "", job.get_personnel_kind_display(), job.category,
                     job.operation_item, "初次考试", reg.phone, plan.provincial_notice_no])
    now = timezone.now()
    with transaction.atomic():
        for reg in regs:
            if reg.transmission in (Transmission.NOT_SENT, Transmission.REJECTED):
                Registration.objects.filter(pk=reg.pk).update(transmission=Transmission.SENT, transmitted_at=now,
                                                              transmission_note="")
                record_history(reg, actor=actor, action="transmit", label="报送省厅",
                               note=f"{plan.provincial_notice_no}，报名编号 {reg.ticket_no}")
        audit(actor, "training.province_export", plan, summary=f"报送省厅：{plan.title}，{len(regs)} 人",
              data={"count": len(regs)})
    return f"省厅报名表-{plan.pk}-{timezone.localdate():%Y%m%d}.xlsx", rows


RECEIPT_COLUMNS = {"报名编号": "ticket_no", "身份证号": "id_number", "接收状态": "receipt", "退回原因": "reason",
                   "成绩": "score"}
RECEIPTS = {"已接收": Transmission.RECEIVED, "退回": Transmission.REJECTED}


def province_import_preview(*, actor: User, plan: ExamPlan, data: bytes, filename: str) -> ExchangeBatch:
    """The province's receipt/result file, checked row by row (registration number of this plan and already sent,
    ID number matches, receipt 已接收/退回 with a reason, score 0–full marks and only from the exam day); stored
    as a preview: nothing changes until `province_import_confirm`."""
    _province_plan(actor, plan)
    from bureau.kernel.excel import read_rows

    try:
        header, rows = read_rows(data)
        all_rows = list(rows)
    except Exception as exc:  # not a readable workbook
        raise DomainError("文件无法读取，请使用省厅回执的 .xlsx 文件", field="file") from exc
    index = {key: header.index(title) for title, key in RECEIPT_COLUMNS.items() if title in header}
    if "ticket_no" not in index or "id_number" not in index or not ({"receipt", "score"} & set(index)):
        raise DomainError("表头须包含：报名编号、身份证号，以及接收状态或成绩（可选：退回原因）", field="file")
    if not all_rows:
        raise DomainError("文件中没有数据行", field="file")
    regs = {r.ticket_no: r for r in Registration.objects.restrict(actor, "change").filter(plan=plan)
            .select_related("plan__job_type")}
    errors: list[dict[str, Any]] = []
    ready: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for row_no, cells in all_rows:
        def cell(key: str, cells: list[Any] = cells) -> str:
            i = index.get(key)
            return str(cells[i]).strip() if i is not None and i < len(cells) and cells[i] is not None else ""

        def err(column: str, message: str, row_no: int = row_no) -> None:
            errors.append({"row": row_no, "column": column, "message": message})

        ticket = cell("ticket_no")
        reg = regs.get(ticket)
        if reg is None:
            err("报名编号", "不是本次考试的报名编号")
            continue
        if ticket in seen:
            err("报名编号", f"与第 {seen[ticket]} 行重复")
            continue
        seen[ticket] = row_no
        before = len(errors)
        if blind_index(cell("id_number").upper()) != reg.id_index:
            err("身份证号", "与报名信息不符")
        if reg.transmission not in (Transmission.SENT, Transmission.RECEIVED):
            err("报名编号", "该考生尚未报送省厅")
        receipt, reason, score = cell("receipt"), cell("reason"), cell("score")
        if receipt and receipt not in RECEIPTS:
            err("接收状态", "应填写「已接收」或「退回」")
        if receipt == "退回" and not reason:
            err("退回原因", "省厅退回的须填写退回原因")
        if not receipt and not score:
            err("接收状态", "接收状态和成绩至少填写一项")
        if score:
            if receipt == "退回":
                err("成绩", "被退回的考生不能有成绩")
            elif reg.score is not None:
                err("成绩", "该考生已录入成绩，不能重复录入")
            else:
                refused = rules.exam_held_refusal(plan.exam_date, timezone.localdate())
                if refused:
                    err("成绩", refused)
                try:
                    score = str(_to_score(score, plan.exam_date))
                except DomainError as exc:
                    err("成绩", exc.message)
        if len(errors) == before:
            ready.append({"row": row_no, "registration": reg.pk, "ticket_no": ticket, "name": reg.name,
                          "receipt": receipt, "reason": reason[:200], "score": score})
    with transaction.atomic():
        batch = ExchangeBatch.objects.create(plan=plan, filename=filename[:200], rows=ready, errors=errors[:2000],
                                             created_by=actor)
        audit(actor, "training.province_import_preview", plan,
              summary=f"上传省厅回执：{len(ready)} 行可导入，{len(errors)} 处错误", result="失败" if errors else "成功")
    return batch


def province_import_confirm(*, actor: User, batch: ExchangeBatch) -> int:
    """Apply a checked preview without errors, once: the receipts set each registrant's status with the
    province, the scores are recorded (the same `record_result` action as one entry, re-checked now)."""
    plan = _province_plan(actor, batch.plan)
    if batch.errors:
        raise DomainError("回执文件有错误，请修改后重新上传")
    with transaction.atomic():
        if ExchangeBatch.objects.filter(pk=batch.pk, confirmed_at__isnull=True).update(
                confirmed_at=timezone.now()) != 1:
            raise Conflict("该回执已导入，不能重复导入")
        regs = {r.pk: r for r in Registration.objects.select_for_update().filter(
            pk__in=[row["registration"] for row in batch.rows]).select_related("plan__job_type")}
        for row in batch.rows:
            reg = regs[row["registration"]]
            if row["receipt"]:
                status = RECEIPTS[row["receipt"]]
                Registration.objects.filter(pk=reg.pk).update(transmission=status, transmission_note=row["reason"])
                record_history(reg, actor=actor, action="receipt",
                               label="省厅已接收" if status == Transmission.RECEIVED else "省厅退回", note=row["reason"])
            if row["score"]:
                check_transition(registration_workflow, reg, "record_result", actor)
                _record(actor, reg, Decimal(row["score"]))
        audit(actor, "training.province_import", plan, summary=f"导入省厅回执：{len(batch.rows)} 行",
              data={"batch": batch.pk})
    return len(batch.rows)


# ---------------------------------------------------------------- 复审 / 延期换证 applied online (measure III.8)

HIGH_RISK_WORDS_RULE = "training.high_risk_scopes"


def required_training_hours(certificate: Certificate, kind: str, on: dt.date) -> Decimal:
    """The training hours the rule asks before the review or renewal (data with source, training.hooks)."""
    if certificate.type.review_interval_months:  # a 特种作业操作证
        return Decimal(str(rule("training.review_min_hours", on=on)))
    high_risk = any(word in (certificate.scope_text or "") for word in rule(HIGH_RISK_WORDS_RULE, on=on))
    key = "training.refresher_hours_high_risk" if high_risk else "training.refresher_hours"
    return Decimal(str(rule(key, on=on)))


def review_apply(*, actor: User, certificate: Certificate, kind: str, training_hours: Any, training_provider: str,
                 training_finished_on: dt.date, years_in_trade: int = 0,
                 clean_record: bool = False) -> ReviewApplication:
    """The holder applies for the 复审 or the 延期换证 the reminder announced, with the training done; checked against
    the rule (hours, the certificate still in force: a missed review voids it, 特种作业人员安全技术培训考核管理规定
    第30条), once at a time. An officer of the certificate's jurisdiction decides (`review_decide`)."""
    number = (getattr(actor, "id_number", "") or "").strip()
    if not number or certificate.holder_id_index != blind_index(number):
        raise NotFound("证书不存在或不是您本人的证书")
    if kind not in ReviewKind.values:
        raise DomainError("请选择办理事项", field="kind")
    if certificate.action_kind != kind:
        expected = ReviewKind(certificate.action_kind).label if certificate.action_kind in ReviewKind.values else ""
        raise DomainError(f"该证书当前应办理「{expected}」" if expected else "该证书当前无需办理复审或延期换证",
                          field="kind")
    if certificate.current_status() not in ("valid", "due_for_review"):
        raise DomainError(f"证书当前为「{certificate.current_status_label()}」，不能申请{ReviewKind(kind).label}，"
                          "须重新参加培训和考试", code="not_in_force")
    today = timezone.localdate()
    try:
        hours = Decimal(str(training_hours).strip()).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError("培训学时应为数字", field="training_hours") from exc
    if not hours.is_finite() or hours < 0 or hours > 1000:
        raise DomainError("培训学时应为0—1000的数字", field="training_hours")
    refused = rules.training_hours_refusal(hours, required_training_hours(certificate, kind, today))
    if refused:
        raise DomainError(refused, field="training_hours", code="training_hours")
    if not (training_provider or "").strip():
        raise DomainError("请填写培训机构", field="training_provider")
    if training_finished_on > today:
        raise DomainError("培训结束日期不能晚于今天", field="training_finished_on")
    if not 0 <= int(years_in_trade) <= 60:
        raise DomainError("从事本工种年限应为0—60", field="years_in_trade")
    try:
        with transaction.atomic():
            application = ReviewApplication.objects.create(
                certificate=certificate, region_id=certificate.region_id, applicant=actor, kind=kind,
                training_hours=hours, training_provider=training_provider.strip()[:120],
                training_finished_on=training_finished_on, years_in_trade=int(years_in_trade),
                clean_record=bool(clean_record), due_date=certificate.action_due or today)
            late = rules.overdue_days(application.due_date, today)
            record_history(application, actor=actor, action="submit", label=f"申请{ReviewKind(kind).label}",
                           note=f"证书 {certificate.number}，培训 {hours} 学时"
                                + (f"，已逾期 {late} 天" if late else ""))
            audit(actor, "training.review_apply", application,
                  summary=f"申请{ReviewKind(kind).label}：{certificate.number}")
    except IntegrityError as exc:  # the partial unique index: one open application per certificate
        raise DomainError("该证书已有待审核的申请", code="duplicate") from exc
    return application


def review_decide(*, actor: User, application: ReviewApplication, approve: bool, note: str = "") -> ReviewApplication:
    """The officer decides (workflow review_applications): approving records the passed 复审 (第22条: 10 clean years
    → every 6 years) or renews the certificate for a new term from the day after it ends (第24条); refusing needs
    reasons the holder is told."""
    action = "approve" if approve else "refuse"
    check_transition(review_workflow, application, action, actor)
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError("请填写不予通过的理由（将告知申请人）", field="note")
    if len(note) > 300:
        raise DomainError("审核意见不超过300字", field="note")
    certificate = Certificate.objects.select_related("type").get(pk=application.certificate_id)
    with transaction.atomic():
        if approve and application.kind == ReviewKind.PERIODIC_REVIEW:
            certificate_services.certificate_review(actor=actor, certificate=certificate,
                                                    years_in_trade=application.years_in_trade,
                                                    clean=application.clean_record, note=f"网上申请 {application.pk}")
        elif approve:
            certificate_services.certificate_renew(actor=actor, certificate=certificate,
                                                   valid_from=certificate.valid_until + dt.timedelta(days=1),
                                                   note=f"网上申请 {application.pk}")
        apply_transition(review_workflow, application, action, actor=actor, note=note,
                         updates={"decision_note": note})
        notify([application.applicant], f"{ReviewKind(application.kind).label}申请：{'已准予' if approve else '不予通过'}",
               f"证书 {certificate.number}：" + ("已办理完成。" if approve else f"不予通过，理由：{note}。"))
    return application
