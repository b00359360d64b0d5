"""Use cases of the certificate register: issue, review, extend/renew, suspend/revoke, e-certificate PDF,
verification, the daily sweep with exactly-once reminders (III.8), kiosk printing (I.10), mailing (III.10) and the
Excel import of existing certificates. Every write runs in a transaction and writes the audit trail."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from bureau.accounts.authority import sees
from bureau.accounts.models import User
from bureau.certificates import rules, versions
from bureau.certificates.models import (
    HELD_STATUSES,
    Certificate,
    CertificateStatus,
    CertificateType,
    CertificateVersion,
    HolderKind,
    ImportBatch,
    KioskChallenge,
    KioskTerminal,
    MailingRequest,
    PrintLog,
    Reminder,
    SweepRun,
)
from bureau.certificates.rules import add_months  # noqa: F401  (kept: other areas import it from here)
from bureau.certificates.workflow import MAILING, MAILING_STAFF, MANAGERS, WORKFLOW  # noqa: F401  (re-exported)
from bureau.kernel.audit import audit
from bureau.kernel.calendar import is_working_day
from bureau.kernel.crypto import blind_index
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import Document, ProcessHistory
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.rules import rule
from bureau.kernel.sms import send_sms
from bureau.kernel.workflow import apply_transition, check_transition, record_history


def _actor_name(actor: User | None) -> str:
    return getattr(actor, "display_name", None) or "系统"


def may_import(actor: User) -> bool:
    """Whether the actor writes records of the register outside the workflow (the import): the declaration's
    `change` roles, in the actor's jurisdiction."""
    return not Certificate.objects.restrict(actor, "change").query.is_empty()


def today() -> dt.date:
    return timezone.localdate()


def _working(day: dt.date) -> bool:
    return is_working_day(day)[0]


# ---------------------------------------------------------------- schedule (validity, review, next action)

SCHEDULE_FIELDS = ("valid_from", "valid_until", "next_review_due", "review_extended", "action_kind", "action_due")


def _schedule(cert: Certificate, *, recompute_review: bool = True) -> None:
    """Recompute the next review (unless kept: a review already passed stays passed), the next action and its
    closing day, from the type's rules."""
    ctype = cert.type
    if recompute_review:
        interval = rules.review_interval_months(
            base_months=ctype.review_interval_months, extended_months=ctype.extended_review_interval_months,
            clean_years_required=ctype.clean_years_for_extension, years_in_trade=99 if cert.review_extended else 0,
            clean=cert.review_extended)
        cert.next_review_due = rules.next_review_due(cert.valid_from, interval, cert.valid_until)
    action = rules.next_action(holder_is_person=ctype.holder_kind == HolderKind.PERSON, valid_until=cert.valid_until,
                               review_due=cert.next_review_due, renew_ahead_days=ctype.renew_ahead_days,
                               renew_rule=ctype.renew_rule, review_window_days=ctype.review_window_days)
    cert.action_kind, cert.action_due = action.kind, action.closes


def refresh_schedule(cert: Certificate, *, on: dt.date | None = None, recompute_review: bool = True) -> None:
    """A new record (issue, import): its schedule and the status its dates give on the day. Afterwards only the
    declared actions change the status."""
    _schedule(cert, recompute_review=recompute_review)
    cert.status = rules.effective_status(stored=cert.status, valid_until=cert.valid_until,
                                         review_due=cert.next_review_due,
                                         review_window_days=cert.type.review_window_days, today=on or today())


def _fresh(certificate: Certificate) -> Certificate:
    """A fresh copy carrying the version the caller saw (optimistic concurrency: a stale page gets a conflict)."""
    cert = Certificate.objects.select_related("type", "enterprise").get(pk=certificate.pk)
    cert.version = certificate.version
    return cert


def _schedule_updates(cert: Certificate, change: Callable[[Certificate], None], *,
                      recompute_review: bool = True) -> dict[str, Any]:
    """The new dates and schedule of an action, computed on a draft: the guards see the record as it is."""
    draft = copy.copy(cert)
    change(draft)
    _schedule(draft, recompute_review=recompute_review)
    return {f: getattr(draft, f) for f in SCHEDULE_FIELDS}


def _done(certificate: Certificate, cert: Certificate) -> Certificate:
    """Bring the caller's instance up to date (status, version, dates) after a use case."""
    certificate.refresh_from_db()
    return cert


def _transition(cert: Certificate, action: str, *, actor: User | None, note: str = "",
                updates: dict[str, Any] | None = None) -> None:
    # updated_at: the reminder scan and the e-certificate cache look at what changed since
    apply_transition(WORKFLOW, cert, action, actor=actor, note=note[:300],
                     updates={**(updates or {}), "updated_at": timezone.now()})


_SETTLE = {rules.EXPIRED: "expire", rules.VOID: "void_missed_review", rules.DUE_FOR_REVIEW: "enter_review_window"}


def _settle(cert: Certificate) -> None:
    """After an action that makes a certificate valid again: if its dates already say otherwise (a renewal from a
    past date, a reinstatement after the validity ended), the scheduled action the sweep would take is taken now,
    so that only the passing of days changes statuses afterwards."""
    current = cert.current_status()
    action = _SETTLE.get(current) if current != cert.status else None
    if action is not None and WORKFLOW.find(action, cert.status) is not None:
        apply_transition(WORKFLOW, cert, action, actor=None, note="按有效期和复审日期自动更新")


