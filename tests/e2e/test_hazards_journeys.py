"""Journeys of dual prevention and expert checkups in a real Chromium:
1. an enterprise records a self-inspection hazard, rectifies it, accepts and removes it;
2. an expert records findings on a phone and they become the enterprise's hazards;
3. the bureau lists a major hazard, the enterprise reports progress and asks for verification, the bureau removes it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from bureau.assistance import services as assistance
from bureau.assistance.models import Expert
from bureau.hazards import services as hazards
from bureau.hazards.models import Hazard, ListedSupervision
from tests.factories import EnterpriseFactory, county_bureau, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _date(days: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


def test_self_inspection_hazard_is_rectified_accepted_and_removed(page, live_server, sign_in):
    enterprise = EnterpriseFactory(region_id="140802")
    make_user("qiye_e2e", roles=["enterprise"], enterprise=enterprise, real_name="企业 李丽")
    sign_in("qiye_e2e")
    page.goto(f"{live_server.url}/hazards/new/")
    page.fill("#id_title", "配电室门口堆放杂物")
    page.fill("#id_found_on", _date(0))
    page.click("button[type=submit]:has-text('登记')")
    expect(page.locator(".messages")).to_contain_text("已登记隐患")
    page_head = page.locator(".page-head")
    expect(page_head).to_contain_text("已登记")
    page.fill("#id_measures", "清理杂物，划定禁放区")
    page.fill("#id_deadline", _date(5))
    page.fill("#id_responsible_person", "李丽")
    page.click("button:has-text('提交整改方案')")
    expect(page_head).to_contain_text("整改中")
    for label, state in (("申请验收/复查", "待验收"), ("验收通过", "已验收"), ("销号", "已销号")):
        page.click(f"button:has-text('{label}')")
        expect(page_head).to_contain_text(state)
    expect(page.locator(".timeline")).to_contain_text("销号")
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.state) == ("self_inspection", "closed")


def test_expert_records_findings_on_a_phone_and_they_become_hazards(page, live_server, sign_in):
    enterprise = EnterpriseFactory(region_id="140802")
    officer = make_user(roles=["inspector"], organisation=county_bureau("140802"))
    expert_user = make_user("expert_e2e", roles=["expert"], real_name="专家 高振华")
    expert = Expert.objects.create(user=expert_user, name="高振华", specialty="hazchem",  # appointed (聘期) now
                                   term_starts_on=timezone.localdate() - dt.timedelta(days=30),
                                   term_ends_on=timezone.localdate() + dt.timedelta(days=700))
    checkup = assistance.checkup_request(actor=officer, enterprise=enterprise, specialty="hazchem", topics="罐区")
    assistance.checkup_assign(actor=officer, checkup=checkup, experts=[expert], planned_on=timezone.localdate())
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in("expert_e2e")
    page.goto(f"{live_server.url}/assistance/checkups/{checkup.pk}/")
    page.fill("#finding-form #id_title", "可燃气体报警器未校验")
    page.fill("#finding-form #id_location", "甲醇罐区")
    page.fill("#finding-form #id_deadline", _date(10))
    page.click("#finding-form button[type=submit]")
    expect(page.locator(".finding-list")).to_contain_text("可燃气体报警器未校验")
    page.fill("#submit-form #id_summary", "发现一般隐患 1 项")
    page.click("#submit-form button[type=submit]")
    expect(page.locator(".finding-list")).to_contain_text("已转为隐患")
    hazard = Hazard.objects.get(enterprise=enterprise)
    assert (hazard.source, hazard.title, hazard.location) == ("checkup", "可燃气体报警器未校验", "甲醇罐区")


def test_major_hazard_is_listed_progressed_and_removed(page, live_server, sign_in):
    enterprise = EnterpriseFactory(region_id="140802")
    make_user("qiye_l", roles=["enterprise"], enterprise=enterprise)
    head = make_user("head_l", roles=["section_head"], organisation=county_bureau("140802"), real_name="盐湖 孙科长")
    hazard = hazards.hazard_report(actor=head, enterprise=enterprise, source="inspection", title="液化烃储罐无紧急切断",
                                   found_on=timezone.localdate(), grade="major",
                                   major_criterion="化工和危险化学品重大隐患判定标准 第6条",
                                   deadline=timezone.localdate() + dt.timedelta(days=60))
    hazards.hazard_plan(actor=head, hazard=hazard, measures="加装紧急切断阀", deadline=timezone.localdate()
                        + dt.timedelta(days=60), responsible_person="总经理", funds=Decimal("200000"),
                        contingency="降低储量，加密巡检")
    sign_in("head_l")
    page.goto(f"{live_server.url}/hazards/{hazard.pk}/")
    page.click(".page-head a:has-text('挂牌督办')")
    page.fill("#id_reason", "改造需停产，企业难以自行协调")
    page.fill("#id_deadline", _date(60))
    page.click("button:has-text('挂牌督办')")
    expect(page.locator(".messages")).to_contain_text("已挂牌督办")
    expect(page.locator(".doclist")).to_contain_text("挂牌督办通知书")
    listing = ListedSupervision.objects.get()
    sign_in("qiye_l")
    page.goto(f"{live_server.url}/hazards/listings/{listing.pk}/")
    page.fill("#id_percent", "100")
    page.fill("#id_text", "紧急切断阀安装调试完毕")
    page.click("#entry-form button[type=submit]")
    expect(page.locator("section:has(#entry-form) table")).to_contain_text("紧急切断阀安装调试完毕")
    page.click("button:has-text('申请核查销号')")
    page_head = page.locator(".page-head")
    expect(page_head).to_contain_text("待核查销号")
    sign_in("head_l")
    page.goto(f"{live_server.url}/hazards/listings/{listing.pk}/")
    page.fill("#id_note", "现场核查合格")
    page.click("button:has-text('核查通过、销号')")
    expect(page_head).to_contain_text("已销号")
    expect(page.locator(".doclist")).to_contain_text("销号通知书")
    hazard.refresh_from_db()
    assert hazard.state == "closed"
