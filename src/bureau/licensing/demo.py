"""Demo data of licensing: the bureau's permit items and applications in every state, built through the
services (so history, notices and certificates are real), then spread over recent weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.certificates.models import HELD_STATUSES
from bureau.kernel.registry import register_demo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _files(item: Any, skip: set[str] = frozenset()) -> dict[int, Any]:  # type: ignore[assignment]
    return {m.pk: demo_pdf(f"{m.name}.pdf") for m in item.materials.all()
            if m.requirement != "shared" and m.requirement not in skip}


def _shift(app: Any, days: int) -> None:
    """Move an application's dates back by `days` calendar days (demo realism)."""
    from bureau.licensing.models import Application
    from bureau.licensing.services import refresh_clock

    app = Application.objects.select_related("item").prefetch_related("pause_rows").get(pk=app.pk)
    delta = dt.timedelta(days=days)
    fields: dict[str, Any] = {"submitted_on": app.submitted_on - delta, "submitted_at": app.submitted_at - delta}
    if app.accepted_on:
        fields["accepted_on"] = app.accepted_on - delta
    Application.objects.filter(pk=app.pk).update(**fields)
    app.refresh_from_db()
    refresh_clock(app)


def _enterprise_user(enterprise: Any, enterprise_role: Any) -> Any:
    from bureau.accounts.models import User

    user = User.objects.filter(username=f"demo_ent_{enterprise.pk}").first()
    if user is None:
        user = User(username=f"demo_ent_{enterprise.pk}", real_name=f"企业 {enterprise.contact_name}",
                    enterprise=enterprise)
        user.set_unusable_password()
        user.save()
        user.roles.set([enterprise_role])
    return user


def _existing_licence(enterprise: Any, type_code: str, *, ends_in_days: int) -> Any:
    """A licence the enterprise was granted about three years ago, ending in `ends_in_days` days."""
    from bureau.accounts.models import User
    from bureau.certificates import services as certificates
    from bureau.certificates.rules import add_months

    start = add_months(certificates.today() + dt.timedelta(days=ends_in_days + 1), -36)
    return certificates.certificate_issue(actor=User.objects.get(username="admin"), type_code=type_code,
                                          holder_name=enterprise.name, issuing_authority="运城市应急管理局",
                                          valid_from=start, enterprise=enterprise,
                                          scope_text=enterprise.business_scope[:100] or enterprise.get_industry_display())


def _lifecycle_demo(s: Any, items: dict[str, Any], *, officer: Any, leader: Any, enterprise_role: Any) -> None:
    """Issue 15: a 变更 (the licence keeps its number and validity, version 2, version 1 superseded) and a 延期 (the
    same licence continued for three more years, version 2), both decided online with signed e-licences."""
    from bureau.accounts.models import User
    from bureau.certificates import services as certificates
    from bureau.enterprises.models import Enterprise
    from bureau.enterprises.services import enterprise_save

    qiye = User.objects.get(username="qiye")
    changed = (Enterprise.objects.filter(industry="hazchem_operation").exclude(users=qiye).order_by("id")[0])
    held = _existing_licence(changed, "hazchem_operation_licence", ends_in_days=700)
    certificates.certificate_document(actor=None, certificate=held)  # its version 1 was downloaded (signed PDF)
    # the principal changed in the enterprise register (市场监管 data), then the licence is amended to match
    old_principal = changed.legal_representative
    changed.legal_representative = ("韩" if old_principal.startswith("郭") else "郭") + old_principal[1:]
    enterprise_save(actor=User.objects.get(username="admin"), enterprise=changed, changed=["legal_representative"])
    user = _enterprise_user(changed, enterprise_role)
    change = s.application_submit(actor=user, item=items["hazchem_operation_change"],
                                  files=_files(items["hazchem_operation_change"]),
                                  description=f"主要负责人由{old_principal}变更为{changed.legal_representative}")
    s.application_decide_instant(actor=officer, application=change, note="变更材料齐全，当场办结。")

    extended = Enterprise.objects.filter(industry="hazchem_production").order_by("id")[0]
    held = _existing_licence(extended, "safety_production_licence", ends_in_days=100)  # applied 3 months ahead
    certificates.certificate_document(actor=None, certificate=held)
    user = _enterprise_user(extended, enterprise_role)
    extension = s.application_submit(actor=user, item=items["aqsc_extension"], files=_files(items["aqsc_extension"]),
                                     scope_text=extended.business_scope[:100],
                                     description="有效期内未发生死亡事故，申请延期（安全生产许可证条例 第9条）")
    s.application_accept(actor=officer, application=extension)
    extension.refresh_from_db()
    if extension.site_required:
        s.application_site_verify(actor=officer, application=extension, result="安全生产条件未发生变化，符合延期条件。")
    s.application_propose(actor=officer, application=extension, proposal="grant",
                          reason="有效期内未发生死亡事故，安全生产条件未降低，拟准予延期3年。")
    s.application_grant(actor=leader, application=extension, note="同意延期。")


