"""Reads of the register for views, exports and the API — always scoped to the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from bureau.accounts.models import User
from bureau.enterprises.models import Enterprise


def enterprise_list(user: User | AnonymousUser, params: Any) -> QuerySet[Enterprise]:
    qs = Enterprise.objects.restrict(user).select_related("region", "chemical_park")
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc__startswith=q.upper()))
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    if params.get("industry"):
        qs = qs.filter(industry=params["industry"])
    if params.get("is_key") in {"1", "0"}:
        qs = qs.filter(is_key=params["is_key"] == "1")
    if params.get("grade") is not None and params.get("grade") != "":
        qs = qs.filter(standardization_grade="" if params["grade"] == "none" else params["grade"])
    if params.get("credit"):
        qs = qs.filter(credit_grade__startswith=params["credit"])
    if params.get("park"):
        qs = qs.filter(chemical_park__code=params["park"])
    return qs.order_by("region_id", "name", "id")


def get_enterprise_for(user: User | AnonymousUser, pk: int) -> Enterprise:
    """The enterprise if the user may see it; 404 otherwise (never reveal another county's record)."""
    enterprise = (Enterprise.objects.restrict(user).select_related("region", "chemical_park")
                  .filter(pk=pk).first())
    if enterprise is None:
        raise Http404("企业不存在")
    return enterprise
