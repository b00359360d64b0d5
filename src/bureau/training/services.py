"""Use cases of training and exams (measures I.8, I.9, III.10): plans, registration with capacity and a waiting
list, results (single and Excel), and passing → the certificate is issued or renewed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from bureau.accounts.authority import require_change
from bureau.accounts.models import User
from bureau.certificates import services as certificate_services
from bureau.certificates.models import Certificate
from bureau.kernel.audit import audit
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_value
from bureau.kernel.rules import rule
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.kernel.workflow import refusal as action_refusal
from bureau.training import rules
from bureau.training.models import ExamPlan, JobType, Registration, RegistrationStatus, RunBy
from bureau.training.workflow import plan_workflow, registration_workflow


def _managed_plan(actor: User, plan: ExamPlan) -> ExamPlan:
    """The plan, if the actor manages it (ExamPlan.authority: the exam staff of its region)."""
    if not ExamPlan.objects.restrict(actor, "change").filter(pk=plan.pk).exists():
        raise NotFound("考试计划不存在或不在您的管辖范围内")
    return plan


def plan_create(*, actor: User, job_type: JobType, exam_date: dt.date, venue: str, capacity: int,
                registration_closes: dt.date, region_id: str, provincial_note: str = "", title: str = "") -> ExamPlan:
    """An exam plan; for a province-run job type it records the provincial sitting (measures I.8, I.9)."""
    require_change(actor, ExamPlan, region=region_id)  # ExamPlan.authority: the exam staff, in their jurisdiction
    if capacity < 1:
        raise DomainError("名额至少为1", field="capacity")
    if registration_closes > exam_date:
        raise DomainError("报名截止日不能晚于考试日期", field="registration_closes")
    if exam_date < timezone.localdate():
        raise DomainError("考试日期不能早于今天", field="exam_date")
    if job_type.run_by == RunBy.PROVINCE and not provincial_note.strip():
        raise DomainError("该工种由省应急管理厅组织考试，请填写省厅的考试安排（时间、地点、文件）", field="provincial_note")
    with transaction.atomic():
        plan = ExamPlan.objects.create(
            job_type=job_type, title=title or f"{exam_date.year}年{exam_date.month}月{job_type.name}考试", region_id=region_id,
            run_by=job_type.run_by, exam_date=exam_date, venue=venue, capacity=capacity,
            registration_closes=registration_closes, provincial_note=provincial_note)
        record_history(plan, actor=actor, action="create", label="发布考试计划",
                       note=f"考试日期 {exam_date:%Y-%m-%d}，名额 {capacity}，报名截止 {registration_closes:%Y-%m-%d}")
        audit(actor, "training.plan_create", plan, summary=f"发布考试计划：{plan.title}")
    return plan


def registration_create(*, actor: User | None, plan: ExamPlan, name: str, id_number: str, phone: str,
                        enterprise_name: str = "") -> Registration:
    """Register a candidate: one active registration per person and plan; over capacity → waiting list."""
    try:
        id_number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="id_number") from exc
    try:
        phone = validate_mobile(phone)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="phone") from exc
    if not name.strip():
        raise DomainError("请填写姓名", field="name")
    refusal = rules.registration_open(status=plan.status, closes=plan.registration_closes,
                                      today=timezone.localdate())
    if refusal:
        raise DomainError(refusal)
    index = blind_index(id_number)
    try:
        with transaction.atomic():
            locked = ExamPlan.objects.select_for_update().get(pk=plan.pk)
            if Registration.objects.filter(plan=locked, id_index=index).exclude(
                    status=RegistrationStatus.CANCELLED).exists():
                raise DomainError("该身份证号已报名本次考试，不能重复报名", code="duplicate")
            status = rules.registration_outcome(locked.registered_count, locked.capacity)
            year = timezone.localdate().year  # the registration year, not the (planned) exam date's
            seq = next_value(f"ticket:{locked.pk}", year)
            reg = Registration.objects.create(
                plan=locked, user=actor if getattr(actor, "pk", None) else None, name=name.strip(),
                id_number=id_number, id_index=index, phone=phone, enterprise_name=enterprise_name.strip(),
                ticket_no=rules.ticket_number(locked.pk, seq, year), status=status)
            if status == RegistrationStatus.REGISTERED:
                ExamPlan.objects.filter(pk=locked.pk).update(registered_count=F("registered_count") + 1)
            record_history(reg, actor=actor, action="register", label="考试报名",
                           note=f"{locked.title}，准考证号 {reg.ticket_no}（{reg.get_status_display()}）")
            audit(actor, "training.register", reg, summary=f"考试报名：{locked.title}（{reg.get_status_display()}）")
    except IntegrityError as exc:  # the partial unique index caught a concurrent double registration
        raise DomainError("该身份证号已报名本次考试，不能重复报名", code="duplicate") from exc
    return reg


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
    """Inside a transaction: the declared action `record_result` stores the score (history, audit, version); a pass
    issues the certificate or renews the holder's existing one."""
    plan = reg.plan
    passed = rules.exam_passed(float(score), float(rule("training.pass_mark", on=plan.exam_date)))
    apply_transition(registration_workflow, reg, "record_result", actor=actor,
                     note=f"{score} 分，{'合格' if passed else '不合格'}",
                     updates={"score": score, "passed": passed, "result_at": timezone.now()},
                     audit_data={"score": str(score), "passed": passed})
    if passed and reg.certificate_id is None:
        job = plan.job_type
        existing = (Certificate.objects.filter(holder_id_index=reg.id_index, type__code=job.certificate_type_code,
                                               scope_text=job.scope_text or job.name)
                    .exclude(status__in=["revoked"]).order_by("-valid_until").first())
        if existing is not None:
            cert = certificate_services.certificate_renew(actor=actor, certificate=existing, valid_from=plan.exam_date,
                                                          note=f"考试合格（{plan.title}，准考证号 {reg.ticket_no}）",
                                                          check_scope=False)
        else:
            cert = certificate_services.certificate_issue(
                actor=actor, type_code=job.certificate_type_code, holder_name=reg.name,
                issuing_authority=("山西省应急管理厅" if plan.run_by == RunBy.PROVINCE else "运城市应急管理局"),
                valid_from=plan.exam_date, region_id=plan.region_id, holder_id_number=reg.id_number,
                holder_phone=reg.phone, scope_text=job.scope_text or job.name, source=reg,
                note=f"考试合格（{plan.title}，准考证号 {reg.ticket_no}）")
        reg.certificate = cert
        Registration.objects.filter(pk=reg.pk).update(certificate=cert)
        record_history(reg, actor=actor, action="certificate", label="发放证书", note=cert.number)
    if reg.user_id:
        text = ("合格，证书已发放，可在「我的证照」下载电子证照" if passed
                else rules.failed_text(int(rule("training.makeup_exams", on=plan.exam_date))))
        notify([reg.user], f"考试成绩：{plan.title}", f"准考证号 {reg.ticket_no}，成绩 {score} 分，{text}。")
    return reg


def result_record(*, actor: User, registration: Registration, score: Any) -> Registration:
    """Single entry of a result by an officer (workflow exam_registrations: `record_result`, on or after the exam
    day, once)."""
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
    """Publish the results (scores become visible in the lookup) and close the plan (workflow exam_plans: `finish`,
    on or after the exam day)."""
    apply_transition(plan_workflow, plan, "finish", actor=actor, note=plan.title)
    return plan


def score_lookup(*, ticket_no: str, id_number: str) -> Registration:
    """Public score lookup (measure III.10): both the ticket number and the ID number must match."""
    try:
        number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="id_number") from exc
    reg = (Registration.objects.select_related("plan__job_type", "certificate")
           .filter(ticket_no=(ticket_no or "").strip(), id_index=blind_index(number)).first())
    if reg is None:
        raise NotFound("未查询到成绩：请核对准考证号和身份证号")
    return reg
