"""好差评: five levels, one rating per service, bad real-name rating → follow-up in 15 working days (as data),
appeals, the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.feedback import services
from bureau.feedback.models import Rating, RatingFollowUp
from bureau.feedback.queries import ratings_window
from bureau.kernel.calendar import add_working_days
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import RuleParameter


def rate(world, level, **kw):
    data = dict(actor=None, service_type="licensing.application", service_id=str(kw.pop("sid", 1)),
                service_label="危险化学品经营许可 XK2026000001", level=level, region_id="140802",
                organisation=world.yanhu)
    data.update(kw)
    return services.rating_submit(**data)


@pytest.mark.django_db
def test_one_rating_per_service_and_level_checked(world):
    rate(world, 5)
    with pytest.raises(DomainError, match="只能评价一次"):
        rate(world, 4)
    with pytest.raises(DomainError, match="五级"):
        rate(world, 6, sid=2)
    assert Rating.objects.count() == 1


@pytest.mark.django_db
def test_bad_real_name_rating_opens_followup_with_configured_deadline(world):
    anonymous = rate(world, 1, sid=1)
    assert not RatingFollowUp.objects.filter(rating=anonymous).exists()  # anonymous: no follow-up
    named = rate(world, 2, sid=2, rater_name="刘女士", rater_phone="13912340000", comment="等太久")
    followup = RatingFollowUp.objects.get(rating=named)
    assert followup.due_date == add_working_days(timezone.localdate(), 15).date and followup.state == "open"
    RuleParameter.objects.filter(key="ratings.followup_working_days").update(value=10)
    third = rate(world, 1, sid=3, actor=world.clerk)  # signed-in rater: real name
    assert RatingFollowUp.objects.get(rating=third).due_date == add_working_days(timezone.localdate(), 10).date
    assert not RatingFollowUp.objects.filter(rating=rate(world, 3, sid=4, actor=world.clerk)).exists()


@pytest.mark.django_db
def test_followup_completion_over_http(world, login):
    named = rate(world, 1, rater_name="刘女士", rater_phone="13912340000")
    followup = named.followup
    client = login(world.linyi_officer)
    assert client.get(f"/feedback/ratings/followups/{followup.pk}/").status_code == 404
    client = login(world.yanhu_officer)
    r = client.post(f"/feedback/ratings/followups/{followup.pk}/", {"result": "短"}, follow=True)
    assert "不少于5个字" in r.content.decode()
    client.post(f"/feedback/ratings/followups/{followup.pk}/", {"result": "已电话致歉并优化叫号流程"})
    followup.refresh_from_db()
    assert followup.state == "done" and followup.done_at is not None


@pytest.mark.django_db
def test_appeal_upheld_excludes_rating_from_satisfaction(world, login):
    bad = rate(world, 1, rater_name="某人", rater_phone="13900000000", comment="乱评")
    rate(world, 5, sid=2)
    with pytest.raises(DomainError, match="只能对差评"):
        services.appeal_file(actor=world.yanhu_officer, rating=Rating.objects.get(service_id="2"), reason="x" * 12)
    r = login(world.yanhu_officer).post(f"/feedback/ratings/{bad.pk}/appeal/", {"reason": "评价内容与服务无关，系恶意刷评"})
    assert r.status_code == 302
    appeal = bad.appeals.get()
    with pytest.raises(PermissionDenied):
        services.appeal_decide(actor=world.yanhu_officer, appeal=appeal, uphold=True, decision="同意")
    login(world.leader).post(f"/feedback/ratings/appeals/{appeal.pk}/decide/", {"uphold": "1", "decision": "经核实属恶意评价"})
    bad.refresh_from_db()
    assert bad.excluded and bad.followup.state == "done"
    r = login(world.leader).get("/feedback/ratings/")
    assert r.context["summary"]["satisfaction"] == 100.0 and r.context["summary"]["excluded"] == 1


@pytest.mark.django_db
def test_ratings_report_scoped_and_exported(world, login, django_assert_max_num_queries):
    rate(world, 5, sid=1)
    rate(world, 2, sid=2)
    rate(world, 4, sid=3, region_id="140821", organisation=world.linyi)
    client = login(world.yanhu_officer)
    with django_assert_max_num_queries(20):
        r = client.get("/feedback/ratings/")
    assert r.context["summary"]["total"] == 2 and r.context["summary"]["satisfaction"] == 50.0
    r = login(world.leader).get("/feedback/ratings/export.xlsx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxml")


@pytest.mark.django_db
def test_rating_window_dates_are_inclusive(world):
    row = rate(world, 5)
    today = timezone.localdate()
    lo, hi = ratings_window(today, today)
    assert lo <= row.created_at <= hi
    assert ratings_window(today - dt.timedelta(days=2), today - dt.timedelta(days=1))[1] < row.created_at


@pytest.mark.django_db
def test_appeal_and_followup_buttons_are_the_declared_actions_of_the_user(world, login):
    """Rule: the ratings page shows the appeal decision buttons only to whom the appeal workflow allows them (a
    leader decides, feedback.workflow.APPEAL), and the follow-up form only while `complete` is available (not to the
    system administrator, who sees the whole city but whose role the follow-up workflow does not name) — the page
    asks the workflow, not a role test."""
    from tests.factories import city_bureau, make_user

    bad = rate(world, 1, rater_name="某人", rater_phone="13900000000", comment="乱评")
    services.appeal_file(actor=world.yanhu_officer, rating=bad, reason="评价内容与服务无关，系恶意刷评")
    decide = f"/feedback/ratings/appeals/{bad.appeals.get().pk}/decide/"
    officer_page = login(world.yanhu_officer).get("/feedback/ratings/").content.decode()
    leader_page = login(world.leader).get("/feedback/ratings/").content.decode()
    assert "申诉成立" in leader_page and decide in leader_page
    assert decide not in officer_page
    followup = f"/feedback/ratings/followups/{bad.followup.pk}/"
    assert "完成整改回访</button>" in login(world.yanhu_officer).get(followup).content.decode()
    admin = make_user("p_sysadmin", roles=["sysadmin"], organisation=city_bureau())
    admin_page = login(admin).get(followup)
    assert admin_page.status_code == 200 and "完成整改回访</button>" not in admin_page.content.decode()

