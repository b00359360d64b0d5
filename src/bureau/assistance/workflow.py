"""Processes of proactive service: expert checkups (III.1) and first-use process demonstrations (III.4)."""

from bureau.accounts.roles import DEPARTMENT, ENTERPRISE, EXPERT, INSPECTOR, LEADER, SECTION_HEAD
from bureau.kernel.workflow import T, Workflow

STAFF = {INSPECTOR, SECTION_HEAD, LEADER}

checkup_workflow = Workflow(
    name="checkups",
    model="assistance.Checkup",
    states={"requested": "待指派专家", "assigned": "已指派专家", "submitted": "已提交体检报告",
            "settled": "已结算（政府买单）", "cancelled": "已取消"},
    transitions=[
        T("assign", "指派专家", "requested", "assigned", STAFF),
        T("submit", "提交体检结果", "assigned", "submitted", {EXPERT}),
        T("settle", "登记费用、办结", "submitted", "settled", STAFF),
        T("cancel", "取消", ("requested", "assigned"), "cancelled", {*STAFF, ENTERPRISE}),
    ],
)

first_use_workflow = Workflow(
    name="first_use",
    model="assistance.FirstUseProcess",
    states={"draft": "企业填报", "submitted": "已提交市局", "forwarded": "已报送省厅", "passed": "论证通过",
            "failed": "论证未通过"},
    transitions=[
        T("submit", "提交市局", "draft", "submitted", {ENTERPRISE}),
        T("forward", "报送省厅", "submitted", "forwarded", {SECTION_HEAD, LEADER}),
        T("return", "退回补充", "submitted", "draft", {SECTION_HEAD, LEADER, INSPECTOR}),
        T("pass", "论证通过", "forwarded", "passed", {DEPARTMENT, SECTION_HEAD, LEADER}),
        T("fail", "论证未通过", "forwarded", "failed", {DEPARTMENT, SECTION_HEAD, LEADER}),
    ],
)
