"""Submission of an application that means something (issue 15.3; measures I.1–I.3; 行政许可法 第29–32条):

- the item applies to the enterprise (`eligibility`: industry, sub-sector and issuing level as data);
- one application in progress per item and enterprise (a back + resubmit is shown the one already running; the
  same idempotency key returns the application already created);
- the online form (申请书) is data per item, validated here, and the 申请书 PDF is generated from it and attached
  as that material; required materials are required unless the item declares 容缺 for them;
- what the enterprise typed is compared with the enterprise register and the business licence; every difference
  is marked 需核验 for the officer; what the platform itself holds (the enterprise register, its own certificate
  register) is fetched instead of asked for;
- a draft (草稿) is kept until the enterprise submits it; a window clerk applies on the enterprise's behalf (代办)
  with the enterprise's 授权委托书 and the clerk's identity on the record and in the timeline.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from bureau.accounts.authority import require_change
from bureau.accounts.models import User
from bureau.accounts.roles import CLERK, ENTERPRISE
from bureau.enterprises.models import Enterprise
from bureau.kernel.attachments import attachments_by_owner, save_upload, share_attachment
from bureau.kernel.audit import audit
from bureau.kernel.documents import Fields, Para, Spec, chinese_date, render_pdf
from bureau.kernel.errors import Conflict, DomainError, NotFound, PermissionDenied
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.numbering import next_number
from bureau.kernel.workflow import record_history
from bureau.licensing import eligibility, form_fields, rules, services
from bureau.licensing.models import (
    OPEN_STATES,
    Application,
    ApplicationDraft,
    ApplicationMaterial,
    MaterialRequirement,
    PermitItem,
    PermitMaterial,
)

# the business licence's labels (portal.licences.LICENCE_LABELS) of the register fields compared
LICENCE_LABELS = {"name": "名称", "uscc": "统一社会信用代码", "legal_representative": "法定代表人", "address": "住所"}
REGISTER_LABELS = {"name": "企业名称", "uscc": "统一社会信用代码", "legal_representative": "法定代表人",
                   "address": "住所（注册地址）"}
AUTHORISATION = "authorisation"


class DuplicateApplication(Conflict):
    """An application for the same item and enterprise is still in progress."""

    code = "duplicate_application"

    def __init__(self, existing: Application) -> None:
        super().__init__(f"该企业已有正在办理的「{existing.item.name}」申请（办件编号 {existing.number}，"
                         f"{existing.state_label}），不能重复提交；请查看该申请的办理进度")
        self.existing_id = existing.pk
        self.existing_number = existing.number


# ---------------------------------------------------------------- who applies for which enterprise

def applying_for(actor: User, enterprise: Enterprise | None) -> tuple[Enterprise, bool]:
    """(the enterprise applied for, whether a clerk applies on its behalf). An enterprise user applies for its own
    enterprise; a window clerk (窗口人员, 代为受理) for an enterprise of the clerk's jurisdiction (the one authority
    mechanism: `restrict` and `require_change` of Application); anyone else is refused."""
    own = actor.enterprise
    if own is not None and actor.has_role(ENTERPRISE):
        if enterprise is not None and enterprise.pk != own.pk:
            raise PermissionDenied("只能为本企业提交申请")
        return own, False
    if actor.has_role(CLERK):
        if enterprise is None:
            raise DomainError("请选择委托代办的企业", field="enterprise")
        if not Enterprise.objects.restrict(actor).filter(pk=enterprise.pk).exists():
            raise NotFound("企业不存在或不在您的管辖范围内")
        require_change(actor, Application, region=enterprise.region_id)
        return enterprise, True
    raise PermissionDenied("只有企业用户或窗口人员（代办）可以提交许可申请")


def check_item(item: PermitItem, enterprise: Enterprise) -> None:
    if not item.is_active:
        raise DomainError("该事项暂停受理")
    refusal = eligibility.refusal(item, enterprise)
    if refusal:
        raise DomainError(refusal, code="not_eligible", field="item")


def in_progress(item: PermitItem, enterprise: Enterprise) -> Application | None:
    """The application of this item and enterprise still in progress (at most one: a database constraint)."""
    return (Application.objects.select_related("item").filter(item=item, enterprise=enterprise,
                                                              state__in=OPEN_STATES).first())


# ---------------------------------------------------------------- the form and the register check

def form_values(item: PermitItem, enterprise: Enterprise, form: Mapping[str, Any] | None,
                scope_text: str = "") -> dict[str, str]:
    """What the form holds: the register's values where the applicant sent none, then what it sent."""
    specs = form_fields.specs_of(item)
    values: dict[str, Any] = form_fields.prefill(specs, enterprise)
    if scope_text and not (form or {}).get("scope"):
        values["scope"] = scope_text
    values.update({k: v for k, v in (form or {}).items() if v is not None})
    return values


