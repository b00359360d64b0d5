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
from bureau.petitions.tasks import petitions_hotline_outbox, petitions_overdue_sweep

SOURCE_12345 = "运城市12345政务服务便民热线工单办理规定（地方）；domain §7"
SOURCE_53 = "国务院办公厅关于进一步优化地方政务服务便民热线的指导意见（国办发〔2020〕53号）"

register_rules(
    RuleDefault("petitions.urgent_hours", 24, "紧急诉求办理时限", SOURCE_12345, dt.date(2024, 1, 1), "小时"),
    RuleDefault("petitions.normal_working_days", 5, "一般诉求办理时限", SOURCE_12345, dt.date(2024, 1, 1), "工作日"),
    RuleDefault("petitions.complex_working_days", 15, "复杂诉求办理时限", SOURCE_12345, dt.date(2024, 1, 1), "工作日"),
    RuleDefault("petitions.return_window_working_days", 2, "非本单位职责的工单退回时限（派单后）", SOURCE_12345,
                dt.date(2024, 1, 1), "工作日"),
    RuleDefault("petitions.duplicate_window_days", 30, "重复诉求识别的时间范围", SOURCE_12345, dt.date(2024, 1, 1), "天"),
    RuleDefault("petitions.dispatch_hours", 24, "受理后派单时限（逾期催办派单人员和分管领导）",
                f"{SOURCE_53}；信访工作条例（2022）第22条（登记后及时转送、交办）", dt.date(2024, 1, 1), "小时"),
    RuleDefault("petitions.accept_hours", 24, "派单后签收时限（逾期催办承办单位）",
                f"{SOURCE_53}；{SOURCE_12345}", dt.date(2024, 1, 1), "小时"),
    RuleDefault("petitions.escalation_repeat_hours", 24, "催办/督办未获处理时的重复间隔",
                f"{SOURCE_53}（督办考核）；信访工作条例（2022）第六章「监督和追责」（督查督办）", dt.date(2024, 1, 1), "小时"),
    RuleDefault("petitions.photo_max_count", 3, "局长信箱可附照片数量上限", "本局门户上传规定（防滥用）",
                dt.date(2024, 1, 1), "张"),
    RuleDefault("petitions.photo_max_mb", 5, "局长信箱单张照片大小上限", "本局门户上传规定（防滥用）",
                dt.date(2024, 1, 1), "MB"),
    RuleDefault("petitions.outbox_max_attempts", 8, "12345回传失败重试次数上限（指数退避）", SOURCE_53,
                dt.date(2024, 1, 1), "次"),
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
register_schedule("petitions.hotline_outbox", petitions_hotline_outbox, 30)
