"""Use cases of online licensing (全程网办). Each runs in one transaction, applies the declared workflow (history +
audit + optimistic concurrency), issues its dated notice as a PDF and tells the applicant online."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bureau.accounts.authority import sees
from bureau.accounts.models import Organisation, OrganisationKind, User
from bureau.enterprises.models import Enterprise
from bureau.kernel import throttle
from bureau.kernel.attachments import check_upload, save_upload
from bureau.kernel.audit import audit
from bureau.kernel.calendar import add_working_days
from bureau.kernel.documents import Fields, Grid, Para, Signature, Spec, chinese_date, store_document
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.notifications import notify
from bureau.kernel.numbering import next_number
from bureau.kernel.registry import registry
from bureau.kernel.rules import rule
from bureau.kernel.workflow import apply_transition, check_transition, record_history
from bureau.licensing import rules
from bureau.licensing.models import (
    OPEN_STATES,
    Application,
    ApplicationMaterial,
    Commitment,
    Opinion,
    Pause,
    PermitItem,
    PermitMaterial,
)
from bureau.licensing.workflow import COMMITMENT, WORKFLOW

UPLOAD_TYPES = frozenset({"pdf", "jpg", "jpeg", "png", "ofd"})
GENERIC_REMEDIES = ("如对本决定不服，可以自收到本通知书之日起六十日内依法申请行政复议，"
                    "或者在六个月内依法向人民法院提起行政诉讼。")


def remedies(app: Application, *, received: str) -> str:
    """The remedies of a refusal, naming the review body of the deciding authority (行政复议法 第24条)."""
    org = authority_of(app)
    return org.remedies(received=received) if org is not None else GENERIC_REMEDIES


# Called inside the grant's transaction after the decision and licence (registered by the modules of measures
# I.6/I.7 so that this module does not import them): (application, actor, day).
AFTER_GRANT: list[Callable[[Application, User, dt.date], None]] = []


def today() -> dt.date:
    return timezone.localdate()


def _days(key: str, on: dt.date) -> int:
    return int(rule(key, on=on))


# ---------------------------------------------------------------- helpers

def _url(app: Application) -> str:
    return f"/licensing/{app.pk}/"


def _enterprise_users(app: Application) -> list[User]:
    return list(User.objects.filter(enterprise_id=app.enterprise_id, is_active=True))


def _tell_applicant(app: Application, title: str, body: str = "") -> None:
    notify(_enterprise_users(app), f"【{app.number}】{title}", body, _url(app), sms=True)


def authority_of(app: Application) -> Organisation | None:
    """The bureau that decides the application: the county bureau or development-zone department of its region
    for county items, the city bureau otherwise (also the organisation its 好差评 rating is about)."""
    if app.level == "county":
        org = Organisation.objects.filter(region_id=app.region_id,
                                          kind__in=[OrganisationKind.COUNTY_BUREAU, OrganisationKind.ZONE]).first()
        if org is not None:
            return org
    return Organisation.objects.filter(kind=OrganisationKind.CITY_BUREAU).order_by("id").first()


def _authority(app: Application) -> str:
    org = authority_of(app)
    return org.full_name if org is not None and app.level == "county" else settings.BUREAU_NAME


def _document(app: Application, *, kind: str, title: str, prefix: str, blocks: list[Any], actor: User | None,
              on: dt.date) -> Any:
    number = next_number(f"licensing:{kind}", on.year, pattern="{prefix}〔{year}〕{seq}号", prefix=prefix)
    authority = _authority(app)
    spec = Spec(title=title, authority=authority, number=number,
                blocks=[Para(f"{app.locked_data.get('name', app.enterprise.name)}：", indent=False), *blocks,
                        Signature(authority, on)],
                footer=f"办件编号 {app.number} · 查询码请登录网上办事大厅查看")
    doc = store_document(owner=app, kind=kind, spec=spec, actor=actor, sort=app.documents().count() + 1)
    record_history(app, actor=actor, action=f"doc_{kind}", label=f"出具{title}", note=number)
    return doc


def _date(day: dt.date | None) -> str:
    return chinese_date(day) if day is not None else "—"


def _application_facts(app: Application) -> Fields:
    return Fields([("申请事项", app.item.name), ("办件编号", app.number), ("申请单位", app.locked_data.get("name", "")),
                   ("统一社会信用代码", app.locked_data.get("uscc", "")),
                   ("收件日期", chinese_date(app.submitted_on))])


def clock_for(app: Application, *, on: dt.date | None = None) -> rules.Clock:
    """The working-day clock of an application as of `on` (today by default)."""
    return rules.compute_clock(
        state=app.state, submitted_on=app.submitted_on, accepted_on=app.accepted_on,
        intake_days=_days("licensing.intake_days", app.submitted_on), promised_days=app.item.promised_days,
        statutory_days=app.item.statutory_days, extension_days=app.extension_days, pauses=app.pauses(),
        today=on or today(),
    )


def refresh_clock(app: Application, *, on: dt.date | None = None, save: bool = True) -> rules.Clock:
    """Recompute the stored dates (indexed columns) from the working-day clock."""
    clock = clock_for(app, on=on)
    values = {"intake_due": clock.intake_due, "due_on": clock.due_on, "decision_due": clock.decision_due,
              "statutory_due": clock.statutory_due, "due_provisional": clock.provisional}
    for key, value in values.items():
        setattr(app, key, value)
    if save:
        Application.objects.filter(pk=app.pk).update(**values)
    return clock


def _check_uploads(files: Mapping[int, Any]) -> int:
    """Check every upload (type by content, size) before anything is written; returns the size limit in bytes."""
    max_bytes = int(rule("licensing.upload_max_mb")) * 1024 * 1024
    for upload in files.values():
        check_upload(upload, allowed=UPLOAD_TYPES, max_bytes=max_bytes)
    return max_bytes


def _material_check(app: Application) -> rules.MaterialCheck:
    rows = [(m.material.name, m.material.requirement,
             m.status in {ApplicationMaterial.Status.PROVIDED, ApplicationMaterial.Status.SUPPLEMENTED,
                          ApplicationMaterial.Status.SHARED})
            for m in app.materials.select_related("material")]
    return rules.check_materials(rows)


def _done(application: Application) -> Application:
    """Bring the caller's instance up to date (state, version, dates) after a use case."""
    application.refresh_from_db()
    return application