def validated_form(item: PermitItem, enterprise: Enterprise, form: Mapping[str, Any] | None,
                   scope_text: str = "") -> dict[str, str]:
    clean, errors = form_fields.validate(form_fields.specs_of(item), form_values(item, enterprise, form, scope_text))
    if errors:
        raise DomainError(form_fields.errors_message(errors), code="form_invalid",
                          field=f"field_{next(iter(errors))}")
    return clean


def _licence_values(snapshots: Mapping[int, dict[str, Any]]) -> dict[str, str]:
    for snap in snapshots.values():
        if snap.get("key") == "business_licence" and snap.get("fields"):
            values = dict(map(tuple, snap["fields"]))
            return {key: values[label] for key, label in LICENCE_LABELS.items() if values.get(label)}
    return {}


def verification_rows(item: PermitItem, enterprise: Enterprise, clean: Mapping[str, str],
                      licence: Mapping[str, str]) -> list[dict[str, Any]]:
    """Every register-sourced field typed, and every field the business licence names, compared (需核验 flags)."""
    rows: list[tuple[str, str, str | None, str | None, str | None]] = []
    phones: set[str] = set()
    seen: set[str] = set()
    for spec in form_fields.specs_of(item):
        name = spec.register_field
        if not name:
            continue
        seen.add(name)
        if spec.kind == "phone":
            phones.add(name)
        rows.append((name, spec.label, clean.get(spec.key, ""), form_fields.register_value(enterprise, name),
                     licence.get(name)))
    for name, value in licence.items():
        if name not in seen:
            rows.append((name, REGISTER_LABELS[name], None, form_fields.register_value(enterprise, name), value))
    out = []
    for c in rules.compare_with_register(rows):
        if c.key in phones:  # compared in full, shown masked (phone numbers are masked on screen)
            out.append({"key": c.key, "label": c.label, "typed": mask_phone(c.typed),
                        "register": mask_phone(c.register), "licence": "",
                        "flags": list(c.flags)})
        else:
            out.append({"key": c.key, "label": c.label, "typed": c.typed, "register": c.register,
                        "licence": c.licence, "flags": list(c.flags)})
    return out


# ---------------------------------------------------------------- what the platform itself holds (measure I.2)

def _enterprise(uscc: str) -> Enterprise | None:
    return Enterprise.objects.filter(uscc=uscc).first()


def fetch_legal_representative(uscc: str) -> list[tuple[str, str]] | None:
    """The legal representative as the enterprise register holds it (identity number masked)."""
    e = _enterprise(uscc)
    if e is None:
        return None
    return [("法定代表人", e.legal_representative), ("身份证件号码", mask_id_number(e.legal_rep_id_number) or "未登记")]


def fetch_standardization_grade(uscc: str) -> list[tuple[str, str]] | None:
    """The standardisation grade recorded in the enterprise register."""
    e = _enterprise(uscc)
    if e is None:
        return None
    return [("安全生产标准化等级", e.get_standardization_grade_display())]


