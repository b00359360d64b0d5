"""The 执法文书 of a penalty case, rendered from the case data through the kernel documents (PDF with the embedded
Song font, stored with its digest) and filed in the official order (rules.CASE_FILE_ORDER)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bureau.inspection.services import consent_of, service_open
from bureau.kernel.documents import (
    Fields,
    Heading,
    Para,
    Signature,
    Spec,
    chinese_date,
    cn_datetime,
    official_number,
    store_document,
)
from bureau.kernel.models import Document
from bureau.penalties import rules
from bureau.penalties.facts import court_window, latest_legal_review, major_reasons, payment_account_for
from bureau.penalties.models import Case, CollectiveDiscussion, EvidenceRecord, LegalReview


def _authority(case: Case) -> str:
    return case.organisation.full_name


def document_number(case: Case, kind: str) -> str:
    """The 文号 of a case document (the decision's number is what the 行政执法公示 shows)."""
    return _number(case, kind)


def _number(case: Case, kind: str) -> str:
    short = {"penalty_notice": "罚告", "hearing_notice": "听告", "penalty_decision": "罚决",
             "no_penalty_decision": "不罚决", "hearing_schedule_notice": "听通",
             "enforcement_reminder": "催告", "court_application": "强执申"}.get(kind)
    # the case number's 立 (立案) becomes the document's kind: 盐湖应急立〔2026〕1号 → 盐湖应急罚决〔2026〕1号
    return official_number(case.number.replace("立〔", f"{short}〔", 1) if short else case.number)


def _party(case: Case) -> list[tuple[str, str]]:
    e = case.enterprise
    return [("当事人", e.name), ("统一社会信用代码", e.uscc), ("地址", e.address or "—"),
            ("法定代表人", e.legal_representative)]


def _officers(case: Case) -> str:
    return "、".join(f"{u.display_name}（执法证号 {u.enforcement_id}）" for u in (case.lead_officer, case.second_officer))


def _store(case: Case, kind: str, spec: Spec, actor: Any) -> Document:
    sort, _title = rules.CASE_FILE_ORDER[kind]
    document = store_document(owner=case, kind=kind, spec=spec, actor=actor, sort=sort)
    if kind in Case.SERVED_DOCUMENT_KINDS:  # delivered to the party's platform account, to be acknowledged there
        service_open(document=document, enterprise=case.enterprise, region_id=case.region_id)
    return document


def _amount_text(case: Case, amount: int | None) -> str:
    text = f"罚款人民币{rules.yuan(amount)}" if amount else "不予罚款"
    return text + (f"，{case.other_measures}" if case.other_measures else "")


def filing_approval(case: Case, actor: Any) -> Document:
    spec = Spec(title="立案审批表", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), *_party(case), ("案件来源", case.get_source_display()),
                ("发现时间", cn_datetime(case.found_at)), ("违法事实（简述）", case.facts),
                ("承办人", _officers(case)), ("立案日期", chinese_date(case.filed_on)),
                ("决定期限", f"{chinese_date(case.decision_due)}（行政处罚法第六十条）"),
                ("审批意见", "同意立案调查。")]),
        Signature(_authority(case), case.filed_on, seal=False),
    ])
    return _store(case, "filing_approval", spec, actor)


def evidence_record(case: Case, record: EvidenceRecord, actor: Any) -> Document:
    officers = "、".join(f"{u.display_name}（执法证号 {u.enforcement_id}）" for u in record.officers.all())
    spec = Spec(title=record.get_kind_display(), authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), ("当事人", case.enterprise.name), ("时间", chinese_date(record.recorded_on)),
                ("地点", record.place), ("执法人员", officers)]),
        Heading("记录内容"), Para(record.content),
        Para("以上记录经当事人核对无误。", indent=False),
    ])
    return _store(case, record.kind, spec, actor)


