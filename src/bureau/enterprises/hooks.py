from bureau.accounts.roles import CLERK, ENTERPRISE, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.enterprises import demo  # noqa: F401  (registers the demo loader)
from bureau.kernel.registry import MenuEntry, register_menu

register_menu(
    MenuEntry("企业", "企业名录", "enterprises:list",
              frozenset({SYSADMIN, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, CLERK}), order=10, icon="▤"),
    MenuEntry("企业", "本企业信息", "enterprises:list", frozenset({ENTERPRISE}), order=10, icon="▤"),
    MenuEntry("企业", "分级分类监管", "enterprises:supervision", frozenset({SECTION_HEAD, LEADER}), order=11,
              icon="⇉"),
    MenuEntry("企业", "企业注册审核", "enterprises:registrations",
              frozenset({CLERK, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN}), order=12, icon="✓"),
    MenuEntry("系统管理", "企业名录导入", "enterprises:import", frozenset({SYSADMIN}), order=905, icon="⇪"),
)
