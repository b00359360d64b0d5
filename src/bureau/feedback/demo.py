"""Demo of service ratings: the portal's window visits and the petitions are rated by their own loaders; here the
window follows up one bad real-name rating, and appeals another one that the leader has still to decide."""

from __future__ import annotations

from typing import Any

from bureau.accounts.models import User
from bureau.feedback import services
from bureau.feedback.models import BAD_LEVELS, Rating, RatingFollowUp
from bureau.kernel.registry import register_demo


@register_demo("feedback", order=85)
def load(ctx: Any) -> None:
    window = User.objects.filter(username="window").first()
    if window is None:
        return
    # the licensing demo's bad rating with its 差评原因 stays open for the licensing section to follow up
    open_followups = list(RatingFollowUp.objects.filter(state="open", rating__reasons__isnull=True)
                          .select_related("rating").order_by("id")[:2])
    if open_followups:
        services.followup_complete(actor=window, followup=open_followups[0],
                                   result="已电话回访评价人并致歉；高峰时段增开一个叫号窗口，等候时间缩短至10分钟以内。")
    appealed = (Rating.objects.filter(level__in=BAD_LEVELS, excluded=False, appeals__isnull=True, reasons__isnull=True)
                .exclude(followup__in=open_followups[:1]).order_by("id").first())
    if appealed is not None:
        services.appeal_file(actor=window, rating=appealed,
                             reason="经调取叫号记录，该时段平均等候8分钟，评价所述与事实不符，申请复核后不计入满意率。")
