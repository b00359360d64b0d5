"""Facts before records (issue 13): attendance and certificates of courses (III.7) and observation visits (III.5)
are recorded only once the event has happened; only the enterprises measure III.5 names sign up for a visit; park
remediation items (III.3) take no past deadline and their progress neither goes down nor is dated in the future.
Enrolments, sign-ups and park items move on the process engine, with one timeline and only the allowed buttons."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.assistance import services
from bureau.assistance.models import Enrolment, ObservationSignup, ParkProgress, ParkRemediationItem
from bureau.assistance.workflow import enrolment_workflow, observation_workflow, park_item_workflow
from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.models import AuditEntry, Document, RuleParameter
from tests.assistance.factories import ID_NUMBER, batch, checklist, course, hazchem_enterprise, held, park, today
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _enrolled(w, c=None):
    c = c or course(capacity=5)
    return services.course_enrol(actor=w.owner, course=c, trainee_name="李丽", post="safety_manager",
                                 phone="13935901234", id_number=ID_NUMBER)


def _signed_up(b=None):
    b = b or batch(pilot=hazchem_enterprise(), capacity=5)
    producer = make_user(roles=["enterprise"], enterprise=hazchem_enterprise())
    return services.observation_signup(actor=producer, batch=b, attendees="张三")


# -- courses (III.7) -------------------------------------------------------------------------------------------


def test_course_attendance_is_recorded_only_on_or_after_the_course_date(w):
    """Rule: attendance (and absence) of a course is a fact of the course, recorded from its first day on."""
    enrolment = _enrolled(w)
    for attended in (True, False):
        with pytest.raises(DomainError, match="开班前不能登记出勤"):
            services.course_attendance(actor=w.inspector, enrolment=enrolment, attended=attended)
    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.attended) == ("enrolled", None)
    held(enrolment.course)
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    services.course_attendance(actor=w.inspector, enrolment=enrolment, attended=True)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "attended"


def test_course_certificate_only_after_attendance_and_the_last_day(w):
    """Rule: the certificate of completion goes to an attended trainee, on or after the last day of the course."""
    c = course(capacity=5)
    enrolment = _enrolled(w, c)
    held(c)
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    with pytest.raises(DomainError, match="不能执行「出具结业证明」"):  # not attended yet
        services.course_certify(actor=w.inspector, enrolment=enrolment)
    services.course_attendance(actor=w.inspector, enrolment=enrolment, attended=False)
    with pytest.raises(DomainError, match="不能执行「出具结业证明」"):  # absent
        services.course_certify(actor=w.inspector, enrolment=enrolment)
    services.course_attendance(actor=w.inspector, enrolment=enrolment, attended=True)
    c.ends_on = today() + dt.timedelta(days=1)  # a two-day course: the last day is tomorrow
    c.save()
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    with pytest.raises(DomainError, match="结业前不能出具结业证明"):
        services.course_certify(actor=w.inspector, enrolment=enrolment)
    assert not Document.objects.exists() and enrolment.certificate_number == ""
    c.ends_on = today()
    c.save()
    enrolment = Enrolment.objects.select_related("course").get(pk=enrolment.pk)
    services.course_certify(actor=w.inspector, enrolment=enrolment)
    enrolment.refresh_from_db()
    assert enrolment.status == "certified" and enrolment.certificate_number.startswith("GSYF")
    assert Document.objects.get().kind == "course_certificate"


def test_course_end_is_not_before_its_start(w):
    """Rule: a course ends on or after the day it starts (a one-day course ends the day it starts)."""
    start = today() + dt.timedelta(days=10)
    kwargs = dict(title="第三期", partner="市人社局", starts_on=start, hours=8, location="培训中心", capacity=10,
                  enrol_closes_on=start)
    with pytest.raises(DomainError, match="结业日期不能早于开班日期"):
        services.course_create(actor=w.inspector, ends_on=start - dt.timedelta(days=1), **kwargs)
    assert services.course_create(actor=w.inspector, **kwargs).ends_on == start


def test_enrolment_timeline_and_buttons_follow_the_workflow(w, login):
    """Rule: every status change of an enrolment is a declared action with history and audit; the pages offer only
    the actions the user may take now."""
    enrolment = _enrolled(w)
    attend_url = f"/assistance/enrolments/{enrolment.pk}/attendance/"
    certify_url = f"/assistance/enrolments/{enrolment.pk}/certify/"
    client = login(w.inspector)
    page = client.get(f"/assistance/courses/{enrolment.course_id}/").content.decode()
    assert attend_url not in page  # the course has not started
    held(enrolment.course)
    page = client.get(f"/assistance/courses/{enrolment.course_id}/").content.decode()
    assert attend_url in page and certify_url not in page
    client.post(attend_url, {"attended": "1", "next": "enrolment"})
    assert certify_url in client.get(f"/assistance/enrolments/{enrolment.pk}/").content.decode()
    client.post(certify_url, {"next": "enrolment"})
    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert (enrolment.status, enrolment.version) == ("certified", 2)
    assert [h.action for h in enrolment.history().order_by("id")] == ["enrol", "attend", "certify"]
    assert AuditEntry.objects.filter(action="course_enrolments.certify").count() == 1
    detail = client.get(f"/assistance/enrolments/{enrolment.pk}/").content.decode()
    assert "办理过程" in detail and "已出具结业证明" in detail
    assert attend_url not in detail and certify_url not in detail  # nothing left to do
    own = login(w.owner).get(f"/assistance/enrolments/{enrolment.pk}/").content.decode()
    assert "办理过程" in own and "工伤预防能力提升培训结业证明" in own  # its timeline and its certificate
    assert login(w.other_inspector).get(f"/assistance/enrolments/{enrolment.pk}/").status_code == 404
    assert enrolment_workflow.available(enrolment, w.inspector) == []


# -- observation visits (III.5) --------------------------------------------------------------------------------


def test_observation_attendance_is_recorded_only_on_or_after_the_visit_date(w, login):
    """Rule: who took part in an observation visit is recorded from the visit day on."""
    signup = _signed_up()
    with pytest.raises(DomainError, match="观摩前不能登记出勤"):
        services.observation_attendance(actor=w.inspector, signup=signup, attended=True)
    response = login(w.inspector).post(f"/assistance/observations/signups/{signup.pk}/attendance/",
                                       {"attended": "1"}, follow=True)
    assert "观摩前不能登记出勤" in response.content.decode()
    assert ObservationSignup.objects.get(pk=signup.pk).status == "signed_up"
    held(signup.batch)
    signup = ObservationSignup.objects.select_related("batch", "enterprise").get(pk=signup.pk)
    assert {t.action for t in observation_workflow.available(signup, w.inspector)} == {"attend", "absent"}
    services.observation_attendance(actor=w.inspector, signup=signup, attended=False)
    signup = ObservationSignup.objects.get(pk=signup.pk)
    assert (signup.status, signup.attended, signup.version) == ("absent", False, 1)
    assert [h.action for h in signup.history().order_by("id")] == ["signup", "absent"]


def test_observation_signup_only_for_the_industries_the_measure_names(w):
    """Rule (measure III.5, rule assistance.observation_industries): the visits are for hazardous-chemical
    producers; a trading company is refused, and the list is data an administrator may widen."""
    b = batch(pilot=hazchem_enterprise(), capacity=5)
    assert w.enterprise.industry == "hazchem_operation"
    with pytest.raises(DomainError, match="观摩活动面向危险化学品生产企业"):
        services.observation_signup(actor=w.owner, batch=b, attendees="李丽")
    assert not ObservationSignup.objects.exists()
    assert _signed_up(b).enterprise.industry == "hazchem_production"
    RuleParameter.objects.create(key="assistance.observation_industries", value=["hazchem_production",
                                                                                  "hazchem_operation"],
                                 description="扩大观摩范围", source="测试", effective_from=today())
    services.observation_signup(actor=w.owner, batch=b, attendees="李丽")
    assert ObservationSignup.objects.count() == 2


# -- chemical parks (III.3) ------------------------------------------------------------------------------------


def _item(w):
    return services.park_item_create(actor=w.inspector, park=park("140802"), checklist_item=checklist(),
                                     title="建设卡口",
                                      responsible="管委会", deadline=today() + dt.timedelta(days=30))


def test_park_item_deadline_is_not_in_the_past(w, login):
    """Rule: a remediation item's deadline is set for work still to be done: not before today."""
    p = park("140802")
    with pytest.raises(DomainError, match="完成时限不能早于今天"):
        services.park_item_create(actor=w.inspector, park=p, checklist_item=checklist(), title="建设卡口",
                                  responsible="管委会", deadline=dt.date(2020, 6, 30))
    page = login(w.inspector).post(f"/assistance/parks/{p.pk}/", {
        "checklist_item": checklist().pk, "title": "建设卡口", "responsible": "管委会", "deadline": "2020-06-30"})
    assert "完成时限不能早于今天" in page.content.decode()
    assert not ParkRemediationItem.objects.exists()
    assert services.park_item_create(actor=w.inspector, park=p, checklist_item=checklist("TH-10", "有消防设施"),
                                     title="当天完成", responsible="管委会",
                                     deadline=today()).deadline == today()