def certificate_issue(*, actor: User | None, type_code: str, holder_name: str, issuing_authority: str,
                      valid_from: dt.date, enterprise: Any = None, region_id: str | None = None,
                      holder_id_number: str = "", scope_text: str = "", number: str | None = None,
                      source: Any = None, note: str = "", holder_phone: str = "",
                      review_extended: bool = False) -> Certificate:
    """Issue a certificate into the register with its number and validity dates from the type's rules."""
    ctype = CertificateType.objects.filter(code=type_code).first()
    if ctype is None:
        raise DomainError(f"证照类型「{type_code}」未配置")
    region = region_id or (enterprise.region_id if enterprise is not None else None)
    if region is None:
        raise DomainError("请指定证照所属区划")
    if ctype.holder_kind == HolderKind.PERSON and holder_id_number:
        try:
            holder_id_number = validate_id_number(holder_id_number)
        except IdentifierError as exc:
            raise DomainError(str(exc), field="holder_id_number") from exc
    # an enterprise holds one licence of a kind per scope: a further grant is a 变更 or a 延期 (lifecycle.py)
    scope_key = "" if ctype.holder_kind == HolderKind.ENTERPRISE and enterprise is not None else None
    if scope_key is not None:
        held = (Certificate.objects.filter(enterprise=enterprise, type=ctype, scope_key=scope_key,
                                           status__in=HELD_STATUSES).only("number", "status", "valid_until").first())
        if held is not None:
            raise Conflict(rules.held_licence_message(type_name=ctype.name, number=held.number), code="licence_held")
    with transaction.atomic():
        cert = Certificate(
            # numbered in the year of registration, whatever validity date the officer enters
            number=number or next_number(f"cert:{ctype.code}", timezone.localdate().year,
                                         pattern="{prefix}〔{year}〕{seq:05d}", prefix=ctype.number_prefix or "应急"),
            type=ctype, enterprise=enterprise, region_id=region, holder_name=holder_name,
            holder_id_number=holder_id_number, holder_phone=holder_phone, scope_text=scope_text,
            issuing_authority=issuing_authority, issued_on=valid_from, valid_from=valid_from,
            valid_until=rules.validity_end(valid_from, ctype.validity_months), review_extended=review_extended,
            source_type=f"{source._meta.app_label}.{source._meta.model_name}" if source is not None else "",
            source_id=str(source.pk) if source is not None else "", scope_key=scope_key,
        )
        refresh_schedule(cert)
        try:
            with transaction.atomic():
                cert.save()
        except IntegrityError as exc:  # issued concurrently: the database keeps one held licence per kind and scope
            if scope_key is None:
                raise
            raise Conflict(rules.held_licence_message(type_name=ctype.name, number=""), code="licence_held") from exc
        versions.first_version(cert, note=note)
        record_history(cert, actor=actor, action="issue", label="发证", note=note[:300])
        audit(actor, "certificates.issue", cert, summary=f"发证：{ctype.name} {cert.number} {holder_name}")
    return cert


def certificate_renew(*, actor: User | None, certificate: Certificate, valid_from: dt.date, note: str = "",
                      check_scope: bool = True, source: Any = None) -> Certificate:
    """Extension (licences, 安全生产许可证条例 第9条) or renewal (合格证, 特种作业 延期换证): a new validity period from
    `valid_from` under the same number, as a new version with its own verification code (the previous version's
    code answers "superseded"); the timeline keeps the old dates.

    `check_scope=False`: the renewal that follows an exam passed again (training records the result): the system
    renews, whoever entered the score and wherever the certificate was issued."""
    with transaction.atomic():
        cert = _fresh(certificate)
        action = "extension" if cert.type.holder_kind == HolderKind.ENTERPRISE else "renewal"
        by = actor if check_scope else None
        if by is not None:
            check_transition(WORKFLOW, cert, action, by)
        def new_period(draft: Certificate) -> None:
            draft.valid_from = valid_from
            draft.valid_until = rules.validity_end(valid_from, draft.type.validity_months)

        updates = _schedule_updates(cert, new_period)
        text = f"有效期由 {cert.valid_until:%Y-%m-%d} 延至 {updates['valid_until']:%Y-%m-%d}。{note}"
        if by is None and actor is not None:
            text += f"（录入：{_actor_name(actor)}）"
        _transition(cert, action, actor=by, note=text, updates=updates)
        # 延期 continues the same licence; 换证 the same certificate: same number, a new version with the new term
        versions.new_version(cert, reason=action, actor=actor, issued_on=today(), note=text, source=source)
        _settle(cert)
    return _done(certificate, cert)


def certificate_review(*, actor: User, certificate: Certificate, years_in_trade: int = 0, clean: bool = False,
                       note: str = "") -> Certificate:
    """Record a passed periodic review (复审) of a 特种作业操作证; ≥ 10 clean years in the trade moves the next
    review to 6 years (特种作业人员安全技术培训考核管理规定 第22条)."""
    if not sees(actor, certificate):  # Certificate.authority: before the record's state is told
        raise NotFound("证照不存在或不在您的管辖范围内")
    if certificate.type.review_interval_months and certificate.current_status() not in rules.LIVE_STATUSES:
        raise DomainError(f"证照当前为「{certificate.current_status_label()}」，不能复审；逾期未复审的证书已失效，须重新考试")
    with transaction.atomic():
        cert = _fresh(certificate)
        check_transition(WORKFLOW, cert, "periodic_review", actor)
        ctype = cert.type
        extended = bool(ctype.clean_years_for_extension is not None and clean
                        and years_in_trade >= ctype.clean_years_for_extension)
        interval = rules.review_interval_months(
            base_months=ctype.review_interval_months, extended_months=ctype.extended_review_interval_months,
            clean_years_required=ctype.clean_years_for_extension, years_in_trade=years_in_trade, clean=clean)
        base = cert.next_review_due or today()
        due = rules.add_months(base + dt.timedelta(days=1), interval or 0) - dt.timedelta(days=1)

        def reviewed(draft: Certificate) -> None:
            draft.review_extended = extended
            draft.next_review_due = due if due < draft.valid_until else None

        updates = _schedule_updates(cert, reviewed, recompute_review=False)
        text = "复审合格" + ("（连续从事本工种10年以上无违法行为，复审延至每6年1次）" if extended else "")
        _transition(cert, "periodic_review", actor=actor, note=f"{text}。{note}", updates=updates)
        versions.new_version(cert, reason="review", actor=actor, issued_on=today(), note=text)
        _settle(cert)
    return _done(certificate, cert)


STATUS_ACTIONS = ("suspend", "revoke", "withdraw", "void", "reinstate")


def certificate_change_status(*, actor: User, certificate: Certificate, action: str, note: str) -> Certificate:
    """Suspend (暂扣), revoke (吊销), withdraw (撤销), void (注销) or reinstate a certificate; a reason is required
    (who may: the declared actions in workflow.py; for enterprise licences certificates/lifecycle.py)."""
    if action not in STATUS_ACTIONS:
        raise DomainError("未知的操作")
    with transaction.atomic():
        cert = _fresh(certificate)
        check_transition(WORKFLOW, cert, action, actor)
        if not note.strip():
            raise DomainError("请填写原因和依据", field="note")
        updates: dict[str, Any] = {}
        if action == "reinstate":
            updates = _schedule_updates(cert, lambda draft: None, recompute_review=False)
        _transition(cert, action, actor=actor, note=note, updates=updates)
        _settle(cert)
    return _done(certificate, cert)


# ---------------------------------------------------------------- personnel certificates from an exam (training)

