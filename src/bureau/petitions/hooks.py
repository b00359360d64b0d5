import datetime as dt

from bureau.accounts.roles import CLERK, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.kernel.registry import (
                                    MenuEntry,
                                    register_deadline_recomputer,
                                    register_indicators,
                                    register_menu,
                                    register_schedule,
                                    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.petitions import (
                                    demo,  # noqa: F401  (registers the demo loader)
                                    services,
)
from bureau.petitions.indicators import petition_indicators
from bureau.petitions.queries import workbench_items
from bureau.petitions.tasks import petitions_overdue_sweep

SOURCE_12345 = "运城市12345政务服务便民热线工单办理规定（地方）；domain §7"

register_rules(
    RuleDefault("petitions.urgent_hours", 24, "紧急诉求办理时限", SOURCE_12345, dt.date(2024, 1, 1), "小时"),
    RuleDefault("petitions.normal_working_days", 5, "一般诉求办理时限", SOURCE_12345, dt.date(2024, 1, 1), "工作日"),
    RuleDefault("petitions.complex_working_days", 15, "复杂诉求办理时限", SOURCE_12345, dt.date(2024, 1, 1), "工作日"),
    RuleDefault("petitions.return_window_working_days", 2, "非本单位职责的工单退回时限（派单后）", SOURCE_12345,
                dt.date(2024, 1, 1), "工作日"),
    RuleDefault("petitions.duplicate_window_days", 30, "重复诉求识别的时间范围", SOURCE_12345, dt.date(2024, 1, 1), "天"),
)

HANDLER_ROLES = frozenset({CLERK, INSPECTOR, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN})
register_menu(
    MenuEntry("政务服务", "诉求办理", "petitions:list", HANDLER_ROLES, order=60, icon="✉"),
    MenuEntry("政务服务", "登记诉求", "petitions:create", frozenset({CLERK, SYSADMIN}), order=61, icon="＋"),
)
register_workbench(workbench_items)
register_deadline_recomputer(services.recompute_provisional_deadlines)
register_indicators(petition_indicators)
register_schedule("petitions.overdue_sweep", petitions_overdue_sweep, 15 * 60)
