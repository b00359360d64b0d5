"""The 排查清单, the check-in on the phone, the missed list, the 风险告知卡 and the four-colour site map through the
pages and the API, scoped like everything else (another county's record answers 404)."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from bureau.hazards import services
from bureau.hazards.models import CheckFrequency, CheckItem, RiskPointPlacement, ScheduledCheck, SitePlan
from bureau.kernel.models import Document
from tests.factories import EnterpriseFactory, make_user, messages_of
from tests.hazards.factories import PDF, png
from tests.hazards.pdftext import pdf_text

pytestmark = pytest.mark.django_db


def plan_png(size=(800, 500), name="厂区平面图.png"):
    out = io.BytesIO()
    Image.new("RGB", size, (235, 238, 242)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


@pytest.fixture
def point(w):
    return services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name="甲醇储罐区", hazard_source="甲醇泄漏",
                                    method="lec", factor_l=3, factor_e=6, factor_c=40, controls="可燃气体检测报警")


@pytest.fixture
def item(w, point):
    return services.check_item_save(actor=w.owner, risk_point=point, content="可燃气体报警器指示正常",
                                    frequency=CheckFrequency.objects.get(code="daily"), post="罐区操作工",
                                    responsible_person="王建国", standard="GB/T 50493")


def open_check(item):
    now = timezone.now()
    return ScheduledCheck.objects.get(item=item, window_start__lte=now, missed_after__gt=now)


def test_the_enterprise_adds_a_checklist_line_on_the_risk_point_page_and_its_checks_are_scheduled(w, point, login):
    client = login(w.owner)
    page = client.get(f"/hazards/risks/{point.pk}/checklist/").content.decode()
    assert "添加排查内容" in page and "包保责任人" in page
    daily = CheckFrequency.objects.get(code="daily")
    answer = client.post(f"/hazards/risks/{point.pk}/checklist/add/", {
        "content": "防雷接地完好", "standard": "", "frequency": daily.pk, "post": "电工", "responsible_person": "赵刚"},
        follow=True)
    assert "排查任务已按频次生成" in messages_of(answer)
    line = CheckItem.objects.get(content="防雷接地完好")
    assert ScheduledCheck.objects.filter(item=line).exists()
    refused = client.post(f"/hazards/risks/{point.pk}/checklist/add/", {
        "content": "防雷接地完好", "frequency": daily.pk, "post": "电工", "responsible_person": ""})
    assert refused.status_code == 400 and "包保责任人" in refused.content.decode()
    assert CheckItem.objects.filter(content="防雷接地完好").count() == 1


def test_the_county_reads_the_checklist_without_changing_it_and_another_county_gets_404(w, point, item, login):
    page = login(w.inspector).get(f"/hazards/risks/{point.pk}/checklist/").content.decode()
    assert "可燃气体报警器指示正常" in page and "添加排查内容" not in page
    assert login(w.inspector).post(f"/hazards/risks/{point.pk}/checklist/add/", {}).status_code == 403
    other = login(w.other_inspector)
    assert other.get(f"/hazards/risks/{point.pk}/checklist/").status_code == 404
    assert other.get(f"/hazards/checks/{open_check(item).pk}/").status_code == 404
    assert other.get(f"/api/v1/hazards/checks/{open_check(item).pk}").status_code == 404
    assert other.get(f"/api/v1/hazards/risk-points/{point.pk}/check-items").status_code == 404


def test_the_post_checks_in_on_the_phone_with_a_photo(w, item, login):
    client = login(w.owner)
    check = open_check(item)
    page = client.get(f"/hazards/checks/{check.pk}/").content.decode()
    assert 'capture="environment"' in page and "提交打卡" in page
    refused = client.post(f"/hazards/checks/{check.pk}/check-in/", {"result": "normal"})
    assert refused.status_code == 400 and "现场照片" in refused.content.decode()
    answer = client.post(f"/hazards/checks/{check.pk}/check-in/", {"result": "normal", "note": "正常",
                                                                   "photos": [png("IMG_1.png")]})
    assert answer.status_code == 302
    check.refresh_from_db()
    assert check.state == "done" and check.attachments().count() == 1
    shown = client.get(f"/hazards/checks/{check.pk}/").content.decode()
    assert "打卡记录" in shown and f"/attachments/{check.attachments().get().pk}/download" in shown
    assert login(w.other_inspector).get(f"/attachments/{check.attachments().get().pk}/download").status_code == 404


def test_the_api_keeps_the_checklist_and_checks_in_with_multipart_photos(w, point, login):
    client = login(w.owner)
    frequencies = client.get("/api/v1/hazards/check-frequencies").json()
    patrol = next(f for f in frequencies if f["code"] == "every-2-hours")
    assert (patrol["unit"], patrol["every"]) == ("hour", 2) and "应急〔2019〕78号" in patrol["source"]
    bad = client.post(f"/api/v1/hazards/risk-points/{point.pk}/check-items", {
        "content": "巡检", "frequency": "每天", "post": "操作工", "responsible_person": "王"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["detail"] == "排查频次无效"
    made = client.post(f"/api/v1/hazards/risk-points/{point.pk}/check-items", {
        "content": "巡检罐区", "frequency": "daily", "post": "操作工", "responsible_person": "王建国"},
        content_type="application/json")
    assert made.status_code == 201 and made.json()["frequency_label"] == "每天"
    rows = client.get("/api/v1/hazards/checks?state=open").json()["items"]
    assert [r["content"] for r in rows] == ["巡检罐区"] and rows[0]["responsible_person"] == "王建国"
    check_id = rows[0]["id"]
    done = client.post(f"/api/v1/hazards/checks/{check_id}/check-in", {"result": "normal", "photos": [png()]})
    assert done.status_code == 200 and done.json()["state"] == "done" and len(done.json()["photo_urls"]) == 1
    again = client.post(f"/api/v1/hazards/checks/{check_id}/check-in", {"result": "normal", "photos": [png()]})
    assert again.status_code == 409


def test_missed_checks_reach_the_enterprise_and_the_county_but_not_another_county(w, item, login,
                                                                                   django_assert_max_num_queries):
    services.missed_check_sweep(now=open_check(item).missed_after)
    assert ScheduledCheck.objects.filter(state="missed").count() == 1
    county = login(w.inspector)
    with django_assert_max_num_queries(12):
        rows = county.get("/api/v1/hazards/checks/missed").json()["items"]
    assert [(r["content"], r["state_label"]) for r in rows] == [("可燃气体报警器指示正常", "漏检")]
    page = county.get("/hazards/checks/").content.decode()  # the county's default view: the missed checks
    assert "可燃气体报警器指示正常" in page and w.enterprise.name in page
    assert login(w.other_inspector).get("/api/v1/hazards/checks/missed").json()["items"] == []
    assert "漏检" in login(w.owner).get("/hazards/checks/?state=missed").content.decode()


def test_the_check_list_has_a_query_budget(w, item, login, django_assert_max_num_queries):
    for n in range(5):
        services.check_item_save(actor=w.owner, risk_point=item.risk_point, content=f"巡检{n}",
                                 frequency=CheckFrequency.objects.get(code="every-2-hours"), post="操作工",
                                 responsible_person="王")
    client = login(w.inspector)
    with django_assert_max_num_queries(14):
        answer = client.get("/hazards/checks/?state=scheduled")
    assert answer.status_code == 200 and answer.content.decode().count("巡检") >= 5
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/hazards/checks?state=scheduled&limit=20").json()["items"]) == 20


def test_the_risk_notice_card_says_the_colour_the_controls_and_the_checklist(w, point, item, login, real_pdf):
    client = login(w.owner)
    answer = client.get(f"/hazards/risks/{point.pk}/card.pdf")
    pdf = b"".join(answer.streaming_content)
    assert answer.status_code == 200 and pdf.startswith(b"%PDF-") and b"/FontFile2" in pdf
    text = pdf_text(pdf)
    for expected in ("安全风险告知卡", "甲醇储罐区", "重大风险（红）", "甲醇泄漏", "可燃气体检测报警", "可燃气体报警器指示正常",
                     "每天", "罐区操作工", "王建国"):
        assert expected in text, expected
    card = client.get(f"/api/v1/hazards/risk-points/{point.pk}/notice-card").json()
    assert Document.objects.filter(kind="risk_notice_card").count() == 1  # unchanged: the stored card is reused
    assert card["url"] == f"/documents/{Document.objects.get().pk}/download"
    services.check_item_save(actor=w.owner, risk_point=point, content="静电接地完好",
                             frequency=CheckFrequency.objects.get(code="weekly"), post="装卸工", responsible_person="李")
    client.get(f"/api/v1/hazards/risk-points/{point.pk}/notice-card")
    latest = Document.objects.filter(kind="risk_notice_card").order_by("-id").first()
    assert Document.objects.filter(kind="risk_notice_card").count() == 2
    assert "静电接地完好" in pdf_text(latest.file.read())
    assert login(w.other_inspector).get(f"/hazards/risks/{point.pk}/card.pdf").status_code == 404


def test_the_enterprise_uploads_its_site_plan_and_places_its_risk_points(w, point, login):
    client = login(w.owner)
    assert "尚未上传厂区平面图" in client.get("/hazards/map/").content.decode()
    fake = client.post("/hazards/map/plan/", {"title": "平面图", "image": SimpleUploadedFile("plan.png", PDF)})
    assert fake.status_code == 400 and "内容与扩展名不符" in fake.content.decode() and not SitePlan.objects.exists()
    assert client.post("/hazards/map/plan/", {"title": "厂区总平面布置图", "image": plan_png()}).status_code == 302
    plan = SitePlan.objects.get(enterprise=w.enterprise)
    assert (plan.width, plan.height, plan.image.purpose) == (800, 500, services.SITE_PLAN)
    outside = client.post("/hazards/map/place/", {"risk_point": point.pk, "x": "120", "y": "40"})
    assert outside.status_code == 400 and not RiskPointPlacement.objects.exists()
    assert client.post("/hazards/map/place/", {"risk_point": point.pk, "x": "25", "y": "40"}).status_code == 302
    placed = RiskPointPlacement.objects.get(risk_point=point)
    assert (float(placed.x), float(placed.y)) == (0.25, 0.4)
    page = client.get("/hazards/map/").content.decode()
    data = json.loads(re.search(r'id="site-map-data"[^>]*>(.*?)</script>', page, re.S).group(1))
    assert data["plan"]["url"] == f"/attachments/{plan.image_id}/download" and data["editable"] is True
    assert data["points"] == [{"id": point.pk, "name": "甲醇储罐区", "level": "red", "level_label": "重大风险（红）",
                               "hazard_source": "甲醇泄漏", "x": 0.25, "y": 0.4}]
    assert 'js/site-map.js' in page and 'name="x"' in page  # drawn by our own script; x/y typed without a pointer


def test_the_county_sees_the_map_of_its_enterprise_read_only_and_another_county_gets_404(w, point, login):
    services.site_plan_upload(actor=w.owner, enterprise=w.enterprise, title="厂区平面图", image=plan_png())
    services.risk_point_place(actor=w.owner, risk_point=point, x=0.5, y=0.5)
    county = login(w.inspector)
    page = county.get(f"/hazards/map/enterprise/{w.enterprise.pk}/").content.decode()
    assert "甲醇储罐区" in page and "保存位置" not in page
    api = county.get(f"/api/v1/hazards/site-map?enterprise={w.enterprise.pk}").json()
    assert api["plan"]["width"] == 800 and api["points"][0]["x"] == 0.5
    other = login(w.other_inspector)
    assert other.get(f"/hazards/map/enterprise/{w.enterprise.pk}/").status_code == 404
    assert other.get(f"/api/v1/hazards/site-map?enterprise={w.enterprise.pk}").status_code == 404
    plan = SitePlan.objects.get()
    assert other.get(f"/attachments/{plan.image_id}/download").status_code == 404
    neighbour = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(region_id="140802"))
    assert login(neighbour).get(f"/api/v1/hazards/site-map?enterprise={w.enterprise.pk}").status_code == 404


def test_the_api_uploads_the_plan_and_places_a_point(w, point, login):
    client = login(w.owner)
    assert client.put(f"/api/v1/hazards/risk-points/{point.pk}/position", {"x": 0.1, "y": 0.2},
                      content_type="application/json").json()["detail"] == "请先上传厂区平面图"
    made = client.post("/api/v1/hazards/site-map", {"title": "总平面图", "image": plan_png((400, 300))})
    assert made.status_code == 201 and made.json()["plan"]["height"] == 300
    placed = client.put(f"/api/v1/hazards/risk-points/{point.pk}/position", {"x": 0.1, "y": 0.2},
                        content_type="application/json")
    assert placed.status_code == 200 and (placed.json()["x"], placed.json()["y"]) == (0.1, 0.2)
    assert client.put(f"/api/v1/hazards/risk-points/{point.pk}/position", {"x": 1.5, "y": 0.2},
                      content_type="application/json").status_code in (400, 422)
    assert login(w.inspector).put(f"/api/v1/hazards/risk-points/{point.pk}/position", {"x": 0.3, "y": 0.3},
                                  content_type="application/json").status_code == 403


def test_the_enterprise_workbench_lists_the_checks_open_now(w, item, login):
    page = login(w.owner).get("/").content.decode()  # the workbench is the landing page of a signed-in user
    assert "排查：甲醇储罐区 · 可燃气体报警器指示正常" in page
    assert f"/hazards/checks/{open_check(item).pk}/" in page
