"""Factories of the hazards tests: a county with its officers and an enterprise user, hazards at any step."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from bureau.hazards import services
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user


@dataclass
class World:
    enterprise: Any
    owner: Any  # the enterprise user
    inspector: Any  # county inspector (盐湖区)
    head: Any  # county section head
    city_leader: Any
    other_inspector: Any  # another county (临猗县)


def world() -> World:
    yanhu = county_bureau("140802")
    enterprise = EnterpriseFactory(region_id="140802")
    return World(
        enterprise=enterprise,
        owner=make_user(roles=["enterprise"], enterprise=enterprise, real_name="企业 李丽"),
        inspector=make_user(roles=["inspector"], organisation=yanhu, real_name="盐湖 张伟"),
        head=make_user(roles=["section_head"], organisation=yanhu, real_name="盐湖 孙科长"),
        city_leader=make_user(roles=["leader"], organisation=city_bureau(), real_name="市局 周强"),
        other_inspector=make_user(roles=["inspector"], organisation=county_bureau("140821"), real_name="临猗 王"),
    )


def today() -> dt.date:
    return timezone.localdate()


def hazard(w: World, *, step: str = "reported", grade: str = "general", source: str = "self_inspection",
           actor: Any = None) -> Any:
    actor = actor or (w.owner if source == "self_inspection" else w.inspector)
    h = services.hazard_report(actor=actor, enterprise=w.enterprise, source=source, title="安全出口堵塞",
                               found_on=today() - dt.timedelta(days=3), grade=grade,
                               major_criterion="工贸企业重大事故隐患判定标准 第4条" if grade == "major" else "")
    if step == "reported":
        return h
    services.hazard_plan(actor=actor, hazard=h, measures="清理通道", deadline=today() + dt.timedelta(days=10),
                         responsible_person="李丽", funds=Decimal("1000"),
                         contingency="设置临时通道" if grade == "major" else "")
    if step == "rectifying":
        return h
    services.hazard_transition(actor=actor, hazard=h, action="request_acceptance")
    if step == "awaiting_acceptance":
        return h
    services.hazard_transition(actor=w.inspector, hazard=h, action="accept")
    return h
