"""E-certificate verification: public page and API, privacy (masked), unknown/forged/revoked codes."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.certificates import services
from bureau.certificates.models import Certificate
from tests.certificates.factories import licence, person_certificate
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


def test_api_answers_valid_with_masked_holder_and_no_id_number(client):
    cert = person_certificate(name="张晓明", valid_from=dt.date.today() - dt.timedelta(days=10))
    response = client.get(f"/api/v1/certificates/verify/{cert.verify_code}")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True and body["status"] == "valid"
    assert body["type"] == "特种作业操作证" and body["holder_name"] == "张*明"
    assert body["expires_on"] == cert.valid_until.isoformat()
    assert cert.holder_id_number not in response.content.decode()
    assert body["holder_id_masked"] == cert.holder_id_masked


def test_enterprise_names_are_not_masked(client):
    enterprise = EnterpriseFactory()
    cert = licence(enterprise, valid_from=dt.date.today())
    assert client.get(f"/api/v1/certificates/verify/{cert.verify_code}").json()["holder_name"] == enterprise.name


def test_unknown_code_is_404_and_malformed_is_400(client):
    person_certificate()
    unknown = client.get("/api/v1/certificates/verify/" + "A" * 32)
    assert unknown.status_code == 404 and "伪造" in unknown.json()["detail"]
    malformed = client.get("/api/v1/certificates/verify/abc")
    assert malformed.status_code == 400 and "格式" in malformed.json()["detail"]


def test_revoked_certificate_says_so_plainly(client):
    cert = person_certificate(valid_from=dt.date.today())
    admin = make_user(roles=["sysadmin"], organisation=city_bureau())
    services.certificate_change_status(actor=admin, certificate=cert, action="revoke", note="以欺骗手段取得")
    body = client.get(f"/api/v1/certificates/verify/{cert.verify_code}").json()
    assert body["valid"] is False and body["status"] == "revoked"
    page = client.get(f"/certificates/verify/{cert.verify_code}/")
    assert page.status_code == 200 and "不再有效" in page.content.decode()


def test_expired_is_computed_even_before_the_nightly_sweep(client):
    cert = person_certificate(type_code="principal_competency", valid_from=dt.date(2020, 1, 1))
    Certificate.objects.filter(pk=cert.pk).update(status="valid")
    assert client.get(f"/api/v1/certificates/verify/{cert.verify_code}").json()["status"] == "expired"


def test_public_page_without_login_shows_authenticity(client):
    cert = person_certificate(name="李四", valid_from=dt.date.today())
    page = client.get(f"/certificates/verify/{cert.verify_code}/").content.decode()
    assert "证书真实有效" in page and "李*" in page and cert.holder_id_number not in page
    forged = client.get("/certificates/verify/" + "B" * 32 + "/")
    assert forged.status_code == 404 and "伪造" in forged.content.decode()


def test_codes_are_random_and_unguessable():
    codes = {person_certificate().verify_code for _ in range(5)}
    assert len(codes) == 5 and all(services.rules.is_well_formed_code(c) for c in codes)


def test_e_certificate_pdf_carries_the_qr_code_link(client, login):
    cert = person_certificate(valid_from=dt.date.today())
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    response = login(holder).get(f"/certificates/{cert.pk}/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pdf = b"".join(response.streaming_content)
    assert pdf.startswith(b"%PDF") and b"FontFile2" in pdf  # the Song font is embedded
    assert cert.documents().filter(kind="e_certificate").count() == 1
    login(holder).get(f"/certificates/{cert.pk}/pdf")
    assert cert.documents().filter(kind="e_certificate").count() == 1  # rendered once per version


def test_verification_is_one_query(client, django_assert_num_queries):
    cert = person_certificate(valid_from=dt.date.today())
    with django_assert_num_queries(1):
        assert client.get(f"/api/v1/certificates/verify/{cert.verify_code}").status_code == 200


def test_a_certificate_whose_validity_starts_later_is_not_yet_valid(client):
    """A certificate is in force only within the validity period it states (安全生产许可证条例 第9条 有效期; a
    renewal's new period starts on its own day): before valid_from the verification answers 尚未生效, not 有效."""
    cert = person_certificate(valid_from=dt.date.today() + dt.timedelta(days=3))
    body = client.get(f"/api/v1/certificates/verify/{cert.verify_code}").json()
    assert body["valid"] is False and body["status"] == "not_yet_valid" and body["status_label"] == "尚未生效"
    page = client.get(f"/certificates/verify/{cert.verify_code}/").content.decode()
    assert "尚未生效" in page and "证书真实有效" not in page


def test_a_licence_extended_ahead_of_expiry_stays_valid_until_its_new_term(client):
    """安全生产许可证条例 第9条: the 延期 granted before expiry continues the same licence — its new term starts the day
    after the old one ends, and in between the licence is in force under the old term: 有效, not 尚未生效."""
    from bureau.certificates import lifecycle

    cert = licence(EnterpriseFactory(), type_code="safety_production_licence",
                   valid_from=dt.date.today() - dt.timedelta(days=1000))
    lifecycle.licence_extend(actor=None, certificate=cert)
    cert.refresh_from_db()
    assert cert.valid_from > dt.date.today()
    body = client.get(f"/api/v1/certificates/verify/{cert.verify_code}").json()
    assert body["valid"] is True and body["status"] == "valid"
