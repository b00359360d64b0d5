"""Issue 17: the conventions of docs/ui.md that a page or a document must keep — Chinese error pages in the site's
frame with a way back, breadcrumbs only to pages the user may open, the audit log in Chinese, no editorial notes on
screen, and documents as GB/T 9704-2012 says (unpadded numbers, full authority names, uniform law citations)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory, override_settings

from bureau.kernel import error_pages
from bureau.kernel.audit_labels import event_label, object_label
from bureau.kernel.dates import chinese_date, cn_datetime
from bureau.kernel.documents import cite_laws, official_number
from bureau.kernel.templatetags.ui import may_open, plain
from tests.factories import EnterpriseFactory, county_bureau, make_user

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_error_pages_are_chinese_in_the_frame_with_a_way_back(client, login):
    """Issue 17 item 3: 404 for the public in the portal frame; 404 for a signed-in user in the workbench frame with
    a link back to 我的待办; a 500 reads no database and still offers the way back; the API keeps answering JSON."""
    public = client.get("/no-such-page/")
    page = public.content.decode()
    assert public.status_code == 404 and "页面不存在" in page and 'class="pub-top"' in page and "Not Found" not in page
    assert '<main class="pub-main" id="main"' in page
    user = make_user("ui_officer", roles=["inspector"], organisation=county_bureau())
    staff = login(user).get("/no-such-page/", HTTP_REFERER="http://testserver/inbox/").content.decode()
    assert "回到我的待办" in staff and 'href="/inbox/"' in staff and 'class="sidenav"' in staff
    outside = client.get("/no-such-page/", HTTP_REFERER="https://evil.example/x").content.decode()
    assert "evil.example" not in outside
    crash = error_pages.error_500(RequestFactory().get("/x/"))
    assert crash.status_code == 500 and "系统繁忙" in crash.content.decode() and "12345" in crash.content.decode()
    assert client.get("/api/v1/no-such-endpoint").status_code == 404


def test_breadcrumb_links_only_to_pages_the_user_may_open():
    """Issue 17 item 3: an enterprise user's breadcrumb never links to the staff-only register or the audit log; a
    public page is always linkable; an officer keeps the link to the register of enterprises."""
    firm = EnterpriseFactory(region_id="140802")
    staff = make_user("ui_crumb_staff", roles=["inspector"], organisation=county_bureau())
    owner = make_user("ui_crumb_firm", roles=["enterprise"], enterprise=firm)
    assert may_open(staff, "/inspection/") and not may_open(owner, "/inspection/")
    assert not may_open(owner, "/kernel/audit/") and may_open(owner, "/portal/")
    assert not may_open(None, "/inspection/") and not may_open(staff, "/no-such-page/")


def test_the_audit_log_names_events_and_objects_in_chinese():
    """Issue 17 item 3: no raw event codes or model labels on screen (accounts.login, hazards.hazard 12)."""
    assert event_label("accounts.login") == "用户与机构 · 登录"
    assert object_label("hazards.hazard") == "隐患"
    assert "." not in event_label("nosuch.thing") and "." not in object_label("nosuch.model")


def test_editorial_notes_never_reach_the_screen():
    """Issue 17 item 3: measure numbers and open questions are stripped from stored texts shown to users."""
    assert plain("依据措施I.6，竣工验收监督与首次许可现场核查合并为一次联合检查") == "竣工验收监督与首次许可现场核查合并为一次联合检查"
    assert plain("第13条：30日内作出决定（日历日/工作日待核实）") == "第13条：30日内作出决定"
    assert plain("整改合格后销号（运城市优化营商环境30条 三.6）。") == "整改合格后销号。"


def test_documents_number_date_cite_and_sign_as_gb_t_9704_says():
    """GB/T 9704-2012 7.2.4 (发文顺序号不编虚位), 7.3.5.1 (发文机关全称), one date form, laws by full title with
    Chinese article numbers (《中华人民共和国安全生产法》第九十七条)."""
    assert official_number("盐湖应急罚决〔2026〕00010号") == "盐湖应急罚决〔2026〕10号"
    assert official_number("运应急督〔2026〕10号") == "运应急督〔2026〕10号"
    assert cite_laws("依据安全生产法第97条第1款") == "依据《中华人民共和国安全生产法》第九十七条第一款"
    assert cite_laws("《危险化学品安全管理条例》第33条") == "《危险化学品安全管理条例》第三十三条"
    assert cite_laws("安全生产法律法规") == "安全生产法律法规"
    assert chinese_date(dt.date(2026, 3, 6)) == "2026年3月6日"
    assert cn_datetime(dt.datetime(2026, 3, 6, 9, 5)) == "2026年3月6日 9时5分"
    assert county_bureau("140802", "盐湖区应急管理局").full_name == "运城市盐湖区应急管理局"
    assert county_bureau("140821", "临猗县应急管理局").full_name == "临猗县应急管理局"
