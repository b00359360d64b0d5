"""Demo data of licensing: the bureau's permit items and applications in every state, built through the
services (so history, notices and certificates are real), then spread over recent weeks."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.certificates.models import HELD_STATUSES
from bureau.feedback.services import rating_submit
from bureau.kernel.registry import register_demo

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def demo_pdf(name: str = "材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _files(item: Any, skip: set[str] = frozenset()) -> dict[int, Any]:  # type: ignore[assignment]
    return {m.pk: demo_pdf(f"{m.name}.pdf") for m in item.materials.all()
            if m.requirement != "shared" and not m.generated and m.requirement not in skip}


def _form(item: Any, enterprise: Any, **values: str) -> dict[str, str]:
    """A realistic 申请书: the register's values where it holds them (pre-filled by the server), plausible ones
    for the rest; `values` override."""
    from bureau.licensing.form_fields import register_value, specs_of

    site = enterprise.address or f"山西省运城市{enterprise.region.name}"
    sample = {"scope": enterprise.business_scope or "按申请书所附品名清单", "principal": enterprise.legal_representative,
              "safety_staff": "2", "site_address": site, "address": site, "contact_name": "李丽娟",
              "contact_phone": "0359-2021234", "employees": "36", "change_kind": "主要负责人",
              "before": "主要负责人：王建国", "after": "主要负责人：李建国", "reason": "公司董事会换届",
              "project_name": f"{enterprise.name}储罐区改造项目", "project_address": site, "nature": "改建",
              "investment": "860", "agency": "山西晋安安全评价有限公司", "licence_number": "（晋）FM安许证字〔2024〕0312",
              "valid_until": "2027-03-31", "current_capacity": "120", "requested_capacity": "150"}
    form = {}
    for spec in specs_of(item):
        if spec.register_field and register_value(enterprise, spec.register_field):
            continue
        form[spec.key] = sample.get(spec.key) or (spec.choices[0] if spec.choices else "详见附件")
    return form | values


def _submit(actor: Any, item: Any, *, enterprise: Any = None, skip: set[str] = frozenset(),  # type: ignore[assignment]
            partial_renovation: bool = False, **values: str) -> Any:
    from bureau.licensing.intake import application_submit

    target = enterprise or actor.enterprise
    description = values.pop("description", "")
    return application_submit(actor=actor, item=item, files=_files(item, skip), form=_form(item, target, **values),
                              description=description, partial_renovation=partial_renovation)


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


def _newcomer(like: Any, name: str, serial: int) -> Any:
    """A newly registered enterprise of the same industry and county as `like` (the demo's existing ones all hold
    their licences already): the applicant of a first licence in the review demos."""
    from bureau.enterprises.models import Enterprise
    from bureau.kernel.identifiers import make_uscc

    uscc = make_uscc(f"91{like.region_id}MA0D{serial:05d}")
    existing = Enterprise.objects.filter(uscc=uscc).first()
    if existing is not None:
        return existing
    twin = Enterprise.objects.get(pk=like.pk)
    twin.pk = None
    twin.id = None
    twin.name, twin.uscc, twin.checkin_token = name, uscc, ""  # a new 入企码 on save
    twin.save()
    return twin


def _not_holding(enterprises: Any, item: Any) -> Any:
    """The enterprises that do not hold the item's licence yet (one held is changed or extended, never issued again)."""
    if not item.certificate_type:
        return enterprises
    return enterprises.exclude(certificates__type__code=item.certificate_type, certificates__status__in=HELD_STATUSES)