def fetch_personnel_certificates(uscc: str) -> list[tuple[str, str]] | None:
    """The valid 主要负责人 / 安全生产管理人员 certificates of the enterprise in the bureau's own register."""
    from bureau.certificates.queries import enterprise_personnel_certificates

    e = _enterprise(uscc)
    if e is None:
        return None
    rows = enterprise_personnel_certificates(e.pk, timezone.localdate())
    if not rows:
        return [("证照库", "未查到该企业人员的有效考核合格证")]
    return [(c.type.name.removeprefix("安全生产知识和管理能力考核合格证"),
             f"{c.holder_name}（{c.number}，有效期至 {c.valid_until:%Y-%m-%d}）") for c in rows]


def personnel_warnings(enterprise: Any, fields: list[tuple[str, str]]) -> list[str]:
    if any(label == "证照库" for label, _ in fields):
        return ["本局证照库中没有该企业主要负责人或安全管理人员的有效考核合格证"]
    return []


def _snapshot(material: PermitMaterial, enterprise: Enterprise) -> dict[str, Any]:
    snap = services.shared_snapshot(material, enterprise)
    return {**snap, "key": material.shared_source} if snap else snap


# ---------------------------------------------------------------- the 申请书

def application_form_pdf(app: Application, *, specs: list[form_fields.FieldSpec], actor: User) -> bytes:
    """The 申请书 generated from the online form (kernel documents, embedded Chinese font)."""
    values = app.form_data
    rows = [(s.label, (mask_phone(values.get(s.key, "")) if s.kind == "phone" else values.get(s.key, "")) or "—")
            for s in specs]
    blocks: list[Any] = [Para(f"{services._authority(app)}：", indent=False),
                         Para(f"本单位申请办理{app.item.name}，现将有关情况填报如下："),
                         *([Fields(rows)] if rows else [])]
    if app.description:
        blocks.append(Para(f"申请说明：{app.description}"))
    blocks.append(Para("本单位承诺：所填报内容和提交的申请材料真实、有效，并对其真实性负责（《中华人民共和国行政许可法》第三十一条）。"))
    who = (f"窗口代办：{actor.display_name}（{actor.organisation.name if actor.organisation else ''}），"
           f"受企业委托（企业经办人 {app.proxy_agent}，授权委托书已上传）") if app.proxy_clerk_id else \
        f"网上填报人：{actor.display_name}"
    blocks.append(Para(f"申请单位：{values.get('name') or app.enterprise.name}　{who}　"
                       f"提交日期：{chinese_date(app.submitted_on)}", indent=False))
    spec = Spec(title=f"{app.item.name}申请书", authority=values.get("name") or app.enterprise.name,
                number=f"办件编号 {app.number}", blocks=blocks, footer="本申请书由网上办事大厅根据网上填报内容自动生成")
    return render_pdf(spec)


# ---------------------------------------------------------------- submission

def _draft_files(draft: ApplicationDraft | None) -> dict[str, Any]:
    """The draft's saved uploads by purpose ("material:<id>", "authorisation"), the newest of each."""
    if draft is None:
        return {}
    found: dict[str, Any] = {}
    for a in attachments_by_owner([draft]).get(draft.pk, []):
        found[a.purpose] = a
    return found


