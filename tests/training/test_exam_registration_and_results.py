"""Training and exams (I.8, I.9, III.10): plans, capacity, waiting list, no double registration, results, lookup."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from bureau.accounts.models import User
from bureau.certificates.models import Certificate
from bureau.kernel.errors import DomainError
from bureau.training import services
from bureau.training.models import ExamPlan, JobType, Registration
from tests.factories import city_bureau, county_bureau, make_user, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


@pytest.fixture
def clerk(db):
    return make_user("exam_clerk", roles=["licensing_officer"], organisation=city_bureau())


def _plan(clerk, capacity=2, job="elec_low", **kw):
    return services.plan_create(actor=clerk, job_type=JobType.objects.get(code=job), exam_date=TODAY,
                                venue="考试中心", capacity=capacity, registration_closes=TODAY, region_id="140800",
                                **kw)


def _register(plan, id_number=None, name="赵强"):
    """A registration that passed 资格初审 (the city's exam clerk approves it)."""
    reg = services.registration_create(actor=None, plan=plan, name=name, id_number=id_number or valid_id_number(),
                                       phone="13812345678", education="senior")
    return services.registration_approve(actor=User.objects.get(username="exam_clerk"), registration=reg)


def _publish(clerk, plan):
    return services.plan_finish(actor=clerk, plan=ExamPlan.objects.get(pk=plan.pk))


def test_province_run_job_types_need_the_provincial_arrangement(clerk):
    """Rule (measures I.8, I.9): a province-run plan carries the provincial arrangement and a complete notice
    number (「晋应急培〔2026〕号」 without its sequence is refused)."""
    with pytest.raises(DomainError, match="省应急管理厅"):
        _plan(clerk, job="hazchem_hydrogenation")
    with pytest.raises(DomainError, match="通知文号"):
        _plan(clerk, job="principal_coal", provincial_note="省厅12月统一考试", provincial_notice_no="晋应急培〔2026〕号")
    plan = _plan(clerk, job="principal_coal", provincial_note="省厅12月统一考试",
                 provincial_notice_no="晋应急培〔2026〕12号")
    assert plan.run_by == "province"


def test_capacity_waiting_list_and_promotion_on_cancel(clerk):
    plan = _plan(clerk, capacity=2)
    a, b, c = _register(plan), _register(plan), _register(plan)
    assert [r.status for r in (a, b, c)] == ["registered", "registered", "waitlisted"]
    services.registration_cancel(actor=clerk, registration=a)
    assert Registration.objects.get(pk=c.pk).status == "registered"
    assert ExamPlan.objects.get(pk=plan.pk).registered_count == 2


def test_no_double_registration(clerk):
    plan = _plan(clerk)
    number = valid_id_number()
    _register(plan, number)
    with pytest.raises(DomainError, match="不能重复报名"):
        _register(plan, number.lower())
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(DomainError, match="校验位"):
        _register(plan, bad)


def test_closed_registration_is_refused(clerk):
    plan = _plan(clerk)
    ExamPlan.objects.filter(pk=plan.pk).update(registration_closes=TODAY - dt.timedelta(days=1))
    plan.refresh_from_db()
    with pytest.raises(DomainError, match="截止"):
        _register(plan)


def test_passing_issues_a_certificate_and_passing_again_renews_it(clerk):
    """Rule: publishing the results issues the passed candidate's certificate, dated from the exam (never after
    today); passing again renews the holder's certificate instead of issuing a second one."""
    number = valid_id_number()
    first = _register(_plan(clerk), number, name="钱多多")
    done = services.result_record(actor=clerk, registration=first, score="86")
    assert done.passed and done.certificate is None  # nothing issued before 「发布成绩」
    with pytest.raises(DomainError, match="重复录入"):
        services.result_record(actor=clerk, registration=Registration.objects.get(pk=first.pk), score="90")
    _publish(clerk, first.plan)
    cert = Registration.objects.get(pk=first.pk).certificate
    assert cert.type.code == "special_operation" and cert.scope_text == "电工作业 / 低压电工作业"
    assert cert.issued_on == TODAY and cert.current_status() == "valid"
    second = _register(_plan(clerk), number, name="钱多多")
    services.result_record(actor=clerk, registration=second, score=95)
    _publish(clerk, second.plan)
    assert Certificate.objects.filter(holder_name="钱多多").count() == 1
    assert Certificate.objects.get().history().filter(action="renewal").exists()


def test_failing_issues_nothing_and_bad_scores_are_refused(clerk):
    reg = _register(_plan(clerk))
    with pytest.raises(DomainError, match="0—100"):
        services.result_record(actor=clerk, registration=reg, score="120")
    done = services.result_record(actor=clerk, registration=reg, score="79.5")
    _publish(clerk, reg.plan)
    assert done.passed is False and not Certificate.objects.exists()


def test_another_county_cannot_record_results(clerk):
    reg = _register(_plan(clerk))
    outsider = make_user(roles=["licensing_officer"], organisation=county_bureau("140821"))
    with pytest.raises(DomainError):
        services.result_record(actor=outsider, registration=reg, score=90)


def _results(rows):
    wb = Workbook()
    ws = wb.active
    ws.append(["准考证号", "身份证号", "成绩"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_results_import_is_all_or_nothing(clerk, login):
    plan = _plan(clerk, capacity=5)
    regs = [_register(plan) for _ in range(3)]
    rows = [[r.ticket_no, r.id_number, 90] for r in regs]
    count, errors = services.results_import(actor=clerk, plan=plan, data=_results(rows[:2] + [["X1", "", 80],
                                                                                               [regs[2].ticket_no, "", "九十"]]))
    assert count == 0 and {(e["row"], e["column"]) for e in errors} == {(4, "准考证号"), (5, "成绩")}
    assert not Registration.objects.filter(score__isnull=False).exists()
    response = login(clerk).post(f"/training/manage/{plan.pk}/import",
                                 {"file": _upload(_results(rows))}, follow=True)
    assert "已导入 3 条成绩" in response.content.decode()
    _publish(clerk, plan)
    assert Certificate.objects.count() == 3


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("scores.xlsx", data)


def test_score_lookup_needs_ticket_and_id_and_shows_scores_only_once_published(client, clerk):
    """Rule (measure III.10): the public lookup needs the ticket and the ID number, and shows the score only after
    「发布成绩」."""
    reg = _register(_plan(clerk))
    services.result_record(actor=clerk, registration=reg, score=88)
    page = client.post("/training/scores/", {"ticket_no": reg.ticket_no, "id_number": valid_id_number()}).content.decode()
    assert "未查询到成绩" in page
    page = client.post("/training/scores/", {"ticket_no": reg.ticket_no, "id_number": reg.id_number}).content.decode()
    assert "成绩尚未公布" in page and "88.0" not in page
    assert services.score_lookup(ticket_no=reg.ticket_no, id_number=reg.id_number).score is None
    _publish(clerk, reg.plan)
    page = client.post("/training/scores/", {"ticket_no": reg.ticket_no, "id_number": reg.id_number}).content.decode()
    assert "88.0" in page and "合格" in page


def test_public_plan_list_marks_provincial_plans(client, clerk):
    _plan(clerk, job="mine_blasting", provincial_note="省厅2027年1月考试", provincial_notice_no="晋应急培〔2026〕12号")
    page = client.get("/training/").content.decode()
    assert "省厅组织" in page and "省厅2027年1月考试" in page and "晋应急培〔2026〕12号" in page


def test_register_over_http_and_cancel(login, clerk):
    plan = _plan(clerk, capacity=1)
    person = make_user(roles=["individual"], real_name="孙丽", id_number=valid_id_number(), phone="13612345678")
    client = login(person)
    client.post(f"/training/plans/{plan.pk}/register", {"name": "孙丽", "id_number": person.id_number,
                                                        "phone": "13612345678", "education": "senior"})
    reg = Registration.objects.get(user=person)
    again = client.post(f"/training/plans/{plan.pk}/register", {"name": "孙丽", "id_number": person.id_number,
                                                                "phone": "13612345678", "education": "senior"}
                        ).content.decode()
    assert "不能重复报名" in again
    assert reg.ticket_no in client.get("/training/mine/").content.decode()
    client.post(f"/training/registrations/{reg.pk}/cancel")
    assert Registration.objects.get(pk=reg.pk).status == "cancelled"


def test_plan_form_over_http_refuses_a_provincial_plan_without_its_arrangement(login, clerk):
    client = login(clerk)
    data = {"job_type": JobType.objects.get(code="mine_blasting").pk, "exam_date": TODAY.isoformat(),
            "registration_closes": TODAY.isoformat(), "venue": "太原", "capacity": 10, "region": "140800",
            "provincial_note": ""}
    page = client.post("/training/manage/new/", data).content.decode()
    assert "省应急管理厅组织考试" in page and not ExamPlan.objects.exists()
    data["provincial_note"] = "省厅2027年1月统一考试"
    data["provincial_notice_no"] = "晋应急培〔2026〕12号"
    response = client.post("/training/manage/new/", data)
    plan = ExamPlan.objects.get()
    assert response.status_code == 302 and plan.run_by == "province"
    outsider = make_user(roles=["individual"])
    assert login(outsider).get(f"/training/manage/{plan.pk}/").status_code == 404
