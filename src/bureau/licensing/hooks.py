"""How licensing plugs into the shared screens: menu, workbench, rules, indicators, portal, sweeps, demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Avg, Count, F, Q

from bureau.accounts.roles import CLERK, DEPARTMENT, ENTERPRISE, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.kernel.calendar import countdown_label
from bureau.kernel.registry import (
    Indicator,
    IndicatorQuery,
    MenuEntry,
    RateableService,
    SharedSource,
    WorkItem,
    register_deadline_recomputer,
    register_enterprise_panel,
    register_indicators,
    register_menu,
    register_portal_link,
    register_rateable,
    register_schedule,
    register_shared_source,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.licensing import (  # noqa: F401  (register their grant hooks: measures I.6, I.7)
    demo,  # noqa: F401  (registers the demo loader)
    intake,
    joint_check,
    special_paths,
)

AREA = "行政审批"

register_rules(
    RuleDefault("licensing.intake_days", 5, "受理期限：收到申请后作出受理决定或一次性告知补正的期限",
                "《中华人民共和国行政许可法》第三十二条", unit="工作日"),
    RuleDefault("licensing.extension_days", 10, "经本机关负责人批准可延长的审批期限",
                "《中华人民共和国行政许可法》第四十二条", unit="工作日"),
    RuleDefault("licensing.parallel_opinion_days", 10, "并联审查各方提出意见的期限（本地规定）",
                "运城市应急管理局优化营商环境30条 措施I.5（本地，待核实）", unit="工作日"),
    RuleDefault("licensing.commitment_remind_days", 3, "容缺承诺到期前提醒的工作日数",
                "运城市应急管理局优化营商环境30条 措施I.3（本地）", unit="工作日"),
    RuleDefault("licensing.review_rectification_max_days", 60, "审查发现问题接受整改承诺的，承诺整改期限最长工作日数",
                "运城市应急管理局优化营商环境30条 措施I.3：对可限期整改的问题出具限期完成整改承诺（本地，待核实）", unit="工作日"),
    RuleDefault("licensing.upload_max_mb", 20, "申请材料单个文件大小上限", "网上办事大厅技术规范（本地）", unit="MB"),
    RuleDefault("licensing.lookup_limit", 10, "每个来源地址每10分钟查询办件进度失败（编号或查询码不符）的次数上限", "防止查询码被猜测（本地）",
                unit="次"),
    RuleDefault("licensing.lookup_number_limit", 5, "同一办件编号每10分钟查询失败（查询码不符）的次数上限（不论来源地址）",
                "防止查询码被猜测（本地）", unit="次"),
    RuleDefault("licensing.lookup_window_seconds", 600, "办件进度查询失败计数的时间窗", "防止查询码被猜测（本地）", unit="秒"),
)

register_menu(
    MenuEntry("行政审批", "审批工作台", "licensing:queue", frozenset({LICENSING_OFFICER, CLERK, SYSADMIN}), order=20,
              icon="✎"),
    MenuEntry("行政审批", "待我审批", "licensing:approvals", frozenset({LEADER, SECTION_HEAD}), order=21, icon="✔"),
    MenuEntry("行政审批", "全部办件", "licensing:all", frozenset({LICENSING_OFFICER, CLERK, LEADER, SECTION_HEAD,
                                                             SYSADMIN}), order=22, icon="☰"),
    MenuEntry("行政审批", "我要办事", "licensing:catalogue", frozenset({ENTERPRISE}), order=20, icon="✚"),
    MenuEntry("行政审批", "我的申请", "licensing:mine", frozenset({ENTERPRISE}), order=21, icon="☰"),
    MenuEntry("行政审批", "窗口代办", "licensing:catalogue", frozenset({CLERK}), order=23, icon="✚"),
    MenuEntry("行政审批", "并联审查", "licensing:department", frozenset({DEPARTMENT}), order=20, icon="⇄"),
)
register_portal_link(
    MenuEntry("门户", "办事指南", "licensing:guide", order=10),
    MenuEntry("门户", "办件查询", "licensing:progress", order=11),
)


def _item(app: Any, status: str | None = None) -> WorkItem:
    label, chip = countdown_label(app.due_on)
    return WorkItem(title=f"{app.number} {app.item.name} · {app.enterprise.name}", url=f"/licensing/{app.pk}/",
                    area=AREA, status=status or app.state_label, due_label=label, chip=chip,
                    sort_key=app.due_on or dt.date.max)


@register_workbench
def workbench(user: Any) -> Iterable[WorkItem]:
    from bureau.licensing import queries
    from bureau.licensing.models import Opinion
    from bureau.licensing.workflow import WORKFLOW

    codes = user.role_codes
    if codes & {LICENSING_OFFICER, CLERK}:
        for app in queries.officer_queue(user).exclude(state__in=["pending_decision", "extension_requested"])[:100]:
            yield _item(app)
    if codes & {LEADER, SECTION_HEAD}:
        for app in queries.leader_approvals(user)[:100]:
            yield _item(app, "待审批：" + app.state_label)
    if ENTERPRISE in codes and user.enterprise_id:
        for row in queries.enterprise_open_applications(user, 50):  # values, not four instances a row (issue 18)
            number, item_name, due = row["number"], row["item__name"], row["decision_due"]
            state_label = WORKFLOW.state_label(row["state"])
            if row["state"] == "correction":
                yield WorkItem(title=f"{number} {item_name}：请补正材料", url=f"/licensing/{row['pk']}/",
                               area=AREA, status=state_label, chip="due")
            else:
                yield WorkItem(title=f"{number} {item_name}", url=f"/licensing/{row['pk']}/", area=AREA,
                               status=state_label, due_label=f"预计 {due:%Y-%m-%d} 前决定" if due else "",
                               chip="running", sort_key=due or dt.date.max)
        for c in queries.commitments_due_rows(user, 50):
            app = c.application
            if c.status == "unsigned":
                yield WorkItem(title=f"{app.number} 请签署容缺承诺书", url=f"/licensing/{app.pk}/", area=AREA,
                               status="待签署", chip="due")
            else:
                label, chip = countdown_label(c.deadline)
                yield WorkItem(title=f"{app.number} 容缺材料补交：{c.missing_text}", url=f"/licensing/{app.pk}/",
                               area=AREA, status=c.get_status_display(), due_label=label, chip=chip,
                               sort_key=c.deadline)
    if DEPARTMENT in codes and user.organisation_id:
        for op in Opinion.objects.filter(organisation_id=user.organisation_id, given_at__isnull=True).select_related(
                "application", "application__item", "application__enterprise")[:100]:
            label, chip = countdown_label(op.due_on)
            yield WorkItem(title=f"并联审查 {op.application.number} {op.application.item.name}",
                           url=f"/licensing/{op.application_id}/", area=AREA, status="待提出意见", due_label=label,
                           chip=chip, sort_key=op.due_on)


@register_deadline_recomputer
def recompute() -> int:
    from bureau.licensing.services import recompute_provisional

    return recompute_provisional()


@register_enterprise_panel
def enterprise_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    from bureau.licensing import queries

    apps, commitments = queries.enterprise_panel_rows(user, enterprise.pk)
    if not apps and not commitments:
        return None
    return {"title": "行政许可与容缺承诺", "template": "licensing/_enterprise_panel.html",
            "context": {"apps": apps, "commitments": commitments}}


def _ratio(num: float | None, den: float | None) -> float | None:
    if not den or num is None:
        return None
    return round(100.0 * num / den, 1)


@register_indicators
def indicators(query: IndicatorQuery) -> list[Indicator]:
    """Measure II.1: the approval indicators, from live data (None when there is no data)."""
    from bureau.licensing.models import Application, Commitment, PermitItem

    apps = Application.objects.filter(submitted_on__gte=query.start, submitted_on__lte=query.end)
    decided = Application.objects.filter(decided_on__gte=query.start, decided_on__lte=query.end)
    commitments = Commitment.objects.filter(deadline__gte=query.start, deadline__lte=query.end)
    if query.region:
        apps, decided = apps.filter(region_id=query.region), decided.filter(region_id=query.region)
        commitments = commitments.filter(application__region_id=query.region)
    elif query.regions is not None:
        apps, decided = apps.filter(region_id__in=query.regions), decided.filter(region_id__in=query.regions)
        commitments = commitments.filter(application__region_id__in=query.regions)
    a = apps.aggregate(total=Count("id"), online=Count("id", filter=Q(applicant__enterprise__isnull=False)),
                       accepted=Count("id", filter=Q(accepted_on__isnull=False)),
                       tolerated=Count("id", filter=Q(tolerated=True)))
    d = decided.aggregate(total=Count("id"), on_time=Count("id", filter=Q(decided_on__lte=F("decision_due"))),
                          avg_days=Avg("handling_days"))
    i = PermitItem.objects.filter(is_active=True).aggregate(p=Avg("promised_days"), s=Avg("statutory_days"),
                                                            n=Count("id"))
    c = commitments.aggregate(kept=Count("id", filter=Q(status="fulfilled")),
                              broken=Count("id", filter=Q(status="overdue")))
    closed = (c["kept"] or 0) + (c["broken"] or 0)
    return [
        Indicator("licensing.online_share", "全程网办率", AREA, _ratio(a["online"], a["total"]), "%",
                  a["online"], a["total"], "网上提交的申请占全部申请"),
        Indicator("licensing.promised_vs_statutory", "承诺时限占法定时限比例", AREA,
                  _ratio(i["p"], i["s"]) if i["n"] else None, "%", i["p"], i["s"],
                  "启用事项平均承诺时限 / 平均法定时限", higher_is_better=False),
        Indicator("licensing.avg_handling_days", "平均实际办理时间", AREA,
                  round(float(d["avg_days"]), 1) if d["avg_days"] is not None else None, "个工作日",
                  note="受理至决定，扣除专家评审等暂停时间", higher_is_better=False),
        Indicator("licensing.on_time_rate", "按时办结率", AREA, _ratio(d["on_time"], d["total"]), "%",
                  d["on_time"], d["total"]),
        Indicator("licensing.tolerance_share", "容缺受理占比", AREA, _ratio(a["tolerated"], a["accepted"]), "%",
                  a["tolerated"], a["accepted"]),
        Indicator("licensing.commitments_kept", "容缺承诺履行率", AREA, _ratio(c["kept"], closed), "%",
                  c["kept"], closed, "到期承诺中按期补齐材料的比例"),
    ]


def _schedule() -> None:
    from bureau.licensing.tasks import licensing_daily_sweep

    register_schedule("licensing.daily_sweep", licensing_daily_sweep, 6 * 3600)


_schedule()


FINAL_STATES = ("granted", "refused", "rejected", "filed")


def rateable_application(user: Any, service_id: str) -> RateableService | None:
    """The enterprise that applied may rate a completed application (好差评, measure III.10)."""
    from bureau.licensing.models import Application
    from bureau.licensing.services import authority_of

    if not getattr(user, "enterprise_id", None) or not service_id.isdigit():
        return None
    application = (Application.objects.restrict(user).select_related("item")
                   .filter(pk=int(service_id), enterprise_id=user.enterprise_id, state__in=FINAL_STATES).first())
    if application is None:
        return None
    return RateableService(f"行政许可：{application.item.name}（{application.number}）", application.region_id,
                           authority_of(application))


register_rateable("licensing.application", rateable_application)

# What the platform itself holds, fetched at submission instead of asked for (measure I.2): the enterprise register
# and the bureau's own certificate register (the market regulator's business licence is the portal's adapter).
register_shared_source(SharedSource("legal_representative", "企业名录", intake.fetch_legal_representative))
register_shared_source(SharedSource("standardization_grade", "企业名录", intake.fetch_standardization_grade))
register_shared_source(SharedSource("personnel_certificates", "本局证照库", intake.fetch_personnel_certificates,
                                    intake.personnel_warnings))
