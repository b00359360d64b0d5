"""The whole penalty procedure over HTTP, and every refusal: nothing half-saved, clear Chinese messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bureau.kernel.dates import chinese_date
from bureau.kernel.models import Document
from bureau.penalties import services
from bureau.penalties.models import Case
from tests.factories import EnterpriseFactory, county_bureau, make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return World()


def _act(client, case, action, **data):
    return client.post(f"/penalties/cases/{case.pk}/act/{action}/", data)


@pytest.mark.real_pdf
def test_whole_procedure_from_inspection_finding_to_closure(w, login):
    hazard = w.inspection_hazard()
    client = login(w.officer)
    page = client.get(f"/penalties/cases/new/?hazard={hazard.pk}")
    assert page.status_code == 200 and hazard.number in page.content.decode()
    response = client.post(f"/penalties/cases/new/?hazard={hazard.pk}",
                           {"enterprise_uscc": w.enterprise.uscc, "second_officer": w.officer2.pk, "hazard": hazard.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    case = Case.objects.get(hazard=hazard)
    assert case.source == "inspection" and case.state == "investigating"
    assert case.decision_due == case.filed_on + dt.timedelta(days=90)

    response = client.post(f"/penalties/cases/{case.pk}/evidence/", {
        "ev-kind": "inquiry_record", "ev-recorded_on": timezone.localdate().isoformat(), "ev-place": "储罐区",
        "ev-content": "问：是否持证？答：未持证。", "ev-officers": [w.officer.pk, w.officer2.pk]})
    assert response.status_code == 302
    form = {"violation_code": "AQSCF-97-7", "quantity": "1", "stage": "order", "target": "unit",
            "circumstances": ["corrected_in_time"]}
    preview = client.post(f"/penalties/cases/{case.pk}/proposal/", {**form, "preview": "1"})
    assert preview.status_code == 200
    assert "系统建议：阶次A" in preview.content.decode()
    response = client.post(f"/penalties/cases/{case.pk}/proposal/", {**form, "amount": "20000", "save": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.tier, case.amount_min, case.amount_max, case.proposed_amount) == ("A", 0, 30000, 20000)
    assert "阶次A" in case.reasoning and "属于初次违法" in case.reasoning and not case.hearing_right
    assert _act(client, case, "submit_review").status_code == 302

    client = login(w.leader)
    assert _act(client, case, "notify", note="事实清楚").status_code == 302
    case.refresh_from_db()
    assert case.state == "notified" and case.answer_due > timezone.localdate()

    client = login(w.company_user)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "需要您答复的告知" in page and "陈述申辩期限" in page and case.answer_due.isoformat() in page
    assert "阶次A" in page
    assert _act(client, case, "statement", text="我公司已立即停止该焊工作业并安排培训取证。").status_code == 302

    client = login(w.officer)
    # 行政处罚法 第45条: the statement is reviewed (采纳 / 部分采纳 / 不采纳 with reasons) before the decision
    refused = _act(client, case, "submit_decision")
    assert refused.status_code == 400 and "第四十五条" in refused.content.decode()
    assert "statement-review-form" in client.get(f"/penalties/cases/{case.pk}/").content.decode()
    response = client.post(f"/penalties/cases/{case.pk}/statement-review/", {"sr-outcome": "rejected", "sr-reason": ""})
    assert response.status_code == 400 and "请写明复核理由" in response.content.decode()
    assert client.post(f"/penalties/cases/{case.pk}/statement-review/", {
        "sr-outcome": "rejected", "sr-reason": "停止作业不改变无证上岗的事实，已在从轻阶次内裁量"}).status_code == 302
    assert _act(client, case, "submit_decision").status_code == 302
    client = login(w.leader)
    assert _act(client, case, "decide", amount="20000").status_code == 302
    client = login(w.officer)
    assert _act(client, case, "serve", method="直接送达").status_code == 302
    case.refresh_from_db()
    assert case.payment_due == case.served_on + dt.timedelta(days=15)
    client = login(w.leader)
    r = _act(client, case, "close", note="同意结案")
    assert r.status_code == 400 and "罚款案件须先记录执行情况" in r.content.decode()
    client = login(w.officer)
    assert _act(client, case, "execute", **{"exec-method": "voluntary", "exec-amount": "20000",
                                            "exec-paid_on": timezone.localdate().isoformat(),
                                            "exec-voucher": "14080226000001"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "executed" and case.paid_amount == 20000 and case.payment_voucher == "14080226000001"
    client = login(w.leader)
    assert _act(client, case, "close", note="同意结案").status_code == 302
    case.refresh_from_db()
    assert case.state == "closed" and case.decided_amount == 20000
    closing = case.documents().get(kind="closing_approval").file.read()
    assert closing.startswith(b"%PDF")

    titles = [d.title for d in case.documents()]
    assert titles == ["立案审批表", "询问笔录", "行政处罚告知书", "陈述申辩记录", "陈述申辩复核意见书", "案件处理呈批表",
                      "行政处罚决定书", "送达回执", "结案审批表"]
    assert all(len(d.sha256) == 64 for d in case.documents())
    decision_pdf = case.documents().get(kind="penalty_decision").file.read()
    assert decision_pdf.startswith(b"%PDF") and b"/FontFile2" in decision_pdf

    client = login(w.company_user)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "行政处罚决定" in page and "裁量说理" in page and "20,000" in page
    decision = case.documents().get(kind="penalty_decision")
    download = client.get(reverse("document_download", args=[decision.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_hearing_when_fine_reaches_threshold(w, login):
    case = w.proposed_case(amount=50000, circumstances=())
    assert case.hearing_right
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_notify(actor=w.leader, case=case)
    assert [d.kind for d in case.documents()][-2:] == ["penalty_notice", "hearing_notice"]
    client = login(w.company_user)
    assert _act(client, case, "request_hearing", note="要求听证").status_code == 302
    case.refresh_from_db()
    assert case.state == "hearing"
    client = login(w.officer)
    # 行政处罚法 第64条: the hearing is notified seven days ahead and held (test_hearing_schedule.py has the refusals)
    host = make_user("hearing-host", roles=["section_head"], organisation=w.org, real_name="法制审核员")
    services.hearing_schedule(actor=w.officer, case=case, hearing_at=timezone.now() + dt.timedelta(days=8),
                              place="听证室", host=host, clerk=w.leader)
    Case.objects.filter(pk=case.pk).update(hearing_at=timezone.now() - dt.timedelta(hours=1))
    assert _act(client, case, "record_hearing", record="").status_code == 400
    assert _act(client, case, "record_hearing", record="当事人对事实无异议，请求从轻。").status_code == 302
    case.refresh_from_db()
    assert case.state == "deciding"


def test_no_hearing_right_below_threshold(w, login):
    case = w.notified_case(amount=20000)
    client = login(w.company_user)
    response = _act(client, case, "request_hearing")
    assert response.status_code == 400 and "不属于听证范围" in response.content.decode()


def test_evidence_needs_two_officers_with_enforcement_ids(w, login):
    case = w.open_case()
    clerk = make_user("noid", roles=["inspector"], organisation=w.org, enforcement_id="")
    with pytest.raises(Exception, match="不少于2名"):
        services.evidence_add(actor=w.officer, case=case, kind="inquiry_record", recorded_on=timezone.localdate(),
                              place="x", content="y", officers=[w.officer])
    with pytest.raises(Exception, match="没有执法证"):
        services.evidence_add(actor=w.officer, case=case, kind="inquiry_record", recorded_on=timezone.localdate(),
                              place="x", content="y", officers=[w.officer, clerk])
    client = login(w.officer)
    response = client.post(f"/penalties/cases/{case.pk}/evidence/", {
        "ev-kind": "inquiry_record", "ev-recorded_on": timezone.localdate().isoformat(), "ev-place": "x",
        "ev-content": "y", "ev-officers": [w.officer.pk]})
    assert response.status_code == 400 and "不少于2名" in response.content.decode()
    assert case.evidence.count() == 0 and case.documents().count() == 1


def test_proposal_refusals(w, login):
    case = w.open_case()
    w.evidence(case)
    client = login(w.officer)
    url = f"/penalties/cases/{case.pk}/proposal/"
    base = {"violation_code": "AQSCF-97-7", "quantity": "1", "stage": "order", "target": "unit", "save": "1"}
    r = client.post(url, {**base, "circumstances": ["no_harm", "serious_harm"], "amount": "1000"})
    assert r.status_code == 400 and "情节相互矛盾" in r.content.decode()
    r = client.post(url, {**base, "circumstances": ["cooperation"], "amount": "40000"})
    assert r.status_code == 400 and "须书面说明偏离理由" in r.content.decode()
    r = client.post(url, {**base, "violation_code": "NOPE-1", "amount": "1000"})
    assert r.status_code == 400
    r = client.post(url, {**base, "amount": "150000", "deviation_reason": "情节恶劣"})
    assert r.status_code == 400 and "超出法定幅度" in r.content.decode()
    case.refresh_from_db()
    assert case.proposed_amount is None
    r = client.post(url, {**base, "circumstances": ["cooperation"], "amount": "40000",
                          "deviation_reason": "该焊工在易燃区动火，风险较高"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.deviation_reason == "该焊工在易燃区动火，风险较高"
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    reviewer = login(w.leader).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "偏离基准理由" in reviewer and "该焊工在易燃区动火" in reviewer


def test_steps_out_of_order_and_wrong_roles_are_refused(w, login):
    case = w.open_case()
    client = login(w.officer)
    r = _act(client, case, "submit_review")
    assert r.status_code == 400 and "请先提出裁量建议" in r.content.decode()
    client = login(w.leader)
    r = _act(client, case, "decide", amount="1000")
    assert r.status_code == 400 and "不能执行" in r.content.decode()
    case = w.proposed_case()
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    r = _act(login(w.officer), case, "notify")
    assert r.status_code == 403
    r = _act(login(w.leader), case, "return", note="")
    assert r.status_code == 400 and "退回须写明" in r.content.decode()
    assert _act(login(w.leader), case, "return", note="补充询问笔录").status_code == 302
    case.refresh_from_db()
    assert case.state == "investigating" and case.review_opinion == "补充询问笔录"


def test_submit_review_needs_evidence(w):
    case = w.open_case()
    case.proposed_amount = 1000
    with pytest.raises(Exception, match="尚无调查取证笔录"):
        services.case_transition(actor=w.officer, case=case, action="submit_review")


def test_deadlines_statement_and_decision(w, login):
    case = w.notified_case()
    r = _act(login(w.officer), case, "submit_decision")
    assert r.status_code == 400 and "未届满" in r.content.decode()
    Case.objects.filter(pk=case.pk).update(answer_due=timezone.localdate() - dt.timedelta(days=1))
    case.refresh_from_db()
    client = login(w.company_user)
    r = _act(client, case, "statement", text="迟到的意见")
    assert r.status_code == 400 and "期限已于" in r.content.decode()
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "陈述申辩期限已届满" in page
    assert _act(login(w.officer), case, "submit_decision").status_code == 302
    Case.objects.filter(pk=case.pk).update(decision_due=timezone.localdate() - dt.timedelta(days=1))
    client = login(w.leader)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "已超过决定期限" in page
    r = _act(client, case, "decide", amount="20000")
    assert r.status_code == 400 and "须写明经批准延长期限" in r.content.decode()
    assert Document.objects.filter(kind="penalty_decision").count() == 0
    assert _act(client, case, "decide", amount="20000", late_reason="经负责人批准延长30日").status_code == 302
    r = _act(login(w.leader), case, "close")
    assert r.status_code == 400


def test_decision_outside_band_needs_reason(w, login):
    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    client = login(w.leader)
    r = _act(client, case, "decide", amount="35000")
    assert r.status_code == 400 and "偏离理由" in r.content.decode()
    assert _act(client, case, "decide", amount="35000", deviation_reason="集体讨论：隐患涉及重大危险源").status_code == 302
    case.refresh_from_db()
    assert case.decided_amount == 35000 and "集体讨论" in case.deviation_reason


def test_self_inspection_exemption_over_http(w, login):
    own = w.self_hazard(plan=True)
    case = w.open_case()
    w.evidence(case)
    client = login(w.officer)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert own.number in page
    r = client.post(f"/penalties/cases/{case.pk}/exemption/", {"ex-kind": "self_inspection", "ex-hazard": own.pk})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.exemption == "self_inspection" and "自查" in case.exemption_basis
    assert _act(client, case, "submit_review").status_code == 302
    client = login(w.leader)
    assert _act(client, case, "notify").status_code == 400
    assert _act(client, case, "decide_no_penalty").status_code == 302
    case.refresh_from_db()
    services.case_serve(actor=w.officer, case=case, method="直接送达")
    services.case_close(actor=w.leader, case=case)
    assert [d.title for d in case.documents()] == ["立案审批表", "询问笔录", "不予行政处罚决定书", "送达回执", "结案审批表"]
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "不予行政处罚决定" in page and "企业自查整改免罚" in page and own.number in page


def test_self_inspection_exemption_refusals(w, login):
    unplanned = w.self_hazard(plan=False)
    case = w.open_case()
    later = w.self_hazard(plan=True, title="检查后才登记的隐患")
    client = login(w.officer)
    r = client.post(f"/penalties/cases/{case.pk}/exemption/", {"ex-kind": "self_inspection", "ex-hazard": unplanned.pk})
    assert r.status_code == 400 and "尚未制定整改方案" in r.content.decode()
    with pytest.raises(Exception, match="检查之后"):
        services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=later)
    case.refresh_from_db()
    assert case.exemption == ""


def test_first_offence_exemption_and_its_conditions(w, login):
    """行政处罚法 第33条第1款后段: 初次违法 (computed from the enterprise's cases, not ticked) + 危害后果轻微 + 及时改正."""
    case = w.open_case()
    w.evidence(case)
    client = login(w.officer)
    r = client.post(f"/penalties/cases/{case.pk}/exemption/",
                    {"ex-kind": "first_offence", "ex-violation_code": "AQSCF-97-5", "ex-circumstances": ["minor_harm"]})
    assert r.status_code == 400 and "缺少及时改正" in r.content.decode()
    r = client.post(f"/penalties/cases/{case.pk}/exemption/",
                    {"ex-kind": "first_offence", "ex-violation_code": "AQSCF-97-5",
                     "ex-circumstances": ["minor_harm", "corrected_in_time"]})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.exemption == "first_offence" and "第三十三条第一款" in case.exemption_basis
    assert "属于初次违法" in case.exemption_basis and "first_offence" in case.circumstances


def test_first_offence_refused_for_excluded_sector():
    w = World(industry="hazchem_operation")
    case = w.open_case()
    with pytest.raises(Exception, match="行业被首违不罚清单排除"):
        services.case_propose_exemption(actor=w.officer, case=case, kind="first_offence", violation_code="AQSCF-97-5",
                                        circumstances=["first_offence", "minor_harm", "corrected_in_time"])


def test_case_open_sources_and_refusals(w):
    patrol = services.case_open(actor=w.officer, enterprise=w.enterprise, source_type="inspection.patrol",
                                source_id="17", second_officer=w.officer2, title="网上巡查：视频监控离线",
                                facts="巡查发现重大危险源视频监控离线超过24小时。")
    assert patrol.source == "patrol" and patrol.source_id == "17"
    petition = services.case_open(actor=w.officer, enterprise=w.enterprise, source_type="petitions.petition",
                                  source_id="5", second_officer=w.officer2, title="举报：夜间违规动火", facts="经核实属实")
    assert petition.source == "petition"
    hand = services.case_open(actor=w.officer, enterprise=w.enterprise, second_officer=w.officer2, title="直接立案",
                              facts="事实")
    assert hand.source == "hand"
    with pytest.raises(Exception, match="另一名执法人员"):
        services.case_open(actor=w.officer, enterprise=w.enterprise, second_officer=w.officer, title="x", facts="y")
    with pytest.raises(Exception, match="自查"):
        services.case_open(actor=w.officer, enterprise=w.enterprise, hazard=w.self_hazard(), second_officer=w.officer2)
    hazard = w.inspection_hazard()
    services.case_open(actor=w.officer, enterprise=w.enterprise, hazard=hazard, second_officer=w.officer2)
    with pytest.raises(Exception, match="已有在办案件"):
        services.case_open(actor=w.officer, enterprise=w.enterprise, hazard=hazard, second_officer=w.officer2)
    elsewhere = EnterpriseFactory(region_id="140821")
    with pytest.raises(Exception, match="管辖范围"):
        services.case_open(actor=w.officer, enterprise=elsewhere, second_officer=w.officer2, title="x", facts="y")
    with pytest.raises(Exception, match="执法证"):
        services.case_open(actor=w.leader, enterprise=w.enterprise, second_officer=w.officer2, title="x", facts="y")


def test_other_county_and_other_enterprise_get_404(w, login):
    case = w.notified_case()
    linyi = make_user("linyi_off", roles=["inspector"], organisation=county_bureau("140821"), enforcement_id="9")
    assert login(linyi).get(f"/penalties/cases/{case.pk}/").status_code == 404
    other = make_user("other_corp", roles=["enterprise"], enterprise=EnterpriseFactory())
    assert login(other).get(f"/penalties/cases/{case.pk}/").status_code == 404
    assert _act(login(other), case, "statement", text="x").status_code == 404
    decision_doc = case.documents().first()
    assert login(other).get(reverse("document_download", args=[decision_doc.pk])).status_code == 404


def test_list_query_budget(w, login, django_assert_max_num_queries):
    for _ in range(4):
        w.open_case()
    client = login(w.officer)
    client.get("/penalties/")
    with django_assert_max_num_queries(12):
        response = client.get("/penalties/?q=运城")
    assert response.status_code == 200
    client = login(w.company_user)
    with django_assert_max_num_queries(12):
        page = client.get("/penalties/").content.decode()
    assert "盐湖应急立" in page  # the county's own prefix (numbering per issuing authority)


def test_enterprise_workbench_shows_notice_with_deadline(w, login):
    case = w.notified_case()
    page = login(w.company_user).get("/").content.decode()
    assert f"陈述申辩：{case.number}" in page


def test_indicators_reasoned_share_and_exemptions(w):
    from bureau.kernel.registry import IndicatorQuery
    from bureau.penalties.hooks import indicators

    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    own = w.self_hazard()
    exempt = w.open_case()
    w.evidence(exempt)
    services.case_propose_exemption(actor=w.officer, case=exempt, kind="self_inspection", hazard=own)
    services.case_transition(actor=w.officer, case=exempt, action="submit_review")
    services.case_decide_no_penalty(actor=w.leader, case=exempt)
    today = timezone.localdate()
    result = {i.code: i for i in indicators(IndicatorQuery(start=today, end=today))}
    assert result["penalties.reasoned_share"].value == 100.0
    assert result["penalties.exemptions"].value == 1.0
    empty = {i.code: i for i in indicators(IndicatorQuery(start=today, end=today, region="140821"))}
    assert empty["penalties.reasoned_share"].value is None


def test_enterprise_sees_only_documents_addressed_to_it(w, login):
    case = w.notified_case()
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "行政处罚告知书" in page and "立案审批表" not in page
    staff_page = login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "立案审批表" in staff_page


def test_provisional_answer_deadline_is_recomputed(w):
    from bureau.penalties.hooks import recompute_answer_deadlines

    case = w.notified_case()
    Case.objects.filter(pk=case.pk).update(answer_due_provisional=True, answer_due=case.answer_due + dt.timedelta(9))
    assert recompute_answer_deadlines() == 1
    case.refresh_from_db()
    assert case.answer_due_provisional is False


def test_enterprise_page_shows_the_case_panel(w, login):
    case = w.open_case()
    page = login(w.officer).get(f"/enterprises/{w.enterprise.pk}/").content.decode()
    assert "行政处罚案件" in page and case.number in page


def test_benchmark_page_lists_rows_in_force_and_all_versions(w, login, django_assert_max_num_queries):
    client = login(w.officer)
    client.get("/penalties/benchmark/")
    with django_assert_max_num_queries(10):
        page = client.get("/penalties/benchmark/").content.decode()
    shanxi = "未如实记录的从业人员占总人数比例10%以下"  # a row of 晋应急发〔2021〕260号, lapsed on 2024-10-31
    assert "AQSCF-97-7" in page and "阶次A" in page and shanxi not in page
    assert shanxi in client.get("/penalties/benchmark/?all=1&q=AQSCF-97-4").content.decode()
    assert login(w.company_user).get("/penalties/benchmark/").status_code == 404


def test_decision_documents_carry_the_reasoning_and_the_exemption_basis(w):
    case = w.notified_case()
    services.statement_submit(actor=w.company_user, case=case, text="已整改")
    w.review_statement(case)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    decision = case.documents().get(kind="penalty_decision").file.read().decode()
    assert "三、裁量基准的适用" in decision and "已整改" in decision and "行政复议" in decision
    notice = case.documents().get(kind="penalty_notice").file.read().decode()
    assert chinese_date(case.answer_due) in notice  # one date form, not zero-padded (GB/T 9704)
    own = w.self_hazard()
    exempt = w.open_case()
    w.evidence(exempt)
    services.case_propose_exemption(actor=w.officer, case=exempt, kind="self_inspection", hazard=own)
    services.case_transition(actor=w.officer, case=exempt, action="submit_review")
    services.case_decide_no_penalty(actor=w.leader, case=exempt)
    no_penalty = exempt.documents().get(kind="no_penalty_decision").file.read().decode()
    assert own.number in no_penalty and "不予行政处罚" in no_penalty