def personnel_certificate_from_exam(*, actor: User | None, type_code: str, holder_name: str, holder_id_number: str,
                                    holder_phone: str, scope_text: str, issuing_authority: str, exam_date: dt.date,
                                    region_id: str, source: Any, note: str) -> Certificate:
    """The certificate a passed exam gives (measures I.8, I.9): the holder's certificate of that type and scope is
    renewed, otherwise one is issued. Never dated after today: a result exists only from the exam day on
    (特种作业人员安全技术培训考核管理规定 第12、13条), and the certificate is dated from the exam."""
    if exam_date > today():
        raise DomainError(f"考试日期 {exam_date:%Y-%m-%d} 晚于今天，不能发证", code="exam_not_held")
    existing = (Certificate.objects.filter(holder_id_index=blind_index(holder_id_number), type__code=type_code,
                                           scope_text=scope_text)
                .exclude(status=CertificateStatus.REVOKED).order_by("-valid_until").first())
    if existing is not None:
        return certificate_renew(actor=actor, certificate=existing, valid_from=exam_date, note=note, check_scope=False)
    return certificate_issue(actor=actor, type_code=type_code, holder_name=holder_name,
                             issuing_authority=issuing_authority, valid_from=exam_date, region_id=region_id,
                             holder_id_number=holder_id_number, holder_phone=holder_phone, scope_text=scope_text,
                             source=source, note=note)


# ---------------------------------------------------------------- e-certificate and verification

def verify_url(cert: Certificate) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("certificates:verify", args=[cert.verify_code])


def certificate_document(*, actor: User | None, certificate: Certificate) -> Document:
    """The e-certificate PDF of the current version (Chinese text, embedded font, a 2-D code to the public
    verification page, the bureau's PAdES signature), rendered once per version and stored with its digest
    (GB/T 36901–36905: e-licences carry a code). A certificate no longer in force is not handed out."""
    if certificate.current_status() not in rules.LIVE_STATUSES:
        raise DomainError(f"证照当前为「{certificate.current_status_label()}」，不能下载电子证照")
    return versions.version_document(actor=actor, certificate=certificate)


@dataclass(frozen=True)
class SignatureInfo:
    """The signature of the version's document as recorded when it was signed (kernel/signing.py)."""

    signed: bool
    signer: str
    sha256: str
    signed_at: dt.datetime | None


@dataclass(frozen=True)
class Verification:
    valid: bool
    status: str
    status_label: str
    type: str
    number: str
    holder_name: str
    holder_id_masked: str
    issuing_authority: str
    issued_on: dt.date
    expires_on: dt.date
    next_review_due: dt.date | None
    scope_text: str
    valid_from: dt.date | None = None
    version_no: int = 1
    version_reason: str = ""
    version_issued_on: dt.date | None = None
    is_current: bool = True
    superseded_at: dt.datetime | None = None
    current_code: str = ""  # when superseded: the code of the current version (the pointer)
    current_version_no: int = 1
    current_status_label: str = ""
    signature: SignatureInfo | None = None


SUPERSEDED = "superseded"


def certificate_verify(code: str) -> Verification:
    """Public verification by the code on the 2-D code: authenticity and current status, with no more personal
    data than the certificate shows (name masked, ID masked). The code of an older version of the certificate
    answers "已被新版本替代" with a pointer to the current version (its validity and status are those of the
    version the code was printed on). Unknown → NotFound; malformed → DomainError."""
    code = (code or "").strip()
    if not rules.is_well_formed_code(code):
        raise DomainError("核验码格式不正确：应为二维码中的32位字符", code="malformed_code")
    # the busiest public endpoint: one fixed SQL statement (two for an old version), no ORM query compilation
    # (see bench/certificates)
    with connection.cursor() as cursor:
        cursor.execute(_VERIFY_SQL, [code])
        row = cursor.fetchone()
        old = None
        if row is None:
            cursor.execute(_VERIFY_OLD_SQL, [code])
            old = cursor.fetchone()
    found = row if row is not None else old
    if found is None:
        raise NotFound("未找到该核验码对应的证照：该证照可能是伪造的，请向发证机关核实")
    from bureau.kernel.crypto import decrypt

    (number, holder_name, holder_id, authority, issued_on, valid_until, review_due, stored, scope_text, type_name,
     holder_kind, window, valid_from, version_no, sha256, signer, signed_at, version_on, reason) = found[:19]
    issued_on, valid_until, valid_from = _as_date(issued_on), _as_date(valid_until), _as_date(valid_from)
    review_due = _as_date(review_due) if review_due else None
    status = rules.effective_status(stored=stored, valid_until=valid_until, review_due=review_due,
                                    review_window_days=window, today=today())
    personal = holder_kind == HolderKind.PERSON
    signature = SignatureInfo(signed=bool(sha256 and signer), signer=signer or "", sha256=sha256 or "",
                              signed_at=_as_datetime(signed_at)) if sha256 else None
    common = {
        "type": type_name, "number": number,
        "holder_name": rules.mask_person_name(holder_name) if personal else holder_name,
        "holder_id_masked": mask_id_number(decrypt(holder_id)) if personal and holder_id else "",
        "issuing_authority": authority, "issued_on": issued_on, "scope_text": scope_text, "valid_from": valid_from,
        "version_no": version_no or 1, "version_reason": versions.REASON_TEXT.get(str(reason or "issue"), ""),
        "version_issued_on": _as_date(version_on) if version_on else None, "signature": signature,
    }
    if old is None:
        # a later version of a certificate first issued by today continues it (延期/延期换证 ahead of the expiry;
        # a 变更 keeps the dates): its previous term is in force until the new one starts
        continued = (version_no or 1) > 1 and issued_on <= today()
        status = rules.verification_status(status, valid_from=valid_from, today=today(), continued=continued)
        label = "尚未生效" if status == rules.NOT_YET_VALID else CertificateStatus(status).label
        return Verification(valid=rules.is_valid_status(status), status=status,
                            status_label=label, expires_on=valid_until,
                            next_review_due=review_due, current_version_no=version_no or 1,
                            current_status_label=label, **common)
    superseded_at, current_code, current_no, current_until, current_review = old[19:]
    current = rules.effective_status(stored=stored, valid_until=_as_date(current_until),
                                     review_due=_as_date(current_review) if current_review else None,
                                     review_window_days=window, today=today())
    return Verification(valid=False, status=SUPERSEDED, status_label="已被新版本替代", expires_on=valid_until,
                        next_review_due=None, is_current=False, superseded_at=_as_datetime(superseded_at),
                        current_code=current_code, current_version_no=current_no,
                        current_status_label=CertificateStatus(current).label, **common)