def _reload(app: Application) -> Application:
    return (Application.objects.select_related("item", "enterprise", "region").prefetch_related("pause_rows")
            .get(pk=app.pk))


def _for_step(actor: User, application: Application, action: str) -> Application:
    """The opening of every step: a fresh copy carrying the version the caller saw (optimistic concurrency), and the
    declared action checked for the actor before the step's form is read (kernel.workflow.check_transition: the
    actor sees the application, the state allows the action, the actor's roles take it and its guards hold — for
    officers first the level rule `workflow.own_level`, for the enterprise its own application)."""
    app = _reload(application)
    app.version = application.version
    check_transition(WORKFLOW, app, action, actor)
    return app


# ---------------------------------------------------------------- submission (the use case: intake.application_submit)

LOCKED_FIELDS = ("name", "uscc", "legal_representative", "address", "region")


def locked_data_for(enterprise: Enterprise) -> dict[str, str]:
    """Register data pre-filled and locked on the form (re-read on the server, never trusted from the client)."""
    return {"name": enterprise.name, "uscc": enterprise.uscc, "legal_representative": enterprise.legal_representative,
            "address": enterprise.address, "region": enterprise.region_id,
            "industry": enterprise.get_industry_display(),
            "standardization_grade": enterprise.get_standardization_grade_display()}


def check_licence_held(item: PermitItem, enterprise: Enterprise) -> None:
    """An application for a licence kind the enterprise already holds is routed to 变更/延期, a 变更/延期 without a
    licence to amend or continue to a first application (行政许可法 第49、50条; certificates/lifecycle.py)."""
    from bureau.certificates.lifecycle import application_refusal

    refusal = application_refusal(enterprise=enterprise, action=item.certificate_action,
                                  type_code=item.certificate_type, applied_on=today())
    if refusal:
        raise DomainError(refusal, code="licence_held")


# what the public progress page shows (no enterprise data, no materials)
PUBLIC_PROGRESS_FIELDS = ("id", "number", "check_code", "state", "submitted_on", "decision_due", "due_provisional",
                          "item__name")


def public_progress_steps(app: Application) -> list[dict[str, Any]]:
    """The timeline shown to the public: state changes and the submission, without names or notes."""
    return [dict(h) for h in app.history().values("action", "action_label", "at", "from_state", "to_state")
            if h["from_state"] != h["to_state"] or h["action"] == "submit"]


def progress_lookup_keys(number: str, address: str) -> list[throttle.Keyed]:
    return throttle.lookup_keys("progress", address, number, limit_rule="licensing.lookup_limit",
                                number_limit_rule="licensing.lookup_number_limit",
                                window_rule="licensing.lookup_window_seconds")


def progress_lookup(number: str, code: str, address: str) -> Application | None:
    """办件查询 by number + check code. Only failed attempts count, per address and per number looked up (the check
    code must not be guessable by trying, from one address or from many, while an office behind one address may
    follow all its own applications); at the limit even a right pair is refused. Raises RateLimited (429) when
    limited; None when the pair does not match. The counters are shared by every process (kernel/throttle.py)."""
    keys = progress_lookup_keys(number, address)
    throttle.check(keys, "查询过于频繁，请{}后再试")
    number, code = (number or "").strip().upper(), (code or "").strip()
    app = (Application.objects.select_related("item").only(*PUBLIC_PROGRESS_FIELDS).filter(number=number).first()
           if number and code and len(number) <= 30 and len(code) <= 12 else None)
    if app is not None and secrets.compare_digest(app.check_code, code):
        return app
    throttle.fail(keys)
    return None


