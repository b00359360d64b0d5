"""Annual plans (measure II.3: capacity, one level per enterprise per year, leader approval, publication). The
双随机 draws (measure II.4) are in test_draw_commit_reveal.py."""

from __future__ import annotations

import pytest

from bureau.enterprises.models import Industry, SupervisionAssignment
from bureau.inspection import services as S
from bureau.kernel.errors import DomainError, PermissionDenied


@pytest.fixture
def key_city(world):
    return world.enterprise(level="city", industry=Industry.HAZCHEM_PRODUCTION, is_key=True)


def test_plan_capacity_comes_from_working_days_and_officers(world):
    plan = S.plan_create(actor=world.inspector, year=world.year, other_enforcement_days=50, non_enforcement_days=30)
    assert plan.officers == 3  # the certified inspectors of 盐湖区 (the uncertified one does not count)
    assert 240 <= plan.legal_working_days <= 252
    assert plan.capacity_days == plan.legal_working_days * 3 - 80
    assert plan.capacity_inspections == plan.capacity_days // 2
    with pytest.raises(DomainError, match="已存在"):
        S.plan_create(actor=world.inspector2, year=world.year)


def test_a_county_plan_cannot_include_an_enterprise_the_city_supervises(world, key_city):
    city_plan = S.plan_create(actor=world.city_inspector, year=world.year)
    S.plan_entry_add(actor=world.city_inspector, plan=city_plan, enterprise=key_city, months=[3, 9], frequency=2)
    county_plan = S.plan_create(actor=world.inspector, year=world.year)
    with pytest.raises(DomainError, match="由运城市应急管理局（市级）负责监督检查") as exc:
        S.plan_entry_add(actor=world.inspector, plan=county_plan, enterprise=key_city, months=[5], frequency=1)
    assert exc.value.code == "double_booked"
    # without an assignment the other plan is named
    SupervisionAssignment.objects.filter(enterprise=key_city).delete()
    with pytest.raises(DomainError, match=f"已列入运城市应急管理局{world.year}年度计划（{city_plan.number}）"):
        S.plan_entry_add(actor=world.inspector, plan=county_plan, enterprise=key_city, months=[5], frequency=1)
    assert county_plan.entries.count() == 0


def test_plan_entries_are_key_enterprises_within_the_cap(world, general):
    key = world.enterprise(industry=Industry.COAL, is_key=True)
    plan = S.plan_create(actor=world.inspector, year=world.year)
    with pytest.raises(DomainError, match="一般企业实行“双随机”抽查"):
        S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=general, months=[3], frequency=1)
    with pytest.raises(DomainError, match="不超过 2 次"):
        S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=key, months=[1, 5, 9], frequency=3)
    S.inspection_open(actor=world.inspector, enterprise=key, kind="planned", officers=[world.inspector, world.inspector2])
    with pytest.raises(DomainError, match="本年已检查 1 次"):
        S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=key, months=[1, 5], frequency=2)
    S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=key, months=[6], frequency=1)


def test_plan_submit_approve_publish_and_planned_inspections(world):
    key = world.enterprise(industry=Industry.COAL, is_key=True)
    plan = S.plan_create(actor=world.inspector, year=world.year)
    with pytest.raises(DomainError, match="还没有重点检查企业"):
        S.plan_submit(actor=world.inspector, plan=plan)
    entry = S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=key, months=[4], frequency=1)
    with pytest.raises(DomainError, match="尚未批准"):
        S.inspection_open_planned(actor=world.inspector, entry=entry, officers=[world.inspector, world.inspector2])
    S.plan_submit(actor=world.inspector, plan=plan)
    with pytest.raises(PermissionDenied):
        S.plan_approve(actor=world.inspector, plan=plan)
    with pytest.raises(DomainError, match="退回理由"):
        S.plan_reject(actor=world.leader, plan=plan, note="")
    S.plan_approve(actor=world.leader, plan=plan, note="同意")
    plan.refresh_from_db()
    assert plan.state == "approved" and plan.published_at and plan.approved_by == world.leader
    inspection = S.inspection_open_planned(actor=world.inspector, entry=entry,
                                           officers=[world.inspector, world.inspector2])
    assert (inspection.kind, inspection.planned_month, inspection.state) == ("planned", 4, "assigned")
    with pytest.raises(DomainError, match="已全部安排"):
        S.inspection_open_planned(actor=world.inspector, entry=entry, officers=[world.inspector, world.inspector2])
