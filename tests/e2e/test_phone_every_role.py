"""Journey (issue 17, checks): every role on a 390 px phone. Each kind of user signs in on a phone and opens 我的待办,
站内消息 (with a long message in it) and the first page of their own menu (once per page); no page may be wider than the screen and
each page is in Chinese with the site's frame. On the SQLite run the page checks of conftest.py also run axe on every
page loaded here."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from bureau.accounts.models import OrganisationKind
from bureau.kernel.notifications import notify
from tests.e2e.test_inspection_journey import expect_fits_phone
from tests.factories import (
    EnterpriseFactory,
    OrganisationFactory,
    city_bureau,
    county_bureau,
    make_user,
    valid_id_number,
)

pytestmark = pytest.mark.django_db(transaction=True)

LONG = ("关于运城市盐湖区汇丰精细化工贸易有限公司危险化学品经营许可证延期申请材料补正的通知"
        "（编号 YCXK2026000123，请于2026年12月18日前补正）")


def _users() -> dict[str, object]:
    city, county = city_bureau(), county_bureau("140802", "盐湖区应急管理局")
    enterprise = EnterpriseFactory(name="运城市盐湖区汇丰精细化工贸易有限公司")
    agency = OrganisationFactory(code="PH-AG", name="山西某安全评价有限公司", kind=OrganisationKind.AGENCY, region_id=None)
    department = OrganisationFactory(code="PH-DP", name="运城市能源局", kind=OrganisationKind.DEPARTMENT, region_id=None)
    park = OrganisationFactory(code="PH-PK", name="运城盐湖化工园区管理委员会", kind=OrganisationKind.DEPARTMENT,
                               region_id="140802")
    staff = {"sysadmin": city, "secadmin": city, "auditor": city, "clerk": city, "licensing_officer": city,
             "inspector": county, "section_head": county, "leader": county, "legal_reviewer": county}
    users = {role: make_user(f"ph_{role}", roles=[role], organisation=org, real_name="手机 测试")
             for role, org in staff.items()}
    users["expert"] = make_user("ph_expert", roles=["expert"], real_name="专家 测试")
    users["agency"] = make_user("ph_agency", roles=["agency"], organisation=agency, real_name="机构 测试")
    users["department"] = make_user("ph_department", roles=["department"], organisation=department)
    users["park_committee"] = make_user("ph_park", roles=["park_committee"], organisation=park)
    users["enterprise"] = make_user("ph_enterprise", roles=["enterprise"], enterprise=enterprise)
    users["individual"] = make_user("ph_individual", roles=["individual"], id_number=valid_id_number("140802"))
    notify(users.values(), LONG, "请登录网上办事大厅查看一次性告知书，按要求补正全部材料后重新提交。", url="/inbox/")
    return users


def test_every_role_finds_its_pages_fit_a_phone(page, live_server, sign_in):
    users = _users()
    page.set_viewport_size({"width": 390, "height": 844})
    opened: set[str] = set()  # a menu page several roles share is opened once (its frame is the same)
    for user in users.values():
        sign_in(user)
        page.goto(f"{live_server.url}/")
        expect(page.locator("main h1").first).to_be_visible()
        expect_fits_phone(page)
        page.goto(f"{live_server.url}/inbox/")
        expect(page.get_by_text(LONG[:20]).first).to_be_visible()
        expect_fits_phone(page)
        # the first entry of the role's own menu beyond 我的待办 and 站内消息
        links = page.locator("nav a.nav-item[href^='/']")
        hrefs = [h for h in links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
                 if h not in ("/", "/inbox/") and not h.startswith("/accounts/")]
        if hrefs and hrefs[0] not in opened:
            opened.add(hrefs[0])
            page.goto(f"{live_server.url}{hrefs[0]}")
            expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
            expect(page.locator("main")).to_be_visible()
            expect_fits_phone(page)
