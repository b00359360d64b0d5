"""Demo data of the inspection area: checklists, conflicts, the city's approved plan, 盐湖区's submitted plan, a
commit-reveal draw announced and drawn with its inspections (one finished with findings), a city draw announced for
tomorrow, an exception awaiting the leader, patrols."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.utils import timezone

from bureau.accounts.models import Organisation, User
from bureau.enterprises.models import Enterprise, Industry
from bureau.kernel.demo_photos import site_photo
from bureau.kernel.errors import DomainError
from bureau.kernel.management.commands.demo_load import demo_account
from bureau.kernel.registry import register_demo


@register_demo("inspection", order=40)
def load(ctx: Any) -> None:
    from bureau.inspection import services as S
    from bureau.inspection.checklists import load_checklists
    from bureau.inspection.models import ConflictOfInterest, ExceptionReason, PatrolPlan, ResultOutcome

    rng = ctx.rng
    load_checklists()
    year = timezone.localdate().year
    users = {u.username: u for u in User.objects.filter(username__in=[
        "city_inspector", "city_inspector2", "city_inspector3", "city_leader", "yanhu_inspector",
        "yanhu_inspector2", "yanhu_leader"])}
    city = Organisation.objects.get(code="YC-CITY")
    yanhu = Organisation.objects.get(code="YC-140802")
    demo_account("yanhu_leader", "盐湖区分管负责人（批准年度计划、对免检企业的检查）")
    demo_account("yanhu_inspector2", "盐湖区执法人员（与 yanhu_inspector 组成检查组）")

    # Conflicts of interest (回避): declared relations between officers and enterprises.
    some = list(Enterprise.objects.filter(region_id="140802", is_key=False, industry=Industry.METALLURGY_TRADE)
                .order_by("id")[:5])
    ConflictOfInterest.objects.create(officer=users["yanhu_inspector2"], enterprise=some[-1],
                                      reason="配偶在该企业任安全管理人员", declared_on=dt.date(year, 1, 8))
    hazchem = Enterprise.objects.filter(industry=Industry.HAZCHEM_PRODUCTION).order_by("id").first()
    if hazchem is None:
        raise DomainError("演示数据中没有危险化学品生产企业，请先载入企业演示数据")
    ConflictOfInterest.objects.create(officer=users["city_inspector3"], enterprise=hazchem,
                                      reason="近三年曾在该企业任职", declared_on=dt.date(year, 1, 10))

    # A 双随机 draw of 盐湖区, announced first (the commitment is published) and drawn once its time has come: the
    # announcement comes before the plans below so that the draw time has passed when they are done.
    team = [users["yanhu_inspector"].pk, users["yanhu_inspector2"].pk]
    draw = S.draw_announce(actor=users["yanhu_inspector"], title=f"{year}年第一批危险化学品经营企业双随机抽查",
                           officer_ids=team, filters={"industry": Industry.HAZCHEM_OPERATION}, size=2,
                           draw_at=timezone.now() + dt.timedelta(seconds=2))

    # The city's plan: key enterprises supervised at city level, approved and published.
    plan = S.plan_create(actor=users["city_inspector"], year=year, other_enforcement_days=120,
                         non_enforcement_days=80, random_share_target=40)
    city_key = Enterprise.objects.filter(is_key=True, supervision__year=year, supervision__organisation=city,
                                         standardization_grade__in=["2", "3", ""]).order_by("id")[:12]
    for i, e in enumerate(city_key):
        frequency = 2 if i % 3 == 0 else 1
        months = [3 + i % 4, 9 + i % 3][:frequency]
        S.plan_entry_add(actor=users["city_inspector"], plan=plan, enterprise=e, months=months, frequency=frequency)
    S.plan_submit(actor=users["city_inspector"], plan=plan)
    S.plan_approve(actor=users["city_leader"], plan=plan, note="同意，按计划组织实施并向社会公开")

    # 盐湖区's plan: submitted, waiting for yanhu_leader.
    county_plan = S.plan_create(actor=users["yanhu_inspector"], year=year, other_enforcement_days=40,
                                non_enforcement_days=30, random_share_target=60)
    county_key = Enterprise.objects.filter(is_key=True, region_id="140802", supervision__year=year,
                                           supervision__organisation=yanhu).order_by("id")[:4]
    for e in county_key:
        S.plan_entry_add(actor=users["yanhu_inspector"], plan=county_plan, enterprise=e, months=[5], frequency=1)
    if county_key:
        S.plan_submit(actor=users["yanhu_inspector"], plan=county_plan)

    # The draw is made (the nonce revealed, the seed from it and the audit chain's first entry after the draw time).
    assert draw.draw_at is not None
    time.sleep(max(0.0, (draw.draw_at - timezone.now()).total_seconds()) + 0.05)
    S.draw_attempt(actor=users["yanhu_inspector"], draw=draw)
    first = draw.inspections.filter(state="assigned").select_related("enterprise").first()
    if first is not None:
        inspector = users["yanhu_inspector"]
        S.inspection_check_in(actor=inspector, inspection=first)
        # a storage finding where the enterprise stores (带储存设施), else one on its training records
        found = _item_about(first, "专用仓库", "培训档案")
        note = ("甲醇与氧化剂混存于同一储存室，未设专人管理" if "专用仓库" in found.content
                else "2名新入职员工无安全生产教育和培训记录")
        for i, item in enumerate(first.items()):
            finding = item == found
            S.inspection_record_item(actor=inspector, inspection=first, item=item,
                                     outcome=ResultOutcome.FINDING if finding else ResultOutcome.COMPLIANT,
                                     note=note if finding else "",
                                     photos=[site_photo(f"{timezone.localdate():%Y-%m-%d} 10:2{i}", 20 + i)]
                                     if finding else [])
        S.inspection_finish(actor=inspector, inspection=first, summary="现场检查储存场所、证照和台账。",
                            deadline=timezone.localdate() + dt.timedelta(days=15))

    # An exception awaiting the leader: a complaint about the showcase enterprise (credit A2: 无事不扰).
    showcase = Enterprise.objects.get(name="运城市河东化工贸易有限公司")
    S.inspection_open_exceptional(actor=users["yanhu_inspector"], enterprise=showcase,
                                  reason=ExceptionReason.COMPLAINT, reference="12345 热线工单（群众反映夜间违规装卸）",
                                  officers=[users["yanhu_inspector"], users["yanhu_inspector2"]])

    _showcase_service(users, showcase, year)

    # 盐湖区's next draw: announced, to be drawn tomorrow morning (its commitment is already on the portal; an
    # enterprise the two officers cannot both inspect because of a declared conflict is listed before the draw).
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    S.draw_announce(actor=users["yanhu_inspector"], title=f"{year}年第二批一般企业双随机抽查",
                    officer_ids=team, ratio_percent=20,
                    draw_at=tomorrow.replace(hour=9, minute=30, second=0, microsecond=0))

    # Online patrol plans per industry (city) and a few records, one finding left as an open lead.
    plans: dict[str, PatrolPlan] = {}
    for industry, content, channel, days in [
        (Industry.HAZCHEM_PRODUCTION, "重大危险源在线监测数据（液位、温度、压力、可燃气体）报警及处置；视频监控在线率",
         "危险化学品安全生产风险监测预警系统", 7),
        (Industry.COAL, "安全监控系统瓦斯超限报警、人员定位超员、视频 AI 识别违章", "煤矿安全风险监测预警系统", 1),
        (Industry.NON_COAL_MINE, "尾矿库在线监测（浸润线、干滩长度、库水位）", "尾矿库在线监测系统", 7),
        (Industry.GAS_STATION, "卸油作业视频抽查、油气回收在线监测", "视频监控平台", 14),
        (Industry.HAZCHEM_OPERATION, "经营台账、储存场所视频抽查", "视频监控平台", 30),
    ]:
        plans[industry] = S.patrol_plan_create(
            actor=users["city_inspector"], industry=industry, title=f"{year}年{Industry(industry).label}网上巡查计划",
            content=content, channel=channel, every_days=days, handling="发现问题的，电话督促整改；重大问题转现场检查或立案")
    # 盐湖区 adopts the city's plans as its own and patrols its enterprises under them (its leads are its own).
    county_plans = {p.industry: p for p in S.patrol_plans_adopt(actor=users["yanhu_inspector"], year=year)}
    for e in Enterprise.objects.filter(industry__in=list(county_plans), region_id="140802").order_by("id")[:8]:
        S.patrol_record_create(actor=users["yanhu_inspector"], plan=county_plans[e.industry], enterprise=e,
                               patrolled_on=timezone.localdate() - dt.timedelta(days=rng.randrange(1, 30)),
                               finding="视频抽查发现储存场所消防通道堆放杂物" if e.pk % 3 == 0 else "")


def _showcase_service(users: dict[str, Any], showcase: Enterprise, year: int) -> None:
    """qiye's side (我的检查记录, 签收 on the phone): last year's referred inspection of 河东化工, its 责令限期整改指令书 and
    整改复查意见书 acknowledged by qiye after signing the 电子送达确认书; this year's order waiting for qiye's 签收."""
    from django.contrib.contenttypes.models import ContentType

    from bureau.inspection import services as S
    from bureau.inspection.models import (
        DocumentService,
        ExceptionReason,
        Inspection,
        InspectionKind,
        ResultOutcome,
        ServiceConsent,
    )
    from bureau.kernel.models import Document, ProcessHistory

    qiye = User.objects.get(username="qiye")
    inspector, leader = users["yanhu_inspector"], users["yanhu_leader"]
    team = [inspector, users["yanhu_inspector2"]]

    def inspect(on_year: int, reference: str, finding: str, deadline_days: int, about: str) -> Inspection:
        inspection = S.inspection_open(actor=inspector, enterprise=showcase, kind=InspectionKind.EXCEPTIONAL,
                                       officers=team, exception_reason=ExceptionReason.REFERRAL,
                                       exception_reference=reference, year=on_year)
        S.inspection_approve(actor=leader, inspection=inspection, reason="上级交办的专项检查，同意按计划入企")
        S.inspection_check_in(actor=inspector, inspection=inspection)
        found = _item_about(inspection, about)
        for item in inspection.items():
            S.inspection_record_item(actor=inspector, inspection=inspection, item=item,
                                     outcome=ResultOutcome.FINDING if item == found else ResultOutcome.COMPLIANT,
                                     note=finding if item == found else "")
        S.inspection_finish(actor=inspector, inspection=inspection, summary="按专项检查要求检查证照、台账和储存场所。",
                            deadline=timezone.localdate() + dt.timedelta(days=deadline_days))
        return inspection

    def order_of(inspection: Inspection, kind: str = "rectification_order") -> DocumentService:
        return DocumentService.objects.get(document__object_id=inspection.pk, document__kind=kind,
                                           document__content_type__model="inspection")

    past = inspect(year - 1, "市安委办交办：危险化学品经营企业专项检查", "安全管理人员未按规定参加年度再培训，无培训记录", 20,
                   "培训档案")
    S.service_consent_record(actor=qiye, ip="192.168.31.25", agreed=True)
    S.service_acknowledge(actor=qiye, service=order_of(past), ip="192.168.31.25")
    S.inspection_recheck(actor=inspector, inspection=past, opinion="已组织再培训并补录培训档案，复查合格。",
                         passed={h: True for h in _hazard_ids(past)})
    S.service_acknowledge(actor=qiye, service=order_of(past, "recheck_opinion"), ip="192.168.31.25")
    # the records of last year's visit carry last year's dates (the audit trail keeps the day they were loaded)
    shift = timezone.localdate() - dt.date(year - 1, 10, 14)
    ct = ContentType.objects.get_for_model(Inspection)
    services = DocumentService.objects.filter(document__content_type=ct, document__object_id=past.pk)
    service_ct = ContentType.objects.get_for_model(DocumentService)
    for model, fields, rows in (
            (Inspection, ("created_at", "checked_in_at", "finished_at", "rechecked_at", "rectification_deadline"),
             Inspection.objects.filter(pk=past.pk)),
            (Document, ("created_at",), Document.objects.filter(content_type=ct, object_id=past.pk)),
            (DocumentService, ("delivered_at", "acknowledged_at", "served_on"), services),
            (ProcessHistory, ("at",), ProcessHistory.objects.filter(content_type=ct, object_id=past.pk)),
            (ProcessHistory, ("at",), ProcessHistory.objects.filter(
                content_type=service_ct, object_id__in=list(services.values_list("pk", flat=True)))),
            (ServiceConsent, ("consented_at",), ServiceConsent.objects.filter(enterprise=showcase)),
            (Document, ("created_at",), Document.objects.filter(
                content_type=ContentType.objects.get_for_model(ServiceConsent),
                object_id__in=list(ServiceConsent.objects.filter(enterprise=showcase).values_list("pk", flat=True))))):
        for row in rows:
            model.objects.filter(pk=row.pk).update(**{f: getattr(row, f) - shift for f in fields
                                                      if getattr(row, f) is not None})

    inspect(year, "市安委办交办：危险化学品经营市场安全专项整治", "部分桶装丙酮无化学品安全标签，未能提供供货企业的经营许可证件",
            15, "安全标签")


def _item_about(inspection: Any, *words: str) -> Any:
    """The first checklist item of the inspection whose content mentions the first of `words` found (the demo's
    findings follow the items that apply to the enterprise's sub-sector)."""
    items = inspection.items()
    for word in words:
        item = next((i for i in items if word in i.content), None)
        if item is not None:
            return item
    return items[0]


def _hazard_ids(inspection: Any) -> list[int]:
    from bureau.hazards.models import Hazard

    return list(Hazard.objects.filter(source_type="inspection.inspection", source_id=str(inspection.pk))
                .values_list("pk", flat=True))
