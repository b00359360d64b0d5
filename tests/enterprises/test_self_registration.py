"""企业注册: an enterprise registers itself — USCC checked (check character, register or market regulator's data),
the legal representative's phone proven by an SMS code — and an officer of its county approves or refuses (with the
reason; audited; the applicant told). Another county's registration answers 404."""

from __future__ import annotations

import pytest

from bureau.accounts.models import User
from bureau.enterprises import registration
from bureau.enterprises.models import Enterprise, Registration
from bureau.kernel.errors import DomainError
from bureau.kernel.identifiers import make_uscc
from bureau.kernel.models import AuditEntry, Notification, OutboundMessage, ProcessHistory
from tests.factories import PASSWORD, EnterpriseFactory, county_bureau, make_user

pytestmark = pytest.mark.django_db
PHONE = "13735906789"
# in the market regulator's data shipped with the demo (portal/data/business_licences.json), not in the register
LICENCE_USCC, LICENCE_NAME, LICENCE_REP = "91140802MA0LKC001L", "运城市盐湖区安达新材料有限公司", "高志强"


def _submit(**overrides: str) -> Registration:
    code = registration.registration_send_code(phone=overrides.get("phone", PHONE), address="10.1.1.1")
    data = {"uscc": LICENCE_USCC, "name": LICENCE_NAME, "region": "140802", "industry": "hazchem_production",
            "address": "", "legal_representative": LICENCE_REP, "phone": PHONE, "code": code,
            "username": "anda_xcl", "password": PASSWORD, "password2": PASSWORD, **overrides}
    return registration.registration_submit(**data)


def test_a_bad_check_character_is_refused_before_anything_else():
    good = make_uscc("91140802MA0LKC001")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(DomainError, match="校验位") as refused:
        registration.find_enterprise(bad, "某公司")
    assert refused.value.field == "uscc"


def test_a_code_unknown_to_the_register_and_the_regulator_is_refused():
    with pytest.raises(DomainError, match="都没有查到"):
        registration.find_enterprise(make_uscc("91140802MA0YYY001"), "不存在的公司")


def test_the_name_must_be_the_registered_one():
    enterprise = EnterpriseFactory()
    with pytest.raises(DomainError, match="名称") as refused:
        registration.find_enterprise(enterprise.uscc, "别的名字有限公司")
    assert refused.value.field == "name"
    with pytest.raises(DomainError, match="营业执照"):
        registration.find_enterprise(LICENCE_USCC, "运城市安达有限公司")


def test_a_wrong_sms_code_creates_nothing():
    registration.registration_send_code(phone=PHONE, address="10.1.1.1")
    with pytest.raises(DomainError) as refused:
        registration.registration_submit(uscc=LICENCE_USCC, name=LICENCE_NAME, region="140802",
                                         industry="hazchem_production", address="", legal_representative=LICENCE_REP,
                                         phone=PHONE, code="000000", username="anda_x", password=PASSWORD,
                                         password2=PASSWORD)
    assert refused.value.field == "code"
    assert not Registration.objects.exists() and not User.objects.filter(username="anda_x").exists()


def test_a_registration_from_the_regulators_data_waits_inactive_and_tells_the_county():
    officer = make_user("yanhu_clerk_t", roles=["clerk"], organisation=county_bureau("140802"))
    other_county = make_user("linyi_clerk_t", roles=["clerk"], organisation=county_bureau("140821"))
    item = _submit()
    assert item.state == "pending" and item.source == "licence" and item.enterprise is None
    account = item.account
    assert not account.is_active and not account.roles.exists() and account.phone == PHONE
    assert Notification.objects.filter(recipient=officer, title="新的企业注册申请").exists()
    assert not Notification.objects.filter(recipient=other_county).exists()
    assert ProcessHistory.objects.filter(action="submit", object_id=item.pk).exists()
    with pytest.raises(DomainError, match="待审核"):
        _submit(username="anda_two", phone="13735906790")


def test_approval_enters_the_enterprise_and_opens_the_account(client, django_capture_on_commit_callbacks):
    officer = make_user("yanhu_clerk_a", roles=["clerk"], organisation=county_bureau("140802"))
    item = _submit()
    client.force_login(officer, backend="bureau.accounts.backends.LockoutModelBackend")
    page = client.get(f"/enterprises/registrations/{item.pk}/")
    assert page.status_code == 200 and "138" not in page.content.decode().split("法定代表人手机")[1][:40]
    assert "137****6789" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/enterprises/registrations/{item.pk}/", {"action": "approve"})
    assert response.status_code == 302
    item.refresh_from_db()
    enterprise = Enterprise.objects.get(uscc=LICENCE_USCC)
    assert item.state == "approved" and item.enterprise == enterprise and item.decided_by == officer
    assert enterprise.region_id == "140802" and enterprise.legal_representative == LICENCE_REP
    account = User.objects.get(pk=item.account_id)
    assert account.is_active and account.enterprise == enterprise and account.has_role("enterprise")
    assert AuditEntry.objects.filter(action="registration.approve", object_id=str(item.pk)).exists()
    sms = OutboundMessage.objects.filter(channel="sms", body__contains="已开通")
    assert sms.exists() and sms.first().to_masked == "137****6789"
    assert client.post("/accounts/logout/").status_code == 302
    signed_in = client.post("/accounts/login/", {"username": "anda_xcl", "password": PASSWORD})
    assert signed_in.status_code == 302 and client.session["_auth_user_id"] == str(account.pk)