def penalty_notice(case: Case, actor: Any) -> Document:
    spec = Spec(title="行政处罚告知书", authority=_authority(case), number=_number(case, "penalty_notice"), blocks=[
        Para(f"{case.enterprise.name}：", indent=False),
        Para(f"经查，你单位{case.facts}"),
        Para(case.reasoning),
        Para(f"本机关拟对你单位作出如下行政处罚：{_amount_text(case, case.proposed_amount)}。"),
        Para(f"根据《中华人民共和国行政处罚法》第四十四条、第四十五条的规定，你单位有权进行陈述和申辩。请于"
             f"{chinese_date(case.answer_due)}前通过平台或书面提出；逾期未提出的，视为放弃此权利。"),
        Signature(_authority(case), case.notified_on or timezone.localdate()),
    ])
    return _store(case, "penalty_notice", spec, actor)


def hearing_notice(case: Case, actor: Any) -> Document:
    spec = Spec(title="听证告知书", authority=_authority(case), number=_number(case, "hearing_notice"), blocks=[
        Para(f"{case.enterprise.name}：", indent=False),
        Para(f"本机关拟对你单位作出{_amount_text(case, case.proposed_amount)}的行政处罚。根据《中华人民共和国行政"
             f"处罚法》第六十三条、第六十四条的规定，你单位有要求听证的权利。如要求听证，请于"
             f"{chinese_date(case.hearing_due)}前提出；逾期未提出的，视为放弃此权利。"),
        Signature(_authority(case), case.notified_on or timezone.localdate()),
    ])
    return _store(case, "hearing_notice", spec, actor)


def statement_record(case: Case, actor: Any) -> Document:
    spec = Spec(title="陈述申辩记录", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), ("陈述申辩人", case.enterprise.name),
                ("提出时间", cn_datetime(case.statement_at) if case.statement_at else "—"),
                ("提出方式", "网上提交")]),
        Heading("陈述申辩意见"), Para(case.statement),
    ])
    return _store(case, "statement_record", spec, actor)


def hearing_record(case: Case, actor: Any) -> Document:
    spec = Spec(title="听证笔录", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), ("当事人", case.enterprise.name)]), Heading("听证情况"), Para(case.hearing_record),
    ])
    return _store(case, "hearing_record", spec, actor)


def handling_approval(case: Case, actor: Any) -> Document:
    rows = [("案由", case.title), *_party(case), ("违法事实", case.facts),
            ("违法行为代码", case.violation_code), ("裁量阶次", case.tier_label),
            ("基准幅度", f"{rules.yuan(case.amount_min)}至{rules.yuan(case.amount_max)}"),
            ("拟处理意见", _amount_text(case, case.proposed_amount)),
            ("偏离基准理由", case.deviation_reason or "无（在基准幅度内）"),
            ("陈述申辩", case.statement or ("放弃" if case.statement_waived else "期限内未提出")),
            *([("复核意见", _statement_review_line(case))] if case.statement.strip() else []),
            ("听证", case.hearing_record or "未申请")]
    spec = Spec(title="案件处理呈批表", authority=_authority(case), number=case.number, blocks=[
        Fields(rows), Heading("裁量说理"), Para(case.reasoning), Para(f"承办人：{_officers(case)}", indent=False),
    ])
    return _store(case, "handling_approval", spec, actor)


def _statement_review_line(case: Case) -> str:
    if not case.statement_review:
        return "待复核"
    line = f"{case.get_statement_review_display()}：{case.statement_review_reason}"
    if case.statement_amount_before is not None and case.statement_amount_before != case.proposed_amount:
        line += f"（拟罚款由{rules.yuan(case.statement_amount_before)}变更为{rules.yuan(case.proposed_amount)}）"
    return line


