import datetime as dt

from bureau.accounts.roles import CLERK, INDIVIDUAL, LEADER, LICENSING_OFFICER, SECTION_HEAD, SYSADMIN
from bureau.kernel.registry import MenuEntry, register_menu, register_portal_link
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.training import demo  # noqa: F401  (registers the demo loader)

register_menu(
    MenuEntry("培训考试", "考试计划管理", "training:manage", frozenset({SYSADMIN, LICENSING_OFFICER, SECTION_HEAD, CLERK}),
              order=40, icon="✎"),
    MenuEntry("培训考试", "考试报名", "training:plans", frozenset({INDIVIDUAL}), order=40, icon="✎"),
    MenuEntry("培训考试", "我的报名", "training:mine", frozenset({INDIVIDUAL}), order=41, icon="☰"),
    MenuEntry("培训考试", "复审/延期换证", "training:reviews_mine", frozenset({INDIVIDUAL}), order=42, icon="↻"),
    MenuEntry("培训考试", "复审/延期换证审核", "training:reviews_manage",
              frozenset({SYSADMIN, LICENSING_OFFICER, SECTION_HEAD, LEADER}), order=42, icon="↻"),
)
register_portal_link(
    MenuEntry("门户", "考试报名", "training:plans", order=21),
    MenuEntry("门户", "成绩查询", "training:scores", order=22),
)
# Training owns its rules: every number of an exam is a dated row with its source (administrators add versions).
register_rules(
    RuleDefault("training.full_marks", 100, "考试满分（百分制）",
                "安全生产资格考试与证书管理暂行办法 第九条：考试满分为100分，80分以上为合格",
                dt.date(2024, 1, 1), "分"),
    RuleDefault("training.pass_mark", 80, "考试合格分数线（百分制）",
                "特种作业人员安全技术培训考核管理规定 第15条；安全生产培训管理办法：考试实行百分制，80分合格",
                dt.date(2024, 1, 1), "分"),
    RuleDefault("training.makeup_exams", 1, "考试不合格后允许补考的次数",
                "特种作业人员安全技术培训考核管理规定 第十三条；安全生产资格考试与证书管理暂行办法 第十条：考试不及格的，允许补考1次", dt.date(2024, 1, 1), "次"),
    # 复审 / 延期换证 applied online (measure III.8): the training the holder must have done
    RuleDefault("training.review_min_hours", 8, "特种作业操作证复审、延期复审前的安全培训学时（不少于）",
                "特种作业人员安全技术培训考核管理规定 第23条：安全培训时间不少于8个学时", dt.date(2024, 1, 1), "学时"),
    RuleDefault("training.refresher_hours", 12, "主要负责人、安全生产管理人员每年再培训学时（不少于）",
                "生产经营单位安全培训规定 第9条：每年再培训时间不得少于12学时", dt.date(2024, 1, 1), "学时"),
    RuleDefault("training.refresher_hours_high_risk", 16,
                "煤矿、非煤矿山、危险化学品、烟花爆竹、金属冶炼等单位主要负责人、安全生产管理人员每年再培训学时（不少于）",
                "生产经营单位安全培训规定 第9条第2款：每年再培训时间不得少于16学时", dt.date(2024, 1, 1), "学时"),
    RuleDefault("training.high_risk_scopes", ["煤矿", "非煤矿山", "金属非金属矿山", "危险化学品", "烟花爆竹", "冶金"],
                "按高危行业计算再培训学时的证书类别（证书类别含其中任一词）",
                "生产经营单位安全培训规定 第9条第2款", dt.date(2024, 1, 1), ""),
)
