"""Journeys of the penalties area in the browser:
1. inspection finding → case → proposal with reasoning → 告知 → enterprise statement online → its review → decision → 送达 →
   the enterprise sees the payment deadline → 记录执行情况 (a wrong amount refused first) → 结案;
2. the self-inspection exemption (measure II.8) → no-penalty decision shown to the enterprise."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.penalties.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def _state(page):
    """The case's state chip (the first chip in the page head; an exemption adds a second one)."""
    return page.locator(".page-head .actions .chip").first


def _click_action(page, action: str, state: str) -> None:
    """Press an action button and wait for the case page to show the state it leads to."""
    page.click(f"#actions button[data-action={action}]")
    expect(_state(page)).to_have_text(state)


def test_inspection_finding_to_closed_case(page, live_server, sign_in):
    w = World()
    hazard = w.inspection_hazard()
    sign_in(w.officer)
    page.goto(f"{live_server.url}/penalties/cases/new/?hazard={hazard.pk}")
    expect(page.locator(".msg-info")).to_contain_text(hazard.number)
    page.select_option("#id_second_officer", str(w.officer2.pk))
    page.click("button[type=submit]:has-text('立案')")
    expect(page.locator(".messages")).to_contain_text("已立案")
    expect(_state(page)).to_have_text("调查取证")
    case_url = page.url

    page.fill("#id_ev-place", "储罐区动火点")
    page.fill("#id_ev-content", "问：焊工是否持有特种作业操作证？答：尚未取得。")
    page.click("#evidence button[type=submit]")
    expect(page.locator("#evidence .doclist")).to_contain_text("询问笔录")

    page.fill("#id_violation_search", "特种作业")
    page.wait_for_function("document.querySelectorAll('#id_violation_code option').length > 1")
    page.select_option("#id_violation_code", "AQSCF-97-7")
    expect(page.locator("#quantity-field label")).to_contain_text("人次")
    page.fill("#id_quantity", "1")
    page.check("#proposal-form input[name=circumstances][value=corrected_in_time]")
    page.click("#proposal-form button[name=preview]")
    expect(page.locator(".preview")).to_contain_text("系统建议：阶次A")
    expect(page.locator(".preview")).to_contain_text("有1人次")
    page.fill("#id_amount", "20000")
    page.click("#proposal-form button[name=save]")
    expect(page.locator("#proposal")).to_contain_text("三、裁量基准的适用")
    _click_action(page, "submit_review", "审理")

    sign_in(w.leader)
    page.goto(case_url)
    _click_action(page, "notify", "已告知（陈述申辩期）")

    sign_in(w.company_user)
    page.goto(f"{live_server.url}/penalties/")
    page.click("table a")
    expect(page).to_have_url(case_url)
    expect(page.locator("#answer")).to_contain_text("陈述申辩期限")
    page.fill("#statement-text", "我公司已立即停止该焊工作业，并安排其参加培训考试。")
    page.click("#answer button[type=submit]:not([name=waive])")
    expect(page.locator("#answer")).to_contain_text("已提交陈述申辩")

    sign_in(w.officer)
    page.goto(case_url)
    # 行政处罚法 第45条: the statement is reviewed, with reasons, before the case goes for decision
    page.select_option("#id_sr-outcome", "rejected")
    page.fill("#id_sr-reason", "停止作业不改变无证上岗的事实，已在从轻阶次内裁量。")
    page.click("#statement-review-form button[type=submit]")
    expect(page.locator("#statement-review")).to_contain_text("不采纳")
    _click_action(page, "submit_decision", "待决定")
    sign_in(w.leader)
    page.goto(case_url)
    _click_action(page, "decide", "已决定")
    sign_in(w.officer)
    page.goto(case_url)
    _click_action(page, "serve", "已送达（执行中）")
    expect(page.locator("#execution")).to_contain_text("罚款缴纳期限")

    sign_in(w.company_user)
    page.goto(case_url)
    expect(page.locator("#execution")).to_contain_text("罚款缴纳期限")
    expect(page.locator("#execution")).to_contain_text("尚未记录执行情况")

    sign_in(w.leader)
    page.goto(case_url)
    expect(_state(page)).to_have_text("已送达（执行中）")
    expect(page.locator("#actions button[data-action=close]")).to_have_count(0)

    sign_in(w.officer)
    page.goto(case_url)
    page.select_option("#id_exec-method", "voluntary")
    page.fill("#id_exec-amount", "25000")
    page.fill("#id_exec-voucher", "14080226000001")
    page.click("#actions button[data-action=execute]")
    expect(page.locator("#action-execute .error")).to_contain_text("超过决定罚款")
    expect(_state(page)).to_have_text("已送达（执行中）")
    page.fill("#id_exec-amount", "20000")
    _click_action(page, "execute", "已执行")
    expect(page.locator("#execution")).to_contain_text("14080226000001")

    sign_in(w.leader)
    page.goto(case_url)
    page.fill("#close-note", "罚款已全额缴纳，同意结案")
    _click_action(page, "close", "已结案")
    expect(page.locator(".doclist").last).to_contain_text("行政处罚决定书")

    sign_in(w.company_user)
    page.goto(case_url)
    expect(page.locator("#decision")).to_contain_text("裁量说理")
    expect(page.locator("#decision")).to_contain_text(re.compile("20,000"))


def test_self_inspection_exemption_journey(page, live_server, sign_in):
    w = World()
    own = w.self_hazard(plan=True)
    case = w.open_case()
    w.evidence(case)
    case_url = f"{live_server.url}/penalties/cases/{case.pk}/"
    sign_in(w.officer)
    page.goto(case_url)
    page.select_option("#id_ex-kind", "self_inspection")
    page.select_option("#id_ex-hazard", str(own.pk))
    page.click("#exemption-form button[type=submit]")
    expect(page.locator("#proposal")).to_contain_text("企业自查整改免罚")
    _click_action(page, "submit_review", "审理")
    sign_in(w.leader)
    page.goto(case_url)
    _click_action(page, "decide_no_penalty", "已决定")
    expect(page.locator(".doclist").last).to_contain_text("不予行政处罚决定书")
    sign_in(w.company_user)
    page.goto(case_url)
    expect(page.locator("#decision")).to_contain_text("不予行政处罚决定")
    expect(page.locator("#decision")).to_contain_text(own.number)
