"""The lifecycle of an enterprise licence (issue 15): one licence through issue, change, extension and its end.

- 发证: a first licence, refused while the enterprise holds one of the kind for the scope (the database enforces it
  too: `uniq_held_licence`).
- 变更 amends the held licence: same number, same validity (危险化学品经营许可证管理办法 第15条: 有效期的起始日和截止日
  不变，但应当载明变更日期; 行政许可法 第49条), a new version; the previous version is superseded.
- 延期 continues the same licence for a new term from the day after the old one ends (安全生产许可证条例 第9条;
  危险化学品经营许可证管理办法 第19、20条; 行政许可法 第50条: applied for in time and not decided before expiry →
  deemed continued), a new version.
- 注销 (行政许可法 第70条), 吊销 (行政处罚法 第9条, a penalty) and 撤销 (行政许可法 第69条) end it: the declared actions
  of certificates/workflow.py say who may (吊销 and 撤销 of a licence: the bureau's heads).

Licensing's grant path calls `licence_grant`; intake calls `application_refusal` to route an application for a kind
already held to 变更/延期 with a clear message. Docs: docs/certificates.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bureau.accounts.models import User
from bureau.certificates import rules, services, versions
from bureau.certificates.models import HELD_STATUSES, Certificate, CertificateType, CertificateVersion
from bureau.certificates.workflow import WORKFLOW
from bureau.kernel.errors import DomainError
from bureau.kernel.workflow import apply_transition

ISSUE, CHANGE, EXTENSION = "issue", "change", "extension"
# how a licence ends: the declared action, its label and its legal source
END_ACTIONS = {
    "void": ("注销", "行政许可法 第70条"),
    "revoke": ("吊销", "行政处罚法 第9条"),
    "withdraw": ("撤销", "行政许可法 第69条"),
}


@dataclass(frozen=True)
class HeldLicence:
    """The register's answer to "which licence of this kind does the enterprise hold?" (a row, not a model)."""

    id: int
    number: str
    status: str
    valid_until: dt.date
    version_no: int

    @property
    def expired_by_date(self) -> bool:
        """Past its last valid day, even before the nightly sweep stored it (rules.effective_status)."""
        return self.status in rules.LIVE_STATUSES and timezone.localdate() > self.valid_until


# one fixed statement on the partial unique index uniq_held_licence: no ORM query compilation on the busiest
# register read (bench/certificates: ORM compilation cost ten times the 0.05 ms the index lookup takes)
_HELD_SQL = (
    "SELECT c.id, c.number, c.status, c.valid_until, c.version_no FROM certificates_certificate c "
    "JOIN certificates_certificatetype t ON t.id = c.type_id "
    "WHERE c.enterprise_id = %s AND t.code = %s AND c.scope_key = %s "
    "AND c.status IN ('valid', 'due_for_review', 'suspended')"
)


def held_licence_row(*, enterprise_id: int, type_code: str, scope_key: str = "") -> HeldLicence | None:
    """The licence of this kind the enterprise holds for the scope (valid, due for review or suspended), or None:
    one index lookup (at most one row: the database keeps one)."""
    with connection.cursor() as cursor:
        cursor.execute(_HELD_SQL, [enterprise_id, type_code, scope_key])
        row = cursor.fetchone()
    if row is None:
        return None
    number, status, until, version_no = row[1], row[2], row[3], row[4]
    return HeldLicence(id=row[0], number=number, status=status,
                       valid_until=until if isinstance(until, dt.date) else dt.date.fromisoformat(str(until)),
                       version_no=version_no)


def held_licence(*, enterprise_id: int, type_code: str, scope_key: str = "") -> Certificate | None:
    """The held licence as a model, for the write paths (change, extension, issue)."""
    row = held_licence_row(enterprise_id=enterprise_id, type_code=type_code, scope_key=scope_key)
    if row is None:
        return None
    return Certificate.objects.select_related("type", "enterprise").get(pk=row.id)


def _type_id(code: str) -> int | None:
    return CertificateType.objects.filter(code=code).values_list("id", flat=True).first()


def _settle_held(enterprise_id: int, type_code: str) -> Certificate | None:
    """The held licence after the day's scheduled change: one whose validity ended before the nightly sweep ran is
    expired now (so it is neither changed nor counted as held)."""
    cert = held_licence(enterprise_id=enterprise_id, type_code=type_code)
    if cert is not None and cert.status in rules.LIVE_STATUSES and cert.current_status() == rules.EXPIRED:
        apply_transition(WORKFLOW, cert, "expire", actor=None, note="有效期届满，证照过期")
        return None
    return cert


def _extendable(enterprise_id: int, type_code: str, *, applied_on: dt.date | None) -> Certificate | None:
    """The licence a 延期 continues: the held one, or the latest expired one when the application reached the
    bureau before it expired (行政许可法 第50条: a decision not made before expiry does not cost the holder)."""
    held = _settle_held(enterprise_id, type_code)
    if held is not None:
        return held
    type_id = _type_id(type_code)
    last = (Certificate.objects.select_related("type", "enterprise")
            .filter(enterprise_id=enterprise_id, type_id=type_id, scope_key="", status=rules.EXPIRED)
            .order_by("-valid_until").first())
    if last is not None and applied_on is not None and applied_on <= last.valid_until:
        return last
    return None


