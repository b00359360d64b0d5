"""Thin views of training and exams: public plan list and score lookup, registration, officers' plan pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.scope import scope_for
from bureau.certificates.models import Certificate
from bureau.kernel.access import acts_on, for_roles, public_view
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import DomainError
from bureau.kernel.excel import xlsx_response
from bureau.kernel.models import Region
from bureau.training import rules, services
from bureau.training.forms import (
    DecisionForm,
    PlanForm,
    ProvinceImportForm,
    RegistrationForm,
    ResultsImportForm,
    ReturnForm,
    ReviewApplyForm,
    ScoreLookupForm,
)
from bureau.training.models import (
    EXAM_STAFF,
    REVIEW_DECIDERS,
    ExamPlan,
    ExchangeBatch,
    PlanStatus,
    Registration,
    RegistrationStatus,
    ReviewApplication,
    candidate_q,
)
from bureau.training.workflow import plan_workflow, registration_workflow, review_workflow


@acts_on("training.ExamPlan")  # published plans: a public record kind (anyone sees them)
def plans(request: HttpRequest) -> HttpResponse:
    """Public: open exam plans, with province-run job types marked and their provincial dates shown (I.8, I.9)."""
    rows = (ExamPlan.objects.restrict(request.user).filter(status=PlanStatus.OPEN, exam_date__gte=timezone.localdate())
            .select_related("job_type", "region").order_by("exam_date", "id")[:200])
    return render(request, "training/plans.html", {"rows": rows})


@login_required
@acts_on("training.ExamPlan")
def register(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = ExamPlan.objects.restrict(request.user).select_related("job_type").filter(pk=pk).first()
    if plan is None:
        raise Http404
    user = request.user
    name = services.identity_name(user)  # the name as on the ID card, never an account label (「个人 谢春燕」)
    form = RegistrationForm(request.POST or None, for_enterprise=bool(user.enterprise_id), initial={
        "name": name, "id_number": user.id_number, "phone": user.phone})
    if request.method == "POST" and form.is_valid():
        try:
            reg = services.registration_create(actor=user, plan=plan, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if reg.status == "waitlisted":
                messages.warning(request, f"名额已满，您已进入候补名单（准考证号 {reg.ticket_no}），有空位时自动转为报名成功。")
            else:
                messages.success(request, f"报名成功，准考证号 {reg.ticket_no}")
            return redirect("training:mine")
    return render(request, "training/register.html", {"form": form, "plan": plan})


@login_required
@acts_on("training.Registration")
def mine(request: AuthenticatedRequest) -> HttpResponse:
    """The candidate's own registrations (made with this account or carrying the person's ID number)."""
    user = request.user
    rows = list(Registration.objects.restrict(user).filter(candidate_q(user))
                .select_related("plan__job_type", "certificate").order_by("-created_at")[:100])
    for r in rows:
        r.status_label = registration_workflow.state_label(r.status)
        r.actions = {t.action for t in registration_workflow.available(r, user)}
    return render(request, "training/mine.html", {"rows": rows})


def _registration_for(request: AuthenticatedRequest, pk: int) -> Registration:
    reg = (Registration.objects.restrict(request.user).select_related("plan__job_type", "plan__region", "certificate")
           .filter(pk=pk).first())
    if reg is None:
        raise Http404
    return reg


@login_required
@acts_on("training.Registration")
def registration_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One registration: its facts, the actions the user may take (cancel; record the result) and its timeline."""
    reg = _registration_for(request, pk)
    actions = {t.action for t in registration_workflow.available(reg, request.user)}
    manages = changes_kind(request.user, Registration)
    return render(request, "training/registration.html", {
        "r": reg, "status_label": registration_workflow.state_label(reg.status), "actions": actions,
        "manages": manages, "history": registration_workflow.history(reg), "return_form": ReturnForm(),
        "show_score": manages or reg.plan.status == PlanStatus.FINISHED})


@login_required
@acts_on("training.Registration", action="cancel")
@require_POST
def cancel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = _registration_for(request, pk)
    try:
        services.registration_cancel(actor=request.user, registration=reg)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已取消报名")
    if request.POST.get("next") == "registration":
        return redirect("training:registration", pk=reg.pk)
    if changes_kind(request.user, Registration) and reg.user_id != request.user.pk:
        return redirect("training:plan_detail", pk=reg.plan_id)
    return redirect("training:mine")


