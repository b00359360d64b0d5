"""Demo data of dual prevention: risk registers, hazards in every state of the loop (some overdue) and listed
supervision of major hazards, built through the services so that timelines and audit entries are real."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from bureau.accounts.models import User
from bureau.enterprises.models import HAZCHEM_INDUSTRIES, Enterprise
from bureau.hazards import services
from bureau.hazards.models import CheckFrequency, CheckItem, Hazard, RiskPoint, ScheduledCheck
from bureau.kernel.demo_photos import site_photo
from bureau.kernel.documents import FONT_PATH
from bureau.kernel.registry import register_demo

RISKS = [
    ("甲醇储罐区", "甲醇泄漏遇点火源", "火灾、爆炸", "lec", 3, 6, 40),
    ("装卸站台", "槽车装卸静电积聚", "火灾", "lec", 3, 3, 15),
    ("硫酸库房", "硫酸包装破损泄漏", "灼烫", "ls", 3, 3, None),
    ("配电室", "电气线路老化短路", "触电、火灾", "lec", 3, 6, 15),
    ("办公楼", "电动车室内充电", "火灾", "ls", 2, 2, None),
    ("危化品仓库", "禁忌物料混存", "火灾、中毒", "lec", 6, 6, 15),
    ("叉车作业区", "叉车违章驾驶", "车辆伤害", "ls", 4, 4, None),
    ("消防泵房", "消防泵故障", "火灾扩大", "lec", 1, 2, 15),
]
TITLES = [
    ("储罐区可燃气体报警器未定期校验", "储罐区"), ("安全出口被杂物堵塞", "仓库"), ("动火作业票填写不完整", "检修车间"),
    ("特种作业人员证书过期", "配电室"), ("应急预案未按期演练", "安全科"), ("消防器材压力不足", "生产车间"),
    ("防雷防静电检测超期", "装卸区"), ("危化品台账与实物不符", "仓库"), ("有限空间作业未检测", "污水池"),
    ("安全阀未定期校验", "锅炉房"), ("员工未正确佩戴防护用品", "包装车间"), ("电气线路私拉乱接", "办公区"),
]
MAJOR = [
    ("涉及重点监管危险化工工艺的装置未实现自动化控制", "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）第9条"),
    ("液化烃储罐未按规定设置紧急切断装置", "化工和危险化学品生产经营单位重大生产安全事故隐患判定标准（试行）第6条"),
    ("粉尘爆炸危险场所除尘系统未按规定设置泄爆装置", "工贸企业重大事故隐患判定标准（应急管理部令第10号）第9条"),
]


def _risk(ctx: Any, actor: User, enterprise: Enterprise, row: tuple[Any, ...]) -> None:
    name, source, accident, method, l, e, c = row  # noqa: E741
    services.risk_point_save(actor=actor, enterprise=enterprise, name=name, hazard_source=source, method=method,
                             factor_l=l, factor_e=e if method == "lec" else None,
                             factor_c=c if method == "lec" else e, accident_type=accident,
                             controls="落实岗位巡检、设置警示标识、定期检测", control_level=ctx.rng.choice(["公司", "车间", "班组"]),
                             responsible_person="李丽娟")


@register_demo("hazards", order=40)
def load(ctx: Any) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    qiye = User.objects.get(username="qiye")
    showcase = qiye.enterprise
    if showcase is None:  # the foundation's demo gives qiye its enterprise
        return
    city_inspector = User.objects.get(username="city_inspector")
    city_leader = User.objects.get(username="city_leader")

    for row in RISKS:
        _risk(ctx, qiye, showcase, row)
    hazchem = list(Enterprise.objects.filter(industry__in=HAZCHEM_INDUSTRIES).exclude(pk=showcase.pk)[:60])
    for enterprise in hazchem:
        for row in rng.sample(RISKS, 3):
            _risk(ctx, city_inspector, enterprise, row)

    # The showcase enterprise: self-inspection hazards at each step of the loop.
    found = today - dt.timedelta(days=20)
    first = services.hazard_report(actor=qiye, enterprise=showcase, source="self_inspection",
                                   title="甲醇储罐区可燃气体报警器未定期校验", found_on=found, location="甲醇储罐区")
    services.hazard_plan(actor=qiye, hazard=first, measures="委托有资质单位校验报警器并建立校验台账",
                         deadline=today + dt.timedelta(days=10), responsible_person="李丽娟", funds=Decimal("3000"))
    services.hazard_progress(actor=qiye, hazard=first, note="已联系检测机构，预计下周到场校验")
    services.hazard_report(actor=qiye, enterprise=showcase, source="self_inspection", title="仓库安全出口被货物堵塞",
                           found_on=today - dt.timedelta(days=1), location="危化品仓库")
    done = services.hazard_report(actor=qiye, enterprise=showcase, source="self_inspection",
                                  title="灭火器压力不足", found_on=today - dt.timedelta(days=40), location="办公楼")
    services.hazard_plan(actor=qiye, hazard=done, measures="更换灭火器 6 具", deadline=today,
                         responsible_person="李丽娟", funds=Decimal("900"))
    services.hazard_transition(actor=qiye, hazard=done, action="request_acceptance")
    services.hazard_transition(actor=qiye, hazard=done, action="accept", note="已更换，压力正常")
    services.hazard_transition(actor=qiye, hazard=done, action="close")

    _enterprise_side(qiye, showcase, today)
    _checks_and_site_map(qiye, showcase)

    # Hazards across the city, some overdue (deadlines moved into the past after the plan, as time would).
    sources = ["self_inspection", "inspection", "patrol", "checkup"]
    pool = list(Enterprise.objects.exclude(pk=showcase.pk).order_by("id")[:160])
    for i in range(160):
        enterprise = rng.choice(pool)
        title, location = rng.choice(TITLES)
        source = rng.choice(sources)
        actor = city_inspector
        found_on = today - dt.timedelta(days=rng.randrange(2, 120))
        hazard = services.hazard_report(actor=actor, enterprise=enterprise, source=source, title=title,
                                        found_on=found_on, location=location,
                                        # an inspection's hazard takes the deadline of its rectification order
                                        deadline=found_on + dt.timedelta(days=30) if source == "inspection" else None)
        step = rng.random()
        if step < 0.2:
            continue
        services.hazard_plan(actor=actor, hazard=hazard, measures="按规范整改并留存整改前后照片",
                             deadline=today + dt.timedelta(days=rng.randrange(5, 30)), responsible_person="安全科长")
        if step < 0.45:
            if i % 3 == 0:  # overdue: the deadline has passed without acceptance
                Hazard.objects.filter(pk=hazard.pk).update(deadline=today - dt.timedelta(days=rng.randrange(1, 30)))
            continue
        services.hazard_transition(actor=actor, hazard=hazard, action="request_acceptance")
        if step < 0.6:
            continue
        services.hazard_transition(actor=actor, hazard=hazard, action="accept", note="复查合格")
        if step < 0.7:
            continue
        services.hazard_transition(actor=actor, hazard=hazard, action="close")

    # Major hazards: one listed with progress, one awaiting removal after a recheck request, one not yet listed.
    yanhu = list(Enterprise.objects.filter(region_id="140802", industry__in=HAZCHEM_INDUSTRIES)
                 .exclude(pk=showcase.pk)[:3])
    listed = []
    for enterprise, (title, criterion) in zip(yanhu, MAJOR, strict=False):
        hazard = services.hazard_report(actor=city_inspector, enterprise=enterprise, source="inspection",
                                        title=title, found_on=today - dt.timedelta(days=60), grade="major",
                                        major_criterion=criterion, location="生产装置区",
                                        deadline=today + dt.timedelta(days=90))
        services.hazard_plan(actor=city_inspector, hazard=hazard, measures="实施自动化控制改造，设置紧急切断",
                             deadline=today + dt.timedelta(days=90), responsible_person="总经理",
                             funds=Decimal("850000"), contingency="改造期间降负荷运行，加密巡检，现场配备应急物资")
        listed.append(hazard)
    if len(listed) >= 2:
        first_listing = services.listing_create(
            actor=city_leader, hazard=listed[0], reason="改造资金大、技术复杂，企业多年未能自行整改",
            requirements="每月5日前报送整改进展", deadline=today + dt.timedelta(days=90))
        enterprise_user = User.objects.filter(enterprise=listed[0].enterprise).first() or city_inspector
        services.listing_entry_add(actor=city_inspector, listing=first_listing, kind="assistance",
                                   text="组织专家现场指导，协调设计单位出具改造方案")
        services.listing_entry_add(actor=enterprise_user if enterprise_user.enterprise_id else city_inspector,
                                   listing=first_listing, kind="progress", percent=40, text="改造方案已评审，设备已订货")
        second = services.listing_create(actor=city_leader, hazard=listed[1], reason="需停产改造，企业难以自行协调",
                                         deadline=today + dt.timedelta(days=30))
        services.listing_entry_add(actor=city_inspector, listing=second, kind="progress", percent=100,
                                   text="紧急切断装置已安装调试完毕")
        services.listing_request_recheck(actor=city_inspector, listing=second, note="企业报告整改完成，申请核查销号")


def _enterprise_side(qiye: User, showcase: Enterprise, today: dt.date) -> None:
    """The enterprise's side of hazards found by the county bureau: one with a pending deadline extension request
    (yanhu_inspector approves or refuses it on the hazard page), one rectified with evidence (a site photo and a
    test certificate) and acceptance asked for (the bureau verifies it; qiye has no accept button)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bureau.kernel.documents import Fields, Para, Signature, Spec, chinese_date, render_pdf

    county = User.objects.filter(username="yanhu_inspector").first() or User.objects.get(username="city_inspector")
    pending = services.hazard_report(
        actor=county, enterprise=showcase, source="inspection", title="危化品仓库未设置可燃气体浓度检测报警装置",
        found_on=today - dt.timedelta(days=6), location="危化品仓库", deadline=today + dt.timedelta(days=12),
        legal_basis="危险化学品安全管理条例 第二十条")
    services.hazard_plan(actor=qiye, hazard=pending, measures="采购并安装防爆型可燃气体检测报警装置，接入值班室",
                         deadline=None, responsible_person="李丽娟", funds=Decimal("18000"))
    services.extension_request(
        actor=qiye, hazard=pending, proposed_deadline=today + dt.timedelta(days=40),
        reason="防爆型报警装置须厂家定制，到货周期约 30 天（附供货合同）；到货前每 2 小时人工巡检一次，"
               "并配备便携式可燃气体检测仪。")

    fixed = services.hazard_report(
        actor=county, enterprise=showcase, source="inspection", title="危化品仓库防爆照明灯具灯罩破损",
        found_on=today - dt.timedelta(days=10), location="危化品仓库", deadline=today + dt.timedelta(days=5),
        legal_basis="危险化学品安全管理条例 第二十条")
    services.hazard_plan(actor=qiye, hazard=fixed, measures="更换防爆灯具 4 套并委托检测", deadline=None,
                         responsible_person="李丽娟", funds=Decimal("2600"))
    certificate = render_pdf(Spec(title="防爆电气设备检验报告", authority="运城市某检验检测有限公司",
                                  number=f"FB-{today:%Y%m%d}-07", blocks=[
        Fields([("委托单位", showcase.name), ("检验对象", "危化品仓库防爆照明灯具 4 套（更换后）"),
                ("检验日期", chinese_date(today - dt.timedelta(days=1))), ("检验结论", "符合 GB/T 3836 要求，合格")]),
        Para("本报告仅对本次检验的设备负责。"), Signature("运城市某检验检测有限公司", today - dt.timedelta(days=1),
                                                  seal=False)]))
    services.hazard_evidence_add(actor=qiye, hazard=fixed, files=[site_photo("AFTER 4 LAMPS", seed=41)],
                                 note="更换后的灯具照片")
    services.hazard_transition(
        actor=qiye, hazard=fixed, action="request_acceptance", note="灯具已全部更换，附检验报告，请予复查验收",
        files=[SimpleUploadedFile("防爆灯具检验报告.pdf", certificate, content_type="application/pdf")])