def application_refusal(*, enterprise: Any, action: str, type_code: str,
                        applied_on: dt.date | None = None) -> str | None:
    """The routing message for an application whose kind does not match what the enterprise holds, or None
    (rules.licence_application_refusal): a first application while one is held → 变更/延期; a 变更 or 延期 with
    nothing to change or continue → a first application; a 延期 later than the type's lead time → refused
    (rules.late_extension_message, 安全生产许可证条例 第9条)."""
    ctype = CertificateType.objects.filter(code=type_code).first() if type_code else None
    if ctype is None or enterprise is None:
        return None
    held = held_licence_row(enterprise_id=enterprise.pk, type_code=type_code)
    if held is not None and held.expired_by_date:
        held = None
    if action == EXTENSION and held is not None and applied_on is not None:
        late = rules.late_extension_message(type_name=ctype.name, number=held.number, valid_until=held.valid_until,
                                            applied_on=applied_on, renew_ahead_days=ctype.renew_ahead_days,
                                            renew_rule=ctype.renew_rule, source=ctype.source)
        if late:
            return late
    extendable = (_extendable_number(enterprise.pk, type_code, applied_on=applied_on)
                  if action == EXTENSION and held is None else None)
    return rules.licence_application_refusal(action=action, type_name=ctype.name,
                                             held_number=held.number if held else None,
                                             extendable_number=extendable)


def _extendable_number(enterprise_id: int, type_code: str, *, applied_on: dt.date | None) -> str | None:
    type_id = _type_id(type_code)
    last = (Certificate.objects.filter(enterprise_id=enterprise_id, type_id=type_id, scope_key="",
                                       status__in=(*HELD_STATUSES, rules.EXPIRED))
            .order_by("-valid_until").values_list("number", "valid_until").first())
    if last is None or (applied_on is not None and applied_on > last[1]):
        return None
    return str(last[0])


def licence_grant(*, actor: User | None, action: str, type_code: str, enterprise: Any, issuing_authority: str,
                  on: dt.date, scope_text: str = "", applied_on: dt.date | None = None, source: Any = None,
                  note: str = "") -> tuple[Certificate, CertificateVersion]:
    """What a granted application does to the register: issue a licence, amend the held one (变更) or continue it
    (延期). Runs inside the caller's transaction; returns the licence and its new current version."""
    ctype = CertificateType.objects.filter(code=type_code).first()
    if ctype is None:
        raise DomainError(f"证照类型「{type_code}」未配置")
    if action == CHANGE:
        held = _settle_held(enterprise.pk, type_code)
        if held is None:
            raise DomainError(rules.licence_application_refusal(action=CHANGE, type_name=ctype.name,
                                                                held_number=None) or "", code="licence_not_held")
        return held, licence_change(actor=actor, certificate=held, on=on, scope_text=scope_text, source=source,
                                    note=note)
    if action == EXTENSION:
        current = _extendable(enterprise.pk, type_code, applied_on=applied_on)
        if current is None:
            raise DomainError(rules.licence_application_refusal(action=EXTENSION, type_name=ctype.name,
                                                                held_number=None) or "", code="licence_not_held")
        return current, licence_extend(actor=actor, certificate=current, source=source, note=note)
    _settle_held(enterprise.pk, type_code)
    cert = services.certificate_issue(actor=actor, type_code=type_code, holder_name=enterprise.name,
                                      issuing_authority=issuing_authority, valid_from=on, enterprise=enterprise,
                                      scope_text=scope_text or enterprise.business_scope, source=source, note=note)
    return cert, versions.current_version(cert)


def _by(actor: User | None) -> str:
    return f"（决定人：{actor.display_name}）" if actor is not None else ""


def licence_change(*, actor: User | None, certificate: Certificate, on: dt.date, scope_text: str = "",
                   source: Any = None, note: str = "") -> CertificateVersion:
    """变更: the licence takes the enterprise's registered name, principal and address as they now are (and the new
    scope when one is granted); number and validity stay (危险化学品经营许可证管理办法 第14、15条; 非煤矿矿山企业安全
    生产许可证实施办法 第24条); the previous version is superseded. Applied by the system as the effect of the
    licensing decision (the decision itself was the actor's declared action)."""
    with transaction.atomic():
        cert = Certificate.objects.select_related("type", "enterprise").get(pk=certificate.pk)
        enterprise = cert.enterprise
        updates = {"holder_name": enterprise.name if enterprise is not None else cert.holder_name,
                   "scope_text": (scope_text or cert.scope_text)[:300], "updated_at": timezone.now()}
        text = f"变更（有效期不变，至 {cert.valid_until:%Y-%m-%d}）。{note}{_by(actor)}"
        apply_transition(WORKFLOW, cert, "change", actor=None, note=text[:300], updates=updates)
        version = versions.new_version(cert, reason=CHANGE, actor=actor, issued_on=on, note=text, source=source)
    certificate.refresh_from_db()
    return version


def licence_extend(*, actor: User | None, certificate: Certificate, source: Any = None,
                   note: str = "") -> CertificateVersion:
    """延期: the same licence for a new term from the day after the old one ends (安全生产许可证条例 第9条: 3 more
    years; 危险化学品经营许可证管理办法 第19条). Applied by the system as the effect of the licensing decision."""
    valid_from = certificate.valid_until + dt.timedelta(days=1)
    services.certificate_renew(actor=actor, certificate=certificate, valid_from=valid_from, check_scope=False,
                               source=source, note=f"{note}{_by(actor)}")
    certificate.refresh_from_db()
    return versions.current_version(certificate)


def licence_end(*, actor: User, certificate: Certificate, action: str, reason: str) -> Certificate:
    """注销, 吊销 or 撤销 a licence with its reason; who may is the declared action's (workflow.py). The licence's
    versions all answer verification with the ended status from then on."""
    if action not in END_ACTIONS:
        raise DomainError("请选择注销、吊销或撤销")
    label, source = END_ACTIONS[action]
    if not reason.strip():
        raise DomainError(f"请填写{label}的原因和依据", field="note")
    return services.certificate_change_status(actor=actor, certificate=certificate, action=action,
                                              note=f"{label}（{source}）：{reason.strip()}"[:300])
