"""The two processes of service ratings: the follow-up of a bad real-name rating (差评整改) and the rated unit's
appeal against a malicious rating (申诉), decided by a leader."""

from __future__ import annotations

from bureau.accounts import roles as R
from bureau.kernel.workflow import SYSTEM, T, Workflow

FOLLOWUP = Workflow(
    name="rating_followup",
    model="feedback.RatingFollowUp",
    states={"open": "待整改", "done": "已整改"},
    transitions=[T("complete", "完成整改回访", "open", "done",
                   {R.CLERK, R.SECTION_HEAD, R.LEADER, R.LICENSING_OFFICER, R.INSPECTOR}),
                 # the rated service was done again and closed (a reopened petition): its follow-up closes with it
                 T("settle", "随重办办结", "open", "done", {SYSTEM})],
)
APPEAL = Workflow(
    name="rating_appeal",
    model="feedback.RatingAppeal",
    states={"pending": "待审核", "upheld": "申诉成立", "rejected": "申诉不成立"},
    transitions=[
        T("uphold", "申诉成立（剔除该评价）", "pending", "upheld", {R.LEADER}),
        T("reject", "申诉不成立", "pending", "rejected", {R.LEADER}),
    ],
)