_VERIFY_SQL = (
    "SELECT c.number, c.holder_name, c.holder_id_number, c.issuing_authority, c.issued_on, c.valid_until, "
    "c.next_review_due, c.status, c.scope_text, t.name, t.holder_kind, t.review_window_days, c.valid_from, "
    "c.version_no, v.sha256, v.signer, v.signed_at, v.issued_on, v.reason "
    "FROM certificates_certificate c JOIN certificates_certificatetype t ON t.id = c.type_id "
    "LEFT JOIN certificates_certificateversion v ON v.certificate_id = c.id AND v.version_no = c.version_no "
    "WHERE c.verify_code = %s"
)
# a code printed on an older version: the version's own printed facts, the certificate's current code and status
_VERIFY_OLD_SQL = (
    "SELECT c.number, v.holder_name, c.holder_id_number, c.issuing_authority, c.issued_on, v.valid_until, "
    "NULL, c.status, v.scope_text, t.name, t.holder_kind, t.review_window_days, v.valid_from, "
    "v.version_no, v.sha256, v.signer, v.signed_at, v.issued_on, v.reason, "
    "v.superseded_at, c.verify_code, c.version_no, c.valid_until, c.next_review_due "
    "FROM certificates_certificateversion v JOIN certificates_certificate c ON c.id = v.certificate_id "
    "JOIN certificates_certificatetype t ON t.id = c.type_id "
    "WHERE v.verify_code = %s AND v.version_no < c.version_no"
)


def _as_datetime(value: Any) -> dt.datetime | None:
    """A timestamp read by raw SQL: SQLite gives it naive (stored in UTC), PostgreSQL aware."""
    if value is None:
        return None
    if not isinstance(value, dt.datetime):
        from django.utils.dateparse import parse_datetime

        value = parse_datetime(str(value))
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=dt.UTC)
    return value


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


# ---------------------------------------------------------------- daily sweep and reminders (measure III.8)

@dataclass
class SweepResult:
    expired: int = 0
    voided: int = 0
    due_for_review: int = 0
    reminders_created: int = 0
    reminders_sent: int = 0
    reminders_failed: int = 0


def sweep_statuses(on: dt.date, since: dt.date | None = None) -> SweepResult:
    """The scheduled actions of the day, set-based: expired, voided for a missed review, due for review (the
    declared `expire`, `void_missed_review` and `enter_review_window`; the queries are their guards in set form).
    Every write sets the status of its day (issue, import, and `_settle` after an action), so only the passing of
    days changes statuses: with `since` (the last finished run) only the dates in between are looked at."""
    result = SweepResult()
    live = [CertificateStatus.VALID, CertificateStatus.DUE_FOR_REVIEW]
    with transaction.atomic():
        expiring = Certificate.objects.filter(status__in=live, valid_until__lt=on)
        missing = Certificate.objects.filter(status__in=live, next_review_due__lt=on)
        if since is not None:
            expiring = expiring.filter(valid_until__gte=since)
            missing = missing.filter(next_review_due__gte=since)
        # locked (PostgreSQL) so that no officer's action slips in between the choice and the update
        expired = list(expiring.select_for_update().values_list("id", "status"))
        voided = list(missing.exclude(id__in=[i for i, _ in expired]).select_for_update()
                      .values_list("id", "status"))
        due: list[tuple[int, str]] = []
        for ctype in CertificateType.objects.filter(review_window_days__isnull=False):
            window = ctype.review_window_days or 0  # not null (the filter)
            entering = Certificate.objects.filter(
                type=ctype, status=CertificateStatus.VALID, next_review_due__gte=on,
                next_review_due__lte=on + dt.timedelta(days=window))
            if since is not None:
                entering = entering.filter(next_review_due__gte=since + dt.timedelta(days=window))
            due += list(entering.select_for_update().values_list("id", "status"))
        _bulk_transition("expire", expired, note="有效期届满，证照过期")
        _bulk_transition("void_missed_review", voided,
                         note="逾期未复审，证书失效（特种作业人员安全技术培训考核管理规定 第30条）")
        _bulk_transition("enter_review_window", due, note="进入复审申请期")
        result.expired, result.voided, result.due_for_review = len(expired), len(voided), len(due)
    return result


def _bulk_transition(action: str, rows: list[tuple[int, str]], *, note: str, chunk: int = 5000) -> None:
    """A scheduled action applied to many certificates at once, inside the caller's transaction: a conditional
    UPDATE per chunk (state and version, as apply_transition does one by one), a timeline row per certificate and
    an audit entry per chunk naming the certificates."""
    transition = next(t for t in WORKFLOW.transitions if t.action == action)
    content_type = ContentType.objects.get_for_model(Certificate)
    now = timezone.now()
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        ids = [i for i, _ in part]
        changed = Certificate.objects.filter(id__in=ids, status__in=transition.sources).update(
            status=transition.target, version=F("version") + 1)
        if changed != len(part):
            raise Conflict("证照状态在扫描期间被修改，本次扫描已撤销，请重新运行")
        ProcessHistory.objects.bulk_create(
            [ProcessHistory(content_type=content_type, object_id=i, at=now, actor=None, actor_name="系统",
                            action=action, action_label=transition.label, from_state=state,
                            to_state=transition.target, note=note) for i, state in part], batch_size=2000)
        audit(None, f"{WORKFLOW.name}.{action}", object_type="certificates.certificate",
              summary=f"{transition.label}：{len(part)} 本证照（每日扫描）",
              data={"note": note, "ids": ids})