def shared_snapshot(material: PermitMaterial, enterprise: Enterprise) -> dict[str, Any]:
    """What the department named by `material.shared_source` holds about the enterprise (measures I.2, III.2): the
    enterprise never uploads it. An unreachable exchange or an unknown enterprise does not stop the application:
    the snapshot says so and the reviewing officer checks it (行政许可法 第31条: the applicant answers only for
    what it submits)."""
    source = registry.shared_sources.get(material.shared_source)
    at = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    if source is None:
        return {}
    try:
        fields = source.fetch(enterprise.uscc)
    except DomainError as exc:
        return {"source": source.label, "fetched_at": at, "error": f"{exc.message}；由审查人员核验"}
    if fields is None:
        return {"source": source.label, "fetched_at": at, "error": f"{source.label}未查到该企业的数据；由审查人员核验"}
    warnings = source.check(enterprise, fields) if source.check else []
    return {"source": source.label, "fetched_at": at, "fields": [list(f) for f in fields], "warnings": warnings}


# ---------------------------------------------------------------- intake (行政许可法 第32条)

def _start_review(app: Application, *, actor: User | None, on: dt.date) -> None:
    """On acceptance: open the parallel-review opinions (measure I.5) with their own clocks."""
    if not app.item.department_codes and not app.item.county_site_check:
        return
    days = _days("licensing.parallel_opinion_days", on)
    deadline = add_working_days(on, days)
    orgs = list(Organisation.objects.filter(code__in=app.item.department_codes))
    missing = set(app.item.department_codes) - {o.code for o in orgs}
    if missing:
        raise DomainError(f"并联审查部门未配置：{'、'.join(sorted(missing))}")
    rows = [(o, "并联审查（" + o.name + "）") for o in orgs]
    bureau = Organisation.objects.filter(region_id=settings.CITY_REGION_CODE,
                                         kind=OrganisationKind.CITY_BUREAU).first()
    if bureau is not None:
        rows.append((bureau, "应急管理部门审查"))
    if app.item.county_site_check:
        county = Organisation.objects.filter(region_id=app.region_id, kind__in=[OrganisationKind.COUNTY_BUREAU,
                                                                              OrganisationKind.ZONE]).first()
        if county is not None:
            rows.append((county, "县级同步现场核查"))
    for org, role in rows:
        Opinion.objects.create(application=app, organisation=org, role=role, sent_on=on, due_on=deadline.date,
                               due_provisional=deadline.provisional)
    for org, _ in rows:
        if org.kind == OrganisationKind.DEPARTMENT:
            notify(User.objects.filter(organisation=org, is_active=True), f"【并联审查】{app.number} {app.item.name}",
                   f"请于 {deadline.date:%Y-%m-%d} 前提出审查意见。", _url(app))


def application_accept(*, actor: User, application: Application, note: str = "") -> Application:
    """Accept a complete application; 受理通知书 with the expected decision date."""
    app = _for_step(actor, application, "accept")
    check = _material_check(app)
    if check.missing_required or check.missing_tolerable:
        missing = "、".join(check.missing_required + check.missing_tolerable)
        raise DomainError(f"材料不齐全（缺少：{missing}），请一次性告知补正，或在允许时容缺受理")
    on = today()
    with transaction.atomic():
        _accept(app, actor=actor, action="accept", note=note, on=on, tolerated=False)
    return _done(application)


def _accept(app: Application, *, actor: User | None, action: str, note: str, on: dt.date, tolerated: bool) -> None:
    clock = refresh_clock(app, on=on, save=False)
    deemed = clock.deemed_accepted
    accepted_on = app.submitted_on if deemed else on
    apply_transition(WORKFLOW, app, action, actor=actor, note=note,
                     updates={"accepted_on": accepted_on, "deemed_accepted": deemed, "tolerated": tolerated})
    app = _reload(app)
    refresh_clock(app, on=on)
    _start_review(app, actor=actor, on=on)
    blocks = [Para(f"你单位于{chinese_date(app.submitted_on)}提交的{app.item.name}申请，"
                   + ("因本机关未在法定期限内作出受理决定，依据《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理。"
                      if deemed else "申请材料齐全、符合法定形式，根据《中华人民共和国行政许可法》第三十二条，决定予以受理。")
                   + (" 部分次要材料容缺，请按容缺承诺书约定期限补交。" if tolerated else "")),
              _application_facts(app),
              Fields([("受理日期", chinese_date(accepted_on)),
                      ("承诺办结时限", f"{app.item.promised_days} 个工作日（法定 {app.item.statutory_days} 个工作日）"),
                      ("预计决定日期", _date(app.decision_due) + ("（暂定）" if app.due_provisional else ""))])]
    if app.fast_track_reason:
        blocks.append(Para(f"快速通道：{app.fast_track_reason}。"))
    _document(app, kind="acceptance_notice", title="受理通知书", prefix="运应急许受", blocks=blocks, actor=actor, on=on)
    if tolerated:
        missing = [m.material.name for m in app.materials.select_related("material")
                   if m.status == ApplicationMaterial.Status.MISSING]
        app.materials.filter(status=ApplicationMaterial.Status.MISSING).update(
            status=ApplicationMaterial.Status.TOLERATED)
        Commitment.objects.create(application=app, origin=Commitment.Origin.INTAKE, missing_text="、".join(missing),
                                  latest_deadline=app.decision_due or accepted_on)
    _tell_applicant(app, "申请已受理" + ("（容缺受理，请签署承诺书）" if tolerated else ""),
                    f"预计 {app.decision_due:%Y-%m-%d} 前作出决定。")


