"""The role codes used by workflow tables, and their default names and duties (roles are data: Role rows)."""

from __future__ import annotations

from typing import Any

from bureau.accounts.models import Role

SYSADMIN = "sysadmin"
SECADMIN = "secadmin"
AUDITOR = "auditor"
CLERK = "clerk"
LICENSING_OFFICER = "licensing_officer"
INSPECTOR = "inspector"
SECTION_HEAD = "section_head"
LEADER = "leader"
LEGAL_REVIEWER = "legal_reviewer"
EXPERT = "expert"
AGENCY = "agency"
DEPARTMENT = "department"
ENTERPRISE = "enterprise"
PARK_COMMITTEE = "park_committee"
INDIVIDUAL = "individual"

STAFF_ROLES = frozenset({SYSADMIN, SECADMIN, AUDITOR, CLERK, LICENSING_OFFICER, INSPECTOR, SECTION_HEAD, LEADER,
                         LEGAL_REVIEWER})
OFFICERS = frozenset({CLERK, LICENSING_OFFICER, INSPECTOR, SECTION_HEAD, LEADER})

DEFAULT_ROLES = [
    (SYSADMIN, "系统管理员", "维护机构、用户、角色、企业名录、工作日历和规则参数", True),
    (SECADMIN, "安全管理员", "账号安全策略、令牌与访问控制（三员分立）", True),
    (AUDITOR, "审计管理员", "查阅与核验审计日志（三员分立）", True),
    (CLERK, "窗口人员", "咨询、代为受理、证照寄递", True),
    (LICENSING_OFFICER, "审批人员", "受理、审查行政许可申请", True),
    (INSPECTOR, "执法人员", "现场检查、网上巡查、立案调查（须持执法证）", True),
    (SECTION_HEAD, "科室负责人", "审核计划、检查和案件", True),
    (LEADER, "分管负责人", "审批延期、年度计划、对免检企业的检查和处罚决定", True),
    # 行政处罚法 第58条: 从事行政处罚决定法制审核的人员 (初次从事者须取得法律职业资格, 第2款: User.legal_qualification)
    (LEGAL_REVIEWER, "法制审核人员", "作出重大行政处罚决定前进行法制审核（行政处罚法第五十八条）", True),
    (EXPERT, "专家", "安全体检、专家评审", False),
    (AGENCY, "安全评价机构", "提交安全评价报告", False),
    (DEPARTMENT, "协同部门", "并联审批意见、数据共享（能源局、人社局、市场监管局等）", False),
    # measure III.3: the park's management committee reports its park's remediation and reviews project admission
    (PARK_COMMITTEE, "化工园区管理机构", "填报本园区整治提升进展、登记项目引进安全审查、查看入园企业", False),
    (ENTERPRISE, "企业用户", "网上申请、承诺、自查隐患、诉求与评价", False),
    (INDIVIDUAL, "个人用户", "报名考试、查询成绩和证书、反映诉求", False),
]


def seed_roles(**_: Any) -> None:
    existing = set(Role.objects.values_list("code", flat=True))
    for sort, (code, name, description, staff) in enumerate(DEFAULT_ROLES):
        if code not in existing:
            Role.objects.create(code=code, name=name, description=description, is_staff_role=staff, sort=sort)