def generate_reminders(on: dt.date, since: dt.date | None = None, changed_since: dt.datetime | None = None) -> int:
    """Claim the reminder slots owed today: INSERT … SELECT per offset bucket, ON CONFLICT DO NOTHING on the unique
    (certificate, closing day, offset) key, so a re-run or a concurrent run never creates a second one.

    With `since` (the day of the last finished run) only certificates that entered a bucket by the passing of the
    days in between, or were written after `changed_since`, are looked at; without it, every bucket in full."""
    offsets = rule("certificates.reminder_offsets_days", on=on)
    created = 0
    now = timezone.now()
    insert = (
        "INSERT INTO certificates_reminder (certificate_id, due_date, offset_days, kind, status, attempts, channels,"
        " last_error, created_at) "
        "SELECT id, action_due, %s, action_kind, 'pending', 0, '', '', %s FROM certificates_certificate "
        "WHERE action_due > %s AND action_due <= %s AND status IN ('valid', 'due_for_review') {extra}"
        "ON CONFLICT (certificate_id, due_date, offset_days) DO NOTHING"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        for offset, lower, upper in rules.reminder_buckets(offsets):
            low, high = on + dt.timedelta(days=lower), on + dt.timedelta(days=upper)
            if since is None:
                cursor.execute(insert.format(extra=""), [offset, now, low, high])
                created += max(cursor.rowcount, 0)
                continue
            entered_low = max(low, since + dt.timedelta(days=upper))
            if entered_low < high:
                cursor.execute(insert.format(extra=""), [offset, now, entered_low, high])
                created += max(cursor.rowcount, 0)
            if changed_since is not None:
                cursor.execute(insert.format(extra="AND updated_at >= %s "), [offset, now, low, high, changed_since])
                created += max(cursor.rowcount, 0)
    return created


KIND_LABELS = {rules.EXTENSION: "延期", rules.PERIODIC_REVIEW: "复审", rules.RENEWAL: "延期换证"}


def _reminder_text(cert: Certificate, reminder: Reminder) -> tuple[str, str]:
    last_day = rules.last_application_day(reminder.due_date, _working)
    label = KIND_LABELS.get(reminder.kind, "办理")
    title = f"证照到期提醒：{cert.type.name}需办理{label}"
    body = (f"{cert.holder_name}的{cert.type.name}（编号 {cert.number}，有效期至 {cert.valid_until:%Y-%m-%d}）"
            f"须于 {last_day.year}年{last_day.month}月{last_day.day}日 前申请{label}，请及时办理。")
    return title, body


def reminder_url(cert: Certificate, kind: str) -> str:
    """Where a reminder leads: a holder's 复审/延期换证 is applied for online (training's application page, the
    certificate chosen); a licence's extension from its page (measure III.8)."""
    if cert.is_personal and kind in (rules.PERIODIC_REVIEW, rules.RENEWAL):
        return reverse("training:reviews_mine") + f"?certificate={cert.pk}"
    return reverse("certificates:detail", args=[cert.pk])


def deliver_reminder(reminder_id: int, *, send: Callable[..., str] | None = None) -> bool:
    """Deliver one pending reminder exactly once: the conditional UPDATE pending → sent, the inbox messages, the
    SMS record and the email all commit together or not at all. Returns whether this call sent it."""
    sender = send or send_sms
    with transaction.atomic():
        claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.PENDING).update(
            status=Reminder.Status.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1)
        if not claimed:
            return False
        reminder = Reminder.objects.select_related("certificate__type", "certificate__enterprise").get(pk=reminder_id)
        cert = reminder.certificate
        title, body = _reminder_text(cert, reminder)
        from bureau.accounts.models import User

        holders = list(User.objects.filter(id_number_index=cert.holder_id_index, is_active=True)) \
            if cert.holder_id_index else []
        staff_of = list(User.objects.filter(enterprise_id=cert.enterprise_id, is_active=True)) \
            if cert.enterprise_id else []
        recipients = {u.pk: u for u in holders + staff_of}.values()
        url = reminder_url(cert, reminder.kind)
        channels = []
        if recipients:
            notify(recipients, title, body, url)
            channels.append("inbox")
        phone = cert.holder_phone or next((u.phone for u in holders if u.phone), "")
        if not phone and cert.enterprise is not None and not cert.is_personal:
            phone = cert.enterprise.contact_phone
        if phone:
            # the key is the reminder's: a re-run after a crash between the gateway's acceptance and this commit
            # sends the same key again, which the gateway drops (measure III.8: no duplicate reminders)
            sender(phone, f"【{settings.BUREAU_NAME}】{body}", key=f"reminder:{reminder_id}")
            channels.append("sms")
        emails = sorted({u.email for u in recipients if u.email})
        if emails:
            send_mail(title, body, None, emails, fail_silently=False)
            channels.append("email")
        Reminder.objects.filter(pk=reminder_id).update(channels=",".join(channels))
    return True


def deliver_pending_reminders(*, batch: int = 500, send: Callable[..., str] | None = None,
                              limit: int | None = None) -> tuple[int, int]:
    """Deliver every pending reminder, one transaction each. A failing reminder is pushed aside (attempts counted,
    failed after 3) instead of blocking the others; a killed job leaves the undelivered ones pending for the re-run."""
    sent = failed = 0
    last_id = 0
    while True:
        ids = list(Reminder.objects.filter(status=Reminder.Status.PENDING, id__gt=last_id).order_by("id")
                   .values_list("id", flat=True)[:batch])
        if not ids or (limit is not None and sent + failed >= limit):
            return sent, failed
        for rid in ids:
            last_id = rid
            try:
                if deliver_reminder(rid, send=send):
                    sent += 1
            except Exception as exc:  # a bad row must not stop the sweep; recorded and retried next run
                failed += 1
                Reminder.objects.filter(pk=rid).update(
                    attempts=F("attempts") + 1, last_error=str(exc)[:300])
                Reminder.objects.filter(pk=rid, attempts__gte=3).update(status=Reminder.Status.FAILED)


def daily_scan(on: dt.date) -> tuple[SweepRun, SweepResult]:
    """The scan part of the daily job: statuses of the day and reminder slots, looking only at what the days since
    the last finished run (and the writes since it started) can have changed."""
    last = SweepRun.objects.filter(day__lt=on, finished_at__isnull=False).order_by("-day").first()
    run, _ = SweepRun.objects.get_or_create(day=on, defaults={"started_at": timezone.now()})
    result = sweep_statuses(on, since=last.day if last else None)
    result.reminders_created = generate_reminders(on, since=last.day if last else None,
                                                  changed_since=last.started_at if last else None)
    return run, result


def daily_sweep(on: dt.date | None = None, *, send: Callable[..., str] | None = None) -> SweepResult:
    """The daily job: statuses of the day, reminder slots, delivery. Safe to run twice or after a crash."""
    on = on or today()
    run, result = daily_scan(on)
    result.reminders_sent, result.reminders_failed = deliver_pending_reminders(send=send)
    SweepRun.objects.filter(pk=run.pk).update(finished_at=timezone.now(), result=result.__dict__)
    audit(None, "certificates.daily_sweep", summary=(
        f"证照日常扫描 {on}：过期 {result.expired}，失效 {result.voided}，待复审 {result.due_for_review}，"
        f"新提醒 {result.reminders_created}，发送 {result.reminders_sent}，失败 {result.reminders_failed}"),
        data=result.__dict__)
    return result


# ---------------------------------------------------------------- kiosk (measure I.10)

def terminal_for_key(key: str) -> KioskTerminal:
    terminal = KioskTerminal.objects.filter(key=key, is_active=True).select_related("region").first()
    if terminal is None:
        raise NotFound("自助终端未登记或已停用，请联系大厅工作人员")
    return terminal


def _code_hash(challenge_salt: str, code: str) -> str:
    return hmac.new((settings.SECRET_KEY + challenge_salt).encode(), code.encode(), hashlib.sha256).hexdigest()


