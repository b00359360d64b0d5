"""Deadlines (issue 13): the enterprise sets or changes the rectification deadline only of a hazard it found itself;
for a hazard found by the bureau or an expert it asks for an extension (reason, a later date, not in the past, within
rule `hazards.deadline_extension_max_days`) and the bureau of the jurisdiction approves or refuses with reasons —
a declared process (DeadlineExtension, hazards.workflow.extension_workflow) on the hazard's timeline."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from bureau.hazards import services
from bureau.hazards.models import DeadlineExtension
from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry, Notification, RuleParameter
from tests.factories import messages_of
from tests.hazards.factories import bureau_hazard, checkup_hazard, hazard, today

pytestmark = pytest.mark.django_db


def _day(days: int) -> str:
    return (today() + dt.timedelta(days=days)).isoformat()


def test_enterprise_cannot_move_a_deadline_set_by_the_bureau_through_the_plan_page(w, login):
    """Rule: a bureau-set deadline does not move when the enterprise plans; the page shows it, not editable."""
    h = bureau_hazard(w, days=30)
    set_by_bureau = h.deadline
    client = login(w.owner)
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    assert 'name="deadline"' in page and "disabled" in page.split('name="deadline"')[1].split(">")[0]
    client.post(f"/hazards/{h.pk}/plan/", {"measures": "更换灭火器", "deadline": _day(200),
                                           "responsible_person": "李丽"})
    h.refresh_from_db()
    assert h.state == "rectifying" and h.deadline == set_by_bureau


def test_enterprise_cannot_move_a_deadline_set_in_an_expert_checkup(w):
    """Rule: the expert's deadline (2026-12-31 → 2027-06-30 in the issue) is refused, nothing changes."""
    h, _ = checkup_hazard(w, days=30)
    with pytest.raises(DomainError, match="不能由企业自行更改"):
        services.hazard_plan(actor=w.owner, hazard=h, measures="校验", deadline=h.deadline + dt.timedelta(days=181),
                             responsible_person="李丽")
    h.refresh_from_db()
    assert h.state == "reported" and h.deadline == today() + dt.timedelta(days=30)


def test_enterprise_sets_the_deadline_of_its_own_self_inspection_hazard(w, login):
    """Rule: a self-inspection hazard's deadline is the enterprise's own (no extension request there)."""
    h = hazard(w)
    client = login(w.owner)
    client.post(f"/hazards/{h.pk}/plan/", {"measures": "清理", "deadline": _day(40), "responsible_person": "李丽"})
    h.refresh_from_db()
    assert h.deadline == today() + dt.timedelta(days=40)
    assert "提交延期申请" not in client.get(f"/hazards/{h.pk}/").content.decode()
    with pytest.raises(DomainError, match="自行确定"):
        services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=60),
                                   reason="x")


def test_approved_extension_changes_the_deadline_and_appears_on_the_timeline(w, login):
    """Rule: the enterprise asks, the county inspector approves with reasons; the deadline changes, both steps are on
    the hazard's timeline and the enterprise is notified."""
    h = bureau_hazard(w, step="rectifying", days=20)
    owner = login(w.owner)
    assert "提交延期申请" in owner.get(f"/hazards/{h.pk}/").content.decode()
    r = owner.post(f"/hazards/{h.pk}/extension/", {"proposed_deadline": _day(50), "reason": "进口配件到货需 30 天"},
                   follow=True)
    assert "已提交延期申请" in messages_of(r)
    extension = DeadlineExtension.objects.get()
    assert (extension.state, extension.current_deadline) == ("requested", today() + dt.timedelta(days=20))
    h.refresh_from_db()
    assert h.deadline == today() + dt.timedelta(days=20)  # nothing moves before the bureau's answer
    inspector = login(w.inspector)
    page = inspector.get(f"/hazards/{h.pk}/").content.decode()
    assert "准予延期" in page and "不予延期" in page and "进口配件到货需 30 天" in page
    r = inspector.post(f"/hazards/extensions/{extension.pk}/act/approve/", {"note": "理由属实，同意延期"}, follow=True)
    assert "已办理：准予延期" in messages_of(r)
    h.refresh_from_db()
    extension.refresh_from_db()
    assert h.deadline == today() + dt.timedelta(days=50)
    assert (extension.state, extension.decided_by, extension.decision_note) == ("approved", w.inspector, "理由属实，同意延期")
    timeline = [(x.action, x.note) for x in h.history()]
    assert [a for a, _ in timeline][-2:] == ["request_extension", "extension_approved"]
    assert _day(50) in timeline[-1][1]
    assert Notification.objects.filter(recipient=w.owner, title="隐患整改延期已准予").exists()
    assert AuditEntry.objects.filter(action="hazard_extensions.approve").exists()
    assert "整改期限由" in login(w.owner).get(f"/hazards/{h.pk}/").content.decode()