def application_accept_tolerated(*, actor: User, application: Application, note: str = "") -> Application:
    """容缺受理 (measure I.3): all required materials present, only tolerable ones missing."""
    app = _for_step(actor, application, "accept_tolerated")
    refusal = rules.tolerance_refusal(allowed=app.item.tolerance_allowed, check=_material_check(app))
    if refusal:
        raise DomainError(refusal, code="tolerance")
    with transaction.atomic():
        _accept(app, actor=actor, action="accept_tolerated", note=note, on=today(), tolerated=True)
    return _done(application)


def application_reject(*, actor: User, application: Application, reasons: str, other_agency: str = "") -> Application:
    """不予受理 with reasons and remedies (行政复议/行政诉讼); naming the competent agency when it is not ours."""
    app = _for_step(actor, application, "reject")
    if not reasons.strip():
        raise DomainError("请填写不予受理的理由", field="reasons")
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "reject", actor=actor, note=reasons, updates={"due_on": None})
        blocks = [Para(f"你单位于{chinese_date(app.submitted_on)}提交的{app.item.name}申请，经审查，决定不予受理。"),
                  _application_facts(app), Para(f"理由：{reasons}")]
        if other_agency.strip():
            blocks.append(Para(f"该申请事项不属于本机关职权范围，请向{other_agency.strip()}申请。"))
        blocks.append(Para(remedies(app, received="收到本通知书")))
        _document(app, kind="rejection_notice", title="不予受理通知书", prefix="运应急许不受", blocks=blocks, actor=actor,
                  on=on)
        _tell_applicant(app, "申请不予受理", reasons[:200])
    return _done(application)


def application_request_correction(*, actor: User, application: Application, material_ids: list[int],
                                   note: str = "") -> Application:
    """一次性告知补正: list everything missing at once (行政许可法 第32条)."""
    app = _for_step(actor, application, "request_correction")
    rows = list(app.materials.select_related("material"))
    chosen = [m for m in rows if m.material_id in set(material_ids)]
    missing = [m for m in rows if m.status == ApplicationMaterial.Status.MISSING]
    listed = {m.pk: m for m in chosen + missing}
    if not listed and not note.strip():
        raise DomainError("请列明需要补正的全部材料或内容（一次性告知）", field="material_ids")
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "request_correction", actor=actor, note=note, updates={"due_on": None})
        ApplicationMaterial.objects.filter(pk__in=[m.pk for m in chosen]).update(
            status=ApplicationMaterial.Status.MISSING)
        grid = Grid(["序号", "需补正的材料/内容", "要求"],
                    [[str(i + 1), m.material.name, m.material.note or "按办事指南要求提交"] for i, m in
                     enumerate(listed.values())] + ([[str(len(listed) + 1), "其他", note]] if note.strip() else []),
                    widths=[0.1, 0.45, 0.45])
        _document(app, kind="correction_notice", title="补正材料通知书", prefix="运应急许补",
                  blocks=[Para(f"你单位于{chinese_date(app.submitted_on)}提交的{app.item.name}申请材料不齐全或不符合法定形式，"
                               "现一次性告知需要补正的全部内容如下，请补正后通过网上办事大厅重新提交："),
                          _application_facts(app), grid], actor=actor, on=on)
        _tell_applicant(app, "请补正材料", "需补正：" + "、".join(m.material.name for m in listed.values()))
    return _done(application)


def application_resubmit(*, actor: User, application: Application, files: Mapping[int, Any]) -> Application:
    """The enterprise uploads the corrected materials; the intake window runs again from the new arrival."""
    app = _for_step(actor, application, "resubmit")
    rows = {m.material_id: m for m in app.materials.select_related("material")}
    if any(k not in rows for k in files):
        raise DomainError("上传的材料不属于该申请", code="unknown_material")
    max_bytes = _check_uploads(files)
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "resubmit", actor=actor, updates={"submitted_on": on,
                                                                          "submitted_at": timezone.now()})
        for material_id, upload in files.items():
            attachment = save_upload(upload, owner=app, purpose=f"material:{material_id}", actor=actor,
                                     allowed=UPLOAD_TYPES, max_bytes=max_bytes)
            ApplicationMaterial.objects.filter(pk=rows[material_id].pk).update(
                status=ApplicationMaterial.Status.PROVIDED, attachment=attachment)
        refresh_clock(_reload(app), on=on)
    return _done(application)


