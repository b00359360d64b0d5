"""Journey (issue 6): plan → leader approval → 双随机 draw → inspection on a phone (390 px) with 扫码入企 and the
checklist → hazard with a deadline → recheck closes it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.enterprises.models import Industry, SupervisionAssignment
from bureau.hazards.models import Hazard
from bureau.inspection.models import Inspection
from tests.factories import PASSWORD, EnterpriseFactory, county_bureau, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_plan_approval_draw_and_phone_inspection_to_recheck(page, live_server, signed_in):
    yanhu = county_bureau("140802", "盐湖区应急管理局")
    year = timezone.localdate().year
    make_user("insp_a", roles=["inspector"], organisation=yanhu, real_name="盐湖 张伟", enforcement_id="14080211")
    make_user("insp_b", roles=["inspector"], organisation=yanhu, real_name="盐湖 刘洋", enforcement_id="14080212")
    make_user("lead", roles=["leader"], organisation=yanhu, real_name="盐湖 周强")
    key = EnterpriseFactory(name="盐湖鑫源煤业有限公司", industry=Industry.COAL, is_key=True)
    target = EnterpriseFactory(name="盐湖汇丰化工贸易有限公司", industry=Industry.HAZCHEM_OPERATION, credit_grade="B1")
    for e in (key, target):
        SupervisionAssignment.objects.create(enterprise=e, year=year, level="county", organisation=yanhu)

    # 1. the annual plan
    signed_in("insp_a", PASSWORD)
    page.goto(f"{live_server.url}/inspection/plans/new/")
    page.fill("#id_other_enforcement_days", "40")
    page.fill("#id_non_enforcement_days", "20")
    page.click(".insp-form button[type=submit]")
    page.select_option("#id_enterprise", str(key.pk))
    page.fill("#id_months", "3,9")
    page.fill("#id_frequency", "2")
    page.click("#entry-form button[type=submit]")
    assert "已列入计划" in page.inner_text(".messages")
    page.click("text=提交分管负责人审批")
    plan_url = page.url
    page.context.clear_cookies()

    # 2. the leader approves; the plan is public
    signed_in("lead", PASSWORD)
    page.goto(plan_url)
    page.fill("#approve-note", "同意，按计划实施")
    page.click("text=批准并公开")
    assert "计划已批准并在门户公开" in page.inner_text(".messages")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/inspection/public/plans/")
    page.click(f"text={yanhu.name}{year}年度安全生产监督检查计划")
    assert key.name in page.inner_text("main")

    # 3. the 双随机 draw
    signed_in("insp_a", PASSWORD)
    page.goto(f"{live_server.url}/inspection/draws/new/")
    page.fill("#id_title", "危险化学品经营企业双随机抽查")
    page.select_option("#id_industry", Industry.HAZCHEM_OPERATION)
    page.fill("#id_size", "1")
    page.check("#draw-form label:has-text('盐湖 张伟') input")
    page.check("#draw-form label:has-text('盐湖 刘洋') input")
    page.click("#draw-form button[type=submit]")
    assert target.name in page.inner_text("#draw-result")
    page.click("text=复核重现")
    assert "复核通过" in page.inner_text("#verify-result")

    # 4. on site, on a phone
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/inspection/checkin/{target.checkin_token}/")
    page.click("text=确认入企，开始检查")
    assert page.inner_text("#insp-state") == "现场检查中"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    count = page.locator(".check-form").count()
    for n in range(count):
        form = page.locator(".check-form").nth(n)
        if n == 1:
            form.locator("label.outcome-finding").click()
            form.locator("textarea").fill("甲醇与氧化剂混存，未设专人管理")
        else:
            form.locator("label.outcome-compliant").click()
        form.locator("button[type=submit]").click()
        page.wait_for_load_state("networkidle")
    deadline = timezone.localdate() + dt.timedelta(days=15)
    page.fill("#deadline", deadline.isoformat())
    page.click("text=结束检查并生成文书")
    assert "文书已生成" in page.inner_text(".messages")
    assert page.inner_text("#insp-state") == "整改中"
    assert deadline.isoformat() in page.inner_text("main")
    hazard = Hazard.objects.get()
    assert hazard.deadline == deadline and hazard.source == "inspection"

    # 5. the recheck
    page.fill("#opinion", "已分库存放，专人管理")
    page.click("text=提交复查意见")
    assert page.inner_text("#insp-state") == "已办结"
    docs = page.inner_text(".doclist")
    assert "现场检查记录" in docs and "责令限期整改指令书" in docs and "整改复查意见书" in docs
    hazard.refresh_from_db()
    assert hazard.state == "closed"
    assert Inspection.objects.get().state == "closed"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
