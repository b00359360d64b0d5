"""Journey: a citizen writes to the director's mailbox → the clerk dispatches → the county bureau replies → the
citizen rates it 非常不满意 → the ticket is reopened → replied again → closed."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def captcha_answer(page) -> str:
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return str(SessionStore(session_key=cookie["value"])["portal_captcha"]["answer"])


def act(page, live_server, pk, action, state, **fields):
    """Open the petition, fill the action's form, submit it and wait for the state it leads to."""
    page.goto(f"{live_server.url}/petitions/{pk}/")
    form = page.locator(f'form[action$="/{action}/"]')
    for name, value in fields.items():
        if name == "target":
            form.locator("select[name=target]").select_option(label=value)
        else:
            form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator("#state-chip")).to_have_text(state)


def test_mailbox_petition_loop_with_dissatisfied_rating(page, live_server, sign_in):
    from bureau.feedback.models import BadRatingReason
    from bureau.feedback.reference import seed_reasons
    from bureau.petitions.models import Petition
    from tests.petitions.factories import World

    World()
    seed_reasons(BadRatingReason)  # the live-server tests flush the database: the 差评原因 list is loaded again
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/petitions/mailbox/")
    page.select_option("#id_category", label="投诉举报")
    page.select_option("#id_region", label="盐湖区")
    page.fill("#id_title", "举报加油站夜间违规卸油")
    page.fill("#id_content", "城东加油站夜间卸油无人监护<script>alert(1)</script>")
    page.fill("#id_petitioner_name", "王先生")
    page.fill("#id_petitioner_phone", "13912345678")
    page.fill("#id_captcha", captcha_answer(page))
    page.click("button[type=submit]")
    number_cell, code_cell = page.locator("#petition-number"), page.locator("#petition-code")
    expect(number_cell).not_to_be_empty()
    expect(code_cell).not_to_be_empty()
    # the number and the code are what the citizen writes down to look the petition up later
    number, code = number_cell.inner_text().strip(), code_cell.inner_text().strip()
    petition = Petition.objects.get(number=number)
    assert petition.state == "received" and "<script>" in petition.content

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("p_clerk")
    act(page, live_server, petition.pk, "dispatch", "已派单", target="盐湖区应急管理局")

    sign_in("p_yanhu")
    act(page, live_server, petition.pk, "accept", "办理中")
    act(page, live_server, petition.pk, "reply", "已答复", reply="经现场检查，已责令加油站整改卸油作业管理。")
    content = page.locator("#petition-content")
    expect(content).to_contain_text("<script>alert(1)</script>")  # shown as text, escaped ...
    expect(content.locator("script")).to_have_count(0)  # ... never as an element

    sign_in("p_clerk")
    act(page, live_server, petition.pk, "close", "已办结")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/petitions/lookup/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("form.inline-form button[type=submit]")
    expect(page.locator("#petition-reply")).to_contain_text("经现场检查")
    page.locator("label.level", has_text="非常不满意").click()
    page.locator("#bad-reasons label.check", has_text="对办理结果不满意").click()
    page.fill("textarea[name=comment]", "晚上还在违规卸油")
    page.click(".rate-form button[type=submit]")
    expect(page.locator(".msg-success")).to_contain_text("重新交办")
    expect(page.locator("#petition-state")).to_have_text("重新办理")

    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in("p_yanhu")
    act(page, live_server, petition.pk, "reply", "已答复", reply="夜间再次检查，已立案调查并停业整顿。")
    sign_in("p_clerk")
    act(page, live_server, petition.pk, "close", "已办结")
    petition.refresh_from_db()
    assert petition.reopen_count == 1
