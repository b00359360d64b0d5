"""听证通知书 (行政处罚法 第六十四条): once the party asked for a hearing, staff schedule it — the time and place
notified at least `penalties.hearing_notice_days` (7) days ahead (第（二）项), chaired by a person designated by the
authority who is not an investigator of the case (第（四）项), with a clerk; the notice goes to the party (PDF it may
open, inbox); 记录听证情况 is refused before the hearing is scheduled and before its date."""

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
from tests.factories import make_user
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 27)


def _check(**kw):
    args = dict(hearing_on=TODAY + dt.timedelta(days=7), today=TODAY, notice_days=7, host_id=9, officer_ids=(1, 2),
                clerk_id=8, place="听证室")
    args.update(kw)
    rules.check_hearing_schedule(**args)


def test_rule_hearing_seven_days_after_the_notice_is_accepted():
    _check()


def test_rule_hearing_less_than_seven_days_ahead_is_refused():
    with pytest.raises(DomainError, match="第六十四条第（二）项") as exc:
        _check(hearing_on=TODAY + dt.timedelta(days=6))
    assert exc.value.field == "hearing_on" and "2026-12-04" in exc.value.message


def test_rule_investigator_may_not_chair_the_hearing():
    with pytest.raises(DomainError, match="第六十四条第（四）项"):
        _check(host_id=1)
    with pytest.raises(DomainError, match="第六十四条第（四）项"):
        _check(host_id=2)


def test_rule_clerk_is_not_the_host_and_place_is_required():
    with pytest.raises(DomainError, match="记录员不能由主持人兼任"):
        _check(clerk_id=9)
    with pytest.raises(DomainError, match="听证地点"):
        _check(place=" ")


def test_notice_days_is_a_rule_parameter_with_its_source():
    from bureau.kernel.models import RuleParameter

    assert int(rule("penalties.hearing_notice_days")) == 7
    assert "第六十四条第（二）项" in RuleParameter.objects.get(key="penalties.hearing_notice_days").source


@pytest.fixture
def w():
    world = World()
    world.host = make_user(f"host-{world.leader.username}", roles=["section_head"], organisation=world.org,
                           real_name="法制科 审核员")
    return world


def _hearing_case(w):
    case = w.proposed_case(amount=50000, circumstances=())
    services.case_transition(actor=w.officer, case=case, action="submit_review")
    services.case_notify(actor=w.leader, case=case)
    return services.hearing_request(actor=w.company_user, case=case, note="要求听证")


def _post(client, case, **data):
    base = {"hs-hearing_on": (timezone.localdate() + dt.timedelta(days=8)).isoformat(), "hs-hearing_time": "09:30",
            "hs-place": "盐湖区应急管理局听证室"}
    base.update({f"hs-{k}": v for k, v in data.items()})
    return client.post(f"/penalties/cases/{case.pk}/hearing/", base)


def test_schedule_hearing_notifies_the_party_with_the_notice(w, login):
    case = _hearing_case(w)
    client = login(w.officer)
    page = client.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert 'id="hearing-form"' in page and "尚未安排听证" in page
    r = _post(client, case, host=w.host.pk, clerk=w.officer2.pk)
    assert r.status_code == 302, r.content.decode()[:2000]
    case.refresh_from_db()
    assert case.hearing_host == w.host and case.hearing_clerk == w.officer2
    assert case.hearing_notified_on == timezone.localdate() and case.state == "hearing"
    assert case.history().filter(action="schedule_hearing").exists()
    assert AuditEntry.objects.filter(action="penalties.schedule_hearing").exists()
    assert Notification.objects.filter(recipient=w.company_user, title__startswith="听证通知").exists()
    kinds = [d.kind for d in case.documents()]
    assert kinds.index("hearing_notice") < kinds.index("hearing_schedule_notice")
    notice = case.documents().get(kind="hearing_schedule_notice")
    corp = login(w.company_user)
    assert corp.get(reverse("document_download", args=[notice.pk])).status_code == 200
    page = corp.get(f"/penalties/cases/{case.pk}/").content.decode()
    assert "盐湖区应急管理局听证室" in page and w.host.display_name in page


