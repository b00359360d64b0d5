import datetime as dt
from typing import Any

from bureau.accounts.authority import restrict_key
from bureau.accounts.roles import (
    CLERK,
    ENTERPRISE,
    INDIVIDUAL,
    INSPECTOR,
    LEADER,
    LICENSING_OFFICER,
    SECTION_HEAD,
    SYSADMIN,
)
from bureau.certificates import demo  # noqa: F401  (registers the demo loader)
from bureau.certificates.tasks import certificates_daily_sweep
from bureau.kernel.prepared import PreparedRows
from bureau.kernel.registry import (
    MenuEntry,
    register_backlog,
    register_enterprise_panel,
    register_indicators,
    register_menu,
    register_portal_link,
    register_schedule,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules

STAFF = frozenset({SYSADMIN, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, CLERK})

register_menu(
    MenuEntry("证照", "证照库", "certificates:list", STAFF, order=30, icon="▣"),
    MenuEntry("证照", "即将到期", "certificates:due", STAFF, order=31, icon="⏰"),
    MenuEntry("证照", "证书寄递", "certificates:mailing_list", frozenset({SYSADMIN, CLERK, LICENSING_OFFICER,
                                                                      SECTION_HEAD}), order=32, icon="✉"),
    MenuEntry("证照", "证照导入", "certificates:import", frozenset({SYSADMIN, LICENSING_OFFICER, SECTION_HEAD}),
              order=33, icon="⇪"),
    MenuEntry("证照", "我的证照", "certificates:mine", frozenset({ENTERPRISE, INDIVIDUAL}), order=30, icon="▣"),
    MenuEntry("证照", "我的寄递", "certificates:mailing_mine", frozenset({ENTERPRISE, INDIVIDUAL}), order=31, icon="✉"),
)
register_portal_link(MenuEntry("门户", "证书核验", "certificates:verify_form", order=20))

# Rules as data (measure III.8, I.10). Offsets count days before the application window closes.
register_rules(
    RuleDefault("certificates.reminder_offsets_days", [90, 60, 30, 7], "证照到期提醒：申请截止前多少天提醒（逐项各提醒一次）",
                "运城市优化营商环境30条 III.8（及时提醒延期、复审、换证）", dt.date(2024, 1, 1), "天"),
    RuleDefault("certificates.kiosk_reprint_limit", 2, "自助终端每本证书允许补打次数（首次打印以外）",
                "运城市优化营商环境30条 I.10（自助打印，防重复打印）", dt.date(2024, 1, 1), "次"),
    RuleDefault("certificates.kiosk_code_minutes", 5, "自助终端短信验证码有效时间", "本平台安全策略（等保2.0 身份鉴别）",
                dt.date(2024, 1, 1), "分钟"),
    RuleDefault("certificates.kiosk_code_max_attempts", 5, "自助终端验证码最多尝试次数", "本平台安全策略（等保2.0 身份鉴别）",
                dt.date(2024, 1, 1), "次"),
    RuleDefault("certificates.kiosk_codes_per_hour", 5, "同一身份证号每小时最多获取验证码次数", "本平台安全策略（防短信轰炸）",
                dt.date(2024, 1, 1), "次"),
)

register_schedule("certificates.daily_sweep", certificates_daily_sweep, 24 * 3600)


def _reminders_not_sent() -> int:
    from bureau.certificates.models import Reminder

    return Reminder.objects.filter(status__in=[Reminder.Status.PENDING, Reminder.Status.FAILED]).count()


register_backlog("certificate_reminders", "到期提醒中尚未发出（待发送或发送失败）的条数", _reminders_not_sent)


@register_workbench
def due_soon_items(user):  # type: ignore[no-untyped-def]
    """Staff see how many certificates of their jurisdiction must apply within 30 days."""
    from django.urls import reverse

    from bureau.certificates import queries
    from bureau.kernel.registry import WorkItem

    if not (user.role_codes & {LICENSING_OFFICER, SECTION_HEAD, LEADER}) or user.enterprise_id:
        return []
    count = queries.due_soon(user, days=30)[:501].count()
    if not count:
        return []
    label = "500+" if count > 500 else str(count)
    return [WorkItem(title=f"{label} 本证照须在30天内申请延期/复审/换证", url=reverse("certificates:due") + "?days=30",
                     area="证照", status="即将到期", chip="due", sort_key=0)]


_PANEL_CERTIFICATES: PreparedRows[Any] = PreparedRows()


@register_enterprise_panel
def enterprise_certificates(user, enterprise):  # type: ignore[no-untyped-def]
    from bureau.certificates.models import Certificate

    scope = restrict_key(Certificate, user)
    rows = [] if scope is None else _PANEL_CERTIFICATES.rows(  # compiled once per scope and enterprise (issue 18)
        lambda: Certificate.objects.restrict(user).filter(enterprise_id=enterprise.pk).select_related("type")
        .order_by("valid_until")[:20], key=(scope, enterprise.pk))
    return {"title": "证照", "template": "certificates/_enterprise_panel.html", "context": {"rows": rows}}


@register_indicators
def certificate_indicators(query):  # type: ignore[no-untyped-def]
    """Measure III.8: the share of certificates whose application window closed in the period that had been reminded
    beforehand (computed from the reminder log, never typed in)."""
    from bureau.certificates.models import Certificate, Reminder
    from bureau.kernel.registry import Indicator

    qs = Certificate.objects.filter(action_due__gte=query.start, action_due__lte=query.end)
    if query.region:
        qs = qs.filter(region_id=query.region)
    elif query.regions is not None:
        qs = qs.filter(region_id__in=sorted(query.regions))
    total = qs.count()
    reminded = qs.filter(id__in=Reminder.objects.filter(status="sent").values("certificate_id")).distinct().count()
    return [Indicator(code="certificates.reminded_share", name="证照到期前已提醒率", area="证照", unit="%",
                      value=round(100 * reminded / total, 1) if total else None, numerator=reminded,
                      denominator=total, note="申请截止日在统计期内的证照中，截止前已通过站内消息/短信提醒的比例（措施 III.8）")]
