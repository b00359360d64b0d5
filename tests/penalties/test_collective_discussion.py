"""集体讨论 (行政处罚法 第五十七条第二款): a major case — fine at the threshold `penalties.collective_threshold.unit`,
停产停业/吊销, a hearing held, or flagged 情节复杂 — is decided only after the leaders' collective discussion, recorded
by a section head or leader with a leader hosting and at least three leaders/section heads; nothing half-saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import AuditEntry
from bureau.kernel.rules import rule
from bureau.penalties import rules, services
from bureau.penalties.models import Case, CollectiveDiscussion
from tests.factories import make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


# --- the pure rule -------------------------------------------------------------------------------------------------
def _reasons(**kw):
    args = dict(amount=20000, threshold=100000, other_measures="", hearing_held=False, complex_flag=False)
    args.update(kw)
    return rules.major_case_reasons(**args)


def test_rule_fine_below_threshold_is_not_major():
    assert _reasons(amount=99999) == []


def test_rule_fine_reaching_threshold_is_major():
    assert "达到重大案件标准" in _reasons(amount=100000)[0]


@pytest.mark.parametrize("measures", ["责令停产停业整顿", "吊销安全生产许可证"])
def test_rule_suspension_or_revocation_is_major(measures):
    assert _reasons(other_measures=measures)


def test_rule_hearing_held_or_complex_flag_is_major():
    assert _reasons(hearing_held=True) == ["已举行听证"]
    assert _reasons(complex_flag=True) == ["承办人认定情节复杂"]


def _check(**kw):
    args = dict(participants=3, minimum=3, host_is_leader=True, held_on=TODAY, filed_on=TODAY - dt.timedelta(days=5),
                today=TODAY, summary="各位负责人一致同意", conclusion="agree", amount=None, reason="")
    args.update(kw)
    rules.check_discussion(**args)


def test_rule_discussion_needs_three_participants_and_a_leader_host():
    _check()
    with pytest.raises(DomainError, match="不少于3人"):
        _check(participants=2)
    with pytest.raises(DomainError, match="主持人须为本机关负责人"):
        _check(host_is_leader=False)


def test_rule_discussion_date_between_filing_and_today():
    with pytest.raises(DomainError, match="讨论日期"):
        _check(held_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(DomainError, match="讨论日期"):
        _check(held_on=TODAY - dt.timedelta(days=6))


def test_rule_changed_amount_and_no_penalty_need_their_reason():
    with pytest.raises(DomainError, match="变更后的罚款金额"):
        _check(conclusion="change", amount=None, reason="理由")
    with pytest.raises(DomainError, match="须写明理由"):
        _check(conclusion="change", amount=80000, reason="")
    with pytest.raises(DomainError, match="须写明理由"):
        _check(conclusion="no_penalty", reason=" ")
    with pytest.raises(DomainError, match="讨论情况"):
        _check(summary="")


def test_threshold_is_a_rule_parameter_marked_local():
    from bureau.kernel.models import RuleParameter

    assert int(rule("penalties.collective_threshold.unit")) == 100000
    row = RuleParameter.objects.get(key="penalties.collective_threshold.unit")
    assert "第五十七条第二款" in row.source and "待核实" in row.source


# --- the service and HTTP ------------------------------------------------------------------------------------------
@pytest.fixture
def w():
    world = World()
    world.head = make_user(f"head-{world.leader.username}", roles=["section_head"], organisation=world.org,
                           real_name="法制科长")
    world.chief = make_user(f"chief-{world.leader.username}", roles=["leader"], organisation=world.org,
                            real_name="局长")
    return world


def _deciding(w, amount=20000, complex_case=False):
    case = w.proposed_case(amount=amount)
    if complex_case:
        Case.objects.filter(pk=case.pk).update(complex_case=True)
        case.refresh_from_db()
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_notify(actor=w.leader, case=case)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    case = services.case_submit_decision(actor=w.officer, case=case)
    if services.legal_review_reasons(case):  # 行政处罚法 第58条: reviewed before the leaders discuss and decide
        w.legal_review(case)
    return case


def _post(client, case, **data):
    base = {"cd-held_on": timezone.localdate().isoformat(), "cd-place": "局党组会议室", "cd-summary": "一致同意",
            "cd-conclusion": "agree"}
    base.update({f"cd-{k}": v for k, v in data.items()})
    return client.post(f"/penalties/cases/{case.pk}/discussion/", base)


def test_complex_case_decide_without_discussion_is_refused(w, login):
    case = _deciding(w, complex_case=True)
    r = login(w.leader).post(f"/penalties/cases/{case.pk}/act/decide/", {"amount": "20000"})
    assert r.status_code == 400 and rules.COLLECTIVE_REFUSAL in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "deciding"
    assert not case.documents().filter(kind="penalty_decision").exists()


def test_fine_at_threshold_is_major_and_the_page_shows_the_chip(w, login):
    from bureau.kernel.models import RuleParameter

    RuleParameter.objects.filter(key="penalties.collective_threshold.unit").update(value=20000)
    case = _deciding(w, amount=20000)
    page = login(w.leader).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="major-chip"' in page and "须集体讨论" in page and 'id="discussion-form"' in page
    with pytest.raises(DomainError, match="第五十七条第二款"):
        services.case_decide(actor=w.leader, case=case)


def test_not_major_case_decides_without_discussion(w, login):
    case = _deciding(w, amount=20000)
    assert services.major_reasons(case) == []
    page = login(w.leader).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="major-chip"' not in page
    services.case_decide(actor=w.leader, case=case)


def test_discussion_recorded_then_decided_in_the_case_file_order(w, login):
    case = _deciding(w, complex_case=True)
    client = login(w.head)
    r = _post(client, case, host=w.leader.pk, participants=[w.leader.pk, w.head.pk, w.chief.pk],
              summary="局长：同意。分管局长：同意。法制科长：同意。")
    assert r.status_code == 302, r.content.decode()[:3000]
    d = CollectiveDiscussion.objects.get(case=case)
    assert d.participants.count() == 3 and d.host == w.leader
    assert case.history().filter(action="collective_discussion").exists()
    assert AuditEntry.objects.filter(action="penalties.collective_discussion").exists()
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "已集体讨论" in page and "同意拟处罚意见" in page
    services.case_decide(actor=w.leader, case=case)
    kinds = [doc.kind for doc in case.documents()]
    assert kinds.index("handling_approval") < kinds.index("collective_discussion") < kinds.index("penalty_decision")
    # internal record: the enterprise may not open it
    doc = case.documents().get(kind="collective_discussion")
    assert "collective_discussion" not in Case.ENTERPRISE_DOCUMENT_KINDS
    assert login(w.company_user).get(reverse("document_download", args=[doc.pk])).status_code == 404


def test_discussion_with_two_people_or_non_leader_host_is_refused(w, login):
    case = _deciding(w, complex_case=True)
    client = login(w.head)
    r = _post(client, case, host=w.leader.pk, participants=[w.leader.pk, w.head.pk])
    assert r.status_code == 400 and "不少于3人" in r.content.decode()
    r = _post(client, case, host=w.head.pk, participants=[w.leader.pk, w.head.pk, w.chief.pk])
    assert r.status_code == 400  # the host list offers only leaders
    with pytest.raises(DomainError, match="主持人须为本机关负责人"):
        services.discussion_record(actor=w.head, case=case, held_on=timezone.localdate(), place="会议室",
                                   host=w.head, participants=[w.leader, w.chief], summary="s", conclusion="agree")
    assert not CollectiveDiscussion.objects.filter(case=case).exists()
    assert not case.documents().filter(kind="collective_discussion").exists()


def test_officers_and_enterprise_may_not_record_a_discussion(w, login):
    case = _deciding(w, complex_case=True)
    with pytest.raises(PermissionDenied, match="科室负责人或分管负责人"):
        services.discussion_record(actor=w.officer, case=case, held_on=timezone.localdate(), place="会议室",
                                   host=w.leader, participants=[w.head, w.chief], summary="s", conclusion="agree")
    r = _post(login(w.officer), case, host=w.leader.pk, participants=[w.leader.pk, w.head.pk, w.chief.pk])
    assert r.status_code == 403
    assert login(w.company_user).post(f"/penalties/cases/{case.pk}/discussion/", {}).status_code == 404


def test_inspector_cannot_be_a_participant(w, login):
    case = _deciding(w, complex_case=True)
    with pytest.raises(DomainError, match="不是本机关负责人或科室负责人"):
        services.discussion_record(actor=w.head, case=case, held_on=timezone.localdate(), place="会议室",
                                   host=w.leader, participants=[w.head, w.officer], summary="s", conclusion="agree")


def test_changed_amount_binds_the_decision(w, login):
    case = _deciding(w, complex_case=True)
    client = login(w.head)
    r = _post(client, case, host=w.leader.pk, participants=[w.leader.pk, w.head.pk, w.chief.pk],
              conclusion="change", amount="")
    assert r.status_code == 400 and "变更后的罚款金额" in r.content.decode()
    r = _post(client, case, host=w.leader.pk, participants=[w.leader.pk, w.head.pk, w.chief.pk],
              conclusion="change", amount="15000", reason="")
    assert r.status_code == 400 and "须写明理由" in r.content.decode()
    assert not CollectiveDiscussion.objects.filter(case=case).exists()
    r = _post(client, case, host=w.leader.pk, participants=[w.leader.pk, w.head.pk, w.chief.pk],
              conclusion="change", amount="15000", reason="当事人已全部整改，危害后果轻微")
    assert r.status_code == 302
    leader = login(w.leader)
    r = leader.post(f"/penalties/cases/{case.pk}/act/decide/", {"amount": "20000"})
    assert r.status_code == 400 and "须与集体讨论结论一致" in r.content.decode()
    assert leader.post(f"/penalties/cases/{case.pk}/act/decide/", {"amount": "15000"}).status_code == 302
    assert Case.objects.get(pk=case.pk).decided_amount == 15000


def test_no_penalty_conclusion_leads_to_a_no_penalty_decision(w, login):
    case = _deciding(w, complex_case=True)
    services.discussion_record(actor=w.leader, case=case, held_on=timezone.localdate(), place="会议室",
                               host=w.leader, participants=[w.head, w.chief], summary="一致认为违法事实不能成立",
                               conclusion="no_penalty", reason="现有证据不足以证明该焊工实际上岗作业")
    with pytest.raises(DomainError, match="应作出不予行政处罚决定"):
        services.case_decide(actor=w.leader, case=case)
    r = login(w.leader).post(f"/penalties/cases/{case.pk}/act/decide_no_penalty/")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "decided" and case.exemption == "collective" and "集体讨论" in case.exemption_basis
    services.case_serve(actor=w.officer, case=case, method="直接送达")
    services.case_close(actor=w.leader, case=case)


def test_no_penalty_decision_without_such_conclusion_is_refused(w, login):
    case = _deciding(w)
    r = login(w.leader).post(f"/penalties/cases/{case.pk}/act/decide_no_penalty/")
    assert r.status_code == 400 and "集体讨论未决定不予处罚" in r.content.decode()


def test_a_second_discussion_is_refused(w):
    case = _deciding(w, complex_case=True)
    args = dict(held_on=timezone.localdate(), place="会议室", host=w.leader, participants=[w.head, w.chief],
                summary="同意", conclusion="agree")
    services.discussion_record(actor=w.head, case=case, **args)
    with pytest.raises(DomainError, match="已有集体讨论记录"):
        services.discussion_record(actor=w.head, case=case, **args)


def test_complex_flag_set_from_the_proposal_form(w, login):
    case = w.open_case()
    w.evidence(case)
    r = login(w.officer).post(f"/penalties/cases/{case.pk}/proposal/", {
        "violation_code": "AQSCF-97-7", "quantity": "1", "stage": "order", "target": "unit", "circumstances": ["cooperation"],
        "amount": "20000", "complex_case": "on", "save": "1"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.complex_case and services.major_reasons(case) == ["承办人认定情节复杂"]


def test_api_case_detail_shows_the_discussion_to_staff_only(w, login):
    case = _deciding(w, complex_case=True)
    services.discussion_record(actor=w.head, case=case, held_on=timezone.localdate(), place="会议室",
                               host=w.leader, participants=[w.head, w.chief], summary="同意", conclusion="agree")
    data = login(w.officer).get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert data["collective_required"] and data["collective_discussion"]["conclusion"] == "agree"
    assert len(data["collective_discussion"]["participant_names"]) == 3
    data = login(w.company_user).get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert data["collective_discussion"] is None and data["collective_reasons"] == []


def test_discussion_form_reads_the_candidates_roles_in_one_query(w):
    """The host list keeps the leaders among the candidates: their roles are prefetched, not read one by one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from bureau.penalties.views import _discussion_form

    case = _deciding(w)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            form = _discussion_form(case)
        assert form.fields["host"].choices
        return len(ctx.captured_queries)

    before = queries()
    for i in range(4):
        make_user(f"extra{i}-{w.leader.username}", roles=["section_head"], organisation=w.org)
    assert queries() == before


def test_a_fine_above_the_statutory_maximum_is_refused_for_that_reason_not_sent_to_collective_discussion(w):
    """行政处罚法 第5条 and the penalty provision: the statutory range binds every decision, collective discussion
    included — an amount above the maximum is refused naming the range (it used to ask for a collective
    discussion, as if the leaders could decide it)."""
    case = _deciding(w, amount=20000)
    band = case.benchmark_row.band()
    with pytest.raises(DomainError, match="超出法定幅度") as refused:
        services.case_decide(actor=w.leader, case=case, amount=band.statutory_max + 1, deviation_reason="加重")
    assert refused.value.code == "outside_statute"
    assert Case.objects.get(pk=case.pk).state == "deciding"
