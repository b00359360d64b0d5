"""The register for officers: scope (another county answers 404), query budgets, status changes, review, renewal."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.certificates import services
from bureau.certificates.models import Certificate
from tests.certificates.factories import person_certificate
from tests.factories import county_bureau, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def yanhu_officer(db):
    return make_user("yh_off", roles=["licensing_officer"], organisation=county_bureau("140802"))


def test_county_officer_sees_only_the_county(login, yanhu_officer):
    mine = person_certificate(region="140802")
    other = person_certificate(region="140821")
    client = login(yanhu_officer)
    page = client.get("/certificates/").content.decode()
    assert mine.number in page and other.number not in page
    assert client.get(f"/certificates/{other.pk}/").status_code == 404
    assert client.get(f"/certificates/{mine.pk}/").status_code == 200
    api = client.get("/api/v1/certificates").json()
    assert [i["number"] for i in api["items"]] == [mine.number]


def test_list_due_list_and_api_have_query_budgets(login, yanhu_officer, django_assert_max_num_queries):
    for i in range(15):
        person_certificate(valid_from=dt.date.today() - dt.timedelta(days=1000 + i))
    client = login(yanhu_officer)
    with django_assert_max_num_queries(14):
        assert client.get("/certificates/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/certificates/due/?days=365").status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get("/api/v1/certificates?limit=50").status_code == 200


def test_suspend_needs_a_reason_and_reinstate_restores(login, yanhu_officer):
    cert = person_certificate(valid_from=dt.date.today())
    client = login(yanhu_officer)
    client.post(f"/certificates/{cert.pk}/status", {"action": "suspend", "note": ""})
    assert Certificate.objects.get(pk=cert.pk).status == "valid"
    client.post(f"/certificates/{cert.pk}/status", {"action": "suspend", "note": "违章作业，暂扣6个月"})
    assert Certificate.objects.get(pk=cert.pk).status == "suspended"
    response = client.post(f"/certificates/{cert.pk}/status", {"action": "suspend", "note": "再次"}, follow=True)
    assert "不能执行「暂扣」" in response.content.decode()
    client.post(f"/certificates/{cert.pk}/status", {"action": "reinstate", "note": "暂扣期满"})
    cert.refresh_from_db()
    assert cert.status == "valid" and cert.next_review_due is not None
    assert [h.action for h in cert.history()] == ["issue", "suspend", "reinstate"]


def test_an_enterprise_user_cannot_change_status(login):
    cert = person_certificate(valid_from=dt.date.today())
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    response = login(holder).post(f"/certificates/{cert.pk}/status", {"action": "revoke", "note": "x"}, follow=True)
    assert "无权" in response.content.decode()
    assert Certificate.objects.get(pk=cert.pk).status == "valid"


def test_periodic_review_with_ten_clean_years_removes_the_mid_term_review(login, yanhu_officer):
    start = dt.date.today() - dt.timedelta(days=3 * 365 - 20)
    cert = person_certificate(valid_from=start)
    assert cert.next_review_due is not None
    login(yanhu_officer).post(f"/certificates/{cert.pk}/review", {"years_in_trade": 12, "clean": "on", "note": ""})
    cert.refresh_from_db()
    assert cert.next_review_due is None and cert.review_extended and cert.action_kind == "renewal"
    assert cert.history().filter(action="periodic_review").exists()


def test_missed_review_cannot_be_recorded(login, yanhu_officer):
    cert = person_certificate(valid_from=dt.date.today() - dt.timedelta(days=3 * 365 + 30))
    response = login(yanhu_officer).post(f"/certificates/{cert.pk}/review", {"years_in_trade": 1, "note": ""},
                                         follow=True)
    assert "已失效" in response.content.decode()


def test_renewal_extends_validity_under_the_same_number_as_a_new_version(login, yanhu_officer):
    """Rule (issue 15): 延期换证 keeps the certificate (same number) and makes a new version with its own code; the
    old version's code answers "已被新版本替代"."""
    cert = person_certificate(type_code="principal_competency", valid_from=dt.date(2023, 12, 20))
    code, number = cert.verify_code, cert.number
    login(yanhu_officer).post(f"/certificates/{cert.pk}/renew", {"valid_from": "2026-12-20", "note": "考核合格"})
    cert.refresh_from_db()
    assert cert.valid_until == dt.date(2029, 12, 19) and cert.number == number and cert.version_no == 2
    assert cert.history().filter(action="renewal").exists()
    assert services.certificate_verify(code).status == "superseded"


def test_a_holder_opening_the_register_sees_only_its_own_and_no_staff_page(login):
    """Rule: who sees which certificate is Certificate.authority (the holder its own, staff their jurisdiction):
    a holder opening the register's page sees its own certificate there and no one else's, and the staff's export
    and due list answer 404 (for_roles) — the page no longer asks a private scope test."""
    own = person_certificate(region="140802")
    other = person_certificate(region="140802")
    holder = make_user(roles=["individual"], id_number=own.holder_id_number)
    client = login(holder)
    page = client.get("/certificates/")
    assert page.status_code == 200
    assert own.number in page.content.decode() and other.number not in page.content.decode()
    assert client.get("/certificates/export.xlsx").status_code == 404
    assert client.get("/certificates/due/").status_code == 404