def statement_review_record(case: Case, actor: Any) -> Document:
    """陈述申辩复核意见书 (行政处罚法 第四十五条): the party's facts, reasons and evidence, the authority's review and
    whether it adopted them, with its reasons and any change to the proposed penalty; the party may open it."""
    reviewer = case.statement_reviewer.display_name if case.statement_reviewer else "—"
    spec = Spec(title="陈述申辩复核意见书", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), ("陈述申辩人", case.enterprise.name),
                ("提出时间", cn_datetime(case.statement_at) if case.statement_at else "—"),
                ("拟作出的处罚", _amount_text(case, case.statement_amount_before or case.proposed_amount))]),
        Heading("当事人陈述申辩（事实、理由和证据）"), Para(case.statement or "—"),
        Heading("复核意见"),
        Para(rules.statement_review_text(outcome=case.statement_review, reason=case.statement_review_reason,
                                         amount_from=case.statement_amount_before, amount_to=case.proposed_amount)
             or "待复核"),
        Fields([("复核人", reviewer),
                ("复核时间", cn_datetime(case.statement_reviewed_at)
                 if case.statement_reviewed_at else "—")]),
        Para("依据《中华人民共和国行政处罚法》第四十五条，行政机关必须充分听取当事人的意见，对当事人提出的事实、理由和证据，"
             "应当进行复核；当事人提出的事实、理由或者证据成立的，行政机关应当采纳。行政机关不得因当事人陈述、申辩而给予"
             "更重的处罚。", indent=False),
    ])
    return _store(case, "statement_review_record", spec, actor)


def legal_review_opinion(case: Case, review: LegalReview, actor: Any) -> Document:
    """法制审核意见书 (行政处罚法 第五十八条): the cases it lists, what was reviewed, the opinion and the reviewer with
    the 法律职业资格 of 第二款. Internal to the authority's file."""
    reviewer = review.reviewer
    spec = Spec(title="法制审核意见书", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), *_party(case), ("承办人", _officers(case)),
                ("拟处理意见", _amount_text(case, review.amount)),
                ("违法行为代码", case.violation_code or "—"), ("裁量阶次", case.tier_label or "—"),
                ("须法制审核的情形", "；".join(review.reasons) or "—")]),
        Heading("审核内容"),
        Para("执法主体是否合法，执法人员是否具备执法资格；违法事实是否清楚，证据是否确实充分；适用法律依据是否准确；"
             "程序是否合法（告知、陈述申辩及复核、听证）；裁量基准适用是否适当；执法文书是否规范。"),
        Heading("审核意见"),
        Para(f"{review.get_opinion_display()}。" + (rules.sentence(review.text) if review.text else "")),
        Fields([("审核人员", reviewer.display_name),
                ("法律职业资格证书编号", review.qualification or "—（此前已从事法制审核）"),
                ("审核日期", f"{chinese_date(review.reviewed_on)}")]),
        Para("依据《中华人民共和国行政处罚法》第五十八条，有该条第一款所列情形之一的，在行政机关负责人作出行政处罚的决定之前，"
             "应当由从事行政处罚决定法制审核的人员进行法制审核；未经法制审核或者审核未通过的，不得作出决定。"
             + ("审核意见为建议修改或者不同意的，案件退回承办人修改后重新提交审核。" if not review.passed else ""),
             indent=False),
    ])
    return _store(case, "legal_review_opinion", spec, actor)


def _procedure_line(case: Case) -> list[Para]:
    """经法制审核（第58条） / 经负责人集体讨论决定（第57条第2款）, where the file holds them."""
    review = latest_legal_review(case)
    steps = []
    if review is not None and review.passed:
        steps.append(f"于{chinese_date(review.reviewed_on)}经本机关法制审核（行政处罚法第五十八条）")
    discussion = CollectiveDiscussion.objects.filter(case_id=case.pk).first()
    if discussion is not None:
        steps.append(f"于{chinese_date(discussion.held_on)}经本机关负责人集体讨论决定（行政处罚法第五十七条第二款）")
    return [Para("本案" + "，并".join(steps) + "。")] if steps else []


def _payment_days(case: Case) -> int:
    from bureau.kernel.rules import rule

    return int(rule("penalties.payment_days", case.decided_on or timezone.localdate()))


