"""差评原因 (国办发〔2019〕51号: a bad rating is verified and rectified): 不满意 / 非常不满意 names at least one reason
from the list (data) and says what happened, other levels take no reason; the statistics count bad ratings per
reason and the follow-up (整改) shows them. Through the rating page and the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bureau.feedback import rules, services
from bureau.feedback.models import BadRatingReason, Rating, RatingFollowUp
from bureau.feedback.reference import REASONS
from bureau.kernel.errors import DomainError
from bureau.licensing.models import Application, PermitItem
from bureau.licensing.reference import seed_items
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db
KNOWN = dict(REASONS)


def test_rule_bad_levels_need_a_reason_and_a_description():
    assert rules.check_reasons(1, ["attitude", "slow", "attitude"], "窗口人员不耐烦", KNOWN) == ["slow", "attitude"]
    with pytest.raises(DomainError, match="请选择差评原因") as exc:
        rules.check_reasons(2, [], "等了很久", KNOWN)
    assert exc.value.field == "reasons"
    with pytest.raises(DomainError, match="请写明不满意的具体情况") as exc:
        rules.check_reasons(2, ["slow"], "  ", KNOWN)
    assert exc.value.field == "comment"


def test_rule_other_levels_take_no_reason_and_unknown_reasons_are_refused():
    assert rules.check_reasons(3, [], "", KNOWN) == []
    with pytest.raises(DomainError, match="只有“不满意”或“非常不满意”"):
        rules.check_reasons(5, ["slow"], "", KNOWN)
    with pytest.raises(DomainError, match="不在可选范围内"):
        rules.check_reasons(1, ["bribe"], "x", KNOWN)


def test_the_reasons_are_shipped_as_data_with_their_source():
    rows = list(BadRatingReason.objects.all())
    assert [r.code for r in rows] == [c for c, _ in REASONS]
    assert all("国办发〔2019〕51号" in r.source and r.effective_from for r in rows)
    BadRatingReason.objects.filter(code="platform").update(is_active=False)  # retired by the administrator
    assert "platform" not in services.bad_reasons()


@pytest.fixture
def app(db):
    seed_items()
    city = city_bureau()
    make_user("ratings_head", roles=["section_head"], organisation=city)
    enterprise = EnterpriseFactory(region_id="140802")
    user = make_user("rater", roles=["enterprise"], enterprise=enterprise, real_name="李丽娟")
    application = Application.objects.create(
        number="T1", item=PermitItem.objects.order_by("pk").first(), enterprise=enterprise, region_id="140802",
        state="granted", level="city", submitted_at=timezone.now(),
        submitted_on=timezone.localdate())
    return application, user, city


def test_bad_rating_without_reason_is_refused_on_the_page_and_nothing_is_saved(app, login):
    application, user, _city = app
    url = f"/feedback/rate/licensing.application/{application.pk}/"
    page = login(user).get(url).content.decode()
    assert "差评原因" in page and "工作人员服务态度差" in page
    r = login(user).post(url, {"level": "1", "comment": "太慢了"})
    assert r.status_code == 400 and "请选择差评原因" in r.content.decode()
    r = login(user).post(url, {"level": "2", "reasons": ["slow"], "comment": ""})
    assert r.status_code == 400 and "请写明不满意的具体情况" in r.content.decode()
    r = login(user).post(url, {"level": "5", "reasons": ["slow"]})
    assert r.status_code == 400
    assert Rating.objects.count() == 0


def test_bad_rating_with_reasons_opens_a_followup_that_shows_them(app, login):
    application, user, city = app
    url = f"/feedback/rate/licensing.application/{application.pk}/"
    r = login(user).post(url, {"level": "1", "reasons": ["not_told_at_once", "slow"],
                               "comment": "材料分三次才告知齐全，耽误了两周"})
    assert r.status_code == 200 and "感谢您的评价" in r.content.decode()
    rating = Rating.objects.get()
    assert sorted(rating.reasons.values_list("code", flat=True)) == ["not_told_at_once", "slow"]
    followup = RatingFollowUp.objects.get(rating=rating)
    head = make_user("head2", roles=["section_head"], organisation=city)
    page = login(head).get(f"/feedback/ratings/followups/{followup.pk}/").content.decode()
    assert "未一次性告知，多次补正" in page and "办理时间长或超时办结" in page and "材料分三次才告知齐全" in page
    assert "差评原因：" in followup.history()[0].note


def test_statistics_count_bad_ratings_per_reason_on_the_page_export_and_api(app, login,
                                                                           django_assert_max_num_queries):
    _application, _user, city = app
    for i, (level, reasons) in enumerate([(1, ["slow"]), (2, ["slow", "attitude"]), (5, [])]):
        services.rating_submit(actor=None, service_type="window.visit", service_id=str(i), service_label="窗口服务",
                               level=level, region_id="140802", organisation=city, reasons=reasons,
                               comment="等候时间过长" if reasons else "")
    head = make_user("head3", roles=["section_head"], organisation=city)
    client = login(head)
    page = client.get("/feedback/ratings/").content.decode()
    assert "差评原因统计" in page and "办理时间长或超时办结" in page and "2 条" in page
    with django_assert_max_num_queries(12):
        stats = client.get("/api/v1/feedback/statistics").json()
    counts = {r["code"]: r["count"] for r in stats["reasons"]}
    assert counts["slow"] == 2 and counts["attitude"] == 1 and counts["process"] == 0
    assert stats["bad"] == 2 and stats["total"] == 3
    export = client.get("/feedback/ratings/export.xlsx")
    assert export.status_code == 200
    enterprise_user = make_user("corp_stats", roles=["enterprise"], enterprise=EnterpriseFactory())
    assert login(enterprise_user).get("/api/v1/feedback/statistics").status_code == 403


def test_api_lists_reasons_and_rates_with_them(app, login):
    application, user, _city = app
    assert [r["code"] for r in login(user).get("/api/v1/feedback/public/reasons").json()][:2] == ["process",
                                                                                                 "materials"]
    client = login(user)
    body = {"service_type": "licensing.application", "service_id": str(application.pk), "level": 2, "reasons": []}
    r = client.post("/api/v1/feedback/ratings", body, content_type="application/json")
    assert r.status_code == 400 and "请选择差评原因" in r.json()["detail"]
    body |= {"reasons": ["materials"], "comment": "要求提交的材料与指南不一致"}
    r = client.post("/api/v1/feedback/ratings", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["reasons"] == [{"code": "materials", "label": "材料要求多或重复提交"}]
    assert r.json()["followup"] is True
    other = {"service_type": "licensing.application", "service_id": "999999", "level": 5}
    assert client.post("/api/v1/feedback/ratings", other, content_type="application/json").status_code == 404
