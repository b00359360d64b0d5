"""Issue 15.3: applications that mean something — required materials and form fields, one application in progress,
the generated 申请书, eligibility by industry and issuing level, the register check (需核验), drafts and 窗口代办."""

from __future__ import annotations

import json

import pytest

from bureau.certificates.models import Certificate, CertificateType
from bureau.kernel.errors import DomainError, NotFound
from bureau.licensing import intake, rules
from bureau.licensing import services as s
from bureau.licensing.models import Application, ApplicationDraft
from tests.factories import EnterpriseFactory, make_user
from tests.licensing.conftest import application_submit, files_for, form_for, pdf

pytestmark = pytest.mark.django_db


def _submit(world, code="hazchem_operation", **kw):
    item = world.items[code]
    kw.setdefault("files", files_for(item))
    return application_submit(actor=kw.pop("actor", world.qiye), item=item, **kw)


# ---------------------------------------------------------------- materials and form (行政许可法 第32条, measure I.3)

def test_required_materials_and_form_fields_are_required_and_nothing_is_saved(world):
    """Rule (行政许可法 第32条; measure I.3): a required material, and a 可容缺 one of an item that declares no 容缺, must
    be uploaded; every required field of the item's form must be filled; the refusal says what, in Chinese."""
    item = world.items["hazchem_operation"]
    with pytest.raises(DomainError, match="以下材料必须上传：经营场所产权或租赁证明") as exc:
        application_submit(actor=world.qiye, item=item, files={})
    assert exc.value.code == "materials_missing"
    with pytest.raises(DomainError, match="请填写「申请许可范围」"):
        application_submit(actor=world.qiye, item=item, files=files_for(item),
                           form=form_for(item, world.enterprise, scope="  "))
    item.tolerance_allowed = False
    item.save()
    with pytest.raises(DomainError, match="储存设施安全评价报告、特种作业人员操作证（本事项不适用容缺受理）"):
        application_submit(actor=world.qiye, item=item, files=files_for(item, frozenset({"tolerable"})))
    assert not Application.objects.exists()


def test_form_values_are_validated_by_type():
    """Rule (measure I.1): the form's fields are data with types; numbers, dates, choices, phones and the USCC are
    checked on the server."""
    from bureau.licensing.form_fields import FieldSpec, validate

    specs = [FieldSpec("n", "从业人员数", "integer", True), FieldSpec("d", "有效期至", "date", True),
             FieldSpec("c", "经营方式", "choice", True, choices=("批发", "零售")),
             FieldSpec("p", "联系电话", "phone", True), FieldSpec("u", "统一社会信用代码", "text", True,
                                                            source="register:uscc")]
    clean, errors = validate(specs, {"n": "十二", "d": "2026-13-01", "c": "代理", "p": "123", "u": "91140802X"})
    assert set(errors) == {"n", "d", "c", "p", "u"}
    clean, errors = validate(specs, {"n": "012", "d": "2027-01-31", "c": "零售", "p": "13912345678",
                                     "u": world_uscc()})
    assert not errors and clean["n"] == "12"


def world_uscc() -> str:
    from tests.factories import valid_uscc

    return valid_uscc()


def test_application_form_is_generated_as_the_material_not_uploaded(world):
    """Rule (measure I.1, 全程网办): the 申请书 marked 网上填报自动生成 is generated from the form as a PDF and attached
    as that material; an upload for it is refused."""
    item = world.items["hazchem_operation"]
    generated = item.materials.get(generated=True)
    with pytest.raises(DomainError, match="申请书由系统根据网上填报内容自动生成"):
        application_submit(actor=world.qiye, item=item, files={**files_for(item), generated.pk: pdf()})
    app = _submit(world, form=form_for(item, world.enterprise, scope="甲醇、乙醇", principal="王建国"))
    row = app.materials.get(material=generated)
    assert row.status == "provided" and row.attachment.file.read(5) == b"%PDF-"
    assert app.form_data["scope"] == "甲醇、乙醇" and app.scope_text == "甲醇、乙醇"


# ---------------------------------------------------------------- one application in progress

def test_second_application_for_the_same_item_is_refused_with_the_first_named(world):
    """Rule (行政许可法 第32条: one application, one decision): while an application of an item is in progress for
    the enterprise, a second one is refused naming it (a database constraint backs it); the same idempotency key
    returns the first; once withdrawn, a new one is accepted."""
    first = _submit(world, idempotency_key="k1")
    assert _submit(world, idempotency_key="k1").pk == first.pk
    with pytest.raises(intake.DuplicateApplication, match=first.number) as exc:
        _submit(world, idempotency_key="k2")
    assert exc.value.status == 409 and exc.value.existing_id == first.pk
    s.application_withdraw(actor=world.qiye, application=first)
    assert _submit(world, idempotency_key="k3").pk != first.pk


# ---------------------------------------------------------------- eligibility (data)

