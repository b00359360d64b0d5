"""Kiosk printing (I.10), mailing (III.10) and the Excel import of existing certificates."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook

from bureau.certificates import services
from bureau.certificates.models import Certificate, KioskTerminal, MailingRequest, PrintLog
from bureau.kernel.models import Notification, OutboundMessage
from tests.certificates.factories import person_certificate
from tests.factories import city_bureau, county_bureau, make_user, valid_id_number

pytestmark = pytest.mark.django_db


@pytest.fixture
def terminal(db):
    return KioskTerminal.objects.create(code="ZZ-01", name="大厅终端", region_id="140800")


def _last_code(outbox: list[tuple[str, str]]) -> str:
    """Rule: the kiosk's code reaches the phone but is never kept in clear (the stored copy is redacted)."""
    code = re.search(r"验证码为 (\d{6})", outbox[-1][1]).group(1)
    stored = OutboundMessage.objects.order_by("-id").first().body
    assert code not in stored and "验证码为 ******" in stored
    return code


def _identify(client, terminal, id_number, outbox):
    client.post(f"/certificates/kiosk/{terminal.key}/", {"id_number": id_number})
    return client.post(f"/certificates/kiosk/{terminal.key}/code", {"code": _last_code(outbox)})


def test_kiosk_refuses_a_wrong_check_digit_and_unknown_people(client, terminal):
    good = valid_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page = client.post(f"/certificates/kiosk/{terminal.key}/", {"id_number": bad}).content.decode()
    assert "校验位错误" in page
    page = client.post(f"/certificates/kiosk/{terminal.key}/", {"id_number": good}).content.decode()
    assert "未查询到" in page
    assert client.get("/certificates/kiosk/not-a-terminal/").status_code == 404


def test_kiosk_print_is_logged_and_reprints_are_limited(client, terminal, sms_outbox):
    cert = person_certificate(valid_from=dt.date.today())
    response = _identify(client, terminal, cert.holder_id_number, sms_outbox)
    assert response.status_code == 302 and response["Location"].endswith("/certificates")
    assert cert.number in client.get(f"/certificates/kiosk/{terminal.key}/certificates").content.decode()
    for copy in (1, 2, 3):  # first print + 2 reprints (certificates.kiosk_reprint_limit)
        printed = client.post(f"/certificates/kiosk/{terminal.key}/print/{cert.pk}")
        assert printed.status_code == 200 and printed["X-Print-Copy"] == str(copy)
    refused = client.post(f"/certificates/kiosk/{terminal.key}/print/{cert.pk}", follow=True)
    assert "补打上限" in refused.content.decode()
    logs = list(PrintLog.objects.order_by("copy_no"))
    assert [(p.copy_no, p.is_reprint, p.terminal_id) for p in logs] == [(1, False, terminal.pk), (2, True, terminal.pk),
                                                                       (3, True, terminal.pk)]


