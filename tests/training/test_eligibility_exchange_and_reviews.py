"""Exams that cannot be faked (issue 15 point 7): 资格初审 by rules as data, results and certificates only from the
exam day, the exchange with the province, the 准考证, online 复审/延期换证 applications. Service-level; one HTTP
test per new page or endpoint for validation and scope."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import Workbook, load_workbook

from bureau.accounts.services import api_token_issue
from bureau.certificates import services as certificate_services
from bureau.certificates.models import Certificate
from bureau.kernel.errors import Conflict, DomainError
from bureau.training import rules, services
from bureau.training.models import EligibilityRule, ExamPlan, JobType, Registration, ReviewApplication
from tests.certificates.factories import person_certificate
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_id_number, make_user, valid_id_number

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
NOTICE = "晋应急培〔2026〕12号"


@pytest.fixture
def clerk(db):
    return make_user("exam_clerk3", roles=["licensing_officer"], organisation=city_bureau())


def _plan(clerk, job="elec_low", *, exam_date=TODAY, capacity=5, **kw):
    if JobType.objects.get(code=job).run_by == "province":
        kw.setdefault("provincial_note", "省厅统一考试")
        kw.setdefault("provincial_notice_no", NOTICE)
    return services.plan_create(actor=clerk, job_type=JobType.objects.get(code=job), exam_date=exam_date,
                                venue="考试中心", capacity=capacity, registration_closes=TODAY, region_id="140800",
                                **kw)


def _register(plan, *, id_number=None, education="senior", **kw):
    return services.registration_create(actor=kw.pop("actor", None), plan=plan, name=kw.pop("name", "赵强"),
                                        id_number=id_number or valid_id_number(), phone="13812345678",
                                        education=education, **kw)


def _xlsx(header, rows):
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_eligibility_rules_are_data_with_sources_checked_at_registration(clerk):
    """Rule: 特种作业人员安全技术培训考核管理规定 第4条 (age 18 to retirement, education), 安全生产法 第27条 and
    生产经营单位安全培训规定 第6条 (a 煤矿企业主要负责人 works for a coal mine): rows of data with their source,
    checked when the candidate registers."""
    coal_rule = EligibilityRule.objects.get(job_type__code="principal_coal")
    assert coal_rule.employer_industries == ["coal"] and "第27条" in coal_rule.source
    assert "第4条" in EligibilityRule.objects.get(job_type__code="elec_low").source
    coal = _plan(clerk, "principal_coal")
    with pytest.raises(DomainError, match="工作单位") as nothing:
        _register(coal)
    assert nothing.value.code == "ineligible"
    chemical = EnterpriseFactory(industry="hazchem_operation")
    with pytest.raises(DomainError, match="只接受煤矿企业"):
        _register(coal, employer_uscc=chemical.uscc)
    mine = EnterpriseFactory(industry="coal")
    reg = _register(coal, employer_uscc=mine.uscc)
    assert (reg.status, reg.employer, reg.enterprise_name) == ("pending_review", mine, mine.name)
    young = make_id_number(f"140802{TODAY.year - 17}0101123")
    with pytest.raises(DomainError, match="年满18周岁"):
        _register(_plan(clerk), id_number=young)
    with pytest.raises(DomainError, match="高中或相当于高中"):  # 危险化学品特种作业: 第4条第2款
        _register(_plan(clerk, "hazchem_hydrogenation"), education="junior")
    EligibilityRule.objects.create(job_type=JobType.objects.get(code="elec_low"), min_age=18, max_age=60,
                                   min_education="college", source="测试：新规", effective_from=TODAY)
    with pytest.raises(DomainError, match="大专及以上"):  # the row in force on the day applies
        _register(_plan(clerk))


def test_pre_review_passes_into_a_seat_or_the_waiting_list_or_returns_with_reasons(clerk):
    """Rule: 资格初审 by exam staff: pass (a seat, else the waiting list) or return with reasons told to the
    candidate, who may then register again; a pending registration holds no seat."""
    plan = _plan(clerk, capacity=1)
    first, second, third = _register(plan), _register(plan), _register(plan)
    assert ExamPlan.objects.get(pk=plan.pk).registered_count == 0
    assert services.registration_approve(actor=clerk, registration=first).status == "registered"
    assert services.registration_approve(actor=clerk, registration=second).status == "waitlisted"
    with pytest.raises(DomainError, match="退回理由"):
        services.registration_return(actor=clerk, registration=third, reasons=" ")
    services.registration_return(actor=clerk, registration=third, reasons="身份证复印件不清晰")
    third = Registration.objects.get(pk=third.pk)
    assert (third.status, third.review_note) == ("returned", "身份证复印件不清晰")
    again = _register(plan, id_number=third.id_number)  # returned: a new registration is allowed
    assert again.status == "pending_review"
    outsider = make_user(roles=["licensing_officer"], organisation=county_bureau("140821"))
    with pytest.raises(DomainError):
        services.registration_approve(actor=outsider, registration=again)


def test_no_result_before_the_exam_day_and_no_certificate_dated_after_today(clerk):
    """Rule: a result exists only from the exam day (code exam_not_held), scores stay internal until 「发布成绩」,
    and no certificate is dated after today."""
    plan = _plan(clerk, exam_date=TODAY + dt.timedelta(days=30))
    reg = services.registration_approve(actor=clerk, registration=_register(plan))
    with pytest.raises(DomainError) as refused:
        services.result_record(actor=clerk, registration=reg, score=90)
    assert refused.value.code == "exam_not_held" and Registration.objects.get(pk=reg.pk).score is None
    with pytest.raises(DomainError) as future:
        certificate_services.personnel_certificate_from_exam(
            actor=clerk, type_code="special_operation", holder_name="赵强", holder_id_number=reg.id_number,
            holder_phone="13812345678", scope_text="电工作业", issuing_authority="运城市应急管理局",
            exam_date=TODAY + dt.timedelta(days=30), region_id="140800", source=reg, note="")
    assert future.value.code == "exam_not_held" and not Certificate.objects.exists()
    assert rules.certificate_date_refusal(TODAY + dt.timedelta(days=1), TODAY)
    assert rules.exam_held_refusal(TODAY, TODAY) is None


def test_province_exchange_export_receipts_and_results(clerk):
    """Rule (measures I.8, I.9): a province-run plan carries the province's notice number; registrants who passed
    资格初审 are exported in the province's format and marked sent; the receipt file is checked row by row
    (Chinese errors, nothing changed), previewed, and applied once on confirmation."""
    with pytest.raises(DomainError, match="通知文号"):
        _plan(clerk, "mine_blasting", provincial_notice_no="晋应急培〔2026〕号")
    plan = _plan(clerk, "mine_blasting")
    a, b = (services.registration_approve(actor=clerk, registration=_register(plan, education="junior"))
            for _ in range(2))
    filename, rows = services.province_export(actor=clerk, plan=plan)
    assert filename.endswith(".xlsx") and [r[1] for r in rows] == sorted([a.ticket_no, b.ticket_no])
    assert rows[0][4] in (a.id_number, b.id_number) and rows[0][-1] == NOTICE
    assert set(Registration.objects.filter(plan=plan).values_list("transmission", flat=True)) == {"sent"}
    header = ["报名编号", "身份证号", "接收状态", "退回原因", "成绩"]
    bad = services.province_import_preview(actor=clerk, plan=plan, filename="r.xlsx", data=_xlsx(header, [
        [a.ticket_no, valid_id_number(), "已接收", "", ""], [b.ticket_no, b.id_number, "退回", "", ""],
        ["X9", "", "已接收", "", ""]]))
    assert {(e["row"], e["column"]) for e in bad.errors} == {(2, "身份证号"), (3, "退回原因"), (4, "报名编号")}
    with pytest.raises(DomainError, match="有错误"):
        services.province_import_confirm(actor=clerk, batch=bad)
    good = services.province_import_preview(actor=clerk, plan=plan, filename="r.xlsx", data=_xlsx(header, [
        [a.ticket_no, a.id_number, "已接收", "", 86], [b.ticket_no, b.id_number, "退回", "培训证明缺失", ""]]))
    assert not good.errors and Registration.objects.get(pk=a.pk).transmission == "sent"  # a preview changes nothing
    assert services.province_import_confirm(actor=clerk, batch=good) == 2
    a, b = Registration.objects.get(pk=a.pk), Registration.objects.get(pk=b.pk)
    assert (a.transmission, a.score, b.transmission, b.transmission_note) == ("received", 86, "rejected", "培训证明缺失")
    with pytest.raises(Conflict):
        services.province_import_confirm(actor=clerk, batch=good)
    city = _plan(clerk)
    with pytest.raises(DomainError, match="无需报送"):
        services.province_export(actor=clerk, plan=city)


def test_admission_ticket_carries_the_identity_name_not_the_account_label(clerk):
    """Rule: the name printed on the 准考证 and the certificate is the name on the ID card: an account label such as
    「个人 谢春燕」 is refused, and the platform offers the name it holds for the ID number."""
    assert rules.person_name_refusal("个人 谢春燕") and rules.person_name_refusal("谢春燕") is None
    assert rules.person_name_refusal("阿依古丽·买买提") is None
    person = make_user(roles=["individual"], real_name="个人 谢春燕", id_number=valid_id_number(), phone="13612345678")
    assert services.identity_name(person) == ""
    person_certificate(name="谢春燕", id_number=person.id_number)
    assert services.identity_name(person) == "谢春燕"
    plan = _plan(clerk)
    with pytest.raises(DomainError, match="居民身份证"):
        _register(plan, actor=person, id_number=person.id_number, name="个人 谢春燕")
    reg = _register(plan, actor=person, id_number=person.id_number, name=services.identity_name(person))
    with pytest.raises(DomainError, match="资格初审通过"):
        services.admission_ticket(actor=person, registration=reg)
    reg = services.registration_approve(actor=clerk, registration=reg)
    document = services.admission_ticket(actor=person, registration=reg)
    assert document.file.read(4) == b"%PDF" and document.kind == "admission_ticket"
    assert services.admission_ticket(actor=clerk, registration=reg).pk == document.pk  # rendered once


def test_holder_applies_for_review_with_the_training_hours_the_rule_asks(clerk):
    """Rule (measure III.8): the holder applies online for the 复审 the reminder announced; the training hours are
    checked against the rule (特种作业人员安全技术培训考核管理规定 第23条: ≥ 8 学时, data); the officer decides,
    refusing with reasons; approval records the passed review on the certificate."""
    person = make_user(roles=["individual"], id_number=valid_id_number())
    card = person_certificate(id_number=person.id_number, valid_from=TODAY - dt.timedelta(days=3 * 365 - 30))
    assert card.action_kind == "periodic_review"
    assert certificate_services.reminder_url(card, "periodic_review") == f"/training/reviews/?certificate={card.pk}"
    args = {"kind": "periodic_review", "training_provider": "运城市安全生产培训中心", "training_finished_on": TODAY}
    with pytest.raises(DomainError, match="培训学时不足"):
        services.review_apply(actor=person, certificate=card, training_hours=6, **args)
    stranger = make_user(roles=["individual"], id_number=valid_id_number())
    with pytest.raises(DomainError, match="不是您本人"):
        services.review_apply(actor=stranger, certificate=card, training_hours=8, **args)
    application = services.review_apply(actor=person, certificate=card, training_hours=8, **args)
    with pytest.raises(DomainError, match="待审核"):
        services.review_apply(actor=person, certificate=card, training_hours=8, **args)
    with pytest.raises(DomainError, match="理由"):
        services.review_decide(actor=clerk, application=application, approve=False)
    services.review_decide(actor=clerk, application=application, approve=True)
    assert ReviewApplication.objects.get(pk=application.pk).status == "approved"
    card = Certificate.objects.get(pk=card.pk)  # the next review would fall on the end of validity: 延期换证 then
    assert card.next_review_due is None and card.history().filter(action="periodic_review").exists()
    assert rules.overdue_days(TODAY - dt.timedelta(days=3), TODAY) == 3 and rules.overdue_days(TODAY, TODAY) == 0


def _signed_in(user):
    """A client of its own per user (the `login` fixture signs one shared client in)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
    return client


