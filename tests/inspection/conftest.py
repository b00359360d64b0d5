"""A small world for the inspection tests: the city bureau and 盐湖区 with leaders and certified officers,
临猗县 with one officer, and a few enterprises with the supervision level of this year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from bureau.enterprises.models import Industry, SupervisionAssignment
from bureau.inspection.models import Checklist, ChecklistItem
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user


@dataclass
class World:
    city: Any
    yanhu: Any
    linyi: Any
    city_inspector: Any
    city_inspector2: Any
    city_leader: Any
    inspector: Any
    inspector2: Any
    inspector3: Any
    leader: Any
    linyi_inspector: Any
    uncertified: Any
    year: int

    def enterprise(self, *, level: str = "county", **kw: Any) -> Any:
        e = EnterpriseFactory(**kw)
        org = self.city if level == "city" else (self.yanhu if e.region_id == "140802" else self.linyi)
        SupervisionAssignment.objects.create(enterprise=e, year=self.year, level=level, organisation=org)
        return e


def short_checklist() -> Any:
    """A 5-item checklist in force from today for the industries the older tests inspect (危化经营/生产, 煤矿): it
    takes precedence over the shipped 2026 versions (a later effective date), so that recording every item stays
    cheap. Tests of the shipped checklists (test_checklists.py) use industries it does not cover or pass them."""
    checklist = Checklist.objects.create(
        name="测试用检查表", version="test", source="测试", effective_from=timezone.localdate(),
        industries=[Industry.HAZCHEM_OPERATION, Industry.HAZCHEM_PRODUCTION, Industry.COAL])
    for seq, (content, title, article) in enumerate([
            ("危险化学品经营许可证合法有效", "危险化学品安全管理条例", "第三十三条第一款"),
            ("危险化学品储存在专用仓库内，专人管理", "危险化学品安全管理条例", "第二十四条第一款"),
            ("重大危险源登记建档、定期检测评估监控", "中华人民共和国安全生产法", "第四十条第一款"),
            ("特种作业人员持证上岗", "中华人民共和国安全生产法", "第三十条第一款"),
            ("从业人员经安全生产教育和培训合格", "中华人民共和国安全生产法", "第二十八条第一款")], 1):
        ChecklistItem.objects.create(checklist=checklist, seq=seq, category="测试", content=content, law_title=title,
                                     law_article=article, violation_codes=["AQSCF-97-7"] if seq == 4 else [])
    return checklist


@pytest.fixture
def world(db) -> World:
    short_checklist()
    city = city_bureau()
    yanhu = county_bureau("140802", "盐湖区应急管理局")
    linyi = county_bureau("140821", "临猗县应急管理局")

    def officer(name, org, certified=True):
        return make_user(name, roles=["inspector"], organisation=org, real_name=name,
                         enforcement_id=f"1408{abs(hash(name)) % 10**6:06d}" if certified else "")

    return World(
        city=city, yanhu=yanhu, linyi=linyi,
        city_inspector=officer("市执法甲", city), city_inspector2=officer("市执法乙", city),
        city_leader=make_user("市分管领导", roles=["leader"], organisation=city, real_name="市分管领导"),
        inspector=officer("盐湖执法甲", yanhu), inspector2=officer("盐湖执法乙", yanhu),
        inspector3=officer("盐湖执法丙", yanhu),
        leader=make_user("盐湖分管领导", roles=["leader"], organisation=yanhu, real_name="盐湖分管领导"),
        linyi_inspector=officer("临猗执法甲", linyi), uncertified=officer("盐湖无证", yanhu, certified=False),
        year=timezone.localdate().year,
    )


@pytest.fixture
def general(world):
    return world.enterprise(industry=Industry.HAZCHEM_OPERATION, standardization_grade="3", credit_grade="B1")


class Clock:
    """The platform's clock moved forward in a test (django.utils.timezone.now): an announced draw's time comes."""

    def __init__(self, monkeypatch: Any) -> None:
        self.offset = dt.timedelta()
        real = timezone.now
        monkeypatch.setattr(timezone, "now", lambda: real() + self.offset)

    def advance(self, **delta: float) -> None:
        self.offset += dt.timedelta(**delta)

    def after(self, draw: Any) -> None:
        """Move to just after the draw's announced time."""
        gap = draw.draw_at - timezone.now()
        if gap > dt.timedelta():
            self.offset += gap + dt.timedelta(seconds=1)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def announce_and_draw(world: World, clock: Clock, **kw: Any) -> Any:
    """Announce a draw of 盐湖区 (the three certified officers by default), let its time come, draw it."""
    from bureau.inspection import services as S

    args = {"actor": world.inspector, "title": "危化经营抽查",
            "officer_ids": [world.inspector.pk, world.inspector2.pk, world.inspector3.pk], "size": 2}
    draw = S.draw_announce(**(args | kw))
    clock.after(draw)
    S.draw_attempt(actor=kw.get("actor", world.inspector), draw=draw)
    draw.refresh_from_db()
    return draw
