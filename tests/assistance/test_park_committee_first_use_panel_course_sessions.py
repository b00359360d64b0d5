"""Issue 16 points 4–6: the park committee's account, the province's checklist and project-admission reviews (III.3);
first-use materials, panel, conclusion PDF and the licensing link (III.4); courses co-organised with the
human-resources bureau, attendance per session, validated trainee identity and the certificate (III.7)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bureau.accounts.models import OrganisationKind
from bureau.assistance import services
from bureau.assistance.models import (
    CourseSession,
    Enrolment,
    FirstUseProcess,
    ParkAdmission,
    ParkChecklistItem,
    ParkProgress,
    ParkRemediationItem,
    SessionAttendance,
)
from bureau.enterprises.models import ChemicalPark, Enterprise
from bureau.kernel import documents
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.models import Attachment, Document
from tests.assistance.factories import (
    ID_NUMBER,
    checklist,
    course,
    expert,
    hazchem_enterprise,
    materials,
    park,
    pdf,
    today,
)
from tests.factories import OrganisationFactory, make_user, messages_of

pytestmark = pytest.mark.django_db


def _committee(p: ChemicalPark, code: str = "PK-1") -> Any:
    org = OrganisationFactory(code=code, name=f"{p.name}管理委员会", kind=OrganisationKind.DEPARTMENT,
                              region_id=p.region_id)
    ChemicalPark.objects.filter(pk=p.pk).update(committee=org)
    p.refresh_from_db()
    return make_user(roles=["park_committee"], organisation=org, real_name="管委会 张立军")


def _photo(name: str = "卡口.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"\x89PNG\r\n\x1a\n" + b"0" * 64, content_type="image/png")


def _two_parks(w):
    mine = park("140802")
    other = ChemicalPark.objects.create(code="T-2", name="另一化工园区", region_id="140802")
    return mine, other


def _item(w, p, code="TH-06"):
    return services.park_item_create(actor=w.inspector, park=p, checklist_item=checklist(code), responsible="管委会",
                                     deadline=today() + dt.timedelta(days=30))


# -- chemical parks (III.3) ------------------------------------------------------------------------------------


def test_park_committee_reports_progress_with_a_file_on_its_own_park_only(w, login):
    """Rule (measure III.3): the park's management committee reports its own park's remediation, with files;
    another park's item is not found; it does not register items (the bureau does, from the checklist)."""
    mine, other = _two_parks(w)
    committee = _committee(mine)
    item, foreign = _item(w, mine), _item(w, other)
    client = login(committee)
    assert client.get("/assistance/parks/")["Location"] == f"/assistance/parks/{mine.pk}/"  # its one park
    client.post(f"/assistance/parks/items/{item.pk}/progress/",
                {"percent": "40", "note": "卡口安装调试", "next": "item", "files": [_photo(), pdf("验收记录.pdf")]})
    progress = ParkProgress.objects.get()
    files = services.progress_files(item)[progress.pk]
    assert (progress.percent, progress.actor_name) == (40, "管委会 张立军")
    assert sorted(a.original_name for a in files) == ["卡口.png", "验收记录.pdf"]
    page = client.get(f"/assistance/parks/items/{item.pk}/").content.decode()
    download = reverse("attachment_download", args=[files[0].pk])
    assert "验收记录.pdf" in page and download in page
    assert client.get(download).status_code == 200
    assert login(w.other_inspector).get(download).status_code == 404
    assert client.get(f"/assistance/parks/items/{foreign.pk}/").status_code == 404
    assert client.get(f"/assistance/parks/{other.pk}/").status_code == 404
    with pytest.raises(DomainError):  # another park's item: not visible to the committee
        services.park_progress_add(actor=committee, item=foreign, percent=10, note="x")
    with pytest.raises(PermissionDenied):
        services.park_item_create(actor=committee, park=mine, checklist_item=checklist("TH-08"), responsible="x",
                                  deadline=today())
    assert 'name="checklist_item"' not in client.get(f"/assistance/parks/{mine.pk}/").content.decode()