def test_refused_extension_leaves_the_deadline(w, login):
    """Rule: a refusal needs reasons and leaves the deadline; the refusal is on the timeline."""
    h = bureau_hazard(w, step="rectifying", days=20)
    extension = services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=40),
                                           reason="资金未到位")
    client = login(w.head)
    r = client.post(f"/hazards/extensions/{extension.pk}/act/refuse/", {"note": ""}, follow=True)
    assert "请填写审批意见" in messages_of(r)
    client.post(f"/hazards/extensions/{extension.pk}/act/refuse/", {"note": "资金不是延期理由，应立即整改"})
    h.refresh_from_db()
    extension.refresh_from_db()
    assert extension.state == "refused" and h.deadline == today() + dt.timedelta(days=20)
    assert [x.action for x in h.history()][-1] == "extension_refused"
    assert Notification.objects.filter(recipient=w.owner, title="隐患整改延期未准予").exists()


def test_extension_request_rules_later_not_past_within_the_maximum(w):
    """Rule: the proposed date is later than the current deadline, not in the past, and within the maximum of rule
    hazards.deadline_extension_max_days (data: a new row changes it); a reason is required."""
    h = bureau_hazard(w, days=10)

    def ask(days: int, reason: str = "设备到货延迟") -> None:
        services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=days),
                                   reason=reason)

    with pytest.raises(DomainError, match="应晚于现整改期限"):
        ask(10)
    with pytest.raises(DomainError, match="延期理由"):
        ask(20, reason="  ")
    with pytest.raises(DomainError, match="不能超过现整改期限后 90 天"):
        ask(10 + 91)
    RuleParameter.objects.create(key="hazards.deadline_extension_max_days", value=30, unit="天", description="测试",
                                 source="测试", effective_from=today() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="不能超过现整改期限后 30 天"):
        ask(10 + 31)
    assert not DeadlineExtension.objects.exists()
    overdue = bureau_hazard(w, days=10)
    overdue.deadline = today() - dt.timedelta(days=5)
    overdue.save(update_fields=["deadline"])
    with pytest.raises(DomainError, match="不能早于今天"):
        services.extension_request(actor=w.owner, hazard=overdue, proposed_deadline=today() - dt.timedelta(days=1),
                                   reason="x")
    ask(10 + 30)
    assert DeadlineExtension.objects.get().proposed_deadline == today() + dt.timedelta(days=40)


def test_at_most_one_open_request_per_hazard(w):
    """Rule: a second request while one is pending is refused, and the database holds it too."""
    h = bureau_hazard(w, days=10)
    first = services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=20),
                                       reason="a")
    with pytest.raises(DomainError, match="已有待审批的延期申请"):
        services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=30),
                                   reason="b")
    with pytest.raises(IntegrityError), transaction.atomic():
        DeadlineExtension.objects.create(hazard=h, enterprise=w.enterprise, region_id=h.region_id,
                                         current_deadline=h.deadline, proposed_deadline=h.deadline, reason="c",
                                         requested_at=first.requested_at, state="requested")
    services.extension_decide(actor=w.inspector, extension=first, action="refuse", note="不同意")
    services.extension_request(actor=w.owner, hazard=h, proposed_deadline=today() + dt.timedelta(days=30), reason="b")
    assert DeadlineExtension.objects.filter(hazard=h).count() == 2


def test_only_the_bureau_of_the_jurisdiction_decides(w, login):
    """Rule: the enterprise cannot approve its own request (no button, refused); another county gets 404."""
    h = bureau_hazard(w, days=10)
    extension = services.extension_request(actor=w.owner, hazard=h,
                                           proposed_deadline=today() + dt.timedelta(days=20), reason="a")
    owner = login(w.owner)
    page = owner.get(f"/hazards/{h.pk}/").content.decode()
    assert "等待监管部门审批" in page and f"/hazards/extensions/{extension.pk}/act/approve/" not in page
    r = owner.post(f"/hazards/extensions/{extension.pk}/act/approve/", {"note": "自己同意"}, follow=True)
    assert "无权" in messages_of(r)
    assert login(w.other_inspector).post(f"/hazards/extensions/{extension.pk}/act/approve/",
                                         {"note": "x"}).status_code == 404
    extension.refresh_from_db()
    h.refresh_from_db()
    assert extension.state == "requested" and h.deadline == today() + dt.timedelta(days=10)


def test_a_request_is_not_approved_once_acceptance_was_asked_for(w):
    """Rule (guard): approval needs the hazard still under rectification with the deadline of the request."""
    h = bureau_hazard(w, step="rectifying", days=10)
    extension = services.extension_request(actor=w.owner, hazard=h,
                                           proposed_deadline=today() + dt.timedelta(days=20), reason="a")
    services.hazard_transition(actor=w.owner, hazard=h, action="request_acceptance")
    with pytest.raises(DomainError, match="不予延期处理"):
        services.extension_decide(actor=w.inspector, extension=extension, action="approve", note="同意")
    h.refresh_from_db()
    assert h.deadline == today() + dt.timedelta(days=10)