def penalty_decision(case: Case, actor: Any) -> Document:
    spec = Spec(title="行政处罚决定书", authority=_authority(case), number=_number(case, "penalty_decision"), blocks=[
        Fields(_party(case)),
        Para(f"经查，{case.enterprise.name}{case.facts}"),
        # 行政处罚法 第44、45条: the notice, the party's statement (or waiver, or silence) and its review
        Para(rules.statement_paragraph(
            notified_on=case.notified_on, hearing_right=case.hearing_right, statement=case.statement,
            waived=case.statement_waived, answer_due=case.answer_due, outcome=case.statement_review,
            reason=case.statement_review_reason, amount_from=case.statement_amount_before,
            amount_to=case.proposed_amount,
            hearing_on=timezone.localtime(case.hearing_at).date() if case.hearing_record and case.hearing_at else None)),
        Heading("裁量说理"), Para(case.reasoning),
        *([Para(f"偏离基准的理由：{case.deviation_reason}")] if case.deviation_reason else []),
        *_procedure_line(case),
        Para(f"决定：对你单位{_amount_text(case, case.decided_amount)}。"),
        Para(f"罚款自收到本决定书之日起{_payment_days(case)}日内缴至指定银行（行政处罚法第六十七条）"
             + _payment_place(case) + "。到期不缴纳的，每日按罚款数额的百分之三"
             "加处罚款（行政处罚法第七十二条）。" + case.organisation.remedies()),
        Signature(_authority(case), case.decided_on or timezone.localdate()),
    ])
    return _store(case, "penalty_decision", spec, actor)


def _payment_place(case: Case) -> str:
    """Where the fine is paid, from the authority's payment details (data): the collector, its code and account."""
    account = payment_account_for(case, case.decided_on)
    if account is None:
        return ""
    bank = f"，开户银行{account.bank}，账号{account.account_number}" if account.bank and account.account_number else ""
    return (f"：收款单位{account.payee}（执收单位编码{account.collector_code}）{bank}；"
            f"凭缴款码通过{account.channels}缴纳，缴款码在网上办事平台本案页面查看")


def no_penalty_decision(case: Case, actor: Any) -> Document:
    spec = Spec(title="不予行政处罚决定书", authority=_authority(case), number=_number(case, "no_penalty_decision"),
                blocks=[
                    Fields(_party(case)),
                    Para(f"经查，{case.enterprise.name}{case.facts}"),
                    Heading("不予处罚的理由和依据"), Para(case.exemption_basis),
                    Para("决定：对你单位不予行政处罚。你单位应继续落实整改措施，确保隐患按期消除。"),
                    Para(case.organisation.remedies()),
                    Signature(_authority(case), case.decided_on or timezone.localdate()),
                ])
    return _store(case, "no_penalty_decision", spec, actor)


def service_receipt(case: Case, actor: Any, acknowledged: Any = None) -> Document:
    """送达回执 of the decision; for electronic service (`acknowledged`: the DocumentService the party signed) the
    platform's record stands for the signature: who acknowledged, when, and the party's 电子送达确认书."""
    decision = "不予行政处罚决定书" if case.exemption else "行政处罚决定书"
    rows = [("送达文书", decision), ("受送达人", case.enterprise.name), ("送达方式", case.service_method),
            ("送达日期", chinese_date(case.served_on) if case.served_on else "—"), ("送达人", _officers(case))]
    if acknowledged is not None:
        at = timezone.localtime(acknowledged.acknowledged_at)
        consent = consent_of(case.enterprise_id)
        rows += [("送达地址", consent.address if consent else "—"), ("签收人", acknowledged.acknowledged_name),
                 ("签收时间", f"{cn_datetime(at)}{at.second}秒"),
                 ("电子送达确认书", f"{chinese_date(consent.consented_at)}签署" if consent else "—"),
                 ("依据", "《中华人民共和国行政处罚法》第六十一条第二款")]
    spec = Spec(title="送达回执", authority=_authority(case), number=case.number, blocks=[Fields(rows)])
    return _store(case, "service_receipt", spec, actor)


def _execution_rows(case: Case) -> list[tuple[str, str]]:
    """The execution record (行政处罚法 第66、67、72条) as the 结案审批表 shows it."""
    if case.exemption:
        return [("执行情况", "不予行政处罚，无需执行")]
    rows = [("送达日期", chinese_date(case.served_on) if case.served_on else "—"),
            ("缴纳期限", chinese_date(case.payment_due) if case.payment_due else "—")]
    if case.execution_method:
        rows += [("执行方式", case.get_execution_method_display()),
                 ("缴纳金额", rules.yuan(case.paid_amount) if case.paid_amount is not None else "—"),
                 ("缴款（执行）日期", chinese_date(case.paid_on) if case.paid_on else "—"),
                 ("缴款凭证号", case.payment_voucher or "—")]
    rows.append(("执行情况说明", case.execution_note or "—"))
    return rows


