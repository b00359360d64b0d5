"""履行催告书 (行政强制法 第三十五条、第五十四条): a served fine past its payment deadline is reminded in writing
(the fine, the 加处罚款 of 3 % a day from the deadline — 行政处罚法 第七十二条 — capped at the fine, 行政强制法
第四十五条; the ten days; the right to state its case); the court may be applied to only once
`penalties.enforcement_notice_days` (10) days have passed since the reminder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry
from bureau.kernel.notifications import Notification
from bureau.kernel.rules import rule
from bureau.penalties import rules, services
from bureau.penalties.models import Case
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
DUE = dt.date(2026, 11, 1)


def test_rule_surcharge_three_percent_a_day_from_the_deadline():
    assert rules.late_surcharge(fine=20000, payment_due=DUE, on=DUE, daily_pct=3) == (0, 0)
    assert rules.late_surcharge(fine=20000, payment_due=DUE, on=DUE + dt.timedelta(days=5), daily_pct=3) == (5, 3000)


def test_rule_surcharge_never_exceeds_the_fine():
    assert rules.late_surcharge(fine=20000, payment_due=DUE, on=DUE + dt.timedelta(days=40), daily_pct=3) == (40, 20000)


def test_rule_court_application_needs_a_reminder_and_ten_days():
    with pytest.raises(DomainError, match="行政强制法第五十四条"):
        rules.check_court_application(reminder_on=None, today=DUE, days=10)
    with pytest.raises(DomainError, match="最早可于2026-11-12申请"):
        rules.check_court_application(reminder_on=DUE, today=DUE + dt.timedelta(days=10), days=10)
    rules.check_court_application(reminder_on=DUE, today=DUE + dt.timedelta(days=11), days=10)


def test_reminder_days_is_a_rule_parameter_with_its_source():
    from bureau.kernel.models import RuleParameter

    assert int(rule("penalties.enforcement_notice_days")) == 10
    assert "行政强制法第五十四条" in RuleParameter.objects.get(key="penalties.enforcement_notice_days").source


@pytest.fixture
def w():
    return World()


def _served(w, overdue_days=5):
    case = w.notified_case(amount=20000)
    services.statement_submit(actor=w.company_user, case=case, text="", waive=True)
    services.case_submit_decision(actor=w.officer, case=case)
    services.case_decide(actor=w.leader, case=case)
    services.case_serve(actor=w.officer, case=case, method="直接送达")
    Case.objects.filter(pk=case.pk).update(payment_due=timezone.localdate() - dt.timedelta(days=overdue_days))
    case.refresh_from_db()
    return case


def _court(client, case):
    return client.post(f"/penalties/cases/{case.pk}/act/execute/", {
        "exec-method": "court", "exec-court_name": "运城市盐湖区人民法院",
        "exec-applied_on": timezone.localdate().isoformat()})


def test_reminder_states_the_surcharge_and_notifies_the_party(w, login):
    case = _served(w, overdue_days=5)
    client = login(w.officer)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'data-action="remind"' in page and "3,000" in page
    assert client.post(f"/penalties/cases/{case.pk}/act/remind/").status_code == 302
    case.refresh_from_db()
    assert case.reminder_on == timezone.localdate() and case.reminder_surcharge == 3000
    assert case.history().filter(action="remind").exists()
    assert AuditEntry.objects.filter(action="penalties.remind").exists()
    assert Notification.objects.filter(recipient=w.company_user, title__startswith="履行催告").exists()
    doc = case.documents().get(kind="enforcement_reminder")
    kinds = [d.kind for d in case.documents()]
    assert kinds.index("service_receipt") < kinds.index("enforcement_reminder")
    corp = login(w.company_user)
    assert corp.get(reverse("document_download", args=[doc.pk])).status_code == 200
    assert "可申请强制执行" in corp.get(f"/penalties/cases/{case.pk}/").content.decode()


def test_reminder_before_the_deadline_or_twice_is_refused(w, login):
    case = _served(w, overdue_days=0)
    client = login(w.officer)
    r = client.post(f"/penalties/cases/{case.pk}/act/remind/")
    assert r.status_code == 400 and "尚未届满，不能催告" in r.content.decode()
    assert Case.objects.get(pk=case.pk).reminder_on is None
    Case.objects.filter(pk=case.pk).update(payment_due=timezone.localdate() - dt.timedelta(days=1))
    assert client.post(f"/penalties/cases/{case.pk}/act/remind/").status_code == 302
    r = client.post(f"/penalties/cases/{case.pk}/act/remind/")
    assert r.status_code == 400 and "已于" in r.content.decode()
    assert case.documents().filter(kind="enforcement_reminder").count() == 1


def test_enterprise_cannot_issue_a_reminder(w, login):
    case = _served(w)
    assert login(w.company_user).post(f"/penalties/cases/{case.pk}/act/remind/").status_code == 403


def test_court_application_without_reminder_is_refused(w, login):
    case = _served(w)
    r = _court(login(w.officer), case)
    assert r.status_code == 400 and rules.COURT_REFUSAL in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "served"


def test_court_application_within_ten_days_of_the_reminder_is_refused(w, login):
    case = _served(w, overdue_days=8)
    services.reminder_issue(actor=w.officer, case=case)
    # served seven months ago: the litigation period (行政强制法 第53条) is not what is checked here
    Case.objects.filter(pk=case.pk).update(served_on=timezone.localdate() - dt.timedelta(days=200))
    Case.objects.filter(pk=case.pk).update(reminder_on=timezone.localdate() - dt.timedelta(days=10))
    r = _court(login(w.officer), case)
    assert r.status_code == 400 and "最早可于" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "served"
    Case.objects.filter(pk=case.pk).update(reminder_on=timezone.localdate() - dt.timedelta(days=11))
    assert _court(login(w.officer), case).status_code == 302
    assert Case.objects.get(pk=case.pk).execution_method == "court"


def test_payments_need_no_reminder(w, login):
    case = _served(w)
    services.case_execute(actor=w.officer, case=case, method="voluntary", amount=20000,
                          paid_on=timezone.localdate(), voucher="V1")


def test_api_shows_the_reminder(w, login):
    case = _served(w, overdue_days=2)
    services.reminder_issue(actor=w.officer, case=case)
    data = login(w.company_user).get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert data["reminder_on"] == timezone.localdate().isoformat() and data["reminder_surcharge"] == 1200
    # ten days after the reminder (第54条) and after the six months of the litigation period (第53条): the later
    earliest, latest = rules.court_window(served_on=timezone.localdate(), litigation_months=6, application_months=3)
    assert data["court_application_from"] == earliest.isoformat()
    assert data["court_application_until"] == latest.isoformat()


@pytest.mark.real_pdf
def test_new_documents_render_as_real_pdfs(w):
    from bureau.kernel.documents import render_pdf
    from bureau.penalties import documents

    case = _served(w, overdue_days=3)
    services.reminder_issue(actor=w.officer, case=case)
    doc = case.documents().get(kind="enforcement_reminder")
    data = doc.file.read()
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data and b"/ToUnicode" in data
    assert callable(render_pdf) and callable(documents.hearing_schedule_notice)
