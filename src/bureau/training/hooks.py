import datetime as dt

from bureau.accounts.roles import CLERK, INDIVIDUAL, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.kernel.registry import MenuEntry, register_menu, register_portal_link
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.training import demo  # noqa: F401  (registers the demo loader)

register_menu(
    MenuEntry("培训考试", "考试计划管理", "training:manage", frozenset({SYSADMIN, LICENSING_OFFICER, SECTION_HEAD, CLERK}),
              order=40, icon="✎"),
    MenuEntry("培训考试", "考试报名", "training:plans", frozenset({INDIVIDUAL}), order=40, icon="✎"),
    MenuEntry("培训考试", "我的报名", "training:mine", frozenset({INDIVIDUAL}), order=41, icon="☰"),
)
register_portal_link(
    MenuEntry("门户", "考试报名", "training:plans", order=21),
    MenuEntry("门户", "成绩查询", "training:scores", order=22),
)
register_rules(
    RuleDefault("training.pass_mark", 80, "考试合格分数线（百分制）",
                "特种作业人员安全技术培训考核管理规定 第15条；安全生产培训管理办法：考试实行百分制，80分合格",
                dt.date(2024, 1, 1), "分"),
)
