"""Scoped reads for views, the API, the indicators and the portal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bureau.accounts.authority import restrict_key
from bureau.enterprises.models import Enterprise
from bureau.inspection.checklists import checklist_in_force
from bureau.inspection.models import (
    PARTY_STATES,
    AnnualPlan,
    Checklist,
    DocumentService,
    Draw,
    Inspection,
    InspectionResult,
    PatrolPlan,
    PatrolRecord,
    ResultOutcome,
    ServiceConsent,
)
from bureau.kernel.models import Document
from bureau.kernel.prepared import PreparedRows
from bureau.kernel.registry import Indicator, IndicatorQuery
from bureau.kernel.validation import id_param


def inspection_list(user: Any, params: Any) -> QuerySet[Inspection]:
    qs = Inspection.objects.restrict(user).select_related("enterprise", "region", "organisation")
    if params.get("state"):
        qs = qs.filter(state=params["state"])
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    if params.get("mine") == "1":
        qs = qs.filter(officers=user)
    return qs.order_by("-created_at", "-id")


def get_inspection_for(user: Any, pk: int) -> Inspection:
    row = (Inspection.objects.restrict(user).select_related("enterprise", "enterprise__region", "organisation",
                                                              "checklist", "draw", "plan_entry__plan")
           .filter(pk=pk).first())
    if row is None:
        raise Http404("检查不存在")
    return row


def plan_list(user: Any) -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.restrict(user).select_related("organisation").annotate(
        entry_count=Count("entries")).order_by("-year", "organisation__sort")


def get_plan_for(user: Any, pk: int) -> AnnualPlan:
    row = AnnualPlan.objects.restrict(user).select_related("organisation").filter(pk=pk).first()
    if row is None:
        raise Http404("计划不存在")
    return row


def draw_list(user: Any) -> QuerySet[Draw]:
    return Draw.objects.restrict(user).select_related("organisation").defer(
        "pool_text", "excluded", "params_text", "conflicts").order_by("-announced_at", "-id")


def get_draw_for(user: Any, pk: int) -> Draw:
    row = Draw.objects.restrict(user).select_related("organisation", "checklist", "redo_of").filter(pk=pk).first()
    if row is None:
        raise Http404("抽查不存在")
    return row


def public_draws() -> QuerySet[Draw]:
    return Draw.objects.filter(published_at__isnull=False).select_related("organisation").defer(
        "pool_text", "excluded", "params_text", "conflicts").order_by("-announced_at", "-id")


def public_draw(pk: int) -> Draw | None:
    """A published draw, whole (pool included): the public record anyone may re-run."""
    return Draw.objects.filter(published_at__isnull=False, pk=pk).select_related("organisation", "checklist").first()


def draw_checklists(draw: Draw) -> list[Checklist]:
    """The 检查事项 a draw publishes: the checklist versions its tasks use (each task's own checklist; for a drawn
    enterprise whose task is not created yet, the one its task will get: the draw's checklist, which fits the drawn
    industry, or the version of the enterprise's industry in force on the day of the draw)."""
    used = dict(Inspection.objects.filter(draw=draw).exclude(state="cancelled")
                .values_list("enterprise_id", "checklist_id"))
    ids = set(used.values())
    missing = [int(e) for e in draw.selected if int(e) not in used]
    if missing:
        day = timezone.localdate(draw.made_at)
        for industry in set(Enterprise.objects.filter(pk__in=missing).values_list("industry", flat=True)):
            if draw.checklist is not None and industry in (draw.checklist.industries or []):
                ids.add(draw.checklist.pk)
            else:
                checklist = checklist_in_force(industry, day)
                if checklist is not None:
                    ids.add(checklist.pk)
    return list(Checklist.objects.filter(pk__in=ids).prefetch_related("items").order_by("name", "-effective_from"))


def violation_codes_for_finding(hazard: Any) -> list[str]:
    """The violation codes (benchmark rows, docs/penalties.md) that the checklist item of an inspection finding can
    prove: a hazard found by an inspection carries its item's codes, so that a case opened from it proposes the
    benchmark violation. Empty for a hazard that is not an inspection finding. The caller has checked that the user
    sees the hazard."""
    hazard_id = getattr(hazard, "pk", hazard)
    if not hazard_id:
        return []
    result = (InspectionResult.objects.filter(hazard_id=hazard_id, outcome=ResultOutcome.FINDING)
              .select_related("item").order_by("id").first())
    return list(result.item.violation_codes or []) if result is not None else []


def public_plans() -> QuerySet[AnnualPlan]:
    return AnnualPlan.objects.filter(state="approved", published_at__isnull=False).select_related(
        "organisation").order_by("-year", "organisation__sort")


def patrol_plans(user: Any) -> QuerySet[PatrolPlan]:
    return PatrolPlan.objects.restrict(user).select_related("organisation").order_by("-year", "industry")


def recordable_patrol_plans(user: Any, bureau: Any) -> QuerySet[PatrolPlan]:
    """The plans an officer records patrols under: the active plans of the officer's own bureau (a county's officers
    record under the county's plans, adopted from the city's or its own, so that the county handles the leads)."""
    return patrol_plans(user).filter(is_active=True, organisation=bureau)


def patrol_records(user: Any, params: Any) -> QuerySet[PatrolRecord]:
    qs = PatrolRecord.objects.restrict(user).select_related("enterprise", "plan", "officer", "inspection")
    if params.get("lead"):
        qs = qs.filter(lead_state=params["lead"])
    return qs.order_by("-patrolled_on", "-id")


def _enterprise_param(params: Any) -> int | None:
    return id_param(params, "enterprise", "企业")


def inspection_search(user: Any, term: str, params: Any, limit: int) -> list[Inspection]:
    """The inspection picker's search: inspections the user sees by number or enterprise name, newest first;
    `carried_out=1` only those the officers checked in to (a case is opened from what an inspection found)."""
    qs = Inspection.objects.restrict(user).select_related("enterprise")
    if params.get("carried_out") == "1":
        qs = qs.filter(state__in=PARTY_STATES)
    enterprise = _enterprise_param(params)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if term:
        qs = qs.filter(Q(number__icontains=term) | Q(enterprise__name__contains=term))
    return list(qs.order_by("-created_at", "-id")[:limit])


def patrol_search(user: Any, term: str, params: Any, limit: int) -> list[PatrolRecord]:
    """The patrol picker's search: records the user sees by number (#12), enterprise name or finding, newest
    first; `lead=open` only the leads waiting to be handled."""
    qs = PatrolRecord.objects.restrict(user).select_related("enterprise")
    if params.get("lead") == "open":
        qs = qs.filter(lead_state="open")
    enterprise = _enterprise_param(params)
    if enterprise:
        qs = qs.filter(enterprise_id=enterprise)
    if term:
        number = term.lstrip("#＃")
        condition = Q(enterprise__name__contains=term) | Q(finding__contains=term)
        qs = qs.filter(condition | Q(pk=int(number)) if number.isdigit() and len(number) < 18 else condition)
    return list(qs.order_by("-patrolled_on", "-id")[:limit])


def get_patrol_record_for(user: Any, pk: int) -> PatrolRecord:
    row = patrol_records(user, {}).filter(pk=pk).first()
    if row is None:
        raise Http404("巡查记录不存在")
    return row


def _regions(query: IndicatorQuery, field: str = "region_id") -> Q:
    if query.region:
        return Q(**{field: query.region})
    if query.regions is not None:
        return Q(**{f"{field}__in": sorted(query.regions)})
    return Q()


# An inspection is counted by the indicators once it was carried out: the officers checked in (扫码入企, 国办发〔2024〕54号
# counts an inspection as an entry into the enterprise), not when the task was created, approved or planned.
CARRIED_OUT_STATES = PARTY_STATES


def _period(query: IndicatorQuery) -> tuple[dt.datetime, dt.datetime]:
    return (timezone.make_aware(dt.datetime.combine(query.start, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(query.end, dt.time.max)))


def carried_out(query: IndicatorQuery) -> QuerySet[Inspection]:
    """The inspections carried out (checked in) in the period and regions of the query."""
    start, end = _period(query)
    return Inspection.objects.filter(_regions(query), state__in=CARRIED_OUT_STATES, checked_in_at__range=(start, end))


def indicator_values(query: IndicatorQuery) -> list[Indicator]:
    """Inspections per enterprise per year and cap breaches; share of 双随机; share of off-site enforcement. Only
    inspections carried out count (a task nobody visited is not an inspection); an exception above the yearly cap
    counts as approved only once the leader approved it (measure II.4)."""
    from bureau.inspection.services import caps_on

    qs = carried_out(query)
    total = qs.count()
    random = qs.filter(kind="random").count()
    enterprises = qs.values("enterprise_id").distinct().count()
    caps = caps_on(query.end)
    breaches = 0
    per_year = (Inspection.objects.filter(_regions(query), state__in=CARRIED_OUT_STATES, checked_in_at__isnull=False,
                                          year__range=(query.start.year, query.end.year))
                .values("enterprise_id", "year", "enterprise__is_key").annotate(n=Count("id")))
    for row in per_year:
        if row["n"] > (caps.key_max if row["enterprise__is_key"] else caps.general_max):
            breaches += 1
    # measure II.4: above the cap only as an exception approved by the leader in charge; one awaiting the approval
    # (or refused) is not an approved exception, and not an inspection either until the officers check in
    approved_exceptions = qs.filter(over_cap=True, approved_by__isnull=False).count()
    awaiting = Inspection.objects.filter(_regions(query), over_cap=True, state="pending_approval",
                                         created_at__range=_period(query)).count()
    onsite = total
    offsite = PatrolRecord.objects.filter(_regions(query), patrolled_on__range=(query.start, query.end)).count()

    def pct(a: int, b: int) -> float | None:
        return round(a * 100 / b, 1) if b else None

    return [
        Indicator("inspection.per_enterprise", "每家企业年均检查次数", "执法检查",
                  round(total / enterprises, 2) if enterprises else None, "次", total, enterprises,
                  note="受检企业的平均检查次数（只计已入企实施的检查）", higher_is_better=False),
        Indicator("inspection.cap_breaches", "超出年度检查频次上限的企业数", "执法检查", float(breaches), "家",
                  note=f"只计已入企实施的检查；其中经分管负责人批准的例外检查 {approved_exceptions} 次"
                       + (f"，另有 {awaiting} 次待批准（不计入）" if awaiting else ""),
                  higher_is_better=False),
        Indicator("inspection.random_share", "双随机抽查占比", "执法检查", pct(random, total), "%", random, total,
                  note="已入企实施的检查中双随机抽查的比例"),
        Indicator("inspection.offsite_share", "非现场执法占比", "执法检查", pct(offsite, offsite + onsite), "%",
                  offsite, offsite + onsite, note="网上巡查 /（网上巡查 + 已入企实施的现场检查）"),
    ]


def enterprise_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    """On the enterprise page: this year's inspections against the cap, and the check-in QR code link."""
    from bureau.inspection.rules import cap_for
    from bureau.inspection.services import ACTIVE_STATES, caps_on

    if not user.has_role("inspector", "section_head", "leader", "sysadmin"):
        return None
    year = timezone.localdate().year
    rows = list(Inspection.objects.filter(enterprise=enterprise, year=year, state__in=ACTIVE_STATES)
                .select_related("organisation").order_by("-created_at")[:10])
    return {"title": "执法检查", "template": "inspection/_enterprise_panel.html",
            "context": {"rows": rows, "year": year, "cap": cap_for(enterprise.is_key, caps_on()),
                        "enterprise": enterprise}}


# ---- the inspected enterprise's side and the service of documents -------------------------------------------------

def party_inspections(user: Any) -> QuerySet[Inspection]:
    """我的检查记录: the inspections of the user's enterprise that took place (Inspection.authority's grant)."""
    return (Inspection.objects.restrict(user).filter(enterprise_id=user.enterprise_id)
            .select_related("organisation").order_by("-checked_in_at", "-id"))


_PENDING_SERVICES: PreparedRows[DocumentService] = PreparedRows()
_RECTIFYING: PreparedRows[Inspection] = PreparedRows()


def rectifying_inspections(user: Any, limit: int) -> list[Inspection]:
    """`party_inspections(user).filter(state="rectifying")[:limit]` (the workbench), compiled once per scope and
    enterprise (issue 18)."""
    scope = restrict_key(Inspection, user)
    if scope is None:
        return []
    return _RECTIFYING.rows(lambda: party_inspections(user).filter(state="rectifying")[:limit],
                            key=(scope, user.enterprise_id, limit))


def pending_services(user: Any) -> list[DocumentService]:
    """The documents served on the user's enterprise that wait for its 签收, oldest first, with the page to open."""
    from bureau.inspection.services import service_owner_url

    scope = restrict_key(DocumentService, user)
    rows: list[Any] = [] if scope is None else _PENDING_SERVICES.rows(  # compiled once per scope and enterprise (issue 18)
        lambda: (DocumentService.objects.restrict(user).filter(state="pending", enterprise_id=user.enterprise_id)
                 .select_related("document", "document__content_type").order_by("delivered_at", "id")[:50]),
        key=(scope, user.enterprise_id))
    for row in rows:
        row.url = service_owner_url(row)
    return rows


def get_service_for(user: Any, pk: int) -> DocumentService:
    row = DocumentService.objects.restrict(user).select_related("document", "document__content_type").filter(
        pk=pk).first()
    if row is None:
        raise Http404("文书不存在")
    return row


def consent_document(consent: ServiceConsent | None) -> Document | None:
    """The signed 电子送达确认书 (PDF) of a consent."""
    if consent is None:
        return None
    return Document.objects.filter(content_type=ContentType.objects.get_for_model(ServiceConsent),
                                   object_id=consent.pk).first()