def deemed_acceptance_sweep(*, on: dt.date | None = None) -> int:
    """行政许可法 第32条: applications without an intake decision after 5 working days count as accepted from the
    day they arrived. The system accepts them (history says so) so that the decision clock runs."""
    on = on or today()
    count = 0
    for app in Application.objects.filter(state="submitted", intake_due__lt=on).select_related("item")[:500]:
        app = _reload(app)
        if _material_check(app).missing_required:
            # still counts as accepted (the clock shows it), but an officer must look at the materials
            refresh_clock(app, on=on)
            continue
        try:
            with transaction.atomic():
                _accept(app, actor=None, action="deem_accept", note="受理期限届满未作出决定，依法自收到申请之日起视为受理",
                        on=on, tolerated=False)
            count += 1
        except DomainError:
            continue
    return count


def application_decide_instant(*, actor: User, application: Application, note: str = "") -> Application:
    """即办件 decided on the spot (measure I.2): accepted and granted in one step, certificate issued."""
    app = _for_step(actor, application, "decide_instant")
    check = _material_check(app)
    if not check.complete:
        raise DomainError("材料不齐全，不能当场办结：缺少" + "、".join(check.missing_required + check.missing_tolerable))
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "decide_instant", actor=actor, note=note,
                         updates={"accepted_on": on, "decision": "grant", "decided_on": on, "handling_days": 0,
                                  "decision_reason": note or "材料齐全，符合条件，当场办结", "due_on": None,
                                  "decision_due": on})
        _grant_effects(_reload(app), actor=actor, on=on)
    return _done(application)


# ---------------------------------------------------------------- review

def application_site_verify(*, actor: User, application: Application, result: str) -> Application:
    app = _for_step(actor, application, "site_verify")
    if not result.strip():
        raise DomainError("请填写现场核查结论", field="result")
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "site_verify", actor=actor, note=result,
                         updates={"site_result": result, "site_done_on": today()})
    return _done(application)


def application_expert_start(*, actor: User, application: Application, reason: str = "") -> Application:
    """Expert review stops the clock (行政许可法 第45条); the applicant is told in writing."""
    app = _for_step(actor, application, "expert_start")
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "expert_start", actor=actor, note=reason)
        Pause.objects.create(application=app, kind="expert_review", reason=reason or "专家评审", start=on)
        app = _reload(app)
        refresh_clock(app, on=on)
        _document(app, kind="pause_notice", title="专家评审告知书", prefix="运应急许告",
                  blocks=[Para(f"你单位申请的{app.item.name}需要组织专家评审。依据《中华人民共和国行政许可法》第四十五条，"
                               "专家评审所需时间不计算在许可期限内，自即日起暂停计时，评审结束后恢复计时。"),
                          _application_facts(app)], actor=actor, on=on)
        _tell_applicant(app, "专家评审，暂停计时", reason[:200])
    return _done(application)


def application_expert_finish(*, actor: User, application: Application, result: str) -> Application:
    app = _for_step(actor, application, "expert_finish")
    if not result.strip():
        raise DomainError("请填写专家评审结论", field="result")
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "expert_finish", actor=actor, note=result, updates={"expert_result": result})
        Pause.objects.filter(application=app, end__isnull=True).update(end=on)
        app = _reload(app)
        refresh_clock(app, on=on)
        _tell_applicant(app, "专家评审结束，恢复计时", f"预计 {app.decision_due:%Y-%m-%d} 前作出决定。")
    return _done(application)


def application_request_extension(*, actor: User, application: Application, reason: str) -> Application:
    app = _for_step(actor, application, "request_extension")
    if not reason.strip():
        raise DomainError("请填写延期理由（将告知申请人）", field="reason")
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "request_extension", actor=actor, note=reason,
                         updates={"extension_reason": reason[:300]})
    return _done(application)


def application_approve_extension(*, actor: User, application: Application, note: str = "") -> Application:
    """+10 working days with the leader's approval, the reason told to the applicant (行政许可法 第42条)."""
    app = _for_step(actor, application, "approve_extension")
    on = today()
    days = _days("licensing.extension_days", on)
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "approve_extension", actor=actor, note=note, updates={"extension_days": days})
        app = _reload(app)
        refresh_clock(app, on=on)
        _document(app, kind="extension_notice", title="延长审批期限告知书", prefix="运应急许延",
                  blocks=[Para(f"你单位申请的{app.item.name}，因{app.extension_reason}，在规定期限内不能作出决定。"
                               f"经本机关负责人批准，依据《中华人民共和国行政许可法》第四十二条，审批期限延长{days}个工作日。"),
                          _application_facts(app),
                          Fields([("延长后决定期限", _date(app.decision_due))])], actor=actor, on=on)
        _tell_applicant(app, "审批期限延长", f"理由：{app.extension_reason}；预计 {app.decision_due:%Y-%m-%d} 前作出决定。")
    return _done(application)


def application_deny_extension(*, actor: User, application: Application, note: str = "") -> Application:
    app = _for_step(actor, application, "deny_extension")
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "deny_extension", actor=actor, note=note, updates={"extension_reason": ""})
    return _done(application)