def closing_approval(case: Case, actor: Any) -> Document:
    spec = Spec(title="结案审批表", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), ("当事人", case.enterprise.name),
                ("处理结果", "不予行政处罚" if case.exemption else _amount_text(case, case.decided_amount)),
                *_execution_rows(case), ("结案日期", chinese_date(case.closed_on) if case.closed_on else "—"),
                ("审批意见", "同意结案。")]),
    ])
    return _store(case, "closing_approval", spec, actor)


def collective_discussion(case: Case, discussion: CollectiveDiscussion, actor: Any) -> Document:
    """集体讨论记录 (行政处罚法 第五十七条第二款)."""
    people = "、".join(f"{u.display_name}（{u.title or '负责人'}）" for u in discussion.participants.all())
    spec = Spec(title="集体讨论记录", authority=_authority(case), number=case.number, blocks=[
        Fields([("案由", case.title), ("当事人", case.enterprise.name),
                ("讨论时间", f"{chinese_date(discussion.held_on)}"), ("讨论地点", discussion.place),
                ("主持人", discussion.host.display_name), ("参加人员", people),
                ("承办人", _officers(case)),
                ("集体讨论的理由", "；".join(major_reasons(case)) or "负责人决定提交集体讨论"),
                ("拟处理意见", _amount_text(case, case.proposed_amount))]),
        Heading("讨论情况"), Para(discussion.summary),
        Heading("讨论结论"), Para(discussion.conclusion_text),
        Para("依据《中华人民共和国行政处罚法》第五十七条第二款，对情节复杂或者重大违法行为给予行政处罚，行政机关负责人"
             "应当集体讨论决定。", indent=False),
        Para(f"主持人（签名）：{discussion.host.display_name}　　记录人：{actor.display_name if actor else '—'}",
             indent=False),
    ])
    return _store(case, "collective_discussion", spec, actor)


def hearing_schedule_notice(case: Case, actor: Any) -> Document:
    """听证通知书 to the party (行政处罚法 第六十四条)."""
    when = timezone.localtime(case.hearing_at)
    spec = Spec(title="听证通知书", authority=_authority(case), number=_number(case, "hearing_schedule_notice"),
                blocks=[
                    Para(f"{case.enterprise.name}：", indent=False),
                    Para(f"根据你单位的听证申请，本机关决定于{cn_datetime(when)}在{case.hearing_place}就"
                         f"「{case.title}」一案举行听证，拟作出的行政处罚为：{_amount_text(case, case.proposed_amount)}。"),
                    Fields([("听证主持人", case.hearing_host.display_name if case.hearing_host else "—"),
                            ("记录员", case.hearing_clerk.display_name if case.hearing_clerk else "—"),
                            ("案件调查人员", _officers(case))]),
                    Para("根据《中华人民共和国行政处罚法》第六十四条的规定：听证公开举行（涉及国家秘密、商业秘密或者个人隐私"
                         "的除外）；听证由本机关指定的非本案调查人员主持；你单位认为主持人与本案有直接利害关系的，有权申请"
                         "回避；你单位可以亲自参加听证，也可以委托一至二人代理；无正当理由拒不出席听证或者未经许可中途退出"
                         "听证的，视为放弃听证权利。"),
                    Para("请携带营业执照副本、法定代表人身份证明或授权委托书以及有关证据材料，按时参加听证。", indent=False),
                    Signature(_authority(case), case.hearing_notified_on or timezone.localdate()),
                ])
    return _store(case, "hearing_schedule_notice", spec, actor)


