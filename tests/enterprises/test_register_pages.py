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
