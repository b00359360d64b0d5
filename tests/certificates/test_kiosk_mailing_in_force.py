"""Only a certificate in force is printed or posted, and the kiosk screen stays in the kiosk flow (issue 15 point 7;
measures I.10, III.10)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from bureau.certificates import services
from bureau.certificates.models import Certificate, KioskTerminal, PrintLog
from bureau.kernel.errors import DomainError
from tests.certificates.factories import person_certificate
from tests.factories import city_bureau, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()


def _revoked(officer):
    cert = person_certificate(valid_from=TODAY - dt.timedelta(days=30))
    return services.certificate_change_status(actor=officer, certificate=cert, action="revoke", note="吊销：测试")


def test_revoked_or_expired_certificates_are_neither_printed_nor_mailed():
    """Rule (measures I.10, III.10): a revoked, expired or future-dated certificate is not listed or printed at the
    kiosk and a mailing request for it is refused."""
    officer = make_user(roles=["licensing_officer"], organisation=city_bureau())
    revoked = _revoked(officer)
    expired = person_certificate(valid_from=TODAY - dt.timedelta(days=6 * 365 + 10))
    future = person_certificate(valid_from=TODAY + dt.timedelta(days=30))
    terminal = KioskTerminal.objects.create(code="ZZ-09", name="大厅终端", region_id="140800")
    for cert in (revoked, expired, future):
        assert services.kiosk_certificates(cert.holder_id_index) == []
        with pytest.raises(DomainError, match="不能自助打印"):
            services.kiosk_print(terminal=terminal, id_index=cert.holder_id_index, certificate_id=cert.pk)
        holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
        with pytest.raises(DomainError, match="不能申请寄递"):
            services.mailing_request(actor=holder, certificate=Certificate.objects.get(pk=cert.pk),
                                     recipient_name="张晓明", recipient_phone="13912345678",
                                     address="山西省运城市盐湖区解放南路168号")
    assert not PrintLog.objects.exists()


def test_a_kiosk_session_cannot_leave_the_kiosk_pages(client, sms_outbox):
    """Rule (measure I.10): once a browser opened a kiosk terminal, every other page redirects to the kiosk's start
    page; the kiosk pages and static files still answer."""
    terminal = KioskTerminal.objects.create(code="ZZ-08", name="大厅终端", region_id="140800")
    cert = person_certificate(valid_from=TODAY)
    start = f"/certificates/kiosk/{terminal.key}/"
    assert client.get(start).status_code == 200
    for path in ("/portal/", "/accounts/login/", "/training/", f"/certificates/{cert.pk}/", "/api/v1/training/plans"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == start, path
    client.post(start, {"id_number": cert.holder_id_number})
    code = re.search(r"验证码为 (\d{6})", sms_outbox[-1][1]).group(1)
    assert client.post(f"{start}code", {"code": code})["Location"].endswith("/certificates")
    page = client.get(f"{start}certificates").content.decode()
    assert cert.number in page and 'href="/portal/"' not in page  # no way out on the screen
