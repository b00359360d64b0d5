"""Pages of the alarm intake (工业互联网+危化安全生产, measure III.5): the alarms (the enterprise its own, the
county its jurisdiction) and the enterprise's monitoring-system credentials (secret shown once)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bureau.accounts.authority import changes_kind
from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import ENTERPRISE, SYSADMIN
from bureau.hazards import alarm_queries, alarms
from bureau.hazards.models import Alarm, AlarmSource, AlarmSystem
from bureau.hazards.workflow import STAFF
from bureau.kernel.access import acts_on, for_roles
from bureau.kernel.errors import DomainError
from bureau.kernel.forms import BureauForm
from bureau.kernel.paging import paginate

READERS = (ENTERPRISE, *sorted(STAFF), SYSADMIN)


class AlarmFilterForm(BureauForm):
    state = forms.ChoiceField(label="状态", choices=[("", "全部"), *Alarm.State.choices], required=False)
    level = forms.ChoiceField(label="报警级别", choices=[("", "全部"), *Alarm.Level.choices], required=False)


class AlarmSourceForm(BureauForm):
    name = forms.CharField(label="系统名称", max_length=80,
                           widget=forms.TextInput(attrs={"type": "text", "placeholder": "如：罐区可燃气体检测系统"}))
    system = forms.ChoiceField(label="系统类型", choices=AlarmSystem.choices)


STATE_CHIP = {"open": "due", "cleared": "done", "lead": "overdue"}


@login_required
@for_roles(*READERS)
@acts_on("hazards.Alarm")
def alarm_list(request: AuthenticatedRequest) -> HttpResponse:
    form = AlarmFilterForm(request.GET or None)
    page = paginate(alarm_queries.alarm_list(request.user, request.GET), request.GET)
    for a in page.rows:
        a.chip = STATE_CHIP.get(a.state, "running")
    return render(request, "hazards/alarms.html", {
        "form": form, "page": page, "is_enterprise": bool(request.user.enterprise_id)})


def _sources_page(request: AuthenticatedRequest, form: AlarmSourceForm | None = None,
                  issued: tuple[AlarmSource, str] | None = None) -> HttpResponse:
    user = request.user
    manages = bool(user.enterprise_id) and changes_kind(user, AlarmSource)
    return render(request, "hazards/alarm_sources.html", {
        "sources": list(alarm_queries.alarm_sources(user)[:200]), "manages": manages,
        "form": form or (AlarmSourceForm() if manages else None), "issued": issued,
        "endpoint": request.build_absolute_uri("/api/v1/hazards/alarms/intake")})


@login_required
@for_roles(*READERS)
@acts_on("hazards.AlarmSource")
def alarm_sources(request: AuthenticatedRequest) -> HttpResponse:
    if request.method != "POST":
        return _sources_page(request)
    form = AlarmSourceForm(request.POST)
    if form.is_valid():
        try:
            source, secret = alarms.alarm_source_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            # the secret is rendered into this answer only (never stored in the session or a redirect)
            return _sources_page(request, issued=(source, secret))
    return _sources_page(request, form=form)


@login_required
@for_roles(ENTERPRISE)
@acts_on("hazards.AlarmSource", action="change")
@require_POST
def alarm_source_rotate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    source = alarm_queries.get_alarm_source_for(request.user, pk)
    try:
        secret = alarms.alarm_source_rotate(actor=request.user, source=source)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("hazards:alarm_sources")
    return _sources_page(request, issued=(source, secret))


@login_required
@for_roles(ENTERPRISE)
@acts_on("hazards.AlarmSource", action="change")
@require_POST
def alarm_source_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    source = alarm_queries.get_alarm_source_for(request.user, pk)
    active = request.POST.get("active") == "1"
    try:
        alarms.alarm_source_set_active(actor=request.user, source=source, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已{'启用' if active else '停用'}：{source.name}")
    return redirect("hazards:alarm_sources")
