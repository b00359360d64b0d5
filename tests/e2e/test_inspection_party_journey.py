"""Journey (issue 13): the inspected enterprise on its phone (390 px) opens 我的检查记录, signs the 电子送达确认书 and
acknowledges (签收) the 责令限期整改指令书; the officer then sees the 签收时间 on the inspection page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bureau.enterprises.models import Industry, SupervisionAssignment
from bureau.inspection import services as S
from bureau.inspection.models import ResultOutcome
from tests.e2e.test_inspection_journey import expect_fits_phone
from tests.factories import EnterpriseFactory, county_bureau, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_enterprise_acknowledges_the_order_on_its_phone_and_the_officer_sees_it(page, live_server, sign_in):
    yanhu = county_bureau("140802", "盐湖区应急管理局")
    a = make_user("insp_pa", roles=["inspector"], organisation=yanhu, real_name="盐湖 张伟", enforcement_id="14080221")
    b = make_user("insp_pb", roles=["inspector"], organisation=yanhu, real_name="盐湖 刘洋", enforcement_id="14080222")
    firm = EnterpriseFactory(name="盐湖汇丰化工贸易有限公司", industry=Industry.HAZCHEM_OPERATION, credit_grade="B1")
    SupervisionAssignment.objects.create(enterprise=firm, year=timezone.localdate().year, level="county",
                                         organisation=yanhu)
    make_user("qiye_phone", roles=["enterprise"], enterprise=firm, real_name="企业 李丽娟")
    inspection = S.inspection_open(actor=a, enterprise=firm, kind="random", officers=[a, b])
    S.inspection_check_in(actor=a, inspection=inspection)
    for n, item in enumerate(inspection.items(), start=1):  # the second item of the checklist is the finding
        S.inspection_record_item(actor=a, inspection=inspection, item=item,
                                 outcome=ResultOutcome.FINDING if n == 2 else ResultOutcome.COMPLIANT,
                                 note="甲醇与氧化剂同库混存" if n == 2 else "")
    S.inspection_finish(actor=a, inspection=inspection, deadline=timezone.localdate() + dt.timedelta(days=15))

    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("qiye_phone")
    # the enterprise's 我的待办 and 站内消息 are card lists on a phone (issue 17 item 1; the width is checked on load)
    page.goto(f"{live_server.url}/")
    expect(page.locator("h1")).to_have_text("我的待办")
    expect(page.locator(".skip-link")).to_have_attribute("href", "#main")
    page.click("[data-toggle-menu]")
    expect(page.locator("[data-toggle-menu]")).to_have_attribute("aria-expanded", "true")
    page.click("#sidenav >> text=站内消息")
    expect(page.locator("h1")).to_have_text("站内消息")
    expect(page.locator("#sidenav a[aria-current=page]")).to_have_text(re.compile("站内消息"))
    page.goto(f"{live_server.url}/inspection/mine/")
    expect(page.locator("#pending-services")).to_contain_text("责令限期整改指令书")
    expect_fits_phone(page)
    page.click(f"text={inspection.number}")
    expect(page).to_have_url(re.compile(rf"/inspection/inspections/{inspection.pk}/$"))
    services = page.locator("#services")
    expect(services).to_contain_text("待签收")
    expect(services.locator("button[data-action=acknowledge]")).to_have_count(0)
    services.locator("text=签署电子送达确认书").click()
    expect(page.locator("#consent")).to_contain_text("第六十一条第二款")
    page.check("input[name=agreed]")
    page.click("#consent button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/inspection/inspections/{inspection.pk}/$"))
    page.click("#services button[data-action=acknowledge]")
    expect(page.locator(".messages")).to_contain_text("已签收《责令限期整改指令书》")
    expect(page.locator("#services")).to_contain_text("已签收（电子送达）")
    expect(page.locator("#services .ack-time")).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"))
    expect_fits_phone(page)

    sign_in("insp_pa")
    page.goto(f"{live_server.url}/inspection/inspections/{inspection.pk}/")
    expect(page.locator("#services")).to_contain_text("签收人")
    expect(page.locator("#services")).to_contain_text("企业 李丽娟")
    expect(page.locator(".timeline")).to_contain_text("当事人签收《责令限期整改指令书》")