def enforcement_reminder(case: Case, actor: Any, *, days_overdue: int) -> Document:
    """履行催告书 (行政强制法 第三十五条、第五十四条; 加处罚款 行政处罚法 第七十二条, 行政强制法 第四十五条)."""
    from bureau.kernel.rules import rule

    on = case.reminder_on or timezone.localdate()
    days = int(rule("penalties.enforcement_notice_days", on))
    pct = int(rule("penalties.late_surcharge_pct", on))
    fine = case.decided_amount or 0
    surcharge = case.reminder_surcharge or 0
    spec = Spec(title="履行催告书", authority=_authority(case), number=_number(case, "enforcement_reminder"), blocks=[
        Para(f"{case.enterprise.name}：", indent=False),
        Para(f"本机关于{chinese_date(case.decided_on)}对你单位作出{_number(case, 'penalty_decision')}行政处罚决定，"
             f"决定罚款人民币{rules.yuan(fine)}，该决定书已于{chinese_date(case.served_on)}送达。你单位应于"
             f"{chinese_date(case.payment_due)}前缴纳罚款，但至今未履行。"),
        Fields([("决定罚款", rules.yuan(fine)), ("缴纳期限", chinese_date(case.payment_due)),
                ("逾期天数", f"{days_overdue}日（截至{chinese_date(on)}）"),
                ("加处罚款", f"{rules.yuan(surcharge)}（每日按罚款数额的{pct}%计算，不超过罚款数额）"),
                ("合计应缴", rules.yuan(fine + surcharge))]),
        Para(f"根据《中华人民共和国行政处罚法》第七十二条第一款第（一）项，到期不缴纳罚款的，每日按罚款数额的{pct}%加处"
             "罚款；根据《中华人民共和国行政强制法》第四十五条第二款，加处罚款的数额不得超出罚款的数额。"),
        Para(f"根据《中华人民共和国行政强制法》第三十五条、第五十四条的规定，现催告你单位自收到本催告书之日起{days}日内"
             "履行上述义务，缴纳罚款及加处罚款（加处罚款计算至实际缴纳之日）。"),
        Para("你单位收到本催告书后有权进行陈述和申辩，可以在履行期限内向本机关书面或通过平台提出；本机关将充分听取你单位"
             "的意见，对提出的事实、理由和证据进行记录、复核（行政强制法第三十六条）。"),
        Para("逾期仍不履行的，本机关将依法申请人民法院强制执行。"),
        Signature(_authority(case), on),
    ])
    return _store(case, "enforcement_reminder", spec, actor)


def _reminder_statement_rows(case: Case) -> list[tuple[str, str]]:
    """The party's statement against the reminder and its review (行政强制法 第三十六条)."""
    if not case.reminder_statement_at:
        return [("当事人陈述申辩", "催告期限内未提出陈述申辩")]
    rows = [("陈述申辩时间", cn_datetime(case.reminder_statement_at)),
            ("当事人陈述申辩", case.reminder_statement)]
    if case.reminder_review:
        rows += [("复核意见", f"{case.get_reminder_review_display()}：{case.reminder_review_reason}"),
                 ("复核时间", chinese_date(case.reminder_reviewed_at) if case.reminder_reviewed_at
                  else "—")]
    else:
        rows.append(("复核意见", "待复核"))
    return rows


def reminder_statement_record(case: Case, actor: Any) -> Document:
    """催告陈述申辩及复核记录 (行政强制法 第三十六条): the party's facts, reasons and evidence, recorded and reviewed."""
    reviewer = case.reminder_reviewer.display_name if case.reminder_reviewer else "—"
    spec = Spec(title="催告陈述申辩及复核记录", authority=_authority(case), number=_number(case, "enforcement_reminder"),
                blocks=[
                    Fields([("案由", case.title), ("陈述申辩人", case.enterprise.name),
                            ("履行催告书", f"{_number(case, 'enforcement_reminder')}（{chinese_date(case.reminder_on)}送达）"
                             if case.reminder_on else "—"),
                            ("提出时间", cn_datetime(case.reminder_statement_at)
                             if case.reminder_statement_at else "—"),
                            ("提出方式", "网上提交")]),
                    Heading("当事人陈述申辩（事实、理由和证据）"), Para(case.reminder_statement or "—"),
                    Heading("复核意见"),
                    Para(f"{case.get_reminder_review_display() or '待复核'}。理由：{case.reminder_review_reason or '—'}"),
                    Fields([("复核人", reviewer),
                            ("复核时间", cn_datetime(case.reminder_reviewed_at)
                             if case.reminder_reviewed_at else "—")]),
                    Para("依据《中华人民共和国行政强制法》第三十六条，当事人收到催告书后有权进行陈述和申辩；行政机关应当充分听取"
                         "当事人的意见，对当事人提出的事实、理由和证据，应当进行记录、复核。当事人提出的事实、理由或者证据成立的，"
                         "行政机关应当采纳。", indent=False),
                ])
    return _store(case, "reminder_statement_record", spec, actor)