def test_kiosk_wrong_code_counts_attempts(client, terminal, sms_outbox):
    cert = person_certificate(valid_from=dt.date.today())
    client.post(f"/certificates/kiosk/{terminal.key}/", {"id_number": cert.holder_id_number})
    code = _last_code(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    page = client.post(f"/certificates/kiosk/{terminal.key}/code", {"code": wrong}).content.decode()
    assert "还可尝试 4 次" in page
    assert client.get(f"/certificates/kiosk/{terminal.key}/certificates").status_code == 302  # not identified


def test_kiosk_cannot_print_someone_elses_certificate(client, terminal, sms_outbox):
    mine = person_certificate(valid_from=dt.date.today())
    other = person_certificate(valid_from=dt.date.today())
    _identify(client, terminal, mine.holder_id_number, sms_outbox)
    response = client.post(f"/certificates/kiosk/{terminal.key}/print/{other.pk}", follow=True)
    assert "不存在" in response.content.decode() and not PrintLog.objects.exists()


def test_mailing_request_ship_and_deliver(login):
    cert = person_certificate(valid_from=dt.date.today())
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    client = login(holder)
    page = client.post(f"/certificates/{cert.pk}/mailing", {"recipient_name": "张晓明", "recipient_phone": "1391234",
                                                           "address": "运城市盐湖区解放路100号"}).content.decode()
    assert "手机号码应为11位" in page
    client.post(f"/certificates/{cert.pk}/mailing", {"recipient_name": "张晓明", "recipient_phone": "13912345678",
                                                    "address": "运城市盐湖区解放路100号"})
    mailing = MailingRequest.objects.get()
    other_clerk = make_user(roles=["clerk"], organisation=county_bureau("140821"))
    assert login(other_clerk).post(f"/certificates/mailing/{mailing.pk}/ship",
                                   {"courier": "EMS", "tracking_no": "1"}).status_code == 404
    clerk = make_user(roles=["clerk"], organisation=city_bureau())
    login(clerk).post(f"/certificates/mailing/{mailing.pk}/ship", {"courier": "中国邮政EMS", "tracking_no": "1190012345678"})
    mailing.refresh_from_db()
    assert mailing.status == "shipped" and mailing.tracking_no == "1190012345678"
    assert Notification.objects.filter(recipient=holder, title="证书已寄出").exists()
    page = login(holder).get("/certificates/mailing/mine/").content.decode()
    assert "1190012345678" in page and "139****5678" in page
    login(holder).post(f"/certificates/mailing/{mailing.pk}/deliver")
    assert MailingRequest.objects.get().status == "delivered"


def test_mailing_cancel_by_holder_or_clerk_with_reason_never_after_shipping(login):
    """Measure III.10: the holder may withdraw a request not yet shipped; the clerk may cancel one only with a reason,
    which the holder is told; a shipped request cannot be cancelled, and another county's clerk gets 404."""
    cert = person_certificate(valid_from=dt.date.today())
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    address = {"recipient_name": "张晓明", "recipient_phone": "13912345678", "address": "运城市盐湖区解放路100号"}
    client = login(holder)
    client.post(f"/certificates/{cert.pk}/mailing", address)
    first = MailingRequest.objects.get()
    client.post(f"/certificates/mailing/{first.pk}/cancel")
    first.refresh_from_db()
    assert first.status == "cancelled" and first.cancel_reason == "申请人撤回"
    login(holder).post(f"/certificates/{cert.pk}/mailing", address)  # a new request is allowed again
    second = MailingRequest.objects.exclude(pk=first.pk).get()
    assert login(make_user(roles=["clerk"], organisation=county_bureau("140821"))).post(
        f"/certificates/mailing/{second.pk}/cancel", {"reason": "地址不详"}).status_code == 404
    clerk = make_user(roles=["clerk"], organisation=city_bureau())
    r = login(clerk).post(f"/certificates/mailing/{second.pk}/cancel", {"reason": ""}, follow=True)
    assert "须填写原因" in r.content.decode()
    assert MailingRequest.objects.get(pk=second.pk).status == "requested"
    login(clerk).post(f"/certificates/mailing/{second.pk}/cancel", {"reason": "收件地址不在寄递范围"})
    assert MailingRequest.objects.get(pk=second.pk).status == "cancelled"
    assert Notification.objects.filter(recipient=holder, title="证书寄递已取消", body__contains="不在寄递范围").exists()
    login(holder).post(f"/certificates/{cert.pk}/mailing", address)
    third = MailingRequest.objects.filter(status="requested").get()
    login(clerk).post(f"/certificates/mailing/{third.pk}/ship", {"courier": "中国邮政EMS", "tracking_no": "1190012345679"})
    r = login(holder).post(f"/certificates/mailing/{third.pk}/cancel", follow=True)
    assert "不能执行「撤回申请」" in r.content.decode()
    assert MailingRequest.objects.get(pk=third.pk).status == "shipped"


def _xlsx(rows):
    wb = Workbook()
    ws = wb.active
    ws.append([t for _, t, _ in services.IMPORT_COLUMNS])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _row(number, id_number, region="140802", issued="2024-03-01", type_code="special_operation"):
    return [type_code, number, "王师傅", id_number, "", "13912345678", region, "运城市应急管理局", issued, "", "",
            "电工作业 / 低压电工作业", "有效"]


def test_import_writes_every_row_or_none(login):
    officer = make_user(roles=["licensing_officer"], organisation=county_bureau("140802"))
    good = [_row(f"T-IMP-{i}", valid_id_number()) for i in range(3)]
    bad_id = valid_id_number()
    bad_id = bad_id[:-1] + ("0" if bad_id[-1] != "0" else "1")
    rows = good + [_row("T-IMP-9", bad_id), _row("T-IMP-0", valid_id_number()), _row("T-IMP-8", valid_id_number(),
                                                                                       region="140821")]
    batch = services.certificate_import(actor=officer, data=_xlsx(rows), filename="old.xlsx")
    assert not batch.ok and Certificate.objects.count() == 0
    problems = {(e["row"], e["column"]) for e in batch.errors}
    assert problems == {(5, "身份证号"), (6, "证书编号"), (7, "区划代码")}
    response = login(officer).post("/certificates/import/", {"file": _upload(_xlsx(good))})
    assert "共导入 3 本" in response.content.decode()
    cert = Certificate.objects.get(number="T-IMP-0")
    assert cert.valid_until == dt.date(2030, 2, 28) and cert.next_review_due == dt.date(2027, 2, 28)
    assert len({c.verify_code for c in Certificate.objects.all()}) == 3
    assert cert.history().get().action == "issue"


def _upload(data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("certs.xlsx", data, content_type="application/octet-stream")


def test_delivery_cannot_be_confirmed_before_shipping_and_double_requests_are_refused(login):
    cert = person_certificate(valid_from=dt.date.today())
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    mailing = services.mailing_request(actor=holder, certificate=cert, recipient_name="张晓明",
                                       recipient_phone="13912345678", address="运城市盐湖区解放路100号")
    page = login(holder).post(f"/certificates/mailing/{mailing.pk}/deliver", follow=True).content.decode()
    assert "当前状态为「已申请」，不能执行「确认签收」" in page
    page = login(holder).post(f"/certificates/{cert.pk}/mailing", {
        "recipient_name": "张晓明", "recipient_phone": "13912345678", "address": "运城市盐湖区解放路100号"}).content.decode()
    assert "已有正在办理的寄递申请" in page
