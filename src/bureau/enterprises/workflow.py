"""The enterprise's self-registration (企业注册): pending until an officer of its county approves or refuses."""

from __future__ import annotations

from bureau.enterprises.models import REGISTRATION_APPROVERS
from bureau.kernel.workflow import T, Workflow

REGISTRATION = Workflow(
    name="registration",
    model="enterprises.Registration",
    states={"pending": "待审核", "approved": "已通过", "refused": "未通过"},
    transitions=[
        T("approve", "审核通过（开通企业账号）", "pending", "approved", REGISTRATION_APPROVERS),
        T("refuse", "不予通过", "pending", "refused", REGISTRATION_APPROVERS),
    ],
)