def court_application(case: Case, actor: Any) -> Document:
    """强制执行申请书 to the people's court (行政强制法 第五十三条、第五十五条), signed by the head of the authority
    and sealed; internal to the authority's file (not addressed to the party)."""
    fine = case.decided_amount or 0
    surcharge = case.reminder_surcharge or 0
    window = court_window(case)
    decision_no = _number(case, "penalty_decision")
    e = case.enterprise
    spec = Spec(title="强制执行申请书", authority=_authority(case), number=_number(case, "court_application"), blocks=[
        Para(f"{case.court_name}：", indent=False),
        Fields([("申请人", _authority(case)), ("被申请人", e.name), ("统一社会信用代码", e.uscc),
                ("住所地", e.address or "—"), ("法定代表人", e.legal_representative)]),
        Heading("申请事项"),
        Para(f"请求人民法院强制执行本机关{decision_no}行政处罚决定：罚款人民币{rules.yuan(fine)}，及加处罚款人民币"
             f"{rules.yuan(surcharge)}（计至催告日），合计{rules.yuan(fine + surcharge)}。"),
        Heading("事实和理由"),
        Para(f"违法事实：{case.facts}"),
        Para(f"本机关于{chinese_date(case.decided_on)}作出{decision_no}行政处罚决定，"
             f"{_amount_text(case, fine)}，该决定书已于{chinese_date(case.served_on)}以{case.service_method or '直接送达'}"
             f"方式送达，缴纳期限至{chinese_date(case.payment_due)}。"),
        Heading("裁量说理"), Para(case.reasoning or "—"),
        Para(f"被申请人在法定期限内未申请行政复议，也未提起行政诉讼（起诉期限于{chinese_date(window[0] - dt.timedelta(days=1))}届满），"
             "又不履行行政处罚决定。" if window else "被申请人在法定期限内未申请行政复议或者提起行政诉讼，又不履行行政处罚决定。"),
        Heading("催告情况及当事人的意见"),
        Para(f"本机关于{chinese_date(case.reminder_on)}向被申请人送达履行催告书（{_number(case, 'enforcement_reminder')}），"
             f"催告其于十日内履行，截至催告日加处罚款{rules.yuan(surcharge)}；催告书送达十日后被申请人仍未履行"
             "（行政强制法第三十五条、第五十四条）。" if case.reminder_on else "—"),
        Fields(_reminder_statement_rows(case)),
        Heading("申请强制执行标的"),
        Fields([("罚款", rules.yuan(fine)), ("加处罚款", rules.yuan(surcharge)), ("合计", rules.yuan(fine + surcharge)),
                ("已缴纳", rules.yuan(case.paid_amount) if case.paid_amount else "无")]),
        Para("根据《中华人民共和国行政强制法》第五十三条、第五十四条、第五十五条及《中华人民共和国行政处罚法》第七十二条"
             "第一款第（三）项的规定，特申请人民法院强制执行。"),
        Heading("附件"),
        Para("1. 行政处罚决定书及送达回执；2. 作出决定的事实、理由和依据（案件处理呈批表、调查取证笔录）；"
             "3. 履行催告书、当事人的意见及复核记录；4. 申请强制执行标的情况；5. 法律、行政法规规定的其他材料。",
             indent=False),
        Para("本机关负责人（签名）：　　　　　　", indent=False),
        Signature(_authority(case), case.court_applied_on or timezone.localdate()),
    ])
    return _store(case, "court_application", spec, actor)

