from bureau.accounts.roles import AUDITOR, SECADMIN, SYSADMIN
from bureau.kernel.registry import MenuEntry, register_menu, register_schedule
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
