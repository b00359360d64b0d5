"""Journey: a citizen writes to the director's mailbox → the clerk dispatches → the county bureau replies → the
citizen rates it 非常不满意 → the ticket is reopened → replied again → closed."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def captcha_answer(page) -> str:
    cookie = next(c for c in page.context.cookies() if c["name"] == "sessionid")
    return str(SessionStore(session_key=cookie["value"])["portal_captcha"]["answer"])


def switch_user(page, signed_in, username):
    page.context.clear_cookies()
    return signed_in(username, PASSWORD)


def act(page, live_server, pk, action, **fields):
    page.goto(f"{live_server.url}/petitions/{pk}/")
    form = page.locator(f'form[action$="/{action}/"]')
    for name, value in fields.items():
        if name == "target":
            form.locator("select[name=target]").select_option(label=value)
        else:
            form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")


def test_mailbox_petition_loop_with_dissatisfied_rating(page, live_server, signed_in):
    from bureau.petitions.models import Petition
    from tests.petitions.factories import World

    World()
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
    number = page.locator("#petition-number").inner_text().strip()
    code = page.locator("#petition-code").inner_text().strip()
    petition = Petition.objects.get(number=number)
    assert petition.state == "received" and "<script>" in petition.content

    page.set_viewport_size({"width": 1280, "height": 900})
    switch_user(page, signed_in, "p_clerk")
    act(page, live_server, petition.pk, "dispatch", target="盐湖区应急管理局")
    assert "已派单" in page.locator("#state-chip").inner_text()

    switch_user(page, signed_in, "p_yanhu")
    act(page, live_server, petition.pk, "accept")
    act(page, live_server, petition.pk, "reply", reply="经现场检查，已责令加油站整改卸油作业管理。")
    assert "已答复" in page.locator("#state-chip").inner_text()
    assert "&lt;script&gt;" in page.locator("#petition-content").inner_html()

    switch_user(page, signed_in, "p_clerk")
    act(page, live_server, petition.pk, "close")
    assert "已办结" in page.locator("#state-chip").inner_text()

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/petitions/lookup/")
    page.fill("#id_number", number)
    page.fill("#id_code", code)
    page.click("form.inline-form button[type=submit]")
    assert "经现场检查" in page.locator("#petition-reply").inner_text()
    page.locator("label.level", has_text="非常不满意").click()
    page.fill("textarea[name=comment]", "晚上还在违规卸油")
    page.click(".rate-form button[type=submit]")
    assert "重新交办" in page.locator(".msg-success").inner_text()
    assert page.locator("#petition-state").inner_text() == "重新办理"

    page.set_viewport_size({"width": 1280, "height": 900})
    switch_user(page, signed_in, "p_yanhu")
    act(page, live_server, petition.pk, "reply", reply="夜间再次检查，已立案调查并停业整顿。")
    switch_user(page, signed_in, "p_clerk")
    act(page, live_server, petition.pk, "close")
    assert "已办结" in page.locator("#state-chip").inner_text()
    petition.refresh_from_db()
    assert petition.reopen_count == 1
