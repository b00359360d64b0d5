"""Journey (issue 6): plan → leader approval → 双随机 draw → inspection on a phone (390 px) with 扫码入企 and the
checklist → hazard with a deadline → recheck closes it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from bureau.enterprises.models import Industry, SupervisionAssignment
from bureau.hazards.models import Hazard
from bureau.inspection.models import Draw, Inspection
from tests.factories import EnterpriseFactory, county_bureau, make_user
from tests.inspection.conftest import Clock, short_checklist

pytestmark = pytest.mark.django_db(transaction=True)


def expect_fits_phone(page, width: int = 390) -> None:
    """The page needs no sideways scrolling on a phone (waits for the layout like expect, then says the width)."""
    try:
        page.wait_for_function(f"document.documentElement.scrollWidth <= {width}", timeout=10_000)
    except PlaywrightTimeoutError:
        wide = page.evaluate("document.documentElement.scrollWidth")
        raise AssertionError(f"页面宽 {wide}px，超过手机屏幕 {width}px") from None


def test_plan_approval_draw_and_phone_inspection_to_recheck(page, live_server, sign_in, monkeypatch):
    yanhu = county_bureau("140802", "盐湖区应急管理局")
    short_checklist()  # five items to go through on the phone (the shipped 危化 checklist has dozens)
    year = timezone.localdate().year
    make_user("insp_a", roles=["inspector"], organisation=yanhu, real_name="盐湖 张伟", enforcement_id="14080211")
    make_user("insp_b", roles=["inspector"], organisation=yanhu, real_name="盐湖 刘洋", enforcement_id="14080212")
    make_user("lead", roles=["leader"], organisation=yanhu, real_name="盐湖 周强")
    key = EnterpriseFactory(name="盐湖鑫源煤业有限公司", industry=Industry.COAL, is_key=True)
    target = EnterpriseFactory(name="盐湖汇丰化工贸易有限公司", industry=Industry.HAZCHEM_OPERATION, credit_grade="B1")
    for e in (key, target):
        SupervisionAssignment.objects.create(enterprise=e, year=year, level="county", organisation=yanhu)
    messages = page.locator(".messages")

    # 1. the annual plan
    sign_in("insp_a")
    page.goto(f"{live_server.url}/inspection/plans/new/")
    page.fill("#id_other_enforcement_days", "40")
    page.fill("#id_non_enforcement_days", "20")
    page.click(".insp-form button[type=submit]")
    expect(messages).to_contain_text("年度计划已创建")
    expect(page).to_have_url(re.compile(r"/inspection/plans/\d+/$"))
    plan_url = page.url
    page.select_option("#id_enterprise", str(key.pk))
    page.fill("#id_months", "3,9")
    page.fill("#id_frequency", "2")
    page.click("#entry-form button[type=submit]")
    expect(messages).to_contain_text("已列入计划")
    page.click("text=提交分管负责人审批")
    expect(messages).to_contain_text("计划已提交审批")
    expect(page.locator(".page-head")).to_contain_text("待审批")

    # 2. the leader approves; the plan is public
    sign_in("lead")
    page.goto(plan_url)
    page.fill("#approve-note", "同意，按计划实施")
    page.click("text=批准并公开")
    expect(messages).to_contain_text("计划已批准并在门户公开")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/inspection/public/plans/")
    page.click(f"text={yanhu.name}{year}年度安全生产监督检查计划")
    expect(page).to_have_url(re.compile(r"/inspection/public/plans/\d+/$"))
    expect(page.locator("main")).to_contain_text(key.name)

    # 3. the 双随机 draw
    sign_in("insp_a")
    page.goto(f"{live_server.url}/inspection/draws/new/")
    page.fill("#id_title", "危险化学品经营企业双随机抽查")
    page.select_option("#id_industry", Industry.HAZCHEM_OPERATION)
    page.fill("#id_size", "1")
    page.check("#draw-form label:has-text('盐湖 张伟') input")
    page.check("#draw-form label:has-text('盐湖 刘洋') input")
    page.click("#draw-form button[type=submit]")
    expect(messages).to_contain_text("承诺值已公示")  # announced: the draw is made at its announced time
    draw = Draw.objects.get(title="危险化学品经营企业双随机抽查")
    Clock(monkeypatch).after(draw)  # the platform's clock reaches the announced draw time
    sign_in("insp_a")  # the clock moved past the session's idle limit
    page.goto(f"{live_server.url}/inspection/draws/{draw.pk}/")
    page.click("#draw-run-form button[type=submit]")
    expect(messages).to_contain_text("抽取完成")
    expect(page.locator("#draw-result")).to_contain_text(target.name)
    page.click("text=复核重现")
    expect(page.locator("#verify-result")).to_contain_text("复核通过")

    # 4. on site, on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/inspection/checkin/{target.checkin_token}/")
    page.click("text=确认入企，开始检查")
    state = page.locator("#insp-state")
    expect(state).to_have_text("现场检查中")
    expect_fits_phone(page)
    items = page.locator(".check-item")
    count = items.count()  # how many items to go through, on the page the expect above proved loaded
    for n in range(2):  # the first item by hand, the finding with its description …
        item = items.nth(n)
        outcome = "finding" if n == 1 else "compliant"
        item.locator(f"label.outcome-{outcome}").click()
        if outcome == "finding":
            item.locator("textarea").fill("甲醇与氧化剂混存，未设专人管理")
        item.locator("button[type=submit]").click()
        expect(item).to_have_class(re.compile(rf"\bis-{outcome}\b"))
    page.once("dialog", lambda dialog: dialog.accept())  # … and the rest in one save, after a confirmation
    page.click("#record-rest")
    expect(page.locator("#check-progress")).to_have_text(f"已记录 {count}/{count} 项")
    expect(items.nth(count - 1)).to_have_class(re.compile(r"\bis-compliant\b"))
    expect(items.nth(1)).to_have_class(re.compile(r"\bis-finding\b"))
    deadline = timezone.localdate() + dt.timedelta(days=15)
    page.fill("#deadline", deadline.isoformat())
    page.click("text=结束检查并生成文书")
    expect(messages).to_contain_text("文书已生成")
    expect(state).to_have_text("整改中")
    expect(page.locator("main")).to_contain_text(deadline.isoformat())
    hazard = Hazard.objects.get()
    assert hazard.deadline == deadline and hazard.source == "inspection"

    # 5. the recheck
    page.fill("#opinion", "已分库存放，专人管理")
    page.click("text=提交复查意见")
    expect(state).to_have_text("已办结")
    docs = page.locator(".doclist")
    for title in ("现场检查记录", "责令限期整改指令书", "整改复查意见书"):
        expect(docs).to_contain_text(title)
    hazard.refresh_from_db()
    assert hazard.state == "closed"
    assert Inspection.objects.get().state == "closed"
    expect_fits_phone(page)
