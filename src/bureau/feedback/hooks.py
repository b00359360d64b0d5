"""Service ratings plug into the shared screens: the 好差评 menu, the follow-ups on the workbench, the satisfaction
indicators, the follow-up deadlines recomputed when a year's holidays are published, the demo appeal."""

import datetime as dt

from bureau.accounts.roles import CLERK, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.feedback import demo, services  # noqa: F401  (demo: registers the demo loader)
from bureau.feedback.indicators import rating_indicators
from bureau.feedback.queries import followup_workbench
from bureau.kernel.registry import (
    MenuEntry,
    register_deadline_recomputer,
    register_indicators,
    register_menu,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules

register_rules(
    RuleDefault("ratings.followup_working_days", 15, "实名差评整改回访时限",
                "国务院办公厅关于建立政务服务“好差评”制度提高政务服务水平的意见（国办发〔2019〕51号）；山西省实施办法",
                dt.date(2024, 1, 1), "工作日"),
)
STAFF = frozenset({CLERK, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN})
register_menu(MenuEntry("政务服务", "好差评", "feedback:ratings", STAFF, order=63, icon="★"))
register_workbench(followup_workbench)
register_deadline_recomputer(services.recompute_provisional_deadlines)
register_indicators(rating_indicators)
