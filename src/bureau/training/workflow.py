"""Processes of training and exams (measures I.8, I.9, III.10): exam plans and registrations.

Guards are preconditions on facts, `(record, actor) -> Chinese refusal or None`; the first line of each docstring
names the precondition in the authority matrix."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bureau.accounts.authority import may
from bureau.accounts.roles import ENTERPRISE, INDIVIDUAL
from bureau.kernel.crypto import blind_index
from bureau.kernel.workflow import SYSTEM, T, Workflow
from bureau.training import rules
from bureau.training.models import EXAM_STAFF, REVIEW_DECIDERS

# who registers: a person for themselves, or an enterprise account for its staff
CANDIDATES = frozenset({INDIVIDUAL, ENTERPRISE})


def is_candidate(registration: Any, actor: Any) -> bool:
    """The account that registered, or the person whose ID number the registration carries."""
    if actor is None:
        return False
    if registration.user_id is not None and registration.user_id == actor.pk:
        return True
    number = (getattr(actor, "id_number", "") or "").strip()
    return bool(number) and blind_index(number) == registration.id_index


def exam_held(registration: Any, actor: Any) -> str | None:
    """考试已举行（成绩在考试之日起录入）"""
    # 特种作业人员安全技术培训考核管理规定 第十二、十三条: the result is the outcome of the exam sat on its date
    return rules.exam_held_refusal(registration.plan.exam_date, timezone.localdate())


def not_scored(registration: Any, actor: Any) -> str | None:
    """尚未录入成绩"""
    if registration.score is not None:
        return "该考生已录入成绩，不能重复录入"
    return None


def not_scored_for_cancel(registration: Any, actor: Any) -> str | None:
    """尚未录入成绩"""
    if registration.score is not None:
        return "已录入成绩的报名不能取消"
    return None


def seat_free(registration: Any, actor: Any) -> str | None:
    """本场考试尚有名额"""
    plan = registration.plan
    if plan.registered_count >= plan.capacity:
        return "名额已满，初审通过后进入候补"
    return None


def no_seat_free(registration: Any, actor: Any) -> str | None:
    """本场考试名额已满（进入候补）"""
    plan = registration.plan
    if plan.registered_count < plan.capacity:
        return "尚有名额，初审通过后直接报名成功"
    return None


def candidate_or_exam_staff(registration: Any, actor: Any) -> str | None:
    """考生本人（报名账号或身份证号一致），或考试管理人员"""
    if is_candidate(registration, actor):
        return None
    if actor is not None and not actor.enterprise_id and actor.role_codes & EXAM_STAFF:
        return None  # of the plan's jurisdiction: the engine refuses a registration the officer cannot see
    return "只有考生本人或考试管理人员可以取消报名"


registration_workflow = Workflow(
    name="exam_registrations",
    model="training.Registration",
    state_field="status",
    states={"pending_review": "待资格初审", "registered": "报名成功", "waitlisted": "候补", "returned": "初审退回",
            "cancelled": "已取消"},
    transitions=[
        # 资格初审: an officer checks identity, age, education and employer against the job type's rule (data with
        # source: 特种作业人员安全技术培训考核管理规定 第4条; 安全生产法 第27条; 生产经营单位安全培训规定 第6条)
        T("approve", "资格初审通过", "pending_review", "registered", EXAM_STAFF, guards=(seat_free,)),
        T("approve_waitlisted", "资格初审通过（候补）", "pending_review", "waitlisted", EXAM_STAFF,
          guards=(no_seat_free,)),
        T("return", "资格初审退回", "pending_review", "returned", EXAM_STAFF),
        T("cancel", "取消报名", ("pending_review", "registered", "waitlisted"), "cancelled", EXAM_STAFF | CANDIDATES,
          guards=(candidate_or_exam_staff, not_scored_for_cancel)),
        # a seat freed by a cancellation goes to the first on the waiting list, by the platform (no one's choice)
        T("promote", "候补转为报名成功", "waitlisted", "registered", {SYSTEM}),
        # the result does not change the status; the action puts it on the timeline with its preconditions
        T("record_result", "录入成绩", "registered", "registered", EXAM_STAFF, guards=(exam_held, not_scored)),
    ],
)


def plan_exam_held(plan: Any, actor: Any) -> str | None:
    """考试已举行（成绩在考试之日起发布）"""
    if rules.exam_held_refusal(plan.exam_date, timezone.localdate()):
        return f"考试日期为 {plan.exam_date:%Y-%m-%d}，考试举行前不能发布成绩"
    return None


def plan_of_jurisdiction(plan: Any, actor: Any) -> str | None:
    """本辖区的考试计划"""
    # the plans are public (anyone sees them): who changes one is the authority's answer
    return "考试计划不存在或不在您的管辖范围内" if may(actor, plan, "change") else None


plan_workflow = Workflow(
    name="exam_plans",
    model="training.ExamPlan",
    state_field="status",
    states={"open": "报名中", "closed": "报名截止", "finished": "成绩已发布", "cancelled": "已取消"},
    transitions=[
        T("finish", "发布成绩", ("open", "closed"), "finished", EXAM_STAFF, guards=(plan_of_jurisdiction, plan_exam_held)),
    ],
)


def review_of_jurisdiction(application: Any, actor: Any) -> str | None:
    """本辖区证书的申请"""
    # 特种作业人员安全技术培训考核管理规定 第22、24条: the authority that issued (or holds) the certificate decides
    return "该申请不在您的管辖范围内" if may(actor, application, "change") else None


# 复审 / 延期换证 applied online by the holder (measure III.8), decided by the certificate register's officers
review_workflow = Workflow(
    name="review_applications",
    model="training.ReviewApplication",
    state_field="status",
    states={"submitted": "待审核", "approved": "已准予", "refused": "不予通过"},
    transitions=[
        T("approve", "准予复审/换证", "submitted", "approved", REVIEW_DECIDERS, guards=(review_of_jurisdiction,)),
        T("refuse", "不予通过", "submitted", "refused", REVIEW_DECIDERS, guards=(review_of_jurisdiction,)),
    ],
)
