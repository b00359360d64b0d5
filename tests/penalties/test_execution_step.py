"""The 执行 step (行政处罚法 第66、67、72条): a served fine is executed (paid, paid in instalments or late with
approval, or enforced through the court) and recorded before the case closes; the payment deadline comes from the
rule parameter `penalties.payment_days`; every refusal says why and saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.kernel.dates import chinese_date
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import ProcessHistory
from bureau.penalties import rules, services
from bureau.penalties.models import Case
from tests.penalties.factories import World

TODAY = dt.date(2026, 11, 27)
SERVED = dt.date(2026, 11, 20)


# --- the pure rule ---------------------------------------------------------------------------------------------------
def _check(**kwargs):
    args = dict(method="voluntary", amount=20000, paid_on=SERVED, voucher="V1", fine=20000, served_on=SERVED,
                today=TODAY)
    args.update(kwargs)
    rules.check_execution(**args)


def test_rule_full_payment_on_or_after_service_is_accepted():
    _check()
    _check(paid_on=TODAY)


def test_rule_amount_paid_may_not_exceed_the_decided_fine():
    with pytest.raises(DomainError, match="超过决定罚款") as exc:
        _check(amount=20001)
    assert exc.value.field == "amount"


def test_rule_instalment_may_record_part_of_the_fine():
    _check(method="instalment", amount=5000)


def test_rule_payment_date_not_before_service():
    with pytest.raises(DomainError, match="不能早于决定书送达日期（2026-11-20）") as exc:
        _check(paid_on=SERVED - dt.timedelta(days=1))
    assert exc.value.field == "paid_on"


def test_rule_payment_date_not_in_the_future():
    with pytest.raises(DomainError, match="不能晚于今天"):
        _check(paid_on=TODAY + dt.timedelta(days=1))


@pytest.mark.parametrize("method", ["voluntary", "instalment", "deferred"])
def test_rule_payment_methods_need_voucher_amount_and_date(method):
    with pytest.raises(DomainError, match="须填写缴款凭证号") as exc:
        _check(method=method, voucher="  ")
    assert exc.value.field == "voucher"
    with pytest.raises(DomainError, match="须填写缴纳金额"):
        _check(method=method, amount=None)
    with pytest.raises(DomainError, match="须填写缴款日期"):
        _check(method=method, paid_on=None)


@pytest.mark.parametrize("method", ["court", "corrected"])
def test_rule_court_enforcement_and_correction_need_no_payment_data(method):
    _check(method=method, amount=None, paid_on=None, voucher="")


def test_rule_unknown_method_is_refused():
    with pytest.raises(DomainError, match="请选择执行方式"):
        _check(method="cash")


def test_rule_payment_deadline_counts_calendar_days_from_service():
    assert rules.payment_due(dt.date(2026, 9, 28), 15) == dt.date(2026, 10, 13)  # across 国庆: calendar days


# --- the procedure ---------------------------------------------------------------------------------------------------


@pytest.fixture
def w(db):
    return World()


def _served(w, amount=20000):
    case = w.notified_case(amount=amount)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    return services.case_serve(actor=w.officer, case=case, method="直接送达")


def _exempt_served(w):
    own = w.self_hazard()
    case = w.open_case()
    w.evidence(case)
    services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=own)
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_decide_no_penalty(actor=w.leader, case=case)
    return services.case_serve(actor=w.officer, case=case, method="直接送达")


def _execute(client, case, **fields):
    data = {"exec-method": "voluntary", "exec-amount": "20000", "exec-paid_on": timezone.localdate().isoformat(),
            "exec-voucher": "14080226000001", "exec-note": ""}
    data.update({f"exec-{k}": v for k, v in fields.items()})
    return client.post(f"/penalties/cases/{case.pk}/act/execute/", data)


def _unchanged(case):
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == "served" and fresh.execution_method == "" and fresh.paid_amount is None
    assert fresh.payment_voucher == "" and fresh.executed_on is None
    assert not ProcessHistory.objects.filter(object_id=case.pk, action="execute").exists()


def test_serving_a_fine_sets_the_payment_deadline_from_the_rule_parameter(w):
    from bureau.kernel.models import RuleParameter

    case = _served(w)
    assert case.payment_due == case.served_on + dt.timedelta(days=15)
    RuleParameter.objects.create(key="penalties.payment_days", value=30, unit="日", description="测试",
                                 source="测试规则", effective_from=timezone.localdate() - dt.timedelta(days=1))
    later = _served(w)
    assert Case.objects.get(pk=later.pk).payment_due == later.served_on + dt.timedelta(days=30)


def test_serving_a_no_penalty_decision_sets_no_payment_deadline(w):
    assert _exempt_served(w).payment_due is None


def test_execute_over_http_records_the_structured_execution(w, login):
    case = _served(w)
    r = _execute(login(w.officer), case, note="当事人在代收银行缴纳")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "executed" and case.execution_method == "voluntary"
    assert (case.paid_amount, case.paid_on, case.payment_voucher) == (20000, timezone.localdate(), "14080226000001")
    assert case.executed_on == timezone.localdate() and case.execution_note == "当事人在代收银行缴纳"
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "自觉缴纳" in page and "14080226000001" in page and "罚款缴纳期限" in page


@pytest.mark.parametrize("fields, phrase, field", [
    ({"amount": "20001"}, "超过决定罚款", "amount"),
    ({"paid_on": "2000-01-01"}, "不能早于决定书送达日期", "paid_on"),
    ({"voucher": ""}, "须填写缴款凭证号", "voucher"),
    ({"amount": ""}, "须填写缴纳金额", "amount"),
    ({"amount": "两万"}, "缴纳金额应为整数", "amount"),
    ({"method": ""}, "请选择执行方式", "method"),
    ({"method": "court", "amount": "", "voucher": "", "paid_on": ""}, "申请强制执行前须书面催告", "method"),
])
def test_execute_refusals_over_http_save_nothing(w, login, fields, phrase, field):
    case = _served(w)
    r = _execute(login(w.officer), case, **fields)
    assert r.status_code == 400
    page = r.content.decode()
    assert phrase in page
    assert f'id="id_exec-{field}"' in page  # the form is shown again with the error next to the field
    _unchanged(case)


def test_execute_refuses_a_payment_date_in_the_future(w, login):
    case = _served(w)
    r = _execute(login(w.officer), case, paid_on=(timezone.localdate() + dt.timedelta(days=1)).isoformat())
    assert r.status_code == 400 and "不能晚于今天" in r.content.decode()
    _unchanged(case)


def test_court_enforcement_is_recorded_with_the_court_and_the_date(w, login):
    case = _served(w)
    # 行政强制法 第53、54条: served seven months ago (the litigation period has expired), the reminder more than ten
    # days ago (test_court_application.py and test_enforcement_reminder.py have the refusals)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(served_on=today - dt.timedelta(days=200),
                                           reminder_on=today - dt.timedelta(days=11))
    r = _execute(login(w.officer), case, method="court", amount="", voucher="", paid_on="",
                 court_name="运城市盐湖区人民法院", applied_on=today.isoformat(), note="已递交立案庭")
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "executed" and case.execution_method == "court" and case.paid_amount is None
    assert (case.court_name, case.court_applied_on) == ("运城市盐湖区人民法院", today)


def test_only_inspectors_record_execution(w, login):
    case = _served(w)
    assert _execute(login(w.leader), case).status_code == 403
    assert _execute(login(w.company_user), case).status_code == 403
    _unchanged(case)


def test_closing_a_fine_case_before_execution_is_refused(w, login):
    case = _served(w)
    with pytest.raises(DomainError, match="罚款案件须先记录执行情况"):
        services.case_close(actor=w.leader, case=case)
    r = login(w.leader).post(f"/penalties/cases/{case.pk}/act/close/", {"note": "结案"})
    assert r.status_code == 400 and "罚款案件须先记录执行情况" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "served"
    assert not case.documents().filter(kind="closing_approval").exists()


def test_fine_case_closes_after_execution_and_the_closing_form_shows_the_record(w, monkeypatch):
    import bureau.penalties.documents as docs

    specs = {}
    original = docs.store_document

    def capture(*, owner, kind, spec, **kwargs):
        specs[kind] = spec
        return original(owner=owner, kind=kind, spec=spec, **kwargs)

    monkeypatch.setattr(docs, "store_document", capture)
    case = _served(w)
    services.case_execute(actor=w.officer, case=case, method="instalment", amount=5000,
                          paid_on=timezone.localdate(), voucher="V-2026-001", note="经批准分期缴纳，首期5000元")
    with pytest.raises(PermissionDenied):
        services.case_close(actor=w.officer, case=case)
    services.case_close(actor=w.leader, case=case, note="同意结案")
    assert Case.objects.get(pk=case.pk).state == "closed"
    rows = dict(specs["closing_approval"].blocks[0].rows)
    assert rows["执行方式"] == "分期缴纳" and rows["缴纳金额"] == "5000元"
    assert rows["缴款（执行）日期"] == chinese_date(timezone.localdate()) and rows["缴款凭证号"] == "V-2026-001"
    assert rows["执行情况说明"] == "经批准分期缴纳，首期5000元"


def test_exempt_case_closes_straight_from_served_and_needs_no_execution(w, login):
    case = _exempt_served(w)
    with pytest.raises(DomainError, match="无需记录执行情况"):
        services.case_execute(actor=w.officer, case=case, method="corrected")
    page = login(w.leader).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'data-action="close"' in page and 'data-action="execute"' not in page
    assert login(w.leader).post(f"/penalties/cases/{case.pk}/act/close/", {"note": "同意"}).status_code == 302
    assert Case.objects.get(pk=case.pk).state == "closed"


def test_overdue_payment_shows_the_warning_with_the_late_payment_surcharge(w, login):
    case = _served(w)
    page = login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "罚款缴纳期限" in page and 'id="payment-overdue"' not in page
    assert 'data-action="execute"' in page and "id_exec-voucher" in page
    Case.objects.filter(pk=case.pk).update(payment_due=timezone.localdate() - dt.timedelta(days=1))
    for user in (w.officer, w.company_user):
        page = login(user).get(f"/penalties/cases/{case.pk}/").content.decode()
        assert 'id="payment-overdue"' in page and "每日按罚款数额的百分之三加处罚款" in page
        assert "行政处罚法第七十二条" in page
    Case.objects.filter(pk=case.pk).update(reminder_on=timezone.localdate() - dt.timedelta(days=11),
                                           served_on=timezone.localdate() - dt.timedelta(days=200))
    case.refresh_from_db()
    services.case_execute(actor=w.officer, case=case, method="court", court_name="运城市盐湖区人民法院",
                          applied_on=timezone.localdate())
    page = login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="payment-overdue"' not in page


def test_workbench_lists_unpaid_fines_for_officer_and_enterprise_and_executed_cases_for_the_leader(w, login):
    case = _served(w)
    Case.objects.filter(pk=case.pk).update(payment_due=timezone.localdate() - dt.timedelta(days=1))
    officer_page = login(w.officer).get("/").content.decode()
    assert f"{case.number} {w.enterprise.name}（罚款缴纳已逾期）" in officer_page
    assert f"缴纳罚款：{case.number}" in login(w.company_user).get("/").content.decode()
    assert case.number not in login(w.leader).get("/").content.decode()
    case.refresh_from_db()
    services.case_execute(actor=w.officer, case=case, method="voluntary", amount=20000,
                          paid_on=timezone.localdate(), voucher="V1")
    assert case.number in login(w.leader).get("/").content.decode()
    assert f"缴纳罚款：{case.number}" not in login(w.company_user).get("/").content.decode()


def test_case_api_exposes_the_payment_deadline_and_execution_record(w, login):
    case = _served(w)
    services.case_execute(actor=w.officer, case=case, method="voluntary", amount=20000,
                          paid_on=timezone.localdate(), voucher="V1")
    body = login(w.company_user).get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert body["state"] == "executed" and body["state_label"] == "已执行"
    assert body["payment_due"] == (case.served_on + dt.timedelta(days=15)).isoformat()
    assert (body["execution_method"], body["execution_method_label"]) == ("voluntary", "自觉缴纳")
    assert (body["paid_amount"], body["payment_voucher"], body["payment_overdue"]) == (20000, "V1", False)
    assert body["reasoning"]


def test_indicators_decided_in_time_and_fines_paid_on_time(w):
    """Rule-of-law indicators (measure II.1) computed from the cases: decisions within the legal period from filing
    (第60条) and, of the fines served in the period that are paid or past their deadline, the share paid by it
    (第67条); a fine neither paid nor due yet does not count; a period without such fines shows no data, not zero."""
    from bureau.kernel.registry import IndicatorQuery
    from bureau.penalties.hooks import indicators

    today = timezone.localdate()
    on_time, late, unpaid, early, pending = (_served(w) for _ in range(5))
    Case.objects.filter(pk__in=[on_time.pk, late.pk, unpaid.pk]).update(
        served_on=today - dt.timedelta(days=20), payment_due=today - dt.timedelta(days=5))
    Case.objects.filter(pk=on_time.pk).update(paid_on=today - dt.timedelta(days=10), execution_method="voluntary")
    Case.objects.filter(pk=late.pk).update(paid_on=today, execution_method="voluntary")
    Case.objects.filter(pk=early.pk).update(paid_on=today, execution_method="voluntary")  # paid before its deadline
    Case.objects.filter(pk=unpaid.pk).update(decision_due=today - dt.timedelta(days=1))  # decided after its limit
    assert Case.objects.get(pk=pending.pk).payment_due > today  # neither paid nor due: not counted
    result = {i.code: i for i in indicators(IndicatorQuery(start=today - dt.timedelta(days=30), end=today))}
    paid_share = result["penalties.paid_on_time_share"]
    assert (paid_share.numerator, paid_share.denominator, paid_share.value) == (2, 4, 50.0)
    in_time = result["penalties.decided_in_time_share"]
    assert (in_time.numerator, in_time.denominator, in_time.value) == (4, 5, 80.0)
    elsewhere = {i.code: i for i in indicators(IndicatorQuery(start=today, end=today, region="140821"))}
    assert elsewhere["penalties.paid_on_time_share"].value is None
    assert elsewhere["penalties.decided_in_time_share"].value is None
