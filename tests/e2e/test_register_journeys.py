"""Journeys through the register in Chromium: scope (a county officer cannot open another county's enterprise),
and an Excel import with a bad row (per-row report, nothing imported)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from bureau.enterprises.models import Enterprise
from bureau.enterprises.rules import COLUMNS
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user, valid_uscc

pytestmark = pytest.mark.django_db(transaction=True)


def test_county_officer_cannot_open_another_countys_enterprise(page, live_server, sign_in):
    own = EnterpriseFactory(region_id="140802", name="盐湖区本县企业有限公司")
    other = EnterpriseFactory(region_id="140821", name="临猗县外县企业有限公司")
    make_user("yanhu", roles=["inspector"], organisation=county_bureau("140802"))
    sign_in("yanhu")
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.get_by_text(own.name)).to_be_visible()
    expect(page.get_by_text(other.name)).to_have_count(0)
    response = page.goto(f"{live_server.url}/enterprises/{other.pk}/")
    assert response.status == 404  # the server's answer to this request, not a read of the page
    expect(page.locator("html")).not_to_contain_text(other.name)
    # the Chinese error page in the site's frame, with a way back (issue 17 item 3)
    expect(page.locator("main h1")).to_have_text("页面不存在")
    expect(page.locator("main .error-page")).to_contain_text("回到我的待办")


def test_admin_imports_a_file_with_a_bad_row_and_nothing_is_imported(page, live_server, sign_in, tmp_path):
    make_user("admin_e2e", roles=["sysadmin"], organisation=city_bureau())
    wb = Workbook()
    ws = wb.active
    ws.append([title for _, title, _ in COLUMNS])
    keys = [key for key, _, _ in COLUMNS]  # cells by column key: the template's column order may change
    for values in ({"uscc": valid_uscc(), "name": "运城好企业有限公司", "region": "140802", "industry": "加油站",
                    "legal_representative": "王五"},
                   {"uscc": "91140802MA0K00000X", "name": "运城坏企业有限公司", "region": "999999", "industry": "加油站",
                    "legal_representative": "赵六"}):
        ws.append([values.get(key, "") for key in keys])
    path = tmp_path / "名录.xlsx"
    buffer = io.BytesIO()
    wb.save(buffer)
    path.write_bytes(buffer.getvalue())
    sign_in("admin_e2e")
    page.goto(f"{live_server.url}/enterprises/import/")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="上传并校验").click()
    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("data-status", "failed")
    expect(progress).to_contain_text("未导入任何数据")
    report = page.locator("table.error-report tbody")
    expect(report.locator("td:first-child")).to_have_text(["3", "3"])  # both errors are in the bad row (row 3)
    expect(report).to_contain_text("统一社会信用代码")
    expect(report).to_contain_text("所在区划代码")
    assert not Enterprise.objects.filter(name__in=["运城好企业有限公司", "运城坏企业有限公司"]).exists()
