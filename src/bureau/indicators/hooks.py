from bureau.accounts.roles import AUDITOR, LEADER, SECTION_HEAD, SYSADMIN
from bureau.kernel.registry import MenuEntry, register_menu

register_menu(
    MenuEntry("统计分析", "法治化营商环境指标", "indicators:index", frozenset({LEADER, SECTION_HEAD, SYSADMIN, AUDITOR}),
              order=80, icon="▦"),
)