def test_coal_mine_cannot_apply_for_the_municipal_safety_licence(world, login):
    """Rule (《安全生产许可证条例》第三条; eligibility rows with source): a coal mine's 安全生产许可证 is issued at the
    provincial level, so the city's item is refused with the reason, shown on the item list, and no fast track is
    ever computed for it."""
    with pytest.raises(DomainError, match="省级") as exc:
        _submit(world, "aqsc_first", actor=world.qiye_coal)
    assert exc.value.code == "not_eligible" and not Application.objects.exists()
    page = login(world.qiye_coal).get("/licensing/items/").content.decode()
    assert "不适用：煤矿企业安全生产许可证由省级" in page and "/licensing/items/coal_capacity_increase/apply/" in page
    assert "/licensing/items/aqsc_first/apply/" not in page
    body = login(world.qiye_coal).get("/api/v1/licensing/items/eligibility").json()
    assert {r["code"]: r["eligible"] for r in body}["aqsc_first"] is False


def test_eligibility_rule_prefers_the_sub_sector_row_and_explains_missing_industries():
    """Rule (行政许可法 第22条): the row of the enterprise's sub-sector wins over its industry's; an industry with no
    row is told which industries the item is for."""
    rows = [rules.EligibilityRow("fireworks", "", "city", "", "s"),
            rules.EligibilityRow("fireworks", "fireworks_retail", "county", "零售由县级办理", "s")]
    kw = {"item_name": "烟花爆竹经营（批发）许可证", "item_level": "city", "industry": "fireworks",
          "industry_label": "烟花爆竹", "labels": {"fireworks": "烟花爆竹"}}
    assert rules.eligibility_refusal(rows, sub_sector="", **kw) is None
    assert rules.eligibility_refusal(rows, sub_sector="fireworks_retail", **kw) == "零售由县级办理"
    kw |= {"industry": "coal", "industry_label": "煤矿"}
    assert "适用行业：烟花爆竹" in rules.eligibility_refusal(rows, sub_sector="", **kw)


# ---------------------------------------------------------------- the register check (需核验)

def test_every_field_is_compared_with_register_and_licence(world, login, settings, tmp_path):
    """Rule (行政许可法 第34条: the officer examines the substance): the legal representative and the address of the
    business licence (李建国, 88号) against the register (王建国, 188号) and what was typed are flagged 需核验 on the
    officer's page; the phone number is compared but shown masked."""
    world.enterprise.address = "山西省运城市盐湖区河东东街188号"
    world.enterprise.save()
    row = {"uscc": world.enterprise.uscc, "name": world.enterprise.name, "legal_representative": "李建国",
           "address": "山西省运城市盐湖区河东东街88号", "business_scope": "危险化学品经营", "established_on": "2012-05-18",
           "registration_authority": "运城市盐湖区市场监督管理局", "status": "存续（在营、开业、在册）"}
    (tmp_path / "l.json").write_text(json.dumps([row], ensure_ascii=False), encoding="utf-8")
    settings.BUSINESS_LICENCE_FILE = str(tmp_path / "l.json")
    item = world.items["hazchem_operation"]
    app = _submit(world, form=form_for(item, world.enterprise, contact_phone="13800001111"))
    flags = {r["key"]: r["flags"] for r in app.verification}
    assert flags["legal_representative"] == ["填报与营业执照不一致"]
    address = next(r for r in app.verification if r["key"] == "address")
    assert address["flags"] and (address["register"], address["licence"]) == ("山西省运城市盐湖区河东东街188号",
                                                                             "山西省运城市盐湖区河东东街88号")
    assert flags["name"] == [] and flags["uscc"] == []
    phone = next(r for r in app.verification if r["key"] == "contact_phone")
    assert phone["flags"] and "13800001111" not in json.dumps(app.verification)
    page = login(world.officer).get(f"/licensing/{app.pk}/").content.decode()
    assert "需核验" in page and "李建国" in page and app.history().filter(action="verify_flags").exists()


def test_platform_fetches_its_own_certificate_register(world):
    """Rule (measure I.2): what the platform itself holds is fetched, not labelled 系统自动获取: the valid
    主要负责人 certificate of the enterprise comes from the bureau's certificate register."""
    from bureau.certificates.reference import seed_certificate_types

    seed_certificate_types()
    Certificate.objects.create(number="晋运主考T1", type=CertificateType.objects.get(code="principal_competency"),
                               enterprise=world.enterprise,
                               region_id="140802", holder_name="王建国", issuing_authority="运城市应急管理局",
                               issued_on=s.today(), valid_from=s.today(),
                               valid_until=s.today().replace(year=s.today().year + 3), status="valid")
    app = _submit(world)
    snap = app.materials.get(material__shared_source="personnel_certificates").shared_data
    assert snap["source"] == "本局证照库" and "王建国（晋运主考T1" in json.dumps(snap, ensure_ascii=False)


# ---------------------------------------------------------------- drafts and 代办

