"""Measure II.3 and 安全生产法 第62条第2款: next year's annual plan is built from next year's supervision
assignments, rolled over in bulk from this year's — one level per enterprise per year."""

from __future__ import annotations

import pytest

from bureau.enterprises.services import supervision_rollover
from bureau.inspection import services as S
from bureau.kernel.errors import DomainError


def test_next_years_plan_is_built_from_the_rolled_over_assignments(world, login):
    stays = world.enterprise(is_key=True, standardization_grade="3", credit_grade="B1", name="留在盐湖区的重点企业")
    moves = world.enterprise(is_key=True, standardization_grade="3", credit_grade="B1", name="改为市级监管的重点企业")
    year = world.year + 1
    supervision_rollover(actor=world.city_leader, source_year=world.year, enterprise_ids=[stays.pk])
    supervision_rollover(actor=world.city_leader, source_year=world.year, enterprise_ids=[moves.pk],
                         organisation=world.city)
    plan = S.plan_create(actor=world.inspector, year=year, other_enforcement_days=10)
    assert plan.year == year and plan.legal_working_days > 240
    page = login(world.inspector).get(f"/inspection/plans/{plan.pk}/").content.decode()
    assert stays.name in page and moves.name not in page  # the candidates are the county's for that year
    assert "1 家未列入计划" in page
    S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=stays, months=[3, 9], frequency=2)
    with pytest.raises(DomainError, match="由运城市应急管理局（市级）负责监督检查"):
        S.plan_entry_add(actor=world.inspector, plan=plan, enterprise=moves, months=[4], frequency=1)
    S.plan_submit(actor=world.inspector, plan=plan)
    S.plan_approve(actor=world.leader, plan=plan, note="同意")
    assert plan.state == "approved" and plan.entries.get().enterprise == stays
    city_plan = S.plan_create(actor=world.city_inspector, year=year)
    S.plan_entry_add(actor=world.city_inspector, plan=city_plan, enterprise=moves, months=[4], frequency=1)


def test_a_plan_for_a_year_without_assignments_says_where_to_make_them(world, login):
    plan = S.plan_create(actor=world.inspector, year=world.year + 1)
    page = login(world.inspector).get(f"/inspection/plans/{plan.pk}/").content.decode()
    assert "还没有分级分类监管分工" in page and "/enterprises/supervision/" in page