def _phone_on_record(id_index: str) -> str:
    from bureau.accounts.models import User

    for cert in Certificate.objects.filter(holder_id_index=id_index).exclude(holder_phone="").order_by("-issued_on")[:5]:
        if cert.holder_phone:
            return cert.holder_phone
    user = User.objects.filter(id_number_index=id_index, is_active=True).exclude(phone="").first()
    return user.phone if user else ""


def kiosk_request_code(*, terminal: KioskTerminal, id_number: str) -> KioskChallenge:
    """Step 1: the person types the ID number; a one-time code goes by SMS to the phone on record."""
    try:
        number = validate_id_number(id_number)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="id_number") from exc
    index = blind_index(number)
    if not Certificate.objects.filter(holder_id_index=index, type__kiosk_printable=True).exists():
        raise DomainError("未查询到该身份证号名下可自助打印的证书（三项岗位人员证书）", field="id_number")
    phone = _phone_on_record(index)
    if not phone:
        raise DomainError("该证件未登记手机号码，无法发送验证码，请到窗口由工作人员核验身份后打印", field="id_number")
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    if KioskChallenge.objects.filter(id_index=index, created_at__gte=hour_ago).count() >= int(
            rule("certificates.kiosk_codes_per_hour")):
        raise DomainError("验证码发送过于频繁，请一小时后再试")
    code = f"{secrets.randbelow(10 ** 6):06d}"
    salt = secrets.token_hex(8)
    minutes = int(rule("certificates.kiosk_code_minutes"))
    with transaction.atomic():
        challenge = KioskChallenge.objects.create(
            terminal=terminal, id_index=index, code_hash=f"{salt}${_code_hash(salt, code)}",
            phone_masked=mask_phone(phone), expires_at=timezone.now() + dt.timedelta(minutes=minutes))
        send_sms(phone, f"【{settings.BUREAU_NAME}】您在证书自助打印终端的验证码为 {code}，{minutes}分钟内有效。"
                        "如非本人操作，请忽略。", secret=code)  # the code never kept in clear
        audit(None, "certificates.kiosk_code", challenge, summary=f"自助终端 {terminal.code} 发送验证码至 {mask_phone(phone)}")
    return challenge


def kiosk_verify_code(*, terminal: KioskTerminal, challenge_id: int, code: str) -> str:
    """Step 2: the code is checked (expiry, attempts); returns the person's blind index for the kiosk session."""
    max_attempts = int(rule("certificates.kiosk_code_max_attempts"))
    wrong = False
    with transaction.atomic():
        challenge = KioskChallenge.objects.select_for_update().filter(pk=challenge_id, terminal=terminal).first()
        if challenge is None or challenge.verified_at is not None:
            raise DomainError("验证已失效，请重新输入身份证号")
        if challenge.expires_at < timezone.now():
            raise DomainError("验证码已过期，请重新获取")
        if challenge.attempts >= max_attempts:
            raise DomainError("验证码错误次数过多，请重新获取")
        salt, digest = challenge.code_hash.split("$", 1)
        if hmac.compare_digest(digest, _code_hash(salt, (code or "").strip())):
            challenge.verified_at = timezone.now()
            challenge.save(update_fields=["verified_at"])
        else:
            # the failed attempt is counted (committed) before the refusal is raised
            KioskChallenge.objects.filter(pk=challenge.pk).update(attempts=F("attempts") + 1)
            wrong = True
    if wrong:
        raise DomainError(f"验证码不正确，还可尝试 {max_attempts - challenge.attempts - 1} 次", field="code")
    return challenge.id_index


def kiosk_certificates(id_index: str) -> list[Certificate]:
    """The person's printable certificates in force today: a revoked, suspended, void or expired one is not listed
    (measure I.10: only a certificate in force is printed)."""
    rows = (Certificate.objects.filter(holder_id_index=id_index, type__kiosk_printable=True,
                                       status__in=rules.LIVE_STATUSES).select_related("type").order_by("-issued_on"))
    return [c for c in rows if in_force_refusal(c, "自助打印") is None]


def in_force_refusal(cert: Certificate, doing: str) -> str | None:
    """Why the certificate cannot be printed at a kiosk or posted today, or None: it must be in force by today's
    dates (not revoked, suspended, void or expired) and not dated after today (measures I.10, III.10)."""
    if cert.current_status() not in rules.LIVE_STATUSES:
        return f"证书当前为「{cert.current_status_label()}」，不能{doing}，请到窗口咨询"
    if cert.issued_on > today() or cert.valid_from > today():
        return f"证书发证日期 {cert.issued_on:%Y-%m-%d} 晚于今天，不能{doing}，请到窗口咨询"
    return None


def kiosk_print(*, terminal: KioskTerminal, id_index: str, certificate_id: int) -> tuple[PrintLog, Document]:
    """Step 3: print one certificate: logged with terminal, person and copy number; reprints limited by data."""
    cert = Certificate.objects.select_related("type", "enterprise").filter(
        pk=certificate_id, holder_id_index=id_index, type__kiosk_printable=True).first()
    if cert is None:
        raise NotFound("证书不存在")
    refused = in_force_refusal(cert, "自助打印")
    if refused:
        raise DomainError(refused, code="not_in_force")
    limit = int(rule("certificates.kiosk_reprint_limit"))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=cert.pk)
        done = PrintLog.objects.filter(certificate=locked).count()
        if not rules.print_allowed(done, limit):
            raise DomainError(f"该证书已自助打印 {done} 次，已达补打上限（{limit} 次），如需再次打印请到窗口办理")
        document = certificate_document(actor=None, certificate=cert)
        log = PrintLog.objects.create(certificate=cert, terminal=terminal, id_index=id_index,
                                      person_masked=f"{cert.holder_name}（{cert.holder_id_masked}）",
                                      copy_no=done + 1, is_reprint=done > 0)
        audit(None, "certificates.kiosk_print", cert,
              summary=f"自助终端 {terminal.code} 打印 {cert.number} 第{done + 1}份", data={"terminal": terminal.code})
    return log, document


# ---------------------------------------------------------------- mailing (measure III.10)

