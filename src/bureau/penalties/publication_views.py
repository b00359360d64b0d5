"""Staff pages of 行政执法公示 (行政处罚法 第48条; 国办发〔2018〕118号): the bureau's list (with the overdue ones) and the
actions on a decision's publication — publish now, withhold with a reason, withdraw when the decision is changed or
revoked, mask more names. The public pages are the portal's (bureau.portal.views)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.roles import INSPECTOR, LEADER, SECTION_HEAD, SYSADMIN
from bureau.kernel.access import acts_on, for_roles
from bureau.kernel.errors import DomainError
from bureau.kernel.paging import capped_count, paginate
from bureau.penalties import publicity, publishing
from bureau.penalties.models import DecisionPublication

STAFF = (INSPECTOR, SECTION_HEAD, LEADER, SYSADMIN)
DECIDERS = (SECTION_HEAD, LEADER)


@login_required
@for_roles(*STAFF)
@acts_on("penalties.DecisionPublication")
def publication_list(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    qs = DecisionPublication.objects.restrict(request.user).select_related("enterprise", "case")
    state = request.GET.get("state", "")
    if request.GET.get("overdue") == "1":
        qs = qs.filter(state=publicity.PENDING, due_on__lt=today)
    elif state in publicity.STATE_LABELS:
        qs = qs.filter(state=state)
    page = paginate(qs.order_by("-decided_on", "-id"), request.GET)
    return render(request, "penalties/publications.html", {
        "page": page, "total": capped_count(qs), "today": today, "params": request.GET,
        "states": publicity.STATE_LABELS.items(), "overdue_count": publishing.overdue(request.user, today).count()})


def _publication(request: AuthenticatedRequest, pk: int) -> DecisionPublication:
    publication = (DecisionPublication.objects.restrict(request.user).select_related("case", "enterprise")
                   .filter(pk=pk).first())
    if publication is None:
        raise Http404("公示记录不存在")
    return publication


def _back(request: AuthenticatedRequest, publication: DecisionPublication, call: Callable[[], object],
          success: str) -> HttpResponse:
    try:
        call()
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return redirect(f"/penalties/cases/{publication.case_id}/#publication")


@login_required
@require_POST
@for_roles(*DECIDERS)
@acts_on("penalties.DecisionPublication", action="change")
def publication_publish(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    return _back(request, publication, lambda: publishing.publish(actor=request.user, publication=publication),
                 "已在门户公示")


@login_required
@require_POST
@for_roles(*DECIDERS)
@acts_on("penalties.DecisionPublication", action="change")
def publication_withhold(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    return _back(request, publication, lambda: publishing.withhold(
        actor=request.user, publication=publication, reason=request.POST.get("reason", "")), "已记录不予公开")


@login_required
@require_POST
@for_roles(*DECIDERS)
@acts_on("penalties.DecisionPublication", action="change")
def publication_withdraw(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    try:
        revoked_on = dt.date.fromisoformat(request.POST.get("revoked_on", "").strip()[:10])
    except ValueError:
        revoked_on = None
    return _back(request, publication, lambda: publishing.withdraw(
        actor=request.user, publication=publication, ground=request.POST.get("ground", ""), revoked_on=revoked_on,
        reason=request.POST.get("reason", "")), "已撤回公示信息并公开说明理由")


@login_required
@require_POST
@for_roles(*DECIDERS)
@acts_on("penalties.DecisionPublication", action="change")
def publication_mask(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    names = request.POST.get("names", "").replace("，", "\n").replace(",", "\n").replace("、", "\n").splitlines()
    return _back(request, publication, lambda: publishing.mask_more(
        actor=request.user, publication=publication, names=names), "已更正公示信息")
