"""Measure II.7 (网上巡查): every bureau patrols its own jurisdiction under its own plans per industry and handles the
leads its patrols find. A county inspector is offered the city's plans to adopt, then records patrols."""

from __future__ import annotations

import pytest
from django.utils import timezone

from bureau.enterprises.models import Industry
from bureau.inspection import services as S
from bureau.inspection.models import PatrolPlan, PatrolRecord
from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry


def _city_plan(world, industry=Industry.HAZCHEM_OPERATION):
    return S.patrol_plan_create(actor=world.city_inspector, industry=industry, title="危化经营网上巡查计划",
                                content="视频抽查储存场所", channel="视频监控平台", every_days=30,
                                handling="电话督促整改；重大问题转现场检查或立案")


def test_a_county_inspector_adopts_the_city_plans_and_records_a_patrol_measure_ii_7(world, general, login):
    city_plan = _city_plan(world)
    c = login(world.inspector)
    page = c.get("/inspection/patrols/new/").content.decode()
    assert "还没有执行中的网上巡查计划" in page and city_plan.title in page and "采用市局计划" in page
    r = c.post("/inspection/patrols/plans/adopt/", follow=True)
    assert "已采用市局网上巡查计划" in r.content.decode()
    own = PatrolPlan.objects.get(organisation=world.yanhu)
    assert (own.adopted_from, own.region_id, own.industry) == (city_plan, "140802", city_plan.industry)
    assert AuditEntry.objects.filter(action="inspection.patrol_plan_adopt").count() == 1
    c.post("/inspection/patrols/plans/adopt/")  # adopting again adds nothing
    assert PatrolPlan.objects.filter(organisation=world.yanhu).count() == 1
    page = c.get("/inspection/patrols/new/").content.decode()
    assert f'<option value="{own.pk}">{own.title}' in page
    assert f'<option value="{city_plan.pk}">{city_plan.title}' not in page  # only the county's own plans are offered
    r = c.post("/inspection/patrols/new/", {"plan": own.pk, "enterprise": general.pk,
                                            "patrolled_on": timezone.localdate().isoformat(),
                                            "finding": "视频显示消防通道堆放杂物"}, follow=True)
    record = PatrolRecord.objects.get()
    assert record.plan == own and record.lead_state == "open"
    assert "生成线索检查任务" in c.get(f"/inspection/patrols/{record.pk}/").content.decode()  # the county handles it


def test_a_patrol_is_recorded_only_under_a_plan_of_the_officers_own_bureau(world, general):
    """A county's patrol under the city's plan would leave its lead to nobody in the county (measure II.7)."""
    city_plan = _city_plan(world)
    with pytest.raises(DomainError, match="本单位执行中的网上巡查计划"):
        S.patrol_record_create(actor=world.inspector, plan=city_plan, enterprise=general,
                               patrolled_on=timezone.localdate())
    linyi_plan = S.patrol_plan_create(actor=world.linyi_inspector, industry=Industry.HAZCHEM_OPERATION, title="临猗",
                                      content="视频", channel="视频", every_days=7, handling="转检查")
    with pytest.raises(DomainError):  # 临猗县's officer does not patrol 盐湖区's enterprise
        S.patrol_record_create(actor=world.linyi_inspector, plan=linyi_plan, enterprise=general,
                               patrolled_on=timezone.localdate())
    # the city patrols any county's enterprise under its own plan
    assert S.patrol_record_create(actor=world.city_inspector, plan=city_plan, enterprise=general,
                                  patrolled_on=timezone.localdate()).plan == city_plan
    with pytest.raises(DomainError, match="无需采用"):
        S.patrol_plans_adopt(actor=world.city_inspector)
