"""Journey: a person registers for an exam online, the officer records a passing score, the certificate is issued and
anyone can verify it by the code of its 2-D code (measures I.8, III.10, I.1)."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.certificates.models import Certificate
from bureau.training import services
from bureau.training.models import JobType, Registration
from tests.factories import PASSWORD, city_bureau, make_user, valid_id_number

pytestmark = pytest.mark.django_db(transaction=True)


def test_exam_registration_result_certificate_verification(page, live_server, signed_in):
    officer = make_user("exam_officer", roles=["licensing_officer"], organisation=city_bureau(), real_name="审批科 李明")
    make_user("candidate", roles=["individual"], real_name="周晓燕", id_number=valid_id_number(),
              phone="13712345678")
    plan = services.plan_create(actor=officer, job_type=JobType.objects.get(code="elec_low"),
                                exam_date=dt.date.today(), venue="运城市安全生产培训考试中心", capacity=30,
                                registration_closes=dt.date.today(), region_id="140800")

    signed_in("candidate", PASSWORD)
    page.goto(f"{live_server.url}/training/")
    assert "低压电工作业" in page.inner_text("main")
    page.click("td a.btn:has-text(\"报名\")")
    assert page.input_value("#id_name") == "周晓燕"
    page.click("button:has-text('提交报名')")
    page.wait_for_url("**/training/mine/")
    ticket = Registration.objects.get(plan=plan).ticket_no
    assert ticket in page.inner_text("main")

    page.context.clear_cookies()
    signed_in("exam_officer", PASSWORD)
    page.goto(f"{live_server.url}/training/manage/{plan.pk}/")
    page.fill("input[name=score]", "91")
    page.click("text=录入")
    page.wait_for_load_state("networkidle")
    assert "合格，已发证" in page.inner_text("main")

    cert = Certificate.objects.get(holder_name="周晓燕")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/certificates/verify/")
    page.fill("#id_code", cert.verify_code)
    page.click("button:has-text('核验')")
    page.wait_for_load_state("networkidle")
    text = page.inner_text("main")
    assert "证书真实有效" in text and "周*燕" in text and "特种作业操作证" in text
    assert cert.holder_id_number not in text
    api = page.request.get(f"{live_server.url}/api/v1/certificates/verify/{cert.verify_code}").json()
    assert api["valid"] is True and api["holder_name"] == "周*燕"
    forged = page.request.get(f"{live_server.url}/api/v1/certificates/verify/{'Q' * 32}")
    assert forged.status == 404