# The showcase enterprise's site: areas of the plan (x0, y0, x1, y1 on a 1200 × 800 drawing) named like its risk
# points, and the 排查清单 of each point: content, frequency code, post, 包保责任人.
SITE = {
    "甲醇储罐区": (60, 60, 420, 330), "装卸站台": (460, 60, 700, 200), "硫酸库房": (740, 60, 980, 230),
    "配电室": (1020, 60, 1150, 200), "危化品仓库": (460, 300, 820, 520), "叉车作业区": (860, 300, 1150, 520),
    "办公楼": (60, 560, 360, 740), "消防泵房": (420, 580, 600, 740),
}
CHECKLIST = {
    "甲醇储罐区": [("罐体、管线、法兰无泄漏，可燃气体报警器指示正常", "every-2-hours", "罐区操作工", "王建国"),
                ("呼吸阀、阻火器完好，防火堤无破损", "weekly", "设备员", "赵刚")],
    "装卸站台": [("装卸前静电接地报警器连接良好，鹤管无渗漏", "daily", "装卸工", "李强")],
    "危化品仓库": [("禁忌物料分区分类存放，安全通道畅通", "daily", "仓库保管员", "张敏")],
    "硫酸库房": [("包装完好无渗漏，洗眼器和应急冲淋可用", "daily", "仓库保管员", "张敏")],
    "配电室": [("电缆无过热破损，挡鼠板和门窗完好", "weekly", "电工", "刘海")],
    "叉车作业区": [("叉车司机持证上岗，限速和警示标识完好", "daily", "叉车班长", "孙伟")],
    "消防泵房": [("消防泵启泵试运行正常，压力表指示正常", "weekly", "消防值班员", "陈亮")],
    "办公楼": [("楼内无电动车停放和充电", "monthly", "行政专员", "周丽")],
}


