"""The end of the enforcement chain:
- the party's statement against the 履行催告书 and its review (行政强制法 第三十六条): online within the reminder period
  (`penalties.enforcement_notice_days`), reviewed by the authority (采纳 / 不采纳 with the reason) and filed as the
  催告陈述申辩及复核记录; while it awaits review the court may not be applied to;
- 申请人民法院强制执行 with the court and the application date, within three months
  (`penalties.enforcement_application_months`, 行政强制法 第五十三条) after the litigation period
  (`penalties.litigation_months`, 行政诉讼法 第四十六条) counted from service; the 强制执行申请书 (第五十五条) is filed,
  internal to the authority; the enterprise sees that enforcement was applied for."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bureau.kernel.dates import chinese_date
from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry, ProcessHistory, RuleParameter
from bureau.kernel.notifications import Notification
from bureau.kernel.rules import rule
from bureau.penalties import rules, services
from bureau.penalties.models import Case
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
REMINDED = dt.date(2026, 11, 1)
COURT = "运城市盐湖区人民法院"


# --- the pure rules --------------------------------------------------------------------------------------------------
def test_rule_36_statement_within_the_ten_days_of_the_reminder():
    args = dict(reminder_on=REMINDED, days=10, text="资金困难，申请分期", already=False)
    rules.check_reminder_statement(today=REMINDED + dt.timedelta(days=10), **args)
    with pytest.raises(DomainError, match="催告书陈述申辩期限已于2026-11-11届满") as exc:
        rules.check_reminder_statement(today=REMINDED + dt.timedelta(days=11), **args)
    assert exc.value.field == "text"
    with pytest.raises(DomainError, match="尚未发出履行催告书"):
        rules.check_reminder_statement(**{**args, "reminder_on": None}, today=REMINDED)
    with pytest.raises(DomainError, match="已对履行催告书提出过陈述申辩"):
        rules.check_reminder_statement(**{**args, "already": True}, today=REMINDED)
    with pytest.raises(DomainError, match="请填写陈述申辩意见"):
        rules.check_reminder_statement(**{**args, "text": "  "}, today=REMINDED)


def test_rule_36_review_adopts_or_not_with_a_reason():
    now = timezone.now()
    rules.check_reminder_review(statement_at=now, reviewed=False, decision="accepted", reason="证据成立")
    with pytest.raises(DomainError, match="请选择复核意见"):
        rules.check_reminder_review(statement_at=now, reviewed=False, decision="", reason="x")
    with pytest.raises(DomainError, match="「不采纳」须写明理由"):
        rules.check_reminder_review(statement_at=now, reviewed=False, decision="rejected", reason=" ")
    with pytest.raises(DomainError, match="无需复核"):
        rules.check_reminder_review(statement_at=None, reviewed=False, decision="accepted", reason="x")
    with pytest.raises(DomainError, match="已复核"):
        rules.check_reminder_review(statement_at=now, reviewed=True, decision="accepted", reason="x")


def test_rule_53_window_opens_after_the_litigation_period_and_lasts_three_months():
    # 行政诉讼法 第46条: six months from service; 行政强制法 第53条: three months from the day it expired
    assert rules.court_window(served_on=dt.date(2026, 1, 31), litigation_months=6, application_months=3) == (
        dt.date(2026, 8, 1), dt.date(2026, 10, 31))
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)  # no 31 February
    served = dt.date(2026, 1, 31)
    rules.check_court_window(applied_on=dt.date(2026, 8, 1), served_on=served, litigation_months=6,
                             application_months=3)
    rules.check_court_window(applied_on=dt.date(2026, 10, 31), served_on=served, litigation_months=6,
                             application_months=3)
    with pytest.raises(DomainError, match="最早可于2026-08-01申请") as exc:
        rules.check_court_window(applied_on=dt.date(2026, 7, 31), served_on=served, litigation_months=6,
                                 application_months=3)
    assert "行政强制法第五十三条" in exc.value.message and "行政诉讼法第四十六条" in exc.value.message
    with pytest.raises(DomainError, match="申请期限已于2026-10-31届满"):
        rules.check_court_window(applied_on=dt.date(2026, 11, 1), served_on=served, litigation_months=6,
                                 application_months=3)


def test_rule_parameters_of_the_window_have_their_sources():
    assert int(rule("penalties.litigation_months")) == 6
    assert int(rule("penalties.enforcement_application_months")) == 3
    assert "行政诉讼法第四十六条" in RuleParameter.objects.get(key="penalties.litigation_months").source
    assert "行政强制法第五十三条" in RuleParameter.objects.get(key="penalties.enforcement_application_months").source


# --- the procedure over HTTP -----------------------------------------------------------------------------------------
@pytest.fixture
def w():
    return World()


def _reminded(w, *, served_days_ago=200, reminded_days_ago=0):
    """A fine served `served_days_ago` days ago, past its deadline, with its 履行催告书 issued (dates moved back)."""
    case = w.notified_case(amount=20000)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    services.case_serve(actor=w.officer, case=case, method="直接送达")
    today = timezone.localdate()
    served = today - dt.timedelta(days=served_days_ago)
    Case.objects.filter(pk=case.pk).update(served_on=served, decided_on=served,
                                           payment_due=min(served + dt.timedelta(days=15),
                                                           today - dt.timedelta(days=1)))
    case.refresh_from_db()
    services.reminder_issue(actor=w.officer, case=case)
    Case.objects.filter(pk=case.pk).update(reminder_on=today - dt.timedelta(days=reminded_days_ago))
    case.refresh_from_db()
    return case


def _state(client, case, text="我公司资金周转困难，申请分期缴纳，附银行流水。"):
    return client.post(f"/penalties/cases/{case.pk}/act/reminder_statement/", {"text": text})


def _review(client, case, decision="rejected", reason="当事人未提供新的事实和证据"):
    return client.post(f"/penalties/cases/{case.pk}/act/reminder_review/", {"decision": decision, "reason": reason})


def _court(client, case, court=COURT, applied_on=None):
    applied_on = timezone.localdate().isoformat() if applied_on is None else applied_on
    return client.post(f"/penalties/cases/{case.pk}/act/execute/", {
        "exec-method": "court", "exec-court_name": court, "exec-applied_on": applied_on})


def test_enterprise_states_its_case_against_the_reminder_online(w, login):
    case = _reminded(w)
    corp = login(w.company_user)
    page = corp.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="reminder-statement-form"' in page and "行政强制法第三十六条" in page
    assert _state(corp, case).status_code == 302
    case.refresh_from_db()
    assert case.reminder_statement.startswith("我公司资金周转困难") and case.reminder_statement_at
    assert case.reminder_review_pending
    assert ProcessHistory.objects.filter(object_id=case.pk, action="reminder_statement").exists()
    assert AuditEntry.objects.filter(action="penalties.reminder_statement").exists()
    assert Notification.objects.filter(recipient=w.officer, title__startswith="当事人对催告书提出陈述申辩").exists()
    page = corp.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="reminder-statement-form"' not in page and "待复核" in page
    officer_page = login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="reminder-review-form"' in officer_page and rules.REVIEW_PENDING_REFUSAL in officer_page
    data = corp.get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert data["reminder_review_pending"] is True and data["reminder_statement"].startswith("我公司")
    assert data["reminder_statement_due"] == (case.reminder_on + dt.timedelta(days=10)).isoformat()


def test_rule_36_statement_after_the_reminder_period_is_refused_with_the_date(w, login):
    case = _reminded(w, reminded_days_ago=11)
    corp = login(w.company_user)
    assert 'id="reminder-statement-form"' not in corp.get(f"/penalties/cases/{case.pk}/").content.decode()
    r = _state(corp, case)
    due = case.reminder_on + dt.timedelta(days=10)
    assert r.status_code == 400 and f"催告书陈述申辩期限已于{due:%Y-%m-%d}届满" in r.content.decode()
    assert Case.objects.get(pk=case.pk).reminder_statement_at is None


def test_rule_36_statement_refusals_over_http_save_nothing(w, login):
    case = _reminded(w)
    corp = login(w.company_user)
    r = _state(corp, case, text="  ")
    assert r.status_code == 400 and "请填写陈述申辩意见" in r.content.decode()
    assert Case.objects.get(pk=case.pk).reminder_statement_at is None
    assert _state(corp, case).status_code == 302
    r = _state(corp, case, text="再次陈述")
    assert r.status_code == 400 and "已对履行催告书提出过陈述申辩" in r.content.decode()
    assert Case.objects.get(pk=case.pk).reminder_statement != "再次陈述"


def test_rule_36_statement_without_a_reminder_is_refused(w, login):
    case = _reminded(w)
    Case.objects.filter(pk=case.pk).update(reminder_on=None)
    r = _state(login(w.company_user), case)
    assert r.status_code == 400 and "尚未发出履行催告书" in r.content.decode()


def test_rule_36_court_application_while_the_statement_awaits_review_is_refused(w, login):
    case = _reminded(w, reminded_days_ago=11)
    Case.objects.filter(pk=case.pk).update(reminder_statement="资金困难", reminder_statement_at=timezone.now())
    r = _court(login(w.officer), case)
    assert r.status_code == 400 and rules.REVIEW_PENDING_REFUSAL in r.content.decode()
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.state == "served" and fresh.court_name == "" and not case.documents().filter(
        kind="court_application").exists()


def test_rule_36_review_refusals_over_http(w, login):
    case = _reminded(w)
    officer = login(w.officer)
    r = _review(officer, case)
    assert r.status_code == 400 and "无需复核" in r.content.decode()
    _state(login(w.company_user), case)
    officer = login(w.officer)  # one test client: log the officer in again
    r = _review(officer, case, decision="")
    assert r.status_code == 400 and "请选择复核意见" in r.content.decode()
    r = _review(officer, case, reason="")
    assert r.status_code == 400 and "「不采纳」须写明理由" in r.content.decode()
    assert _review(login(w.company_user), case).status_code == 403
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.reminder_review == "" and fresh.reminder_review_pending
    assert not case.documents().filter(kind="reminder_statement_record").exists()


def test_rule_36_review_files_the_record_tells_the_party_and_opens_the_court(w, login):
    case = _reminded(w, reminded_days_ago=11)
    Case.objects.filter(pk=case.pk).update(reminder_on=timezone.localdate())
    _state(login(w.company_user), case)
    Case.objects.filter(pk=case.pk).update(reminder_on=timezone.localdate() - dt.timedelta(days=11))
    officer = login(w.officer)
    assert _review(officer, case, decision="accepted", reason="银行流水属实，同意分期缴纳").status_code == 302
    case.refresh_from_db()
    assert case.reminder_review == "accepted" and case.reminder_reviewer == w.officer and case.reminder_reviewed_at
    assert ProcessHistory.objects.filter(object_id=case.pk, action="reminder_review").exists()
    assert AuditEntry.objects.filter(action="penalties.reminder_review").exists()
    assert Notification.objects.filter(recipient=w.company_user, title__startswith="催告陈述申辩复核结果").exists()
    kinds = [d.kind for d in case.documents()]
    assert kinds.index("enforcement_reminder") < kinds.index("reminder_statement_record")
    doc = case.documents().get(kind="reminder_statement_record")
    assert login(w.company_user).get(reverse("document_download", args=[doc.pk])).status_code == 200
    page = login(w.company_user).get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "采纳" in page and "银行流水属实" in page
    officer = login(w.officer)
    r = _review(officer, case, decision="rejected")
    assert r.status_code == 400 and "已复核" in r.content.decode()
    assert _court(officer, case).status_code == 302  # reviewed: the court may be applied to


def test_rule_53_court_application_needs_the_court_and_the_date(w, login):
    case = _reminded(w, reminded_days_ago=11)
    officer = login(w.officer)
    for kwargs, phrase, field in (({"court": ""}, "须填写受理法院", "court_name"),
                                  ({"applied_on": ""}, "须填写申请日期", "applied_on"),
                                  ({"applied_on": (timezone.localdate() + dt.timedelta(days=1)).isoformat()},
                                   "申请日期不能晚于今天", "applied_on")):
        r = _court(officer, case, **kwargs)
        page = r.content.decode()
        assert r.status_code == 400 and phrase in page and f'id="id_exec-{field}"' in page
    assert Case.objects.get(pk=case.pk).state == "served"


def test_rule_53_court_application_before_the_litigation_period_expires_is_refused(w, login):
    case = _reminded(w, served_days_ago=100, reminded_days_ago=11)
    earliest, _latest = services.court_window(case)
    r = _court(login(w.officer), case)
    page = r.content.decode()
    assert r.status_code == 400 and "行政强制法第五十三条" in page and f"最早可于{earliest:%Y-%m-%d}申请" in page
    assert Case.objects.get(pk=case.pk).state == "served"
    assert f"{earliest:%Y-%m-%d}" in login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()


def test_rule_53_court_application_more_than_three_months_after_it_is_refused(w, login):
    case = _reminded(w, served_days_ago=300, reminded_days_ago=200)
    _earliest, latest = services.court_window(case)
    assert latest < timezone.localdate()
    r = _court(login(w.officer), case)
    assert r.status_code == 400 and f"申请期限已于{latest:%Y-%m-%d}届满" in r.content.decode()
    # an application made in time and recorded late is accepted
    assert _court(login(w.officer), case, applied_on=latest.isoformat()).status_code == 302


def test_rule_54_application_date_at_least_ten_days_after_the_reminder(w, login):
    case = _reminded(w, reminded_days_ago=11)
    r = _court(login(w.officer), case, applied_on=(timezone.localdate() - dt.timedelta(days=5)).isoformat())
    assert r.status_code == 400 and "行政强制法第五十四条" in r.content.decode()


def test_court_application_files_the_application_internal_to_the_authority(w, login, monkeypatch):
    import bureau.penalties.documents as docs

    specs = {}
    original = docs.store_document

    def capture(*, owner, kind, spec, **kwargs):
        specs[kind] = spec
        return original(owner=owner, kind=kind, spec=spec, **kwargs)

    monkeypatch.setattr(docs, "store_document", capture)
    case = _reminded(w, reminded_days_ago=11)
    Case.objects.filter(pk=case.pk).update(reminder_statement="加处罚款过高", reminder_statement_at=timezone.now(),
                                           reminder_review="rejected", reminder_review_reason="依法计算",
                                           reminder_reviewed_at=timezone.now())
    assert _court(login(w.officer), case).status_code == 302
    case.refresh_from_db()
    assert case.state == "executed" and (case.court_name, case.court_applied_on) == (COURT, timezone.localdate())
    assert "court_application" not in Case.ENTERPRISE_DOCUMENT_KINDS
    doc = case.documents().get(kind="court_application")
    kinds = [d.kind for d in case.documents()]
    assert kinds.index("enforcement_reminder") < kinds.index("court_application")
    text = "\n".join(str(getattr(b, "text", "")) + str(getattr(b, "rows", "")) for b in specs["court_application"].blocks)
    for phrase in (COURT, w.enterprise.name, case.number.replace("立", "罚决"), "20000元", "加处罚款",
                   chinese_date(case.reminder_on), "加处罚款过高", "不采纳：依法计算", "第五十五条", "负责人"):
        assert phrase in text, phrase
    corp = login(w.company_user)
    assert corp.get(reverse("document_download", args=[doc.pk])).status_code == 404
    page = corp.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert f"已向{COURT}申请强制执行" in page and "强制执行申请书" not in page
    assert Notification.objects.filter(recipient=w.company_user, title__startswith="申请强制执行").exists()
    data = corp.get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert data["court_name"] == COURT and data["court_applied_on"] == timezone.localdate().isoformat()


@pytest.mark.real_pdf
def test_new_documents_render_as_real_pdfs(w):
    case = _reminded(w, reminded_days_ago=0)
    services.reminder_statement_submit(actor=w.company_user, case=case, text="资金困难，申请分期缴纳")
    services.reminder_review_record(actor=w.officer, case=case, decision="rejected", reason="未提供证据")
    Case.objects.filter(pk=case.pk).update(reminder_on=timezone.localdate() - dt.timedelta(days=11))
    case.refresh_from_db()
    services.case_execute(actor=w.officer, case=case, method="court", court_name=COURT,
                          applied_on=timezone.localdate())
    for kind in ("reminder_statement_record", "court_application"):
        data = case.documents().get(kind=kind).file.read()
        assert data.startswith(b"%PDF-") and b"/FontFile2" in data and b"/ToUnicode" in data
