"""Journey: a county officer signs in through the real login form and sees the workbench."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, county_bureau, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_signs_in_and_sees_workbench(page, live_server):
    make_user("yanhu_officer", roles=["inspector"], organisation=county_bureau("140802"), real_name="盐湖 张伟")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "yanhu_officer")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("h1").first).to_have_text("我的待办")
    expect(page.locator(".topbar")).to_contain_text("盐湖 张伟")