def application_submit(*, actor: User, item: PermitItem, files: Mapping[int, Any], scope_text: str = "",
                       description: str = "", partial_renovation: bool = False, merged_review: bool = False,
                       claimed: Mapping[str, str | None] | None = None, idempotency_key: str = "",
                       form: Mapping[str, Any] | None = None, enterprise: Enterprise | None = None,
                       authorisation: Any = None, proxy_agent: str = "",
                       draft: ApplicationDraft | None = None) -> Application:
    """Submit an application (measure I.1), by the enterprise or by a window clerk on its behalf (代办). Every check
    runs before anything is written: eligibility, one in progress, the form, the materials; the same idempotency
    key returns the application already created."""
    enterprise, proxy = applying_for(actor, enterprise)
    key = (idempotency_key or "").strip()[:64]
    if key:
        existing = Application.objects.filter(applicant=actor, idempotency_key=key).first()
        if existing is not None:
            return existing
    check_item(item, enterprise)
    services.check_licence_held(item, enterprise)  # a held licence is changed or extended, never issued again
    running = in_progress(item, enterprise)
    if running is not None:
        raise DuplicateApplication(running)
    locked = services.locked_data_for(enterprise)
    for field, value in (claimed or {}).items():
        if field in services.LOCKED_FIELDS and value is not None and str(value).strip() != str(locked[field]).strip():
            raise DomainError("登记信息已锁定，与企业名录不一致，不能修改；如需变更请先办理企业信息变更",
                              code="locked_field", field=field)
    clean = validated_form(item, enterprise, form, scope_text)
    materials = list(item.materials.all())
    by_id = {m.pk: m for m in materials}
    if any(k not in by_id for k in files):
        raise DomainError("上传的材料不属于该事项", code="unknown_material")
    if any(by_id[k].generated for k in files):
        raise DomainError("申请书由系统根据网上填报内容自动生成，无需上传", code="generated_material")
    saved = _draft_files(draft)
    authorisation_saved = saved.get(AUTHORISATION)
    if proxy:
        if authorisation is None and authorisation_saved is None:
            raise DomainError("窗口代办须上传企业签章的授权委托书", field="authorisation")
        if not (proxy_agent or (draft.proxy_agent if draft else "")).strip():
            raise DomainError("请填写企业经办人（委托人）姓名", field="proxy_agent")
        proxy_agent = (proxy_agent or (draft.proxy_agent if draft else "")).strip()[:120]
    max_bytes = services._check_uploads({**files, **({0: authorisation} if authorisation is not None else {})})
    refusal = rules.submission_material_refusal(
        [(m.name, m.requirement, m.generated or m.pk in files or f"material:{m.pk}" in saved) for m in materials],
        tolerance_allowed=item.tolerance_allowed)
    if refusal:
        raise DomainError(refusal, code="materials_missing", field="materials")
    on = services.today()
    track = rules.fast_track(
        kind=item.kind, needs_site=item.needs_site_verification, needs_expert=item.needs_expert_review,
        grade_skips_site=item.grade_skips_site, grade=enterprise.standardization_grade,
        grade_label=enterprise.get_standardization_grade_display(),
        special_evaluation_allowed=item.special_evaluation_allowed, partial_renovation=partial_renovation,
        is_gas_station=enterprise.industry == "gas_station", merged_review_allowed=item.merged_review_allowed,
        merged_review=merged_review, joint_completion_visit=item.joint_completion_visit,
    )
    if partial_renovation and track.fast_track != "special_evaluation":
        raise DomainError("只有加油站企业申请本事项时可以选择“局部改造且不改变等级”", code="not_eligible")
    refusal = rules.special_path_refusal(outcome=item.outcome, track=track.fast_track)  # measure I.7
    if refusal:
        raise DomainError(refusal, code="not_eligible")
    # asked of the other departments before the transaction (a slow exchange never holds database locks)
    shared = {m.pk: _snapshot(m, enterprise) for m in materials
              if m.requirement == MaterialRequirement.SHARED and m.shared_source}
    verification = verification_rows(item, enterprise, clean, _licence_values(shared))
    description = description or (draft.description if draft else "")
    try:
        with transaction.atomic():
            app = _create(actor=actor, item=item, enterprise=enterprise, key=key, locked=locked, clean=clean,
                          description=description, track=track, partial_renovation=partial_renovation,
                          merged_review=merged_review, verification=verification, on=on,
                          proxy_agent=proxy_agent if proxy else "")
            if proxy:
                letter = (share_attachment(authorisation_saved, owner=app, purpose=AUTHORISATION, actor=actor)
                          if authorisation is None and authorisation_saved is not None else
                          save_upload(authorisation, owner=app, purpose=AUTHORISATION, actor=actor,
                                      allowed=services.UPLOAD_TYPES, max_bytes=max_bytes))
                Application.objects.filter(pk=app.pk).update(proxy_clerk=actor, proxy_authorisation=letter)
                app.proxy_clerk, app.proxy_authorisation = actor, letter
            specs = form_fields.specs_of(item)
            for m in materials:
                _material(app, m, upload=files.get(m.pk), saved=saved.get(f"material:{m.pk}"),
                          snapshot=shared.get(m.pk, {}), actor=actor, max_bytes=max_bytes, specs=specs)
            app = services._reload(app)
            services.refresh_clock(app, on=on)
            flagged = sum(1 for r in verification if r["flags"])
            if proxy:
                org = actor.organisation.name if actor.organisation else ""
                record_history(app, actor=actor, action="submit", label="窗口代办提交申请",
                               note=f"{actor.display_name}（{org}）受{enterprise.name}委托代为提交，"
                                    f"企业经办人 {proxy_agent}，授权委托书已存档" + (f"；{track.reason}" if track.reason else ""))
            else:
                record_history(app, actor=actor, action="submit", label="网上提交申请", note=track.reason or "")
            if flagged:
                record_history(app, actor=None, action="verify_flags", label="信息比对：需核验",
                               note=f"{flagged} 项填报信息与企业名录或营业执照不一致，请审查人员核验")
            if draft is not None:
                ApplicationDraft.objects.filter(pk=draft.pk).update(application=app)
            audit(actor, "licensing.submit", app, summary=f"提交许可申请 {app.number}：{item.name}"
                  + ("（窗口代办）" if proxy else ""))
            services._tell_applicant(app, "申请已提交" + ("（窗口代办）" if proxy else ""),
                                     f"请凭办件编号 {app.number} 和查询码 {app.check_code} 查询进度。")
    except IntegrityError:
        existing = Application.objects.filter(applicant=actor, idempotency_key=key).first() if key else None
        if existing is not None:
            return existing
        running = in_progress(item, enterprise)
        if running is not None:
            raise DuplicateApplication(running) from None
        raise
    return app


