"""Demo petitions: routing rules, limits, and tickets in every state of the loop."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bureau.accounts.models import Organisation, User
from bureau.kernel.demo_photos import site_photo
from bureau.kernel.registry import register_demo
from bureau.petitions import outbox, services
from bureau.petitions.models import HandlingLimit, Petition, PetitionCategory, RoutingRule
from bureau.petitions.simulator import Receiver

SAMPLES = [
    ("complaint", "举报某加油站夜间违规卸油", "{e}夜间十一点左右油罐车卸油，现场无人监护，附近有居民楼，存在安全隐患。"),
    ("complaint", "反映化工企业异味扰民", "{e}近一周每天傍晚有刺鼻气味，担心有毒气体泄漏，请相关部门检查。"),
    ("consult", "咨询危险化学品经营许可证办理材料", "我公司准备经营危险化学品（不带储存），需要准备哪些材料，在哪里办理？"),
    ("consult", "特种作业操作证复审时间", "我的低压电工证快到期了，复审需要什么材料，可以网上办理吗？"),
    ("suggest", "建议简化烟花爆竹零售许可流程", "零售点每年都要重新提交同样的材料，建议对无变化的直接延续。"),
    ("help", "企业想申请安全体检服务", "我们是小微企业，想请专家来做一次安全检查，怎么申请？"),
    ("complaint", "举报非法储存烟花爆竹", "{e}附近民房内大量存放烟花爆竹，春节前有人进出搬运。"),
    ("suggest", "执法检查希望提前告知材料清单", "每次检查要准备的材料不一样，希望提前公布检查事项清单。"),
]


@register_demo("petitions", order=70)
def load(ctx: Any) -> None:
    rng = ctx.rng
    cats = {c.code: c for c in PetitionCategory.objects.all()}
    source = "运城市12345政务服务便民热线工单办理规定（地方）"
    HandlingLimit.objects.get_or_create(category=cats["consult"], urgency="normal", defaults={
        "amount": 3, "unit": "working_days", "source": source + "：咨询类3个工作日", "effective_from": dt.date(2024, 1, 1)})
    orgs = {o.code: o for o in Organisation.objects.all()}
    RoutingRule.objects.create(order=10, name="许可咨询→行政审批科", category=cats["consult"],
                               keywords="许可 证 办理 审批", target=orgs.get("YC-S-XK"), source="局内职责分工")
    RoutingRule.objects.create(order=20, name="危化举报→危化科", category=cats["complaint"],
                               keywords="化工 危险化学品 气体 泄漏", target=orgs.get("YC-S-WH"), source="局内职责分工")
    RoutingRule.objects.create(order=30, name="举报投诉→属地县级局", category=cats["complaint"], to_region_bureau=True,
                               source="信访工作条例 第4条 属地管理")
    RoutingRule.objects.create(order=90, name="其余→政策法规科", target=orgs.get("YC-S-ZF"), source="局内职责分工")

    window = User.objects.get(username="window")
    regions = ["140802", "140821", "140882", "140881", "140823"]
    now = timezone.now()
    for i in range(24):
        cat, title, text = SAMPLES[i % len(SAMPLES)]
        region = rng.choice(regions)
        received = now - dt.timedelta(days=rng.randrange(1, 150), hours=rng.randrange(0, 10))
        channel = rng.choice(["hotline", "mailbox", "window"])
        petition, _code = services.petition_submit(
            actor=window, channel=channel, category=cats[cat], title=title,
            content=text.format(e=rng.choice(["城东某加油站", "工业园区某化工厂", "某烟花爆竹店"])), region_id=region,
            petitioner_name=rng.choice(["王先生", "李女士", "张先生", "赵女士"]),
            petitioner_phone=f"139{rng.randrange(10**7, 10**8)}", received_at=received,
            hotline_ref=f"YC12345-2026{i:05d}" if channel == "hotline" else None)
        stage = i % 6
        if stage == 0:
            continue
        services.petition_dispatch(actor=window, petition=petition)
        if stage == 1:
            continue
        handler = User.objects.filter(organisation=petition.assigned_org, is_active=True).first()
        if handler is None:
            continue
        handler.role_codes  # noqa: B018
        try:
            services.petition_accept(actor=handler, petition=petition)
            if stage == 2:
                continue
            services.petition_reply(actor=handler, petition=petition,
                                    reply="经核查，已责令相关单位整改，并将持续跟踪。感谢您的监督。")
            # demo history: the reply went out a few days after receipt (most of them on time)
            replied = received + dt.timedelta(days=rng.choice([1, 2, 3, 4, 6, 9]), hours=2)
            Petition.objects.filter(pk=petition.pk).update(replied_at=replied,
                                                           replied_on_time=petition.due_at is not None
                                                           and replied <= petition.due_at)
            services.petition_close(actor=window, petition=petition)
            if stage == 3:
                continue
            services.petition_rate(actor=None, petition=petition, level=rng.choice([5, 5, 4, 4, 3, 2]),
                                   comment="处理及时" if stage != 5 else "")
        except Exception:  # noqa: BLE001  (a demo user without the role: leave the ticket where it is)
            continue
    _two_way_12345(window, cats)
    # an old ticket nobody dispatched: the escalation sweep presses the dispatchers (and repeats daily)
    services.petition_submit(
        actor=window, channel="mailbox", category=cats["complaint"], title="举报小区地下室违规存放液化气钢瓶",
        content="解州镇某小区地下室堆放十余个液化气钢瓶，无人看管。", region_id="140802", petitioner_name="刘先生",
        petitioner_phone="13934561234", received_at=now - dt.timedelta(days=3),
        location_address="盐湖区解州镇关帝庙东侧小区")
    services.overdue_sweep()


def _two_way_12345(window: User, cats: dict[str, PetitionCategory]) -> None:
    """A 12345 ticket with a site photo, answered and reported back to the platform through the outbox (delivered
    to the in-process simulator; `manage.py hotline_simulator` serves the same receiver over HTTP)."""
    platform, _ = User.objects.get_or_create(username="hotline12345", defaults={"real_name": "运城市12345热线平台"})
    petition, _code = services.petition_submit(
        actor=platform, channel="hotline", category=cats["complaint"], title="举报加油站卸油时周边有人吸烟",
        content="城西某加油站今天下午卸油时，有人在卸油口附近吸烟，无人制止。", region_id="140802",
        petitioner_name="孙女士", petitioner_phone="13835551234", hotline_ref="YC12345-2026DEMO1",
        hotline_client=platform, photos=[site_photo("12345 2026-12-04", seed=12345)],
        location_address="盐湖区机场路城西加油站", latitude=35.031640, longitude=110.968210)
    yanhu = Organisation.objects.filter(code="YC-140802").first() or services.route(petition)[0]
    services.petition_dispatch(actor=window, petition=petition, target=yanhu)
    handler = User.objects.filter(organisation=petition.assigned_org, is_active=True, roles__code="inspector").first()
    if handler is None:
        return
    services.petition_accept(actor=handler, petition=petition)
    services.petition_reply(actor=handler, petition=petition,
                            reply="经现场检查，该加油站卸油作业未设置警戒区，已责令立即整改并约谈负责人，处罚程序已启动。")
    outbox.deliver_due(adapter=Receiver())
