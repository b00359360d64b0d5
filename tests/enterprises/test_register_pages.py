"""The register through the UI: administrators create and edit; validation is on the server; writes audited."""

from __future__ import annotations

import pytest

from bureau.enterprises.models import Enterprise
from bureau.kernel.models import AuditEntry
from tests.factories import EnterpriseFactory, county_bureau, make_user, valid_uscc

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {"uscc": valid_uscc(), "name": "运城新建企业有限公司", "region": "140802", "industry": "gas_station",
            "legal_representative": "王五", "employees": "12", "status": "operating", "contact_phone": "13912345678"}
    data.update(overrides)
    return data


def test_admin_registers_an_enterprise_and_it_is_audited(login, city_admin):
    response = login(city_admin).post("/enterprises/new/", _form())
    assert response.status_code == 302
    enterprise = Enterprise.objects.get(name="运城新建企业有限公司")
    entry = AuditEntry.objects.get(action="enterprises.create")
    assert entry.object_id == str(enterprise.pk) and "contact_phone（已脱敏）" in entry.data["changed"]


def test_bad_fields_are_refused_in_chinese_and_nothing_is_saved(login, city_admin):
    response = login(city_admin).post("/enterprises/new/", _form(uscc="91140802MA0K00000X", contact_phone="12"))
    html = response.content.decode()
    assert response.status_code == 200 and "校验位错误" in html and "手机号码应为11位" in html
    assert not Enterprise.objects.exists()


def test_the_code_of_an_existing_enterprise_cannot_be_changed_by_a_tampered_form(login, city_admin):
    enterprise = EnterpriseFactory()
    original = enterprise.uscc
    login(city_admin).post(f"/enterprises/{enterprise.pk}/edit/", _form(uscc=valid_uscc(), name="改名"))
    enterprise.refresh_from_db()
    assert enterprise.uscc == original and enterprise.name == "改名"


def test_officers_cannot_edit_the_register(login):
    officer = make_user(roles=["inspector"], organisation=county_bureau())
    enterprise = EnterpriseFactory()
    assert login(officer).get(f"/enterprises/{enterprise.pk}/edit/").status_code == 404


def test_detail_page_masks_personal_data(login, city_admin):
    enterprise = EnterpriseFactory()
    html = login(city_admin).get(f"/enterprises/{enterprise.pk}/").content.decode()
    assert "139****5678" in html and enterprise.legal_rep_id_number not in html


def test_personal_data_is_encrypted_at_rest():
    from django.db import connection

    enterprise = EnterpriseFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT contact_phone FROM enterprises_enterprise WHERE id = %s", [enterprise.pk])
        stored = cursor.fetchone()[0]
    assert stored != "13912345678" and "1391234" not in stored


def test_registering_an_enterprise_prefills_from_the_market_regulators_licence(login, city_admin, settings, tmp_path):
    """Measure III.2: the register takes what the market regulator already holds (name, legal representative,
    address, scope, founding date) from its licence data through the adapter; an unknown or malformed code says so
    and fills nothing; the prefilled values are still validated when saved."""
    import json

    uscc = valid_uscc()
    path = tmp_path / "licences.json"
    path.write_text(json.dumps([{
        "uscc": uscc, "name": "运城市新源加油站有限公司", "legal_representative": "赵建军",
        "address": "运城市盐湖区工农路1号", "business_scope": "成品油零售", "established_on": "2015-06-01",
        "registration_authority": "运城市盐湖区市场监督管理局", "status": "存续"}], ensure_ascii=False), encoding="utf-8")
    settings.BUSINESS_LICENCE_FILE = str(path)
    client = login(city_admin)
    page = client.get("/enterprises/new/", {"uscc": uscc}).content.decode()
    assert "已从市场监管局营业执照带入" in page and "法定代表人" in page
    assert 'value="运城市新源加油站有限公司"' in page and 'value="赵建军"' in page and 'value="2015-06-01"' in page
    unknown = client.get("/enterprises/new/", {"uscc": valid_uscc()}).content.decode()
    assert "未查到该统一社会信用代码" in unknown and "已从市场监管局" not in unknown
    assert "校验位" in client.get("/enterprises/new/", {"uscc": "91140802MA0K00000X"}).content.decode()
    client.post("/enterprises/new/", _form(uscc=uscc, name="运城市新源加油站有限公司", legal_representative="赵建军"))
    assert Enterprise.objects.filter(uscc=uscc, name="运城市新源加油站有限公司").exists()
