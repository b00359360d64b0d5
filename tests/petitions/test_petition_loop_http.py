"""The closed loop over HTTP: 受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价, and every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.feedback.models import Rating, RatingFollowUp
from bureau.kernel.models import AuditEntry
from bureau.petitions import services
from bureau.petitions.models import Petition, RoutingRule
from tests.petitions.factories import submit


def act(client, petition, action, **data):
    return client.post(f"/petitions/{petition.pk}/{action}/", data, follow=True)


def reload(p):
    return Petition.objects.get(pk=p.pk)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


@pytest.mark.django_db
def test_full_loop_with_dissatisfied_rating_reopening(world, login):
    petition, code = submit(world)
    assert petition.state == "received" and petition.due_at is not None

    r = act(login(world.clerk), petition, "dispatch", target=world.yanhu.pk)
    assert reload(petition).state == "dispatched" and reload(petition).assigned_org == world.yanhu, messages_of(r)
    act(login(world.yanhu_officer), petition, "accept")
    assert reload(petition).state == "handling"
    act(login(world.leader), petition, "supervise", note="请加快办理")
    p = reload(petition)
    assert p.state == "supervised" and p.supervised_count == 1
    act(login(world.yanhu_officer), petition, "reply", reply="已现场检查并责令整改。")
    p = reload(petition)
    assert p.state == "replied" and p.replied_on_time is True and p.reply == "已现场检查并责令整改。"
    act(login(world.clerk), petition, "close")
    assert reload(petition).state == "closed"
    act(login(world.clerk), petition, "visit", note="电话回访", level="")
    assert reload(petition).state == "visited"

    services.petition_rate(actor=None, petition=reload(petition), level=1, comment="没有解决")
    p = reload(petition)
    assert p.state == "reopened" and p.reopen_count == 1 and p.due_at > timezone.now()
    rating = Rating.objects.get(service_type="petitions.petition", service_id=str(p.pk), round=1)
    assert rating.level == 1 and RatingFollowUp.objects.filter(rating=rating).exists()  # real-name bad rating

    act(login(world.yanhu_officer), p, "reply", reply="再次核查，已停业整顿。")
    act(login(world.clerk), p, "close")
    services.petition_rate(actor=None, petition=reload(p), level=5)
    p = reload(p)
    assert p.state == "rated" and p.rating_level == 5
    assert Rating.objects.filter(service_id=str(p.pk)).count() == 2
    actions = list(p.history().values_list("action", flat=True))
    assert actions[:3] == ["receive", "dispatch", "accept"] and "reopen" in actions
    assert AuditEntry.objects.filter(action="petition.reply").count() == 2


@pytest.mark.django_db
def test_dispatch_follows_routing_rules_in_order(world, login):
    RoutingRule.objects.create(order=10, name="危化→危化科", category=world.complaint, keywords="化工 气体",
                               target=world.wh)
    RoutingRule.objects.create(order=20, name="举报→属地", category=world.complaint, to_region_bureau=True)
    chem, _ = submit(world, title="化工厂异味", content="傍晚有刺鼻气体")
    other, _ = submit(world, title="加油站", region_id="140821")
    act(login(world.clerk), chem, "dispatch")
    act(login(world.clerk), other, "dispatch")
    assert reload(chem).assigned_org == world.wh and reload(chem).routing_rule.name == "危化→危化科"
    assert reload(other).assigned_org == world.linyi


@pytest.mark.django_db
def test_without_rule_ticket_goes_to_region_bureau(world):
    petition, _ = submit(world, region_id="140821")
    target, rule_row = services.route(petition)
    assert target == world.linyi and rule_row is None


@pytest.mark.django_db
def test_return_within_window_then_redispatch(world, login):
    petition, _ = submit(world)
    act(login(world.clerk), petition, "dispatch", target=world.yanhu.pk)
    r = act(login(world.yanhu_officer), petition, "return", reason="属于市场监管部门职责")
    assert reload(petition).state == "returned", messages_of(r)
    r = act(login(world.clerk), petition, "dispatch", target=world.yanhu.pk)
    assert "已退回此诉求" in messages_of(r)[0] and reload(petition).state == "returned"
    act(login(world.clerk), petition, "dispatch", target=world.wh.pk)
    assert reload(petition).state == "dispatched" and reload(petition).assigned_org == world.wh


@pytest.mark.django_db
def test_return_after_window_is_refused(world, login):
    petition, _ = submit(world)
    act(login(world.clerk), petition, "dispatch", target=world.yanhu.pk)
    Petition.objects.filter(pk=petition.pk).update(return_until=timezone.localdate() - dt.timedelta(days=1))
    r = act(login(world.yanhu_officer), petition, "return", reason="不是我们的")
    assert "已超过退回时限" in messages_of(r)[0]
    assert reload(petition).state == "dispatched"


@pytest.mark.django_db
def test_other_unit_cannot_handle_and_other_county_gets_404(world, login):
    petition, _ = submit(world)
    act(login(world.clerk), petition, "dispatch", target=world.wh.pk)
    r = act(login(world.clerk), petition, "accept")  # a clerk of another section
    assert "未派给您所在的单位" in messages_of(r)[0]
    assert reload(petition).state == "dispatched"
    client = login(world.linyi_officer)
    assert client.get(f"/petitions/{petition.pk}/").status_code == 404
    assert client.post(f"/petitions/{petition.pk}/accept/").status_code == 404


@pytest.mark.django_db
def test_refusals_leave_nothing_changed(world, login):
    petition, _ = submit(world)
    client = login(world.clerk)
    r = act(client, petition, "reply", reply="x")
    assert "不能执行" in messages_of(r)[0] or "未派给" in messages_of(r)[0]
    r = act(client, petition, "close")
    assert "不能执行" in messages_of(r)[0]
    act(client, petition, "dispatch", target=world.yanhu.pk)
    act(login(world.yanhu_officer), petition, "accept")
    r = act(login(world.yanhu_officer), petition, "reply", reply="   ")
    assert "请填写答复内容" in messages_of(r)[0]
    p = reload(petition)
    assert p.state == "handling" and p.reply == "" and p.replied_at is None


@pytest.mark.django_db
def test_rating_before_close_and_twice_refused(world):
    petition, _ = submit(world)
    from bureau.kernel.errors import DomainError

    with pytest.raises(DomainError, match="办结后才能评价"):
        services.petition_rate(actor=None, petition=petition, level=5)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=petition)
    services.petition_reply(actor=world.yanhu_officer, petition=petition, reply="已处理")
    services.petition_close(actor=world.clerk, petition=petition)
    services.petition_rate(actor=None, petition=petition, level=4)
    with pytest.raises(DomainError, match="已评价"):
        services.petition_rate(actor=None, petition=reload(petition), level=1)
    assert Rating.objects.filter(service_id=str(petition.pk)).count() == 1


@pytest.mark.django_db
def test_merge_duplicates(world, login):
    main, _ = submit(world)
    dup, _ = submit(world, channel="mailbox")
    assert main in services.duplicates_of(dup)
    r = act(login(world.clerk), dup, "merge", into=main.number)
    d = reload(dup)
    assert d.state == "merged" and d.merged_into == main, messages_of(r)
    r = act(login(world.clerk), main, "merge", into=dup.number)
    assert "已被合并" in messages_of(r)[0]


@pytest.mark.django_db
def test_overdue_sweep_supervises_once(world):
    petition, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    Petition.objects.filter(pk=petition.pk).update(due_at=timezone.now() - dt.timedelta(hours=1))
    assert services.overdue_sweep() == 1
    p = reload(petition)
    assert p.state == "supervised" and p.supervised_count == 1
    assert services.overdue_sweep() == 0
    services.petition_reply(actor=world.yanhu_officer, petition=p, reply="已办")
    assert reload(p).replied_on_time is False


@pytest.mark.django_db
def test_clerk_entry_form_and_list_query_budget(world, login, django_assert_max_num_queries):
    client = login(world.clerk)
    r = client.post("/petitions/new/", {
        "channel": "hotline", "hotline_ref": "YC12345-1", "category": world.complaint.pk, "urgency": "urgent",
        "region": "140802", "title": "紧急：液化气泄漏", "content": "<script>alert(1)</script>请速来", "real_name": "on",
        "petitioner_name": "赵女士", "petitioner_phone": "13800001111"}, follow=True)
    p = Petition.objects.get(hotline_ref="YC12345-1")
    assert "查询码" in messages_of(r)[0]
    assert (p.due_at - p.received_at) == dt.timedelta(hours=24)  # urgent: hours, not working days
    page = client.get(f"/petitions/{p.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "138****1111" in page and "13800001111" not in page
    r = client.post("/petitions/new/", {
        "channel": "hotline", "hotline_ref": "YC12345-1", "category": world.complaint.pk, "urgency": "normal",
        "region": "140802", "title": "重复", "content": "重复", "petitioner_name": "赵", "petitioner_phone": "13800001111",
        "real_name": "on"})
    assert "已导入" in r.content.decode()
    for i in range(5):
        submit(world, title=f"诉求{i}")
    with django_assert_max_num_queries(12):
        assert client.get("/petitions/?state=open").status_code == 200


@pytest.mark.django_db
def test_detail_shows_handling_buttons_only_to_the_assigned_unit(world, login):
    petition, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.wh)
    assert "accept" not in login(world.yanhu_officer).get(f"/petitions/{petition.pk}/").context["actions"]
    assert "accept" in login(world.wh_officer).get(f"/petitions/{petition.pk}/").context["actions"]


@pytest.mark.django_db
def test_export_is_scoped_and_masked(world, login):
    import io

    from openpyxl import load_workbook

    submit(world, title="盐湖的诉求")
    submit(world, title="临猗的诉求", region_id="140821")
    r = login(world.yanhu_officer).get("/petitions/export.xlsx")
    rows = list(load_workbook(io.BytesIO(b"".join(r.streaming_content))).active.iter_rows(min_row=2, values_only=True))
    assert [row[5] for row in rows] == ["盐湖的诉求"] and rows[0][8] == "139****5678"
