"""Penalty documents served on the party (告知书, 听证告知书, 决定书 …) are acknowledged by it on the platform
(行政处罚法 第61条第2款: with its signed 电子送达确认书). The decision acknowledged is the case's service: the service
date is the day of the 签收, and the 15 days to pay the fine (第67条第3款) run from it. The party sees the documents
addressed to it, never the internal forms, never another party's case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.inspection import services as inspection_services
from bureau.inspection.models import DocumentService
from bureau.kernel.errors import DomainError
from bureau.penalties import services
from tests.factories import make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db


def _service(case, kind):
    return DocumentService.objects.get(document__object_id=case.pk, document__kind=kind,
                                       document__content_type__model="case")


@pytest.fixture
def decided():
    w = World()
    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="已整改")
    w.review_statement(case)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    return w, case


def test_documents_served_on_the_party_wait_for_its_acknowledgement_and_internal_forms_do_not(decided):
    """The notice and the decision are delivered to the party; approval forms and statements are not served."""
    _w, case = decided
    served = set(DocumentService.objects.filter(document__object_id=case.pk).values_list("document__kind", flat=True))
    assert served == {"penalty_notice", "penalty_decision"}
    assert _service(case, "penalty_decision").state == "pending"


def test_acknowledged_decision_is_the_service_and_the_payment_deadline_runs_from_it(decided, monkeypatch):
    """行政处罚法 第61条、第67条第3款: the party acknowledges three days after the decision; the service date is that
    day, the method 电子送达, and the fine is due 15 days later."""
    w, case = decided
    inspection_services.service_consent_record(actor=w.company_user, agreed=True)
    later = timezone.now() + dt.timedelta(days=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    inspection_services.service_acknowledge(actor=w.company_user, service=_service(case, "penalty_decision"),
                                            ip="203.0.113.9")
    case.refresh_from_db()
    acknowledged_on = timezone.localdate(later)
    assert case.state == "served" and case.service_method == "电子送达"
    assert case.served_on == acknowledged_on and case.served_on > case.decided_on
    assert case.payment_due == acknowledged_on + dt.timedelta(days=15)
    step = case.history().get(action="acknowledge_service")
    assert step.actor == w.company_user and step.from_state == "decided" and step.to_state == "served"
    assert case.documents().filter(kind="service_receipt").exists()


def test_decision_is_not_served_before_the_party_signed_the_consent(decided):
    """Without the 电子送达确认书 the 签收 is refused and the case stays 已决定."""
    w, case = decided
    with pytest.raises(DomainError, match="电子送达确认书"):
        inspection_services.service_acknowledge(actor=w.company_user, service=_service(case, "penalty_decision"))
    case.refresh_from_db()
    assert case.state == "decided" and case.served_on is None


def test_acknowledging_the_decision_twice_serves_once(decided):
    """Idempotent: the second 签收 changes neither the service date nor the timeline."""
    w, case = decided
    inspection_services.service_consent_record(actor=w.company_user, agreed=True)
    service = _service(case, "penalty_decision")
    inspection_services.service_acknowledge(actor=w.company_user, service=service)
    entries = case.history().count()
    inspection_services.service_acknowledge(actor=w.company_user, service=_service(case, "penalty_decision"))
    assert case.history().count() == entries
    assert case.history().filter(action="acknowledge_service").count() == 1


def test_officer_cannot_record_electronic_service_and_paper_service_closes_the_pending_one(decided):
    """电子送达 is the party's 签收: an officer's record of it is refused; 直接送达 serves the case and the decision is
    no longer waiting for the party's acknowledgement."""
    w, case = decided
    with pytest.raises(DomainError, match="电子送达以当事人在平台签收为准"):
        services.case_serve(actor=w.officer, case=case, method="电子送达（平台）")
    services.case_serve(actor=w.officer, case=case, method="直接送达")
    assert case.state == "served" and case.service_method == "直接送达"
    service = _service(case, "penalty_decision")
    assert service.state == "served_otherwise" and service.method == "直接送达"


def test_party_acknowledges_the_notice_on_the_case_page_and_the_officer_sees_it(login):
    """The 行政处罚告知书 acknowledged on the phone: the case's timeline and the officer's 文书送达 card show it."""
    w = World()
    case = w.notified_case()
    client = login(w.company_user)
    client.post("/inspection/service-consent/", {"agreed": "1"})
    notice = _service(case, "penalty_notice")
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert f'action="/inspection/services/{notice.pk}/acknowledge/"' in page
    r = client.post(f"/inspection/services/{notice.pk}/acknowledge/", REMOTE_ADDR="192.0.2.7")
    assert r.status_code == 302 and r["Location"] == f"/penalties/cases/{case.pk}/"
    notice.refresh_from_db()
    assert notice.state == "acknowledged" and notice.acknowledged_ip == "192.0.2.7"
    case.refresh_from_db()
    assert case.state == "notified"  # a notice's 签收 changes no state
    assert case.history().filter(action="service_acknowledged", actor=w.company_user).exists()
    officer_page = login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "当事人签收《行政处罚告知书》" in officer_page and "已签收（电子送达）" in officer_page
    assert timezone.localtime(notice.acknowledged_at).strftime("%Y-%m-%d %H:%M:%S") in officer_page


def test_party_sees_pages_and_downloads_of_its_case_and_404_for_another_partys(decided, login):
    """Its own case page and the documents addressed to it answer 200; internal forms and another enterprise's
    case, documents and services answer 404."""
    w, case = decided
    client = login(w.company_user)
    assert client.get(f"/penalties/cases/{case.pk}/").status_code == 200
    for kind in ("penalty_notice", "penalty_decision", "statement_record"):
        assert client.get(f"/documents/{case.documents().get(kind=kind).pk}/download").status_code == 200, kind
    for kind in ("filing_approval", "handling_approval"):
        assert client.get(f"/documents/{case.documents().get(kind=kind).pk}/download").status_code == 404, kind
    other = World()
    stranger = make_user("stranger_party", roles=["enterprise"], enterprise=other.enterprise)
    client = login(stranger)
    assert client.get(f"/penalties/cases/{case.pk}/").status_code == 404
    for document in case.documents():
        assert client.get(f"/documents/{document.pk}/download").status_code == 404, document.kind
    service = _service(case, "penalty_decision")
    assert client.post(f"/inspection/services/{service.pk}/acknowledge/").status_code == 404