@register_demo("licensing", order=30)
def load(ctx: Any) -> None:
    from bureau.accounts.models import Role, User
    from bureau.enterprises.models import Enterprise
    from bureau.licensing import services as s
    from bureau.licensing.models import PermitItem
    from bureau.licensing.reference import seed_items

    seed_items()
    rng = ctx.rng
    items = {i.code: i for i in PermitItem.objects.all()}
    officer = User.objects.get(username="city_licensing")
    leader = User.objects.get(username="city_leader")
    qiye = User.objects.get(username="qiye")
    coal = User.objects.get(username="qiye_coal")
    linyi = User.objects.get(username="qiye_linyi")
    energy = User.objects.get(username="energy_dept")
    linyi_officer = User.objects.get(username="linyi_licensing")
    enterprise_role = Role.objects.get(code="enterprise")

    # 河东化工 (qiye): a granted licence, a 容缺 acceptance with a signed commitment, one waiting for intake.
    granted = s.application_submit(actor=qiye, item=items["hazchem_operation"], files=_files(items["hazchem_operation"]),
                                   scope_text="甲醇、乙醇、丙酮、硫酸（不带储存设施）")
    s.application_accept(actor=officer, application=granted)
    granted.refresh_from_db()
    s.application_site_verify(actor=officer, application=granted, result="经营场所、安全管理制度与申请材料一致，符合条件。")
    s.application_propose(actor=officer, application=granted, proposal="grant", reason="材料齐全，现场核查合格。")
    s.application_grant(actor=leader, application=granted, note="同意。")

    tolerated = s.application_submit(actor=qiye, item=items["hazchem_use"],
                                     files=_files(items["hazchem_use"], skip={"tolerable"}),
                                     scope_text="硫酸、盐酸使用")
    s.application_accept_tolerated(actor=officer, application=tolerated, note="主要材料齐全，次要材料容缺受理。")
    c = tolerated.commitment
    s.commitment_sign(actor=qiye, commitment=c, deadline=min(c.latest_deadline, s.today() + dt.timedelta(days=10)),
                      preventive_measures="暂停涉及特种作业的工序，由持证人员临时顶岗。",
                      rectification_plan="两周内组织特种作业人员复审并补交操作证；应急预案完成备案后补交证明。")
    s.application_submit(actor=qiye, item=items["hazchem_operation_change"],
                         files=_files(items["hazchem_operation_change"]), description="变更主要负责人")

    _lifecycle_demo(s, items, officer=officer, leader=leader, enterprise_role=enterprise_role)

    # 鑫源煤业 (qiye_coal): capacity increase in parallel review, the energy department has not answered yet.
    capacity = s.application_submit(actor=coal, item=items["coal_capacity_increase"],
                                    files=_files(items["coal_capacity_increase"]),
                                    scope_text="核定生产能力由120万吨/年核增至150万吨/年")
    s.application_accept(actor=officer, application=capacity)
    _shift(capacity, 9)
    bureau_opinion = capacity.opinions.get(organisation__code="YC-CITY")
    s.opinion_give(actor=officer, opinion=bureau_opinion, conclusion="agree", text="安全设施设计与产能核增报告同步编制，初审通过。")
    _ = energy  # the energy department's opinion is left open for the demo journey

    # 临猗 fireworks retail (county level): waiting for intake at the county bureau.
    retail = s.application_submit(actor=linyi, item=items["fireworks_retail"], files=_files(items["fireworks_retail"]),
                                  scope_text="烟花爆竹零售（C、D级）")
    _shift(retail, 3)
    _ = linyi_officer

    # Other enterprises: a spread of states and ages for the queue (overdue, due soon, running).
    codes = ["hazchem_operation", "aqsc_first", "aqsc_extension", "fireworks_wholesale", "hazchem_project_condition",
             "noncoal_project_design", "hazchem_use"]
    industries = {"hazchem_operation": "hazchem_operation", "aqsc_first": "non_coal_mine",
                  "aqsc_extension": "hazchem_production", "fireworks_wholesale": "fireworks",
                  "hazchem_project_condition": "hazchem_production", "noncoal_project_design": "non_coal_mine",
                  "hazchem_use": "hazchem_use"}
    for n in range(24):
        code = codes[n % len(codes)]
        item = items[code]
        # an enterprise that does not hold the licence yet (one held is changed or extended, never issued again)
        pool = Enterprise.objects.filter(industry=industries[code]).order_by("id")
        if item.certificate_type:
            pool = pool.exclude(certificates__type__code=item.certificate_type,
                                certificates__status__in=HELD_STATUSES)
        enterprise = pool[n // len(codes)]
        user = _enterprise_user(enterprise, enterprise_role)
        if item.certificate_action == "extension":
            # its licence ends within the three months in which the 延期 is applied for (安全生产许可证条例 第9条)
            _existing_licence(enterprise, item.certificate_type, ends_in_days=rng.randrange(95, 150))
        app = s.application_submit(actor=user, item=items[code], files=_files(items[code]),
                                   scope_text=enterprise.business_scope)
        step = rng.random()
        if step < 0.25:
            _shift(app, rng.randrange(0, 9))
            continue
        if step < 0.35:
            s.application_request_correction(actor=officer, application=app, material_ids=[],
                                             note="安全评价报告缺少评价机构签章页，请补正。")
            continue
        s.application_accept(actor=officer, application=app)
        app.refresh_from_db()
        if step > 0.75 and not app.item.needs_expert_review:
            if app.site_required:
                s.application_site_verify(actor=officer, application=app, result="现场核查合格。")
            s.application_propose(actor=officer, application=app, proposal="grant", reason="符合条件。")
            if step > 0.85:
                s.application_grant(actor=leader, application=app, note="同意。")
        _shift(app, rng.randrange(1, 30))