def test_park_progress_never_goes_down_even_from_a_stale_page(w):
    """Rule: the progress of a park item never goes below the last report; a report made on a page loaded before
    another report is refused (version check) instead of lowering it."""
    item = _item(w)
    stale = ParkRemediationItem.objects.get(pk=item.pk)
    services.park_progress_add(actor=w.inspector, item=item, percent=60, note="土建完成")
    with pytest.raises(DomainError, match="不能低于上次填报的 60%"):
        services.park_progress_add(actor=w.inspector, item=item, percent=40, note="x")
    with pytest.raises(Conflict):
        services.park_progress_add(actor=w.inspector, item=stale, percent=40, note="旧页面")
    item.refresh_from_db()
    assert (item.percent, ParkProgress.objects.count()) == (60, 1)


def test_park_progress_is_not_dated_in_the_future_nor_before_the_last_report(w, login):
    """Rule: a progress report is dated on or before the day it is made, and not before the previous report."""
    item = _item(w)
    with pytest.raises(DomainError, match="进展日期不能晚于今天"):
        services.park_progress_add(actor=w.inspector, item=item, percent=30, note="x",
                                   on=today() + dt.timedelta(days=1))
    response = login(w.inspector).post(f"/assistance/parks/items/{item.pk}/progress/", {
        "percent": "30", "note": "x", "on": (today() + dt.timedelta(days=5)).isoformat()}, follow=True)
    assert "进展日期不能晚于今天" in response.content.decode()
    services.park_progress_add(actor=w.inspector, item=item, percent=30, note="方案编制",
                               on=today() - dt.timedelta(days=5))
    item.refresh_from_db()
    with pytest.raises(DomainError, match="进展日期不能早于上次填报的"):
        services.park_progress_add(actor=w.inspector, item=item, percent=50, note="x",
                                   on=today() - dt.timedelta(days=6))
    assert list(ParkProgress.objects.values_list("on", "percent")) == [(today() - dt.timedelta(days=5), 30)]


