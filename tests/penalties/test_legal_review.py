"""法制审核 (行政处罚法 第五十八条): for the cases its first paragraph lists — a hearing held (第（二）项), a case the
officer found 疑难复杂 (第（三）项), a fine reaching the 较大数额 or 停产停业/吊销 of the authority's 重大执法决定法制审核目录
(第（四）项, rule parameters), a major case of 第五十七条第二款 — the decision is refused until a 法制审核人员 of the deciding
authority, who did not investigate the case and holds the 法律职业资格 when reviewing for the first time (第二款), has
agreed; 建议修改 / 不同意 return the case for correction and the corrected case is reviewed again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.accounts.models import Role, User
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.rules import rule
from bureau.penalties import rules, services
from bureau.penalties.models import Case, LegalReview
from tests.factories import city_bureau, county_bureau, make_user
from tests.penalties.factories import World

TODAY = dt.date(2026, 11, 27)


# --- the pure rules ------------------------------------------------------------------------------------------------
def _reasons(**kw):
    args = dict(amount=20000, threshold=50000, measures=("停产停业", "吊销"), other_measures="", hearing_held=False,
                complex_flag=False, major=())
    args.update(kw)
    return rules.legal_review_reasons(**args)


def test_article_58_small_fine_without_hearing_needs_no_legal_review():
    assert _reasons() == []


def test_article_58_1_ii_hearing_held_needs_legal_review():
    assert _reasons(hearing_held=True) == [rules.LEGAL_ITEM_HEARING]
    assert "第五十八条第一款第（二）项" in rules.LEGAL_ITEM_HEARING


def test_article_58_1_iii_complex_case_needs_legal_review():
    assert _reasons(complex_flag=True) == [rules.LEGAL_ITEM_COMPLEX]


def test_article_58_1_iv_fine_at_the_catalogue_threshold_or_suspension_needs_legal_review():
    assert _reasons(amount=49999) == []
    assert "达到较大数额罚款标准" in _reasons(amount=50000)[0] and "第（四）项" in _reasons(amount=50000)[0]
    assert "停产停业" in _reasons(other_measures="责令停产停业整顿")[0]
    assert _reasons(other_measures="责令停产停业整顿", measures=()) == []  # the catalogue is data


def test_article_58_major_case_of_article_57_is_reviewed_whatever_else_applies():
    assert "重大行政处罚案件" in _reasons(major=("罚款100000元达到重大案件标准（100000元）",))[0]


def test_article_58_thresholds_and_measures_are_rule_parameters_with_their_source(db):
    from bureau.kernel.models import RuleParameter

    assert int(rule("penalties.legal_review_threshold.unit")) == 50000
    assert list(rule("penalties.legal_review.measures")) == ["停产停业", "吊销"]
    for key in ("penalties.legal_review_threshold.unit", "penalties.legal_review_threshold.person",
                "penalties.legal_review.measures"):
        assert "第五十八条" in RuleParameter.objects.get(key=key).source


def test_article_58_opinion_modify_or_disagree_needs_its_text_and_a_date_within_the_case():
    filed = TODAY - dt.timedelta(days=10)
    rules.check_legal_review(opinion="agree", text="", reviewed_on=TODAY, filed_on=filed, today=TODAY)
    with pytest.raises(DomainError, match="修改意见"):
        rules.check_legal_review(opinion="modify", text=" ", reviewed_on=TODAY, filed_on=filed, today=TODAY)
    with pytest.raises(DomainError, match="不同意的理由"):
        rules.check_legal_review(opinion="disagree", text="", reviewed_on=TODAY, filed_on=filed, today=TODAY)
    with pytest.raises(DomainError, match="请选择审核意见"):
        rules.check_legal_review(opinion="", text="", reviewed_on=TODAY, filed_on=filed, today=TODAY)
    with pytest.raises(DomainError, match="审核日期"):
        rules.check_legal_review(opinion="agree", text="", reviewed_on=TODAY + dt.timedelta(days=1), filed_on=filed,
                                 today=TODAY)


def test_article_58_2_first_time_reviewer_needs_the_legal_qualification_and_no_investigator_reviews():
    ok = dict(investigator=False, same_authority=True, qualification="A20191408000001", reviewed_before=False)
    assert rules.legal_reviewer_problem(**ok) is None
    assert "第五十八条第二款" in rules.legal_reviewer_problem(**{**ok, "qualification": ""})
    assert rules.legal_reviewer_problem(**{**ok, "qualification": "", "reviewed_before": True}) is None
    assert "调查人员" in rules.legal_reviewer_problem(**{**ok, "investigator": True})
    assert "作出决定的行政机关" in rules.legal_reviewer_problem(**{**ok, "same_authority": False})


# --- the procedure --------------------------------------------------------------------------------------------------
@pytest.fixture
def w(db):
    return World()


def _deciding(w, amount=50000):
    """A case at 待决定 after a waived statement (a fine of 50,000 yuan reaches the 法制审核 threshold; 20,000 yuan
    is in the 从轻 band of an 初次违法)."""
    case = w.proposed_case(amount=amount, circumstances=("first_offence",) if amount < 30000 else ())
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_notify(actor=w.leader, case=case)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    return services.case_submit_decision(actor=w.officer, case=case)


def test_article_58_decision_refused_until_legal_review_agrees_then_opinion_filed_before_the_decision(w):
    case = _deciding(w)
    with pytest.raises(DomainError, match="须经法制审核.*第五十八条"):
        services.case_decide(actor=w.leader, case=case)
    review = w.legal_review(case, text="事实清楚，证据充分")
    assert (review.reviewer, review.qualification, review.opinion, review.amount) == (
        w.legal, w.legal.legal_qualification, "agree", 50000)
    assert any("较大数额" in r for r in review.reasons)
    services.case_decide(actor=w.leader, case=case)
    case.refresh_from_db()
    assert case.state == "decided"
    kinds = [d.kind for d in case.documents()]
    assert kinds.index("handling_approval") < kinds.index("legal_review_opinion") < kinds.index("penalty_decision")
    assert "legal_review_opinion" not in Case.ENTERPRISE_DOCUMENT_KINDS  # internal to the authority's file
    opinion = case.documents().get(kind="legal_review_opinion").file.read().decode()
    assert "法制审核意见书" in opinion and "事实清楚，证据充分。" in opinion and "第五十八条" in opinion
    decision = case.documents().get(kind="penalty_decision").file.read().decode()
    assert "经本机关法制审核（行政处罚法第五十八条）" in decision


def test_article_58_small_fine_is_decided_without_legal_review(w):
    case = _deciding(w, amount=20000)
    assert services.legal_review_reasons(case) == []
    services.case_decide(actor=w.leader, case=case)
    assert not LegalReview.objects.exists()


def test_article_58_decided_amount_reaching_the_threshold_needs_the_review(w):
    case = _deciding(w, amount=20000)
    with pytest.raises(DomainError, match="须经法制审核") as refused:
        services.case_decide(actor=w.leader, case=case, amount=50000, deviation_reason="情节较重")
    assert refused.value.code == "legal_review_required"


def test_article_58_modify_returns_the_case_and_the_corrected_case_is_reviewed_again(w):
    case = _deciding(w)
    review = w.legal_review(case, opinion="modify", text="补充调查焊工作业时间，完善询问笔录")
    case.refresh_from_db()
    assert case.state == "investigating" and "补充调查焊工作业时间" in case.review_opinion
    assert review.opinion == "modify" and not review.passed
    assert case.documents().filter(kind="legal_review_opinion").count() == 1
    # corrected: a new evidence record, submitted, notified again (a fresh statement period), submitted for decision
    w.evidence(case)
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_notify(actor=w.leader, case=case)
    case.refresh_from_db()
    assert not case.statement_waived and case.statement_at is None
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    with pytest.raises(DomainError, match="建议修改.*重新经法制审核"):
        services.case_decide(actor=w.leader, case=case)
    w.legal_review(case)
    services.case_decide(actor=w.leader, case=case)
    assert LegalReview.objects.filter(case=case).count() == 2


def test_article_58_disagree_needs_its_reason_and_nothing_is_saved_without_it(w):
    case = _deciding(w)
    with pytest.raises(DomainError, match="不同意的理由"):
        w.legal_review(case, opinion="disagree", text="")
    assert not LegalReview.objects.exists()
    case.refresh_from_db()
    assert case.state == "deciding"


def test_article_58_2_reviewer_must_hold_the_role_not_investigate_and_be_qualified_first_time(w):
    case = _deciding(w)
    with pytest.raises(PermissionDenied, match="无权执行"):  # an inspector is not a 法制审核人员
        services.legal_review_record(actor=w.officer2, case=case, opinion="agree")
    investigator = User.objects.get(pk=w.officer2.pk)  # the 协办人, also made a 法制审核人员 with the qualification
    investigator.roles.add(Role.objects.get(code="legal_reviewer"))
    User.objects.filter(pk=investigator.pk).update(legal_qualification="A20191408999999")
    investigator = User.objects.get(pk=investigator.pk)
    with pytest.raises(DomainError, match="本案调查人员不能"):
        services.legal_review_record(actor=investigator, case=case, opinion="agree")
    novice = make_user("legal-novice", roles=["legal_reviewer"], organisation=w.org, real_name="新任审核员")
    with pytest.raises(DomainError, match="法律职业资格.*第五十八条第二款"):
        services.legal_review_record(actor=novice, case=case, opinion="agree")
    assert not LegalReview.objects.exists()


def test_article_58_reviewer_of_another_authority_is_refused(w):
    case = _deciding(w)
    city = make_user("legal-city", roles=["legal_reviewer"], organisation=city_bureau(), legal_qualification="A1")
    with pytest.raises(DomainError, match="作出决定的行政机关"):
        services.legal_review_record(actor=city, case=case, opinion="agree")
    other = make_user("legal-linyi", roles=["legal_reviewer"], organisation=county_bureau("140821"),
                      legal_qualification="A2")
    with pytest.raises(NotFound):
        services.legal_review_record(actor=other, case=case, opinion="agree")


def test_article_58_collective_discussion_comes_after_the_legal_review(w):
    case = _deciding(w, amount=50000)
    Case.objects.filter(pk=case.pk).update(complex_case=True)
    case.refresh_from_db()
    head = make_user("head-legal", roles=["section_head"], organisation=w.org)
    with pytest.raises(DomainError, match="须经法制审核"):
        services.discussion_record(actor=head, case=case, held_on=timezone.localdate(), place="会议室", host=w.leader,
                                   participants=[head], summary="同意", conclusion="agree")


def test_article_58_reviewer_page_workbench_and_refusal_next_to_the_field(w, login):
    case = _deciding(w)
    client = login(w.legal)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "legal-review-form" in page and "须法制审核" in page
    from bureau.kernel.registry import registry

    titles = [i.title for provider in registry.workbench for i in provider(w.legal)]
    assert any(case.number in t and "待法制审核" in t for t in titles)
    response = client.post(f"/penalties/cases/{case.pk}/legal-review/", {
        "lr-reviewed_on": timezone.localdate().isoformat(), "lr-opinion": "disagree", "lr-text": ""})
    assert response.status_code == 400 and "不同意的理由" in response.content.decode()
    response = client.post(f"/penalties/cases/{case.pk}/legal-review/", {
        "lr-reviewed_on": timezone.localdate().isoformat(), "lr-opinion": "agree", "lr-text": "同意"})
    assert response.status_code == 302
    assert "已法制审核" in client.get(f"/penalties/cases/{case.pk}/").content.decode()
    # the decide button is offered to the leader now; the enterprise never opens the opinion
    assert "data-action=\"decide\"" in login(w.leader).get(f"/penalties/cases/{case.pk}/").content.decode()
