import datetime as dt

from bureau.kernel.admin_views import AUDIT_READERS, CALENDAR_EDITORS, CONFIGURATION_EDITORS
from bureau.kernel.registry import MenuEntry, register_menu, register_schedule
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.kernel.tasks import housekeeping, write_audit_checkpoint

register_menu(
    MenuEntry("工作台", "我的待办", "workbench", order=0, icon="◎"),
    MenuEntry("工作台", "站内消息", "inbox", order=1, icon="✉"),
    MenuEntry("系统管理", "审计日志", "kernel:audit", AUDIT_READERS, order=900, icon="⛨"),
    MenuEntry("系统管理", "工作日历", "kernel:calendar", CALENDAR_EDITORS, order=901, icon="▦"),
    MenuEntry("系统管理", "配置管理", "admin:index", CONFIGURATION_EDITORS, order=910, icon="⚙"),
)

register_schedule("kernel.audit_checkpoint", write_audit_checkpoint, 24 * 3600)
register_schedule("kernel.housekeeping", housekeeping, 3600)
register_rules(
    # kernel/staging.py: files kept after a refused form
    RuleDefault("kernel.staged_upload_hours", 24, "表单未通过校验时暂存的已选文件保留时长，过期删除",
                "《中华人民共和国个人信息保护法》第十九条（保存期限为实现处理目的所必要的最短时间）；本平台上传规则",
                dt.date(2024, 1, 1), "小时"),
    RuleDefault("kernel.earliest_event_date", "2002-11-01",
                "登记的安全生产事件（隐患发现、检查、诉求受理等）日期的最早值；更早的日期视为录入错误",
                "《中华人民共和国安全生产法》（2002年11月1日起施行）：本平台登记的事件均在其后",
                effective_from=dt.date(2002, 11, 1), unit="日期"),
    # the public forms' limits (kernel/antispam.py): the portal's ratings, the petitions mailbox and look-up
    RuleDefault("portal.form_limit_per_window", 5, "同一地址在时间窗内可提交公开表单的次数",
                "网络安全等级保护基本要求（GB/T 22239-2019）8.1.4 入侵防范；本平台防刷规则", dt.date(2024, 1, 1), "次"),
    RuleDefault("portal.form_window_seconds", 3600, "公开表单限流时间窗", "本平台防刷规则", dt.date(2024, 1, 1), "秒"),
    RuleDefault("portal.lookup_failures_per_window", 20, "同一地址在时间窗内查询失败（编号或查询码错误）次数上限",
                "本平台防暴力猜测规则", dt.date(2024, 1, 1), "次"),
    RuleDefault("portal.lookup_window_seconds", 600, "查询失败限流时间窗", "本平台防暴力猜测规则", dt.date(2024, 1, 1), "秒"),
    RuleDefault("portal.lookup_number_failures_per_window", 5,
                "同一诉求编号在时间窗内查询失败（查询码错误）次数上限（不论来源地址）", "本平台防暴力猜测规则",
                dt.date(2024, 1, 1), "次"),
)
