"""Annual plans (measure II.3: capacity, one level per enterprise per year, leader approval, publication) and
双随机 draws (measure II.4: pool, caps, recusal, publication, redo with reason, re-verification)."""

from __future__ import annotations

import pytest

from bureau.enterprises.models import Industry, SupervisionAssignment
from bureau.inspection import services as S
from bureau.inspection.models import Draw, Inspection
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


def draw(world, **kw):
    args = {"actor": world.inspector, "title": "危化经营抽查",
            "officer_ids": [world.inspector.pk, world.inspector2.pk, world.inspector3.pk], "size": 2, "seed": "s1"}
    return S.draw_make(**(args | kw))


def test_draw_pool_excludes_key_protected_capped_and_other_levels(world, key_city):
    pool_members = [world.enterprise(industry=Industry.HAZCHEM_OPERATION, credit_grade="B2") for _ in range(4)]
    world.enterprise(standardization_grade="1")
    capped = world.enterprise(credit_grade="B1")
    S.inspection_open(actor=world.city_inspector, enterprise=capped, kind="random",
                      officers=[world.city_inspector, world.city_inspector2])
    world.enterprise(region_id="140821")  # another county
    d = draw(world)
    assert d.pool == sorted(e.pk for e in pool_members)
    assert d.excluded == {"protected_count": 1, "at_cap": [capped.pk]}
    assert d.algorithm == "yc-draw-v1" and d.published_at is not None
    assert Inspection.objects.filter(draw=d, kind="random", state="assigned").count() == 2
    assert S.draw_verify(d) == (True, [])
    for i in Inspection.objects.filter(draw=d):
        assert sorted(i.officers.values_list("pk", flat=True)) == sorted(d.teams[str(i.enterprise_id)])


def test_draw_respects_caps_over_repeated_draws(world):
    for _ in range(5):
        world.enterprise(credit_grade="B1")
    draw(world, size=3, seed="one")
    second = draw(world, size=2, seed="two")
    assert len(second.pool) == 2  # the three drawn before are at the cap of a general enterprise
    with pytest.raises(DomainError, match="只有 0 家"):
        draw(world, size=1, seed="three")
    counts = Inspection.objects.values_list("enterprise_id", flat=True)
    assert len(counts) == len(set(counts)) == 5


def test_draw_filters_and_refusals(world):
    world.enterprise(industry=Industry.FIREWORKS)
    world.enterprise(industry=Industry.GAS_STATION)
    assert len(draw(world, size=1, filters={"industry": Industry.FIREWORKS}).pool) == 1
    with pytest.raises(DomainError, match="只有 1 家，少于抽取数量 5 家"):
        draw(world, size=5, filters={"industry": Industry.GAS_STATION})
    with pytest.raises(DomainError, match="至少需要 2 名"):
        draw(world, officer_ids=[world.inspector.pk])
    with pytest.raises(DomainError, match="不是本单位持证执法人员"):
        draw(world, officer_ids=[world.inspector.pk, world.linyi_inspector.pk])
    with pytest.raises(DomainError, match="任务名称"):
        draw(world, title=" ")
    assert Draw.objects.count() == 1


def test_draw_skips_a_conflicted_officer_and_refuses_when_too_few_remain(world, general):
    S.conflict_declare(actor=world.inspector, officer=world.inspector, enterprise=general, reason="亲属")
    d = draw(world, size=1)
    assert world.inspector.pk not in d.teams[str(general.pk)] and d.conflicts == [[world.inspector.pk, general.pk]]
    Inspection.objects.update(state="cancelled")
    S.conflict_declare(actor=world.inspector2, officer=world.inspector2, enterprise=general, reason="同学")
    with pytest.raises(DomainError, match="回避后可选执法人员只有 1 人"):
        draw(world, size=1, seed="again")


def test_a_redo_is_a_new_logged_draw_with_a_reason(world):
    for _ in range(4):
        world.enterprise(credit_grade="B1")
    first = draw(world)
    with pytest.raises(DomainError, match="必须说明原因"):
        draw(world, redo_of=first)
    second = draw(world, redo_of=first, redo_reason="抽取时执法人员名单有误", seed="s2")
    first.refresh_from_db()
    assert first.superseded and second.redo_of == first and second.redo_reason
    assert set(Inspection.objects.filter(draw=first).values_list("state", flat=True)) == {"cancelled"}
    with pytest.raises(DomainError, match="已被重抽取代"):
        draw(world, redo_of=first, redo_reason="再来")


def test_a_redo_is_refused_once_an_inspection_started(world):
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    first = draw(world)
    started = Inspection.objects.filter(draw=first).first()
    S.inspection_check_in(actor=started.officers.first(), inspection=started)
    with pytest.raises(DomainError, match="已有抽中企业开始检查"):
        draw(world, redo_of=first, redo_reason="x")


def test_verification_detects_a_tampered_record(world):
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    d = draw(world)
    Draw.objects.filter(pk=d.pk).update(seed="other")
    d.refresh_from_db()
    ok, problems = S.draw_verify(d)
    assert not ok and "抽中企业与记录不符" in problems


def test_a_large_draw_creates_its_tasks_in_a_background_job(world, django_capture_on_commit_callbacks):
    import datetime as dt

    from bureau.kernel.models import RuleParameter

    RuleParameter.objects.create(key="inspection.draw_inline_tasks", value=1, description="测试", source="测试",
                                 effective_from=dt.date.today())
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        d = draw(world, size=3)
        assert Inspection.objects.count() == 0
    assert len(callbacks) >= 1
    assert Inspection.objects.filter(draw=d).count() == 3
    assert S.draw_create_inspections(draw_id=d.pk, actor_id=world.inspector.pk) == 0  # idempotent