def opinion_give(*, actor: User, opinion: Opinion, conclusion: str, text: str) -> Opinion:
    """A party of the parallel review gives its opinion (measure I.5)."""
    app = opinion.application
    if not sees(actor, app):
        raise NotFound("申请不存在或不在您的管辖范围内")
    if actor.organisation_id != opinion.organisation_id and not (
            opinion.organisation.kind in {OrganisationKind.CITY_BUREAU, OrganisationKind.COUNTY_BUREAU,
                                          OrganisationKind.ZONE}
            and actor.organisation is not None and actor.organisation.bureau.pk == opinion.organisation_id
            and actor.has_role("licensing_officer", "section_head", "leader", "inspector")):
        raise PermissionDenied("只能由该审查单位提出意见")
    if conclusion not in Opinion.Conclusion.values:
        raise DomainError("请选择审查结论", field="conclusion")
    if not text.strip():
        raise DomainError("请填写审查意见", field="text")
    if app.state not in {"review", "expert_review", "extension_requested"}:
        raise DomainError(f"当前状态为「{app.state_label}」，不能提出并联审查意见")
    with transaction.atomic():
        changed = Opinion.objects.filter(pk=opinion.pk, given_at__isnull=True).update(
            conclusion=conclusion, text=text, given_by=actor, given_at=timezone.now())
        if changed != 1:
            raise DomainError("该单位已提出意见，不能重复提交", code="conflict")
        record_history(app, actor=actor, action="opinion",
                       label=f"{opinion.organisation.name}提出意见：{Opinion.Conclusion(conclusion).label}", note=text)
        audit(actor, "licensing.opinion", app, summary=f"并联审查意见 {app.number}：{opinion.organisation.name}")
    opinion.refresh_from_db()
    return opinion


def application_propose(*, actor: User, application: Application, proposal: str, reason: str) -> Application:
    """The reviewing officer proposes grant or refusal; the decision waits for every opinion (I.5), the site
    verification and expert review when needed, and a signed commitment after 容缺 acceptance (I.3)."""
    app = _for_step(actor, application, "propose")  # the declared preconditions: site, experts, opinions, 容缺
    if proposal not in {"grant", "refuse"}:
        raise DomainError("请选择拟准予或拟不予许可", field="proposal")
    if not reason.strip():
        raise DomainError("请填写审查意见和理由", field="reason")
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "propose", actor=actor, note=reason,
                         updates={"proposal": proposal, "proposal_reason": reason})
    return _done(application)


def application_return(*, actor: User, application: Application, note: str) -> Application:
    app = _for_step(actor, application, "return")
    if not note.strip():
        raise DomainError("请填写退回理由", field="note")
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "return", actor=actor, note=note)
    return _done(application)


def _grant_effects(app: Application, *, actor: User, on: dt.date) -> None:
    """The licence in the register (issued, amended by a 变更 or continued by a 延期: certificates/lifecycle.py),
    the decision letter, and the licence's one signed PDF listed in the application's file."""
    from bureau.certificates.lifecycle import licence_grant
    from bureau.certificates.versions import attach_copy, version_document

    certificate = version = None
    authority = _authority(app)
    if app.item.certificate_type:
        certificate, version = licence_grant(
            actor=actor, action=app.item.certificate_action, type_code=app.item.certificate_type,
            enterprise=app.enterprise, issuing_authority=authority, on=on, scope_text=app.scope_text,
            applied_on=app.submitted_on, source=app, note=f"行政许可 {app.number}")
        Application.objects.filter(pk=app.pk).update(certificate=certificate)
        app.certificate = certificate
    rows = [("许可事项", app.item.name), ("被许可人", app.enterprise.name), ("统一社会信用代码", app.enterprise.uscc),
            ("许可范围", app.scope_text or app.enterprise.business_scope or "—")]
    if certificate is not None and version is not None:
        rows += [("证书编号", certificate.number + (f"（第{version.version_no}版）" if version.version_no > 1 else "")),
                 ("有效期", f"{chinese_date(certificate.valid_from)}至{chinese_date(certificate.valid_until)}")]
    blocks = [Para(f"你单位于{chinese_date(app.submitted_on)}提出的{app.item.name}申请，经审查，符合法定条件和标准。"
                   "根据《中华人民共和国行政许可法》第三十八条第一款，决定准予行政许可。"),
              Fields(rows)]
    if app.tolerated:
        blocks.append(Para("本许可系容缺受理后先行作出，你单位应按容缺承诺书约定期限补交材料；逾期未履行承诺的，"
                           "本机关将依法撤销许可并记入信用记录。"))
    if app.fast_track_reason:
        blocks.append(Para(f"办理方式：{app.fast_track_reason}。"))
    _document(app, kind="grant_decision", title="准予行政许可决定书", prefix="运应急许准", blocks=blocks, actor=actor,
              on=on)
    if certificate is not None and version is not None:
        # the licence version's one PDF (2-D code, the bureau's signature), also listed in the application's file
        attach_copy(version_document(actor=actor, certificate=certificate, version=version), owner=app,
                    kind="licence", sort=app.documents().count() + 1)
    done = {"change": "证照已变更", "extension": "证照已延期"}.get(app.item.certificate_action, "证照已发放")
    record_history(app, actor=actor, action="certificate", label=done if certificate else "证照已发放",
                   note=(f"{certificate.number} 第{version.version_no}版" if certificate and version
                         else "本事项不发放证照，以决定书为准"))
    _tell_applicant(app, "准予许可", "决定书" + ("和证照" if certificate else "") + "可在网上办事大厅下载。")