def _create(*, actor: User, item: PermitItem, enterprise: Enterprise, key: str, locked: dict[str, Any],
            clean: dict[str, str], description: str, track: rules.Track, partial_renovation: bool,
            merged_review: bool, verification: list[dict[str, Any]], on: dt.date, proxy_agent: str) -> Application:
    app = Application(
        number=next_number("licensing:application", on.year, prefix="YCXK"),
        check_code=f"{secrets.randbelow(10**6):06d}", item=item, enterprise=enterprise,
        region_id=enterprise.region_id, level=item.level, applicant=actor, idempotency_key=key,
        locked_data=locked, form_data=clean, verification=verification, proxy_agent=proxy_agent,
        scope_text=clean.get("scope", "")[:300], description=description,
        partial_renovation=partial_renovation, merged_review=merged_review and item.merged_review_allowed,
        submitted_at=timezone.now(), submitted_on=on, state="submitted",
        fast_track=track.fast_track, fast_track_reason=track.reason, site_required=track.site_required,
        expert_required=track.expert_required,
    )
    app.save()
    return app


def _material(app: Application, m: PermitMaterial, *, upload: Any, saved: Any, snapshot: dict[str, Any],
              actor: User, max_bytes: int, specs: list[form_fields.FieldSpec]) -> None:
    attachment = None
    if m.requirement == MaterialRequirement.SHARED:
        status = ApplicationMaterial.Status.SHARED
    elif m.generated:
        pdf = application_form_pdf(app, specs=specs, actor=actor)
        attachment = save_upload(SimpleUploadedFile(f"{m.name.split('（')[0]}.pdf", pdf, content_type="application/pdf"),
                                 owner=app, purpose=f"material:{m.pk}", actor=actor, allowed=frozenset({"pdf"}),
                                 max_bytes=max(max_bytes, len(pdf)))
        status = ApplicationMaterial.Status.PROVIDED
    elif upload is not None:
        attachment = save_upload(upload, owner=app, purpose=f"material:{m.pk}", actor=actor,
                                 allowed=services.UPLOAD_TYPES, max_bytes=max_bytes)
        status = ApplicationMaterial.Status.PROVIDED
    elif saved is not None:
        attachment = share_attachment(saved, owner=app, purpose=f"material:{m.pk}", actor=actor)
        status = ApplicationMaterial.Status.PROVIDED
    else:
        status = ApplicationMaterial.Status.MISSING
    ApplicationMaterial.objects.create(application=app, material=m, status=status, attachment=attachment,
                                       shared_data=snapshot)


