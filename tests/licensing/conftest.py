from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.accounts.models import OrganisationKind
from bureau.licensing import intake
from bureau.licensing.models import PermitItem
from bureau.licensing.reference import seed_items
from tests.factories import EnterpriseFactory, OrganisationFactory, city_bureau, county_bureau, make_user

PDF = b"%PDF-1.4\n%test\n"


def pdf(name: str = "a.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def files_for(item: PermitItem, skip: frozenset[str] = frozenset()) -> dict[int, SimpleUploadedFile]:
    """An upload for every material the enterprise uploads (not the shared ones, not the generated 申请书)."""
    return {m.pk: pdf(f"m{m.pk}.pdf") for m in item.materials.all()
            if m.requirement != "shared" and not m.generated and m.requirement not in skip}


SAMPLE = {"text": "测试内容", "textarea": "甲醇、乙醇（不带储存设施）", "integer": "12", "decimal": "150",
          "date": "2027-06-30", "phone": "13912345678"}


def form_for(item: PermitItem, enterprise: Any = None, **values: str) -> dict[str, str]:
    """A complete 申请书 form: register-sourced fields are pre-filled by the server from the register (left out
    unless the register is empty), every other field gets a plausible value; `values` override."""
    form = {}
    for f in item.form_fields.all():
        held = str(getattr(enterprise, f.source.removeprefix("register:"), "") or "") if f.source else ""
        if not held:
            form[f.key] = f.choices.split("、")[0] if f.kind == "choice" else SAMPLE.get(f.kind, "测试内容")
    return form | values


def application_submit(**kw: Any) -> Any:
    """intake.application_submit with a complete form unless the test gives one."""
    actor = kw["actor"]
    kw.setdefault("form", form_for(kw["item"], kw.get("enterprise") or actor.enterprise))
    return intake.application_submit(**kw)


@pytest.fixture
def world(db):
    """The smallest realistic setting: the city bureau with its licensing section, a county bureau, the energy
    department, an enterprise in 盐湖区 with its user, and the catalogue."""
    seed_items()
    city = city_bureau()
    section = OrganisationFactory(code="YC-S-XK", name="行政审批科", kind=OrganisationKind.SECTION, parent=city,
                                  region_id="140800")
    yanhu = county_bureau("140802", "盐湖区应急管理局")
    linyi = county_bureau("140821", "临猗县应急管理局")
    energy = OrganisationFactory(code="YC-D-NY", name="运城市能源局", kind=OrganisationKind.DEPARTMENT,
                                 region_id=None)
    enterprise = EnterpriseFactory(name="运城市河东化工贸易有限公司", region_id="140802",
                                   industry="hazchem_operation", standardization_grade="3")
    other = EnterpriseFactory(name="临猗县测试烟花有限公司", region_id="140821", industry="fireworks")
    coal = EnterpriseFactory(name="河津测试煤业有限公司", region_id="140882", industry="coal",
                             standardization_grade="1")
    return SimpleNamespace(
        city=city, section=section, yanhu=yanhu, linyi=linyi, energy=energy, enterprise=enterprise, other=other,
        coal=coal,
        officer=make_user("t_officer", roles=["licensing_officer"], organisation=section, real_name="审批 李明"),
        officer2=make_user("t_officer2", roles=["licensing_officer"], organisation=section, real_name="审批 赵静"),
        leader=make_user("t_leader", roles=["leader"], organisation=city, real_name="副局长 周强"),
        county_officer=make_user("t_linyi_officer", roles=["licensing_officer"], organisation=linyi),
        yanhu_officer=make_user("t_yanhu_officer", roles=["licensing_officer"], organisation=yanhu),
        energy_user=make_user("t_energy", roles=["department"], organisation=energy, real_name="能源局 马军"),
        qiye=make_user("t_qiye", roles=["enterprise"], enterprise=enterprise, real_name="企业 李丽娟"),
        qiye_other=make_user("t_qiye_other", roles=["enterprise"], enterprise=other),
        qiye_coal=make_user("t_qiye_coal", roles=["enterprise"], enterprise=coal),
        items={i.code: i for i in PermitItem.objects.prefetch_related("materials")},
    )
