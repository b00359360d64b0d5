"""Journey: a person registers for an exam online, the officer passes the 资格初审, records a passing score and
publishes the results, the certificate is issued and anyone can verify it by the code of its 2-D code (measures I.8,
III.10, I.1)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from bureau.certificates.models import Certificate
from bureau.training import services
from bureau.training.models import JobType, Registration
from tests.factories import city_bureau, make_user, valid_id_number

pytestmark = pytest.mark.django_db(transaction=True)


def test_exam_registration_result_certificate_verification(page, live_server, sign_in):
    officer = make_user("exam_officer", roles=["licensing_officer"], organisation=city_bureau(), real_name="审批科 李明")
    make_user("candidate", roles=["individual"], real_name="周晓燕", id_number=valid_id_number(),
              phone="13712345678")
    plan = services.plan_create(actor=officer, job_type=JobType.objects.get(code="elec_low"),
                                exam_date=dt.date.today(), venue="运城市安全生产培训考试中心", capacity=30,
                                registration_closes=dt.date.today(), region_id="140800")

    sign_in("candidate")
    page.goto(f"{live_server.url}/training/")
    expect(page.locator("main")).to_contain_text("低压电工作业")
    page.click("td a.btn:has-text(\"报名\")")
    expect(page.locator("#id_name")).to_have_value("周晓燕")
    page.select_option("#id_education", "senior")
    page.click("button:has-text('提交报名')")
    expect(page).to_have_url(re.compile(r"/training/mine/$"))
    ticket = Registration.objects.get(plan=plan).ticket_no
    expect(page.locator("main .ticket")).to_have_text(ticket)

    sign_in("exam_officer")
    page.goto(f"{live_server.url}/training/registrations/{Registration.objects.get(plan=plan).pk}/")
    page.click("button:has-text('资格初审通过')")
    expect(page.locator("main")).to_contain_text("报名成功")
    page.goto(f"{live_server.url}/training/manage/{plan.pk}/")
    page.fill("input[name=score]", "91")
    page.click("text=录入")
    expect(page.locator("main")).to_contain_text("91.0 分，合格")
    page.click("button:has-text('发布成绩并结束')")
    expect(page.locator("main")).to_contain_text("成绩已发布")

    cert = Certificate.objects.get(holder_name="周晓燕")
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/certificates/verify/")
    page.fill("#id_code", cert.verify_code)
    page.click("button:has-text('核验')")
    result = page.locator("main")
    expect(result).to_contain_text("证书真实有效")
    expect(result).to_contain_text("周*燕")
    expect(result).to_contain_text("特种作业操作证")
    expect(result).not_to_contain_text(cert.holder_id_number)
    api = page.request.get(f"{live_server.url}/api/v1/certificates/verify/{cert.verify_code}").json()
    assert api["valid"] is True and api["holder_name"] == "周*燕"
    forged = page.request.get(f"{live_server.url}/api/v1/certificates/verify/{'Q' * 32}")
    assert forged.status == 404