def _enterprise_user(enterprise: Any, enterprise_role: Any = None) -> Any:
    from bureau.accounts.models import Role, User

    user = User.objects.filter(username=f"demo_ent_{enterprise.pk}").first()
    if user is None:
        user = User(username=f"demo_ent_{enterprise.pk}", real_name=f"企业 {enterprise.contact_name}",
                    enterprise=enterprise)
        user.set_unusable_password()
        user.save()
        user.roles.set([enterprise_role or Role.objects.get(code="enterprise")])
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
    change = _submit(user, items["hazchem_operation_change"], change_kind="主要负责人", before=old_principal,
                     after=changed.legal_representative,
                     description=f"主要负责人由{old_principal}变更为{changed.legal_representative}")
    s.application_decide_instant(actor=officer, application=change, note="变更材料齐全，当场办结。")

    extended = Enterprise.objects.filter(industry="hazchem_production").order_by("id")[0]
    held = _existing_licence(extended, "safety_production_licence", ends_in_days=100)  # applied 3 months ahead
    certificates.certificate_document(actor=None, certificate=held)
    user = _enterprise_user(extended, enterprise_role)
    extension = _submit(user, items["aqsc_extension"], scope=extended.business_scope[:100] or "危险化学品生产",
                        licence_number=held.number, valid_until=held.valid_until.isoformat(),
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
    # (the register says 王建国 / 河东东街188号, the market regulator's licence 李建国 / 88号: every application of
    # 河东化工 shows the 需核验 rows to the officer)
    granted = _submit(qiye, items["hazchem_operation"], scope="甲醇、乙醇、丙酮、硫酸（不带储存设施）")
    s.application_accept(actor=officer, application=granted)
    granted.refresh_from_db()
    s.application_site_verify(actor=officer, application=granted, result="经营场所、安全管理制度与申请材料一致，符合条件。")
    s.application_propose(actor=officer, application=granted, proposal="grant", reason="材料齐全，现场核查合格。")
    s.application_grant(actor=leader, application=granted, note="同意。")
    # 好差评: qiye rates the granted licence 不满意 with its 差评原因 (国办发〔2019〕51号); the real-name bad rating
    # opens a follow-up (整改) for the licensing section, which shows the reasons
    granted.refresh_from_db()
    rating_submit(actor=qiye, service_type="licensing.application", service_id=str(granted.pk),
                  service_label=f"行政许可：{granted.item.name}（{granted.number}）", level=2,
                  region_id=granted.region_id, organisation=s.authority_of(granted),
                  reasons=["not_told_at_once", "slow"],
                  comment="储存设施评价报告第一次提交时没有告知要盖评价机构公章，补正了两次，多用了一周。")

    tolerated = _submit(qiye, items["hazchem_project_condition"], skip={"tolerable"},
                        project_name="河东化工甲醇储罐区安全改造项目")
    s.application_accept_tolerated(actor=officer, application=tolerated, note="主要材料齐全，次要材料容缺受理。")
    c = tolerated.commitment
    s.commitment_sign(actor=qiye, commitment=c, deadline=min(c.latest_deadline, s.today() + dt.timedelta(days=10)),
                      preventive_measures="暂停涉及特种作业的工序，由持证人员临时顶岗。",
                      rectification_plan="两周内组织特种作业人员复审并补交操作证；应急预案完成备案后补交证明。")
    _submit(qiye, items["hazchem_operation_change"], description="变更主要负责人")  # YCXK2026000003, left open

    _lifecycle_demo(s, items, officer=officer, leader=leader, enterprise_role=enterprise_role)

    # 鑫源煤业 (qiye_coal): capacity increase in parallel review, the energy department has not answered yet.
    capacity = _submit(coal, items["coal_capacity_increase"], scope="核定生产能力由120万吨/年核增至150万吨/年")
    s.application_accept(actor=officer, application=capacity)
    _shift(capacity, 9)
    bureau_opinion = capacity.opinions.get(organisation__code="YC-CITY")
    s.opinion_give(actor=officer, opinion=bureau_opinion, conclusion="agree", text="安全设施设计与产能核增报告同步编制，初审通过。")
    _ = energy  # the energy department's opinion is left open for the demo journey

    # 临猗 fireworks retail (county level): waiting for intake at the county bureau.
    retail = _submit(linyi, items["fireworks_retail"], scope="烟花爆竹零售（C、D级）")
    _shift(retail, 3)
    _ = linyi_officer

    # A draft of 河东化工 (no number, no clock, in no queue).
    from bureau.licensing.intake import application_submit, draft_save

    draft_save(actor=qiye, item=items["hazchem_project_design"],
               form={"project_name": "河东化工甲醇储罐区安全改造项目", "nature": "改建"},
               files={}, description="安全设施设计专篇正在修改，完成后提交")
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
        pool = _not_holding(Enterprise.objects.filter(industry=industries[code]), item).order_by("id")
        enterprise = pool[n // len(codes)]
        user = _enterprise_user(enterprise, enterprise_role)
        if item.certificate_action == "extension":
            # its licence ends within the three months in which the 延期 is applied for (安全生产许可证条例 第9条)
            _existing_licence(enterprise, item.certificate_type, ends_in_days=rng.randrange(95, 150))
        app = _submit(user, item)
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
        if step > 0.75 and not app.item.needs_expert_review and app.fast_track != "joint_completion":
            if app.site_required:
                s.application_site_verify(actor=officer, application=app, result="现场核查合格。")
            s.application_propose(actor=officer, application=app, proposal="grant", reason="符合条件。")
            if step > 0.85:
                s.application_grant(actor=leader, application=app, note="同意。")
        _shift(app, rng.randrange(1, 30))

    # A 窗口代办: the city window applies for a fireworks wholesaler with its 授权委托书 (and no application of
    # that item already in progress for it).
    from bureau.licensing.intake import in_progress

    window = User.objects.get(username="window")
    wholesale = items["fireworks_wholesale"]
    fireworks = _not_holding(Enterprise.objects.filter(industry="fireworks"), wholesale).order_by("id")
    client = next(e for e in [*fireworks.filter(sub_sector="fireworks_wholesale"), *fireworks]
                  if in_progress(wholesale, e) is None)
    application_submit(actor=window, item=wholesale, enterprise=client, files=_files(wholesale),
                       form=_form(wholesale, client, scope="烟花爆竹批发（A、B、C、D级）"),
                       authorisation=demo_pdf("授权委托书.pdf"), proxy_agent=f"{client.legal_representative}（法定代表人）")


@register_demo("licensing_review", order=45)  # after the inspection demo (its checklists and inspectors)
def load_review(ctx: Any) -> None:
    """Measures I.3, I.6, I.7 in the demo: a 容缺 found in review fulfilled and verified, one overdue with its
    consequences, a joint check with its signed inspection record and the handover, a special-evaluation filing."""
    from bureau.accounts.models import User
    from bureau.enterprises.models import Enterprise
    from bureau.inspection import services as insp
    from bureau.licensing import joint_check, special_paths, tolerance
    from bureau.licensing import services as s
    from bureau.licensing.models import Commitment, PermitItem

    items = {i.code: i for i in PermitItem.objects.all()}
    officer = User.objects.get(username="city_licensing")
    leader = User.objects.get(username="city_leader")
    today = s.today()

    def site_checked(enterprise: Any, code: str, finding: str) -> tuple[Any, Any, Any]:
        user = _enterprise_user(enterprise)
        app = _submit(user, items[code], scope=enterprise.business_scope or items[code].name)
        s.application_accept(actor=officer, application=app)
        s.application_site_verify(actor=officer, application=app, result=f"现场核查发现：{finding}")
        c = tolerance.review_tolerance_open(actor=officer, application=app, found_in="site", problems=finding)
        return app, c, user

    fireworks = list(_not_holding(Enterprise.objects.filter(industry="fireworks", region_id__isnull=False),
                                  items["fireworks_wholesale"]).order_by("-id")[:2])
    like = Enterprise.objects.filter(industry="fireworks", region_id__isnull=False).order_by("id").first()
    if len(fireworks) < 2 and like is not None:
        fireworks = [_newcomer(like, "运城市安达烟花爆竹批发有限公司", 1), _newcomer(like, "运城市鑫盛烟花爆竹贸易有限公司", 2)]
    if len(fireworks) == 2:
        # kept: reported with photos, sent back once with reasons, then verified
        app, c, user = site_checked(fireworks[0], "fireworks_wholesale",
                                    "1. 仓库防雷设施检测报告过期；2. 库区视频监控存在盲区")
        s.commitment_sign(actor=user, commitment=c, deadline=today + dt.timedelta(days=20),
                          preventive_measures="整改完成前雷雨天气停止出入库作业，库区增加人员巡查",
                          rectification_plan="委托检测机构重新检测防雷设施；增设2路监控摄像机")
        s.application_propose(actor=officer, application=app, proposal="grant", reason="问题可限期整改，企业已承诺，先行许可")
        s.application_grant(actor=leader, application=app, note="同意先行许可。")
        c.refresh_from_db()
        tolerance.commitment_report(actor=user, commitment=c, text="防雷检测已完成；监控已增设",
                                    files=[demo_pdf("防雷检测报告.pdf")])
        tolerance.commitment_verify(actor=officer, commitment=c, passed=False, note="监控画面未接入值班室，请完善后再报")
        tolerance.commitment_report(actor=user, commitment=c, text="监控画面已接入值班室", files=[demo_pdf("整改照片.pdf")])
        tolerance.commitment_verify(actor=officer, commitment=c, passed=True, note="现场复核，整改到位")
        # overdue: granted first, the deadline passed without a report → supervision task, credit record, proposal
        app, c, user = site_checked(fireworks[1], "fireworks_wholesale", "1. 库房之间防火间距不足；2. 消防水池容量不足")
        s.commitment_sign(actor=user, commitment=c, deadline=today + dt.timedelta(days=5),
                          preventive_measures="压减库存至核定量的一半", rectification_plan="一个月内增设防火墙、扩建消防水池")
        s.application_propose(actor=officer, application=app, proposal="grant", reason="问题可限期整改，企业已承诺，先行许可")
        s.application_grant(actor=leader, application=app, note="同意先行许可。")
        Commitment.objects.filter(pk=c.pk).update(deadline=today - dt.timedelta(days=21))
        s.commitment_sweep(on=today)
        tolerance.consequence_sweep(on=today)

    # I.6: the joint visit of a 危化使用 first licence as an inspection record, signed; approval hands over
    users = {u.username: u for u in User.objects.filter(username__in=["city_inspector", "city_inspector2"])}
    user_enterprise = (_not_holding(Enterprise.objects.filter(industry="hazchem_use"), items["hazchem_use"])
                       .order_by("-id").first())
    like = Enterprise.objects.filter(industry="hazchem_use").order_by("id").first()
    if user_enterprise is None and like is not None:
        user_enterprise = _newcomer(like, "运城市恒泰精细化工有限公司", 3)
    if user_enterprise is not None and len(users) == 2:
        user = _enterprise_user(user_enterprise)
        app = _submit(user, items["hazchem_use"], scope="硫酸、液氨使用（竣工验收与首次许可合并检查）")
        s.application_accept(actor=officer, application=app)
        team = [users["city_inspector"], users["city_inspector2"]]
        inspection = joint_check.joint_check_open(actor=officer, application=app, officers=team)
        insp.inspection_check_in(actor=team[0], inspection=inspection)
        for n, item in enumerate(inspection.items()):
            insp.inspection_record_item(actor=team[0], inspection=inspection, item=item,
                                        outcome="finding" if n == 1 else "compliant",
                                        note="液氨储罐区未设置泄漏报警装置" if n == 1 else "")
        insp.inspection_finish(actor=team[0], inspection=inspection, summary="竣工验收与许可现场核查合并进行",
                               deadline=today + dt.timedelta(days=15))
        for signer in (*team, user):
            insp.inspection_sign(actor=signer, inspection=inspection)
        joint_check.joint_check_conclude(actor=officer, application=app)
        s.application_propose(actor=officer, application=app, proposal="grant", reason="联合检查发现的问题已责令限期整改")
        s.application_grant(actor=leader, application=app, note="同意。")

    # I.7: a gas station's partial renovation filed after its special evaluation
    station = Enterprise.objects.filter(industry="gas_station").order_by("id").first()
    if station is not None:
        user = _enterprise_user(station)
        filing = items["gas_station_special_evaluation"]
        app = _submit(user, filing, partial_renovation=True, scope="更换两台加油机及油气回收管线，加油站等级不变",
                      station_grade="二级", agency="山西安泰安全评价有限公司",
                      report_date=(today - dt.timedelta(days=12)).isoformat())
        s.application_accept(actor=officer, application=app)
        special_paths.application_file(actor=officer, application=app, note="专项评价报告结论明确，予以备案")
