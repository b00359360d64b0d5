"""陈述申辩的复核 (行政处罚法 第四十五条): after the party's statement the authority records whether it adopts it — 采纳 /
部分采纳 / 不采纳, each with its reasons — before the case goes for decision; an adopted statement may lower the proposed
fine (with its history), never raise it (第二款); the 行政处罚决定书 tells the statement and the outcome with its
reasons, and reads correctly when the party waived its right or did not answer by the deadline."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry, ProcessHistory
from bureau.penalties import rules, services
from bureau.penalties.models import Case
from tests.penalties.factories import World

NOTIFIED = dt.date(2026, 11, 20)
DUE = dt.date(2026, 11, 25)


# --- the decision's text (the pure rule) ---------------------------------------------------------------------------
def _paragraph(**kw):
    args = dict(notified_on=NOTIFIED, hearing_right=False, statement="", waived=False, answer_due=DUE)
    args.update(kw)
    return rules.statement_paragraph(**args)


def test_article_45_decision_prints_the_statement_and_the_outcome_with_its_reasons_without_doubled_stops():
    text = _paragraph(statement="我公司已立即停止该焊工作业并安排培训取证。", outcome="rejected",
                      reason="停止作业不改变无证上岗的事实。")
    assert "你单位提出陈述、申辩：我公司已立即停止该焊工作业并安排培训取证。经复核，" in text
    assert "不予采纳。理由：停止作业不改变无证上岗的事实。" in text
    assert "。。" not in text and not text.endswith("经复核，")


@pytest.mark.parametrize(("outcome", "said"), [("adopted", "予以采纳"), ("partly", "部分予以采纳"),
                                               ("rejected", "不予采纳")])
def test_article_45_each_outcome_reads_with_its_reasons(outcome, said):
    text = _paragraph(statement="已整改", outcome=outcome, reason="理由甲")
    assert said in text and "理由：理由甲。" in text


def test_article_45_adopted_statement_that_lowered_the_fine_says_so():
    text = _paragraph(statement="已整改", outcome="partly", reason="复产后已组织演练", amount_from=70000, amount_to=60000)
    assert "据此，拟罚款由70000元变更为60000元。" in text


def test_article_45_waived_and_silent_parties_read_correctly():
    assert "你单位明确表示放弃陈述、申辩的权利。" in _paragraph(waived=True)
    silent = _paragraph()
    assert "你单位在规定期限内（2026年11月25日前）未提出陈述、申辩，视为放弃此权利。" in silent
    assert "经复核" not in silent and "。。" not in silent
    assert "陈述、申辩和要求听证的权利" in _paragraph(hearing_right=True)
    assert "2026年12月1日依法举行了听证" in _paragraph(hearing_on=dt.date(2026, 12, 1))


def test_article_45_long_statement_is_summarised_with_a_pointer_to_the_record():
    text = _paragraph(statement="甲" * 500, outcome="rejected", reason="不成立")
    assert "……（详见陈述申辩记录）。" in text and "甲" * 201 not in text


def _check(**kw):
    args = dict(outcome="adopted", reason="成立", amount=None, proposed=70000, statutory_min=0, statutory_max=100000)
    args.update(kw)
    rules.check_statement_review(**args)


def test_article_45_every_outcome_needs_its_reasons():
    for outcome in rules.STATEMENT_OUTCOMES:
        with pytest.raises(DomainError, match="须写明理由"):
            _check(outcome=outcome, reason=" ")
    with pytest.raises(DomainError, match="请选择复核结果"):
        _check(outcome="")


def test_article_45_2_no_heavier_penalty_because_of_the_statement():
    with pytest.raises(DomainError, match="第四十五条第二款") as refused:
        _check(amount=80000)
    assert refused.value.code == "heavier"
    with pytest.raises(DomainError, match="拟罚款金额不变"):
        _check(outcome="rejected", amount=60000)
    with pytest.raises(DomainError, match="集体讨论"):
        _check(amount=0)
    with pytest.raises(DomainError, match="法定幅度"):
        _check(amount=60000, statutory_min=65000)
    _check(outcome="partly", amount=60000)


# --- the procedure --------------------------------------------------------------------------------------------------
@pytest.fixture
def w(db):
    return World()


def _stated(w, text="我公司已立即停止该焊工作业并安排培训取证。"):
    case = w.notified_case()
    return services.statement_submit(actor=w.company_user, case=case, text=text)


def test_article_45_submission_for_decision_waits_for_the_review(w):
    case = _stated(w)
    with pytest.raises(DomainError, match="第四十五条"):
        services.case_submit_decision(actor=w.officer, case=case)
    from bureau.kernel.registry import registry

    todo = [i.title for provider in registry.workbench for i in provider(w.officer)]
    assert f"{case.number} {case.enterprise.name}（陈述申辩待复核）" in todo
    w.review_statement(case, outcome="rejected", reason="停止作业不改变违法事实")
    with pytest.raises(DomainError, match="已复核"):
        w.review_statement(case)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    decision = case.documents().get(kind="penalty_decision").file.read().decode()
    assert "你单位提出陈述、申辩：我公司已立即停止该焊工作业并安排培训取证。经复核，本机关认为" in decision
    assert "不予采纳。理由：停止作业不改变违法事实。" in decision and "。。" not in decision
    record = case.documents().get(kind="statement_review_record")
    assert "statement_review_record" in Case.ENTERPRISE_DOCUMENT_KINDS and record.title == "陈述申辩复核意见书"


def test_article_45_adopted_statement_lowers_the_proposal_with_its_history_and_the_decision_follows(w):
    case = _stated(w, text="焊工系临时借调，已离场。")
    w.review_statement(case, outcome="partly", reason="借调属实，可酌情从轻", amount=15000)
    case.refresh_from_db()
    assert (case.proposed_amount, case.statement_amount_before, case.statement_review) == (15000, 20000, "partly")
    history = ProcessHistory.objects.filter(object_id=case.pk, action="proposal_changed").get()
    assert "由20000元变更为15000元" in history.note
    assert AuditEntry.objects.filter(action="penalties.review_statement").exists()
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    case.refresh_from_db()
    assert case.decided_amount == 15000
    decision = case.documents().get(kind="penalty_decision").file.read().decode()
    assert "部分予以采纳。理由：借调属实，可酌情从轻。据此，拟罚款由20000元变更为15000元。" in decision


def test_article_45_2_review_cannot_raise_the_fine_and_nothing_is_saved(w):
    case = _stated(w)
    with pytest.raises(DomainError, match="第四十五条第二款"):
        w.review_statement(case, outcome="adopted", reason="成立", amount=25000)
    case.refresh_from_db()
    assert case.statement_review == "" and case.proposed_amount == 20000


def test_article_45_waived_or_silent_party_needs_no_review_and_the_decision_says_which(w):
    waived = w.notified_case()
    services.statement_submit(actor=w.company_user, case=waived, text="", waive=True)
    with pytest.raises(DomainError, match="未提出陈述申辩"):
        w.review_statement(waived)
    services.case_submit_decision(actor=w.officer, case=waived)
    services.case_decide(actor=w.leader, case=waived)
    text = waived.documents().get(kind="penalty_decision").file.read().decode()
    assert "你单位明确表示放弃陈述、申辩的权利。" in text and "经复核" not in text

    silent = w.notified_case()
    Case.objects.filter(pk=silent.pk).update(answer_due=dt.date(2026, 1, 5))
    silent.refresh_from_db()
    services.case_submit_decision(actor=w.officer, case=silent)
    services.case_decide(actor=w.leader, case=silent)
    text = silent.documents().get(kind="penalty_decision").file.read().decode()
    assert "你单位在规定期限内（2026年1月5日前）未提出陈述、申辩，视为放弃此权利。" in text


def test_article_45_enterprise_sees_the_outcome_on_its_case_page(w, login):
    case = _stated(w)
    w.review_statement(case, outcome="rejected", reason="不改变违法事实")
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "复核结果" in page and "不采纳" in page and "不改变违法事实" in page
