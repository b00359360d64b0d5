"""Demo data of the certificate register: licences of the demo enterprises, key-personnel certificates (some due for
review or renewal soon, one revoked, one suspended), a kiosk terminal in the city service hall and a mailing request."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bureau.accounts.models import User
from bureau.certificates import lifecycle, services
from bureau.certificates.models import Certificate, KioskTerminal
from bureau.enterprises.models import Enterprise, Industry
from bureau.kernel.management.commands.demo_load import demo_account
from bureau.kernel.registry import register_demo

LICENCE_BY_INDUSTRY: dict[str, str] = {
    Industry.HAZCHEM_OPERATION: "hazchem_operation_licence",
    Industry.HAZCHEM_USE: "hazchem_use_licence",
    Industry.HAZCHEM_PRODUCTION: "safety_production_licence",
    Industry.COAL: "safety_production_licence",
    Industry.NON_COAL_MINE: "safety_production_licence",
    Industry.FIREWORKS: "fireworks_wholesale_licence",
    Industry.GAS_STATION: "hazchem_operation_licence",
}
OPERATIONS = [("电工作业", "低压电工作业"), ("焊接与热切割作业", "熔化焊接与热切割作业"), ("高处作业", "登高架设作业"),
              ("制冷与空调作业", "制冷与空调设备运行操作作业"), ("危险化学品安全作业", "加氢工艺作业")]


@register_demo("certificates", order=40)
def load(ctx: Any) -> None:
    from bureau.enterprises.demo import id_number, mobile, person_name

    rng = ctx.rng
    today = timezone.localdate()
    admin = User.objects.get(username="admin")
    city = "运城市应急管理局"
    for enterprise in Enterprise.objects.order_by("id"):
        code = LICENCE_BY_INDUSTRY.get(enterprise.industry)
        if code is None:
            continue
        # spread validity so that some licences are due within the reminder horizon
        start = today - dt.timedelta(days=rng.randrange(30, 3 * 365 - 10))
        if lifecycle.held_licence_row(enterprise_id=enterprise.pk, type_code=code) is None:  # granted online
            services.certificate_issue(actor=admin, type_code=code, holder_name=enterprise.name,
                                       issuing_authority=city, valid_from=start, enterprise=enterprise,
                                       scope_text=enterprise.business_scope[:100] or enterprise.get_industry_display())
        for kind in ("principal_competency", "safety_manager_competency"):
            services.certificate_issue(
                actor=admin, type_code=kind, holder_name=person_name(rng), issuing_authority=city,
                valid_from=today - dt.timedelta(days=rng.randrange(20, 3 * 365 - 10)), enterprise=enterprise,
                holder_id_number=id_number(rng, enterprise.region_id), holder_phone=mobile(rng),
                scope_text=enterprise.get_industry_display())
        if rng.random() < 0.5:
            category, item = rng.choice(OPERATIONS)
            services.certificate_issue(
                actor=admin, type_code="special_operation", holder_name=person_name(rng), issuing_authority=city,
                valid_from=today - dt.timedelta(days=rng.randrange(20, 6 * 365 - 10)), enterprise=enterprise,
                holder_id_number=id_number(rng, enterprise.region_id), holder_phone=mobile(rng),
                scope_text=f"{category} / {item}")
    person = User.objects.get(username="person1")
    # person1: an electrician whose periodic review falls due in 40 days, and a 合格证 valid for years
    electrician = services.certificate_issue(
        actor=admin, type_code="special_operation", holder_name="谢春燕", issuing_authority=city,
        valid_from=services.rules.add_months(today + dt.timedelta(days=41), -36), holder_id_number=person.id_number,
        holder_phone=person.phone, scope_text="电工作业 / 低压电工作业", number="T140802202300001", region_id="140802")
    competency = services.certificate_issue(
        actor=admin, type_code="safety_manager_competency", holder_name="谢春燕", issuing_authority=city,
        valid_from=today - dt.timedelta(days=200), holder_id_number=person.id_number, holder_phone=person.phone,
        enterprise=Enterprise.objects.filter(users__username="qiye").first(), scope_text="危险化学品经营单位")
    revoked = Certificate.objects.filter(type__code="hazchem_operation_licence").order_by("id").last()
    if revoked is not None:
        services.certificate_change_status(actor=admin, certificate=revoked, action="revoke",
                                           note="演示：因重大事故隐患拒不整改吊销（危险化学品安全管理条例 第88条）")
    # a welder's card suspended by the licensing section: its page shows the timeline and 恢复/吊销/注销 as the
    # actions the officer may take now (city_licensing)
    officer = User.objects.filter(username="city_licensing").first() or admin
    suspended = (Certificate.objects.filter(type__code="special_operation", status="valid")
                 .exclude(holder_id_index=electrician.holder_id_index).order_by("id").first())
    if suspended is not None:
        services.certificate_change_status(
            actor=officer, certificate=suspended, action="suspend",
            note="演示：违章动火作业，经调查核实，暂扣6个月")
    KioskTerminal.objects.create(code="ZZ-01", name="市民之家应急管理窗口自助终端", location="运城市民之家二楼B区",
                                 region_id="140800", key="demo-kiosk-yuncheng-hall-01")
    # mailing (measure III.10): the electrician's card already posted by the window, the 合格证 waiting for the clerk
    clerk = User.objects.filter(username="window").first() or admin
    address = {"recipient_name": "谢春燕", "recipient_phone": person.phone or "13935970001",
               "address": "山西省运城市盐湖区解放南路168号锦绣园3号楼2单元501"}
    posted = services.mailing_request(actor=person, certificate=electrician, **address)
    services.mailing_ship(actor=clerk, mailing=posted, courier="中国邮政EMS", tracking_no="1190356812345")
    services.mailing_request(actor=person, certificate=competency, **address)
    services.daily_sweep(today)
    demo_account("person1", "个人用户：我的证照、证书寄递、考试报名与成绩（自助打印终端 /certificates/kiosk/demo-kiosk-yuncheng-hall-01/）")
