"""How proactive service plugs into the platform: rules as data, menu, workbench, indicators, demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from bureau.accounts.roles import (
    AGENCY,
    DEPARTMENT,
    ENTERPRISE,
    EXPERT,
    INDIVIDUAL,
    INSPECTOR,
    LEADER,
    PARK_COMMITTEE,
    SECTION_HEAD,
    SYSADMIN,
)
from bureau.assistance import demo  # noqa: F401  (registers the demo loader)
from bureau.assistance.services import RATING_TYPE, checkup_rateable
from bureau.kernel.registry import (
    Indicator,
    IndicatorQuery,
    MenuEntry,
    WorkItem,
    register_indicators,
    register_menu,
    register_portal_link,
    register_rateable,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules

OFFICERS = frozenset({INSPECTOR, SECTION_HEAD, LEADER, SYSADMIN})

register_rules(
    RuleDefault("assistance.finding_max_photos", 6, "专家体检每个问题可上传的现场照片数",
                "本平台规则（手机端上传，控制存储与流量）", unit="张"),
    RuleDefault("assistance.photo_max_mb", 10, "现场照片单张大小上限", "本平台规则", unit="MB"),
    RuleDefault("assistance.checkup_fee_per_expert_day", 1500, "安全体检专家劳务费标准（政府买单）",
                "运城市安全生产专家服务劳务费标准（local，待核实）", unit="元/人·日"),
    RuleDefault("assistance.agency_spotcheck_points", {"qualified": 0, "minor": -5, "serious": -20},
                "评价报告抽查结论对应的机构信用分值变化",
                "安全评价检测检验机构管理办法（应急管理部令第1号）；本市机构信用评价细则（local，待核实）"),
    RuleDefault("assistance.observation_industries", ["hazchem_production"],
                "可报名双重预防机制建设观摩的企业行业类别（行业代码列表）",
                "运城市优化营商环境30条 三.5：每年组织全市危化生产企业分批次到省厅确定的试点企业进行现场观摩、指导、视频交流"),
    RuleDefault("assistance.park_progress_max_files", 6, "园区整治进展每次可上传的附件数", "本平台规则（控制存储与流量）",
                unit="个"),
    RuleDefault("assistance.first_use_panel_min", 5, "首次使用化工工艺安全可靠性论证专家组最少人数",
                "本平台规则：论证专家组由省应急管理厅组织，参照建设项目安全设施设计审查专家组不少于5人的通行做法",
                unit="人"),
    RuleDefault("assistance.supporting_specialties",
                {"hazchem": ["process", "electrical", "fire"], "mining": ["electrical"], "coal": ["electrical"],
                 "metallurgy": ["electrical", "fire"], "fireworks": ["fire", "electrical"]},
                "安全体检专家组成员可具备的配合专业（组长须具备体检所需专业）",
                "运城市优化营商环境30条 三.1：按企业需求从专家库选派相关专业专家（local，待核实）"),
    RuleDefault("assistance.checkup_team_size", 2, "随机抽取/轮换指派的专家人数（默认）", "本平台规则", unit="人"),
    RuleDefault("assistance.report_max_mb", 50, "评价报告文件大小上限", "本平台规则", unit="MB"),
    RuleDefault("assistance.agency_credit_base", 100, "安全评价机构信用基础分", "本市机构信用评价细则（local，待核实）",
                unit="分"),
)

register_menu(
    MenuEntry("主动服务", "安全体检", "assistance:checkups", frozenset({*OFFICERS, ENTERPRISE, EXPERT}), order=50,
              icon="✚"),
    MenuEntry("主动服务", "专家库", "assistance:experts", OFFICERS, order=51, icon="☺"),
    MenuEntry("主动服务", "化工园区整治", "assistance:parks", frozenset({*OFFICERS, PARK_COMMITTEE}), order=52,
              icon="⌂"),
    MenuEntry("主动服务", "首次使用工艺论证", "assistance:first_use", frozenset({*OFFICERS, ENTERPRISE, DEPARTMENT}),
              order=53, icon="⚗"),
    MenuEntry("主动服务", "双重预防观摩", "assistance:observations", frozenset({*OFFICERS, ENTERPRISE}), order=54,
              icon="◉"),
    MenuEntry("主动服务", "安全评价机构", "assistance:agencies", frozenset({*OFFICERS, AGENCY}), order=55, icon="▣"),
    MenuEntry("主动服务", "工伤预防培训", "assistance:courses", frozenset({*OFFICERS, ENTERPRISE, DEPARTMENT, INDIVIDUAL}),
              order=56,
              icon="✎"),
)


register_portal_link(MenuEntry("公告", "安全评价机构名录", "assistance:public_agencies", order=65))
register_rateable(RATING_TYPE, checkup_rateable)


@register_workbench
def assistance_work(user: Any) -> Iterable[WorkItem]:
    from bureau.assistance.models import Checkup
    from bureau.assistance.workflow import checkup_workflow

    codes = user.role_codes
    if EXPERT in codes:
        rows = Checkup.objects.restrict(user).filter(state="assigned").select_related("enterprise")[:20]
    elif codes & OFFICERS and not user.enterprise_id:
        rows = Checkup.objects.restrict(user).filter(state__in=("requested", "submitted")) \
            .select_related("enterprise")[:20]
    else:
        return []
    return [WorkItem(title=f"安全体检：{c.enterprise.name}", url=reverse("assistance:checkup", args=[c.pk]),
                     area="安全体检", status=checkup_workflow.state_label(c.state),
                     due_label=str(c.planned_on or ""), chip="due" if c.state == "requested" else "running")
            for c in rows]


@register_indicators
def assistance_indicators(query: IndicatorQuery) -> list[Indicator]:
    from bureau.assistance.models import Checkup

    qs = Checkup.objects.filter(visited_on__range=(query.start, query.end))
    if query.regions is not None:
        qs = qs.filter(region_id__in=sorted(query.regions))
    if query.region:
        qs = qs.filter(region_id=query.region)
    done = qs.count()
    cost = qs.filter(state="settled").aggregate(total=Sum("cost"))["total"]
    return [
        Indicator("assistance.checkups_done", "专家安全体检企业数", "主动服务", float(done), "家次"),
        Indicator("assistance.checkup_cost", "安全体检政府购买服务金额", "主动服务",
                  float(cost) if cost is not None else None, "元", higher_is_better=False),
    ]


@register_workbench
def park_committee_work(user: Any) -> Iterable[WorkItem]:
    """The park's management committee (measure III.3): its park's remediation items not yet done, the earliest
    deadline first; past their 完成时限 they show as overdue. Only its own park (the grant of the model)."""
    from bureau.assistance.models import ParkRemediationItem

    if PARK_COMMITTEE not in user.role_codes:
        return []
    today = timezone.localdate()
    rows = (ParkRemediationItem.objects.restrict(user).exclude(status=ParkRemediationItem.Status.DONE)
            .select_related("park").order_by("deadline", "id")[:20])
    items = []
    for item in rows:
        late = item.deadline < today
        chip = "overdue" if late else "due" if item.deadline <= today + dt.timedelta(days=30) else "running"
        items.append(WorkItem(
            title=f"园区整治：{item.title}（{item.park.name}，进度 {item.percent}%）",
            url=reverse("assistance:park_item", args=[item.pk]), area="化工园区整治",
            status="已超期" if late else item.get_status_display(),
            due_label=f"{item.deadline.year}年{item.deadline.month}月{item.deadline.day}日", chip=chip,
            sort_key=item.deadline.toordinal()))
    return items
