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
                               major_criterion="工贸企业重大事故隐患判定标准 第4条" if grade == "major" else "",
                               deadline=today() + dt.timedelta(days=10) if source == "inspection" else None)
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


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00"
       b"\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def png(name: str = "after.png") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")


def pdf(name: str = "检测报告.pdf") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def bureau_hazard(w: World, *, source: str = "inspection", step: str = "reported", days: int = 30,
                  grade: str = "general") -> Any:
    """A hazard found by the county bureau, with the deadline the bureau set (today + `days`); from step
    "rectifying" on, the enterprise has planned it (keeping that deadline) and, at "awaiting_acceptance", asked for
    acceptance."""
    h = services.hazard_report(actor=w.inspector, enterprise=w.enterprise, source=source, title="灭火器压力不足",
                               found_on=today(), grade=grade, deadline=today() + dt.timedelta(days=days),
                               major_criterion="工贸企业重大事故隐患判定标准 第4条" if grade == "major" else "")
    if step == "reported":
        return h
    services.hazard_plan(actor=w.owner, hazard=h, measures="更换灭火器", deadline=None, responsible_person="李丽",
                         funds=Decimal("800"), contingency="设置临时灭火器" if grade == "major" else "")
    if step == "awaiting_acceptance":
        services.hazard_transition(actor=w.owner, hazard=h, action="request_acceptance")
    return h


def checkup_hazard(w: World, *, days: int = 30) -> tuple[Any, Any]:
    """A hazard found in an expert checkup of the enterprise (the expert's suggested deadline: today + `days`);
    returns (hazard, the expert who took part)."""
    from bureau.assistance import services as assistance
    from bureau.hazards.models import Hazard
    from tests.assistance.factories import expert

    checkup = assistance.checkup_request(actor=w.owner, specialty="hazchem", topics="储罐区")
    e = expert("高专家")
    assistance.checkup_assign(actor=w.inspector, checkup=checkup, experts=[e], planned_on=today())
    assistance.finding_add(actor=e.user, checkup=checkup, title="储罐区可燃气体报警器未校验", location="储罐区",
                           deadline=today() + dt.timedelta(days=days))
    assistance.checkup_submit(actor=e.user, checkup=checkup, summary="发现一般隐患 1 项")
    return Hazard.objects.get(source="checkup", enterprise=w.enterprise), e