def test_refusal_needs_a_reason_which_the_applicant_reads(client, django_capture_on_commit_callbacks):
    officer = make_user("yanhu_clerk_r", roles=["licensing_officer"], organisation=county_bureau("140802"))
    item = _submit()
    client.force_login(officer, backend="bureau.accounts.backends.LockoutModelBackend")
    empty = client.post(f"/enterprises/registrations/{item.pk}/", {"action": "refuse", "reason": ""})
    assert empty.status_code == 200 and empty.context["form"].errors["reason"]
    item.refresh_from_db()
    assert item.state == "pending"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/enterprises/registrations/{item.pk}/", {"action": "refuse", "reason": "申请人不是法定代表人本人"})
    item.refresh_from_db()
    assert item.state == "refused" and item.reason == "申请人不是法定代表人本人"
    assert not User.objects.get(pk=item.account_id).is_active
    assert OutboundMessage.objects.filter(channel="sms", body__contains="申请人不是法定代表人本人").exists()
    assert AuditEntry.objects.filter(action="registration.refuse", object_id=str(item.pk)).exists()


def test_another_countys_officer_gets_404_and_an_enterprise_user_no_queue(client):
    item = _submit()
    linyi = make_user("linyi_clerk_x", roles=["clerk"], organisation=county_bureau("140821"))
    client.force_login(linyi, backend="bureau.accounts.backends.LockoutModelBackend")
    assert client.get(f"/enterprises/registrations/{item.pk}/").status_code == 404
    assert client.post(f"/enterprises/registrations/{item.pk}/", {"action": "approve"}).status_code == 404
    assert item.pk not in [r.pk for r in client.get("/enterprises/registrations/").context["page"].rows]
    api = client.post(f"/api/v1/enterprises/registrations/{item.pk}/actions/approve", {},
                      content_type="application/json")
    assert api.status_code == 404
    item.refresh_from_db()
    assert item.state == "pending"


def test_an_enterprise_of_the_register_registers_with_its_recorded_facts():
    enterprise = EnterpriseFactory(region_id="140821", legal_representative="董春燕")
    item = _submit(uscc=enterprise.uscc, name=enterprise.name, region="", industry="", legal_representative="董春燕",
                   username="linyi_qiye")
    assert item.source == "register" and item.enterprise == enterprise and item.region_id == "140821"
    another = EnterpriseFactory()
    with pytest.raises(DomainError, match="法定代表人"):
        _submit(uscc=another.uscc, name=another.name, legal_representative="别人", username="x_other",
                phone="13735900002")


def test_the_page_and_the_api_register_and_decide(client, django_capture_on_commit_callbacks):
    form = {"uscc": LICENCE_USCC, "name": LICENCE_NAME, "region": "140802", "industry": "hazchem_production",
            "legal_representative": LICENCE_REP, "phone": PHONE}
    sent = client.post("/enterprises/register/", {**form, "send": "1"})
    assert sent.status_code == 200 and sent.context["echo"]
    done = client.post("/enterprises/register/", {**form, "code": sent.context["echo"], "username": "anda_web",
                                                  "password": PASSWORD, "password2": PASSWORD, "submit": "1"})
    assert done.status_code == 200 and "已提交" in done.content.decode()
    item = Registration.objects.get(account__username="anda_web")
    officer = make_user("yanhu_sys", roles=["sysadmin"], organisation=county_bureau("140802"))
    client.force_login(officer, backend="bureau.accounts.backends.LockoutModelBackend")
    listed = client.get("/api/v1/enterprises/registrations")
    assert [r["id"] for r in listed.json()] == [item.pk] and listed.json()[0]["phone_masked"] == "137****6789"
    refused = client.post(f"/api/v1/enterprises/registrations/{item.pk}/actions/refuse", {"reason": "材料不符"},
                          content_type="application/json")
    assert refused.status_code == 200 and refused.json()["state"] == "refused"


def test_the_public_api_refuses_a_bad_code_with_the_field(client):
    answer = client.post("/api/v1/enterprises/registrations/code", {"uscc": "91140802MA0LKC0010", "name": "x",
                                                                    "phone": PHONE}, content_type="application/json")
    assert answer.status_code == 400 and answer.json()["field"] == "uscc"