def test_park_item_status_moves_on_the_engine_with_one_timeline(w, login):
    """Rule: a park item's status changes only by declared actions (progress, complete at 100 %), each on its
    timeline; a completed item takes no more reports and its page offers no report form."""
    item = _item(w)
    services.park_progress_add(actor=w.inspector, item=item, percent=50, note="一半")
    services.park_progress_add(actor=w.inspector, item=item, percent=100, note="完成")
    item = ParkRemediationItem.objects.get(pk=item.pk)
    assert (item.status, item.percent, item.version) == ("done", 100, 2)
    assert [(h.action, h.to_state) for h in item.history().order_by("id")] == [
        ("create", "open"), ("progress", "in_progress"), ("complete", "done")]
    with pytest.raises(DomainError, match="当前状态为「已完成」"):
        services.park_progress_add(actor=w.inspector, item=item, percent=100, note="再报")
    assert park_item_workflow.available(item, w.inspector) == []
    page = login(w.inspector).get(f"/assistance/parks/items/{item.pk}/").content.decode()
    assert "办理过程" in page and "填报进展" in page and 'name="percent"' not in page
    assert login(w.other_inspector).get(f"/assistance/parks/items/{item.pk}/").status_code == 404
    other = services.park_item_create(actor=w.inspector, park=item.park, checklist_item=checklist("TH-10", "有消防设施"),
                                      title="应急救援",
                                      responsible="管委会", deadline=today())
    with pytest.raises(DomainError, match="不在您的管辖范围内"):  # another county's officer
        services.park_progress_add(actor=w.other_inspector, item=other, percent=10, note="x")
