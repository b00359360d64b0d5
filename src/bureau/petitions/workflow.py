"""The petition loop as one table (domain §7: 受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价)."""

from __future__ import annotations

from bureau.accounts.roles import (
                                   CLERK,
                                   ENTERPRISE,
                                   INDIVIDUAL,
                                   INSPECTOR,
                                   LEADER,
                                   LICENSING_OFFICER,
                                   SECTION_HEAD,
                                   SYSADMIN,
)
from bureau.kernel.workflow import SYSTEM, T, Workflow

HANDLERS = {INSPECTOR, LICENSING_OFFICER, SECTION_HEAD, LEADER, CLERK}
DISPATCHERS = {CLERK, SECTION_HEAD, LEADER, SYSADMIN, SYSTEM}
SUPERVISORS = {LEADER, SECTION_HEAD, SYSTEM}
RATERS = {SYSTEM, CLERK, ENTERPRISE, INDIVIDUAL}

OPEN_STATES = ("received", "dispatched", "returned", "handling", "supervised", "reopened")

PETITION = Workflow(
    name="petition",
    model="petitions.Petition",
    states={
        "received": "已受理",
        "dispatched": "已派单",
        "returned": "已退回",
        "handling": "办理中",
        "supervised": "督办中",
        "reopened": "重新办理",
        "replied": "已答复",
        "closed": "已办结",
        "visited": "已回访",
        "rated": "已评价",
        "merged": "已合并",
    },
    transitions=[
        T("dispatch", "派单", ("received", "returned"), "dispatched", DISPATCHERS),
        T("return", "退回（非本单位职责）", "dispatched", "returned", HANDLERS),
        T("accept", "签收办理", "dispatched", "handling", HANDLERS),
        T("supervise", "督办", ("dispatched", "handling", "reopened"), "supervised", SUPERVISORS),
        T("reply", "答复", ("handling", "supervised", "reopened"), "replied", HANDLERS),
        T("close", "办结", "replied", "closed", {CLERK, SECTION_HEAD, LEADER, SYSTEM}),
        T("visit", "回访", "closed", "visited", {CLERK, SECTION_HEAD, LEADER}),
        T("rate", "评价", ("closed", "visited"), "rated", RATERS),
        T("reopen", "不满意，重新办理", "rated", "reopened", {SYSTEM, CLERK, SECTION_HEAD, LEADER}),
        T("merge", "合并重复诉求", ("received", "dispatched", "returned", "handling"), "merged",
          {CLERK, SECTION_HEAD, LEADER}),
    ],
)
