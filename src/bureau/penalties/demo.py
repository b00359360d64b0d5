"""Demo data of the penalties area: the benchmark demo set (real rows, versioned) and cases at every step in
盐湖区 — a notice waiting for qiye's statement (and its 签收 on the platform), a self-inspection exemption closed with a no-penalty decision,
a closed fine with its reasoning and execution record, a case under investigation, a fine of qiye served and
not paid past its payment deadline, a fine paid (已执行) waiting for closure, a hearing scheduled (听证通知书), a
major case decided after the leaders' collective discussion (集体讨论记录), an overdue fine with its 履行催告书 and
the party's statement against it awaiting review, a reminder qiye may answer online, a fine enforced through
the court (强制执行申请书) after the litigation period, the 法制审核 (行政处罚法 第58条) of the fines it lists before
their decision, and a statement partly adopted (第45条) with its case waiting for the 法制审核."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.accounts.models import Organisation, OrganisationKind
from bureau.enterprises.models import CreditEvent
from bureau.kernel.documents import Fields, Para, Spec, render_pdf
from bureau.kernel.registry import register_demo
from bureau.penalties import rules as penalty_rules
from bureau.penalties.models import DecisionPublication, PaymentAccount
from bureau.penalties.publishing import publication_due, publish_due

DATA_DIR = Path(__file__).resolve().parent / "data"
DATA = DATA_DIR / "benchmark-demo.csv"


def benchmark_files() -> list[Path]:
    """The CSVs the demo loads, in order: the demo set, then the statutory ranges (`statutory-ranges.csv`), then every
    other `benchmark-*.csv` (e.g. the national 应急〔2024〕90号 rows). A later file's version replaces the same version
    of an earlier one (the import replaces a version whole), so the official files supersede the demo's rows of the
    same version (法定幅度, 应急〔2024〕90号)."""
    others = sorted(p for p in DATA_DIR.glob("benchmark-*.csv") if p != DATA)
    statutory = DATA_DIR / "statutory-ranges.csv"
    return [DATA, *([statutory] if statutory.exists() else []), *others]


def load_benchmark(actor: Any = None) -> int:
    from bureau.penalties import services

    return sum(services.benchmark_import(actor=actor, data=path.read_bytes(), filename=path.name)
               for path in benchmark_files())


# how fines are paid per deciding authority (行政处罚法 第67条): demo values — the 执收单位编码 and accounts are the
# finance bureau's, entered by the administrator from the non-tax revenue system
def seed_payment_accounts() -> int:
    """A payment account for every bureau that decides fines (city, counties, the development zone)."""
    added = 0
    for org in Organisation.objects.filter(kind__in=[OrganisationKind.CITY_BUREAU, OrganisationKind.COUNTY_BUREAU,
                                                     OrganisationKind.ZONE]).select_related("region"):
        if PaymentAccount.objects.filter(organisation=org).exists():
            continue
        place = org.region.name if org.region is not None and org.kind != OrganisationKind.CITY_BUREAU else "运城市"
        digits = "".join(ch for ch in (org.region_id or "140899") if ch.isdigit())
        PaymentAccount.objects.create(
            organisation=org, payee=f"{place}财政局（非税收入汇缴结算户）", collector_code=f"{digits}017",
            bank="中国工商银行运城分行营业部", account_number=f"0508{digits}0000017",
            channels="山西省非税收入电子缴款平台（网上、手机银行）或代理银行网点柜台，凭缴款码缴纳",
            source="《中华人民共和国行政处罚法》第六十七条；执收单位编码和账户以财政部门核定为准（演示数据）",
            effective_from=dt.date(2024, 1, 1))
        added += 1
    return added


def demo_voucher(case: Any, paid_on: dt.date) -> Any:
    """A 缴款凭证 as the bank's electronic receipt would look (a PDF drawn with the document machinery)."""
    pdf = render_pdf(Spec(title="山西省非税收入电子缴款凭证", authority="中国工商银行运城分行", blocks=[
        Fields([("缴款人", case.enterprise.name), ("缴款码", case.payment_code or "—"),
                ("金额", penalty_rules.yuan(case.decided_amount or 0)), ("缴款日期", f"{paid_on:%Y-%m-%d}"),
                ("收款单位", "财政局（非税收入汇缴结算户）")]),
        Para("本凭证由代理银行电子缴款系统生成（演示）。")]))
    return SimpleUploadedFile("缴款凭证.pdf", pdf, content_type="application/pdf")


