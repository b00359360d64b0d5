"""The certificate's status (证照状态) and the mailing of a certificate (证书寄递, measure III.10) as declared tables.

Every status change is one of these actions, applied with `kernel.workflow.apply_transition` (history, audit,
optimistic concurrency); the daily sweep applies the three scheduled ones to many certificates at once
(`services.sweep_statuses`), with a history row for each certificate.

Guards read the dates as of `as_of` when a job sets it on the record (the day it runs for), otherwise today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bureau.accounts import roles as R
from bureau.kernel.workflow import SYSTEM, T, Workflow

# who handles the register (审批人员, 科室/分管负责人; the administrator as before) and who posts certificates
MANAGERS = frozenset({R.SYSADMIN, R.LICENSING_OFFICER, R.SECTION_HEAD, R.LEADER})
MAILING_STAFF = frozenset({R.SYSADMIN, R.CLERK, R.LICENSING_OFFICER, R.SECTION_HEAD})
HOLDERS = frozenset({R.ENTERPRISE, R.INDIVIDUAL})

LIVE = ("valid", "due_for_review")

STATES = {
    "valid": "有效",
    "due_for_review": "待复审",
    "expired": "已过期",
    "suspended": "暂扣",
    "revoked": "已吊销",
    "withdrawn": "已撤销",
    "void": "注销/失效",
}
# who decides that a licence ends against the holder's will (吊销 as a penalty, 撤销 of an unlawful grant): the
# bureau's heads, not the reviewing officer
HEADS = frozenset({R.SYSADMIN, R.SECTION_HEAD, R.LEADER})


def _day(record: Any) -> dt.date:
    return getattr(record, "as_of", None) or timezone.localdate()


def _current(cert: Any) -> str:
    """The status the dates give today (the stored one may lag the nightly sweep by a day)."""
    return str(cert.current_status(_day(cert)))


# ---------------------------------------------------------------- certificate guards

def _in_force(cert: Any, actor: Any) -> str | None:
    """证照按当日日期未过有效期、未逾期复审"""
    current = _current(cert)
    if cert.status in LIVE and current not in LIVE:
        return f"证照当前为「{STATES[current]}」，不能执行该操作"
    return None


def _not_lapsed_to_void(cert: Any, actor: Any) -> str | None:
    """证照尚未因逾期复审而失效"""
    if _current(cert) == "void":
        return "证照已因逾期未复审失效，无须再注销"
    return None


def _reviewed_type(cert: Any, actor: Any) -> str | None:
    """该类证照须定期复审（特种作业操作证）且尚有复审日期"""
    # 特种作业人员安全技术培训考核管理规定 第21、22条
    if not cert.type.review_interval_months:
        return "该类证照无需复审"
    if cert.next_review_due is None:
        return "本有效期内已无复审，到期时办理延期换证"
    return None


def _enterprise_licence(cert: Any, actor: Any) -> str | None:
    """企业许可证办理延期"""
    # 安全生产许可证条例 第9条; 危险化学品经营许可证管理办法 第19条
    if cert.type.holder_kind != "enterprise":
        return "个人证书办理延期换证，不办理延期"
    return None


def _licence_in_force(cert: Any, actor: Any) -> str | None:
    """企业许可证在有效期内（变更不改变有效期）"""
    # 危险化学品经营许可证管理办法 第19条; 行政许可法 第49条
    if cert.type.holder_kind != "enterprise":
        return "个人证书不办理许可变更"
    return _in_force(cert, actor)


def _heads_end_licences(cert: Any, actor: Any) -> str | None:
    """企业许可证的吊销、撤销由科室负责人或分管负责人决定"""
    # 行政处罚法 第9条、第57条 (吊销许可证件 is a penalty decided by the agency's head); 行政许可法 第69条 (撤销 by
    # the deciding agency or its superior)
    if cert.type.holder_kind == "enterprise" and actor is not None and not (actor.role_codes & HEADS):
        return "企业许可证的吊销、撤销须由科室负责人或分管负责人决定"
    return None


def _personal_certificate(cert: Any, actor: Any) -> str | None:
    """个人证书（合格证、特种作业操作证）办理延期换证"""
    # 特种作业人员安全技术培训考核管理规定 第24条; 生产经营单位安全培训规定
    if cert.type.holder_kind != "person":
        return "企业许可证办理延期，不办理换证"
    return None


def _validity_ended(cert: Any, actor: Any) -> str | None:
    """有效期已届满"""
    if _current(cert) != "expired":
        return "证照尚在有效期内"
    return None


def _review_missed(cert: Any, actor: Any) -> str | None:
    """复审日期已过而未复审"""
    # 特种作业人员安全技术培训考核管理规定 第30条: 未按期复审的，特种作业操作证失效
    if _current(cert) != "void":
        return "复审日期未过"
    return None


def _review_window_open(cert: Any, actor: Any) -> str | None:
    """已进入复审申请期"""
    # 特种作业人员安全技术培训考核管理规定 第22条: 复审日期前60日内申请
    if _current(cert) != "due_for_review":
        return "尚未进入复审申请期"
    return None


WORKFLOW = Workflow(
    name="certificates.certificate",
    model="certificates.Certificate",
    state_field="status",
    states=STATES,
    transitions=[
        T("periodic_review", "复审合格", LIVE, "valid", MANAGERS, guards=(_in_force, _reviewed_type)),
        # a granted 延期 application extends by the system (the decision was the deciding officer's declared action)
        T("extension", "延期", ("valid", "due_for_review", "expired", "void"), "valid", MANAGERS | {SYSTEM},
          _enterprise_licence),
        # an exam passed again renews the holder's certificate (training records the result: the system renews)
        T("renewal", "延期换证", ("valid", "due_for_review", "expired", "void"), "valid", MANAGERS | {SYSTEM},
          _personal_certificate),
        T("suspend", "暂扣", LIVE, "suspended", MANAGERS, _in_force),
        # 变更 amends the licence in place: same number, same validity, a new version (certificates/lifecycle.py)
        T("change", "变更", "valid", "valid", MANAGERS | {SYSTEM}, _licence_in_force),
        T("revoke", "吊销", (*LIVE, "suspended"), "revoked", MANAGERS, guards=(_in_force, _heads_end_licences)),
        # 行政许可法 第69条: 撤销 a licence granted unlawfully (e.g. obtained by deception)
        T("withdraw", "撤销", (*LIVE, "suspended"), "withdrawn", MANAGERS, guards=(_in_force, _heads_end_licences)),
        T("void", "注销", (*LIVE, "suspended", "expired"), "void", MANAGERS, _not_lapsed_to_void),
        T("reinstate", "恢复（暂扣期满）", "suspended", "valid", MANAGERS),
        T("expire", "有效期届满，证照过期", LIVE, "expired", {SYSTEM}, _validity_ended),
        T("void_missed_review", "逾期未复审，证书失效", LIVE, "void", {SYSTEM}, _review_missed),
        T("enter_review_window", "进入复审申请期", "valid", "due_for_review", {SYSTEM}, _review_window_open),
    ],
)


# ---------------------------------------------------------------- mailing guards

def _certificate_in_force(mailing: Any, actor: Any) -> str | None:
    """所寄证书有效（有效或待复审）"""
    # measure III.10: only a certificate in force is posted; a suspended or expired one is handled at the window
    current = _current(mailing.certificate)
    if current not in LIVE:
        return f"证书当前为「{STATES[current]}」，不能寄出，请取消寄递并告知申请人"
    return None


def _requester(mailing: Any, actor: Any) -> str | None:
    """申请人本人"""
    if actor is None or mailing.requested_by_id != actor.pk:
        return "只有申请人本人可以撤回寄递申请"
    return None


def _requester_or_staff(mailing: Any, actor: Any) -> str | None:
    """申请人本人确认签收，或寄递经办人员按快递签收记录登记"""
    if actor is not None and (mailing.requested_by_id == actor.pk or actor.role_codes & MAILING_STAFF):
        return None
    return "只有申请人本人或寄递经办人员可以确认签收"


MAILING = Workflow(
    name="certificates.mailing",
    model="certificates.MailingRequest",
    state_field="status",
    states={"requested": "已申请", "shipped": "已寄出", "delivered": "已签收", "cancelled": "已取消"},
    transitions=[
        T("ship", "登记寄出", "requested", "shipped", MAILING_STAFF, _certificate_in_force),
        T("deliver", "确认签收", "shipped", "delivered", HOLDERS | MAILING_STAFF, _requester_or_staff),
        T("withdraw", "撤回申请", "requested", "cancelled", HOLDERS, _requester),
        T("cancel", "取消寄递", "requested", "cancelled", MAILING_STAFF),
    ],
)
