"""Dual-prevention use cases: the risk register, the hazard loop and listed supervision (measures II.8, III.5,
III.6). Every function takes the acting user, checks role and scope, runs in one transaction and leaves history
and audit; every refusal is a DomainError raised before anything is written."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, connections, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from PIL import Image

from bureau.accounts.authority import require_change, sees
from bureau.accounts.models import User
from bureau.enterprises.models import Enterprise
from bureau.hazards import rules
from bureau.hazards.models import (
    CheckFrequency,
    CheckItem,
    CheckResult,
    CheckState,
    DeadlineExtension,
    Hazard,
    HazardGrade,
    HazardSource,
    ListedSupervision,
    ListingEntry,
    RiskMethod,
    RiskPoint,
    RiskPointPlacement,
    ScheduledCheck,
    SitePlan,
)
from bureau.hazards.workflow import (
    BUREAU_DECIDERS,
    STAFF,
    extension_workflow,
    hazard_workflow,
    is_bureau,
    listing_workflow,
)
from bureau.kernel.attachments import KNOWN_TYPES, check_upload, save_upload
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days
from bureau.kernel.documents import Fields, Grid, Para, Signature, Spec, chinese_date, store_document
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.models import Attachment, Document
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.registry import registry
from bureau.kernel.rules import rule
from bureau.kernel.validation import check_event_date
from bureau.kernel.workflow import apply_transition, check_transition, record_history

EVIDENCE = "整改佐证"  # the purpose of rectification evidence attachments (photos, certificates, reports)


def _enterprise_users(enterprise_id: int) -> list[User]:
    return list(User.objects.filter(enterprise_id=enterprise_id, is_active=True))


def check_lengths(**fields: tuple[str, int, str]) -> None:
    """Refuse texts longer than their column (field=(value, max, label)) with a Chinese message."""
    for name, (value, limit, label) in fields.items():
        if value is not None and len(value) > limit:
            raise DomainError(f"{label}不能超过 {limit} 个字", field=name)


# ---------------------------------------------------------------------------------------------------------------
# Hazard loop


def hazard_report(*, actor: User | None, enterprise: Enterprise, source: str, title: str, found_on: dt.date,
                  grade: str = HazardGrade.GENERAL, description: str = "", location: str = "",
                  deadline: dt.date | None = None, legal_basis: str = "", major_criterion: str = "",
                  source_record: Any = None, risk_point: RiskPoint | None = None, violation_code: str = "",
                  checklist_item: Any = None) -> Hazard:
    """Register a hazard found by the enterprise, an inspection, an expert checkup or a patrol (source and time
    recorded: the self-inspection record is what the II.8 exemption relies on). `violation_code` (a violation in
    force on the day found, from the penalties benchmark) and `checklist_item` (the inspection's item) say which
    violation the hazard is; they are fixed here, so a record made before an inspection cannot be re-labelled after
    it to match what the inspection found."""
    if source not in HazardSource.values:
        raise DomainError("隐患来源无效")
    if source == HazardSource.INSPECTION:
        deadline = _ordered_deadline(deadline, source_record)
    if grade not in HazardGrade.values:
        raise DomainError("隐患等级无效")
    if not title.strip():
        raise DomainError("请填写隐患名称", field="title")
    check_event_date(found_on, field="found_on", label="发现日期")
    if deadline is not None and deadline < found_on:
        raise DomainError("整改期限不能早于发现日期", field="deadline")
    if grade == HazardGrade.MAJOR and not major_criterion.strip():
        raise DomainError("重大隐患须注明判定依据（如 工贸重大事故隐患判定标准 第X条）", field="major_criterion")
    check_lengths(title=(title.strip(), 200, "隐患名称"), location=(location, 120, "部位"),
                  major_criterion=(major_criterion, 200, "判定依据"), legal_basis=(legal_basis, 300, "依据条款"))
    if source == HazardSource.SELF_INSPECTION and actor is not None and getattr(actor, "enterprise_id", None) \
            not in (None, enterprise.pk):
        raise PermissionDenied("只能为本企业登记自查隐患")
    if risk_point is not None and risk_point.enterprise_id != enterprise.pk:
        raise DomainError("关联风险点不属于该企业", field="risk_point")
    violation_code = _known_violation(violation_code, found_on)
    with transaction.atomic():
        hazard = Hazard.objects.create(
            number=next_number("hazard", timezone.localdate().year, prefix="YH"),  # the registration year
            enterprise=enterprise, region_id=enterprise.region_id, source=source,
            source_type=(f"{source_record._meta.app_label}.{source_record._meta.model_name}"
                         if source_record is not None else ""),
            source_id=str(source_record.pk) if source_record is not None else "",
            found_on=found_on, reported_at=timezone.now(), title=title.strip()[:200], description=description,
            location=location, grade=grade, major_criterion=major_criterion, legal_basis=legal_basis,
            deadline=deadline, state="reported", reported_by=actor if getattr(actor, "pk", None) else None,
            risk_point=risk_point, violation_code=violation_code, checklist_item=checklist_item,
        )
        record_history(hazard, actor=actor, action="report", label="登记隐患",
                       note=f"来源：{hazard.get_source_display()}")
        audit(actor, "hazards.report", hazard, summary=f"登记隐患：{hazard.title}（{hazard.get_source_display()}）")
        if source != HazardSource.SELF_INSPECTION:
            notify(_enterprise_users(enterprise.pk), f"新的隐患待整改：{hazard.title}",
                   f"来源：{hazard.get_source_display()}，编号 {hazard.number}。请制定整改方案。",
                   url=f"/hazards/{hazard.pk}/")
    return hazard


def _ordered_deadline(deadline: dt.date | None, source_record: Any) -> dt.date:
    """A hazard found in an inspection is to be rectified by the deadline of the 责令限期整改指令书 that ordered it
    (安全生产法 第65条: the authority orders the hazards it finds removed): the deadline given (the order's, as the
    inspection passes it), else the order's deadline on the inspection record; without either it is refused, so
    that no inspection hazard is left without a deadline it can be overdue against."""
    ordered = deadline or getattr(source_record, "rectification_deadline", None)
    if ordered is None:
        raise DomainError("执法检查发现的隐患须填写整改期限（责令限期整改指令书确定的期限）", field="deadline")
    return ordered


def _known_violation(code: str, on: dt.date) -> str:
    """A violation code the benchmark knows on `on` (penalties registers the catalogue), or ""."""
    code = (code or "").strip()
    if not code:
        return ""
    catalogue = registry.violation_catalogue
    if catalogue is not None and code not in {c for c, _label in catalogue(on)}:
        raise DomainError(f"违法行为代码「{code}」不在{on:%Y-%m-%d}有效的裁量基准中", field="violation_code")
    return code[:40]


def hazard_plan(*, actor: User, hazard: Hazard, measures: str, deadline: dt.date | None, responsible_person: str,
                funds: Decimal | None = None, contingency: str = "", note: str = "") -> Hazard:
    """Record the rectification plan (五到位: measures, funds, deadline, person, contingency) and start
    rectification. From here the hazard counts as "under rectification" for the II.8 exemption."""
    check_transition(hazard_workflow, hazard, "plan", actor)
    check_lengths(responsible_person=(responsible_person.strip(), 40, "整改责任人"))
    deadline = _plan_deadline(actor, hazard, deadline)
    refusal = rules.plan_refusal(measures=measures, deadline=deadline, responsible_person=responsible_person,
                                 today=timezone.localdate(), found_on=hazard.found_on, funds=funds,
                                 contingency=contingency, major=hazard.grade == HazardGrade.MAJOR)
    if refusal:
        raise DomainError(refusal[1], field=refusal[0])
    with transaction.atomic():
        apply_transition(hazard_workflow, hazard, "plan", actor=actor, note=note or f"整改期限 {deadline}",
                         updates={"measures": measures.strip(), "deadline": deadline, "funds": funds,
                                  "responsible_person": responsible_person.strip(), "contingency": contingency.strip(),
                                  "plan_recorded_at": timezone.now(), "overdue_reminded_on": None})
    return hazard


def _plan_deadline(actor: User, hazard: Hazard, deadline: dt.date | None) -> dt.date | None:
    """The enterprise sets the deadline only of a hazard it found itself: a deadline set by the bureau (inspection,
    patrol, petition) or in an expert checkup stays as it is (a blank deadline in the plan keeps it) and changes
    only through an approved extension request. Where the finder set none, the enterprise's treatment plan fixes it
    (安全生产事故隐患排查治理暂行规定 第15条: 治理的时限 is part of the plan) and from then on it is fixed too."""
    if not getattr(actor, "enterprise_id", None) or hazard.source == HazardSource.SELF_INSPECTION:
        return deadline
    if hazard.deadline is None:
        return deadline
    if deadline is not None and deadline != hazard.deadline:
        finder = "专家体检" if hazard.source == HazardSource.CHECKUP else hazard.get_source_display()
        raise DomainError(f"该隐患由{finder}发现，整改期限 {hazard.deadline:%Y-%m-%d} 不能由企业自行更改；"
                          "确需延期的，请提交延期申请，由监管部门审批", field="deadline", code="deadline_fixed")
    if hazard.deadline < timezone.localdate():
        raise DomainError(f"整改期限 {hazard.deadline:%Y-%m-%d} 已过，请先提交延期申请", field="deadline",
                          code="deadline_fixed")
    return hazard.deadline


def hazard_progress(*, actor: User, hazard: Hazard, note: str) -> None:
    """A progress note on a hazard under rectification (shown on its timeline)."""
    if not sees(actor, hazard):
        raise NotFound("隐患不存在或不在您的管辖范围内")
    require_change(actor, Hazard, region=hazard.region_id, enterprise_id=hazard.enterprise_id)
    if hazard.state != "rectifying":
        raise DomainError("只有整改中的隐患可以填报整改进展")
    if not note.strip():
        raise DomainError("请填写整改进展", field="note")
    with transaction.atomic():
        record_history(hazard, actor=actor, action="progress", label="整改进展", note=note.strip())
        audit(actor, "hazards.progress", hazard, summary=f"填报整改进展：{hazard.number}")


def hazard_transition(*, actor: User, hazard: Hazard, action: str, note: str = "",
                      files: Sequence[Any] = ()) -> Hazard:
    """request_acceptance / accept / reject_acceptance / close: the loop's remaining steps. A hazard is never
    closed (销号) without acceptance: `close` exists only from `accepted` (hazards.workflow). Who verifies and closes
    follows the hazard's source (guards in hazards.workflow). The request for acceptance may carry rectification
    evidence (`files`: photos, certificates, reports), stored with it in the same transaction."""
    if action not in {"request_acceptance", "accept", "reject_acceptance", "close"}:
        raise DomainError("不支持的操作")
    check_transition(hazard_workflow, hazard, action, actor)
    files = list(files)
    if files and action != "request_acceptance":
        raise DomainError("整改佐证在整改中或申请验收时上传", field="files")
    if action == "reject_acceptance" and not note.strip():
        raise DomainError("验收不通过须写明原因", field="note")
    allowed, max_bytes = _check_evidence(files, owner=hazard) if files else (frozenset(), 0)
    updates: dict[str, Any] = {}
    if action == "accept":
        updates = {"accepted_at": timezone.now(), "acceptance_note": note.strip()}
    elif action == "close":
        updates = {"closed_at": timezone.now()}
    text = note.strip()
    if files:
        text = "\n".join(t for t in (text, "整改佐证：" + "、".join(f.name for f in files)) if t)
    with transaction.atomic():
        apply_transition(hazard_workflow, hazard, action, actor=actor, note=text, updates=updates,
                         audit_data={"evidence": len(files)} if files else None)
        for upload in files:
            save_upload(upload, owner=hazard, purpose=EVIDENCE, actor=actor, allowed=allowed, max_bytes=max_bytes)
    return hazard


# ---------------------------------------------------------------------------------------------------------------
# Rectification evidence (整改佐证: photos, certificates, test reports) on hazards and listings


def _check_evidence(files: list[Any], *, owner: Any) -> tuple[frozenset[str], int]:
    """Every file checked before anything is saved: count, type by content and size, all rules as data
    (`hazards.evidence_max_files`, `hazards.evidence_types`, `hazards.evidence_max_mb`). Returns (allowed types,
    size limit in bytes)."""
    if not files:
        raise DomainError("请选择要上传的整改佐证文件", field="files")
    most = int(rule("hazards.evidence_max_files"))
    already = owner.attachments().filter(purpose=EVIDENCE).count()
    if already + len(files) > most:
        raise DomainError(f"整改佐证最多 {most} 个文件（已上传 {already} 个）", field="files")
    allowed, max_bytes = _evidence_limits()
    for upload in files:
        check_upload(upload, allowed=allowed, max_bytes=max_bytes)
    return allowed, max_bytes


def _evidence_limits() -> tuple[frozenset[str], int]:
    # rules hazards.evidence_types and hazards.evidence_max_mb (admin-editable rows)
    allowed = frozenset(str(t).lower() for t in rule("hazards.evidence_types")) & frozenset(KNOWN_TYPES)
    return allowed, int(rule("hazards.evidence_max_mb")) * 1024 * 1024


def check_evidence_file(upload: Any) -> None:
    """One evidence file on its own (type by content, size): what a refused form keeps (kernel/staging.py)."""
    allowed, max_bytes = _evidence_limits()
    check_upload(upload, allowed=allowed, max_bytes=max_bytes)


def _evidence_add(actor: User, owner: Hazard | ListedSupervision, files: Sequence[Any], note: str, *,
                  open_state: str, refusal: str, absent: str, audit_action: str) -> list[Any]:
    """Rectification evidence on a hazard or a listing: the enterprise (its own) or the bureau of the jurisdiction
    (authority: who changes them), while the record is open; written to its timeline and the audit trail."""
    if not sees(actor, owner):
        raise NotFound(absent)
    require_change(actor, type(owner), region=owner.region_id, enterprise_id=owner.enterprise_id)
    if owner.state != open_state:
        raise DomainError(refusal)
    files = list(files)
    allowed, max_bytes = _check_evidence(files, owner=owner)
    with transaction.atomic():
        saved = [save_upload(f, owner=owner, purpose=EVIDENCE, actor=actor, allowed=allowed, max_bytes=max_bytes)
                 for f in files]
        names = "、".join(a.original_name for a in saved)
        record_history(owner, actor=actor, action="evidence", label="上传整改佐证",
                       note="\n".join(t for t in (note.strip(), names) if t))
        audit(actor, audit_action, owner, summary=f"上传整改佐证 {len(saved)} 个：{owner.number}",
              data={"files": [a.sha256 for a in saved]})
    return saved


def hazard_evidence_add(*, actor: User, hazard: Hazard, files: Sequence[Any], note: str = "") -> list[Any]:
    """Rectification evidence on a hazard under rectification; shown on the hazard page with download links."""
    return _evidence_add(actor, hazard, files, note, open_state="rectifying", audit_action="hazards.evidence",
                         absent="隐患不存在或不在您的管辖范围内", refusal="只有整改中的隐患可以上传整改佐证（申请验收时也可一并上传）")


def evidence_of(owner: Any) -> list[Any]:
    """The rectification evidence of a hazard or a listing, oldest first."""
    return list(owner.attachments().filter(purpose=EVIDENCE).select_related("uploaded_by").order_by("id"))


# ---------------------------------------------------------------------------------------------------------------
# Deadline extension (延期申请)


def _region_staff(region_id: str) -> list[User]:
    return list(User.objects.filter(organisation__region_id=region_id, is_active=True, enterprise__isnull=True,
                                    roles__code__in=sorted(STAFF)).distinct())


def extension_request(*, actor: User, hazard: Hazard, proposed_deadline: dt.date, reason: str) -> DeadlineExtension:
    """The enterprise asks for a later rectification deadline of a hazard found by the bureau or an expert, with its
    reason and the proposed date (later than the current deadline, not in the past, within rule
    `hazards.deadline_extension_max_days`). The request is the hazard's declared action `request_extension` (on its
    timeline); the bureau answers with `extension_decide`. At most one open request per hazard."""
    check_transition(hazard_workflow, hazard, "request_extension", actor)
    reason = reason.strip()
    if not reason:
        raise DomainError("请写明延期理由", field="reason")
    check_lengths(reason=(reason, 1000, "延期理由"))
    today = timezone.localdate()
    current = hazard.deadline
    if current is None:  # the declared guard `_has_deadline` refused it already; kept for the type
        raise DomainError("该隐患尚未确定整改期限，无需申请延期")
    refusal = rules.extension_refusal(current=current, proposed=proposed_deadline, today=today,
                                      max_days=int(rule("hazards.deadline_extension_max_days", today)))
    if refusal:
        raise DomainError(refusal[1], field=refusal[0])
    with transaction.atomic():
        apply_transition(hazard_workflow, hazard, "request_extension", actor=actor,
                         note=f"申请将整改期限由 {hazard.deadline:%Y-%m-%d} 延至 {proposed_deadline:%Y-%m-%d}：{reason}")
        try:
            with transaction.atomic():
                extension = DeadlineExtension.objects.create(
                    hazard=hazard, enterprise_id=hazard.enterprise_id, region_id=hazard.region_id,
                    current_deadline=current, proposed_deadline=proposed_deadline, reason=reason,
                    requested_by=actor if getattr(actor, "pk", None) else None, requested_at=timezone.now(),
                    state="requested")
        except IntegrityError:
            raise Conflict("该隐患已有待审批的延期申请，请等待监管部门答复") from None
        record_history(extension, actor=actor, action="request", label="申请延期", note=reason)
        notify(_region_staff(hazard.region_id), f"隐患整改延期申请：{hazard.title}",
               f"{hazard.enterprise.name} 申请将整改期限由 {hazard.deadline:%Y-%m-%d} 延至 "
               f"{proposed_deadline:%Y-%m-%d}，请审批。", url=f"/hazards/{hazard.pk}/")
    return extension


def extension_decide(*, actor: User, extension: DeadlineExtension, action: str, note: str) -> DeadlineExtension:
    """The bureau of the jurisdiction approves (准予延期: the hazard's deadline becomes the proposed date) or refuses
    (不予延期) an extension request, with its reasons; both on the hazard's timeline, and the enterprise is told."""
    if action not in {"approve", "refuse"}:
        raise DomainError("不支持的操作")
    check_transition(extension_workflow, extension, action, actor)
    note = note.strip()
    if not note:
        raise DomainError("请填写审批意见（准予或不予延期的理由）", field="note")
    hazard = extension.hazard
    with transaction.atomic():
        apply_transition(extension_workflow, extension, action, actor=actor, note=note,
                         updates={"decided_by": actor, "decided_at": timezone.now(), "decision_note": note})
        old, new = extension.current_deadline, extension.proposed_deadline
        if action == "approve":
            changed = Hazard.objects.filter(pk=hazard.pk, deadline=old).update(
                deadline=new, overdue_reminded_on=None, version=F("version") + 1)
            if changed != 1:
                raise Conflict("该隐患的整改期限已有变化，请刷新页面后重试")
            hazard.deadline, hazard.overdue_reminded_on = new, None
            hazard.version += 1
            record_history(hazard, actor=actor, action="extension_approved", label="准予延期",
                           note=f"整改期限由 {old:%Y-%m-%d} 延至 {new:%Y-%m-%d}。{note}")
            title, body = "隐患整改延期已准予", f"{hazard.title}：整改期限延至 {new:%Y-%m-%d}。审批意见：{note}"
        else:
            record_history(hazard, actor=actor, action="extension_refused", label="不予延期",
                           note=f"申请延至 {new:%Y-%m-%d}，不予延期，整改期限仍为 {old:%Y-%m-%d}。{note}")
            title, body = "隐患整改延期未准予", f"{hazard.title}：整改期限仍为 {old:%Y-%m-%d}。理由：{note}"
        notify(_enterprise_users(hazard.enterprise_id), title, body, url=f"/hazards/{hazard.pk}/")
    return extension


# ---------------------------------------------------------------------------------------------------------------
# Risk register


def grade_risk(method: str, l: Any, e: Any, c: Any, on: dt.date | None = None) -> tuple[Decimal, str]:  # noqa: E741
    """Score and colour of a risk point with the thresholds in force on `on` (rules as data)."""
    try:
        if method == RiskMethod.LEC:
            score = rules.lec_score(l, e, c, rule("hazards.lec_factor_scale", on))
            return score, rules.level_for(score, rule("hazards.lec_thresholds", on))
        if method == RiskMethod.LS:
            score = rules.ls_score(l, c, int(rule("hazards.ls_factor_max", on)))
            return score, rules.level_for(score, rule("hazards.ls_thresholds", on))
    except rules.ScoreError as exc:
        raise DomainError(str(exc), code="score_out_of_range") from exc
    raise DomainError("评价方法无效（LEC 或 LS）", field="method")


def risk_point_save(*, actor: User, enterprise: Enterprise, name: str, hazard_source: str, method: str, factor_l: Any,
                    factor_e: Any, factor_c: Any, controls: str = "", control_level: str = "",
                    responsible_person: str = "", accident_type: str = "", assessed_on: dt.date | None = None,
                    instance: RiskPoint | None = None) -> RiskPoint:
    """Add or change a risk point of the enterprise's register; the colour is computed, never typed in."""
    require_change(actor, RiskPoint, region=enterprise.region_id, enterprise_id=enterprise.pk)
    if instance is not None and instance.enterprise_id != enterprise.pk:
        raise NotFound("风险点不存在")
    if not name.strip() or not hazard_source.strip():
        raise DomainError("请填写风险点名称和危险源", field="name")
    check_lengths(name=(name.strip(), 120, "风险点名称"), hazard_source=(hazard_source.strip(), 200, "危险源"),
                  accident_type=(accident_type, 100, "事故类型"), control_level=(control_level, 40, "管控层级"),
                  responsible_person=(responsible_person, 40, "管控责任人"))
    assessed_on = assessed_on or timezone.localdate()
    score, level = grade_risk(method, factor_l, factor_e if method == RiskMethod.LEC else None, factor_c, assessed_on)
    with transaction.atomic():
        point = instance or RiskPoint(enterprise=enterprise, region_id=enterprise.region_id,
                                      created_by=actor if getattr(actor, "pk", None) else None)
        point.name, point.hazard_source, point.method = name.strip(), hazard_source.strip(), method
        point.factor_l, point.factor_c = Decimal(str(factor_l)), Decimal(str(factor_c))
        point.factor_e = Decimal(str(factor_e)) if method == RiskMethod.LEC else None
        point.score, point.level, point.assessed_on = score, level, assessed_on
        point.controls, point.control_level = controls, control_level
        point.responsible_person, point.accident_type = responsible_person, accident_type
        point.save()
        audit(actor, "hazards.risk_point_save", point,
              summary=f"{'修改' if instance else '登记'}风险点：{point.name}（{point.get_level_display()}，{score:g}）")
    return point


# ---------------------------------------------------------------------------------------------------------------
# Listed supervision (挂牌督办, measure III.6)


def listing_create(*, actor: User, hazard: Hazard, reason: str, deadline: dt.date,
                   requirements: str = "") -> ListedSupervision:
    """List a major hazard under supervision: notice to the enterprise (挂牌督办通知书) and public notice (公告)."""
    check_transition(hazard_workflow, hazard, "list", actor)
    if not reason.strip():
        raise DomainError("请写明督办事由", field="reason")
    today = timezone.localdate()
    if deadline <= today:
        raise DomainError("督办整改期限应晚于今天", field="deadline")
    organisation = actor.organisation
    if organisation is None:
        raise PermissionDenied("您不属于任何监管机构")
    with transaction.atomic():
        # the listing authority's own 机关代字 and sequence (盐湖应急督〔2026〕1号 beside 运应急督〔2026〕1号)
        number = next_number("listing", today.year, pattern="{prefix}〔{year}〕{seq}号",
                             prefix=f"{organisation.number_prefix}督", scope=organisation.code)
        # the hazard's declared action (its guards read the listings, so it is applied before the listing exists)
        apply_transition(hazard_workflow, hazard, "list", actor=actor, note=f"督办编号 {number}",
                         updates={"deadline": deadline})
        listing = ListedSupervision.objects.create(
            number=number, hazard=hazard, enterprise_id=hazard.enterprise_id, region_id=hazard.region_id,
            listed_by_org=organisation, reason=reason.strip(), requirements=requirements.strip(),
            listed_on=today, deadline=deadline, state="listed", published_at=timezone.now(), created_by=actor,
        )
        record_history(listing, actor=actor, action="list", label="挂牌督办", note=reason.strip())
        authority = organisation.full_name
        enterprise = hazard.enterprise
        store_document(owner=listing, kind="listing_notice", actor=actor, sort=1, spec=Spec(
            title="重大事故隐患挂牌督办通知书", authority=authority, number=listing.number, blocks=[
                Para(f"{enterprise.name}：", indent=False),
                Para(f"经核查，你单位存在重大事故隐患「{hazard.title}」（隐患编号 {hazard.number}，判定依据："
                     f"{hazard.major_criterion or '—'}）。鉴于该隐患{reason.strip()}，本机关决定对其实行挂牌督办。"),
                Fields([("督办要求", requirements.strip() or "落实整改措施、资金、时限、责任人和应急预案"),
                        ("整改期限", chinese_date(deadline)),
                        ("进展报送", "每月报送整改进展，整改完成后提出核查销号申请")]),
                Para("本机关收到核查销号申请后，将在规定的工作日内组织核查；核查合格的予以销号并公告。"),
                Signature(authority, today)]))
        store_document(owner=listing, kind="listing_public_notice", actor=actor, sort=2, spec=Spec(
            title="重大事故隐患挂牌督办公告", authority=authority, number=listing.number, blocks=[
                Para(f"根据《安全生产事故隐患排查治理暂行规定》，本机关对{enterprise.name}的重大事故隐患"
                     f"「{hazard.title}」实行挂牌督办，整改期限至{chinese_date(deadline)}。"),
                Para("欢迎社会各界监督。"), Signature(authority, today)]))
        audit(actor, "hazards.listing_create", listing, summary=f"挂牌督办：{hazard.title}（{listing.number}）")
        notify(_enterprise_users(hazard.enterprise_id), "重大隐患已被挂牌督办",
               f"{hazard.title}，督办编号 {listing.number}，整改期限 {deadline}。", url=f"/hazards/listings/{listing.pk}/")
    return listing


def listing_entry_add(*, actor: User, listing: ListedSupervision, kind: str, text: str,
                      percent: int | None = None, on: dt.date | None = None) -> ListingEntry:
    """Periodic progress (enterprise or bureau) or a record of the bureau's assistance (bureau only). A progress
    entry is dated between the listing and today, not before the last progress entry, and its completion never goes
    below the last one reported (the recheck threshold reads the latest: hazards.workflow)."""
    if not sees(actor, listing):
        raise NotFound("督办事项不存在或不在您的管辖范围内")
    require_change(actor, ListedSupervision, region=listing.region_id, enterprise_id=listing.enterprise_id)
    if kind not in ListingEntry.Kind.values:
        raise DomainError("记录类型无效")
    if kind == ListingEntry.Kind.ASSISTANCE and not is_bureau(actor):
        raise PermissionDenied("帮扶记录由监管部门填写")
    if listing.state == "removed":
        raise DomainError("督办已销号，不能再填报")
    if not text.strip():
        raise DomainError("请填写内容", field="text")
    today = timezone.localdate()
    on = on or today
    with transaction.atomic():
        # entries of one listing are serialised, so two concurrent reports cannot both pass the comparison
        ListedSupervision.objects.select_for_update().filter(pk=listing.pk).values_list("pk").first()
        last_on = last_percent = None
        if kind == ListingEntry.Kind.PROGRESS:
            last = listing.entries.filter(kind=kind).order_by("-on", "-id").values_list("on", flat=True).first()
            last_on, last_percent = last, listing.latest_percent()
        refusal = rules.progress_refusal(percent=percent, on=on, listed_on=listing.listed_on, today=today,
                                         last_percent=last_percent, last_on=last_on)
        if refusal:
            raise DomainError(refusal[1], field=refusal[0])
        entry = ListingEntry.objects.create(listing=listing, kind=kind, on=on, percent=percent, text=text.strip(),
                                            actor=actor, actor_name=actor.display_name)
        label = ListingEntry.Kind(kind).label
        record_history(listing, actor=actor, action=kind, label=label,
                       note=(f"进度 {percent}%：" if percent is not None else "") + text.strip())
        audit(actor, f"hazards.listing_{kind}", listing, summary=f"{label}：{listing.number}")
    return entry


def listing_evidence_add(*, actor: User, listing: ListedSupervision, files: Sequence[Any],
                         note: str = "") -> list[Any]:
    """Rectification evidence on a listing under supervision."""
    return _evidence_add(actor, listing, files, note, open_state="listed", audit_action="hazards.listing_evidence",
                         absent="督办事项不存在或不在您的管辖范围内", refusal="只有督办中的事项可以上传整改佐证（申请核查销号时也可一并上传）")


def listing_request_recheck(*, actor: User, listing: ListedSupervision, note: str = "",
                            files: Sequence[Any] = ()) -> ListedSupervision:
    """The enterprise reports the rectification done and asks for verification (only once the reported progress
    reaches rule `hazards.listing_recheck_min_percent`, a guard of the workflow), optionally with rectification
    evidence; the bureau must verify and remove within rule `hazards.listing_removal_working_days` working days
    (kernel clock)."""
    check_transition(listing_workflow, listing, "request_recheck", actor)
    hazard = listing.hazard
    files = list(files)
    allowed, max_bytes = _check_evidence(files, owner=listing) if files else (frozenset(), 0)
    today = timezone.localdate()
    due = add_working_days(today, int(rule("hazards.listing_removal_working_days", today)))
    text = "\n".join(t for t in (note.strip(), "整改佐证：" + "、".join(f.name for f in files) if files else "") if t)
    with transaction.atomic():
        apply_transition(listing_workflow, listing, "request_recheck", actor=actor, note=text,
                         updates={"recheck_requested_on": today, "removal_due": due.date,
                                  "removal_due_provisional": due.provisional})
        for upload in files:
            save_upload(upload, owner=listing, purpose=EVIDENCE, actor=actor, allowed=allowed, max_bytes=max_bytes)
        if hazard.state == "rectifying":
            apply_transition(hazard_workflow, hazard, "request_acceptance", actor=actor, note="申请督办核查销号")
        notify(_bureau_users(listing), "挂牌督办申请核查销号",
               f"{listing.enterprise.name}：{hazard.title}，请于 {due.date} 前核查。",
               url=f"/hazards/listings/{listing.pk}/")
    return listing


def _bureau_users(listing: ListedSupervision) -> list[User]:
    return list(User.objects.filter(organisation_id=listing.listed_by_org_id, is_active=True,
                                    roles__code__in=sorted(BUREAU_DECIDERS)).distinct())


def listing_verify_fail(*, actor: User, listing: ListedSupervision, note: str) -> ListedSupervision:
    """Verification found the rectification incomplete: back to supervision, the hazard back to rectifying."""
    check_transition(listing_workflow, listing, "verify_fail", actor)
    if not note.strip():
        raise DomainError("请写明核查未通过的原因", field="note")
    hazard = listing.hazard
    with transaction.atomic():
        apply_transition(listing_workflow, listing, "verify_fail", actor=actor, note=note.strip(),
                         updates={"removal_due": None, "removal_due_provisional": False})
        if hazard.state == "awaiting_acceptance":
            apply_transition(hazard_workflow, hazard, "reject_acceptance", actor=actor, note=note.strip())
        notify(_enterprise_users(listing.enterprise_id), "挂牌督办核查未通过", note.strip(),
               url=f"/hazards/listings/{listing.pk}/")
    return listing


def listing_remove(*, actor: User, listing: ListedSupervision, note: str = "") -> ListedSupervision:
    """Verification passed: remove the listing (销号), accept and close the hazard, issue the removal notice."""
    check_transition(listing_workflow, listing, "remove", actor)
    hazard = listing.hazard
    today = timezone.localdate()
    with transaction.atomic():
        apply_transition(listing_workflow, listing, "remove", actor=actor, note=note, updates={"removed_on": today})
        if hazard.state == "awaiting_acceptance":
            apply_transition(hazard_workflow, hazard, "accept", actor=actor, note="督办核查合格",
                             updates={"accepted_at": timezone.now(), "acceptance_note": note or "督办核查合格"})
        if hazard.state == "accepted":
            apply_transition(hazard_workflow, hazard, "close", actor=actor, note=f"督办销号 {listing.number}",
                             updates={"closed_at": timezone.now()})
        authority = listing.listed_by_org.full_name
        on_time = listing.removal_due is None or today <= listing.removal_due
        store_document(owner=listing, kind="listing_removal", actor=actor, sort=3, spec=Spec(
            title="重大事故隐患挂牌督办销号通知书", authority=authority, number=f"{listing.number}（销号）", blocks=[
                Para(f"{listing.enterprise.name}：", indent=False),
                Para(f"你单位重大事故隐患「{hazard.title}」（督办编号 {listing.number}）已整改完成，"
                     f"经本机关于{chinese_date(today)}核查合格，准予销号，并予以公告。"),
                Fields([("挂牌日期", chinese_date(listing.listed_on)),
                        ("申请核查日期", chinese_date(listing.recheck_requested_on) if listing.recheck_requested_on else "—"),
                        ("核查意见", note or "整改措施落实到位，隐患已消除")]),
                Signature(authority, today)]))
        audit(actor, "hazards.listing_remove", listing, summary=f"督办销号：{listing.number}",
              data={"on_time": on_time})
        notify(_enterprise_users(listing.enterprise_id), "挂牌督办已销号", f"{hazard.title} 已核查合格并销号。",
               url=f"/hazards/listings/{listing.pk}/")
    return listing


# ---------------------------------------------------------------------------------------------------------------
# Sweeps


def overdue_sweep(today: dt.date | None = None) -> int:
    """Flag and remind overdue hazards: each is claimed by a conditional UPDATE of `overdue_reminded_on`, so two
    workers never remind twice; reminders repeat every `hazards.overdue_reminder_every_days` days."""
    today = today or timezone.localdate()
    every = int(rule("hazards.overdue_reminder_every_days", today))
    since = today - dt.timedelta(days=every)
    candidates = (Hazard.objects.filter(state__in=rules.OPEN_STATES, deadline__lt=today)
                  .exclude(overdue_reminded_on__gt=since)
                  .values_list("pk", "enterprise_id", "title", "number", "deadline")[:5000])
    sent = 0
    for pk, enterprise_id, title, number, deadline in candidates:
        with transaction.atomic():
            claimed = Hazard.objects.filter(pk=pk).filter(
                Q(overdue_reminded_on__isnull=True) | Q(overdue_reminded_on__lte=since)
            ).update(overdue_reminded_on=today)
            if not claimed:
                continue
            notify(_enterprise_users(enterprise_id), f"隐患整改已超期：{title}",
                   f"隐患 {number} 的整改期限 {deadline} 已过，请尽快整改并申请验收。", url=f"/hazards/{pk}/")
            sent += 1
    if sent:
        audit(None, "hazards.overdue_sweep", summary=f"超期隐患提醒 {sent} 项", data={"count": sent})
    return sent


def recompute_removal_deadlines() -> int:
    """After a calendar year is entered: recompute provisional removal deadlines of pending rechecks."""
    changed = 0
    days_rule = "hazards.listing_removal_working_days"
    for listing in ListedSupervision.objects.filter(state="recheck_requested", removal_due_provisional=True):
        start = listing.recheck_requested_on
        if start is None:
            continue
        due = add_working_days(start, int(rule(days_rule, start)))
        if (due.date, due.provisional) != (listing.removal_due, listing.removal_due_provisional):
            ListedSupervision.objects.filter(pk=listing.pk).update(removal_due=due.date,
                                                                    removal_due_provisional=due.provisional)
            changed += 1
    return changed


# ---------------------------------------------------------------------------------------------------------------
# For other areas: they open and settle hazards through these functions, never by driving hazards.workflow


def hazard_recheck(*, actor: User | None, hazard: Hazard, passed: bool, note: str) -> Hazard:
    """整改复查 of a hazard by the inspection that found it on site. Passed: the steps still open from its state are
    taken (plan, request acceptance, accept, close), so the hazard is accepted and closed on this recheck. Not
    passed: an awaited acceptance is refused, and a hazard without a plan goes to rectification."""
    if hazard.state == "closed":
        return hazard
    with transaction.atomic():
        if passed:
            steps = {"reported": ["plan", "request_acceptance", "accept", "close"],
                     "rectifying": ["request_acceptance", "accept", "close"],
                     "awaiting_acceptance": ["accept", "close"], "accepted": ["close"]}[hazard.state]
            for step in steps:
                apply_transition(hazard_workflow, hazard, step, actor=actor, note=f"执法复查：{note[:200]}")
        elif hazard.state == "awaiting_acceptance":
            apply_transition(hazard_workflow, hazard, "reject_acceptance", actor=actor, note=note[:500])
        elif hazard.state == "reported":
            apply_transition(hazard_workflow, hazard, "plan", actor=actor, note="执法复查：未完成整改，继续整改")
    return hazard



# ---------------------------------------------------------------------------------------------------------------
# 排查清单, scheduled checks, check-ins and the missed-check sweep (issue 16; 《安全生产法》第四十一条;
# 《危险化学品企业安全风险隐患排查治理导则》应急〔2019〕78号)

CHECKIN_PHOTO = "排查打卡照片"  # the purpose of a check-in's site photos
SITE_PLAN = "厂区平面图"  # the purpose of the site plan image
PHOTO_TYPES = frozenset({"jpg", "jpeg", "png"})


def check_item_save(*, actor: User, risk_point: RiskPoint, content: str, frequency: CheckFrequency, post: str,
                    responsible_person: str, standard: str = "", instance: CheckItem | None = None) -> CheckItem:
    """Add or change a line of a risk point's 排查清单 (what, against what, how often, which post, 包保责任人): the
    enterprise keeps its own (authority: party_changes). A new or changed line is scheduled at once."""
    require_change(actor, CheckItem, region=risk_point.region_id, enterprise_id=risk_point.enterprise_id)
    if instance is not None and instance.risk_point_id != risk_point.pk:
        raise NotFound("排查清单项不存在")
    content, post, responsible_person = content.strip(), post.strip(), responsible_person.strip()
    for field, value, label in (("content", content, "排查内容"), ("post", post, "排查岗位"),
                                ("responsible_person", responsible_person, "包保责任人")):
        if not value:
            raise DomainError(f"请填写{label}", field=field)
    check_lengths(content=(content, 200, "排查内容"), standard=(standard.strip(), 300, "排查标准/依据"),
                  post=(post, 60, "排查岗位"), responsible_person=(responsible_person, 40, "包保责任人"))
    if not frequency.active or frequency.effective_from > timezone.localdate():
        raise DomainError(f"排查频次「{frequency.label}」当前不可用", field="frequency")
    with transaction.atomic():
        item = instance or CheckItem(risk_point=risk_point, enterprise_id=risk_point.enterprise_id,
                                     region_id=risk_point.region_id, created_by=actor)
        changed_frequency = instance is not None and instance.frequency_id != frequency.pk
        item.content, item.standard, item.post = content, standard.strip(), post
        item.responsible_person, item.frequency = responsible_person, frequency
        if changed_frequency:  # periods of the old frequency that have not begun are dropped and rescheduled
            _drop_future_checks(item)
            item.scheduled_until = None
        item.save()
        audit(actor, "hazards.check_item_save", item,
              summary=f"{'修改' if instance else '登记'}排查清单项：{risk_point.name} · {content}（{frequency.label}）")
        checks_schedule(item_ids=[item.pk])
    return item


def _drop_future_checks(item: CheckItem) -> int:
    deleted, _ = ScheduledCheck.objects.filter(item=item, state=CheckState.SCHEDULED,
                                               window_start__gt=timezone.now()).delete()
    return deleted


def check_item_deactivate(*, actor: User, item: CheckItem) -> CheckItem:
    """Stop a line of the 排查清单: no new checks; checks that have not begun are withdrawn, past ones stay."""
    require_change(actor, CheckItem, region=item.region_id, enterprise_id=item.enterprise_id)
    if not item.active:
        return item  # idempotent
    with transaction.atomic():
        CheckItem.objects.filter(pk=item.pk).update(active=False)
        item.active = False
        withdrawn = _drop_future_checks(item)
        audit(actor, "hazards.check_item_deactivate", item, summary=f"停用排查清单项：{item.content}",
              data={"withdrawn": withdrawn})
    return item


def checks_schedule(now: dt.datetime | None = None, item_ids: Sequence[int] | None = None) -> int:
    """Scheduled job: for every active check item, one check per period of its frequency from where it was last
    scheduled (or the period under way) until `hazards.check_schedule_ahead_hours` ahead. The unique key (item,
    period start) makes it idempotent and safe with several workers; periods that ended while nothing was scheduled
    (the job was down) are not back-filled, so nobody is blamed for a check that could not be checked in."""
    now = now or timezone.now()
    ahead = int(rule("hazards.check_schedule_ahead_hours", timezone.localdate(now)))
    horizon = timezone.localtime(now).replace(tzinfo=None) + dt.timedelta(hours=ahead)
    items = CheckItem.objects.filter(active=True).select_related("frequency")
    if item_ids is not None:
        items = items.filter(pk__in=list(item_ids))
    else:
        items = items.filter(Q(scheduled_until__isnull=True) | Q(scheduled_until__lt=now + dt.timedelta(hours=ahead)))
    created = 0
    tz = timezone.get_current_timezone()
    for item in items.iterator(chunk_size=500):
        freq = item.frequency
        if not freq.active:
            continue
        local_now = timezone.localtime(now).replace(tzinfo=None)
        start = local_now
        if item.scheduled_until is not None:
            start = max(local_now, timezone.localtime(item.scheduled_until).replace(tzinfo=None))
        rows = []
        last_end = None
        for begin, end in rules.periods_between(freq.unit, freq.every, start, horizon):
            last_end = end
            if begin.date() < freq.effective_from:
                continue
            window_start, due_at = timezone.make_aware(begin, tz), timezone.make_aware(end, tz)
            rows.append(ScheduledCheck(item_id=item.pk, risk_point_id=item.risk_point_id,
                                       enterprise_id=item.enterprise_id, region_id=item.region_id,
                                       window_start=window_start, due_at=due_at,
                                       missed_after=due_at + dt.timedelta(minutes=freq.grace_minutes)))
        if last_end is None:
            continue
        with transaction.atomic():
            before = ScheduledCheck.objects.filter(item_id=item.pk).count() if rows else 0
            ScheduledCheck.objects.bulk_create(rows, ignore_conflicts=True)
            if rows:
                created += ScheduledCheck.objects.filter(item_id=item.pk).count() - before
            CheckItem.objects.filter(pk=item.pk).update(scheduled_until=timezone.make_aware(last_end, tz))
    return created


def check_in(*, actor: User, check: ScheduledCheck, result: str, note: str = "", photos: Sequence[Any] = (),
             hazard_title: str = "") -> ScheduledCheck:
    """排查打卡: the post checks the item on site during its period and checks in with site photos taken by the
    phone (at least `hazards.checkin_photo_min`). A check that finds something (`abnormal`) records a
    self-inspection hazard on the risk point (the hazard loop takes it from there). The check is claimed by a
    conditional UPDATE: a second submission, or one after the sweep marked it missed, changes nothing."""
    if not sees(actor, check):
        raise NotFound("排查任务不存在")
    require_change(actor, ScheduledCheck, region=check.region_id, enterprise_id=check.enterprise_id)
    if result not in CheckResult.values:
        raise DomainError("请选择排查结果", field="result")
    now = timezone.now()
    refusal = rules.checkin_refusal(state=check.state, now=now, window_start=check.window_start,
                                    missed_after=check.missed_after)
    if refusal:
        raise Conflict(refusal) if check.state != CheckState.SCHEDULED else DomainError(refusal)
    note = note.strip()
    check_lengths(note=(note, 1000, "情况说明"), hazard_title=(hazard_title.strip(), 200, "隐患名称"))
    if result == CheckResult.ABNORMAL and not (hazard_title.strip() or note):
        raise DomainError("发现隐患时请写明隐患情况", field="hazard_title")
    photos = list(photos)
    today = timezone.localdate()
    least, most = int(rule("hazards.checkin_photo_min", today)), int(rule("hazards.checkin_photo_max", today))
    if len(photos) < least:
        raise DomainError(f"请拍摄现场照片（至少 {least} 张）", field="photos")
    if len(photos) > most:
        raise DomainError(f"现场照片最多 {most} 张", field="photos")
    max_bytes = int(rule("hazards.checkin_photo_max_mb", today)) * 1024 * 1024
    for photo in photos:
        check_checkin_photo(photo)
    with transaction.atomic():
        claimed = ScheduledCheck.objects.filter(pk=check.pk, state=CheckState.SCHEDULED, missed_after__gt=now).update(
            state=CheckState.DONE, done_at=now, done_by=actor, result=result, note=note)
        if not claimed:
            raise Conflict("该次排查已打卡或已记为漏检")
        check.refresh_from_db()
        for photo in photos:
            save_upload(photo, owner=check, purpose=CHECKIN_PHOTO, actor=actor, allowed=PHOTO_TYPES,
                        max_bytes=max_bytes)
        if result == CheckResult.ABNORMAL:
            point = check.risk_point
            hazard = hazard_report(actor=actor, enterprise=point.enterprise, source=HazardSource.SELF_INSPECTION,
                                   title=(hazard_title.strip() or note)[:200], found_on=today, location=point.name,
                                   description=f"排查打卡发现：{check.item.content}\n{note}".strip(),
                                   risk_point=point)
            ScheduledCheck.objects.filter(pk=check.pk).update(hazard=hazard)
            check.hazard = hazard
        audit(actor, "hazards.check_in", check,
              summary=f"排查打卡：{check.item.content}（{check.get_result_display()}，照片 {len(photos)} 张）")
    return check


def check_checkin_photo(photo: Any) -> None:
    """One check-in photo on its own: JPG/PNG by content, size by rule hazards.checkin_photo_max_mb."""
    max_bytes = int(rule("hazards.checkin_photo_max_mb", timezone.localdate())) * 1024 * 1024
    check_upload(photo, allowed=PHOTO_TYPES, max_bytes=max_bytes)


# rows marked per statement by the sweep (a technical batch size, not a domain rule): each batch commits on its
# own, so a sweep after a long outage holds no lock and no undo for long, and a crash keeps what was done
MISSED_SWEEP_BATCH_ROWS = 50_000
# batches marked side by side on PostgreSQL, one connection each (a technical setting: an UPDATE runs on one core of
# the server, so two connections mark a backlog about twice as fast on 2 cores). SQLite has a single writer, and
# inside an open transaction (a test's) the batches must see its rows: there they run one after another.
MISSED_SWEEP_PARALLEL = 2


def missed_check_sweep(now: dt.datetime | None = None) -> int:
    """Scheduled job: every check still waiting after its `missed_after` becomes missed (漏检). The due rows are
    counted per enterprise over the partial index `check_sweep_due`, then marked by set-based UPDATEs over ranges
    of whole enterprises of about `MISSED_SWEEP_BATCH_ROWS` rows, each committed with its enterprises' messages and
    its audit entry: every enterprise with newly missed checks gets exactly one message per sweep (with their
    number), in the transaction that marked them. Two workers never mark the same row (the UPDATE's condition);
    the county sees the checks in its missed list (`queries.missed_checks`)."""
    now = now or timezone.now()
    due = list(ScheduledCheck.objects.filter(state=CheckState.SCHEDULED, missed_after__lte=now)
               .values_list("enterprise_id").annotate(n=Count("id")).order_by("enterprise_id"))
    marked, ranges, first, rows = 0, [], None, 0
    for enterprise_id, n in due:
        first = enterprise_id if first is None else first
        rows += n
        if rows >= MISSED_SWEEP_BATCH_ROWS:
            ranges.append((first, enterprise_id))
            first, rows = None, 0
    if first is not None:
        ranges.append((first, due[-1][0]))
    if len(ranges) > 1 and MISSED_SWEEP_PARALLEL > 1 and connection.vendor == "postgresql" \
            and not connection.in_atomic_block:
        from concurrent.futures import ThreadPoolExecutor

        def batch(limits: tuple[int, int]) -> int:
            try:
                return _mark_missed(now, *limits)
            finally:
                connections.close_all()  # this thread's own connection

        with ThreadPoolExecutor(MISSED_SWEEP_PARALLEL) as pool:
            return sum(pool.map(batch, ranges))
    for low, high in ranges:
        marked += _mark_missed(now, low, high)
    return marked


def _mark_missed(now: dt.datetime, low: int, high: int) -> int:
    """One batch of the sweep: the enterprises `low`–`high`, their messages and the audit entry, one commit."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE hazards_scheduledcheck SET state = %s, missed_at = %s WHERE state = %s AND missed_after <= %s"
                " AND enterprise_id BETWEEN %s AND %s RETURNING enterprise_id",
                [CheckState.MISSED, now, CheckState.SCHEDULED, now, low, high])
            per_enterprise = Counter(row[0] for row in cursor.fetchall())
        if not per_enterprise:
            return 0
        # one message per enterprise, sent in one INSERT per distinct number of missed checks (few)
        by_count: dict[int, list[int]] = {}
        for enterprise_id, n in per_enterprise.items():
            by_count.setdefault(n, []).append(enterprise_id)
        for n, enterprises in sorted(by_count.items()):
            # only what the inbox needs: no personal field read (and decrypted) for 20,000 users after an outage
            notify(User.objects.filter(is_active=True, enterprise_id__in=enterprises).only("id", "date_joined"),
                   f"漏检提醒：{n} 项排查未按时打卡", "请查看漏检记录，补查相关部位并说明原因。",
                   url="/hazards/checks/?state=missed")
        marked = sum(per_enterprise.values())
        audit(None, "hazards.missed_check_sweep", summary=f"排查漏检 {marked} 项（{len(per_enterprise)} 家企业）",
              data={"count": marked, "enterprises": len(per_enterprise)})
    return marked


# ---------------------------------------------------------------------------------------------------------------
# 风险告知卡 and the four-colour site map (安全风险四色分布图)


def check_site_plan_image(image: Any) -> tuple[frozenset[str], int, int, int]:
    """The plan image on its own: type by content and size (rules hazards.site_plan_types, hazards.site_plan_max_mb),
    then a readable picture. Returns (allowed types, size limit, width, height)."""
    today = timezone.localdate()
    allowed = frozenset(str(t).lower() for t in rule("hazards.site_plan_types", today)) & frozenset(KNOWN_TYPES)
    max_bytes = int(rule("hazards.site_plan_max_mb", today)) * 1024 * 1024
    check_upload(image, allowed=allowed, max_bytes=max_bytes)
    name = getattr(image, "name", "") or ""
    try:
        with Image.open(image) as picture:
            picture.verify()
            width, height = picture.size
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise DomainError(f"文件「{name}」不是有效的图片文件", field="image") from exc
    image.seek(0)
    if width < 1 or height < 1:
        raise DomainError(f"文件「{name}」不是有效的图片文件", field="image")
    return allowed, max_bytes, width, height


def site_plan_upload(*, actor: User, enterprise: Enterprise, title: str, image: Any) -> SitePlan:
    """Upload (or replace) the enterprise's site plan: a PNG or JPEG, checked by content and size
    (`hazards.site_plan_types`, `hazards.site_plan_max_mb`), stored through the storage API. Placed risk points keep
    their relative positions on a replacement."""
    require_change(actor, SitePlan, region=enterprise.region_id, enterprise_id=enterprise.pk)
    title = (title or "").strip() or "厂区平面布置图"
    check_lengths(title=(title, 80, "图名"))
    if image is None:
        raise DomainError("请选择平面图文件（PNG 或 JPG）", field="image")
    allowed, max_bytes, width, height = check_site_plan_image(image)
    with transaction.atomic():
        plan = SitePlan.objects.select_for_update().filter(enterprise=enterprise).first()
        created = plan is None
        if plan is None:
            plan = SitePlan(enterprise=enterprise, region_id=enterprise.region_id)
        plan.title, plan.width, plan.height = title, width, height
        plan.uploaded_by, plan.uploaded_at = actor, timezone.now()
        if created:  # the attachment needs its owner's id: save the row first with a placeholder-free image
            plan.image = save_upload(image, purpose=SITE_PLAN, actor=actor, allowed=allowed, max_bytes=max_bytes)
            plan.save()
            Attachment.objects.filter(pk=plan.image_id).update(
                content_type=ContentType.objects.get_for_model(SitePlan), object_id=plan.pk)
        else:
            plan.image = save_upload(image, owner=plan, purpose=SITE_PLAN, actor=actor, allowed=allowed,
                                     max_bytes=max_bytes)
            plan.save()
        audit(actor, "hazards.site_plan_upload", plan, summary=f"{'上传' if created else '更新'}厂区平面图：{title}")
    return plan


def risk_point_place(*, actor: User, risk_point: RiskPoint, x: Any, y: Any) -> RiskPointPlacement:
    """Place a risk point on its enterprise's site plan at (x, y), fractions of the drawing's width and height."""
    require_change(actor, SitePlan, region=risk_point.region_id, enterprise_id=risk_point.enterprise_id)
    plan = SitePlan.objects.filter(enterprise_id=risk_point.enterprise_id).first()
    if plan is None:
        raise DomainError("请先上传厂区平面图", field="plan")
    refusal = rules.placement_refusal(x, y)
    if refusal:
        raise DomainError(refusal[1], field=refusal[0])
    qx, qy = (Decimal(str(v)).quantize(Decimal("0.0001")) for v in (x, y))
    with transaction.atomic():
        placement, _ = RiskPointPlacement.objects.update_or_create(
            risk_point=risk_point, defaults={"plan": plan, "x": qx, "y": qy, "placed_by": actor,
                                             "placed_at": timezone.now()})
        audit(actor, "hazards.risk_point_place", risk_point,
              summary=f"在平面图上标注风险点：{risk_point.name}（{qx * 100:.1f}%，{qy * 100:.1f}%）")
    return placement


NOTICE_CARD = "risk_notice_card"


def risk_notice_card(*, actor: User | None, risk_point: RiskPoint) -> Any:
    """风险告知卡 (《关于实施遏制重特大事故工作指南构建双重预防机制的意见》: post risk notice cards at the risk
    points): the point, its colour and score, hazard source, accident type, controls and who answers for them, and
    its 排查清单. Stored as a document of the risk point; a stored card is reused until the point or its checklist
    changes."""
    items = list(risk_point.check_items.filter(active=True).select_related("frequency").order_by("id"))
    changed = max([risk_point.updated_at, *(i.updated_at for i in items)])
    ct = ContentType.objects.get_for_model(RiskPoint)
    latest = (Document.objects.filter(content_type=ct, object_id=risk_point.pk, kind=NOTICE_CARD)
              .order_by("-created_at", "-id").first())
    if latest is not None and latest.created_at >= changed:
        return latest
    enterprise = risk_point.enterprise
    method = ("作业条件危险性分析法（LEC）D=L×E×C" if risk_point.method == RiskMethod.LEC
              else "风险矩阵法（LS）R=L×S")
    blocks: list[Any] = [
        Fields([("企业", enterprise.name), ("风险点（部位/场所/设备）", risk_point.name),
                ("风险等级", risk_point.get_level_display()),
                ("风险值", f"{risk_point.score:g}（{method}）"),
                ("危险源/危险有害因素", risk_point.hazard_source),
                ("可能导致的事故类型", risk_point.accident_type or "—"),
                ("管控措施", risk_point.controls or "—"),
                ("管控层级", risk_point.control_level or "—"),
                ("管控责任人", risk_point.responsible_person or "—"),
                ("评价日期", chinese_date(risk_point.assessed_on))]),
    ]
    if items:
        blocks.append(Para("排查清单：", indent=False, bold=True))
        blocks.append(Grid(["排查内容", "排查标准/依据", "频次", "岗位", "包保责任人"],
                           [[i.content, i.standard or "—", i.frequency.label, i.post, i.responsible_person]
                            for i in items], widths=[0.3, 0.26, 0.12, 0.14, 0.18]))
    blocks.append(Para("发现异常立即报告本岗位负责人和企业安全管理部门，按应急处置措施处置。"))
    with transaction.atomic():
        document = store_document(owner=risk_point, kind=NOTICE_CARD, actor=actor, spec=Spec(
            title="安全风险告知卡", authority=enterprise.name, blocks=blocks,
            footer=f"打印日期：{chinese_date(timezone.localdate())}"))
        audit(actor, "hazards.risk_notice_card", risk_point, summary=f"生成风险告知卡：{risk_point.name}")
    return document
