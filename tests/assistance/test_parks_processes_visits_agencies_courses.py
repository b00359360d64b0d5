"""Chemical parks (III.3), first-use processes (III.4), observation visits (III.5), safety-evaluation agencies
(II.9) and work-injury prevention courses (III.7): each use case and each refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from bureau.assistance import services
from bureau.assistance.models import (
    AgencyReport,
    Enrolment,
    FirstUseProcess,
    ObservationSignup,
    ParkProgress,
    ParkRemediationItem,
)
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import Document
from tests.assistance.factories import (
    ID_NUMBER,
    agency,
    batch,
    checklist,
    course,
    expert,
    hazchem_enterprise,
    held,
    materials,
    park,
    report_pdf,
    today,
)
from tests.factories import EnterpriseFactory, make_user, messages_of

pytestmark = pytest.mark.django_db


# -- chemical parks ---------------------------------------------------------------------------------------------

def test_park_items_and_progress_over_http(w, login):
    p = park("140802")
    client = login(w.inspector)
    client.post(f"/assistance/parks/{p.pk}/", {"checklist_item": checklist().pk, "title": "建设卡口", "responsible": "管委会",
                                               "deadline": (today() + dt.timedelta(days=30)).isoformat()})
    item = ParkRemediationItem.objects.get()
    client.post(f"/assistance/parks/items/{item.pk}/progress/", {"percent": "60", "note": "土建完成"})
    r = client.post(f"/assistance/parks/items/{item.pk}/progress/", {"percent": "40", "note": "x"}, follow=True)
    assert "不能低于上次填报的 60%" in messages_of(r)
    r = client.post(f"/assistance/parks/items/{item.pk}/progress/", {"percent": "101", "note": "x"}, follow=True)
    assert "0—100" in messages_of(r)
    client.post(f"/assistance/parks/items/{item.pk}/progress/", {"percent": "100", "note": "完成"})
    item.refresh_from_db()
    assert (item.percent, item.status, ParkProgress.objects.count()) == (100, "done", 2)
    assert client.get("/assistance/parks/").context["parks"][0].n_done == 1


def test_park_of_another_county_answers_404(w, login):
    p = park("140821")
    assert login(w.inspector).get(f"/assistance/parks/{p.pk}/").status_code == 404
    assert login(w.owner).get("/assistance/parks/").status_code == 404


# -- first-use processes ---------------------------------------------------------------------------------------

def test_first_use_process_flow_to_the_province(w, login):
    from bureau.accounts.models import OrganisationKind
    from tests.factories import OrganisationFactory

    province = make_user(roles=["department"], organisation=OrganisationFactory(
        code="SX-YJT", name="山西省应急管理厅", kind=OrganisationKind.PROVINCE, region_id=None))
    login(w.owner).post("/assistance/first-use/", {"process_name": "微通道硝化", "project": "中间体项目",
                                                    "description": "硝化反应，已完成中试"})
    x = FirstUseProcess.objects.get()
    assert x.state == "draft"
    assert login(province).get(f"/assistance/first-use/{x.pk}/").status_code == 404  # not yet submitted
    materials(x, w.owner)
    login(w.owner).post(f"/assistance/first-use/{x.pk}/", {"action": "submit"})
    login(w.head).post(f"/assistance/first-use/{x.pk}/", {"action": "forward", "note": "报送"})
    client = login(province)
    panel = [expert(f"专家{i}", user=False) for i in range(5)]
    client.post(f"/assistance/first-use/{x.pk}/panel/", {"experts": [e.pk for e in panel], "leader": panel[0].pk})
    r = client.post(f"/assistance/first-use/{x.pk}/", {"action": "pass", "note": "通过"}, follow=True)
    assert "论证会日期" in messages_of(r)
    client.post(f"/assistance/first-use/{x.pk}/", {"action": "pass", "note": "安全可靠，同意使用",
                                                   "meeting_on": today().isoformat()})
    x.refresh_from_db()
    assert (x.state, x.conclusion, x.meeting_on) == ("passed", "安全可靠，同意使用", today())


def test_first_use_enterprise_cannot_forward(w):
    x = services.first_use_create(actor=w.owner, process_name="p", project="q", description="d")
    materials(x, w.owner)
    services.first_use_transition(actor=w.owner, item=x, action="submit")
    with pytest.raises(PermissionDenied):
        services.first_use_transition(actor=w.owner, item=x, action="forward")


# -- observation visits ----------------------------------------------------------------------------------------

def test_observation_signup_capacity_and_attendance(w, login):
    owner = make_user(roles=["enterprise"], enterprise=hazchem_enterprise())
    other = make_user(roles=["enterprise"], enterprise=hazchem_enterprise())
    b = batch(pilot=hazchem_enterprise(), capacity=1)
    login(owner).post(f"/assistance/observations/{b.pk}/signup/", {"attendees": "张三"})
    r = login(other).post(f"/assistance/observations/{b.pk}/signup/", {"attendees": "李四"}, follow=True)
    assert "名额已满" in messages_of(r)
    assert ObservationSignup.objects.count() == 1
    signup = ObservationSignup.objects.get()
    held(b)  # attendance is recorded on or after the visit day
    login(w.inspector).post(f"/assistance/observations/signups/{signup.pk}/attendance/", {"attended": "1"})
    signup.refresh_from_db()
    assert signup.attended is True


def test_observation_is_for_hazchem_producers_and_closes(w):
    b = batch(pilot=hazchem_enterprise(), capacity=5)
    trade = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(industry="metallurgy_trade"))
    with pytest.raises(DomainError, match="危险化学品生产企业"):
        services.observation_signup(actor=trade, batch=b, attendees="x")
    b.signup_closes_on = today() - dt.timedelta(days=1)
    producer = make_user(roles=["enterprise"], enterprise=hazchem_enterprise())
    with pytest.raises(DomainError, match="报名已截止"):
        services.observation_signup(actor=producer, batch=b, attendees="x")


# -- safety-evaluation agencies --------------------------------------------------------------------------------

def test_agency_files_a_report_and_spot_check_writes_credit(w, login):
    a, user, staff = agency()
    client = login(user)
    assert client.get("/assistance/agencies/")["Location"] == f"/assistance/agencies/{a.pk}/"
    data = {"enterprise": w.enterprise.uscc, "kind": "status", "report_number": "R-1", "title": "现状评价报告",
            "issued_on": today().isoformat(), "conclusion": "符合", "signers": [staff[0].pk]}
    r = client.post(f"/assistance/agencies/{a.pk}/", {**data, "file": report_pdf()})
    assert "至少两名" in r.content.decode()
    client.post(f"/assistance/agencies/{a.pk}/", {**data, "signers": [staff[0].pk, staff[1].pk], "file": report_pdf()})
    report = AgencyReport.objects.get()
    login(w.inspector).post(f"/assistance/reports/{report.pk}/spot-check/", {"result": "serious", "findings": ""})
    assert not report.spot_checks.exists()  # findings required for a failing result
    login(w.inspector).post(f"/assistance/reports/{report.pk}/spot-check/",
                            {"result": "serious", "findings": "现场未勘查即出具报告"})
    assert services.agency_credit(a) == 80  # base 100, serious −20 (rules as data)
    assert login(w.other_inspector).post(f"/assistance/reports/{report.pk}/spot-check/",
                                         {"result": "qualified"}).status_code == 404


def test_report_refused_outside_qualification_or_with_foreign_signers(w):
    a, user, staff = agency()
    kwargs = dict(enterprise=w.enterprise, kind="pre", report_number="R-9", title="t", conclusion="c",
                  file=report_pdf())
    a.qualification_valid_until = today() - dt.timedelta(days=1)
    a.save()
    with pytest.raises(DomainError, match="资质有效期"):
        services.report_file(actor=user, issued_on=today(), signers=staff[:2], **kwargs)
    a.qualification_valid_until = today() + dt.timedelta(days=10)
    a.save()
    staff[1].active = False
    staff[1].save()
    with pytest.raises(DomainError, match="在职评价人员"):
        services.report_file(actor=user, issued_on=today(), signers=staff[:2], **kwargs)
    with pytest.raises(PermissionDenied):
        services.report_file(actor=w.owner, issued_on=today(), signers=staff[:2], **kwargs)
    assert not AgencyReport.objects.exists()


# -- work-injury prevention courses ----------------------------------------------------------------------------

def test_course_enrolment_capacity_attendance_and_certificate(w, login, real_pdf):
    c = course(capacity=1)
    client = login(w.owner)  # the world's enterprise deals in hazardous chemicals (factory default)
    client.post(f"/assistance/courses/{c.pk}/", {"trainee_name": "李丽", "post": "safety_manager",
                                                 "phone": "13912345678", "id_number": ID_NUMBER})
    r = client.post(f"/assistance/courses/{c.pk}/", {"trainee_name": "王五", "post": "team_leader",
                                                     "phone": "13912345679", "id_number": ID_NUMBER})
    assert "名额已满" in r.content.decode()
    enrolment = Enrolment.objects.get()
    assert "139****5678" in client.get(f"/assistance/courses/{c.pk}/").content.decode()
    held(c)  # attendance on or after the first day, the certificate on or after the last
    login(w.inspector).post(f"/assistance/enrolments/{enrolment.pk}/attendance/", {"attended": "1"})
    login(w.inspector).post(f"/assistance/enrolments/{enrolment.pk}/certify/")
    enrolment.refresh_from_db()
    assert enrolment.attended and enrolment.certificate_number.startswith("GSYF")
    doc = Document.objects.get()
    assert doc.kind == "course_certificate" and doc.file.open("rb").read(5) == b"%PDF-"
    assert client.get(reverse("document_download", args=[doc.pk])).status_code == 200  # the enterprise's own
    with pytest.raises(DomainError, match="已出具结业证明"):  # attendance is final once certified
        services.course_attendance(actor=w.inspector, enrolment=enrolment, attended=False)


def test_course_is_for_hazchem_enterprises(w):
    c = course(capacity=5)
    trade = make_user(roles=["enterprise"], enterprise=EnterpriseFactory(industry="metallurgy_trade"))
    with pytest.raises(DomainError, match="危险化学品企业"):
        services.course_enrol(actor=trade, course=c, trainee_name="x", post="principal", phone="13935901234",
                             id_number=ID_NUMBER)
    services.course_enrol(actor=w.owner, course=c, trainee_name="同名", post="principal", phone="13935901234",
                             id_number=ID_NUMBER)
    with pytest.raises(DomainError, match="已报名"):
        services.course_enrol(actor=w.owner, course=c, trainee_name="同名", post="principal", phone="13935901234",
                             id_number=ID_NUMBER)
    assert Enrolment.objects.count() == 1


def test_other_county_cannot_mark_attendance(w, login):
    c = course(capacity=5)
    e = services.course_enrol(actor=w.owner, course=c, trainee_name="x", post="principal", phone="13935901234",
                             id_number=ID_NUMBER)
    assert login(w.other_inspector).post(f"/assistance/enrolments/{e.pk}/attendance/",
                                         {"attended": "1"}).status_code == 404


def test_officers_set_up_batches_and_courses_with_date_checks(w, login):
    from bureau.assistance.models import Course, ObservationBatch, ObservationPilot

    pilot = hazchem_enterprise()
    ObservationPilot.objects.create(enterprise=pilot, designated_on=today(), source="省应急管理厅试点企业名单")
    client = login(w.inspector)
    visit = (today() + dt.timedelta(days=20)).isoformat()
    data = {"title": "第三批观摩", "pilot": pilot.uscc, "visit_on": visit, "mode": "video", "capacity": "10",
            "signup_closes_on": (today() + dt.timedelta(days=30)).isoformat()}
    r = client.post("/assistance/observations/", data)
    assert "报名截止不能晚于观摩日期" in r.content.decode() and not ObservationBatch.objects.exists()
    client.post("/assistance/observations/", {**data, "signup_closes_on": visit})
    assert ObservationBatch.objects.get().pilot == pilot
    course_data = {"title": "第三期", "partner": "市人社局", "starts_on": visit, "hours": "8", "location": "培训中心",
                   "capacity": "30", "enrol_closes_on": visit}
    client.post("/assistance/courses/", course_data)
    assert Course.objects.get().capacity == 30
    assert login(w.owner).post("/assistance/courses/", {**course_data, "title": "企业自开"}).status_code == 200
    assert Course.objects.count() == 1


def test_who_creates_which_record_is_declared_on_the_models(w):
    """Rule: who creates the records of proactive service is declared once on each model (Authority change /
    party_changes) and the services ask it (require_change): the officers arrange courses and visits, the
    enterprise enrols, signs up and prepares a first-use demonstration for itself, and not the other way round."""
    from bureau.accounts.authority import changes_kind
    from bureau.assistance.models import Course, Enrolment, FirstUseProcess, ObservationBatch, ObservationSignup

    for model in (Course, ObservationBatch):
        assert changes_kind(w.inspector, model) and not changes_kind(w.owner, model)
    for model in (Enrolment, ObservationSignup, FirstUseProcess):
        assert changes_kind(w.owner, model) and not changes_kind(w.inspector, model)
    with pytest.raises(PermissionDenied, match="无权维护首次使用化工工艺论证"):
        services.first_use_create(actor=w.inspector, process_name="p", project="q", description="d")
    with pytest.raises(PermissionDenied, match="无权维护工伤预防培训班"):
        services.course_create(actor=w.owner, title="t", partner="", starts_on=today(), hours=8, location="l",
                               capacity=10, enrol_closes_on=today())