@public_view
def scores(request: HttpRequest) -> HttpResponse:
    """Public score lookup by ticket number and ID number (measure III.10)."""
    form = ScoreLookupForm(request.POST or None)
    result = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.score_lookup(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    return render(request, "training/scores.html", {"form": form, "r": result})


@login_required
@acts_on("training.ExamPlan", action="change")
@for_roles(*EXAM_STAFF)
def manage(request: AuthenticatedRequest) -> HttpResponse:
    rows = (ExamPlan.objects.restrict(request.user, "change").select_related("job_type", "region")
            .order_by("-exam_date", "-id")[:200])
    return render(request, "training/manage.html", {"rows": rows})


@login_required
@acts_on("training.ExamPlan", action="change")
@for_roles(*EXAM_STAFF)
def plan_new(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    regions = Region.objects.all() if scope.is_all else Region.objects.filter(code__in=scope.regions)
    form = PlanForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(actor=request.user, job_type=data["job_type"], exam_date=data["exam_date"],
                                        venue=data["venue"], capacity=data["capacity"],
                                        registration_closes=data["registration_closes"], region_id=data["region"],
                                        provincial_note=data["provincial_note"],
                                        provincial_notice_no=data["provincial_notice_no"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"已发布考试计划：{plan.title}")
            return redirect("training:plan_detail", pk=plan.pk)
    return render(request, "training/plan_new.html", {"form": form})


def _plan_for(request: AuthenticatedRequest, pk: int) -> ExamPlan:
    """The plan the user manages (ExamPlan.authority: the exam staff of its region), else 404."""
    plan = ExamPlan.objects.restrict(request.user, "change").select_related("job_type", "region").filter(pk=pk).first()
    if plan is None:
        raise Http404
    return plan


def _plan_page(request: AuthenticatedRequest, plan: ExamPlan, *, import_form: ResultsImportForm | None = None,
               import_errors: list[dict[str, Any]] | None = None,
               status: int = 200) -> HttpResponse:
    user = request.user
    regs = list(Registration.objects.restrict(user).filter(plan=plan).select_related("plan", "certificate")
                .order_by("status", "created_at", "id")[:2000])
    for r in regs:
        r.status_label = registration_workflow.state_label(r.status)
        r.actions = {t.action for t in registration_workflow.available(r, user)}
    context = {"plan": plan, "regs": regs, "import_form": import_form if import_form is not None else ResultsImportForm(),
               "status_label": plan_workflow.state_label(plan.status),
               "plan_actions": plan_workflow.available(plan, user), "history": plan_workflow.history(plan),
               "today": timezone.localdate(), "province_form": ProvinceImportForm(), "return_form": ReturnForm(),
               "pending": sum(1 for r in regs if r.status == RegistrationStatus.PENDING_REVIEW)}
    if import_errors:
        context["import_errors"] = import_errors
    return render(request, "training/plan_detail.html", context, status=status)


@login_required
@acts_on("training.ExamPlan", action="change")
def plan_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _plan_page(request, _plan_for(request, pk))


@login_required
@acts_on("training.Registration", action="record_result")
@require_POST
def result(request: AuthenticatedRequest, pk: int, reg: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    registration = Registration.objects.restrict(request.user).select_related("plan__job_type", "user") \
        .filter(plan=plan, pk=reg).first()
    if registration is None:
        raise Http404
    try:
        done = services.result_record(actor=request.user, registration=registration, score=request.POST.get("score"))
    except DomainError as exc:
        messages.error(request, f"{registration.name}：{exc.message}")
    else:
        messages.success(request, f"{done.name}：{done.score} 分，{'合格' if done.passed else '不合格'}"
                                  "（发布成绩后考生可查询，合格者发证）")
    if request.POST.get("next") == "registration":
        return redirect("training:registration", pk=registration.pk)
    return redirect("training:plan_detail", pk=pk)


@login_required
@acts_on("training.ExamPlan", action="change")
@require_POST
def results_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = ResultsImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择成绩表文件")
        return redirect("training:plan_detail", pk=pk)
    try:
        count, errors = services.results_import(actor=request.user, plan=plan, data=form.cleaned_data["file"].read())
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:plan_detail", pk=pk)
    if errors:
        return _plan_page(request, plan, import_form=form, import_errors=errors, status=400)
    messages.success(request, f"已导入 {count} 条成绩")
    return redirect("training:plan_detail", pk=pk)


@login_required
@acts_on("training.ExamPlan", action="finish")
@require_POST
def finish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    try:
        services.plan_finish(actor=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("training:plan_detail", pk=pk)


# ---------------------------------------------------------------- 资格初审 (officer: pass / return with reasons)

@login_required
@acts_on("training.Registration", action="approve")
@require_POST
def approve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = _registration_for(request, pk)
    try:
        services.registration_approve(actor=request.user, registration=reg)
    except DomainError as exc:
        messages.error(request, f"{reg.name}：{exc.message}")
    else:
        messages.success(request, f"{reg.name}：资格初审通过（{registration_workflow.state_label(reg.status)}）")
    return redirect("training:registration", pk=reg.pk)


@login_required
@acts_on("training.Registration", action="return")
@require_POST
def return_registration(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    reg = _registration_for(request, pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请填写退回理由（将告知考生）")
        services.registration_return(actor=request.user, registration=reg, reasons=form.cleaned_data["reasons"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{reg.name}：已退回")
    return redirect("training:registration", pk=reg.pk)


@login_required
@acts_on("training.Registration")
def ticket(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    """The 准考证 PDF (the candidate or exam staff)."""
    reg = _registration_for(request, pk)
    try:
        document = services.admission_ticket(actor=request.user, registration=reg)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:registration", pk=reg.pk)
    return FileResponse(document.file.open("rb"), content_type="application/pdf",
                        filename=f"admission-ticket-{reg.ticket_no}.pdf")


# ---------------------------------------------------------------- exchange with the province (I.8, I.9)

@login_required
@acts_on("training.ExamPlan", action="change")
@require_POST
def province_export(request: AuthenticatedRequest, pk: int) -> HttpResponseBase:
    plan = _plan_for(request, pk)
    try:
        filename, rows = services.province_export(actor=request.user, plan=plan)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:plan_detail", pk=pk)
    return xlsx_response(filename, services.PROVINCE_EXPORT_COLUMNS, rows, sheet="报名表")


@login_required
@acts_on("training.ExamPlan", action="change")
@require_POST
def province_import(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    plan = _plan_for(request, pk)
    form = ProvinceImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, "请选择省厅回执文件")
        return redirect("training:plan_detail", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        batch = services.province_import_preview(actor=request.user, plan=plan, data=upload.read(),
                                                 filename=upload.name)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("training:plan_detail", pk=pk)
    return redirect("training:province_preview", pk=pk, batch=batch.pk)


def _batch_for(request: AuthenticatedRequest, plan: ExamPlan, batch: int) -> ExchangeBatch:
    found = ExchangeBatch.objects.filter(plan=plan, pk=batch).first()  # the plan is already the user's
    if found is None:
        raise Http404
    return found


@login_required
@acts_on("training.ExamPlan", action="change")
def province_preview(request: AuthenticatedRequest, pk: int, batch: int) -> HttpResponse:
    """The checked receipt file: its errors by row, or what will change; the officer confirms."""
    plan = _plan_for(request, pk)
    found = _batch_for(request, plan, batch)
    if request.method == "POST":
        try:
            count = services.province_import_confirm(actor=request.user, batch=found)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已导入省厅回执 {count} 行")
            return redirect("training:plan_detail", pk=pk)
    return render(request, "training/province_preview.html", {"plan": plan, "batch": found},
                  status=400 if found.errors else 200)


# ---------------------------------------------------------------- 复审 / 延期换证 (holder applies, officer decides)

def _my_certificates(user: Any) -> list[Certificate]:
    if not user.id_number:
        return []
    return list(Certificate.objects.restrict(user).filter(holder_id_index=blind_index(user.id_number.strip()),
                                                          type__holder_kind="person")
                .select_related("type").order_by("action_due", "id")[:50])


@login_required
@acts_on("training.ReviewApplication")
def reviews_mine(request: AuthenticatedRequest) -> HttpResponse:
    """The holder's certificates with the 复审/延期换证 due (overdue marked), the online application and its
    outcome (measure III.8: the reminders link here)."""
    user = request.user
    today = timezone.localdate()
    certs = _my_certificates(user)
    due = [{"c": c, "overdue": rules.overdue_days(c.action_due, today)} for c in certs]
    chosen = request.GET.get("certificate", "")
    form = ReviewApplyForm(request.POST or None, certificates=certs,
                           initial={"certificate": chosen, "training_finished_on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        cert = next((c for c in certs if c.pk == data["certificate"]), None)
        try:
            if cert is None:
                raise DomainError("请选择证书", field="certificate")
            services.review_apply(actor=user, certificate=cert, kind=data["kind"],
                                  training_hours=data["training_hours"], training_provider=data["training_provider"],
                                  training_finished_on=data["training_finished_on"],
                                  years_in_trade=data["years_in_trade"], clean_record=data["clean_record"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "申请已提交，审核结果将通知您")
            return redirect("training:reviews_mine")
    applications = list(ReviewApplication.objects.restrict(user).filter(applicant=user)
                        .select_related("certificate__type")[:50])
    return render(request, "training/reviews_mine.html", {"due": due, "form": form, "applications": applications,
                                                          "today": today})


@login_required
@acts_on("training.ReviewApplication", action="approve")
@for_roles(*REVIEW_DECIDERS)
def reviews_manage(request: AuthenticatedRequest) -> HttpResponse:
    """The officers' list of 复审/延期换证 applications of their jurisdiction, overdue ones marked."""
    rows = list(ReviewApplication.objects.restrict(request.user).select_related("certificate__type", "applicant")
                .order_by("status", "due_date", "id")[:200])
    for a in rows:
        a.overdue = rules.overdue_days(a.due_date, a.created_at.date())
        a.status_label = review_workflow.state_label(a.status)
        a.actions = {t.action for t in review_workflow.available(a, request.user)}
    return render(request, "training/reviews_manage.html", {"rows": rows, "form": DecisionForm()})


@login_required
@acts_on("training.ReviewApplication", action="approve")
@require_POST
def review_decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    application = (ReviewApplication.objects.restrict(request.user).select_related("certificate").filter(pk=pk)
                   .first())
    if application is None:
        raise Http404
    form = DecisionForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError("请选择审核结果")
        services.review_decide(actor=request.user, application=application,
                               approve=form.cleaned_data["decision"] == "approve", note=form.cleaned_data["note"])
    except DomainError as exc:
        messages.error(request, f"{application.certificate.number}：{exc.message}")
    else:
        messages.success(request, f"{application.certificate.number}：已办理")
    return redirect("training:reviews_manage")
