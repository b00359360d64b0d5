"""Measure II.8 (企业自查整改问题免罚) applies only to the self-found hazard that IS the case's violation: same violation
code or checklist item, or an officer's recorded link with a written reason (stored, shown, audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.hazards.models import Hazard
from bureau.hazards.services import hazard_report
from bureau.hazards.workflow import hazard_workflow
from bureau.inspection.models import ChecklistItem
from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry
from bureau.kernel.workflow import apply_transition
from bureau.penalties import services
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db

REASON = "企业自查台账第12条记载的即为本案焊工无证上岗问题，登记时未选违法行为"


@pytest.fixture
def w():
    return World()


def _post(client, case, **data):
    return client.post(f"/penalties/cases/{case.pk}/exemption/", {f"ex-{k}": v for k, v in data.items()})


def test_measure_II_8_unrelated_sign_hazard_does_not_exempt_the_unlicensed_welder(w, login):
    """The reported defect: an unrelated 配电室警示标志 self-inspection record exempted an unlicensed welder."""
    sign = w.self_hazard(title="配电室未设置安全警示标志", violation_code="")
    case = w.open_case()  # the inspection found the welder (AQSCF-97-7)
    client = login(w.officer)
    r = _post(client, case, kind="self_inspection", hazard=sign.pk)
    assert r.status_code == 400 and "不是同一问题" in r.content.decode()
    case.refresh_from_db()
    assert case.exemption == ""


def test_measure_II_8_form_offers_matching_hazards_first(w, login):
    sign = w.self_hazard(title="配电室未设置安全警示标志", violation_code="")
    same = w.self_hazard()
    case = w.open_case()
    page = login(w.officer).get(f"/penalties/cases/{case.pk}/").content.decode()
    group_same, group_other = page.index('label="与本案违法行为相同"'), page.index('label="其他自查隐患（须写明关联理由）"')
    assert group_same < page.index(same.number) < group_other < page.index(sign.number)


def test_measure_II_8_officer_link_with_reason_is_stored_shown_and_audited(w, login):
    sign = w.self_hazard(title="焊工持证情况自查（台账第12条）", violation_code="")
    case = w.open_case()
    client = login(w.officer)
    r = _post(client, case, kind="self_inspection", hazard=sign.pk, link_reason="同一问题")
    assert r.status_code == 400 and "过于简单" in r.content.decode()
    assert _post(client, case, kind="self_inspection", hazard=sign.pk, link_reason=REASON).status_code == 302
    case.refresh_from_db()
    assert case.exemption == "self_inspection" and case.exempt_link_reason == REASON and REASON in case.exemption_basis
    assert REASON in client.get(f"/penalties/cases/{case.pk}/").content.decode()
    entry = AuditEntry.objects.filter(action="penalties.propose_exemption").latest("pk")
    assert entry.data["link_reason"] == REASON and entry.data["hazard"] == sign.pk


def test_measure_II_8_same_code_needs_no_reason_and_the_code_can_come_from_the_form(w):
    own = w.self_hazard(violation_code="AQSCF-97-3", title="新员工未经岗前培训")
    case = w.open_case(hazard=w.inspection_hazard(title="新员工未经培训上岗", violation_code=""))
    with pytest.raises(DomainError, match="未确定本案违法行为"):
        services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=own)
    services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=own,
                                    violation_code="AQSCF-97-3")
    assert case.exemption == "self_inspection" and case.exempt_link_reason == "" and "AQSCF-97-3" in case.exemption_basis


def test_measure_II_8_same_checklist_item_matches(w):
    item = ChecklistItem.objects.order_by("pk").first()
    assert item is not None  # the seeded checklists
    own = hazard_report(actor=w.company_user, enterprise=w.enterprise, source="self_inspection", title=item.content,
                        found_on=timezone.localdate(), checklist_item=item)
    apply_transition(hazard_workflow, own, "plan", actor=w.company_user, note="整改方案")
    finding = hazard_report(actor=w.officer, enterprise=w.enterprise, source="inspection", title=item.content,
                            found_on=timezone.localdate(), checklist_item=item,
                            deadline=timezone.localdate() + dt.timedelta(days=15))
    case = w.open_case(hazard=finding)
    services.case_propose_exemption(actor=w.officer, case=case, kind="self_inspection", hazard=own)
    assert "同一检查项" in case.exemption_basis


def test_a_hazard_records_only_a_violation_code_in_force(w):
    with pytest.raises(DomainError, match="不在.*有效的裁量基准中"):
        w.self_hazard(violation_code="NO-SUCH-CODE")
    with pytest.raises(DomainError, match="不在"):  # the 警示标志 rows of 晋应急发〔2021〕260号 lapsed on 2024-10-31
        w.self_hazard(violation_code="SX2021-99-1")


def test_enterprise_records_the_violation_with_its_self_found_hazard(w, login):
    client = login(w.company_user)
    form = client.get("/hazards/new/").content.decode()
    assert "对应违法行为" in form and "AQSCF-97-7" in form
    r = client.post("/hazards/new/", {"title": "焊工1名证书未取得", "found_on": timezone.localdate().isoformat(),
                                      "grade": "general", "violation_code": "AQSCF-97-7"})
    assert r.status_code == 302
    assert Hazard.objects.get(title="焊工1名证书未取得").violation_code == "AQSCF-97-7"