# ---------------------------------------------------------------- drafts (草稿)

def draft_save(*, actor: User, item: PermitItem, form: Mapping[str, Any] | None, files: Mapping[int, Any],
               description: str = "", enterprise: Enterprise | None = None, authorisation: Any = None,
               proxy_agent: str = "", draft: ApplicationDraft | None = None) -> ApplicationDraft:
    """Keep what was filled in and uploaded so far; nothing is required yet (the checks run at submission), but
    uploads are checked now and a value longer than its field is refused. A draft counts in no queue."""
    enterprise, proxy = applying_for(actor, enterprise if draft is None else draft.enterprise)
    check_item(item, enterprise)
    if draft is not None and (draft.application_id or draft.item_id != item.pk):
        raise Conflict("该草稿已提交或已变化，请刷新页面后重试")
    materials = {m.pk: m for m in item.materials.all()}
    if any(k not in materials or materials[k].generated or materials[k].requirement == "shared" for k in files):
        raise DomainError("上传的材料不属于该事项或无需上传", code="unknown_material")
    specs = {s.key: s for s in form_fields.specs_of(item)}
    values = {k: str(v).strip() for k, v in (form or {}).items() if k in specs and v is not None and str(v).strip()}
    for k, v in values.items():
        if len(v) > specs[k].max_length:
            raise DomainError(f"「{specs[k].label}」不能超过 {specs[k].max_length} 个字", field=f"field_{k}")
    max_bytes = services._check_uploads({**files, **({0: authorisation} if authorisation is not None else {})})
    with transaction.atomic():
        if draft is None:
            draft = ApplicationDraft(item=item, enterprise=enterprise, region_id=enterprise.region_id,
                                     created_by=actor)
        draft.form_data, draft.description = values, description[:2000]
        draft.proxy_agent = proxy_agent.strip()[:120] if proxy else ""
        draft.save()
        for material_id, upload in files.items():
            save_upload(upload, owner=draft, purpose=f"material:{material_id}", actor=actor,
                        allowed=services.UPLOAD_TYPES, max_bytes=max_bytes)
        if proxy and authorisation is not None:
            save_upload(authorisation, owner=draft, purpose=AUTHORISATION, actor=actor,
                        allowed=services.UPLOAD_TYPES, max_bytes=max_bytes)
        audit(actor, "licensing.draft_save", draft, summary=f"保存申请草稿：{item.name}（{enterprise.name}）")
    return draft


def draft_for(actor: User, pk: int) -> ApplicationDraft:
    """A draft the actor may change (its own enterprise's, or a clerk's of the jurisdiction), not yet submitted."""
    draft = (ApplicationDraft.objects.restrict(actor, "change").select_related("item", "enterprise")
             .filter(pk=pk, application__isnull=True).first())
    if draft is None:
        raise NotFound("草稿不存在或已提交")
    return draft


def draft_delete(*, actor: User, draft: ApplicationDraft) -> None:
    with transaction.atomic():
        audit(actor, "licensing.draft_delete", draft, summary=f"删除申请草稿：{draft.item.name}")
        draft.delete()


def draft_uploads(draft: ApplicationDraft | None) -> dict[str, Any]:
    """For the form: the draft's saved uploads by purpose."""
    return _draft_files(draft)


def form_rows(app: Application) -> list[tuple[str, str]]:
    """The 申请书 as filled in, for the application page (labels from the item's form; phone numbers masked)."""
    if not app.form_data:
        return []
    return [(s.label, mask_phone(app.form_data.get(s.key, "")) if s.kind == "phone" else app.form_data.get(s.key, ""))
            for s in form_fields.specs_of(app.item)]