def mailing_request(*, actor: User, certificate: Certificate, recipient_name: str, recipient_phone: str,
                    address: str) -> MailingRequest:
    """A holder (or the enterprise for its certificate) asks for the certificate to be posted: only a certificate in
    force is posted (measure III.10)."""
    if not sees(actor, certificate):  # Certificate.authority: the holder, the enterprise, the jurisdiction's staff
        raise NotFound("证照不存在或不在您的管辖范围内")
    refused = in_force_refusal(certificate, "申请寄递")
    if refused:
        raise DomainError(refused, code="not_in_force")
    try:
        recipient_phone = validate_mobile(recipient_phone)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="recipient_phone") from exc
    if not recipient_name.strip() or len(address.strip()) < 6:
        raise DomainError("请填写收件人和详细地址", field="address")
    if certificate.mailings.filter(status__in=[MailingRequest.Status.REQUESTED, MailingRequest.Status.SHIPPED]).exists():
        raise DomainError("该证书已有正在办理的寄递申请")
    with transaction.atomic():
        mailing = MailingRequest.objects.create(certificate=certificate, region_id=certificate.region_id,
                                                requested_by=actor, recipient_name=recipient_name.strip(),
                                                recipient_phone=recipient_phone, address=address.strip())
        record_history(mailing, actor=actor, action="request", label="申请寄递")
        audit(actor, "certificates.mailing_request", mailing, summary=f"申请寄递证书 {certificate.number}")
    return mailing


def mailing_ship(*, actor: User, mailing: MailingRequest, courier: str, tracking_no: str) -> MailingRequest:
    """The clerk records courier and tracking number; the holder is told."""
    check_transition(MAILING, mailing, "ship", actor)
    if not courier.strip() or not tracking_no.strip():
        raise DomainError("请填写快递公司和运单号", field="tracking_no")
    courier, tracking_no = courier.strip(), tracking_no.strip()
    with transaction.atomic():
        apply_transition(MAILING, mailing, "ship", actor=actor, note=f"{courier}，运单号 {tracking_no}",
                         updates={"courier": courier, "tracking_no": tracking_no, "shipped_at": timezone.now(),
                                  "handled_by": _actor_name(actor)})
        notify([mailing.requested_by], "证书已寄出",
               f"您申请寄递的证书 {mailing.certificate.number} 已由{courier}寄出，运单号 {tracking_no}。",
               reverse("certificates:mailing_mine"))
    return mailing


def mailing_deliver(*, actor: User, mailing: MailingRequest) -> MailingRequest:
    """The holder (or the clerk from the courier's record) confirms delivery."""
    with transaction.atomic():
        apply_transition(MAILING, mailing, "deliver", actor=actor, updates={"delivered_at": timezone.now()})
    return mailing


def mailing_cancel(*, actor: User, mailing: MailingRequest, reason: str = "") -> MailingRequest:
    """Before it is shipped: the holder withdraws the request (e.g. will print at a kiosk instead), or the clerk
    cancels it with a reason the holder is told (e.g. the address cannot be served). Once shipped it cannot be."""
    # the staff's `cancel` and the holder's `withdraw` are two declared actions: whoever the workflow lets cancel
    # cancels (with a reason), the requester otherwise withdraws
    staff_cancel = MAILING.find("cancel", MailingRequest.Status.REQUESTED)
    by_holder = mailing.requested_by_id == actor.pk and not (staff_cancel and actor.role_codes & staff_cancel.roles)
    action = "withdraw" if by_holder else "cancel"
    check_transition(MAILING, mailing, action, actor)
    reason = (reason or "").strip()
    if not by_holder and not reason:
        raise DomainError("工作人员取消寄递须填写原因（将告知申请人）", field="reason")
    if len(reason) > 200:
        raise DomainError("取消原因不超过200字", field="reason")
    reason = reason or "申请人撤回"
    with transaction.atomic():
        apply_transition(MAILING, mailing, action, actor=actor, note=reason,
                         updates={"cancelled_at": timezone.now(), "cancel_reason": reason,
                                  "handled_by": "" if by_holder else _actor_name(actor)})
        if not by_holder:
            notify([mailing.requested_by], "证书寄递已取消",
                   f"您申请寄递的证书 {mailing.certificate.number} 未能寄出：{reason}。可重新申请或到自助终端打印。",
                   reverse("certificates:mailing_mine"))
    return mailing


# ---------------------------------------------------------------- import of existing certificates

IMPORT_COLUMNS = [
    ("type", "证照类型", True), ("number", "证书编号", True), ("holder_name", "持证人/单位名称", True),
    ("id_number", "身份证号", False), ("uscc", "统一社会信用代码", False), ("phone", "手机号", False),
    ("region", "区划代码", True), ("authority", "发证机关", True), ("issued_on", "发证日期", True),
    ("valid_from", "有效期起", False), ("valid_until", "有效期至", False), ("scope_text", "许可范围/作业类别", False),
    ("status", "状态", False),
]


def _parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip().replace("/", "-").replace(".", "-")
    return dt.date.fromisoformat(text)