def site_plan_drawing() -> SimpleUploadedFile:
    """A stand-in site plan (厂区平面布置图) of the showcase enterprise: roads, the areas of its risk points with their
    names (the platform's own font), tanks and the gate, as a PNG the enterprise would scan or export from CAD."""
    image = Image.new("RGB", (1200, 800), (246, 247, 243))
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(str(FONT_PATH), 26)
    draw.rectangle([0, 530, 1200, 552], fill=(214, 214, 208))  # the main road
    draw.rectangle([425, 0, 450, 800], fill=(214, 214, 208))
    for name, (x0, y0, x1, y1) in SITE.items():
        draw.rectangle([x0, y0, x1, y1], fill=(255, 255, 255), outline=(90, 98, 110), width=3)
        draw.text((x0 + 12, y0 + 10), name, fill=(40, 44, 52), font=font)
    for cx in (140, 260, 370):  # the methanol tanks
        draw.ellipse([cx - 45, 150, cx + 45, 240], outline=(90, 98, 110), width=3)
    draw.rectangle([1080, 700, 1190, 790], outline=(90, 98, 110), width=3)
    draw.text((1100, 730), "大门", fill=(40, 44, 52), font=font)
    draw.text((20, 760), "N ↑", fill=(40, 44, 52), font=font)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return SimpleUploadedFile("厂区平面布置图.png", out.getvalue(), content_type="image/png")


