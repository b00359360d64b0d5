"""Journey: a county officer signs in through the real login form and sees the workbench."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, county_bureau, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_signs_in_and_sees_workbench(page, live_server, signed_in):
    make_user("yanhu_officer", roles=["inspector"], organisation=county_bureau("140802"), real_name="盐湖 张伟")
    signed_in("yanhu_officer", PASSWORD)
    assert page.locator("h1").first.inner_text() == "我的待办"
    assert "盐湖 张伟" in page.locator(".topbar").inner_text()
