"""Scoped reads of petitions."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.accounts.models import User
from bureau.kernel.registry import WorkItem
from bureau.petitions.models import Petition
from bureau.petitions.workflow import OPEN_STATES, PETITION


def petition_list(user: User, params: Any) -> QuerySet[Petition]:
    qs = Petition.objects.restrict(user).select_related("category", "assigned_org", "region")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(number=q.upper()) | Q(title__contains=q) | Q(hotline_ref=q))
    state = params.get("state")
    if state == "open":
        qs = qs.filter(state__in=OPEN_STATES)
    elif state == "overdue":
        qs = qs.filter(state__in=OPEN_STATES, due_at__lt=timezone.now())
    elif state in PETITION.states:
        qs = qs.filter(state=state)
    if params.get("mine") == "1" and getattr(user, "organisation_id", None):
        qs = qs.filter(assigned_org_id=user.organisation_id)
    if params.get("channel"):
        qs = qs.filter(channel=params["channel"])
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    return qs.order_by("-received_at", "-id")


def petition_search(user: User, term: str, limit: int) -> list[Petition]:
    """The petition picker's search (a case opened from a complaint): the petitions the user sees whose number,
    hotline reference, title or named unit matches, newest first."""
    qs = Petition.objects.restrict(user)
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(hotline_ref=term) | Q(title__contains=term)
                       | Q(enterprise_name__contains=term))
    return list(qs.order_by("-received_at", "-id")[:limit])


def get_petition_for(user: User, pk: int) -> Petition:
    petition = (Petition.objects.restrict(user).select_related("category", "assigned_org", "region",
                                                                 "merged_into", "routing_rule")
                .filter(pk=pk).first())
    if petition is None:
        raise Http404("诉求不存在")
    return petition


def workbench_items(user: User) -> Iterable[WorkItem]:
    """我的待办: tickets dispatched to the user's unit and still open; for dispatchers, tickets to dispatch."""
    org_id = getattr(user, "organisation_id", None)
    if not org_id or getattr(user, "enterprise_id", None):
        return []
    now = timezone.now()
    items = []
    rows = (Petition.objects.filter(assigned_org_id=org_id, state__in=["dispatched", "handling", "supervised",
                                                                        "reopened"])
            .order_by("due_at")[:20])
    for p in rows:
        overdue = p.due_at is not None and p.due_at < now
        items.append(WorkItem(title=f"诉求 {p.number} {p.title}", url=f"/petitions/{p.pk}/", area="诉求办理",
                              status=PETITION.state_label(p.state),
                              due_label=("已超期" if overdue else f"期限 {timezone.localtime(p.due_at):%m-%d %H:%M}")
                              if p.due_at else "", chip="overdue" if overdue else "running",
                              sort_key=p.due_at.isoformat() if p.due_at else ""))
    if user.has_role("clerk"):
        for p in Petition.objects.restrict(user).filter(state__in=["received", "returned", "closed"])[:20]:
            action = "回访" if p.state == "closed" else "派单"
            items.append(WorkItem(title=f"{action}：诉求 {p.number} {p.title}", url=f"/petitions/{p.pk}/",
                                  area="诉求办理", status=PETITION.state_label(p.state), chip="due",
                                  sort_key=p.received_at.isoformat()))
    return items