def _checks_and_site_map(qiye: User, showcase: Enterprise) -> None:
    """The showcase's 排查清单 on each risk point, its checks scheduled (one checked in on site with a photo, one
    missed yesterday and flagged by the sweep) and its four-colour site map with every point placed."""
    points = {p.name: p for p in RiskPoint.objects.filter(enterprise=showcase)}
    frequencies = {f.code: f for f in CheckFrequency.objects.all()}
    items: dict[str, CheckItem] = {}
    for name, lines in CHECKLIST.items():
        if name not in points:
            continue
        for content, code, post, person in lines:
            items[content] = services.check_item_save(actor=qiye, risk_point=points[name], content=content,
                                                      frequency=frequencies[code], post=post,
                                                      responsible_person=person)
    now = timezone.now()
    # yesterday's warehouse check was not checked in: schedule from yesterday, then the sweep marks it missed
    warehouse = items.get("禁忌物料分区分类存放，安全通道畅通")
    if warehouse is not None:
        CheckItem.objects.filter(pk=warehouse.pk).update(scheduled_until=None)
        services.checks_schedule(now=now - dt.timedelta(days=1), item_ids=[warehouse.pk])
        services.checks_schedule(item_ids=[warehouse.pk])
        services.missed_check_sweep(now=now)
    # the tank farm's patrol of the current two hours: checked in on site with a photo
    tanks = items.get("罐体、管线、法兰无泄漏，可燃气体报警器指示正常")
    if tanks is not None:
        current = ScheduledCheck.objects.filter(item=tanks, state="scheduled", window_start__lte=now,
                                                missed_after__gt=now).first()
        if current is not None:
            services.check_in(actor=qiye, check=current, result="normal", note="巡检正常，报警器无报警",
                              photos=[site_photo("TANK FARM PATROL", seed=77)])
    services.site_plan_upload(actor=qiye, enterprise=showcase, title="厂区总平面布置图", image=site_plan_drawing())
    for name, (x0, y0, x1, y1) in SITE.items():
        if name in points:
            services.risk_point_place(actor=qiye, risk_point=points[name], x=round((x0 + x1) / 2 / 1200, 4),
                                      y=round((y0 + y1) / 2 / 800 + 0.02, 4))
