"""送达 on the phone: the enterprise acknowledges (签收) the 责令限期整改指令书 served on it; electronic service needs its
signed 电子送达确认书 first (行政处罚法 第61条第2款; 民事诉讼法 第90条); who, when (server time) and from where are
recorded once, written to the timeline and the audit trail and shown to the officers as the 送达回证."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bureau.inspection import services as S
from bureau.inspection.models import DocumentService, ServiceConsent
from bureau.inspection.workflow import service_workflow
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.models import AuditEntry, ProcessHistory
from tests.factories import make_user
from tests.inspection.test_enterprise_party_side import finished


@pytest.fixture
def party(world, general):
    return make_user("qiye_ack", roles=["enterprise"], enterprise=general, real_name="企业 李丽娟")


@pytest.fixture
def order(world, general):
    inspection = finished(world, general)
    return DocumentService.objects.get(document__kind="rectification_order", document__object_id=inspection.pk)


def test_the_order_is_delivered_to_the_enterprise_waiting_for_its_acknowledgement(order, general):
    """Finishing with findings delivers the 责令限期整改指令书 to the enterprise's account: 待签收."""
    assert order.state == "pending" and order.enterprise_id == general.pk
    assert order.document.title == "责令限期整改指令书" and order.acknowledged_at is None


def test_acknowledgement_needs_the_signed_electronic_service_consent(order, party):
    """行政处罚法 第61条第2款: without the 电子送达确认书 the 签收 is refused and its button hidden."""
    assert service_workflow.available(order, party) == []
    with pytest.raises(DomainError, match="电子送达确认书"):
        S.service_acknowledge(actor=party, service=order, ip="10.1.2.3")
    order.refresh_from_db()
    assert order.state == "pending"
    S.service_consent_record(actor=party, ip="10.1.2.3", agreed=True)
    assert [t.action for t in service_workflow.available(order, party)] == ["acknowledge"]


def test_consent_must_be_agreed_and_is_recorded_once(party, general, world):
    """The 确认书 is signed once per enterprise: a second signature (also by another user) returns the first."""
    with pytest.raises(DomainError, match="勾选"):
        S.service_consent_record(actor=party, agreed=False)
    first = S.service_consent_record(actor=party, ip="10.1.2.3", agreed=True)
    colleague = make_user("qiye_ack2", roles=["enterprise"], enterprise=general)
    assert S.service_consent_record(actor=colleague, agreed=True) == first
    assert ServiceConsent.objects.filter(enterprise=general).count() == 1
    assert first.consented_by == party and first.ip == "10.1.2.3" and "第六十一条第二款" in first.text
    with pytest.raises(PermissionDenied):
        S.service_consent_record(actor=world.inspector, agreed=True)


def test_acknowledgement_records_who_when_and_from_where_with_timeline_and_audit(order, party):
    """签收: the user, the server's time and the client address; the timeline of the service and of the
    inspection, and an audit entry."""
    S.service_consent_record(actor=party, agreed=True)
    before = timezone.now()
    S.service_acknowledge(actor=party, service=order, ip="203.0.113.7")
    order.refresh_from_db()
    assert order.state == "acknowledged" and order.method == "电子送达"
    assert order.acknowledged_by == party and order.acknowledged_name == party.display_name
    assert order.acknowledged_ip == "203.0.113.7" and before <= order.acknowledged_at <= timezone.now()
    assert order.served_on == timezone.localdate(order.acknowledged_at)
    assert [h.action for h in order.history()] == ["deliver", "acknowledge"]
    inspection = order.document.owner
    assert inspection.history().filter(action="service_acknowledged", actor=party).exists()
    entry = AuditEntry.objects.get(action="inspection.service.acknowledge")
    assert entry.actor_id == party.pk and entry.data["ip"] == "203.0.113.7"


def test_acknowledging_again_changes_nothing(order, party, general):
    """Idempotent: a second 签收 (a double tap, or a colleague) keeps the first time and writes nothing."""
    S.service_consent_record(actor=party, agreed=True)
    S.service_acknowledge(actor=party, service=order, ip="203.0.113.7")
    order.refresh_from_db()
    first_at, entries = order.acknowledged_at, ProcessHistory.objects.count()
    colleague = make_user("qiye_ack3", roles=["enterprise"], enterprise=general)
    again = S.service_acknowledge(actor=colleague, service=order, ip="198.51.100.1")
    order.refresh_from_db()
    assert again.acknowledged_at == first_at and order.acknowledged_at == first_at
    assert order.acknowledged_by == party and order.acknowledged_ip == "203.0.113.7"
    assert ProcessHistory.objects.count() == entries
    assert AuditEntry.objects.filter(action="inspection.service.acknowledge").count() == 1


