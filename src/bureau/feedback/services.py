"""Every write of service ratings (好差评): the rating of a completed service, the follow-up of a bad real-name
rating, the appeal against a malicious one.

Other areas call `rating_submit(...)` after a completed service, e.g.
    rating_submit(actor=user, service_type="licensing.application", service_id=str(app.pk),
                  service_label=f"{app.item.name} {app.number}", level=5, region_id=app.region_id,
                  organisation=app.organisation)
Audit entries keep the action names they had when ratings were the portal's (`portal.rating_submit`,
`portal.appeal_file`, `portal.ratings_export`), so the trail reads the same across the move.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from bureau.accounts import roles as R
from bureau.accounts.models import User
from bureau.accounts.scope import scope_for
from bureau.feedback import rules
from bureau.feedback.models import BadRatingReason, Rating, RatingAppeal, RatingFollowUp
from bureau.feedback.workflow import APPEAL, FOLLOWUP
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.notifications import notify
from bureau.kernel.rules import rule
from bureau.kernel.workflow import apply_transition, record_history


def bad_reasons() -> dict[str, str]:
    """The 差评原因 in force, {code: label} in their order (data, feedback.BadRatingReason)."""
    return dict(BadRatingReason.objects.filter(is_active=True, effective_from__lte=timezone.localdate())
                .order_by("sort", "id").values_list("code", "label"))


def rating_submit(*, actor: User | AnonymousUser | None, service_type: str, service_id: str, service_label: str, level: int,
                  region_id: str, organisation: Any = None, comment: str = "", real_name: bool | None = None,
                  rater_name: str = "", rater_phone: str = "", round: int = 1, channel: str = "web",
                  reasons: list[str] | None = None) -> Rating:
    """Record the one rating of a completed service; a bad real-name rating opens a follow-up with a deadline.
    `reasons`: the 差评原因 codes where the channel asks for them (the rating page and the API always do; then a bad
    rating needs at least one and a description, rules.check_reasons); None for a channel that does not ask."""
    level = rules.check_level(level)
    comment = (comment or "").strip()
    if len(comment) > 500:
        raise DomainError("评价内容不超过500字", field="comment")
    codes = rules.check_reasons(level, reasons, comment, bad_reasons()) if reasons is not None else []
    if not service_type or not service_id:
        raise DomainError("缺少被评价的服务")
    if Rating.objects.filter(service_type=service_type, service_id=str(service_id), round=round).exists():
        raise DomainError("该项服务已经评价过，每项服务只能评价一次", code="already_rated")
    user = actor if actor is not None and actor.is_authenticated else None
    if real_name is None:
        real_name = user is not None or bool(rater_name and rater_phone)
    if user is not None and not rater_name:
        rater_name = user.display_name
    now = timezone.now()
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                service_type=service_type, service_id=str(service_id), round=round, service_label=service_label[:200],
                level=level, comment=comment, real_name=real_name, rater=user, rater_name=rater_name[:60],
                rater_phone=rater_phone, region_id=region_id, organisation=organisation, channel=channel,
                created_at=now,
            )
            if codes:
                rating.reasons.set(BadRatingReason.objects.filter(code__in=codes))
            audit(actor, "portal.rating_submit", rating, summary=f"服务评价：{service_label[:80]} {rating.get_level_display()}",
                  data={"service_type": service_type, "service_id": str(service_id), "level": level,
                        "reasons": codes})
            if rating.is_bad and real_name:
                _open_followup(rating)
    except IntegrityError:
        raise DomainError("该项服务已经评价过，每项服务只能评价一次", code="already_rated") from None
    return rating


def _open_followup(rating: Rating) -> RatingFollowUp:
    days = int(rule("ratings.followup_working_days"))
    deadline = add_working_days(timezone.localdate(), days)
    followup = RatingFollowUp.objects.create(rating=rating, organisation=rating.organisation, state="open",
                                             due_date=deadline.date, due_provisional=deadline.provisional)
    why = "、".join(r.label for r in rating.reasons.all())
    record_history(followup, actor=None, action="open", label="差评自动转整改",
                   note=f"实名差评{f'（差评原因：{why}）' if why else ''}，{days} 个工作日内整改回访")
    recipients = _unit_heads(rating.organisation)
    notify(recipients, "收到实名差评，请整改回访", f"{rating.service_label}：{rating.get_level_display()}，"
           f"{f'差评原因：{why}，' if why else ''}整改期限 {deadline.date:%Y-%m-%d}", url=reverse("feedback:followup", args=[followup.pk]))
    return followup


def _unit_heads(organisation: Any) -> list[Any]:
    if organisation is None:
        return []
    return list(User.objects.filter(organisation=organisation, is_active=True,
                                    roles__code__in=[R.SECTION_HEAD, R.LEADER, R.CLERK]).distinct()[:20])


def followup_complete(*, actor: User, followup: RatingFollowUp, result: str) -> RatingFollowUp:
    result = (result or "").strip()
    if len(result) < 5:
        raise DomainError("请填写整改和回访情况（不少于5个字）", field="result")
    if not scope_for(actor).covers_region(followup.rating.region_id):
        raise PermissionDenied("不在您的管辖范围内")
    apply_transition(FOLLOWUP, followup, "complete", actor=actor, note=result,
                     updates={"result": result, "done_at": timezone.now()})
    return followup


def followups_settle(*, service_type: str, service_id: str, result: str) -> int:
    """The rated service was done again and completed (a reopened petition closed again): the open follow-ups of
    its bad ratings are settled with it, by the system, with the outcome as their result."""
    settled = 0
    for followup in RatingFollowUp.objects.filter(rating__service_type=service_type, rating__service_id=service_id,
                                                  state="open"):
        apply_transition(FOLLOWUP, followup, "settle", actor=None, note=result[:500],
                         updates={"result": result, "done_at": timezone.now()})
        settled += 1
    return settled


def appeal_file(*, actor: User, rating: Rating, reason: str) -> RatingAppeal:
    """The rated unit appeals a (malicious) rating; one pending appeal at a time."""
    reason = (reason or "").strip()
    if not getattr(actor, "is_staff_member", False):
        raise PermissionDenied("只有被评价单位的工作人员可以申诉")
    if not rating.is_bad:
        raise DomainError("只能对差评提出申诉")
    if rating.excluded:
        raise DomainError("该评价已被剔除")
    if len(reason) < 10:
        raise DomainError("请写明申诉理由（不少于10个字）", field="reason")
    if rating.appeals.filter(state="pending").exists():
        raise DomainError("该评价已有待审核的申诉")
    with transaction.atomic():
        appeal = RatingAppeal.objects.create(rating=rating, reason=reason, filed_by=actor, state="pending")
        record_history(appeal, actor=actor, action="file", label="提出申诉", note=reason)
        audit(actor, "portal.appeal_file", appeal, summary=f"差评申诉：{rating.service_label[:80]}")
    return appeal


def appeal_decide(*, actor: User, appeal: RatingAppeal, uphold: bool, decision: str) -> RatingAppeal:
    decision = (decision or "").strip()
    if not decision:
        raise DomainError("请填写审核意见", field="decision")
    with transaction.atomic():
        apply_transition(APPEAL, appeal, "uphold" if uphold else "reject", actor=actor, note=decision,
                         updates={"decision": decision})
        if uphold:
            Rating.objects.filter(pk=appeal.rating_id).update(excluded=True)
            RatingFollowUp.objects.filter(rating_id=appeal.rating_id, state="open").update(state="done")
    return appeal


def recompute_provisional_deadlines() -> int:
    """Recompute provisional follow-up deadlines once the year's holidays are published."""
    changed = 0
    for followup in RatingFollowUp.objects.filter(due_provisional=True, state="open").iterator():
        start = timezone.localdate(followup.created_at)
        deadline = add_working_days(start, int(rule("ratings.followup_working_days", start)))
        if deadline.date != followup.due_date or deadline.provisional != followup.due_provisional:
            RatingFollowUp.objects.filter(pk=followup.pk).update(due_date=deadline.date,
                                                                 due_provisional=deadline.provisional)
            changed += 1
    return changed
