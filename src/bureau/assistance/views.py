"""Thin HTML views of proactive service: parse, call a service or a scoped query, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts.authority import changes_kind, may
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import AGENCY, DEPARTMENT, ENTERPRISE, EXPERT, INDIVIDUAL, PARK_COMMITTEE, SYSADMIN
from bureau.accounts.scope import scope_for
from bureau.assistance import forms as F
from bureau.assistance import services
from bureau.assistance.models import (
    AgencyReport,
    AssessmentAgency,
    Checkup,
    CheckupFinding,
    Course,
    CourseSession,
    Enrolment,
    Expert,
    ExpertConflict,
    FirstUseProcess,
    ObservationBatch,
    ObservationSignup,
    ParkAdmission,
    ParkRemediationItem,
    RecordedDraw,
    Specialty,
)
from bureau.assistance.observation_coverage import STATUS_LABELS, observation_coverage
from bureau.assistance.workflow import (
    STAFF,
    checkup_workflow,
    enrolment_workflow,
    first_use_workflow,
    observation_workflow,
    park_item_workflow,
)
from bureau.enterprises.models import ChemicalPark, Enterprise
from bureau.kernel import staging
from bureau.kernel.access import acts_on, for_roles, public_view
from bureau.kernel.errors import DomainError
from bureau.kernel.models import Document
from bureau.kernel.paging import paginate
from bureau.kernel.rules import rule
from bureau.kernel.validation import parse_id, parse_int


def _run(request: HttpRequest, func: Callable[[], Any], success: str, form: Any = None) -> bool:
    """Call a service; a refusal becomes a message (or a form error) and nothing was written."""
    try:
        func()
    except DomainError as exc:
        if form is not None:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.error(request, exc.message)
        return False
    messages.success(request, success)
    return True


def _submit(request: HttpRequest, form: Any, call: Callable[[dict[str, Any]], Any], success: str) -> bool:
    """A posted form: its errors as a message, else the service called with the cleaned data (`_run`)."""
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return False
    return _run(request, lambda: call(form.cleaned_data), success)


def _submit_with_files(request: HttpRequest, form: Any, field: str, check: Callable[[Any], Any],
                       call: Callable[[dict[str, Any], list[Any]], Any], success: str
                       ) -> tuple[int, dict[str, Any]]:
    """A posted form with files (kernel/staging.py): the service gets the files chosen now plus those kept from a
    refused submission. On a refusal nothing is written, the form carries every error (each bad file by name) and
    the files that passed `check` are kept: returns (the answer's status, staged) for the page shown again; (0, {})
    when the service did it."""
    try:
        if not form.is_valid():
            raise DomainError("")  # the form's own messages; the files are kept
        with staging.claiming(request) as files:
            call(form.cleaned_data, files.getlist(field))
    except DomainError as exc:
        return exc.status, staging.refused_file_form(request, form, exc, field, check)
    messages.success(request, success)
    return 0, {}


def _form_errors(form: Any) -> str:
    return "；".join(str(e) for errs in form.errors.values() for e in errs)


# -- checkups (III.1) ------------------------------------------------------------------------------------------


def _checkup_for(user: Any, pk: int) -> Checkup:
    checkup = Checkup.objects.restrict(user).select_related("enterprise", "region").filter(pk=pk).first()
    if checkup is None:
        raise Http404("体检不存在")
    return checkup


@login_required
@acts_on("assistance.Checkup")
@for_roles(*STAFF, SYSADMIN, ENTERPRISE, EXPERT)
def checkup_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    qs = Checkup.objects.restrict(user).select_related("enterprise", "region").order_by("-requested_on", "-id")
    if request.GET.get("state"):
        qs = qs.filter(state=request.GET["state"])
    page = paginate(qs, request.GET)
    for c in page.rows:
        c.state_label = checkup_workflow.state_label(c.state)
    return render(request, "assistance/checkups.html", {
        "page": page, "can_request": changes_kind(user, Checkup), "is_expert": user.has_role(EXPERT)})


@login_required
@acts_on("assistance.Checkup", action="change")
def checkup_new(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not changes_kind(user, Checkup):  # Checkup.authority: the officers schedule, the enterprise asks
        raise Http404
    enterprises = None if user.enterprise_id else Enterprise.objects.restrict(user)
    form = F.CheckupRequestForm(request.POST or None, enterprises=enterprises)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result: dict[str, Checkup] = {}

        def call() -> None:
            result["c"] = services.checkup_request(actor=user, specialty=data["specialty"], topics=data["topics"],
                                                   enterprise=data.get("enterprise"), planned_on=data["planned_on"])

        if _run(request, call, "已提交安全体检申请", form):
            return redirect("assistance:checkup", pk=result["c"].pk)
    return render(request, "assistance/form.html", {"form": form, "title": "申请安全体检" if user.enterprise_id
                                                    else "安排安全体检", "back": "assistance:checkups"})


def _with_photos(checkup: Any) -> list[Any]:
    photos = services.finding_photos(checkup)
    findings = list(checkup.findings.select_related("hazard"))
    for finding in findings:
        finding.photos = photos.get(finding.pk, [])
    return findings


def _team(checkup: Checkup) -> list[Expert]:
    return [a.expert for a in checkup.assignments.select_related("expert").order_by("-is_leader", "id")]


def _checkup_page(request: AuthenticatedRequest, checkup: Checkup, *, finding_form: Any = None,
                  assign_form: Any = None, settle_form: Any = None, staged: dict[str, Any] | None = None,
                  status: int = 200) -> HttpResponse:
    """The checkup page with the forms of exactly the actions the user may take now (a refused form comes back
    bound, with what was typed and the reason)."""
    user = request.user
    is_expert = user.has_role(EXPERT)  # the expert's phone page (the forms below are the actions they may take)
    actions = {t.action for t in checkup_workflow.available(checkup, user)}
    assignments = list(checkup.assignments.select_related("expert").order_by("-is_leader", "id"))
    ctx: dict[str, Any] = {"c": checkup, "state_label": checkup_workflow.state_label(checkup.state),
                           "assignments": assignments, "findings": _with_photos(checkup), "is_expert": is_expert,
                           "history": checkup_workflow.history(checkup), "documents": checkup.documents(),
                           "draws": checkup.draws.all(), "fees": checkup.fees.select_related("expert"),
                           "rating": services.checkup_rating(checkup), "today": timezone.localdate(),
                           "staged": staged or {}}
    if "assign" in actions:
        experts = list(Expert.objects.restrict(user).filter(available=True).annotate(
            conflict=Count("conflicts", filter=Q(conflicts=checkup.enterprise_id))).order_by("specialty", "name"))
        for e in experts:
            e.matches = checkup.specialty in e.specialty_codes
        experts.sort(key=lambda e: (not e.matches, e.specialty, e.name))
        ctx["experts"] = experts
        ctx["assign_form"] = assign_form or F.AssignForm(
            experts=Expert.objects.filter(pk__in=[e.pk for e in experts]),
            initial={"planned_on": checkup.planned_on, "size": rule("assistance.checkup_team_size")})
    if "choose_leader" in actions and len(assignments) > 1:
        ctx["leader_form"] = F.LeaderForm(experts=Expert.objects.filter(assignments__checkup=checkup))
    if "record_finding" in actions:
        ctx["finding_form"] = finding_form or F.FindingForm()
    if "submit" in actions:
        ctx["submit_form"] = F.SubmitForm(initial={"visited_on": timezone.localdate()})
    if "settle" in actions:
        ctx["settle_form"] = settle_form or F.SettleForm(team=_team(checkup))
    if (user.enterprise_id == checkup.enterprise_id and ctx["rating"] is None
            and services.checkup_rateable(user, str(checkup.pk)) is not None):
        ctx["rating_form"] = F.RatingForm()
    template = "assistance/checkup_expert.html" if is_expert else "assistance/checkup.html"
    return render(request, template, ctx, status=status)


@login_required
@acts_on("assistance.Checkup")
def checkup_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    return _checkup_page(request, _checkup_for(request.user, pk))


@login_required
@acts_on("assistance.Checkup", action="assign")
@require_POST
def checkup_assign(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    checkup = _checkup_for(request.user, pk)
    refusal = may(request.user, checkup, "assign")  # who may assign (the declared action), before the form
    if refusal:
        messages.error(request, refusal)
        return redirect("assistance:checkup", pk=pk)
    form = F.AssignForm(request.POST, experts=Expert.objects.restrict(request.user))
    if not form.is_valid():
        return _checkup_page(request, checkup, assign_form=form, status=400)
    data = form.cleaned_data
    if data["method"] == "manual":
        def call() -> None:
            services.checkup_assign(actor=request.user, checkup=checkup, experts=list(data["experts"]),
                                    planned_on=data["planned_on"], leader=data.get("leader"))
    else:
        def call() -> None:
            services.checkup_draw_team(actor=request.user, checkup=checkup, planned_on=data["planned_on"],
                                       size=data["size"], method=data["method"])
    if not _run(request, call, "已指派专家", form):
        return _checkup_page(request, checkup, assign_form=form, status=400)
    return redirect("assistance:checkup", pk=pk)


@login_required
@acts_on("assistance.Checkup", action="choose_leader")
@require_POST
def checkup_leader(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    checkup = _checkup_for(request.user, pk)
    _submit(request, F.LeaderForm(request.POST, experts=Expert.objects.filter(assignments__checkup=checkup)),
            lambda d: services.checkup_choose_leader(actor=request.user, checkup=checkup, expert=d["leader"]),
            "已确定组长")
    return redirect("assistance:checkup", pk=pk)


@login_required
@acts_on("assistance.Checkup", action="change")
@require_POST
def checkup_finding(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record a finding; when it is refused (a photo of the wrong type or too large, a missing field) the form comes
    back with everything typed, the good photos kept and every bad one named."""
    checkup = _checkup_for(request.user, pk)
    refusal = may(request.user, checkup, "record_finding")  # e.g. the result is submitted: no form to come back to
    if refusal:
        messages.error(request, refusal)
        return redirect("assistance:checkup", pk=pk)
    form = F.FindingForm(request.POST)
    refused, staged = _submit_with_files(
        request, form, "photos", services.check_finding_photo,
        lambda d, photos: services.finding_add(actor=request.user, checkup=checkup, **d, photos=photos), "已记录问题")
    if refused:
        return _checkup_page(request, checkup, finding_form=form, staged=staged, status=refused)
    return redirect("assistance:checkup", pk=pk)


@login_required
@acts_on("assistance.Checkup", action="change")
def finding_delete(request: AuthenticatedRequest, pk: int, finding_pk: int) -> HttpResponse:
    """GET asks for confirmation (the page names the finding); only the POST of that page deletes it."""
    checkup = _checkup_for(request.user, pk)
    finding = CheckupFinding.objects.filter(pk=finding_pk, checkup=checkup).first()
    if finding is None:
        raise Http404
    if request.method != "POST":
        return render(request, "assistance/finding_delete.html", {"c": checkup, "f": finding})
    _run(request, lambda: services.finding_delete(actor=request.user, finding=finding), "已删除")
    return redirect("assistance:checkup", pk=pk)


@login_required
@acts_on("assistance.Checkup", action="submit")
@require_POST
def checkup_submit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    checkup = _checkup_for(request.user, pk)
    form = F.SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写体检结论")
    else:
        _run(request, lambda: services.checkup_submit(actor=request.user, checkup=checkup, **form.cleaned_data),
             "已提交，发现的问题已转入企业隐患清单")
    return redirect("assistance:checkup", pk=pk)


@login_required
@acts_on("assistance.Checkup", action="settle")
@require_POST
def checkup_settle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    checkup = _checkup_for(request.user, pk)
    form = F.SettleForm(request.POST, team=_team(checkup))
    if not form.is_valid() or not _run(request, lambda: services.checkup_settle(
            actor=request.user, checkup=checkup, days=form.days()), "已登记专家劳务费并办结", form):
        return _checkup_page(request, checkup, settle_form=form, status=400)
    return redirect("assistance:checkup", pk=pk)


@login_required
@acts_on("assistance.Checkup")
@for_roles(ENTERPRISE)
@require_POST
def checkup_rate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    checkup = _checkup_for(request.user, pk)
    _submit(request, F.RatingForm(request.POST),
            lambda d: services.checkup_rate(actor=request.user, checkup=checkup, **d), "感谢您的评价")
    return redirect("assistance:checkup", pk=pk)


def _draws_for(user: Any) -> Any:
    return scope_for(user).filter(RecordedDraw.objects.all(), region="region_id")


@login_required
@for_roles(*STAFF, SYSADMIN)
def draw_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A recorded draw: the pool, the seed, the algorithm and the result, and whether it re-runs to the same
    selection (officers of the draw's jurisdiction)."""
    draw = _draws_for(request.user).select_related("checkup", "drawn_by").filter(pk=pk).first()
    if draw is None:
        raise Http404
    rerun = services.draw_rerun(draw)
    names: dict[int, str] = {}
    rows: list[Any] = []
    if draw.kind == RecordedDraw.Kind.SPOT_CHECK:
        reports = {r.pk: r for r in AgencyReport.objects.restrict(request.user).filter(pk__in=draw.selected)
                   .select_related("agency", "enterprise").prefetch_related("spot_checks")}
        rows = [reports[pk] for pk in draw.selected if pk in reports]
    else:
        names = dict(Expert.objects.filter(pk__in=draw.pool).values_list("pk", "name"))
    return render(request, "assistance/draw.html", {
        "d": draw, "rerun": rerun, "same": rerun == draw.selected, "names": names, "reports": rows,
        "selected_names": [names.get(pk, str(pk)) for pk in draw.selected], "check_form": F.SpotCheckForm()})


# -- the expert pool (III.1) -----------------------------------------------------------------------------------


@login_required
@for_roles(*STAFF, SYSADMIN)
def expert_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    manages = changes_kind(user, Expert) and scope_for(user).covers_region(settings.CITY_REGION_CODE)
    form = F.ExpertForm(request.POST or None, initial={"available": True}) if manages else None
    if form is not None and request.method == "POST" and form.is_valid():
        result: dict[str, Expert] = {}

        def call() -> None:
            result["e"] = services.expert_save(actor=user, **form.cleaned_data)

        if _run(request, call, "已加入专家库", form):
            return redirect("assistance:expert", pk=result["e"].pk)
    specialty = request.GET.get("specialty", "")
    experts = list(Expert.objects.restrict(user).annotate(
        n=Count("assignments", distinct=True), n_conflicts=Count("conflicts", distinct=True)).order_by("specialty", "name"))
    if specialty:
        experts = [e for e in experts if specialty in e.specialty_codes]
    return render(request, "assistance/experts.html", {
        "experts": experts, "today": timezone.localdate(), "form": form, "specialty": specialty,
        "specialties": Specialty.choices}, status=400 if form is not None and form.errors else 200)


@login_required
@for_roles(*STAFF, SYSADMIN)
def expert_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One expert: the pool's facts (edit form for the city's pool keepers), the declared conflicts with their
    reasons, the checkups served and the fees recorded."""
    user = request.user
    expert = Expert.objects.restrict(user).filter(pk=pk).first()
    if expert is None:
        raise Http404
    manages = changes_kind(user, Expert) and scope_for(user).covers_region(settings.CITY_REGION_CODE)
    form = conflict_form = None
    status = 200
    if manages:
        initial = {f: getattr(expert, f) for f in ("name", "specialty", "secondary_specialties", "qualification",
                                                    "employer", "title", "term_starts_on", "term_ends_on",
                                                    "available", "unavailable_until")}
        posted = request.POST if request.method == "POST" else None
        form = F.ExpertForm(posted if posted and posted.get("part") == "expert" else None, initial=initial)
        conflict_form = F.ConflictForm(posted if posted and posted.get("part") == "conflict" else None,
                                       enterprises=Enterprise.objects.all())
        if posted and posted.get("part") == "expert" and form.is_valid():
            if _run(request, lambda: services.expert_save(actor=user, expert=expert, **form.cleaned_data), "已保存",
                    form):
                return redirect("assistance:expert", pk=pk)
        if posted and posted.get("part") == "conflict" and conflict_form.is_valid():
            if _run(request, lambda: services.expert_conflict_declare(actor=user, expert=expert,
                                                                      **conflict_form.cleaned_data),
                    "已登记利害关系", conflict_form):
                return redirect("assistance:expert", pk=pk)
        if posted and posted.get("part") == "remove_conflict":
            conflict_id = parse_id(posted.get("conflict"), field="conflict") or 0
            conflict = ExpertConflict.objects.filter(expert=expert, pk=conflict_id).first()
            if conflict is None:
                raise Http404
            _run(request, lambda: services.expert_conflict_remove(actor=user, conflict=conflict), "已撤销利害关系")
            return redirect("assistance:expert", pk=pk)
        status = 400 if form.errors or conflict_form.errors else 200
    declared = list(expert.declared_conflicts.select_related("enterprise"))
    undeclared = expert.conflicts.exclude(pk__in=[c.enterprise_id for c in declared])
    served = (Checkup.objects.restrict(user).filter(assignments__expert=expert).select_related("enterprise")
              .order_by("-requested_on")[:50])
    return render(request, "assistance/expert.html", {
        "e": expert, "form": form, "conflict_form": conflict_form, "declared": declared, "undeclared": undeclared,
        "served": served, "fees": expert.fees.select_related("checkup").order_by("-recorded_at")[:50],
        "today": timezone.localdate()}, status=status)


# -- chemical parks (III.3) ------------------------------------------------------------------------------------


def _park_for(user: Any, pk: int) -> ChemicalPark:
    park = ChemicalPark.objects.restrict(user).select_related("region", "committee").filter(pk=pk).first()
    if park is None:
        raise Http404
    return park


@login_required
@acts_on("enterprises.ChemicalPark")
@for_roles(*STAFF, SYSADMIN, PARK_COMMITTEE)
def park_list(request: AuthenticatedRequest) -> HttpResponse:
    parks = list(ChemicalPark.objects.restrict(request.user).select_related("region").annotate(
        n_enterprises=Count("enterprises", distinct=True), n_items=Count("remediation_items", distinct=True),
        n_done=Count("remediation_items", filter=Q(remediation_items__status="done"), distinct=True)))
    if len(parks) == 1 and request.user.has_role(PARK_COMMITTEE):  # a committee has one park: its page
        return redirect("assistance:park", pk=parks[0].pk)
    return render(request, "assistance/parks.html", {"parks": parks})


@login_required
@acts_on("enterprises.ChemicalPark")
def park_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A park: its remediation items (from the checklist), its enterprises, its project-admission reviews."""
    user = request.user
    park = _park_for(user, pk)
    registers = changes_kind(user, ParkRemediationItem)  # the officers of the park's region
    form = F.ParkItemForm(request.POST or None) if registers else None
    if form is not None and request.method == "POST" and form.is_valid():
        if _run(request, lambda: services.park_item_create(actor=user, park=park, **form.cleaned_data),
                "已登记整治事项", form):
            return redirect("assistance:park", pk=pk)
    items = list(ParkRemediationItem.objects.restrict(user).filter(park=park)
                 .select_related("checklist_item").prefetch_related("progress"))
    for item in items:
        item.status_label = park_item_workflow.state_label(item.status)
        item.can_report = bool(park_item_workflow.available(item, user))
    admits = ChemicalPark.objects.restrict(user, "change").filter(pk=park.pk).exists()
    return render(request, "assistance/park.html", {
        "park": park, "items": items, "form": form,
        "enterprises": Enterprise.objects.restrict(user).filter(chemical_park=park).order_by("name"),
        "admissions": ParkAdmission.objects.restrict(user).filter(park=park)[:50],
        "admission_form": F.ParkAdmissionForm(initial={"reviewed_on": timezone.localdate()}) if admits else None,
        "today": timezone.localdate()})


@login_required
@acts_on("assistance.ParkAdmission", action="change")
@require_POST
def park_admission(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    park = _park_for(request.user, pk)
    _submit(request, F.ParkAdmissionForm(request.POST),
            lambda d: services.park_admission_record(actor=request.user, park=park, **d), "已登记项目引进安全审查")
    return redirect("assistance:park", pk=pk)


def _park_item_for(user: Any, pk: int) -> ParkRemediationItem:
    item = ParkRemediationItem.objects.restrict(user).select_related("park", "checklist_item").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@login_required
@acts_on("assistance.ParkRemediationItem")
def park_item(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One remediation item: its facts, its progress reports with their files, the report form (when the user may
    report) and its timeline."""
    return _park_item_page(request, _park_item_for(request.user, pk))


def _park_item_page(request: AuthenticatedRequest, item: ParkRemediationItem, *, form: Any = None,
                    staged: dict[str, Any] | None = None, status: int = 200) -> HttpResponse:
    files = services.progress_files(item)
    progress = list(item.progress.all())
    for report in progress:
        row: Any = report  # the page reads each report's files next to it
        row.files = files.get(report.pk, [])
    can_report = bool(park_item_workflow.available(item, request.user))
    if form is not None and not can_report:  # refused for the item's state: no form to show it on
        messages.error(request, _form_errors(form))
    return render(request, "assistance/park_item.html", {
        "item": item, "status_label": park_item_workflow.state_label(item.status),
        "progress": progress, "can_report": can_report,
        "progress_form": form or F.ParkProgressForm(initial={"percent": item.percent, "on": timezone.localdate()}),
        "history": park_item_workflow.history(item), "staged": staged or {}}, status=status)


@login_required
@acts_on("assistance.ParkRemediationItem", action="progress")
@require_POST
def park_progress(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _park_item_for(request.user, pk)
    form = F.ParkProgressForm(request.POST)
    refused, staged = _submit_with_files(
        request, form, "files", services.check_progress_file,
        lambda d, files: services.park_progress_add(actor=request.user, item=item, **d, files=files), "已记录进展")
    if refused and (request.POST.get("next") == "item" or request.FILES or staged):
        # the item's page again with what was typed and the files kept (a redirect would lose them)
        return _park_item_page(request, _park_item_for(request.user, pk), form=form, staged=staged, status=refused)
    if refused:
        messages.error(request, _form_errors(form))
    if request.POST.get("next") == "item":
        return redirect("assistance:park_item", pk=item.pk)
    return redirect("assistance:park", pk=item.park_id)


# -- first-use processes (III.4) -------------------------------------------------------------------------------


@login_required
@acts_on("assistance.FirstUseProcess")
@for_roles(*STAFF, SYSADMIN, ENTERPRISE, DEPARTMENT)
def first_use_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    rows = list(FirstUseProcess.objects.restrict(user).select_related("enterprise")[:200])
    for r in rows:
        r.state_label = first_use_workflow.state_label(r.state)
    form = F.FirstUseForm(request.POST or None) if changes_kind(user, FirstUseProcess) else None
    if form is not None and request.method == "POST" and form.is_valid():
        result: dict[str, Any] = {}

        def call() -> None:
            result["x"] = services.first_use_create(actor=user, **form.cleaned_data)

        if _run(request, call, "已填报，请上传论证材料后提交市局", form):
            return redirect("assistance:first_use_detail", pk=result["x"].pk)
    return render(request, "assistance/first_use.html", {"rows": rows, "form": form})


def _first_use_for(user: Any, pk: int) -> FirstUseProcess:
    item = (FirstUseProcess.objects.restrict(user).select_related("enterprise", "licensing_application")
            .filter(pk=pk).first())
    if item is None:
        raise Http404
    return item


@login_required
@acts_on("assistance.FirstUseProcess")
def first_use_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    item = _first_use_for(user, pk)
    actions = first_use_workflow.available(item, user)
    codes = [t.action for t in actions]
    if request.method == "POST":
        form = F.FirstUseActForm(request.POST, actions=codes)
        form.is_valid()
        action = request.POST.get("action", "")
        _run(request, lambda: services.first_use_transition(
            actor=user, item=item, action=action, note=form.cleaned_data.get("note") or "",
            meeting_on=form.cleaned_data.get("meeting_on")), "已办理")
        return redirect("assistance:first_use_detail", pk=pk)
    return _first_use_page(request, item, codes, actions)


def _first_use_page(request: AuthenticatedRequest, item: FirstUseProcess, codes: list[str], actions: list[Any], *,
                    upload_form: Any = None, staged: dict[str, Any] | None = None, status: int = 200
                    ) -> HttpResponse:
    user = request.user
    materials: dict[str, list[Any]] = {purpose: [] for purpose in FirstUseProcess.MATERIALS}
    for attachment in item.attachments().order_by("id"):
        materials.setdefault(attachment.purpose, []).append(attachment)
    uploads = (item.state == "draft"
               and FirstUseProcess.objects.restrict(user, "change").filter(pk=item.pk).exists())
    if upload_form is not None and not uploads:  # refused for the record's state: no form to show it on
        messages.error(request, _form_errors(upload_form))
    panel_form = None
    if "panel" in codes:
        experts = Expert.objects.filter(available=True).order_by("specialty", "name")
        panel_form = F.FirstUsePanelForm(experts=experts)
    return render(request, "assistance/first_use_detail.html", {
        "x": item, "state_label": first_use_workflow.state_label(item.state),
        "actions": [t for t in actions if t.action != "panel"],
        "form": F.FirstUseActForm(actions=codes), "history": first_use_workflow.history(item),
        "materials": [(FirstUseProcess.MATERIALS.get(p, p), files) for p, files in materials.items()],
        "upload_form": (upload_form or F.FirstUseUploadForm()) if uploads else None, "panel_form": panel_form,
        "panel": item.panel.select_related("expert"), "documents": item.documents(), "staged": staged or {}},
        status=status)


@login_required
@acts_on("assistance.FirstUseProcess", action="change")
@require_POST
def first_use_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _first_use_for(request.user, pk)
    form = F.FirstUseUploadForm(request.POST)
    refused, staged = _submit_with_files(
        request, form, "files", services.check_material_file,
        lambda d, files: services.first_use_upload(actor=request.user, item=item, purpose=d["purpose"], files=files),
        "已上传")
    if refused:  # the page again with the chosen category and the files kept (a redirect would lose them)
        item = _first_use_for(request.user, pk)
        actions = first_use_workflow.available(item, request.user)
        return _first_use_page(request, item, [t.action for t in actions], actions, upload_form=form, staged=staged,
                               status=refused)
    return redirect("assistance:first_use_detail", pk=pk)


@login_required
@acts_on("assistance.FirstUseProcess", action="panel")
@require_POST
def first_use_panel(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = _first_use_for(request.user, pk)
    experts = Expert.objects.filter(available=True)
    _submit(request, F.FirstUsePanelForm(request.POST, experts=experts),
            lambda d: services.first_use_panel(actor=request.user, item=item, experts=list(d["experts"]),
                                               leader=d["leader"]), "已组成论证专家组")
    return redirect("assistance:first_use_detail", pk=pk)


# -- observation visits (III.5) --------------------------------------------------------------------------------


@login_required
@acts_on("assistance.ObservationSignup")
@for_roles(*STAFF, SYSADMIN, ENTERPRISE)
def observation_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    batches = list(ObservationBatch.objects.restrict(user).select_related("pilot").annotate(n=Count("signups"))
                   .order_by("-year", "visit_on")[:50])
    signups = (ObservationSignup.objects.restrict(user).filter(batch__in=[b.pk for b in batches])
               .select_related("enterprise", "batch"))
    by_batch: dict[int, list[Any]] = {}
    for s in signups:
        s.status_label = observation_workflow.state_label(s.status)
        s.actions = observation_workflow.available(s, user)
        by_batch.setdefault(s.batch_id, []).append(s)
    for b in batches:
        b.my_signups = by_batch.get(b.pk, [])
    batch_form = None
    manages = changes_kind(user, ObservationBatch)
    if manages:
        batch_form = F.BatchForm(request.POST or None, enterprises=Enterprise.objects.restrict(user))
        if request.method == "POST" and batch_form.is_valid():
            if _run(request, lambda: services.observation_batch_create(actor=user, **batch_form.cleaned_data),
                    "已安排观摩批次", batch_form):
                return redirect("assistance:observations")
    return render(request, "assistance/observations.html", {
        "batches": batches, "may_sign_up": changes_kind(user, ObservationSignup), "manages": manages,
        "form": F.SignupForm(), "batch_form": batch_form, "today": timezone.localdate()})


@login_required
@for_roles(ENTERPRISE)
@require_POST
def observation_signup(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    batch = ObservationBatch.objects.restrict(request.user).filter(pk=pk).first()
    if batch is None:
        raise Http404
    form = F.SignupForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写参加人员")
    else:
        _run(request, lambda: services.observation_signup(actor=request.user, batch=batch,
                                                          attendees=form.cleaned_data["attendees"]), "已报名")
    return redirect("assistance:observations")


def _signup_for(user: Any, pk: int) -> ObservationSignup:
    signup = (ObservationSignup.objects.restrict(user).select_related("enterprise", "batch__pilot")
              .filter(pk=pk).first())
    if signup is None:
        raise Http404
    return signup


@login_required
@acts_on("assistance.ObservationSignup")
def observation_signup_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    signup = _signup_for(request.user, pk)
    return render(request, "assistance/observation_signup.html", {
        "s": signup, "status_label": observation_workflow.state_label(signup.status),
        "actions": observation_workflow.available(signup, request.user),
        "history": observation_workflow.history(signup)})


@login_required
@acts_on("assistance.ObservationSignup", action="attend")
@require_POST
def observation_attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    signup = _signup_for(request.user, pk)
    _run(request, lambda: services.observation_attendance(actor=request.user, signup=signup,
                                                          attended=request.POST.get("attended") == "1"), "已登记出勤")
    if request.POST.get("next") == "signup":
        return redirect("assistance:observation_signup_detail", pk=pk)
    return redirect("assistance:observations")


@login_required
@for_roles(*STAFF, SYSADMIN)
@acts_on("assistance.ObservationSignup")
def observation_coverage_page(request: AuthenticatedRequest) -> HttpResponse:
    """Which producers of the jurisdiction have taken part in a visit this year, and which not (measure III.5)."""
    today = timezone.localdate()
    year = (parse_int(request.GET["year"], field="year", label="年度", minimum=2000, maximum=today.year + 1)
            if request.GET.get("year") else today.year)
    status = request.GET.get("status") or None
    coverage = observation_coverage(request.user, year, status if status in STATUS_LABELS else None)
    return render(request, "assistance/observation_coverage.html", {
        "coverage": coverage, "year": year, "status": status, "statuses": [(key, label, coverage.summary[key]) for key, label in STATUS_LABELS.items()],
        "years": range(today.year + 1, today.year - 4, -1)})


# -- safety-evaluation agencies (II.9) -------------------------------------------------------------------------


@login_required
@for_roles(*STAFF, SYSADMIN, AGENCY)
def agency_list(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if user.has_role(AGENCY):  # an agency's own page
        agency = (AssessmentAgency.objects.filter(organisation_id=user.organisation_id).first()
                  if user.organisation_id else None)
        if agency is None:
            raise Http404
        return redirect("assistance:agency", pk=agency.pk)
    agencies = list(AssessmentAgency.objects.annotate(n_staff=Count("staff", distinct=True),
                                                      n_reports=Count("reports", distinct=True)))
    credits = services.agency_credits(agencies)
    for agency in agencies:
        row: Any = agency  # the page reads the score next to the register's fields
        row.credit = credits[agency.pk]
    return render(request, "assistance/agencies.html", {"agencies": agencies, "today": timezone.localdate()})


@login_required
@for_roles(*STAFF, SYSADMIN, AGENCY)
def agency_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    agency = AssessmentAgency.objects.filter(pk=pk).prefetch_related("scopes").first()
    is_agency = user.has_role(AGENCY)
    is_own = agency is not None and is_agency and agency.organisation_id == user.organisation_id
    if agency is None or (is_agency and not is_own):  # an agency sees its own register entry, the officers all
        raise Http404
    form = None
    status = 200
    staged: dict[str, Any] = {}
    if is_own:
        form = F.ReportForm(request.POST or None, request.FILES or None, enterprises=Enterprise.objects.all(),
                            staff=agency.staff.filter(active=True))
        if request.method == "POST":
            try:
                # the report file chosen now, else the one kept from a refused filing (kernel/staging.py)
                with staging.claiming(request) as posted:
                    form = F.ReportForm(request.POST, posted, enterprises=Enterprise.objects.all(),
                                        staff=agency.staff.filter(active=True))
                    if not form.is_valid():
                        raise DomainError("")  # the form's own messages; the file is kept
                    services.report_file(actor=user, **form.cleaned_data)
            except DomainError as exc:
                staged = staging.refused_file_form(request, form, exc, "file", services.check_report_file)
                status = 400
            else:
                messages.success(request, "已报送评价报告")
                return redirect("assistance:agency", pk=pk)
    reports = list(AgencyReport.objects.restrict(user).filter(agency=agency).select_related("enterprise", "scope")
                   .prefetch_related("signers", "spot_checks")[:100])
    files = services.report_files(reports)
    for report in reports:
        report.file = files.get(report.pk)
    may_check = changes_kind(user, AgencyReport)
    return render(request, "assistance/agency.html", {
        "a": agency, "staff": agency.staff.all(), "reports": reports, "form": form,
        "may_check": may_check, "is_own": is_own,
        "credit": services.agency_credit(agency), "records": agency.credit_records.all()[:50],
        "check_form": F.SpotCheckForm(), "staged": staged}, status=status)


@login_required
@acts_on("assistance.AgencyReport", action="change")
@require_POST
def report_spot_check(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    report = AgencyReport.objects.restrict(request.user).select_related("agency", "enterprise").filter(pk=pk).first()
    if report is None:
        raise Http404
    draw = None
    draw_id = parse_id(request.POST.get("draw"), field="draw")
    if draw_id is not None:
        draw = _draws_for(request.user).filter(pk=draw_id, kind=RecordedDraw.Kind.SPOT_CHECK).first()
        if draw is None:
            raise Http404
    _submit(request, F.SpotCheckForm(request.POST),
            lambda d: services.spot_check(actor=request.user, report=report, draw=draw, **d), "已记录抽查结果和信用记录")
    if draw is not None:
        return redirect("assistance:draw", pk=draw.pk)
    return redirect("assistance:agency", pk=report.agency_id)


@login_required
@for_roles(*STAFF, SYSADMIN)
def spot_check_draws(request: AuthenticatedRequest) -> HttpResponse:
    """Random spot checks of agency reports: the draw form and the draws made in the user's jurisdiction."""
    user = request.user
    form = F.SpotCheckDrawForm(request.POST or None, initial={
        "issued_from": timezone.localdate().replace(month=1, day=1), "issued_to": timezone.localdate()}) \
        if changes_kind(user, AgencyReport) else None
    if form is not None and request.method == "POST" and form.is_valid():
        result: dict[str, RecordedDraw] = {}

        def call() -> None:
            result["d"] = services.spot_check_draw(actor=user, **form.cleaned_data)

        if _run(request, call, "已随机抽取评价报告", form):
            return redirect("assistance:draw", pk=result["d"].pk)
    draws = _draws_for(user).filter(kind=RecordedDraw.Kind.SPOT_CHECK).select_related("drawn_by")[:50]
    return render(request, "assistance/spot_check_draws.html", {"form": form, "draws": draws},
                  status=400 if form is not None and form.errors else 200)


@public_view
def public_agencies(request: HttpRequest) -> HttpResponse:
    """The public registry of the safety-evaluation agencies working in the city (no login): name, qualification
    certificate number, licensed business fields, validity and credit score — what the law publishes, no person."""
    agencies = list(AssessmentAgency.objects.filter(published=True).prefetch_related("scopes").order_by("name"))
    credits = services.agency_credits(agencies)
    for agency in agencies:
        row: Any = agency
        row.credit = credits[agency.pk]
    return render(request, "assistance/public_agencies.html", {"agencies": agencies, "today": timezone.localdate()})


@public_view
def public_agency(request: HttpRequest, pk: int) -> HttpResponse:
    """One agency's public entry and its credit events (spot-check results with points)."""
    agency = AssessmentAgency.objects.filter(pk=pk, published=True).prefetch_related("scopes").first()
    if agency is None:
        raise Http404
    return render(request, "assistance/public_agency.html", {
        "a": agency, "credit": services.agency_credit(agency), "records": agency.credit_records.all()[:100],
        "today": timezone.localdate()})


# -- work-injury prevention courses (III.7) --------------------------------------------------------------------


def _co_organised(user: Any, qs: Any) -> Any:
    """The human-resources bureau's account sees the courses it co-organises (measure III.7)."""
    if user.has_role(DEPARTMENT) and not changes_kind(user, Course):
        return qs.filter(co_organiser_id=user.organisation_id) if user.organisation_id else qs.none()
    return qs


@login_required
@acts_on("assistance.Course")
@for_roles(*STAFF, SYSADMIN, ENTERPRISE, DEPARTMENT, INDIVIDUAL)
def course_list(request: AuthenticatedRequest) -> HttpResponse:
    form = F.CourseForm(request.POST or None) if changes_kind(request.user, Course) else None
    if form is not None and request.method == "POST" and form.is_valid():
        if _run(request, lambda: services.course_create(actor=request.user, **form.cleaned_data), "已开设培训班", form):
            return redirect("assistance:courses")
    courses = _co_organised(request.user, Course.objects.restrict(request.user))
    if request.user.has_role(INDIVIDUAL) and not request.user.role_codes & {*STAFF, ENTERPRISE, DEPARTMENT}:
        courses = courses.none()  # a trainee reads its own enrolments below
    courses = courses.annotate(
        n=Count("enrolments", distinct=True), n_sessions=Count("sessions", distinct=True)).order_by("-starts_on")[:50]
    mine = None
    if request.user.has_role(INDIVIDUAL):  # a trainee's own enrolments and certificates (by the ID number)
        mine = list(Enrolment.objects.restrict(request.user).select_related("course", "enterprise")[:50])
        for e in mine:
            e.status_label = enrolment_workflow.state_label(e.status)
    return render(request, "assistance/courses.html", {"courses": courses, "form": form, "mine": mine,
                                                       "today": timezone.localdate()})


def _course_for(user: Any, pk: int) -> Course:
    course = (_co_organised(user, Course.objects.restrict(user)).select_related("co_organiser")
              .annotate(n=Count("enrolments")).filter(pk=pk).first())
    if course is None:
        raise Http404
    return course


@login_required
@acts_on("assistance.Course")
@for_roles(*STAFF, SYSADMIN, ENTERPRISE, DEPARTMENT)
def course_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    user = request.user
    course = _course_for(user, pk)
    form = F.EnrolForm(request.POST or None) if changes_kind(user, Enrolment) else None
    if form is not None and request.method == "POST" and form.is_valid():
        if _run(request, lambda: services.course_enrol(actor=user, course=course, **form.cleaned_data), "已报名", form):
            return redirect("assistance:course", pk=pk)
    enrolments = list(Enrolment.objects.restrict(user).filter(course=course).select_related("enterprise", "course")
                      .prefetch_related("attendance"))
    docs = {}
    if enrolments:
        ct = ContentType.objects.get_for_model(Enrolment)
        docs = {d.object_id: d for d in Document.objects.filter(content_type=ct,
                                                                object_id__in=[e.pk for e in enrolments])}
    sessions = list(course.sessions.all())
    today = timezone.localdate()
    for e in enrolments:
        e.certificate = docs.get(e.pk)
        e.status_label = enrolment_workflow.state_label(e.status)
        # with planned sessions, attendance is recorded per session below; the whole-course buttons stay for
        # courses without sessions
        e.actions = [t for t in enrolment_workflow.available(e, user)
                     if t.action == "certify" or (not sessions and t.target != e.status)]
        e.by_session = {a.session_id: a for a in e.attendance.all()}
        e.hours_attended = sum(a.hours for a in e.by_session.values() if a.present)
    records = bool(enrolments) and any(enrolment_workflow.available(e, user) for e in enrolments)
    for session in sessions:
        shown: Any = session  # the page reads whether it is held and each trainee's attendance
        shown.held = session.on <= today
        shown.rows = [(e, e.by_session.get(session.pk)) for e in enrolments]
    return render(request, "assistance/course.html", {
        "course": course, "enrolments": enrolments, "form": form, "sessions": sessions,
        "manages": changes_kind(user, Course), "records": records,
        "session_form": F.SessionForm(initial={"on": course.starts_on}) if changes_kind(user, Course) else None})


@login_required
@acts_on("assistance.Course", action="change")
@require_POST
def course_session_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    course = _course_for(request.user, pk)
    _submit(request, F.SessionForm(request.POST),
            lambda d: services.course_session_add(actor=request.user, course=course, **d), "已安排课次")
    return redirect("assistance:course", pk=pk)


@login_required
@acts_on("assistance.Enrolment", action="attend")
@require_POST
def session_attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One session's attendance for every trainee the user may record (a checkbox and the hours per trainee)."""
    session = CourseSession.objects.filter(pk=pk).select_related("course").first()
    if session is None or not _co_organised(request.user, Course.objects.restrict(request.user)).filter(
            pk=session.course_id).exists():
        raise Http404
    marks: dict[int, tuple[bool, str]] = {}
    for enrolment in Enrolment.objects.restrict(request.user, "attend").filter(course_id=session.course_id):
        present = request.POST.get(f"present_{enrolment.pk}") == "1"
        marks[enrolment.pk] = (present, request.POST.get(f"hours_{enrolment.pk}") or "")
    _run(request, lambda: services.session_attendance_record(actor=request.user, session=session, marks=marks),
         f"已登记 {len(marks)} 名学员的出勤")
    return redirect("assistance:course", pk=session.course_id)


def _enrolment_for(user: Any, pk: int) -> Enrolment:
    enrolment = Enrolment.objects.restrict(user).select_related("course", "enterprise").filter(pk=pk).first()
    if enrolment is None:
        raise Http404
    return enrolment


@login_required
@acts_on("assistance.Enrolment")
def enrolment_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(request.user, pk)
    own_id = request.user.id_number  # the trainee's own account shows the full number; everyone else a mask
    return render(request, "assistance/enrolment.html", {
        "e": enrolment, "status_label": enrolment_workflow.state_label(enrolment.status),
        "course_page": bool(request.user.role_codes & {*STAFF, SYSADMIN, ENTERPRISE, DEPARTMENT}),
        "id_shown": enrolment.id_number if own_id and own_id == enrolment.id_number else enrolment.id_number_masked,
        "attendance": enrolment.attendance.select_related("session"),
        "actions": [t for t in enrolment_workflow.available(enrolment, request.user)
                    if t.action == "certify" or (t.target != enrolment.status
                                                 and not enrolment.course.sessions.exists())],
        "documents": enrolment.documents(),
        "history": enrolment_workflow.history(enrolment)})


def _back_to(request: AuthenticatedRequest, enrolment: Enrolment) -> HttpResponse:
    if request.POST.get("next") == "enrolment":
        return redirect("assistance:enrolment", pk=enrolment.pk)
    return redirect("assistance:course", pk=enrolment.course_id)


@login_required
@acts_on("assistance.Enrolment", action="attend")
@require_POST
def course_attendance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(request.user, pk)
    _run(request, lambda: services.course_attendance(actor=request.user, enrolment=enrolment,
                                                     attended=request.POST.get("attended") == "1"), "已登记出勤")
    return _back_to(request, enrolment)


@login_required
@acts_on("assistance.Enrolment", action="certify")
@require_POST
def course_certify(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment_for(request.user, pk)
    _run(request, lambda: services.course_certify(actor=request.user, enrolment=enrolment), "已出具结业证明")
    return _back_to(request, enrolment)


@login_required
@acts_on("assistance.Checkup")
def index(request: AuthenticatedRequest) -> HttpResponse:
    return redirect("assistance:checkups")
