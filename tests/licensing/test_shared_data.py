"""Shared data instead of uploads (measures I.2 and III.2): the 营业执照 material of every permit item is answered by
the market regulator's system through the adapter; the enterprise never uploads it, the officer sees what was
answered and what does not match the register, and an unreachable exchange never stops an application."""

from __future__ import annotations

import json

import pytest

from bureau.licensing.models import Application, ApplicationMaterial
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def _licence_file(tmp_path, enterprise, **changes):
    row = {"uscc": enterprise.uscc, "name": enterprise.name, "legal_representative": "李建国",
           "address": "山西省运城市盐湖区河东东街88号", "business_scope": "危险化学品经营（不带储存）",
           "established_on": "2012-05-18", "registration_authority": "运城市盐湖区市场监督管理局",
           "status": "存续（在营、开业、在册）"} | changes
    path = tmp_path / "licences.json"
    path.write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    return str(path)


def _submit(world):
    item = world.items["hazchem_operation"]
    return application_submit(actor=world.qiye, item=item, files=files_for(item))


def _licence_row(app) -> ApplicationMaterial:
    return app.materials.get(material__shared_source="business_licence")


def test_business_licence_is_fetched_not_uploaded(world, login, settings, tmp_path):
    settings.BUSINESS_LICENCE_FILE = _licence_file(tmp_path, world.enterprise)
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    page = client.get(f"/licensing/items/{item.code}/apply/").content.decode()
    licence = item.materials.get(shared_source="business_licence")
    assert f'name="material_{licence.pk}"' not in page  # no upload field for it
    assert "已从市场监管局营业执照获取" in page and "李建国" in page
    app = _submit(world)
    row = _licence_row(app)
    assert row.status == "shared" and row.attachment is None
    assert dict(map(tuple, row.shared_data["fields"]))["法定代表人"] == "李建国"
    assert row.shared_data["warnings"] == []


def test_officer_is_warned_when_the_licence_differs_from_the_register(world, login, settings, tmp_path):
    settings.BUSINESS_LICENCE_FILE = _licence_file(tmp_path, world.enterprise, name="运城市河东化工有限公司",
                                                   status="注销")
    app = _submit(world)
    warnings = _licence_row(app).shared_data["warnings"]
    assert any("与企业名录名称" in w for w in warnings) and any("注销" in w for w in warnings)
    page = login(world.officer).get(f"/licensing/{app.pk}/").content.decode()
    assert "需核验" in page and "登记状态为「注销」" in page


def test_unknown_enterprise_is_submitted_and_left_to_the_officer(world, settings, tmp_path):
    settings.BUSINESS_LICENCE_FILE = str(tmp_path / "empty.json")
    (tmp_path / "empty.json").write_text("[]", encoding="utf-8")
    app = _submit(world)
    assert Application.objects.filter(pk=app.pk, state="submitted").exists()
    assert "未查到该企业的数据" in _licence_row(app).shared_data["error"]


def test_unreachable_exchange_never_stops_an_application(world, settings):
    # the documented real adapter, pointed at a closed local port: connection refused
    settings.BUSINESS_LICENCE_ADAPTER = "bureau.portal.licences.HttpLicenceAdapter"
    settings.BUSINESS_LICENCE_URL = "http://127.0.0.1:9"
    app = _submit(world)
    snapshot = _licence_row(app).shared_data
    assert app.state == "submitted" and "暂时不可用" in snapshot["error"] and "由审查人员核验" in snapshot["error"]


def test_api_detail_carries_the_snapshot(world, login, settings, tmp_path):
    settings.BUSINESS_LICENCE_FILE = _licence_file(tmp_path, world.enterprise)
    app = _submit(world)
    body = login(world.officer).get(f"/api/v1/licensing/applications/{app.pk}").json()
    shared = [m for m in body["materials"] if m["shared_data"]]
    # the market regulator's licence, and what the platform itself holds (enterprise and certificate registers)
    assert {m["shared_data"]["source"] for m in shared} == {"市场监管局营业执照", "企业名录", "本局证照库"}