@register_demo("penalties", order=60)
def load(ctx: Any) -> None:
    from bureau.accounts import roles as R
    from bureau.accounts.models import Organisation, Role, User
    from bureau.enterprises.models import Enterprise, Industry
    from bureau.hazards.services import hazard_plan, hazard_report
    from bureau.kernel.errors import DomainError
    from bureau.kernel.management.commands.demo_load import demo_account
    from bureau.penalties import services
    from bureau.penalties.models import Case

    load_benchmark()
    seed_payment_accounts()
    head = User(username="zhidui_head", real_name="执法支队 吴队长", title="支队长",
                organisation=Organisation.objects.get(code="YC-S-ZD"))
    head.password = User.objects.get(username="city_inspector").password
    head.save()
    head.roles.set([Role.objects.get(code=R.SECTION_HEAD)])
    demo_account("zhidui_head", "市局执法支队负责人（案件审理）")

    users = {u.username: u for u in User.objects.filter(username__in=[
        "yanhu_inspector", "yanhu_inspector2", "yanhu_leader", "qiye"])}
    officer, officer2, leader = users["yanhu_inspector"], users["yanhu_inspector2"], users["yanhu_leader"]
    qiye_enterprise = users["qiye"].enterprise
    if qiye_enterprise is None:
        raise DomainError("演示账号 qiye 未关联企业，请先载入企业演示数据")
    today = timezone.localdate()
    others = list(Enterprise.objects.filter(region_id="140802", industry=Industry.METALLURGY_TRADE)
                  .exclude(pk=qiye_enterprise.pk).order_by("id")[:7])
    # 盐湖区's leaders and the head of its legal section: the collective discussion (行政处罚法 第57条第2款) and a
    # hearing host who is not an investigator (第64条)
    yanhu = Organisation.objects.get(code="YC-140802")
    for username, name, title, role, note in (
            ("yanhu_head", "赵明", "局长", R.LEADER, "盐湖区局长（主持集体讨论）"),
            ("yanhu_fazhi", "刘建国", "法制审核股股长", R.SECTION_HEAD, "盐湖区法制审核股负责人（集体讨论、听证主持）"),
            ("yanhu_fazhi2", "王敏", "法制审核股科员", R.INSPECTOR, "盐湖区法制审核股科员（听证记录员）")):
        person = User(username=username, real_name=name, title=title, organisation=yanhu)
        person.password = head.password
        person.save()
        person.roles.set([Role.objects.get(code=role)])
        demo_account(username, note)
    chief, fazhi = User.objects.get(username="yanhu_head"), User.objects.get(username="yanhu_fazhi")
    legal = User.objects.get(username="yanhu_legal")  # 盐湖区's 法制审核人员 (行政处罚法 第58条), foundation demo
    clerk = User.objects.get(username="yanhu_fazhi2")

    def inspection_case(enterprise: Any, title: str, description: str, violation_code: str = "") -> Any:
        hazard = hazard_report(actor=officer, enterprise=enterprise, source="inspection", title=title,
                               description=description, found_on=today, legal_basis="安全生产法",
                               violation_code=violation_code, deadline=today + dt.timedelta(days=15))
        return services.case_open(actor=officer, enterprise=enterprise, hazard=hazard, second_officer=officer2)

    def delivered(case: Any, *kinds: str, on: dt.date | None = None) -> None:
        """The notices of a case older than the demo were served by hand when issued (直接送达, recorded by the
        officer), so only the current ones wait for the party's 签收 on the platform."""
        from bureau.inspection.models import DocumentService
        from bureau.inspection.services import service_serve_otherwise

        for service in DocumentService.objects.filter(document__content_type__model="case", state="pending",
                                                      document__object_id=case.pk, document__kind__in=kinds):
            service_serve_otherwise(actor=officer, service=service, method="直接送达", served_on=on or today,
                                    earliest=on or today)

    def evidence(case: Any, text: str) -> None:
        services.evidence_add(actor=officer, case=case, kind="inquiry_record", recorded_on=today,
                              place=case.enterprise.address or case.enterprise.name, content=text,
                              officers=[officer, officer2])

    def propose(case: Any, code: str, amount: int, *, quantity: int | None = None, circumstances: tuple[str, ...] = (),
                highest: bool = False) -> None:
        """The officer records the facts of the benchmark row (the quantity, or for a violation whose rows were
        replaced by an official file, the facts of its lowest or highest 阶次) and proposes `amount` (kept within the
        band the facts select)."""
        facts: list[str] = []
        rows = [r for r in services.benchmark_rows(code, case.filed_on)
                if r.stage == "order" and r.target == "unit" and r.tier not in ("exempt", "statutory")]
        if rows and (quantity is None or not any(penalty_rules.quantity_fits(r, Decimal(quantity)) for r in rows)):
            row = sorted(rows, key=lambda r: (r.tier_rank, r.tier))[-1 if highest else 0]
            facts = list(row.facts)
            if row.quantity_unit:
                low = row.quantity_min if row.quantity_min is not None else Decimal(0)
                quantity = int(low) + (0 if row.min_inclusive and low else 1)
                if row.quantity_max is not None and not penalty_rules.quantity_fits(row, Decimal(quantity)):
                    quantity = int(row.quantity_max)
        preview = services.proposal_compute(violation_code=code, circumstances=list(circumstances), on=case.filed_on,
                                            quantity=quantity, facts=facts,
                                            history=services.offence_history(case, violation_code=code))
        amount = min(max(amount, preview.amount_min), preview.amount_max)
        services.case_propose(actor=officer, case=case, violation_code=code, circumstances=list(circumstances),
                              amount=amount, quantity=quantity, facts=facts)

    # 1. qiye: a notice waiting for the enterprise's statement (特种作业人员无证上岗)
    case = inspection_case(qiye_enterprise, "特种作业人员未取得相应资格上岗作业",
                           "检查发现储罐区动火作业的焊工1名未取得特种作业操作证即上岗作业。")
    evidence(case, "问：焊工王某是否持有特种作业操作证？答：正在办理，尚未取得。")
    # the facts select the national row 应急〔2024〕90号 (26) 阶次A 「有1人次」 (≤ 30,000 yuan); 初次违法 is computed
    propose(case, "AQSCF-97-7", 20000, quantity=1, circumstances=("corrected_in_time", "cooperation"))
    services.case_transition(actor=officer, case=case, action="submit_review")
    services.case_notify(actor=leader, case=case, opinion="事实清楚，证据确实，同意告知。")

    # 2. a self-inspection exemption (measure II.8), closed with a no-penalty decision: the enterprise recorded the
    # hazard before the inspection as the violation it is (AQSCF-97-3), the inspection found the same violation; its
    # unrelated self-found hazard (配电室警示标志) would not have exempted it
    if others:
        firm = others[0]
        own = hazard_report(actor=officer, enterprise=firm, source="self_inspection",
                            title="新入职员工3人未经岗前安全生产教育和培训即上岗", found_on=today - dt.timedelta(days=5),
                            violation_code="AQSCF-97-3")
        hazard_plan(actor=officer, hazard=own, measures="组织3名新员工参加公司级、车间级、班组级岗前安全培训并考核",
                    responsible_person="企业安全员", deadline=today + dt.timedelta(days=7),
                    note="企业制定整改方案，7日内完成")
        sign = hazard_report(actor=officer, enterprise=firm, source="self_inspection",
                             title="配电室未设置明显的安全警示标志", found_on=today - dt.timedelta(days=6))
        hazard_plan(actor=officer, hazard=sign, measures="采购并张贴“当心触电”安全警示标志", responsible_person="企业安全员",
                    deadline=today + dt.timedelta(days=7), note="企业制定整改方案")
        case = inspection_case(firm, "未按照规定对从业人员进行安全生产教育和培训",
                               "检查发现企业新入职员工3人未经岗前安全生产教育和培训即上岗作业。", violation_code="AQSCF-97-3")
        evidence(case, "现场核实：企业自查台账已登记该隐患（新员工未经岗前培训）并制定整改方案，培训正在进行。")
        services.case_propose_exemption(actor=officer, case=case, kind="self_inspection", hazard=own,
                                        violation_code="AQSCF-97-3")
        services.case_transition(actor=officer, case=case, action="submit_review")
        services.case_decide_no_penalty(actor=leader, case=case)
        services.case_serve(actor=officer, case=case, method="直接送达")
        services.case_close(actor=leader, case=case)

    # 3. a fine decided with its reasoning and closed (未定期组织应急演练: no benchmark row in force → the statutory
    # range, and the reasoning says so); the firm held credit A2: the 70,000-yuan decision lowers it by the credit
    # rule table (enterprises.credit, demo rows) and is published
    if len(others) > 1:
        Enterprise.objects.filter(pk=others[1].pk).update(credit_grade="A2")
        others[1].credit_grade = "A2"
        case = inspection_case(others[1], "未按照规定定期组织应急救援预案演练",
                               "检查发现企业2025年以来未组织生产安全事故应急救援预案演练。", violation_code="AQSCF-97-6")
        evidence(case, "问：最近一次应急演练是什么时间？答：2024年10月。")
        propose(case, "AQSCF-97-6", 70000)
        services.case_transition(actor=officer, case=case, action="submit_review")
        services.case_notify(actor=leader, case=case, opinion="同意")
        services.statement_submit(actor=officer, case=case, text="", waive=True)
        delivered(case, "penalty_notice")
        services.case_submit_decision(actor=officer, case=case)
        # 70,000 yuan reaches the 较大数额罚款 of the 法制审核 list (行政处罚法 第58条第1款第（四）项)
        services.legal_review_record(actor=legal, case=case, opinion="agree",
                                     text="事实清楚，证据确实充分，适用依据正确，程序合法，裁量适当。")
        services.case_decide(actor=leader, case=case)
        services.case_serve(actor=officer, case=case, method="直接送达")
        services.case_execute(actor=officer, case=case, method="voluntary", amount=case.decided_amount,
                              paid_on=today, voucher="14080226000123", note="当事人持缴款书在代收银行缴纳（演示）")
        services.case_close(actor=leader, case=case, note="罚款已全额缴纳，同意结案。")

    # 4. under investigation
    if len(others) > 2:
        inspection_case(others[2], "事故隐患排查治理情况未如实记录",
                               "检查发现企业隐患排查台账缺少近三个月记录。")

    def backdate_publication(case: Any, decided_on: dt.date) -> None:
        """A decision moved back in time: its publication deadline and credit entry follow (demo only)."""
        for publication in DecisionPublication.objects.filter(case=case):
            due, provisional = publication_due(publication.kind, decided_on)
            DecisionPublication.objects.filter(pk=publication.pk).update(decided_on=decided_on, due_on=due,
                                                                         due_provisional=provisional)
        CreditEvent.objects.filter(source_type="penalties.case", source_id=str(case.pk)).update(occurred_on=decided_on)

    def decided_fine(enterprise: Any, title: str, description: str, amount: int, days_ago: int,
                     code: str = "AQSCF-97-7", record: str = "问：特种作业人员是否全部持证？答：有1名电工的证书已过期。"
                     ) -> Any:
        """A fine decided `days_ago` days ago (dates moved back so the payment deadline can have passed)."""
        case = inspection_case(enterprise, title, description, violation_code=code)
        evidence(case, record)
        propose(case, code, amount, quantity=1 if code == "AQSCF-97-7" else None, circumstances=("cooperation",))
        services.case_transition(actor=officer, case=case, action="submit_review")
        services.case_notify(actor=leader, case=case, opinion="同意")
        services.statement_submit(actor=officer, case=case, text="", waive=True)
        services.case_submit_decision(actor=officer, case=case)
        services.case_decide(actor=leader, case=case)
        past = today - dt.timedelta(days=days_ago)
        moved = dict(filed_on=past - dt.timedelta(days=10), decision_due=past + dt.timedelta(days=80),
                     notified_on=past - dt.timedelta(days=5), answer_due=past - dt.timedelta(days=2),
                     decided_on=past)
        Case.objects.filter(pk=case.pk).update(**moved)
        for key, value in moved.items():
            setattr(case, key, value)
        backdate_publication(case, past)
        delivered(case, "penalty_notice", on=moved["notified_on"])
        return case

    # 5. qiye: a fine served 20 days ago and not paid — the payment deadline (15 days) has passed
    case = decided_fine(qiye_enterprise, "特种作业人员操作证过期仍上岗作业",
                        "检查发现配电室电工1名特种作业操作证已过期仍上岗作业。", 10000, 21)
    services.case_serve(actor=officer, case=case, method="直接送达", served_on=today - dt.timedelta(days=20))

    # 6. a fine paid (已执行) waiting for the leader's closure
    if len(others) > 3:
        case = decided_fine(others[3], "特种作业人员未取得相应资格上岗作业",
                            "检查发现叉车司机1名未取得特种设备作业人员证上岗作业。", 15000, 6)
        services.case_serve(actor=officer, case=case, method="邮寄送达", served_on=today - dt.timedelta(days=5))
        services.case_execute(actor=officer, case=case, method="voluntary", amount=15000,
                              paid_on=today - dt.timedelta(days=1), voucher="14080226000187")

    def firm_at(index: int) -> Any:
        return others[index] if len(others) > index else qiye_enterprise

    def hearing_case(enterprise: Any, title: str, description: str, amount: int, circumstances: list[str]) -> Any:
        case = inspection_case(enterprise, title, description, violation_code="AQSCF-97-6")
        evidence(case, "问：企业最近一次应急救援预案演练是什么时间？答：记不清了，没有演练记录。")
        propose(case, "AQSCF-97-6", amount, highest=True, circumstances=tuple(circumstances))
        services.case_transition(actor=officer, case=case, action="submit_review")
        services.case_notify(actor=leader, case=case, opinion="同意告知，当事人享有听证权")
        services.hearing_request(actor=officer, case=case, note="当事人书面要求听证（执法人员代为登记）")
        delivered(case, "penalty_notice", "hearing_notice")
        return case

    # 7. a hearing requested and scheduled: the 听证通知书 ten days ahead, chaired by the legal section's head
    case = hearing_case(firm_at(4), "未按照规定定期组织应急救援预案演练", "检查发现企业2025年以来未组织应急救援预案演练。",
                        50000, [])
    when = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=10), dt.time(9, 30)))
    services.hearing_schedule(actor=officer, case=case, hearing_at=when, place="盐湖区应急管理局三楼听证室",
                              host=fazhi, clerk=clerk)

    # 8. a major case (hearing held, 70,000 yuan): the firm was fined for the same violation five months ago, so the
    # engine finds 一年内再犯 in its cases (not typed); the leaders' collective discussion, then decided
    earlier = decided_fine(firm_at(5), "未按照规定定期组织应急救援预案演练", "检查发现企业未按规定组织应急救援预案演练。",
                           30000, 150, code="AQSCF-97-6", record="问：最近一次应急演练是什么时间？答：没有组织过。")
    services.case_serve(actor=officer, case=earlier, method="直接送达", served_on=today - dt.timedelta(days=148))
    services.case_execute(actor=officer, case=earlier, method="voluntary", amount=earlier.decided_amount,
                          paid_on=today - dt.timedelta(days=140), voucher="14080226000099")
    services.case_close(actor=leader, case=earlier, note="罚款已全额缴纳，同意结案。")
    case = hearing_case(firm_at(5), "未按照规定定期组织应急救援预案演练（一年内再犯）",
                        "检查发现企业一年内两次未按规定组织应急救援预案演练，已于上次检查时责令改正。", 70000, [])
    services.hearing_schedule(actor=officer, case=case, hearing_at=when, place="盐湖区应急管理局三楼听证室",
                              host=fazhi, clerk=clerk)
    delivered(case, "hearing_schedule_notice")
    Case.objects.filter(pk=case.pk).update(hearing_at=timezone.now() - dt.timedelta(hours=3))
    case.refresh_from_db()
    services.hearing_record_save(actor=officer, case=case, record="当事人对违法事实无异议，称因生产任务重未组织演练，"
                                 "请求从轻处罚；调查人员认为当事人一年内再犯，应从重处罚。")
    # a hearing held (行政处罚法 第58条第1款第（二）项): the 法制审核 before the leaders' collective discussion
    services.legal_review_record(actor=legal, case=case, opinion="agree",
                                 text="听证程序合法，当事人未提出新的事实和证据，从重阶次裁量适当。")
    services.discussion_record(
        actor=fazhi, case=case, held_on=today, place="盐湖区应急管理局党组会议室", host=chief,
        participants=[leader, fazhi], conclusion="agree",
        summary="赵明（局长）：当事人一年内再犯，听证未提出新的事实，同意从重阶次罚款7万元。\n"
                f"{leader.display_name}（分管负责人）：同意承办人意见。\n刘建国（法制审核股）：程序合法，裁量适当，同意。")
    services.case_decide(actor=leader, case=case)

    # 9. an overdue fine reminded in writing (履行催告书): the court may be applied to ten days after it
    case = decided_fine(firm_at(6), "特种作业人员操作证过期仍上岗作业", "检查发现行车司机1名特种作业操作证已过期仍上岗作业。",
                        12000, 31)
    services.case_serve(actor=officer, case=case, method="直接送达", served_on=today - dt.timedelta(days=30))
    services.reminder_issue(actor=officer, case=case)
    # the 催告 statement (行政强制法 第36条): the party of case 9 stated its case in writing (recorded by the officer) and
    # waits for the review, so the court may not be applied to yet
    services.reminder_statement_submit(
        actor=officer, case=case, text="我公司因原材料货款未回笼，资金周转困难，确无能力一次性缴纳罚款及加处罚款，"
        "申请分期缴纳，并附银行流水及应收账款明细（书面材料已提交承办人）。")

    # 10. qiye: a fine served 25 days ago, reminded today — qiye may state its case against the reminder online and
    # acknowledge the 履行催告书 on its phone (it signed the 电子送达确认书 in the inspection demo)
    # (qiye was fined 21 days ago in case 5: no longer 初次违法, found in its cases; 警示标志 has no benchmark row in
    # force since the Shanxi benchmark lapsed, so the statutory range of 安全生产法 第九十九条第（一）项 applies)
    case = decided_fine(qiye_enterprise, "危险化学品储存场所未设置安全警示标志",
                        "检查发现危险化学品库房门口未设置安全警示标志和安全告知卡。", 8000, 26, code="AQSCF-99-1",
                        record="现场检查：危险化学品库房门口未设置安全警示标志和安全告知卡，共1处。")
    services.case_serve(actor=officer, case=case, method="直接送达", served_on=today - dt.timedelta(days=25))
    services.reminder_issue(actor=officer, case=case)

    # 11. a fine served seven months ago, reminded, the statement reviewed (不采纳), the litigation period expired
    # without performance: 申请人民法院强制执行 with its 强制执行申请书 (行政强制法 第53、55条)
    case = decided_fine(firm_at(2), "特种作业人员操作证过期仍上岗作业", "检查发现电焊工1名特种作业操作证已过期仍上岗作业。",
                        10000, 211)
    services.case_serve(actor=officer, case=case, method="直接送达", served_on=today - dt.timedelta(days=210))
    case.refresh_from_db()
    if case.payment_due is None:
        raise DomainError("演示案件送达后没有缴款期限")
    reminded = case.payment_due + dt.timedelta(days=5)
    _days, surcharge = penalty_rules.late_surcharge(fine=10000, payment_due=case.payment_due, on=reminded, daily_pct=3)
    stated = timezone.make_aware(dt.datetime.combine(reminded + dt.timedelta(days=3), dt.time(10, 0)))
    reviewed = stated + dt.timedelta(days=2)
    Case.objects.filter(pk=case.pk).update(
        reminder_on=reminded, reminder_surcharge=surcharge, reminder_statement_at=stated,
        reminder_statement="我公司对违法事实无异议，但认为加处罚款过高，请求减免。", reminder_review="rejected",
        reminder_review_reason="加处罚款依行政处罚法第七十二条按日计算且不超过罚款数额，当事人未提出新的事实和证据。",
        reminder_reviewed_at=reviewed, reminder_reviewer=officer)
    case.refresh_from_db()
    from bureau.kernel.workflow import record_history
    from bureau.penalties import documents as penalty_documents

    record_history(case, actor=officer, action="remind", label="发出履行催告书",
                   note=f"逾期{_days}日，加处罚款{penalty_rules.yuan(surcharge)}")
    penalty_documents.enforcement_reminder(case, officer, days_overdue=_days)
    record_history(case, actor=officer, action="reminder_statement", label="对催告书提出陈述申辩",
                   note=case.reminder_statement)
    record_history(case, actor=officer, action="reminder_review", label="复核催告陈述申辩",
                   note=f"不采纳：{case.reminder_review_reason}")
    penalty_documents.reminder_statement_record(case, officer)
    window = services.court_window(case)
    if window is None:
        raise DomainError("演示案件没有可申请人民法院强制执行的期间")
    services.case_execute(actor=officer, case=case, method="court", court_name="运城市盐湖区人民法院",
                          applied_on=min(today, window[0] + dt.timedelta(days=10)),
                          note="强制执行申请书及附件已递交立案庭（演示）")

    # 12. the party's statement partly adopted (行政处罚法 第45条: the proposed fine lowered with its reasons, never
    # raised), the case submitted for decision and waiting for the 法制审核 of 第58条 (yanhu_legal's workbench)
    case = inspection_case(firm_at(2), "未按照规定定期组织应急救援预案演练",
                           "检查发现企业2025年以来未组织生产安全事故应急救援预案演练，一年内曾因同一违法行为受到处罚。")
    evidence(case, "问：最近一次应急演练是什么时间？答：2024年9月，今年因停产检修未组织。")
    services.case_propose(actor=officer, case=case, violation_code="AQSCF-97-6", circumstances=["repeat"],
                          amount=70000)
    services.case_transition(actor=officer, case=case, action="submit_review")
    services.case_notify(actor=leader, case=case, opinion="同意告知")
    delivered(case, "penalty_notice", "hearing_notice")
    services.statement_submit(actor=officer, case=case, text="我公司今年1月至5月停产检修，复产后已于11月组织综合演练"
                              "（附演练记录和照片），请求从轻处罚。")
    services.statement_review_record(actor=officer, case=case, outcome="partly", amount=60000,
                                     reason="停产检修期间未组织演练属实，复产后已组织演练并提交记录，可酌情从轻；但一年内再犯"
                                     "的从重情节成立，不予减轻。")
    services.case_submit_decision(actor=officer, case=case)

    # 12a. the whole path on one case: the recorded facts (1 人次) select 应急〔2024〕90号 (26) 阶次A (≤ 30,000 yuan);
    # the officer finds the case 情节复杂 (the certificate was forged: another authority's matter, 行政处罚法 第58条第1款
    # 第（三）项), so the 法制审核 and the leaders' collective discussion (第57条第2款) come before the decision; served,
    # the decision is published on the portal (第48条, step 13)
    case = inspection_case(firm_at(7), "特种作业人员持伪造的操作证上岗作业",
                           "检查发现电工1名所持特种作业操作证经全国特种作业操作证查询平台核验系伪造，另涉嫌伪造证件，"
                           "需移送公安机关。", violation_code="AQSCF-97-7")
    evidence(case, "问：电工李某的操作证从何处取得？答：通过中介办理，公司不清楚真伪，已让其停止作业。")
    services.case_propose(actor=officer, case=case, violation_code="AQSCF-97-7", circumstances=["cooperation"],
                          amount=25000, quantity=1, complex_case=True)
    services.case_transition(actor=officer, case=case, action="submit_review")
    services.case_notify(actor=leader, case=case, opinion="事实清楚，同意告知；伪造证件线索另行移送公安机关。")
    delivered(case, "penalty_notice")
    services.statement_submit(actor=officer, case=case, text="", waive=True)
    services.case_submit_decision(actor=officer, case=case)
    services.legal_review_record(actor=legal, case=case, opinion="agree",
                                 text="违法事实清楚，证据确实充分；按所录事实（1人次）适用应急〔2024〕90号第（26）项阶次A，"
                                      "裁量适当；伪造证件部分已移送公安机关，程序合法。")
    services.discussion_record(
        actor=fazhi, case=case, held_on=today, place="盐湖区应急管理局党组会议室", host=chief,
        participants=[leader, fazhi], conclusion="agree",
        summary="赵明（局长）：同意按阶次A罚款2.5万元，伪造证件线索移送公安机关。\n"
                f"{leader.display_name}（分管负责人）：同意。\n刘建国（法制审核股）：已法制审核，同意。")
    services.case_decide(actor=leader, case=case)
    services.case_serve(actor=officer, case=case, method="直接送达")

    # 12b. qiye paid a fine by its 缴款码 and uploaded the 缴款凭证; the officer checked it against the non-tax record
    # and confirmed the payment (the 记录执行情况 step, 行政处罚法 第67条)
    case = decided_fine(qiye_enterprise, "未在有较大危险因素的生产经营场所设置明显的安全警示标志",
                        "检查发现装卸区未设置明显的安全警示标志。", 5000, 8, code="AQSCF-99-1",
                        record="现场检查：装卸区未设置安全警示标志，共1处。")
    services.case_serve(actor=officer, case=case, method="直接送达", served_on=today - dt.timedelta(days=6))
    case.refresh_from_db()
    services.case_submit_voucher(actor=users["qiye"], case=case, amount=case.decided_amount or 0,
                                 paid_on=today - dt.timedelta(days=2), number="FS1408022600" + f"{case.pk:04d}",
                                 upload=demo_voucher(case, today - dt.timedelta(days=2)))
    services.case_confirm_payment(actor=officer, case=case, note="已与山西省非税收入收缴系统的缴款记录核对一致")

    # 12c. qiye uploaded the 缴款凭证 of another fine today: it waits for the officer's check (确认缴款 or 退回)
    case = decided_fine(qiye_enterprise, "未如实记录安全生产教育和培训情况",
                        "检查发现2026年第三季度安全培训档案缺少考核记录。", 3000, 5, code="AQSCF-97-4",
                        record="现场检查：培训档案缺少考核记录。")
    services.case_serve(actor=officer, case=case, method="直接送达", served_on=today - dt.timedelta(days=3))
    case.refresh_from_db()
    services.case_submit_voucher(actor=users["qiye"], case=case, amount=case.decided_amount or 0, paid_on=today,
                                 number="FS1408022600" + f"{case.pk:04d}", upload=demo_voucher(case, today))

    # 13. 行政执法公示 (行政处罚法 第48条): the served decisions are published on the portal by the hourly job (run
    # here once); a decision made days ago is shown published the day after it (demo dates), the decisions waiting
    # for service stay 待公示 within their seven working days
    publish_due(today)
    for publication in DecisionPublication.objects.filter(state="published", decided_on__lt=today):
        at = timezone.make_aware(dt.datetime.combine(publication.decided_on + dt.timedelta(days=1), dt.time(9, 0)))
        DecisionPublication.objects.filter(pk=publication.pk).update(published_at=at)
