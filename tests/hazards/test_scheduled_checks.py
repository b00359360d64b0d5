"""排查清单 → scheduled checks → check-in with photos → the missed-check sweep (issue 16; 《安全生产法》第四十一条,
应急〔2019〕78号 排查频次), at the service level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.hazards import rules, services
from bureau.hazards.models import CheckFrequency, CheckState, Hazard, ScheduledCheck
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.models import AuditEntry, Notification, RuleParameter
from tests.factories import EnterpriseFactory, make_user
from tests.hazards.factories import png

pytestmark = pytest.mark.django_db


def risk_point(w, name="甲醇储罐区"):
    return services.risk_point_save(actor=w.owner, enterprise=w.enterprise, name=name, hazard_source="甲醇泄漏",
                                    method="lec", factor_l=3, factor_e=6, factor_c=40)


def daily_item(w, point=None, content="可燃气体报警器指示正常"):
    return services.check_item_save(actor=w.owner, risk_point=point or risk_point(w), content=content,
                                    frequency=CheckFrequency.objects.get(code="daily"), post="罐区操作工",
                                    responsible_person="王建国")


def current(item):
    now = timezone.now()
    return ScheduledCheck.objects.get(item=item, window_start__lte=now, due_at__gt=now)


def test_the_shipped_frequencies_are_data_with_their_source_and_effective_date(w):
    patrol = CheckFrequency.objects.get(code="every-2-hours")
    assert (patrol.unit, patrol.every) == ("hour", 2) and "应急〔2019〕78号" in patrol.source
    assert CheckFrequency.objects.filter(effective_from__isnull=True).count() == 0
    assert CheckFrequency.objects.count() >= 8


def test_a_checklist_line_schedules_one_check_per_period_ahead_and_scheduling_again_adds_nothing(w):
    item = daily_item(w)
    ahead = int(RuleParameter.objects.filter(key="hazards.check_schedule_ahead_hours").values_list(
        "value", flat=True).first() or 48)
    local = timezone.localtime().replace(tzinfo=None)
    expected = rules.periods_between("day", 1, local, local + dt.timedelta(hours=ahead))
    checks = list(ScheduledCheck.objects.filter(item=item).order_by("window_start"))
    assert [timezone.localtime(c.window_start).replace(tzinfo=None) for c in checks] == [p[0] for p in expected]
    assert all(c.missed_after == c.due_at for c in checks)  # grace 0 in the shipped daily row
    assert services.checks_schedule() == 0 and services.checks_schedule(item_ids=[item.pk]) == 0
    assert ScheduledCheck.objects.filter(item=item).count() == len(expected)


def test_the_grace_of_the_frequency_row_moves_the_moment_a_check_turns_missed(w):
    CheckFrequency.objects.filter(code="daily").update(grace_minutes=90)
    item = daily_item(w)
    check = current(item)
    assert check.missed_after - check.due_at == dt.timedelta(minutes=90)


def test_a_check_in_needs_a_site_photo_and_records_who_when_and_the_photos(w):
    check = current(daily_item(w))
    with pytest.raises(DomainError, match="现场照片"):
        services.check_in(actor=w.owner, check=check, result="normal", photos=[])
    done = services.check_in(actor=w.owner, check=check, result="normal", note="指示正常", photos=[png("a.png")])
    assert done.state == CheckState.DONE and done.done_by == w.owner and done.done_at is not None
    assert [a.purpose for a in done.attachments()] == [services.CHECKIN_PHOTO]
    assert AuditEntry.objects.filter(action="hazards.check_in").count() == 1


def test_a_second_check_in_is_a_conflict_and_changes_nothing(w):
    check = current(daily_item(w))
    services.check_in(actor=w.owner, check=check, result="normal", photos=[png()])
    with pytest.raises(Conflict):
        services.check_in(actor=w.owner, check=check, result="abnormal", hazard_title="泄漏", photos=[png()])
    check.refresh_from_db()
    assert check.result == "normal" and check.attachments().count() == 1 and not Hazard.objects.exists()


def test_a_fake_photo_is_refused_and_nothing_is_saved(w):
    check = current(daily_item(w))
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        services.check_in(actor=w.owner, check=check, result="normal",
                          photos=[SimpleUploadedFile("x.jpg", b"GIF89a......", content_type="image/jpeg")])
    check.refresh_from_db()
    assert check.state == CheckState.SCHEDULED and check.attachments().count() == 0


def test_a_check_that_finds_something_records_a_self_inspection_hazard_on_the_risk_point(w):
    check = current(daily_item(w))
    done = services.check_in(actor=w.owner, check=check, result="abnormal", hazard_title="罐区法兰渗漏",
                             note="东侧法兰有渗漏痕迹", photos=[png()])
    hazard = Hazard.objects.get(pk=done.hazard_id)
    assert (hazard.source, hazard.title, hazard.risk_point_id) == ("self_inspection", "罐区法兰渗漏", check.risk_point_id)


def test_a_check_of_a_later_period_cannot_be_checked_in_early(w):
    item = daily_item(w)
    later = ScheduledCheck.objects.filter(item=item, window_start__gt=timezone.now()).first()
    with pytest.raises(DomainError, match="才开始"):
        services.check_in(actor=w.owner, check=later, result="normal", photos=[png()])


def test_only_the_enterprise_checks_in_and_another_enterprise_does_not_see_the_check(w):
    check = current(daily_item(w))
    with pytest.raises(PermissionDenied):
        services.check_in(actor=w.inspector, check=check, result="normal", photos=[png()])
    stranger = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(region_id="140802"))
    with pytest.raises(NotFound):
        services.check_in(actor=stranger, check=check, result="normal", photos=[png()])


def test_the_sweep_marks_overdue_checks_missed_once_and_tells_each_enterprise_once(w):
    item = daily_item(w)
    daily_item(w, content="消防器材完好")
    later = timezone.now() + dt.timedelta(days=1)
    overdue = ScheduledCheck.objects.filter(missed_after__lte=later).count()
    assert overdue == 2  # today's check of each line
    assert services.missed_check_sweep(now=later) == 2
    assert services.missed_check_sweep(now=later + dt.timedelta(seconds=1)) == 0
    assert ScheduledCheck.objects.filter(state="missed", item=item).count() == 1
    messages = Notification.objects.filter(recipient=w.owner, title__startswith="漏检提醒")
    assert [m.title for m in messages] == ["漏检提醒：2 项排查未按时打卡"]


def test_a_missed_check_can_no_longer_be_checked_in(w):
    check = current(daily_item(w))
    services.missed_check_sweep(now=check.missed_after)
    check.refresh_from_db()
    with pytest.raises(Conflict, match="漏检"):
        services.check_in(actor=w.owner, check=check, result="normal", photos=[png()])


def test_a_done_check_is_never_marked_missed(w):
    check = current(daily_item(w))
    services.check_in(actor=w.owner, check=check, result="normal", photos=[png()])
    services.missed_check_sweep(now=check.missed_after + dt.timedelta(days=3))
    check.refresh_from_db()
    assert check.state == CheckState.DONE


def test_stopping_a_line_withdraws_checks_not_yet_begun_and_keeps_the_current_one(w):
    item = daily_item(w)
    services.check_item_deactivate(actor=w.owner, item=item)
    assert not ScheduledCheck.objects.filter(item=item, window_start__gt=timezone.now()).exists()
    assert ScheduledCheck.objects.filter(item=item).count() == 1
    assert services.checks_schedule(item_ids=[item.pk]) == 0


def test_a_checklist_line_needs_content_post_and_person_and_only_the_enterprise_keeps_it(w):
    point = risk_point(w)
    daily = CheckFrequency.objects.get(code="daily")
    with pytest.raises(DomainError, match="包保责任人"):
        services.check_item_save(actor=w.owner, risk_point=point, content="巡检", frequency=daily, post="班长",
                                 responsible_person=" ")
    with pytest.raises(PermissionDenied):
        services.check_item_save(actor=w.inspector, risk_point=point, content="巡检", frequency=daily, post="班长",
                                 responsible_person="王")
    future = CheckFrequency.objects.create(code="future", label="未来", unit="day", every=1, source="测试",
                                           effective_from=timezone.localdate() + dt.timedelta(days=30))
    with pytest.raises(DomainError, match="当前不可用"):
        services.check_item_save(actor=w.owner, risk_point=point, content="巡检", frequency=future, post="班长",
                                 responsible_person="王")


def test_each_enterprise_is_told_its_own_number_of_missed_checks(w):
    daily_item(w)
    daily_item(w, content="消防器材完好")
    other = EnterpriseFactory(region_id="140821")
    other_user = make_user(roles=["enterprise"], enterprise=other)
    point = services.risk_point_save(actor=other_user, enterprise=other, name="仓库", hazard_source="混存",
                                     method="ls", factor_l=2, factor_e=None, factor_c=3)
    services.check_item_save(actor=other_user, risk_point=point, content="通道畅通",
                             frequency=CheckFrequency.objects.get(code="daily"), post="保管员", responsible_person="张")
    assert services.missed_check_sweep(now=timezone.now() + dt.timedelta(days=1)) == 3
    titles = dict(Notification.objects.filter(title__startswith="漏检提醒").values_list("recipient_id", "title"))
    assert titles == {w.owner.pk: "漏检提醒：2 项排查未按时打卡", other_user.pk: "漏检提醒：1 项排查未按时打卡"}


def test_a_sweep_in_several_batches_still_tells_each_enterprise_once_with_its_whole_number(w, monkeypatch):
    """Rule checked: 漏检 notification exactly once per enterprise per sweep (docs/hazards.md, 排查任务与漏检) even
    when the sweep marks a large backlog in several committed batches: a batch covers whole enterprises."""
    daily_item(w)
    daily_item(w, content="消防器材完好")
    daily_item(w, content="静电接地完好")
    other = EnterpriseFactory(region_id="140821")
    other_user = make_user(roles=["enterprise"], enterprise=other)
    point = services.risk_point_save(actor=other_user, enterprise=other, name="仓库", hazard_source="混存",
                                     method="ls", factor_l=2, factor_e=None, factor_c=3)
    for content in ("通道畅通", "灭火器完好"):
        services.check_item_save(actor=other_user, risk_point=point, content=content,
                                 frequency=CheckFrequency.objects.get(code="daily"), post="保管员",
                                 responsible_person="张")
    monkeypatch.setattr(services, "MISSED_SWEEP_BATCH_ROWS", 1)  # one batch per enterprise
    before = AuditEntry.objects.filter(action="hazards.missed_check_sweep").count()
    assert services.missed_check_sweep(now=timezone.now() + dt.timedelta(days=1)) == 5
    titles = {u: list(Notification.objects.filter(recipient=u, title__startswith="漏检提醒")
                      .values_list("title", flat=True)) for u in (w.owner, other_user)}
    assert titles == {w.owner: ["漏检提醒：3 项排查未按时打卡"], other_user: ["漏检提醒：2 项排查未按时打卡"]}
    assert AuditEntry.objects.filter(action="hazards.missed_check_sweep").count() == before + 2  # one per batch
    assert ScheduledCheck.objects.filter(state="missed", missed_at__isnull=False).count() == 5


@pytest.mark.django_db(transaction=True)
def test_batches_marked_side_by_side_still_tell_each_enterprise_once(monkeypatch):
    """Rule checked: 漏检 notification exactly once per enterprise per sweep when the job marks its batches side by
    side (on PostgreSQL, outside a transaction, each batch on its own connection: the path a backlog takes); every
    overdue check is marked once, and each batch writes its audit entry."""
    from tests.hazards.factories import world

    w = world()
    for content in ("可燃气体报警器指示正常", "消防器材完好", "静电接地完好"):
        daily_item(w, content=content)
    others = []
    for region in ("140821", "140822", "140823"):
        other = EnterpriseFactory(region_id=region)
        user = make_user(roles=["enterprise"], enterprise=other)
        point = services.risk_point_save(actor=user, enterprise=other, name="仓库", hazard_source="混存",
                                         method="ls", factor_l=2, factor_e=None, factor_c=3)
        services.check_item_save(actor=user, risk_point=point, content="通道畅通",
                                 frequency=CheckFrequency.objects.get(code="daily"), post="保管员",
                                 responsible_person="张")
        others.append(user)
    monkeypatch.setattr(services, "MISSED_SWEEP_BATCH_ROWS", 1)  # one batch per enterprise: four batches
    assert services.missed_check_sweep(now=timezone.now() + dt.timedelta(days=1)) == 6
    told = {u.pk: list(Notification.objects.filter(recipient=u, title__startswith="漏检提醒")
                       .values_list("title", flat=True)) for u in (w.owner, *others)}
    assert told == {w.owner.pk: ["漏检提醒：3 项排查未按时打卡"],
                    **{u.pk: ["漏检提醒：1 项排查未按时打卡"] for u in others}}
    assert AuditEntry.objects.filter(action="hazards.missed_check_sweep").count() == 4
    assert ScheduledCheck.objects.filter(state="missed", missed_at__isnull=False).count() == 6
    assert services.missed_check_sweep(now=timezone.now() + dt.timedelta(days=1)) == 0  # nothing twice