def certificate_import(*, actor: User, data: bytes, filename: str) -> ImportBatch:
    """Import existing certificates from Excel: every row validated first; any error → nothing written and a per-row
    error list; otherwise all rows are written in one transaction."""
    if not may_import(actor):
        raise PermissionDenied("您无权导入证照")
    from bureau.accounts.scope import scope_for
    from bureau.enterprises.models import Enterprise
    from bureau.kernel.excel import read_rows
    from bureau.kernel.models import Region

    try:
        header, rows = read_rows(data)
        all_rows = list(rows)
    except Exception as exc:  # not a readable workbook
        raise DomainError("文件无法读取，请使用系统提供的 Excel 模板（.xlsx）", field="file") from exc
    titles = {title: key for key, title, _ in IMPORT_COLUMNS}
    index = {titles[h]: i for i, h in enumerate(header) if h in titles}
    missing = [title for key, title, required in IMPORT_COLUMNS if required and key not in index]
    if missing:
        raise DomainError(f"表头缺少必填列：{'、'.join(missing)}", field="file")
    if not all_rows:
        raise DomainError("文件中没有数据行", field="file")
    types = {t.code: t for t in CertificateType.objects.all()}
    types.update({t.name: t for t in list(types.values())})
    regions = set(Region.objects.values_list("code", flat=True))
    scope = scope_for(actor)
    status_labels = {label: value for value, label in CertificateStatus.choices}
    usccs = {str(c[index["uscc"]]).strip().upper() for _, c in all_rows
             if "uscc" in index and index["uscc"] < len(c) and c[index["uscc"]]}
    enterprises = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=usccs)}
    numbers_in_file: dict[str, int] = {}
    # one held licence per enterprise, kind and scope (uniq_held_licence): those in the register and in the file
    held_pairs = set(Certificate.objects.filter(enterprise__in=enterprises.values(), scope_key="",
                                                status__in=HELD_STATUSES).values_list("enterprise_id", "type_id"))
    pairs_in_file: dict[tuple[int, int], int] = {}
    existing_numbers = set(Certificate.objects.filter(
        number__in=[str(c[index["number"]]).strip() for _, c in all_rows if index["number"] < len(c)]
    ).values_list("number", flat=True))
    errors: list[dict[str, Any]] = []
    ready: list[tuple[Certificate, str]] = []
    for row_no, cells in all_rows:
        def cell(key: str, cells: list[Any] = cells) -> Any:
            i = index.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        def err(column: str, message: str, row_no: int = row_no) -> None:
            errors.append({"row": row_no, "column": column, "message": message})

        before = len(errors)
        ctype = types.get(str(cell("type") or "").strip())
        if ctype is None:
            err("证照类型", "未知的证照类型（填写类型代码或名称）")
        number = str(cell("number") or "").strip()
        if not number:
            err("证书编号", "必填")
        elif number in numbers_in_file:
            err("证书编号", f"与第 {numbers_in_file[number]} 行重复")
        elif number in existing_numbers:
            err("证书编号", "系统中已存在该编号")
        numbers_in_file.setdefault(number, row_no)
        holder = str(cell("holder_name") or "").strip()
        if not holder:
            err("持证人/单位名称", "必填")
        id_number = str(cell("id_number") or "").strip()
        enterprise = None
        if ctype is not None and ctype.holder_kind == HolderKind.PERSON:
            try:
                id_number = validate_id_number(id_number)
            except IdentifierError as exc:
                err("身份证号", str(exc))
        uscc = str(cell("uscc") or "").strip().upper()
        if uscc:
            enterprise = enterprises.get(uscc)
            if enterprise is None:
                err("统一社会信用代码", "企业名录中没有该企业，请先登记企业")
        elif ctype is not None and ctype.holder_kind == HolderKind.ENTERPRISE:
            err("统一社会信用代码", "企业证照必须填写统一社会信用代码")
        phone = str(cell("phone") or "").strip()
        if phone:
            try:
                phone = validate_mobile(phone)
            except IdentifierError as exc:
                err("手机号", str(exc))
        region = str(cell("region") or "").strip()
        if region not in regions:
            err("区划代码", "未知的区划代码")
        elif not scope.covers_region(region):
            err("区划代码", "不在您的管辖区域内")
        authority = str(cell("authority") or "").strip()
        if not authority:
            err("发证机关", "必填")
        dates: dict[str, dt.date | None] = {}
        for key, title in (("issued_on", "发证日期"), ("valid_from", "有效期起"), ("valid_until", "有效期至")):
            raw = cell(key)
            if raw in (None, ""):
                dates[key] = None
                if key == "issued_on":
                    err(title, "必填")
                continue
            try:
                dates[key] = _parse_date(raw)
            except ValueError:
                err(title, "日期格式应为 YYYY-MM-DD")
        status_text = str(cell("status") or "有效").strip()
        status = status_labels.get(status_text, status_text if status_text in dict(CertificateStatus.choices) else None)
        if status is None:
            err("状态", f"未知的状态「{status_text}」")
        issued_on = dates["issued_on"]
        if len(errors) > before or ctype is None or issued_on is None or status is None:  # (reported above)
            continue
        scope_key = "" if ctype.holder_kind == HolderKind.ENTERPRISE and enterprise is not None else None
        if scope_key is not None and status in HELD_STATUSES:
            pair = (enterprise.pk, ctype.pk)  # type: ignore[union-attr]
            if pair in held_pairs:
                err("证书编号", rules.held_licence_message(type_name=ctype.name, number=""))
                continue
            if pair in pairs_in_file:
                err("证书编号", f"与第 {pairs_in_file[pair]} 行为同一企业的同类有效证照，只能保留一本")
                continue
            pairs_in_file[pair] = row_no
        valid_from = dates["valid_from"] or issued_on
        valid_until = dates["valid_until"] or rules.validity_end(valid_from, ctype.validity_months)
        if valid_until < valid_from:
            err("有效期至", "不能早于有效期起")
            continue
        cert = Certificate(number=number, type=ctype, enterprise=enterprise, region_id=region, holder_name=holder,
                           holder_id_number=id_number if ctype.holder_kind == HolderKind.PERSON else "",
                           holder_phone=phone, scope_text=str(cell("scope_text") or "").strip()[:300],
                           issuing_authority=authority, issued_on=issued_on, valid_from=valid_from,
                           valid_until=valid_until, status=status, source_type="import",
                           verify_code=secrets.token_urlsafe(24), scope_key=scope_key)
        cert.holder_id_index = blind_index(cert.holder_id_number) if cert.holder_id_number else ""
        refresh_schedule(cert)
        ready.append((cert, status_text))
    with transaction.atomic():
        batch = ImportBatch(original_name=filename[:200], created_by=actor, total_rows=len(all_rows))
        if errors:
            batch.errors = errors[:5000]
            batch.message = (f"共 {len(all_rows)} 行，{len({e['row'] for e in errors})} 行有错误，未导入任何数据。"
                             "请修改后重新上传。")
            batch.save()
            audit(actor, "certificates.import", batch, summary=batch.message, result="失败")
            return batch
        Certificate.objects.bulk_create([c for c, _ in ready], batch_size=500)
        saved = dict(Certificate.objects.filter(number__in=[c.number for c, _ in ready]).values_list("number", "id"))
        CertificateVersion.objects.bulk_create(
            [CertificateVersion(certificate_id=saved[c.number], version_no=1, reason="issue", verify_code=c.verify_code,
                                holder_name=c.holder_name, scope_text=c.scope_text, issued_on=c.issued_on,
                                valid_from=c.valid_from, valid_until=c.valid_until, source_type="import",
                                note=f"从Excel导入（{filename}）"[:300]) for c, _ in ready], batch_size=1000)
        content_type, now = ContentType.objects.get_for_model(Certificate), timezone.now()
        ProcessHistory.objects.bulk_create(
            [ProcessHistory(content_type=content_type, object_id=saved[c.number], at=now,
                            actor=actor if getattr(actor, "pk", None) else None, actor_name=_actor_name(actor),
                            action="issue", action_label="发证（导入）", from_state=c.status, to_state=c.status,
                            note=f"从Excel导入（{filename}）"[:300]) for c, _ in ready], batch_size=1000)
        batch.ok = True
        batch.created_count = len(ready)
        batch.message = f"导入完成：共导入 {len(ready)} 本证照。"
        batch.save()
        audit(actor, "certificates.import", batch, summary=batch.message, data={"created": len(ready)})
    return batch


def holder_id_masked(value: str) -> str:
    return mask_id_number(value)