def test_hearing_less_than_seven_days_ahead_is_refused_over_http(w, login):
    case = _hearing_case(w)
    r = _post(login(w.officer), case, host=w.host.pk, clerk=w.officer2.pk,
              hearing_on=(timezone.localdate() + dt.timedelta(days=6)).isoformat())
    assert r.status_code == 400 and "第六十四条第（二）项" in r.content.decode()
    case.refresh_from_db()
    assert case.hearing_at is None and not case.documents().filter(kind="hearing_schedule_notice").exists()


def test_investigator_as_host_is_refused_over_http(w, login):
    case = _hearing_case(w)
    for officer in (w.officer, w.officer2):
        r = _post(login(w.officer), case, host=officer.pk, clerk=w.host.pk)
        assert r.status_code == 400 and "不得由本案调查人员担任" in r.content.decode()
    assert Case.objects.get(pk=case.pk).hearing_host is None


def test_missing_clerk_or_place_is_refused(w, login):
    case = _hearing_case(w)
    r = _post(login(w.officer), case, host=w.host.pk, clerk="")
    assert r.status_code == 400 and "请指定记录员" in r.content.decode()
    r = _post(login(w.officer), case, host=w.host.pk, clerk=w.officer2.pk, place="")
    assert r.status_code == 400 and "请填写听证地点" in r.content.decode()


def test_enterprise_cannot_schedule_and_not_before_the_request(w, login):
    case = _hearing_case(w)
    assert _post(login(w.company_user), case, host=w.host.pk, clerk=w.officer2.pk).status_code == 404
    other = w.proposed_case(amount=50000, circumstances=())
    services.case_transition(actor=w.officer, case=other, action="submit_review")
    services.case_notify(actor=w.leader, case=other)
    with pytest.raises(DomainError, match="不能执行「安排听证」"):
        services.hearing_schedule(actor=w.officer, case=other, hearing_at=timezone.now() + dt.timedelta(days=8),
                                  place="听证室", host=w.host, clerk=w.officer2)


def test_record_hearing_refused_before_scheduling_and_before_the_date(w, login):
    case = _hearing_case(w)
    client = login(w.officer)
    r = client.post(f"/penalties/cases/{case.pk}/act/record_hearing/", {"record": "听证情况"})
    assert r.status_code == 400 and "尚未安排听证" in r.content.decode()
    services.hearing_schedule(actor=w.officer, case=case, hearing_at=timezone.now() + dt.timedelta(days=8),
                              place="听证室", host=w.host, clerk=w.officer2)
    r = client.post(f"/penalties/cases/{case.pk}/act/record_hearing/", {"record": "听证情况"})
    assert r.status_code == 400 and "听证举行前不能记录听证情况" in r.content.decode()
    assert Case.objects.get(pk=case.pk).state == "hearing"
    Case.objects.filter(pk=case.pk).update(hearing_at=timezone.now() - dt.timedelta(hours=2))
    r = client.post(f"/penalties/cases/{case.pk}/act/record_hearing/", {"record": "当事人对事实无异议"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert case.state == "deciding"
    # the hearing was held: the case is decided by collective discussion (第57条第2款)
    assert "已举行听证" in services.major_reasons(case)


def test_api_shows_the_hearing_schedule(w, login):
    case = _hearing_case(w)
    services.hearing_schedule(actor=w.officer, case=case, hearing_at=timezone.now() + dt.timedelta(days=8),
                              place="听证室", host=w.host, clerk=w.officer2)
    data = login(w.company_user).get(f"/api/v1/penalties/cases/{case.pk}").json()
    assert data["hearing_place"] == "听证室" and data["hearing_host_name"] == w.host.display_name
    assert data["hearing_at"]
