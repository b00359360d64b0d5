"""The hazard loop (domain §5): 排查 → 登记 → 评估/定级 → 整改 → 验收/复查 → 销号."""

from bureau.accounts.roles import ENTERPRISE, EXPERT, INSPECTOR, LEADER, SECTION_HEAD
from bureau.kernel.workflow import SYSTEM, T, Workflow

STAFF = {INSPECTOR, SECTION_HEAD, LEADER}

hazard_workflow = Workflow(
    name="hazards",
    states={
        "reported": "已登记",
        "rectifying": "整改中",
        "awaiting_acceptance": "待验收",
        "accepted": "已验收",
        "closed": "已销号",
    },
    transitions=[
        T("plan", "制定整改方案", "reported", "rectifying", {ENTERPRISE, *STAFF}),
        T("request_acceptance", "申请验收/复查", "rectifying", "awaiting_acceptance", {ENTERPRISE, *STAFF}),
        T("reject_acceptance", "验收不通过", "awaiting_acceptance", "rectifying", {ENTERPRISE, *STAFF, EXPERT}),
        T("accept", "验收通过", "awaiting_acceptance", "accepted", {ENTERPRISE, *STAFF, EXPERT}),
        T("close", "销号", "accepted", "closed", {ENTERPRISE, *STAFF, SYSTEM}),
    ],
)
