"""Reads of the register for views, exports and the API — always scoped to the user."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from bureau.accounts.authority import restrict_key
from bureau.accounts.models import User
from bureau.enterprises.models import Enterprise, EnterpriseStatus, Registration, SupervisionAssignment
from bureau.kernel.prepared import Prepared
from bureau.kernel.validation import PATH_ID_DIGITS, id_param


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


def enterprise_list_key(user: User | AnonymousUser, params: Any) -> Any:
    """Everything `enterprise_list(user, params)` puts into its SQL and parameters, as a hashable key (the register
    page's query is compiled once per key, kernel/paging.paginate_compiled); None when the user sees none."""
    scope = restrict_key(Enterprise, user)
    if scope is None:
        return None
    grade = params.get("grade")
    return ("enterprise_list", scope, (params.get("q") or "").strip(), params.get("region") or None,
            params.get("industry") or None, params.get("is_key") if params.get("is_key") in {"1", "0"} else None,
            None if grade is None or grade == "" else grade, params.get("credit") or None,
            params.get("park") or None)


def enterprise_search(user: User | AnonymousUser, term: str, params: Any, limit: int) -> list[Enterprise]:
    """The picker's search: enterprises the user sees whose name contains the term or whose code starts with it
    (closed ones last); optionally of one industry or region."""
    qs = Enterprise.objects.restrict(user).select_related("region")
    if term:
        qs = qs.filter(Q(name__contains=term) | Q(uscc__startswith=term.upper()))
    if params.get("industry"):
        qs = qs.filter(industry=params["industry"])
    if params.get("region"):
        qs = qs.filter(region_id=params["region"])
    if params.get("active") == "1":
        qs = qs.exclude(status=EnterpriseStatus.CLOSED)
    return list(qs.order_by("name", "id")[:limit])


def enterprise_options(user: User | AnonymousUser, selected: Any = None, limit: int = 50) -> list[tuple[int, str]]:
    """The no-script fallback of an enterprise picker: a short list (the selected one first)."""
    rows = list(Enterprise.objects.restrict(user).exclude(status=EnterpriseStatus.CLOSED)
                .order_by("name", "id").values_list("pk", "name")[:limit])
    text = str(selected or "")
    chosen_id = int(text) if text.isdigit() and len(text) <= PATH_ID_DIGITS else None  # 64-bit ids only
    if chosen_id and all(pk != chosen_id for pk, _ in rows):
        chosen = Enterprise.objects.restrict(user).filter(pk=chosen_id).values_list("pk", "name").first()
        if chosen:
            rows.insert(0, chosen)
    return rows


_ONE_ENTERPRISE: Prepared[Enterprise] = Prepared(
    lambda pk, user: Enterprise.objects.restrict(user).select_related("region", "chemical_park").filter(pk=pk)
    .order_by("pk")[:1])


def get_enterprise_for(user: User | AnonymousUser, pk: int) -> Enterprise:
    """The enterprise if the user may see it; 404 otherwise (never reveal another county's record)."""
    scope = restrict_key(Enterprise, user)
    found = [] if scope is None else _ONE_ENTERPRISE.all(pk, user, key=scope)  # compiled once per scope (issue 18)
    enterprise = found[0] if found else None
    if enterprise is None:
        raise Http404("企业不存在")
    return enterprise


def supervision_rows(user: User | AnonymousUser, year: int, params: Any) -> QuerySet[SupervisionAssignment]:
    """A year's assignments the user sees, filtered (the rollover page lists the year to copy)."""
    qs = (SupervisionAssignment.objects.restrict(user).filter(year=year)
          .select_related("enterprise", "enterprise__region", "organisation"))
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(enterprise__name__contains=q) | Q(enterprise__uscc__startswith=q.upper()))
    if params.get("region"):
        qs = qs.filter(enterprise__region_id=params["region"])
    if params.get("industry"):
        qs = qs.filter(enterprise__industry=params["industry"])
    if params.get("organisation"):
        qs = qs.filter(organisation_id=id_param(params, "organisation", "监管单位"))
    if params.get("level") in {"city", "county"}:
        qs = qs.filter(level=params["level"])
    if params.get("is_key") in {"1", "0"}:
        qs = qs.filter(enterprise__is_key=params["is_key"] == "1")
    target = SupervisionAssignment.objects.filter(year=year + 1).values("enterprise_id")
    if params.get("target") == "missing":
        qs = qs.exclude(enterprise_id__in=target)
    elif params.get("target") == "assigned":
        qs = qs.filter(enterprise_id__in=target)
    return qs.order_by("enterprise__region_id", "enterprise__name", "enterprise_id")


def supervision_counts(user: User | AnonymousUser, year: int) -> dict[str, int]:
    """For the rollover page: the year's assignments, the next year's, and operating enterprises of the
    jurisdiction that have neither (new registrations: assign them by import)."""
    seen = SupervisionAssignment.objects.restrict(user)
    this_year = seen.filter(year=year)
    next_year = seen.filter(year=year + 1)
    orphans = (Enterprise.objects.restrict(user).exclude(status=EnterpriseStatus.CLOSED)
               .exclude(pk__in=SupervisionAssignment.objects.filter(year__in=(year, year + 1)).values("enterprise_id")))
    return {"source": this_year.count(), "target": next_year.count(),
            "pending": this_year.exclude(enterprise_id__in=next_year.values("enterprise_id")).count(),
            "orphans": orphans.count()}


def registrations_for(user: Any, state: str = "pending") -> QuerySet[Registration]:
    """企业注册申请 of the user's jurisdiction (`restrict`), newest first; `state` "all" for every state."""
    rows = Registration.objects.restrict(user).select_related("region", "decided_by")
    if state != "all":
        rows = rows.filter(state=state)
    return rows.order_by("-created_at", "-id")
