"""行政执法公示 of decisions (行政处罚法 第48条; 国办发〔2018〕118号: 行政处罚 7 working days, other 执法决定 20) on the
portal with personal data masked, withdrawn when the decision is revoked (第48条第2款); and the enterprise's credit
record fed by the decision (安全生产法 第78条; demo rule rows)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.enterprises.models import CreditEvent, Enterprise
from bureau.kernel.calendar import add_working_days
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import AuditEntry
from bureau.penalties import documents, publishing, services
from bureau.penalties.models import DecisionPublication
from tests.factories import make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = World()
    Enterprise.objects.filter(pk=world.enterprise.pk).update(credit_grade="A2")
    world.enterprise.refresh_from_db()
    return world


def _decided(w, amount=70000, facts="检查发现企业一年内两次未组织应急演练，安全员李建国（13912345678）称无记录。"):
    """A decided fine of `amount` (the 法定幅度 row AQSCF-97-6, 从重 with 一年内再犯)."""
    case = w.open_case(hazard=w.inspection_hazard(title="未定期组织应急演练", violation_code="AQSCF-97-6"))
    case.facts = facts
    case.save(update_fields=["facts"])
    w.evidence(case)
    services.case_propose(actor=w.officer, case=case, violation_code="AQSCF-97-6", circumstances=["repeat"],
                          amount=amount)
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_notify(actor=w.leader, case=case, opinion="同意")
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    if amount >= 50000:  # 行政处罚法 第58条: a large fine is reviewed by the 法制审核 before the decision
        w.legal_review(case)
    return services.case_decide(actor=w.leader, case=case)


def test_article_48_decision_is_prepared_masked_with_its_seven_working_day_limit_and_feeds_credit(w):
    case = _decided(w)
    pub = DecisionPublication.objects.get(case=case)
    assert pub.state == "pending" and pub.kind == "penalty_decision"
    assert pub.due_on == add_working_days(case.decided_on, 7).date
    assert "李建国" not in pub.violation and "李**" in pub.violation and "139****5678" in pub.violation
    assert pub.legal_representative == "王**" and pub.penalty == "罚款人民币70000元"
    assert "依据" in pub.basis and pub.party_uscc == w.enterprise.uscc
    # the credit record: A2 does not survive a 70,000-yuan decision (demo rule DEMO-2)
    w.enterprise.refresh_from_db()
    event = CreditEvent.objects.get(source_type="penalties.case", source_id=str(case.pk))
    assert (w.enterprise.credit_grade, event.grade_before, event.grade_after) == ("B2", "A2", "B2")
    assert event.rule_code == "DEMO-2" and event.source_number == case.number and event.occurred_on == case.decided_on
    assert "示例规则" in event.note


def test_publication_waits_for_service_then_the_job_publishes_it_on_the_portal(w, client):
    case = _decided(w)
    number = documents.document_number(case, "penalty_decision")  # the decision's 文号, not the case's 立案 number
    assert number != case.number and "罚决〔" in number
    assert publishing.publish_due() == 0  # decided, not served, not yet due
    assert client.get("/portal/decisions/").content.decode().count(number) == 0
    services.case_serve(actor=w.officer, case=case, method="直接送达")
    assert publishing.publish_due() == 1 and publishing.publish_due() == 0  # idempotent
    pub = DecisionPublication.objects.get(case=case)
    assert pub.state == "published" and pub.published_by is None
    page = client.get("/portal/decisions/").content.decode()
    assert number in page and "罚款人民币70000元" in page
    detail = client.get(f"/portal/decisions/{pub.pk}/").content.decode()
    assert "李建国" not in detail and "13912345678" not in detail and w.enterprise.name in detail
    api = client.get("/api/v1/publications/decisions").json()
    assert [i["number"] for i in api["items"]] == [number] and api["items"][0]["withdrawn"] is False


def test_overdue_publication_shows_to_the_bureau_and_is_published_on_its_deadline(w, login):
    case = _decided(w)
    pub = DecisionPublication.objects.get(case=case)
    DecisionPublication.objects.filter(pk=pub.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    assert list(publishing.overdue(w.leader)) == [pub] and publishing.overdue_count() == 1
    page = login(w.leader).get("/penalties/publications/?overdue=1").content.decode()
    assert "逾期未公示 1 件" in page and documents.document_number(case, "penalty_decision") in page
    assert publishing.publish_due() == 1  # the deadline counts from the decision: published though not served
    assert publishing.overdue_count() == 0


def test_only_section_heads_and_leaders_publish_withhold_or_withdraw(w, login):
    case = _decided(w)
    pub = DecisionPublication.objects.get(case=case)
    with pytest.raises(PermissionDenied):
        publishing.publish(actor=w.officer, publication=pub)
    assert login(w.officer).post(f"/penalties/publications/{pub.pk}/publish/").status_code == 404
    assert login(w.leader).post(f"/penalties/publications/{pub.pk}/publish/").status_code == 302
    pub.refresh_from_db()
    assert pub.state == "published" and pub.published_by == w.leader


def test_article_48_2_withdrawal_states_the_reason_publicly_and_restores_the_credit_grade(w, login, client):
    case = _decided(w)
    pub = DecisionPublication.objects.get(case=case)
    publishing.publish(actor=w.leader, publication=pub)
    leader = login(w.leader)
    r = leader.post(f"/penalties/publications/{pub.pk}/withdraw/", {"ground": "revoked", "revoked_on": "",
                                                                     "reason": "复议撤销"})
    assert r.status_code == 302
    pub.refresh_from_db()
    assert pub.state == "published"  # refused: no date
    revoked = timezone.localdate()
    leader.post(f"/penalties/publications/{pub.pk}/withdraw/", {
        "ground": "revoked", "revoked_on": revoked.isoformat(), "reason": "经行政复议，运城市盐湖区人民政府撤销该决定"})
    pub.refresh_from_db()
    assert pub.state == "withdrawn" and pub.withdraw_due == revoked + dt.timedelta(days=3) and not pub.withdrawn_late
    detail = client.get(f"/portal/decisions/{pub.pk}/").content.decode()
    assert "已撤回" in detail and "依法撤销" in detail and "运城市盐湖区人民政府撤销该决定" in detail
    assert "罚款人民币70000元" not in detail
    api = client.get(f"/api/v1/publications/decisions/{pub.pk}").json()
    assert api["withdrawn"] and api["penalty"] == "" and api["withdraw_ground"] == "依法撤销"
    w.enterprise.refresh_from_db()
    assert w.enterprise.credit_grade == "A2"
    reversal = CreditEvent.objects.get(source_id=str(case.pk), kind="reversal")
    assert (reversal.grade_before, reversal.grade_after) == ("B2", "A2")
    assert AuditEntry.objects.filter(action="penalties.withdraw_publication").exists()


def test_withholding_needs_a_reason_and_pending_publications_are_not_public(w, client):
    case = _decided(w)
    pub = DecisionPublication.objects.get(case=case)
    assert client.get(f"/portal/decisions/{pub.pk}/").status_code == 404
    with pytest.raises(DomainError, match="理由"):
        publishing.withhold(actor=w.leader, publication=pub, reason="")
    publishing.withhold(actor=w.leader, publication=pub, reason="涉及商业秘密（政府信息公开条例第十五条）")
    assert publishing.publish_due(timezone.localdate() + dt.timedelta(days=60)) == 0
    assert client.get(f"/portal/decisions/{pub.pk}/").status_code == 404


def test_the_bureau_masks_a_name_the_masking_missed(w):
    case = _decided(w, facts="经查，企业仓库保管孙悦未组织演练。")
    pub = DecisionPublication.objects.get(case=case)
    assert "孙悦" in pub.violation  # no role word the masking knows
    publishing.mask_more(actor=w.leader, publication=pub, names=["孙悦"])
    pub.refresh_from_db()
    assert "孙悦" not in pub.violation and "孙*" in pub.violation and pub.masked_names == ["孙悦"]


def test_no_penalty_decision_is_published_within_twenty_working_days_without_a_credit_entry(w):
    own = w.self_hazard()
    case = w.open_case()
    w.evidence(case)
    services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=own)
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_decide_no_penalty(actor=w.leader, case=case)
    pub = DecisionPublication.objects.get(case=case)
    assert pub.kind == "no_penalty_decision" and pub.due_on == add_working_days(case.decided_on, 20).date
    assert pub.penalty.startswith("不予行政处罚") and "第三十三条" in pub.basis
    assert not CreditEvent.objects.filter(source_id=str(case.pk)).exists()


def test_credit_record_is_shown_to_the_bureau_and_to_the_enterprise_only(w, login):
    case = _decided(w)
    staff_page = login(w.officer).get(f"/enterprises/{w.enterprise.pk}/").content.decode()
    assert "安全生产诚信记录" in staff_page and case.number in staff_page and "示例规则" in staff_page
    own_page = login(w.company_user).get(f"/enterprises/{w.enterprise.pk}/").content.decode()
    assert case.number in own_page and "A2 → B2" in own_page
    other = World()
    stranger = make_user(roles=["enterprise"], enterprise=other.enterprise)
    assert login(stranger).get(f"/enterprises/{w.enterprise.pk}/").status_code == 404
    assert not CreditEvent.objects.restrict(stranger).exists()


def test_publication_indicator_counts_publications_by_their_deadline(w):
    from bureau.kernel.registry import IndicatorQuery
    from bureau.penalties.hooks import publication_indicators

    case = _decided(w)
    pub = DecisionPublication.objects.get(case=case)
    publishing.publish(actor=w.leader, publication=pub)
    today = timezone.localdate()
    [indicator] = publication_indicators(IndicatorQuery(start=today, end=today))
    assert indicator.code == "penalties.published_in_time_share" and indicator.value == 100.0
