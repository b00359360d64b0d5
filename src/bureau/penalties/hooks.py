"""Plugs the penalties area into the menu, workbench, rules, indicators, enterprise page and demo data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from bureau.accounts.authority import restrict_key
from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, LEGAL_REVIEWER, SECTION_HEAD, SYSADMIN
from bureau.inspection.services import ServiceOwner, register_service_owner
from bureau.kernel.calendar import countdown_label
from bureau.kernel.prepared import PreparedRows
from bureau.kernel.registry import (
    Indicator,
    IndicatorQuery,
    MenuEntry,
    WorkItem,
    register_backlog,
    register_deadline_recomputer,
    register_enterprise_panel,
    register_indicators,
    register_menu,
    register_schedule,
    register_violation_catalogue,
    register_workbench,
)
from bureau.kernel.rules import RuleDefault, register_rules
from bureau.penalties import (
    demo,  # noqa: F401  (registers the demo loader)
    publicity,
    publishing,
    queries,
)
from bureau.penalties.facts import latest_legal_review, legal_review_reasons
from bureau.penalties.models import DecisionPublication
from bureau.penalties.tasks import publish_decisions

register_rules(
    RuleDefault("penalties.decision_days", 90, "行政处罚案件自立案之日起作出决定的期限（自然日）",
                "行政处罚法（2021）第六十条", dt.date(2021, 7, 15), "日"),
    RuleDefault("penalties.statement_days", 3, "告知后当事人提出陈述申辩的期限（工作日）",
                "安全生产违法行为行政处罚办法第二十四条（待与应急管理部令第18号核对）；行政处罚法第八十五条（工作日）",
                dt.date(2021, 7, 15), "个工作日"),
    RuleDefault("penalties.hearing_request_days", 5, "告知后当事人要求听证的期限（工作日）",
                "行政处罚法（2021）第六十四条第（一）项、第八十五条", dt.date(2021, 7, 15), "个工作日"),
    RuleDefault("penalties.hearing_threshold.unit", 50000, "对单位罚款达到此数额时告知听证权（地方标准）",
                "山西省听证标准（地方，待核实；domain.md 示例：单位5万元）", dt.date(2021, 7, 15), "元"),
    RuleDefault("penalties.hearing_threshold.person", 10000, "对个人罚款达到此数额时告知听证权（地方标准）",
                "山西省听证标准（地方，待核实）", dt.date(2021, 7, 15), "元"),
    RuleDefault("penalties.payment_days", 15, "当事人自收到行政处罚决定书之日起缴纳罚款的期限（自然日）",
                "行政处罚法（2021）第六十七条第三款：当事人应当自收到行政处罚决定书之日起十五日内缴纳罚款",
                dt.date(2021, 7, 15), "日"),
    RuleDefault("penalties.voucher_types", ["pdf", "jpg", "jpeg", "png", "ofd"], "缴款凭证可上传的文件类型",
                "本平台规则（电子缴款凭证为PDF或OFD，纸质凭证拍照为JPG、PNG）", dt.date(2021, 7, 15)),
    RuleDefault("penalties.voucher_max_mb", 10, "缴款凭证单个文件大小上限", "本平台规则", dt.date(2021, 7, 15), "MB"),
    RuleDefault("penalties.min_officers", 2, "调查取证的持证执法人员最少人数", "行政处罚法（2021）第四十二条",
                dt.date(2021, 7, 15), "人"),
    RuleDefault("penalties.collective_threshold.unit", 100000,
                "对单位罚款达到此数额为重大行政处罚案件，须经负责人集体讨论决定（地方标准）",
                "行政处罚法（2021）第五十七条第二款；重大案件数额为地方标准（待核实；示例：单位10万元）",
                dt.date(2021, 7, 15), "元"),
    RuleDefault("penalties.collective_threshold.person", 10000,
                "对个人罚款达到此数额为重大行政处罚案件，须经负责人集体讨论决定（地方标准）",
                "行政处罚法（2021）第五十七条第二款；重大案件数额为地方标准（待核实）", dt.date(2021, 7, 15), "元"),
    RuleDefault("penalties.legal_review_threshold.unit", 50000,
                "对单位罚款达到此数额（较大数额罚款）的，作出决定前须经法制审核（重大执法决定法制审核目录，地方标准）",
                "行政处罚法（2021）第五十八条第一款第（四）项；国办发〔2018〕118号；数额为本机关目录标准（待核实；"
                "示例与听证标准一致：单位5万元）", dt.date(2021, 7, 15), "元"),
    RuleDefault("penalties.legal_review_threshold.person", 10000,
                "对个人罚款达到此数额（较大数额罚款）的，作出决定前须经法制审核（地方标准）",
                "行政处罚法（2021）第五十八条第一款第（四）项；国办发〔2018〕118号；数额为本机关目录标准（待核实）",
                dt.date(2021, 7, 15), "元"),
    RuleDefault("penalties.legal_review.measures", ["停产停业", "吊销"],
                "拟作出这些处罚（其他处理措施中含有该词）的，作出决定前须经法制审核（重大执法决定法制审核目录）",
                "行政处罚法（2021）第五十八条第一款第（二）、（四）项；国办发〔2018〕118号（责令停产停业、吊销许可证为重大执法决定）",
                dt.date(2021, 7, 15), ""),
    RuleDefault("penalties.collective_min_participants", 3, "集体讨论参加的负责人最少人数（含主持人）",
                "行政处罚法（2021）第五十七条第二款；人数为本机关集体讨论制度（地方，待核实）", dt.date(2021, 7, 15), "人"),
    RuleDefault("penalties.hearing_notice_days", 7, "举行听证七日前通知当事人听证的时间、地点（自然日）",
                "行政处罚法（2021）第六十四条第（二）项：行政机关应当在举行听证的七日前，通知当事人及有关人员听证的时间、地点",
                dt.date(2021, 7, 15), "日"),
    RuleDefault("penalties.late_surcharge_pct", 3, "到期不缴纳罚款的，每日按罚款数额加处罚款的百分比",
                "行政处罚法（2021）第七十二条第一款第（一）项；加处罚款不得超出罚款数额（行政强制法第四十五条第二款）",
                dt.date(2021, 7, 15), "%/日"),
    RuleDefault("penalties.enforcement_notice_days", 10, "催告书送达后当事人仍未履行、方可申请人民法院强制执行的期限（自然日）",
                "行政强制法第五十四条：催告书送达十日后当事人仍未履行义务的，行政机关可以向人民法院申请强制执行；第三十五条（催告）",
                dt.date(2012, 1, 1), "日"),
    RuleDefault("penalties.litigation_months", 6, "当事人自知道或者应当知道作出行政行为之日起提起行政诉讼的期限（月）；"
                "期限届满、决定不再可诉后方可申请人民法院强制执行（以送达日期计算）",
                "行政诉讼法第四十六条第一款：公民、法人或者其他组织直接向人民法院提起诉讼的，应当自知道或者应当知道作出行政"
                "行为之日起六个月内提出；行政复议期限六十日（行政复议法第二十条）短于此", dt.date(2015, 5, 1), "个月"),
    RuleDefault("penalties.enforcement_application_months", 3, "起诉期限届满之日起申请人民法院强制执行的期限（月）",
                "行政强制法第五十三条：当事人在法定期限内不申请行政复议或者提起行政诉讼，又不履行行政决定的，没有行政强制"
                "执行权的行政机关可以自期限届满之日起三个月内，依照本章规定申请人民法院强制执行", dt.date(2012, 1, 1), "个月"),
    RuleDefault("penalties.repeat_months", 12, "一年内再犯：此前该期间内因同一违法行为受过行政处罚的（月），从立案所查违法行为"
                "发现之日向前计算", "裁量基准所列从重情形「一年内因同一种违法行为受过行政处罚」所称的「一年」"
                "（该情形在部令第12号中的条文号待核对，见 penalties/data/README.md）", dt.date(2024, 1, 1), "个月"),
    RuleDefault("penalties.first_offence_months", 12, "初次违法：此前该期间内未受过行政处罚的（月），从违法行为发现之日向前计算",
                "行政处罚法（2021）第三十三条第一款「初次违法且危害后果轻微并及时改正的，可以不予行政处罚」；法律未规定"
                "「初次」的期间，按本地首违不罚清单的口径（待核实，默认一年）", dt.date(2021, 7, 15), "个月"),
)

# 行政执法公示 (行政处罚法 第48条; 国办发〔2018〕118号) — penalties.publishing, penalties.publicity
register_rules(
    RuleDefault("penalties.publication_days.penalty", 7, "行政处罚决定信息自决定作出之日起公开的期限（工作日）",
                "国办发〔2018〕118号 （三）加强事后公开：行政许可、行政处罚的执法决定信息要在执法决定作出之日起7个工作日内"
                "公开；行政处罚法（2021）第四十八条第一款", dt.date(2018, 12, 5), "个工作日"),
    RuleDefault("penalties.publication_days.no_penalty", 20, "其他执法决定（不予行政处罚决定）信息公开的期限（工作日）",
                "国办发〔2018〕118号 （三）加强事后公开：行政执法机关要在执法决定作出之日起20个工作日内，向社会公布执法机关、"
                "执法对象、执法类别、执法结论等信息", dt.date(2018, 12, 5), "个工作日"),
    RuleDefault("penalties.publication.kinds", [publicity.PENALTY, publicity.NO_PENALTY],
                "公示的决定种类（penalty_decision 行政处罚决定；no_penalty_decision 不予行政处罚决定）",
                "行政处罚法（2021）第四十八条第一款（具有一定社会影响的行政处罚决定应当依法公开）；国办发〔2018〕118号"
                "（执法决定信息）；本机关公示范围", dt.date(2021, 7, 15)),
    RuleDefault("penalties.publication.withdraw_days", 3, "公开的决定被变更、撤销、确认违法或无效后撤回信息的期限（日）",
                "行政处罚法（2021）第四十八条第二款：行政机关应当在三日内撤回行政处罚决定信息并公开说明理由",
                dt.date(2021, 7, 15), "日"),
)
register_schedule("penalties.publish_decisions", publish_decisions, 3600)
register_backlog("penalties_publications_overdue", "超过公示期限仍未公示的处罚决定（行政执法公示）",
                 publishing.overdue_count)
register_violation_catalogue(queries.violation_catalogue)

STAFF = frozenset({INSPECTOR, SECTION_HEAD, LEADER, SYSADMIN, LEGAL_REVIEWER})
register_menu(
    MenuEntry("执法", "行政处罚案件", "penalties:list", STAFF, order=40, icon="⚖"),
    MenuEntry("执法", "裁量基准", "penalties:benchmark", STAFF, order=41, icon="≡"),
    MenuEntry("执法", "行政执法公示", "penalties:publications", STAFF, order=42, icon="☷"),
    MenuEntry("企业", "我的处罚案件", "penalties:list", frozenset({ENTERPRISE}), order=40, icon="⚖"),
)


_PARTY_CASES: PreparedRows[Any] = PreparedRows()


@register_workbench
def workbench(user: Any) -> Iterable[WorkItem]:
    from bureau.kernel.calendar import countdown_label
    from bureau.penalties.models import Case

    def scoped() -> QuerySet[Case]:
        return Case.objects.restrict(user).select_related("enterprise")

    # a served fine waits for its execution record; its payment deadline (行政处罚法 第67条) is the due date
    unpaid = Q(state="served", exemption="")
    cases: Iterable[Any]
    if user.enterprise_id:  # compiled once per scope (issue 18)
        scope = restrict_key(Case, user)
        cases = [] if scope is None else _PARTY_CASES.rows(lambda: scoped().select_related(None).filter(
            Q(state="notified", statement_at__isnull=True, statement_waived=False) | unpaid)  # its own name unused
            .order_by("decision_due")[:50], key=scope)
    elif user.has_role(LEADER):
        cases = scoped().filter(state__in=("deciding", "reviewing", "executed")).order_by("decision_due")[:50]
    elif user.has_role(SECTION_HEAD):
        cases = scoped().filter(state__in=("reviewing", "executed")).order_by("decision_due")[:50]
    elif user.has_role(INSPECTOR):
        cases = scoped().filter(Q(lead_officer=user) | Q(second_officer=user),
                                state__in=("investigating", "notified", "hearing", "decided", "served")
                                ).order_by("decision_due")[:50]
    elif user.has_role(LEGAL_REVIEWER) and user.organisation is not None:
        # 行政处罚法 第58条: the authority's own cases waiting for the decision, until a review agreed
        return _legal_review_items(scoped().filter(state="deciding", organisation=user.organisation.bureau))
    else:
        return []
    items = []
    for case in cases:
        paying = case.state == "served" and not case.exemption and case.payment_due is not None
        if paying:
            due = case.payment_due
        else:
            due = case.answer_due if user.enterprise_id else case.decision_due
        label, chip = countdown_label(due)
        if case.state == "executed":  # the decision deadline no longer runs: the reviewer closes the case
            due, label, chip = case.executed_on, "执行已记录，待结案", "running"
        if user.enterprise_id:
            title = f"缴纳罚款：{case.number}" if paying else f"陈述申辩：{case.number}"
            if paying and case.voucher_at:
                title += "（缴款凭证待核对）"
        elif paying and case.voucher_at:  # 行政处罚法 第67条: the party's 缴款凭证 waits for the officer's check
            title = f"{case.number} {case.enterprise.name}（缴款凭证待核对）"
        elif paying:
            title = f"{case.number} {case.enterprise.name}（罚款缴纳{'已逾期' if case.payment_overdue else '期限'}）"
        elif case.statement_review_pending:  # 行政处罚法 第45条: the statement waits for the officer's review
            title = f"{case.number} {case.enterprise.name}（陈述申辩待复核）"
        else:
            title = f"{case.number} {case.enterprise.name}"
        items.append(WorkItem(title=title, url=f"/penalties/cases/{case.pk}/", area="行政处罚",
                              status=case.state_label,
                              due_label=label, chip=chip, sort_key=due))
    return items


def _legal_review_items(qs: Any) -> list[WorkItem]:
    items = []
    for case in qs.order_by("decision_due")[:50]:
        review = latest_legal_review(case)
        if (review is not None and review.passed) or not legal_review_reasons(case):
            continue
        label, chip = countdown_label(case.decision_due)
        items.append(WorkItem(title=f"{case.number} {case.enterprise.name}（待法制审核）",
                              url=f"/penalties/cases/{case.pk}/#legal-review", area="行政处罚", status="待法制审核",
                              due_label=label, chip=chip, sort_key=case.decision_due))
    return items


@register_indicators
def indicators(query: IndicatorQuery) -> list[Indicator]:
    """Share of penalty decisions with written reasoning; exemptions granted (domain §7, measures II.6, II.8)."""
    from bureau.penalties.models import Case

    def in_region(cases: Any) -> Any:
        if query.region:
            return cases.filter(region_id=query.region)
        if query.regions is not None:
            return cases.filter(region_id__in=sorted(query.regions))
        return cases

    qs = in_region(Case.objects.filter(decided_on__gte=query.start, decided_on__lte=query.end))
    fines = qs.filter(exemption="")
    total = fines.count()
    reasoned = fines.exclude(reasoning="").count()
    exempt = qs.exclude(exemption="").count()
    self_insp = qs.filter(exemption="self_inspection").count()
    in_time = qs.filter(decided_on__lte=F("decision_due")).count()
    decided = qs.count()
    # fines served in the period that are paid or past their deadline: the share paid by it (行政处罚法第67条); a fine
    # neither paid nor due yet is not counted either way
    payable = in_region(Case.objects.filter(served_on__gte=query.start, served_on__lte=query.end, exemption="",
                                            payment_due__isnull=False).filter(
        Q(paid_on__isnull=False) | Q(payment_due__lt=timezone.localdate())))
    due_count = payable.count()
    paid_in_time = payable.filter(paid_on__isnull=False, paid_on__lte=F("payment_due")).count()
    return [
        Indicator("penalties.decided_in_time_share", "法定期限内作出处罚决定比例", "行政处罚",
                  round(100 * in_time / decided, 1) if decided else None, "%", in_time, decided,
                  "自立案之日起九十日内作出决定（行政处罚法第六十条）"),
        Indicator("penalties.paid_on_time_share", "罚款按期缴纳率", "行政处罚",
                  round(100 * paid_in_time / due_count, 1) if due_count else None, "%", paid_in_time, due_count,
                  "本期送达的罚款中（已缴纳或已过缴纳期限），在十五日期限内缴纳的比例（行政处罚法第六十七条）"),
        Indicator("penalties.reasoned_share", "处罚决定说理率", "行政处罚",
                  round(100 * reasoned / total, 1) if total else None, "%", reasoned, total,
                  "作出的行政处罚决定中附书面裁量说理的比例（措施二第6条）"),
        Indicator("penalties.exemptions", "免罚案件数", "行政处罚", float(exempt), "件", exempt, None,
                  f"其中企业自查整改免罚 {self_insp} 件（措施二第8条），其余为首违不罚或集体讨论决定不予处罚"),
    ]


_PANEL_CASES: PreparedRows[Any] = PreparedRows()


@register_enterprise_panel
def enterprise_panel(user: Any, enterprise: Any) -> dict[str, Any] | None:
    from bureau.penalties.models import Case

    scope = restrict_key(Case, user)
    cases = [] if scope is None else _PANEL_CASES.rows(  # compiled once per scope and enterprise (issue 18)
        lambda: Case.objects.restrict(user).filter(enterprise_id=enterprise.pk).order_by("-filed_on")[:5],
        key=(scope, enterprise.pk))
    if not cases:
        return None
    return {"title": "行政处罚案件", "template": "penalties/_enterprise_panel.html", "context": {"cases": cases}}


@register_deadline_recomputer
def recompute_answer_deadlines() -> int:
    """Answer deadlines computed on a provisional (unpublished) holiday year are recomputed once it is entered."""
    from bureau.penalties.models import Case
    from bureau.penalties.services import answer_deadline

    changed = 0
    for case in Case.objects.filter(answer_due_provisional=True, state="notified", notified_on__isnull=False):
        if case.notified_on is None:  # excluded by the filter; narrows the type
            continue
        due = answer_deadline(case.notified_on)
        if (due.date, due.provisional) != (case.answer_due, case.answer_due_provisional):
            Case.objects.filter(pk=case.pk).update(answer_due=due.date, answer_due_provisional=due.provisional)
            changed += 1
    return changed



def _service_acknowledged(actor: Any, service: Any) -> None:
    from bureau.penalties.services import service_acknowledged

    service_acknowledged(actor, service)


def _service_served_otherwise(actor: Any, service: Any) -> None:
    from bureau.penalties.services import service_served_otherwise

    service_served_otherwise(actor, service)


# the documents served on the party are acknowledged on the platform (inspection.DocumentService); the case hears of it
register_service_owner("penalties.case", ServiceOwner(
    url=lambda pk: f"/penalties/cases/{pk}/", acknowledged=_service_acknowledged,
    served_otherwise=_service_served_otherwise))


@register_workbench
def publication_workbench(user: Any) -> Iterable[WorkItem]:
    """Section heads and leaders: decisions past their publication deadline (行政执法公示)."""
    if user.enterprise_id or not (user.has_role(SECTION_HEAD) or user.has_role(LEADER)):
        return []
    return [WorkItem(title=f"逾期未公示：{p.number} {p.enterprise.name}", url=f"/penalties/cases/{p.case_id}/#publication",
                     area="行政执法公示", status="待公示", due_label=f"期限 {p.due_on:%Y-%m-%d}", chip="overdue",
                     sort_key=p.due_on)
            for p in publishing.overdue(user)[:20]]


@register_indicators
def publication_indicators(query: IndicatorQuery) -> list[Indicator]:
    """行政执法公示 on time (国办发〔2018〕118号): of the decisions made in the period whose publication deadline has
    passed or that are published, the share published by the deadline (withheld ones are not counted)."""
    qs = DecisionPublication.objects.filter(decided_on__gte=query.start, decided_on__lte=query.end)
    if query.region:
        qs = qs.filter(region_id=query.region)
    elif query.regions is not None:
        qs = qs.filter(region_id__in=sorted(query.regions))
    today = timezone.localdate()
    counted = qs.exclude(state=publicity.WITHHELD).filter(Q(published_at__isnull=False) | Q(due_on__lt=today))
    total = counted.count()
    in_time = sum(1 for published_at, due in counted.filter(published_at__isnull=False)
                  .values_list("published_at", "due_on") if timezone.localtime(published_at).date() <= due)
    return [Indicator("penalties.published_in_time_share", "处罚决定按期公示率", "行政处罚",
                      round(100 * in_time / total, 1) if total else None, "%", in_time, total,
                      "行政处罚决定自作出之日起7个工作日内、不予处罚决定20个工作日内在门户公示的比例（国办发〔2018〕118号；"
                      "行政处罚法第四十八条）")]
