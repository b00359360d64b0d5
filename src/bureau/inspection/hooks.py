"""How the inspection area plugs in: rules as data, menu, workbench, indicators, portal links, demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, SECTION_HEAD, SYSADMIN
from bureau.inspection import demo  # noqa: F401  (registers the demo loader)
from bureau.kernel.calendar import countdown_label
from bureau.kernel.registry import (
    Indicator,
    IndicatorQuery,
    MenuEntry,
    WorkItem,
    register_case_opened,
    register_enterprise_panel,
    register_indicators,
    register_menu,
    register_portal_link,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules

STAFF = frozenset({INSPECTOR, SECTION_HEAD, LEADER})

register_rules(
    RuleDefault("inspection.key_max_per_year", 2, "重点检查企业每年计划执法检查次数上限",
                "运城市优化营商环境30条 二.4；国办发〔2024〕54号", dt.date(2024, 1, 1), "次"),
    RuleDefault("inspection.general_max_per_year", 1, "一般企业每年双随机抽查次数上限（地方设定，待核实）",
                "运城市优化营商环境30条 二.4（无事不扰，local, verify）", dt.date(2024, 1, 1), "次"),
    RuleDefault("inspection.protected_standardization", ["1"], "检查须经分管负责人同意的标准化等级",
                "运城市优化营商环境30条 二.4（一级安全生产标准化企业）", dt.date(2024, 1, 1)),
    RuleDefault("inspection.protected_credit", ["A1", "A2"], "检查须经分管负责人同意的诚信等级",
                "运城市优化营商环境30条 二.4（安全生产诚信等级 A 级企业）", dt.date(2024, 1, 1)),
    RuleDefault("inspection.min_officers", 2, "每次执法检查的最少执法人员数",
                "行政处罚法 第42条；国办发〔2024〕54号", dt.date(2021, 7, 15), "人"),
    RuleDefault("inspection.officer_days_per_inspection", 2, "每次检查占用的人·日（两人一日，地方测算口径）",
                "安全生产年度监督检查计划编制办法（local）", dt.date(2024, 1, 1), "人·日"),
    RuleDefault("inspection.publish_working_days", 20, "双随机抽查结果公示时限",
                "双随机、一公开（国办发〔2015〕58号；domain §5）", dt.date(2024, 1, 1), "工作日"),
    RuleDefault("inspection.handover_receive_days", 5, "监管移交任务的接收期限（本地）",
                "运城市应急管理局优化营商环境30条 措施I.6（审批监管联动，本地，待核实）", unit="工作日"),
    RuleDefault("inspection.rectification_max_days", 90, "责令限期整改期限上限（地方设定）",
                "安全生产法 第65条（local, verify）", dt.date(2024, 1, 1), "天"),
    RuleDefault("inspection.draw_inline_tasks", 50, "抽取数量不超过此数时当即生成检查任务，超过则由后台任务生成",
                "系统运行参数（性能）", dt.date(2024, 1, 1), "家"),
    RuleDefault("inspection.draw_lead_minutes", 30, "双随机抽查公告后到抽取的默认间隔（公告承诺值在先，取公共随机数在后）",
                "双随机、一公开（国发〔2019〕5号 二（五）：以公开、公正的方式随机抽取）；本系统 commit-reveal 规则（local）",
                dt.date(2026, 12, 6), "分钟"),
    RuleDefault("inspection.draw_max_lead_days", 60, "双随机抽查公告的抽取时间最晚在公告后多少天",
                "本系统规则（local：企业池在公告时固定，间隔过长则与实际监管对象脱节）", dt.date(2026, 12, 6), "天"),
    RuleDefault("inspection.plan_publish_names", True, "公开年度计划时是否公开重点检查企业名称",
                "政府信息公开条例 第20条（local policy）", dt.date(2024, 1, 1)),
)

register_menu(
    MenuEntry("执法检查", "检查任务", "inspection:inspections", STAFF, order=300, icon="✓"),
    MenuEntry("执法检查", "年度检查计划", "inspection:plans", STAFF, order=301, icon="▦"),
    MenuEntry("执法检查", "双随机抽查", "inspection:draws", STAFF, order=302, icon="⚄"),
    MenuEntry("执法检查", "网上巡查", "inspection:patrols", STAFF, order=303, icon="◎"),
    MenuEntry("执法检查", "执法检查表", "inspection:checklists", STAFF | {SYSADMIN}, order=304, icon="☰"),
    MenuEntry("执法检查", "监管移交任务", "inspection:handovers", STAFF, order=305, icon="⇢"),
    MenuEntry("执法检查", "回避申报", "inspection:conflicts", frozenset({INSPECTOR}), order=305, icon="⊘"),
    MenuEntry("企业", "我的检查记录", "inspection:mine", frozenset({ENTERPRISE}), order=38, icon="✓"),
)
register_portal_link(
    MenuEntry("公开", "双随机抽查公示", "inspection:public_draws", order=40),
    MenuEntry("公开", "年度检查计划", "inspection:public_plans", order=41),
)


@register_workbench
def _work(user: Any) -> Iterable[WorkItem]:
    from bureau.inspection.models import AnnualPlan, Inspection

    if user.enterprise_id and user.has_role(ENTERPRISE):
        return _party_work(user)
    if not user.has_role(INSPECTOR, LEADER, SECTION_HEAD):
        return []
    items = []
    if user.has_role(INSPECTOR):
        for i in (Inspection.objects.restrict(user).filter(officers=user, state__in=("assigned", "on_site",
                                                                                        "rectifying"))
                  .select_related("enterprise")[:20]):
            items.append(WorkItem(f"{i.get_kind_display()}：{i.enterprise.name}", f"/inspection/inspections/{i.pk}/",
                                  "执法检查", status=i.state_label,
                                  chip="due" if i.state == "rectifying" else "running", sort_key=i.pk))
    if user.has_role(LEADER):
        for i in (Inspection.objects.restrict(user).filter(state="pending_approval",
                                                             organisation=user.organisation)
                  .select_related("enterprise")[:20]):
            items.append(WorkItem(f"检查待批准：{i.enterprise.name}", f"/inspection/inspections/{i.pk}/", "执法检查",
                                  status=i.approval_required[:40], chip="due", sort_key=i.pk))
        for p in AnnualPlan.objects.filter(state="submitted", organisation=user.organisation)[:5]:
            items.append(WorkItem(f"年度计划待审批：{p.title}", f"/inspection/plans/{p.pk}/", "执法检查",
                                  status="待审批", chip="due", sort_key=p.pk))
    if user.has_role(INSPECTOR, SECTION_HEAD) and user.organisation_id:
        from bureau.inspection.models import SupervisionHandover

        # measures I.3, I.6: enterprises handed over to this bureau's supervision, waiting to be received
        for h in (SupervisionHandover.objects.restrict(user).filter(state="open", organisation=user.organisation.bureau)
                  .select_related("enterprise")[:20]):
            label, chip = countdown_label(h.due_on)
            items.append(WorkItem(f"监管移交：{h.enterprise.name}", "/inspection/handovers/", "执法检查",
                                  status=h.get_reason_display(), due_label=label, chip=chip, sort_key=h.pk))
    return items


def _party_work(user: Any) -> list[WorkItem]:
    """The enterprise's to-dos: documents served on it waiting for its 签收, inspections under rectification."""
    from bureau.inspection.queries import pending_services, rectifying_inspections
    from bureau.inspection.services import service_owner_url

    items = [WorkItem(f"签收：{s.document.title}", f"{service_owner_url(s) or '/inspection/mine/'}#service-{s.pk}",
                      "执法检查",
                      status="待签收", due_label="待签收", chip="due", sort_key=s.delivered_at.date())
             for s in pending_services(user)]
    from bureau.kernel.calendar import countdown_label

    for i in rectifying_inspections(user, 20):
        label, chip = countdown_label(i.rectification_deadline, calendar_days=True) if i.rectification_deadline \
            else ("", "running")
        items.append(WorkItem(f"责令限期整改：{i.number}", f"/inspection/inspections/{i.pk}/", "执法检查",
                              status=i.state_label, due_label=label, chip=chip, sort_key=i.rectification_deadline))
    return items


@register_indicators
def _indicators(query: IndicatorQuery) -> list[Indicator]:
    from bureau.inspection.queries import indicator_values

    return indicator_values(query)


@register_enterprise_panel
def _panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    from bureau.inspection.queries import enterprise_panel

    return enterprise_panel(user, enterprise)


def _patrol_case_opened(actor: Any, source_id: str, case: Any) -> None:
    from bureau.inspection.services import patrol_case_opened

    patrol_case_opened(actor, source_id, case)


register_case_opened("inspection.patrolrecord", _patrol_case_opened)