def application_grant(*, actor: User, application: Application, note: str = "") -> Application:
    """准予许可: the decision, the licence into the certificate register, the decision letter (第38、44条)."""
    app = _for_step(actor, application, "grant")
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "grant", actor=actor, note=note,
                         updates={"decision": "grant", "decision_reason": note or app.proposal_reason,
                                  "decided_on": on, "due_on": None,
                                  "handling_days": rules.handling_days(app.accepted_on or on, on, app.pauses())})
        _grant_effects(_reload(app), actor=actor, on=on)
        for hook in AFTER_GRANT:  # special_paths (I.7 merged review: both outputs) and joint_check (I.6 handover)
            hook(_reload(app), actor, on)
    return _done(application)


def application_refuse(*, actor: User, application: Application, reason: str) -> Application:
    """不予许可, with reasons and remedies (行政许可法 第38条第二款)."""
    app = _for_step(actor, application, "refuse")
    if not reason.strip():
        raise DomainError("请填写不予许可的理由", field="reason")
    on = today()
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "refuse", actor=actor, note=reason,
                         updates={"decision": "refuse", "decision_reason": reason, "decided_on": on, "due_on": None,
                                  "handling_days": rules.handling_days(app.accepted_on or on, on, app.pauses())})
        _document(app, kind="refusal_decision", title="不予行政许可决定书", prefix="运应急许不准",
                  blocks=[Para(f"你单位于{chinese_date(app.submitted_on)}提出的{app.item.name}申请，经审查，决定不予行政许可。"),
                          _application_facts(app), Para(f"理由：{reason}"),
                                  Para(remedies(app, received="收到本决定书"))], actor=actor, on=on)
        _tell_applicant(app, "不予许可", reason[:200])
    return _done(application)


def application_withdraw(*, actor: User, application: Application, note: str = "") -> Application:
    app = _for_step(actor, application, "withdraw")
    with transaction.atomic():
        apply_transition(WORKFLOW, app, "withdraw", actor=actor, note=note, updates={"due_on": None})
    return _done(application)


# ---------------------------------------------------------------- commitments (容缺, measure I.3)

def commitment_sign(*, actor: User, commitment: Commitment, deadline: dt.date | None, preventive_measures: str,
                    rectification_plan: str) -> Commitment:
    """The enterprise signs online its 容缺承诺书 with preventive measures, plan and a deadline no later than the
    promised limit (the declared action `sign` of COMMITMENT)."""
    app = commitment.application
    check_transition(COMMITMENT, commitment, "sign", actor)
    if not preventive_measures.strip():
        raise DomainError("请填写预防措施", field="preventive_measures")
    if not rectification_plan.strip():
        raise DomainError("请填写补交（整改）计划", field="rectification_plan")
    on = today()
    refusal = rules.commitment_deadline_refusal(deadline, today=on, latest=commitment.latest_deadline)
    if refusal:
        raise DomainError(refusal, field="deadline")
    with transaction.atomic():
        apply_transition(COMMITMENT, commitment, "sign", actor=actor,
                         note=f"承诺 {deadline:%Y-%m-%d} 前完成：{commitment.problems or commitment.missing_text}",  # type: ignore[union-attr]
                         updates={"deadline": deadline, "preventive_measures": preventive_measures,
                                  "rectification_plan": rectification_plan, "signed_at": timezone.now(),
                                  "signed_by": actor})
        what = ((f"审查中发现以下问题（{commitment.get_found_in_display()}），申请先行许可、限期整改，并郑重承诺：",
                 "审查发现的问题", commitment.problems) if commitment.is_review else
                ("以下次要材料暂缺，申请容缺受理，并郑重承诺：", "容缺材料", commitment.missing_text))
        _document(app, kind="tolerance_commitment", title="容缺受理承诺书", prefix="运应急许诺",
                  blocks=[Para(f"本单位申请{app.item.name}（办件编号 {app.number}），{what[0]}"),
                          Fields([(what[1], what[2]), ("预防措施", preventive_measures),
                                  ("补交（整改）计划", rectification_plan),
                                  ("承诺完成期限", chinese_date(deadline))]),  # type: ignore[arg-type]
                          Para("本单位承诺所提交材料真实有效，并在承诺期限内补齐上述材料或完成整改。逾期未履行承诺的，"
                               "同意行政机关依法撤销许可，并记入本单位安全生产信用记录。"),
                          Para(f"承诺人：{app.enterprise.name}（法定代表人 {app.enterprise.legal_representative}）"
                               f"　网上签署人：{actor.display_name}", indent=False)],
                  actor=actor, on=on)
    return commitment