def test_training_pages_validate_and_keep_to_scope(clerk):
    """HTTP: 资格初审 (return needs reasons), the 准考证, the province export/import preview/confirm, and the 复审
    pages answer only within the user's scope (another person or county: 404) and refuse bad input."""
    plan = _plan(clerk, "mine_blasting")
    person = make_user(roles=["individual"], real_name="孙丽", id_number=valid_id_number(), phone="13612345678")
    reg = _register(plan, actor=person, id_number=person.id_number, name="孙丽", education="junior")
    staff = _signed_in(clerk)
    staff.post(f"/training/registrations/{reg.pk}/return", {"reasons": ""})
    assert Registration.objects.get(pk=reg.pk).status == "pending_review"
    other = _signed_in(make_user(roles=["individual"], id_number=valid_id_number()))
    assert other.post(f"/training/registrations/{reg.pk}/approve").status_code == 404
    assert other.get(f"/training/registrations/{reg.pk}/ticket.pdf").status_code == 404
    staff.post(f"/training/registrations/{reg.pk}/approve")
    assert Registration.objects.get(pk=reg.pk).status == "registered"
    candidate = _signed_in(person)
    response = candidate.get(f"/training/registrations/{reg.pk}/ticket.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    county = _signed_in(make_user(roles=["licensing_officer"], organisation=county_bureau("140821")))
    assert county.post(f"/training/manage/{plan.pk}/province/export").status_code == 404
    export = staff.post(f"/training/manage/{plan.pk}/province/export")
    sheet = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    assert [c.value for c in sheet[1]][:3] == ["序号", "报名编号", "姓名"] and sheet.cell(2, 2).value == reg.ticket_no
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = _xlsx(["报名编号", "身份证号", "接收状态"], [[reg.ticket_no, reg.id_number, "已接收"]])
    response = staff.post(f"/training/manage/{plan.pk}/province/import", {"file": SimpleUploadedFile("r.xlsx", data)})
    preview = response["Location"]
    assert "确认导入 1 行" in staff.get(preview).content.decode()
    assert county.get(preview).status_code == 404
    staff.post(preview)
    assert Registration.objects.get(pk=reg.pk).transmission == "received"
    card = person_certificate(id_number=person.id_number, valid_from=TODAY - dt.timedelta(days=3 * 365 - 30))
    page = candidate.post("/training/reviews/", {"certificate": card.pk, "kind": "periodic_review",
                                                 "training_hours": "4", "training_provider": "培训中心",
                                                 "training_finished_on": TODAY.isoformat(), "years_in_trade": 2})
    assert "培训学时不足" in page.content.decode() and not ReviewApplication.objects.exists()
    assert candidate.get("/training/reviews/manage/").status_code in (302, 403, 404)
    candidate.post("/training/reviews/", {"certificate": card.pk, "kind": "periodic_review", "training_hours": "8",
                                          "training_provider": "培训中心", "training_finished_on": TODAY.isoformat(),
                                          "years_in_trade": 2})
    application = ReviewApplication.objects.get()
    assert county.post(f"/training/reviews/{application.pk}/decide", {"decision": "approve"}).status_code == 404
    staff.post(f"/training/reviews/{application.pk}/decide", {"decision": "refuse", "note": ""})
    assert ReviewApplication.objects.get().status == "submitted"
    assert card.number in staff.get("/training/reviews/manage/").content.decode()


def test_training_api_plans_registrations_results_and_reviews(clerk, client):
    """API (paths kept stable): GET plans (id, exam_on), GET a plan's registrations (id), POST a result (staff;
    400 exam_not_held before the exam day), 复审 applications; tokens need the data set's scope."""
    future = _plan(clerk, exam_date=TODAY + dt.timedelta(days=30))
    reg = services.registration_approve(actor=clerk, registration=_register(future))
    _t, raw = api_token_issue(actor=None, user=clerk, name="考试系统",
                              scopes=["exam_plans:read", "exam_registrations:read", "exam_registrations:write",
                                      "review_applications:read"])
    _r, read_only = api_token_issue(actor=None, user=clerk, name="只读", scopes=["exam_plans:read"])
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    plans = client.get("/api/v1/training/plans", **bearer).json()
    assert {"id": future.pk, "exam_on": future.exam_date.isoformat()}.items() <= plans[0].items()
    regs = client.get(f"/api/v1/training/plans/{future.pk}/registrations", **bearer).json()
    assert [r["id"] for r in regs] == [reg.pk] and regs[0]["id_number_masked"] != reg.id_number
    assert client.get(f"/api/v1/training/plans/{future.pk}/registrations",
                      HTTP_AUTHORIZATION=f"Bearer {read_only}").status_code == 403
    url = f"/api/v1/training/plans/{future.pk}/results"
    r = client.post(url, {"registration_id": reg.pk, "score": 90}, content_type="application/json", **bearer)
    assert r.status_code == 400 and r.json()["code"] == "exam_not_held"
    r = client.post(url, {"registration_id": reg.pk, "score": "x"}, content_type="application/json", **bearer)
    assert r.status_code == 400
    today = _plan(clerk)
    held = services.registration_approve(actor=clerk, registration=_register(today))
    r = client.post(f"/api/v1/training/plans/{today.pk}/results", {"registration_id": held.pk, "score": 88},
                    content_type="application/json", **bearer)
    assert r.status_code == 200 and r.json()["score"] == "88.0"
    r = client.post(f"/api/v1/training/plans/{today.pk}/results", {"registration_id": reg.pk, "score": 88},
                    content_type="application/json", **bearer)
    assert r.status_code == 404  # a registration of another plan
    county = make_user(roles=["licensing_officer"], organisation=county_bureau("140821"))
    _c, county_raw = api_token_issue(actor=None, user=county, name="县局", scopes=["exam_registrations:read"])
    assert client.get(f"/api/v1/training/plans/{future.pk}/registrations",
                      HTTP_AUTHORIZATION=f"Bearer {county_raw}").json() == []
    assert client.get("/api/v1/training/review-applications", **bearer).json() == []
    person = make_user(roles=["individual"], id_number=valid_id_number())
    card = person_certificate(id_number=person.id_number, valid_from=TODAY - dt.timedelta(days=3 * 365 - 30))
    client.force_login(person)
    body = {"certificate_id": card.pk, "kind": "periodic_review", "training_hours": 8,
            "training_provider": "培训中心", "training_finished_on": TODAY.isoformat()}
    created = client.post("/api/v1/training/review-applications", body, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "submitted"
    client.force_login(clerk)
    decided = client.post(f"/api/v1/training/review-applications/{created.json()['id']}/decision",
                          {"approve": False, "note": "培训证明不清晰"}, content_type="application/json")
    assert decided.status_code == 200 and decided.json()["status"] == "refused"
