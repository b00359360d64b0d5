"""Paying a fine (行政处罚法 第67条): the enterprise's case page says how to pay — the collector, its code, the
account and the decision's 缴款码, within fifteen days of service — as data per deciding authority; the enterprise
uploads its 缴款凭证 (type by content, size by rule); the officer confirms it (the audited 记录执行情况 step) or
returns it with the reason; every refusal saves nothing. Through the page and the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry, ProcessHistory, RuleParameter
from bureau.penalties import rules, services
from bureau.penalties.models import Case, PaymentAccount
from tests.factories import county_bureau, make_user
from tests.penalties.factories import World

PDF = b"%PDF-1.4 voucher\n"


@pytest.fixture
def w(db):
    world = World()
    PaymentAccount.objects.create(
        organisation=world.org, payee="运城市盐湖区财政局（非税收入）", collector_code="140802017",
        bank="中国工商银行运城盐湖支行", account_number="0508001234567890123",
        channels="山西省非税收入电子缴款平台、代理银行柜台或手机银行", source="行政处罚法第六十七条；执收单位编码（测试）",
        effective_from=dt.date(2024, 1, 1))
    return world


def _served(w, amount=20000):
    case = w.notified_case(amount=amount)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    return services.case_serve(actor=w.officer, case=case, method="直接送达")


def _voucher(name="缴款凭证.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _upload(client, case, **fields):
    data = {"voucher-amount": "20000", "voucher-paid_on": timezone.localdate().isoformat(),
            "voucher-number": "FS14080226000123", "voucher-file": _voucher()}
    data.update({f"voucher-{k}": v for k, v in fields.items()})
    return client.post(f"/penalties/cases/{case.pk}/act/submit_voucher/", data)


def test_payment_code_carries_a_check_digit():
    code = rules.payment_code("140802017", 2026, 42)
    assert code.startswith("1408020172026") and rules.payment_code_valid(code)
    mistyped = code[:-2] + str((int(code[-2]) + 1) % 10) + code[-1]
    assert not rules.payment_code_valid(mistyped) and not rules.payment_code_valid("ABC")


def test_service_gives_the_decision_its_payment_code_and_the_fifteen_day_deadline(w, login):
    case = _served(w)
    assert rules.payment_code_valid(case.payment_code) and case.payment_code.startswith("140802017")
    assert case.payment_due == case.served_on + dt.timedelta(days=15)  # 行政处罚法 第67条第3款
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    for text in ("如何缴纳罚款", case.payment_code, "运城市盐湖区财政局（非税收入）", "140802017",
                 "0508001234567890123", "山西省非税收入电子缴款平台", "上传缴款凭证", "15日内"):
        assert text in page, text


def test_decision_names_where_to_pay_when_the_authority_has_payment_details(w):
    case = _served(w)
    decision = case.documents().get(kind="penalty_decision").file.read().decode()
    assert "运城市盐湖区财政局（非税收入）" in decision and "执收单位编码140802017" in decision


def test_without_payment_details_the_page_says_so_and_no_code_is_made(w, login):
    PaymentAccount.objects.all().delete()
    case = _served(w)
    assert case.payment_code == ""
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "缴款账户信息尚未公布" in page


def test_enterprise_uploads_its_voucher_and_the_officer_confirms_the_payment(w, login):
    case = _served(w)
    r = _upload(login(w.company_user), case)
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "served" and case.voucher_amount == 20000 and case.voucher_number == "FS14080226000123"
    voucher = services.payment_voucher(case)
    assert voucher is not None and voucher.file.read() == PDF
    assert ProcessHistory.objects.filter(object_id=case.pk, action="submit_voucher").exists()
    officer = login(w.officer)
    assert "缴款凭证待核对" in officer.get("/").content.decode()  # 我的待办 of the case's officer
    page = officer.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "待核对" in page and "确认缴款并记录执行情况" in page and f"/attachments/{voucher.pk}/download" in page
    assert officer.get(f"/attachments/{voucher.pk}/download").status_code == 200
    r = officer.post(f"/penalties/cases/{case.pk}/act/confirm_payment/", {"note": "已与非税收入缴款记录核对"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "executed" and case.execution_method == "voluntary"
    assert (case.paid_amount, case.paid_on, case.payment_voucher) == (20000, timezone.localdate(), "FS14080226000123")
    assert AuditEntry.objects.filter(object_id=str(case.pk), action__contains="execute").exists()
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "已核对" in page and "自觉缴纳" in page


def test_a_second_voucher_waits_for_the_first_to_be_checked(w, login):
    case = _served(w)
    _upload(login(w.company_user), case)
    with pytest.raises(DomainError, match="等待执法人员核对确认"):
        services.case_submit_voucher(actor=w.company_user, case=Case.objects.get(pk=case.pk), amount=20000,
                                     paid_on=timezone.localdate(), number="X2", upload=_voucher())


@pytest.mark.parametrize("fields, phrase", [
    ({"amount": "20001"}, "超过决定罚款"),
    ({"paid_on": "2000-01-01"}, "不能早于决定书送达日期"),
    ({"number": ""}, "请填写缴款凭证号"),
    ({"file": SimpleUploadedFile("凭证.txt", b"hello", content_type="text/plain")}, "类型不允许"),
    ({"file": SimpleUploadedFile("凭证.pdf", b"not a pdf", content_type="application/pdf")}, "内容与扩展名不符"),
    ({"file": ""}, "请上传缴款凭证文件"),
])
def test_bad_vouchers_are_refused_and_nothing_is_saved(w, login, fields, phrase):
    case = _served(w)
    r = _upload(login(w.company_user), case, **fields)
    assert r.status_code == 400 and phrase in r.content.decode()
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.voucher_at is None and fresh.voucher_amount is None and services.payment_voucher(fresh) is None
    assert not ProcessHistory.objects.filter(object_id=case.pk, action="submit_voucher").exists()


def test_voucher_size_limit_is_a_rule(w):
    case = _served(w)
    RuleParameter.objects.create(key="penalties.voucher_max_mb", value=1, unit="MB", description="测试",
                                 source="测试规则", effective_from=timezone.localdate() - dt.timedelta(days=1))
    big = _voucher(content=PDF + b"0" * (1024 * 1024))
    with pytest.raises(DomainError, match="超过大小限制"):
        services.case_submit_voucher(actor=w.company_user, case=case, amount=20000, paid_on=timezone.localdate(),
                                     number="X1", upload=big)
    assert Case.objects.get(pk=case.pk).voucher_at is None


def test_officer_returns_a_wrong_voucher_with_its_reason_and_the_enterprise_uploads_again(w, login):
    case = _served(w)
    _upload(login(w.company_user), case, amount="2000")
    officer = login(w.officer)
    assert officer.post(f"/penalties/cases/{case.pk}/act/return_voucher/", {"reason": ""}).status_code == 400
    assert Case.objects.get(pk=case.pk).voucher_at is not None
    r = officer.post(f"/penalties/cases/{case.pk}/act/return_voucher/", {"reason": "缴款金额与决定罚款不符，请补缴"})
    assert r.status_code == 302
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.voucher_at is None and fresh.voucher_returned == "缴款金额与决定罚款不符，请补缴"
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "已退回" in page and "缴款金额与决定罚款不符" in page and 'id="voucher-form"' in page
    assert _upload(login(w.company_user), case).status_code == 302


def test_only_the_party_uploads_and_only_the_officer_confirms(w, login):
    case = _served(w)
    assert _upload(login(w.officer), case).status_code == 403
    _upload(login(w.company_user), case)
    r = login(w.company_user).post(f"/penalties/cases/{case.pk}/act/confirm_payment/", {})
    assert r.status_code == 403 and Case.objects.get(pk=case.pk).state == "served"
    other = make_user("insp_other", roles=["inspector"], organisation=county_bureau("140821"),
                      enforcement_id="140821999")
    assert login(other).get(f"/api/v1/penalties/cases/{case.pk}/payment").status_code == 404


def test_api_payment_voucher_and_confirmation(w, login):
    case = _served(w)
    corp = login(w.company_user)
    got = corp.get(f"/api/v1/penalties/cases/{case.pk}/payment").json()
    assert got["code"] == case.payment_code and got["voucher_state"] == "none" and got["payee"]
    bad = corp.post(f"/api/v1/penalties/cases/{case.pk}/voucher",
                    {"amount": "30000", "paid_on": timezone.localdate().isoformat(), "number": "A1",
                     "file": _voucher()})
    assert bad.status_code == 400 and "超过决定罚款" in bad.json()["detail"]
    ok = corp.post(f"/api/v1/penalties/cases/{case.pk}/voucher",
                   {"amount": "20000", "paid_on": timezone.localdate().isoformat(), "number": "A1",
                    "file": _voucher()})
    assert ok.status_code == 200 and ok.json()["voucher_state"] == "pending" and ok.json()["voucher_url"]
    officer = login(w.officer)
    done = officer.post(f"/api/v1/penalties/cases/{case.pk}/payment/confirm", {"note": "核对一致"},
                        content_type="application/json")
    assert done.status_code == 200 and done.json()["voucher_state"] == "confirmed"
    assert Case.objects.get(pk=case.pk).state == "executed"


def test_no_penalty_case_has_nothing_to_pay(w, login):
    own = w.self_hazard()
    case = w.open_case()
    w.evidence(case)
    services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=own)
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_decide_no_penalty(actor=w.leader, case=case)
    case = services.case_serve(actor=w.officer, case=case, method="直接送达")
    assert case.payment_code == "" and services.payment_details(case) is None
    assert login(w.company_user).get(f"/api/v1/penalties/cases/{case.pk}/payment").status_code == 404
