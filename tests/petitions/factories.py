"""Organisations, staff and petitions for the petition tests."""

from __future__ import annotations

from typing import Any

from bureau.accounts.models import OrganisationKind
from bureau.petitions import services
from bureau.petitions.models import PetitionCategory
from tests.factories import OrganisationFactory, city_bureau, county_bureau, make_user


def section(code: str = "YC-S-WH", name: str = "危险化学品安全监督管理科"):  # type: ignore[no-untyped-def]
    return OrganisationFactory(code=code, name=name, kind=OrganisationKind.SECTION, region_id="140800",
                               parent=city_bureau())


class World:
    """A city bureau with a dispatching clerk, a leader, one section and two county bureaus with handlers."""

    def __init__(self) -> None:
        self.city = city_bureau()
        self.xk = section("YC-S-XK", "行政审批科")
        self.wh = section("YC-S-WH", "危险化学品安全监督管理科")
        self.yanhu = county_bureau("140802", "盐湖区应急管理局")
        self.linyi = county_bureau("140821", "临猗县应急管理局")
        self.clerk = make_user("p_clerk", roles=["clerk"], organisation=self.xk, real_name="窗口 王芳")
        self.leader = make_user("p_leader", roles=["leader"], organisation=self.city, real_name="周强")
        self.wh_officer = make_user("p_wh", roles=["inspector"], organisation=self.wh, real_name="陈磊")
        self.yanhu_officer = make_user("p_yanhu", roles=["inspector"], organisation=self.yanhu, real_name="盐湖 张")
        self.linyi_officer = make_user("p_linyi", roles=["inspector"], organisation=self.linyi, real_name="临猗 李")
        self.complaint = PetitionCategory.objects.get(code="complaint")
        self.consult = PetitionCategory.objects.get(code="consult")


def submit(world: World, **overrides: Any):  # type: ignore[no-untyped-def]
    data: dict[str, Any] = dict(actor=world.clerk, channel="hotline", category=world.complaint,
                                title="举报加油站夜间违规卸油", content="城东加油站夜间卸油无人监护。",
                                region_id="140802", petitioner_name="王先生", petitioner_phone="13912345678")
    data.update(overrides)
    return services.petition_submit(**data)