def test_park_committee_workbench_lists_its_own_open_items_overdue_first(w, login):
    """Rule (measure III.3): the committee's 我的待办 lists its own park's remediation items not yet done, the earliest
    完成时限 first and past ones as overdue; another park's items and finished ones are not there."""
    mine, other = _two_parks(w)
    committee = _committee(mine)
    soon, late, done = _item(w, mine, "TH-06"), _item(w, mine, "TH-07"), _item(w, mine, "TH-08")
    ParkRemediationItem.objects.filter(pk=late.pk).update(deadline=today() - dt.timedelta(days=3))
    ParkRemediationItem.objects.filter(pk=done.pk).update(status=ParkRemediationItem.Status.DONE, percent=100)
    foreign = _item(w, other, "TH-09")
    page = login(committee).get("/").content.decode()
    first, second = page.find(f"/assistance/parks/items/{late.pk}/"), page.find(f"/assistance/parks/items/{soon.pk}/")
    assert -1 < first < second and "已超期" in page
    assert f"/assistance/parks/items/{done.pk}/" not in page
    assert f"/assistance/parks/items/{foreign.pk}/" not in page


def test_progress_files_are_checked_before_anything_is_written(w):
    """Rule: a refused file (type by content) refuses the whole report: no progress, no attachment."""
    mine, _ = _two_parks(w)
    item = _item(w, mine)
    fake = SimpleUploadedFile("照片.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(DomainError, match="内容与扩展名不符"):
        services.park_progress_add(actor=w.inspector, item=item, percent=20, note="x", files=[fake])
    item.refresh_from_db()
    assert (item.percent, ParkProgress.objects.count(), Attachment.objects.count()) == (0, 0, 0)


def test_park_committee_sees_its_parks_enterprises_and_nothing_else(w, login):
    """Rule (measure III.3): the committee's scope is its park: the enterprises in it, not the county's others."""
    mine, other = _two_parks(w)
    committee = _committee(mine)
    inside = [hazchem_enterprise() for _ in range(2)]
    Enterprise.objects.filter(pk__in=[e.pk for e in inside]).update(chemical_park=mine)
    outside = hazchem_enterprise()
    Enterprise.objects.filter(pk=outside.pk).update(chemical_park=other)
    assert set(Enterprise.objects.restrict(committee).values_list("pk", flat=True)) == {e.pk for e in inside}
    page = login(committee).get(f"/assistance/parks/{mine.pk}/").content.decode()
    assert all(e.name in page for e in inside) and outside.name not in page and w.enterprise.name not in page
    answer = login(committee).get(f"/api/v1/assistance/parks/enterprises?park_id={mine.pk}").json()
    assert {row["id"] for row in answer} == {e.pk for e in inside}
    assert login(committee).get(f"/api/v1/assistance/parks/enterprises?park_id={other.pk}").status_code == 404
    # the county's inspector sees the same park with its enterprises
    officer_page = login(w.inspector).get(f"/assistance/parks/{mine.pk}/").content.decode()
    assert all(e.name in officer_page for e in inside)


def test_items_come_from_the_checklist_and_a_past_deadline_is_refused_through_the_api(w, login):
    """Rule: a park item is a row of the province's checklist (data with source); its deadline is not in the past
    (2020-01-01 was accepted before)."""
    mine, _ = _two_parks(w)
    row = checklist("TH-06")
    client = login(w.inspector)
    url = f"/api/v1/assistance/parks/{mine.pk}/items"
    r = client.post(url, {"checklist_code": "TH-06", "responsible": "管委会", "deadline": "2020-01-01"},
                    content_type="application/json")
    assert r.status_code == 400 and r.json()["detail"] == "完成时限不能早于今天"
    r = client.post(url, {"checklist_code": "NOPE", "responsible": "管委会", "deadline": today().isoformat()},
                    content_type="application/json")
    assert r.status_code == 400 and "清单" in r.json()["detail"]
    r = client.post(url, {"checklist_code": "TH-06", "responsible": "管委会", "deadline": today().isoformat()},
                    content_type="application/json")
    assert r.status_code == 201 and r.json()["checklist_code"] == "TH-06" and r.json()["title"] == row.title
    item = ParkRemediationItem.objects.get()
    assert (item.checklist_item, item.source) == (row, row.source[:200])
    r = client.post(url, {"checklist_code": "TH-06", "responsible": "管委会", "deadline": today().isoformat()},
                    content_type="application/json")
    assert r.status_code == 400 and "尚未完成" in r.json()["detail"]  # the same row once while it is open
    page = client.post(f"/assistance/parks/{mine.pk}/", {"checklist_item": row.pk, "responsible": "管委会",
                                                         "deadline": "2020-01-01"}).content.decode()
    assert "完成时限不能早于今天" in page and ParkRemediationItem.objects.count() == 1


def test_the_checklist_migration_seeds_ten_haves_and_two_bans_with_their_source(db):
    """Rule as data: the province's checklist (十有两禁) is seeded with its source and effective date."""
    migration = importlib.import_module("bureau.assistance.migrations.0005_park_checklist_seed")
    ParkChecklistItem.objects.all().delete()
    migration.seed(django_apps, None)
    rows = list(ParkChecklistItem.objects.all())
    assert [r.group for r in rows].count("ten_haves") == 10 and [r.group for r in rows].count("two_bans") == 2
    assert all("十有两禁" in r.source and "晋安办发〔2022〕104号" in r.source for r in rows)


def test_project_admission_is_recorded_by_the_committee_or_the_bureau_only_for_its_park(w, login):
    """Rule (measure III.3): project-admission reviews (项目引进安全审查) are recorded for the park by its committee or
    the officers of its region; dated on or before today; another park's committee and another county answer 404."""
    mine, other = _two_parks(w)
    committee = _committee(mine)
    stranger = _committee(other, code="PK-2")
    data = {"project": "电子级氢氟酸项目", "investor": "运城盐湖新材料科技有限公司", "products": "氢氟酸",
            "key_processes": "氟化工艺", "reviewed_on": today().isoformat(), "conclusion": "conditional",
            "opinion": "须设置安全仪表系统", "reviewers": "园区安全部"}
    client = login(committee)
    r = client.post(f"/assistance/parks/{mine.pk}/admissions/",
                    data | {"reviewed_on": (today() + dt.timedelta(days=1)).isoformat()}, follow=True)
    assert "审查日期不能晚于今天" in messages_of(r)
    client.post(f"/assistance/parks/{mine.pk}/admissions/", data)
    r = client.post(f"/assistance/parks/{mine.pk}/admissions/", data, follow=True)
    assert "已登记" in messages_of(r) and ParkAdmission.objects.count() == 1  # the same review once
    assert login(stranger).post(f"/assistance/parks/{mine.pk}/admissions/", data).status_code == 404
    with pytest.raises(NotFound):
        services.park_admission_record(actor=w.other_inspector, park=mine, **data | {"reviewed_on": today()})
    api = login(w.inspector).post(f"/api/v1/assistance/parks/{mine.pk}/admissions",
                                  data | {"project": "另一项目", "conclusion": "refused"},
                                  content_type="application/json")
    assert api.status_code == 201 and api.json()["conclusion_label"] == "不同意引进"
    listed = login(committee).get(f"/api/v1/assistance/parks/admissions?park_id={mine.pk}").json()
    assert {row["project"] for row in listed} == {"电子级氢氟酸项目", "另一项目"}


def test_park_lists_answer_within_their_query_budget(w, login, django_assert_max_num_queries):
    mine, _ = _two_parks(w)
    committee = _committee(mine)
    for code in ("TH-01", "TH-02", "TH-03"):
        _item(w, mine, code)
    client = login(committee)
    with django_assert_max_num_queries(20):
        assert client.get(f"/assistance/parks/{mine.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert len(client.get(f"/api/v1/assistance/parks/items?park_id={mine.pk}").json()) == 3


# -- first-use processes (III.4) -------------------------------------------------------------------------------


def _province():
    org = OrganisationFactory(code="SX-YJT", name="山西省应急管理厅", kind=OrganisationKind.PROVINCE, region_id=None)
    return make_user(roles=["department"], organisation=org)


def _forwarded(w):
    x = services.first_use_create(actor=w.owner, process_name="微通道硝化", project="中间体项目", description="硝化")
    materials(x, w.owner)
    services.first_use_transition(actor=w.owner, item=x, action="submit")
    services.first_use_transition(actor=w.head, item=x, action="forward", note="报送")
    return FirstUseProcess.objects.get(pk=x.pk)


def test_first_use_is_submitted_only_with_its_three_materials(w, login):
    """Rule (measure III.4): the demonstration rests on the 论证报告, the 中试数据 and the reaction-hazard assessment;
    the enterprise uploads them while the request is its draft, and submits only when all three are there."""
    x = services.first_use_create(actor=w.owner, process_name="微通道硝化", project="中间体项目", description="硝化")
    with pytest.raises(DomainError, match="请先上传安全可靠性论证报告、中试数据、反应安全风险评估报告"):
        services.first_use_transition(actor=w.owner, item=x, action="submit")
    with pytest.raises(DomainError, match="类型不允许"):
        services.first_use_upload(actor=w.owner, item=x, purpose="report", files=[_photo()])
    with pytest.raises(PermissionDenied):
        services.first_use_upload(actor=w.inspector, item=x, purpose="report", files=[pdf()])
    client = login(w.owner)
    client.post(f"/assistance/first-use/{x.pk}/upload/", {"purpose": "report", "files": [pdf("论证报告.pdf")]})
    r = client.post(f"/assistance/first-use/{x.pk}/", {"action": "submit"}, follow=True)
    assert "请先上传中试数据、反应安全风险评估报告" in messages_of(r)
    api = client.post(f"/api/v1/assistance/first-use/{x.pk}/materials/pilot", {"files": [pdf("中试.pdf")]})
    assert api.status_code == 201 and api.json()["materials"] == {"report": 1, "pilot": 1, "reaction": 0}
    client.post(f"/assistance/first-use/{x.pk}/upload/", {"purpose": "reaction", "files": [pdf("评估.pdf")]})
    client.post(f"/assistance/first-use/{x.pk}/", {"action": "submit"})
    x.refresh_from_db()
    assert x.state == "submitted"
    with pytest.raises(DomainError, match="已提交的申请不能再上传材料"):
        services.first_use_upload(actor=w.owner, item=x, purpose="report", files=[pdf()])


def test_enterprise_form_shows_no_province_fields(w, login):
    """The enterprise submits with a button: the officers' note and the province's meeting day are not its fields."""
    x = services.first_use_create(actor=w.owner, process_name="微通道硝化", project="中间体项目", description="硝化")
    materials(x, w.owner)
    page = login(w.owner).get(f"/assistance/first-use/{x.pk}/").content.decode()
    assert 'value="submit"' in page and 'name="meeting_on"' not in page and 'name="note"' not in page
    assert 'name="purpose"' in page  # its own fields: the materials
    forwarded = _forwarded(w)
    province = _province()
    province_page = login(province).get(f"/assistance/first-use/{forwarded.pk}/").content.decode()
    assert 'name="leader"' in province_page and 'name="purpose"' not in province_page
    panel = [expert(f"专家{i}", user=False) for i in range(5)]
    services.first_use_panel(actor=province, item=forwarded, experts=panel, leader=panel[0])
    province_page = login(province).get(f"/assistance/first-use/{forwarded.pk}/").content.decode()
    assert 'name="meeting_on"' in province_page and 'value="pass"' in province_page


def test_first_use_panel_recusal_size_and_the_conclusion_document(w, login, monkeypatch):
    """Rule (measure III.4): the province concludes on the opinion of a panel with its leader, of at least the
    rule's size (assistance.first_use_panel_min), without experts who have an interest in the enterprise; the
    conclusion is a stored document naming the panel and the project's licensing review."""
    specs: list[Any] = []
    monkeypatch.setattr(documents, "render_pdf", lambda spec: specs.append(spec) or b"%PDF-1.4 stub")
    x = _forwarded(w)
    province = _province()
    panel = [expert(f"专家{i}", user=False) for i in range(5)]
    conflicted = expert("顾问", user=False, conflicts=(w.enterprise,))
    with pytest.raises(DomainError, match="请先组成论证专家组"):
        services.first_use_transition(actor=province, item=x, action="pass", note="通过", meeting_on=today())
    with pytest.raises(DomainError, match="不少于 5 人"):
        services.first_use_panel(actor=province, item=x, experts=panel[:4], leader=panel[0])
    with pytest.raises(DomainError, match="应当回避"):
        services.first_use_panel(actor=province, item=x, experts=[*panel[:4], conflicted], leader=panel[0])
    with pytest.raises(PermissionDenied):
        services.first_use_panel(actor=w.owner, item=x, experts=panel, leader=panel[0])
    r = login(province).post(f"/api/v1/assistance/first-use/{x.pk}/panel",
                             {"expert_ids": [e.pk for e in panel], "leader_id": panel[2].pk},
                             content_type="application/json")
    assert r.status_code == 200 and r.json()["panel"][0] == "专家2（组长）"
    r = login(province).post(f"/api/v1/assistance/first-use/{x.pk}/actions/pass",
                             {"note": "安全可靠，同意使用", "meeting_on": today().isoformat()},
                             content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "passed" and r.json()["conclusion_document_id"]
    document = Document.objects.get(kind="first_use_conclusion")
    spec = specs[-1]
    text = " ".join(str(getattr(b, "text", "")) + " ".join(map(str, getattr(b, "rows", [])))
                    for b in spec.blocks)
    assert spec.authority == "山西省应急管理厅" and "专家2" in text and "安全可靠，同意使用" in text
    assert login(w.owner).get(reverse("document_download", args=[document.pk])).status_code == 200


def test_first_use_links_the_projects_licensing_review(w, login):
    """The request names the licensing application (建设项目安全审查) of its project: only the enterprise's own."""
    from bureau.licensing.models import PermitItem
    from bureau.licensing.reference import seed_items
    from tests.factories import county_bureau
    from tests.licensing.conftest import application_submit, files_for

    seed_items()
    county_bureau("140802", "盐湖区应急管理局")
    item = PermitItem.objects.prefetch_related("materials").get(code="hazchem_operation")
    application = application_submit(actor=w.owner, item=item, files=files_for(item))
    with pytest.raises(DomainError, match="没有该编号的本企业办件"):
        services.first_use_create(actor=w.owner, process_name="p", project="q", description="d",
                                  licensing_number="SP-NOPE")
    client = login(w.owner)
    client.post("/assistance/first-use/", {"process_name": "微通道硝化", "project": "中间体项目",
                                           "description": "硝化", "licensing_number": application.number})
    x = FirstUseProcess.objects.get()
    assert x.licensing_application == application
    page = client.get(f"/assistance/first-use/{x.pk}/").content.decode()
    assert application.number in page and f"/licensing/{application.pk}/" in page


# -- work-injury courses (III.7) -------------------------------------------------------------------------------


def _hrss():
    org = OrganisationFactory(code="YC-D-RS", name="运城市人力资源和社会保障局", kind=OrganisationKind.DEPARTMENT,
                              region_id=None)
    return org, make_user(roles=["department"], organisation=org, real_name="人社局 何丽")


def _course_with_sessions(w, org=None):
    c = course(capacity=10)
    c.co_organiser = org
    c.save()
    s1 = services.course_session_add(actor=w.inspector, course=c, on=c.starts_on, topic="工伤保险政策", hours=8)
    s2 = services.course_session_add(actor=w.inspector, course=c, on=c.ends_on, topic="应急处置演练", hours=8)
    return c, [s1, s2]


def _enrol(w, c, name="李丽", id_number=ID_NUMBER):
    return services.course_enrol(actor=w.owner, course=c, trainee_name=name, post="safety_manager",
                                 phone="13935901234", id_number=id_number)


def _hold(c, sessions, days_ago=1):
    """Move the course and its sessions into the past (the last session `days_ago` days ago)."""
    first = today() - dt.timedelta(days=days_ago + 1)
    type(c).objects.filter(pk=c.pk).update(starts_on=first, ends_on=first + dt.timedelta(days=1),
                                           enrol_closes_on=first)
    CourseSession.objects.filter(pk=sessions[0].pk).update(on=first)
    CourseSession.objects.filter(pk=sessions[1].pk).update(on=first + dt.timedelta(days=1))
    for s in sessions:
        s.refresh_from_db()
    c.refresh_from_db()


def test_trainee_id_number_and_phone_are_validated(w, login):
    """Rule: the trainee's ID number passes the GB 11643 check digit and the phone is a mobile number
    (「abcdefg」 was accepted); nothing is saved on a refusal."""
    c = course(capacity=5)
    bad_digit = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    with pytest.raises(DomainError, match="校验位错误"):
        _enrol(w, c, id_number=bad_digit)
    with pytest.raises(DomainError, match="手机号码应为11位"):
        services.course_enrol(actor=w.owner, course=c, trainee_name="李丽", post="principal", phone="abcdefg",
                              id_number=ID_NUMBER)
    page = login(w.owner).post(f"/assistance/courses/{c.pk}/", {"trainee_name": "李丽", "post": "principal",
                                                                 "phone": "abcdefg", "id_number": ID_NUMBER})
    assert "手机号码应为11位" in page.content.decode() and not Enrolment.objects.exists()
    api = login(w.owner).post(f"/api/v1/assistance/courses/{c.pk}/enrolments",
                              {"trainee_name": "李丽", "post": "principal", "phone": "13935901234",
                               "id_number": "140802198001011234"}, content_type="application/json")
    assert api.status_code == 400 and not Enrolment.objects.exists()


def test_id_number_is_masked_except_to_the_trainee_themself(w, login):
    """Rule (privacy): the ID number is shown masked on every page and answer, in full only to its holder."""
    c = course(capacity=5)
    e = _enrol(w, c)
    masked = e.id_number_masked
    assert masked != ID_NUMBER and "*" in masked
    for user in (w.owner, w.inspector):
        page = login(user).get(f"/assistance/enrolments/{e.pk}/").content.decode()
        assert ID_NUMBER not in page and masked in page
    assert ID_NUMBER not in login(w.inspector).get(f"/assistance/courses/{c.pk}/").content.decode()
    api = login(w.inspector).get(f"/api/v1/assistance/courses/enrolments?course_id={c.pk}").json()
    assert api[0]["id_number"] == masked
    holder = make_user(roles=["individual"], real_name="李丽", id_number=ID_NUMBER)
    assert ID_NUMBER in login(holder).get(f"/assistance/enrolments/{e.pk}/").content.decode()
    assert "工伤预防培训第一期" in login(holder).get("/assistance/courses/").content.decode()
    other = make_user(roles=["individual"], id_number=ID_NUMBER[:16] + "0" + "X")
    assert login(other).get(f"/assistance/enrolments/{e.pk}/").status_code == 404


def test_attendance_per_session_and_completion_only_after_the_last_session(w, login):
    """Rule (measure III.7): attendance is recorded per session with its hours, not before the session; the
    certificate only after the last session (one was issued 40 days before the course) and only to a trainee
    who attended every session."""
    c, sessions = _course_with_sessions(w)
    e = _enrol(w, c)
    with pytest.raises(DomainError, match="上课前不能登记出勤"):
        services.session_attendance(actor=w.inspector, session=sessions[0], enrolment=e, present=True)
    e.refresh_from_db()
    with pytest.raises(DomainError):  # 40 days before the course: nothing attended, nothing held
        services.course_certify(actor=w.inspector, enrolment=e)
    _hold(c, sessions, days_ago=0)  # the last session is today
    e = Enrolment.objects.get(pk=e.pk)
    services.session_attendance(actor=w.inspector, session=sessions[0], enrolment=e, present=True, hours=8)
    e = Enrolment.objects.get(pk=e.pk)
    with pytest.raises(DomainError, match="1 次课未出勤"):
        services.course_certify(actor=w.inspector, enrolment=e)
    with pytest.raises(DomainError, match="出勤学时应在 1—8 之间"):
        services.session_attendance(actor=w.inspector, session=sessions[1], enrolment=e, present=True, hours=9)
    services.session_attendance(actor=w.inspector, session=sessions[1], enrolment=e, present=True, hours=6)
    e = Enrolment.objects.get(pk=e.pk)
    with pytest.raises(DomainError, match="出勤 14 学时，未达到课程的 16 学时"):
        services.course_certify(actor=w.inspector, enrolment=e)
    login(w.inspector).post(f"/assistance/sessions/{sessions[1].pk}/attendance/",
                            {f"present_{e.pk}": "1", f"hours_{e.pk}": "8"})
    assert SessionAttendance.objects.get(session=sessions[1]).hours == 8
    CourseSession.objects.create(course=c, on=today() + dt.timedelta(days=1), topic="补充课", hours=0)
    e = Enrolment.objects.get(pk=e.pk)
    with pytest.raises(DomainError, match="最后一次课在"):
        services.course_certify(actor=w.inspector, enrolment=e)
    CourseSession.objects.filter(topic="补充课").delete()
    services.course_certify(actor=w.inspector, enrolment=Enrolment.objects.get(pk=e.pk))
    assert Enrolment.objects.get(pk=e.pk).status == "certified"


def test_session_attendance_form_is_all_or_nothing(w, login):
    """Rule: one session's attendance form is saved whole or not at all (a refused line refuses the form)."""
    c, sessions = _course_with_sessions(w)
    first, second = _enrol(w, c), _enrol(w, c, name="王五")
    _hold(c, sessions)
    r = login(w.inspector).post(f"/assistance/sessions/{sessions[0].pk}/attendance/", {
        f"present_{first.pk}": "1", f"hours_{first.pk}": "8", f"present_{second.pk}": "1",
        f"hours_{second.pk}": "99"}, follow=True)
    assert "王五" in messages_of(r) and not SessionAttendance.objects.exists()


def test_the_co_organiser_records_attendance_and_seals_the_certificate(w, login, monkeypatch):
    """Rule (measure III.7: with the human-resources bureau): the co-organiser's own account sees its courses'
    trainees (no other course's), records attendance, and its seal is on the certificate beside the bureau's."""
    specs: list[Any] = []
    monkeypatch.setattr(documents, "render_pdf", lambda spec: specs.append(spec) or b"%PDF-1.4 stub")
    org, hrss = _hrss()
    c, sessions = _course_with_sessions(w, org)
    other_course, _ = _course_with_sessions(w)
    e, stranger = _enrol(w, c), _enrol(w, other_course)
    assert list(Enrolment.objects.restrict(hrss)) == [e]
    client = login(hrss)
    assert client.get(f"/assistance/enrolments/{stranger.pk}/").status_code == 404
    assert client.get(f"/assistance/courses/{other_course.pk}/").status_code == 404
    _hold(c, sessions)
    for s in sessions:
        client.post(f"/assistance/sessions/{s.pk}/attendance/", {f"present_{e.pk}": "1", f"hours_{e.pk}": "8"})
    api = client.post(f"/api/v1/assistance/courses/enrolments/{e.pk}/certify")
    assert api.status_code == 200 and api.json()["status"] == "certified" and api.json()["hours_attended"] == 16
    signatures = [b for b in specs[-1].blocks if isinstance(b, documents.Signature)]
    assert [s.authority for s in signatures] == ["运城市应急管理局", "运城市人力资源和社会保障局"]
    assert all(s.seal for s in signatures)


def _line_text(line: Any) -> str:
    # ReportLab's lines: (space, [text]) for one-frag paragraphs, else a line object whose words are frags
    return "".join(map(str, line[1])) if isinstance(line, tuple) else "".join(f.text for f in line.words)


def test_certificate_text_keeps_punctuation_off_the_start_of_a_line(w, monkeypatch, real_pdf):
    """The certificate's text is laid out so that no line starts with a comma (「，完成全部课程」 did): every
    paragraph is wrapped as the document engine wraps it and checked line by line; the PDF itself renders."""
    specs: list[Any] = []
    real = documents.render_pdf
    monkeypatch.setattr(documents, "render_pdf", lambda spec: specs.append(spec) or real(spec))
    c, sessions = _course_with_sessions(w)
    type(c).objects.filter(pk=c.pk).update(title="危险化学品企业重点人员工伤预防能力提升培训（第一期）" * 2)
    e = _enrol(w, c)
    _hold(c, sessions)
    for s in sessions:
        services.session_attendance(actor=w.inspector, session=s, enrolment=Enrolment.objects.get(pk=e.pk),
                                    present=True)
    services.course_certify(actor=w.inspector, enrolment=Enrolment.objects.get(pk=e.pk))
    documents._ensure_font()
    style = documents._styles()["body_indent"]
    width = documents.A4[0] - 50 * documents.mm
    lines = []
    for block in specs[-1].blocks:
        if isinstance(block, documents.Para):
            paragraph = documents._para(block.text, style)
            paragraph.wrap(width, 2000)
            lines += [_line_text(line) for line in paragraph.blPara.lines]
    assert lines and not [line for line in lines if line[:1] in "，。、；：）"]
    assert "完成全部课程" in "".join(lines)
    pdf_bytes = Document.objects.get(kind="course_certificate").file.open("rb").read()
    assert pdf_bytes.startswith(b"%PDF-") and b"/ToUnicode" in pdf_bytes


def test_course_pages_answer_within_their_query_budget(w, login, django_assert_max_num_queries):
    c, sessions = _course_with_sessions(w)
    for k in range(4):
        _enrol(w, c, name=f"学员{k}")
    _hold(c, sessions)
    client = login(w.inspector)
    with django_assert_max_num_queries(40):
        assert client.get(f"/assistance/courses/{c.pk}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert len(client.get(f"/api/v1/assistance/courses/enrolments?course_id={c.pk}").json()) == 4