def commitment_fulfil(*, actor: User, commitment: Commitment, files: Mapping[int, Any]) -> Commitment:
    """The enterprise supplements the tolerated materials (`supplement`); when all are in it reports fulfilment
    (`fulfil` → 待核验) and an officer verifies it (`tolerance.commitment_verify`)."""
    app = commitment.application
    tolerated = {m.material_id: m for m in app.materials.filter(status=ApplicationMaterial.Status.TOLERATED)}
    if not files and not tolerated:
        with transaction.atomic():
            apply_transition(COMMITMENT, commitment, "fulfil", actor=actor, updates={"reported_at": timezone.now()})
        return commitment
    check_transition(COMMITMENT, commitment, "supplement", actor)
    if not files:
        raise DomainError("请上传需要补交的材料")
    if any(k not in tolerated for k in files):
        raise DomainError("上传的材料不是容缺材料", code="unknown_material")
    max_bytes = _check_uploads(files)
    left = len(tolerated) - len(files)
    names = "、".join(tolerated[k].material.name for k in files)
    with transaction.atomic():
        apply_transition(COMMITMENT, commitment, "supplement", actor=actor,
                         note=f"补交：{names}" + (f"（尚缺 {left} 项）" if left else ""))
        for material_id, upload in files.items():
            attachment = save_upload(upload, owner=app, purpose=f"material:{material_id}", actor=actor,
                                     allowed=UPLOAD_TYPES, max_bytes=max_bytes)
            ApplicationMaterial.objects.filter(pk=tolerated[material_id].pk).update(
                status=ApplicationMaterial.Status.SUPPLEMENTED, attachment=attachment)
        if not left:
            # measure I.3: the upload reports fulfilment; an officer verifies it (tolerance.commitment_verify)
            apply_transition(COMMITMENT, commitment, "fulfil", actor=actor, updates={"reported_at": timezone.now()})
    return commitment


def commitment_sweep(*, on: dt.date | None = None) -> dict[str, int]:
    """Remind before and escalate after the commitment deadline (measure I.3). Exactly once per commitment:
    the reminder is claimed by a conditional UPDATE, the escalation is the declared `escalate` (a conditional
    UPDATE on state and version: a second run, or a concurrent one, finds nothing left to do)."""
    on = on or today()
    remind_days = _days("licensing.commitment_remind_days", on)
    reminded = escalated = 0
    for c in Commitment.objects.filter(status=Commitment.Status.SIGNED, reminded_on__isnull=True,
                                       deadline__gte=on).select_related("application"):
        if add_working_days(on, remind_days).date < c.deadline:  # type: ignore[operator]
            continue
        with transaction.atomic():
            if Commitment.objects.filter(pk=c.pk, reminded_on__isnull=True).update(reminded_on=on):
                record_history(c, actor=None, action="remind", label="到期前提醒企业补交",
                               note=f"承诺期限 {c.deadline:%Y-%m-%d}")  # type: ignore[union-attr]
                _tell_applicant(c.application, "容缺承诺即将到期",
                                f"请于 {c.deadline:%Y-%m-%d} 前补交：{c.missing_text}")  # type: ignore[union-attr]
                reminded += 1
    for c in Commitment.objects.filter(status=Commitment.Status.SIGNED, deadline__lt=on).select_related(
            "application", "application__item", "application__enterprise"):
        c.as_of = on  # the guard reads the deadline against the day the sweep runs for
        try:
            with transaction.atomic():
                apply_transition(COMMITMENT, c, "escalate", actor=None,
                                 note=f"承诺期限 {c.deadline:%Y-%m-%d}，未补交：{c.missing_text}",  # type: ignore[union-attr]
                                 updates={"escalated_on": on})
                app = c.application
                staff = User.objects.filter(is_active=True, roles__code__in=["licensing_officer", "leader"],
                                            organisation__region_id=(settings.CITY_REGION_CODE if app.level == "city"
                                                                     else app.region_id)).distinct()
                notify(staff, f"【容缺承诺逾期】{app.number} {app.enterprise.name}",
                       "请督促补交材料，逾期不补的依法撤销许可并记入信用记录。", _url(app))
                _tell_applicant(app, "容缺承诺已逾期", "请立即补交材料，否则将依法撤销许可并记入信用记录。")
        except DomainError:  # a Conflict: escalated meanwhile by a concurrent run, or fulfilled
            continue
        escalated += 1
    return {"reminded": reminded, "escalated": escalated}


def recompute_provisional(*, on: dt.date | None = None) -> int:
    """Deadline recomputer: open applications with provisional dates after a calendar year is entered."""
    changed = 0
    for app in Application.objects.filter(due_provisional=True, state__in=OPEN_STATES).select_related("item") \
            .prefetch_related("pause_rows").iterator(chunk_size=500):
        before = (app.due_on, app.decision_due, app.due_provisional)
        refresh_clock(app, on=on)
        if before != (app.due_on, app.decision_due, app.due_provisional):
            changed += 1
    return changed