def test_only_the_party_acknowledges(order, party, world):
    """An officer cannot acknowledge for the enterprise; another enterprise cannot see the service at all."""
    S.service_consent_record(actor=party, agreed=True)
    with pytest.raises(PermissionDenied):
        S.service_acknowledge(actor=world.inspector, service=order)
    stranger = make_user("qiye_stranger", roles=["enterprise"], enterprise=world.enterprise(credit_grade="B1"))
    with pytest.raises(NotFound):
        S.service_acknowledge(actor=stranger, service=order)
    order.refresh_from_db()
    assert order.state == "pending"


def test_acknowledgement_on_the_phone_page_and_shown_to_the_officer(order, party, world, login):
    """The party signs the 确认书 and taps 签收 on the inspection page; the officer's page shows the 送达回证
    (电子送达, 签收人, 签收时间, 来源地址); a second POST says it is already acknowledged."""
    inspection = order.document.owner
    url = f"/inspection/inspections/{inspection.pk}/"
    client = login(party)
    body = client.get(url).content.decode()
    assert "签署电子送达确认书" in body and 'data-action="acknowledge"' not in body
    r = client.post(f"/inspection/service-consent/?next={url}", {"agreed": "1", "next": url})
    assert r.status_code == 302 and r["Location"] == url
    assert 'data-action="acknowledge"' in client.get(url).content.decode()
    r = client.post(f"/inspection/services/{order.pk}/acknowledge/", REMOTE_ADDR="192.0.2.44", follow=True)
    assert "已签收《责令限期整改指令书》" in r.content.decode()
    order.refresh_from_db()
    assert order.state == "acknowledged" and order.acknowledged_ip == "192.0.2.44"
    r = client.post(f"/inspection/services/{order.pk}/acknowledge/", REMOTE_ADDR="192.0.2.45", follow=True)
    assert "无需重复签收" in r.content.decode()
    order.refresh_from_db()
    assert order.acknowledged_ip == "192.0.2.44"
    officer_page = login(world.inspector).get(url).content.decode()
    shown = timezone.localtime(order.acknowledged_at).strftime("%Y-%m-%d %H:%M:%S")
    assert "已签收（电子送达）" in officer_page and shown in officer_page and "192.0.2.44" in officer_page
    assert "当事人签收《责令限期整改指令书》" in officer_page


def test_another_enterprise_gets_404_on_the_service_actions(order, world, login):
    """Posting to another enterprise's service: 404, nothing recorded."""
    stranger = make_user("qiye_stranger2", roles=["enterprise"], enterprise=world.enterprise(credit_grade="B1"))
    assert login(stranger).post(f"/inspection/services/{order.pk}/acknowledge/").status_code == 404
    order.refresh_from_db()
    assert order.state == "pending"


def test_officer_records_service_by_other_means_but_never_electronic(order, party, world):
    """Without the party's 签收 an officer records 直接送达 etc. (民事诉讼法 第87条起); 电子送达 is the party's 签收
    only; afterwards the party cannot acknowledge it any more."""
    with pytest.raises(DomainError, match="电子送达以当事人在平台签收为准"):
        S.service_serve_otherwise(actor=world.inspector, service=order, method="电子送达")
    S.service_serve_otherwise(actor=world.inspector, service=order, method="直接送达")
    order.refresh_from_db()
    assert order.state == "served_otherwise" and order.method == "直接送达" and order.recorded_by == world.inspector
    S.service_consent_record(actor=party, agreed=True)
    with pytest.raises(DomainError, match="不能执行「签收」"):
        S.service_acknowledge(actor=party, service=order)


def test_the_enterprise_workbench_lists_what_waits_for_its_acknowledgement(order, party, login):
    """我的待办: 签收：责令限期整改指令书, linking to the inspection page."""
    body = login(party).get("/").content.decode()
    assert "签收：责令限期整改指令书" in body
    assert f"/inspection/inspections/{order.document.object_id}/#service-{order.pk}" in body


def test_two_acknowledgements_at_once_record_one(order, party, general):
    """Two taps racing (each with the page's copy of the service): one wins, the other returns its record."""
    S.service_consent_record(actor=party, agreed=True)
    first, second = DocumentService.objects.get(pk=order.pk), DocumentService.objects.get(pk=order.pk)
    S.service_acknowledge(actor=party, service=first, ip="203.0.113.7")
    colleague = make_user("qiye_ack4", roles=["enterprise"], enterprise=general)
    result = S.service_acknowledge(actor=colleague, service=second, ip="198.51.100.1")
    assert result.state == "acknowledged" and result.acknowledged_by == party
    assert AuditEntry.objects.filter(action="inspection.service.acknowledge").count() == 1