def test_draft_counts_nowhere_until_submitted(world, login):
    """Rule (行政许可法 第32条: the clock starts on arrival): a draft keeps the form and uploads, is no application
    (no queue, no indicator), and is submitted later as one."""
    item = world.items["hazchem_operation"]
    upload = files_for(item)
    draft = intake.draft_save(actor=world.qiye, item=item, form={"scope": "甲醇"}, files=upload)
    assert not Application.objects.exists()
    assert "甲醇" not in login(world.officer).get("/licensing/queue/").content.decode()
    assert draft.item.name in login(world.qiye).get("/licensing/mine/").content.decode()
    with pytest.raises(DomainError, match="请填写「主要负责人」"):
        intake.application_submit(actor=world.qiye, item=item, files={}, form=draft.form_data, draft=draft)
    app = intake.application_submit(actor=world.qiye, item=item, files={}, draft=draft,
                                    form=form_for(item, world.enterprise, scope="甲醇"))
    assert app.scope_text == "甲醇" and not app.materials.filter(status="missing", material__requirement="required")
    assert ApplicationDraft.objects.get(pk=draft.pk).application_id == app.pk


def test_window_clerk_applies_for_an_enterprise_with_its_authorisation(world, login):
    """Rule (行政许可法 第29条: an applicant may act through an agent): a window clerk applies on the enterprise's
    behalf only with the uploaded 授权委托书 and the enterprise's 经办人 named; the clerk's identity is on the record
    and in the timeline; a clerk of another county reaches no enterprise there (404)."""
    clerk = make_user("t_clerk", roles=["clerk"], organisation=world.yanhu, real_name="窗口 张敏")
    item = world.items["hazchem_operation"]
    kw = {"actor": clerk, "item": item, "files": files_for(item), "enterprise": world.enterprise}
    with pytest.raises(DomainError, match="授权委托书"):
        application_submit(**kw, proxy_agent="李丽娟")
    app = application_submit(**kw, authorisation=pdf("授权委托书.pdf"), proxy_agent="李丽娟")
    assert app.proxy_clerk == clerk and app.proxy_authorisation is not None and app.applicant == clerk
    entry = app.history().get(action="submit")
    assert entry.action_label == "窗口代办提交申请" and "张敏" in entry.note and "李丽娟" in entry.note
    linyi_clerk = make_user("t_linyi_clerk", roles=["clerk"], organisation=world.linyi)
    with pytest.raises(NotFound):
        application_submit(**{**kw, "actor": linyi_clerk}, authorisation=pdf(), proxy_agent="李丽娟")
    page = login(clerk).get(f"/licensing/{app.pk}/").content.decode()
    assert "受企业委托代为提交" in page and "授权委托书" in page


# ---------------------------------------------------------------- HTTP: the apply page and the API

def test_apply_page_shows_errors_and_the_application_in_progress(world, login):
    """Rule (行政许可法 第32条): the apply page refuses an incomplete form with its Chinese messages and nothing
    saved, then shows the application already in progress with a link instead of a second one."""
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    data = {**{f"material_{k}": v for k, v in files_for(item).items()}, "field_principal": ""}
    page = client.post(f"/licensing/items/{item.code}/apply/", data).content.decode()
    assert "请填写「主要负责人」" in page and not Application.objects.exists()
    app = _submit(world)
    page = client.get(f"/licensing/items/{item.code}/apply/").content.decode()
    assert f'href="/licensing/{app.pk}/"' in page and "不要重复提交" in page


def test_api_refuses_a_duplicate_and_a_clerk_outside_its_county(world, login):
    """Rule (行政许可法 第32条; scope): the API answers 409 for an application already in progress, and 404 for a
    代办 of an enterprise outside the clerk's jurisdiction."""
    item = world.items["hazchem_operation"]
    _submit(world)
    data = {"item_code": item.code, "form": json.dumps(form_for(item, world.enterprise), ensure_ascii=False),
            **{f"material_{k}": v for k, v in files_for(item).items()}}
    r = login(world.qiye).post("/api/v1/licensing/applications", data)
    assert r.status_code == 409 and r.json()["code"] == "duplicate_application"
    clerk = make_user("t_linyi_clerk", roles=["clerk"], organisation=world.linyi)
    other = EnterpriseFactory(region_id="140802", industry="hazchem_operation")
    r = login(clerk).post("/api/v1/licensing/applications",
                          {**data, "enterprise_uscc": other.uscc, "proxy_agent": "张三", "authorisation": pdf()})
    assert r.status_code == 404


def test_comparison_normalises_width_and_spaces_and_names_the_sources():
    """Rule (行政许可法 第34条): a value typed in full-width digits or with spaces is the same value; a real difference
    names the two sources that disagree."""
    same, differs, unknown = rules.compare_with_register([
        ("address", "住所", "河东东街 ８８号", "河东东街88号", "河东东街88号"),
        ("legal_representative", "法定代表人", "王建国", "王建国", "李建国"),
        ("name", "企业名称", None, "甲公司", "乙公司")])
    assert same.flags == () and differs.flags == ("填报与营业执照不一致",)
    assert unknown.flags == ("企业名录与营业执照不一致",)
