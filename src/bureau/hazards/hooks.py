"""How dual prevention plugs into the platform: rules as data, menu, workbench, indicators, sweeps, demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from bureau.accounts.authority import restrict_key
from bureau.accounts.roles import ENTERPRISE, EXPERT, INSPECTOR, LEADER, SECTION_HEAD, SYSADMIN
from bureau.hazards import (
    alarm_demo,  # noqa: F401  (registers the alarm intake's demo loader)
    demo,  # noqa: F401  (registers the demo loader)
)
from bureau.hazards.models import CheckState, ScheduledCheck
from bureau.kernel.links import pk_url
from bureau.kernel.prepared import PreparedRows
from bureau.kernel.registry import (
    Indicator,
    IndicatorQuery,
    MenuEntry,
    WorkItem,
    register_deadline_recomputer,
    register_enterprise_panel,
    register_indicators,
    register_menu,
    register_portal_link,
    register_schedule,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules

OFFICERS = frozenset({INSPECTOR, SECTION_HEAD, LEADER, SYSADMIN})

register_rules(
    RuleDefault("hazards.lec_thresholds", {"red": 320, "orange": 160, "yellow": 70, "strict": True},
                "LEC 法风险分级阈值：D>320 红（重大）、160<D≤320 橙（较大）、70<D≤160 黄（一般）、其余蓝（低）",
                "作业条件危险性评价法（LEC，Graham–Kinney）；《危险化学品企业安全风险分级管控实施指南》"),
    RuleDefault("hazards.lec_factor_scale",
                {"L": [0.1, 0.2, 0.5, 1, 3, 6, 10], "E": [0.5, 1, 2, 3, 6, 10], "C": [1, 3, 7, 15, 40, 100]},
                "LEC 法 L、E、C 分值表（超出分值表的取值不予接受）", "作业条件危险性评价法（LEC）分值表"),
    RuleDefault("hazards.ls_thresholds", {"red": 20, "orange": 15, "yellow": 9, "strict": False},
                "风险矩阵法 R=L×S 分级阈值：R≥20 红、15—19 橙、9—14 黄、其余蓝（各地标准不一，可调整）",
                "风险矩阵法 5×5（如 DB37/T 2882-2016 安全生产风险分级管控体系通则；本地标准待核实）"),
    RuleDefault("hazards.ls_factor_max", 5, "风险矩阵法 L、S 的最大取值（5×5 矩阵）", "风险矩阵法 5×5"),
    RuleDefault("hazards.listing_removal_working_days", 10, "申请核查销号后完成核查、销号的时限", "运城市优化营商环境30条 三.6；"
                "挂牌督办办法（地方规定）", unit="个工作日"),
    RuleDefault("hazards.overdue_reminder_every_days", 3, "超期隐患重复提醒的间隔",
                "本局隐患排查治理工作约定（local）", unit="天"),
    RuleDefault("hazards.deadline_extension_max_days", 90,
                "监管部门或专家确定的整改期限，企业申请延期时最多可延长的天数（自现整改期限起算）",
                "安全生产违法行为行政处罚办法（原国家安监总局令第15号）：不能按期整改的书面申请延期、书面答复；"
                "延期上限为本局约定（local, verify）", unit="天"),
    RuleDefault("hazards.listing_recheck_min_percent", 100, "挂牌督办申请核查销号所需的整改完成进度",
                "安全生产事故隐患排查治理暂行规定（原国家安监总局令第16号）第18条：治理工作结束后申请核查；"
                "挂牌督办办法（地方规定）", unit="%"),
    RuleDefault("hazards.evidence_types", ["jpg", "jpeg", "png", "pdf"],
                "整改佐证（照片、证书、检测报告）允许的文件类型（按文件内容校验）", "本平台规则"),
    RuleDefault("hazards.evidence_max_mb", 10, "整改佐证单个文件大小上限", "本平台规则", unit="MB"),
    RuleDefault("hazards.alarm_clear_minutes", 30,
                "监测系统报警自报警时起未在该时限内消除的，自动转为隐患线索（企业核查、制定整改方案）",
                "运城市优化营商环境30条 三.5（工业互联网+危化安全生产）；参照《危险化学品安全生产风险监测预警机制运行"
                "指南》对预警响应、消警处置的要求，时限为本局约定（local, verify）", unit="分钟"),
    RuleDefault("hazards.alarm_signature_window_seconds", 300,
                "监测报警接入报文的时间戳与平台时钟允许相差的秒数（超出的报文拒收，防止重放）", "本平台接入规范",
                unit="秒"),
    RuleDefault("hazards.alarm_batch_max", 100, "监测报警接入一次报文最多可包含的事件数", "本平台接入规范",
                unit="条"),
    RuleDefault("hazards.evidence_max_files", 20, "每项隐患或挂牌督办最多可上传的整改佐证文件数", "本平台规则",
                unit="个"),
)

register_rules(
    RuleDefault("hazards.check_schedule_ahead_hours", 48, "排查任务提前生成的时长（到期前即可在手机上看到）",
                "本平台规则", unit="小时"),
    RuleDefault("hazards.checkin_photo_min", 1, "排查打卡须上传的现场照片最少张数",
                "《安全生产法》第四十一条（隐患排查治理情况如实记录）；本平台规则", unit="张"),
    RuleDefault("hazards.checkin_photo_max", 6, "排查打卡现场照片最多张数", "本平台规则", unit="张"),
    RuleDefault("hazards.checkin_photo_max_mb", 10, "排查打卡单张照片大小上限", "本平台规则", unit="MB"),
    RuleDefault("hazards.site_plan_types", ["png", "jpg", "jpeg"], "厂区平面图允许的文件类型（按文件内容校验）",
                "本平台规则"),
    RuleDefault("hazards.site_plan_max_mb", 20, "厂区平面图文件大小上限", "本平台规则", unit="MB"),
)

register_menu(
    MenuEntry("双重预防", "隐患排查治理", "hazards:list", frozenset({*OFFICERS, ENTERPRISE, EXPERT}), order=40,
              icon="⚠"),
    MenuEntry("双重预防", "风险分级管控", "hazards:risks", frozenset({*OFFICERS, ENTERPRISE}), order=41, icon="◎"),
    MenuEntry("双重预防", "挂牌督办", "hazards:listings", frozenset({*OFFICERS, ENTERPRISE}), order=42, icon="⚑"),
    MenuEntry("双重预防", "辖区总览", "hazards:overview", OFFICERS, order=43, icon="▦"),
    MenuEntry("双重预防", "排查任务", "hazards:checks", frozenset({*OFFICERS, ENTERPRISE}), order=44, icon="✓"),
    MenuEntry("双重预防", "风险四色图", "hazards:site_map", frozenset({ENTERPRISE}), order=45, icon="▣"),
    MenuEntry("双重预防", "监测报警", "hazards:alarms", frozenset({*OFFICERS, ENTERPRISE}), order=46, icon="◉"),
)

register_portal_link(MenuEntry("公告", "重大隐患挂牌督办", "hazards:public_listings", order=60))


_OPEN_OWN: PreparedRows[Any] = PreparedRows()


@register_workbench
def hazard_work(user: Any) -> Iterable[WorkItem]:
    """Enterprise: hazards to plan/rectify and listings; officers: acceptance requests, extension requests, rechecks
    due; experts: acceptance requests of the hazards of their checkups."""
    from bureau.hazards.models import DeadlineExtension, Hazard, ListedSupervision
    from bureau.hazards.workflow import hazard_workflow
    from bureau.kernel.calendar import countdown_label

    codes = user.role_codes
    rows: Iterable[Any]
    if user.enterprise_id and ENTERPRISE in codes:
        scope = restrict_key(Hazard, user)
        rows = [] if scope is None else _OPEN_OWN.rows(  # compiled once per scope (issue 18)
            lambda: (Hazard.objects.restrict(user).filter(state__in=("reported", "rectifying"))
                     .order_by(F("deadline").asc(nulls_last=True))[:20]), key=scope)
    elif codes & (OFFICERS | {EXPERT}):
        rows = (Hazard.objects.restrict(user).filter(state="awaiting_acceptance")
                .order_by("reported_at")[:20])
    else:
        return []
    items = []
    href = pk_url("hazards:detail")
    for h in rows:
        label, chip = countdown_label(h.deadline) if h.state != "awaiting_acceptance" else ("待验收", "due")
        items.append(WorkItem(title=f"隐患：{h.title}", url=href(h.pk), area="隐患治理",
                              status=hazard_workflow.state_label(h.state),
                              due_label=label, chip=chip, sort_key=str(h.deadline or "")))
    if codes & OFFICERS:
        for ext in (DeadlineExtension.objects.restrict(user).filter(state="requested").select_related("hazard")
                    .order_by("requested_at")[:20]):
            label, chip = countdown_label(ext.current_deadline)
            items.append(WorkItem(title=f"延期申请：{ext.hazard.title}", url=reverse("hazards:detail", args=[ext.hazard_id]),
                                  area="隐患治理", status="待审批", due_label=label, chip=chip,
                                  sort_key=str(ext.current_deadline)))
        for listing in ListedSupervision.objects.restrict(user).filter(state="recheck_requested")[:20]:
            label, chip = countdown_label(listing.removal_due)
            items.append(WorkItem(title=f"督办核查销号：{listing.number}",
                                  url=reverse("hazards:listing", args=[listing.pk]), area="挂牌督办",
                                  status="待核查销号", due_label=label, chip=chip, sort_key=str(listing.removal_due)))
    return items


@register_enterprise_panel
def hazard_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    from bureau.hazards import queries

    hazards = queries.enterprise_panel_hazards(user, enterprise.pk)
    return {"title": "隐患与风险", "template": "hazards/_enterprise_panel.html",
            "context": {"hazards": hazards, "risks": queries.risk_distribution(user, enterprise.pk),
                        "enterprise": enterprise}}


@register_indicators
def hazard_indicators(query: IndicatorQuery) -> list[Indicator]:
    from bureau.hazards.models import Hazard, ListedSupervision

    hazards = Hazard.objects.all()
    listings = ListedSupervision.objects.all()
    if query.regions is not None:
        hazards = hazards.filter(region_id__in=sorted(query.regions))
        listings = listings.filter(region_id__in=sorted(query.regions))
    if query.region:
        hazards = hazards.filter(region_id=query.region)
        listings = listings.filter(region_id=query.region)
    start = timezone.make_aware(dt.datetime.combine(query.start, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time.min))
    accepted = hazards.filter(accepted_at__gte=start, accepted_at__lt=end, deadline__isnull=False)
    total = accepted.count()
    on_time = accepted.filter(accepted_at__date__lte=F("deadline")).count()
    listed = listings.filter(listed_on__range=(query.start, query.end)).count()
    removed = listings.filter(removed_on__range=(query.start, query.end))
    removed_n = removed.count()
    removed_on_time = removed.filter(Q(removal_due__isnull=True) | Q(removed_on__lte=F("removal_due"))).count()
    return [
        Indicator("hazards.rectified_on_time", "隐患按期整改率", "双重预防",
                  round(100 * on_time / total, 1) if total else None, "%", on_time, total,
                  note="期内验收的隐患中，在整改期限内完成验收的比例"),
        Indicator("hazards.major_listed", "重大隐患挂牌督办数", "双重预防", float(listed), "项",
                  note="期内挂牌督办的重大隐患"),
        Indicator("hazards.major_removed", "挂牌督办销号数", "双重预防", float(removed_n), "项"),
        Indicator("hazards.removal_on_time", "督办按时销号率", "双重预防",
                  round(100 * removed_on_time / removed_n, 1) if removed_n else None, "%", removed_on_time,
                  removed_n, note="申请核查后在规定工作日内销号的比例"),
    ]


def _schedule() -> None:
    from bureau.hazards.tasks import (
        check_schedule_generate,
        hazard_alarm_lead_sweep,
        hazard_overdue_sweep,
        missed_check_sweep,
    )

    register_schedule("hazards.overdue_sweep", hazard_overdue_sweep, every_seconds=3600)
    register_schedule("hazards.alarm_lead_sweep", hazard_alarm_lead_sweep, every_seconds=60)
    register_schedule("hazards.check_schedule", check_schedule_generate, every_seconds=3600)
    register_schedule("hazards.missed_check_sweep", missed_check_sweep, every_seconds=300)


_schedule()


@register_deadline_recomputer
def _recompute() -> int:
    from bureau.hazards.services import recompute_removal_deadlines

    return recompute_removal_deadlines()


@register_workbench
def check_work(user: Any) -> Iterable[WorkItem]:
    """Enterprise: the checks of its 排查清单 open now (check in on the phone before the period ends)."""
    if not (user.enterprise_id and ENTERPRISE in user.role_codes):
        return []
    now = timezone.now()
    rows = (ScheduledCheck.objects.restrict(user)
            .filter(state=CheckState.SCHEDULED, window_start__lte=now, missed_after__gt=now)
            .order_by("due_at", "id").values("pk", "risk_point__name", "item__content", "due_at")[:20])
    href = pk_url("hazards:check")  # reversed once (issue 18); the values, not three model instances a row
    return [WorkItem(title=f"排查：{c['risk_point__name']} · {c['item__content']}", url=href(c["pk"]),
                     area="隐患排查", status="待排查", due_label=f"{timezone.localtime(c['due_at']):%Y-%m-%d %H:%M} 前",
                     chip="due", sort_key=c["due_at"].isoformat()) for c in rows]
