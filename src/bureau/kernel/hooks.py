import datetime as dt

from bureau.accounts.roles import AUDITOR, SECADMIN, SYSADMIN
from bureau.kernel.registry import MenuEntry, register_menu, register_schedule
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.kernel.tasks import housekeeping, write_audit_checkpoint

register_menu(
    MenuEntry("工作台", "我的待办", "workbench", order=0, icon="◎"),
    MenuEntry("工作台", "站内消息", "inbox", order=1, icon="✉"),
    MenuEntry("系统管理", "审计日志", "kernel:audit", frozenset({SYSADMIN, AUDITOR, SECADMIN}), order=900, icon="⛨"),
    MenuEntry("系统管理", "工作日历", "kernel:calendar", frozenset({SYSADMIN}), order=901, icon="▦"),
    MenuEntry("系统管理", "配置管理", "admin:index", frozenset({SYSADMIN, SECADMIN}), order=910, icon="⚙"),
)

register_schedule("kernel.audit_checkpoint", write_audit_checkpoint, 24 * 3600)
register_schedule("kernel.housekeeping", housekeeping, 3600)
register_rules(
    RuleDefault("kernel.earliest_event_date", "2002-11-01",
                "登记的安全生产事件（隐患发现、检查、诉求受理等）日期的最早值；更早的日期视为录入错误",
                "《中华人民共和国安全生产法》（2002年11月1日起施行）：本平台登记的事件均在其后",
                effective_from=dt.date(2002, 11, 1), unit="日期"),
)
