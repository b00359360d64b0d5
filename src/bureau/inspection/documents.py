"""执法文书 of an inspection in the order of the case file (domain §5): 现场检查记录, 责令限期整改指令书,
整改复查意见书. Layout: the kernel's official layout (GB/T 9704-2012 where it applies)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from bureau.inspection.models import Inspection, ResultOutcome
from bureau.kernel.documents import (
    Fields,
    Grid,
    Heading,
    Para,
    Signature,
    Spec,
    chinese_date,
    cn_datetime,
    store_document,
)
from bureau.kernel.models import Document
from bureau.kernel.numbering import next_number


def _officers(inspection: Inspection) -> str:
    return "、".join(f"{o.display_name}（执法证号 {o.enforcement_id}）" for o in inspection.officers.all())


def _number(kind: str, short: str, inspection: Inspection) -> str:
    year = timezone.localdate().year  # a document is numbered in the year it is issued, not the plan year
    org = inspection.organisation
    # each authority its own 机关代字 and sequence, no padding (GB/T 9704-2012 7.2.4: 不编虚位)
    seq = next_number(f"doc_{kind}", year, pattern="{seq}", scope=org.bureau.code)
    return f"{org.number_prefix}{short}〔{year}〕{seq}号"


def issue_site_record(inspection: Inspection, *, actor: Any) -> Document:
    """现场检查记录: who, where, when, what was checked item by item, what was found."""
    e = inspection.enterprise
    rows = []
    for r in inspection.results.select_related("item").order_by("item__seq"):
        rows.append([str(r.item.seq), r.item.content, r.get_outcome_display(), r.note or "—", r.item.citation])
    checked_in = timezone.localtime(inspection.checked_in_at) if inspection.checked_in_at else None
    finished = timezone.localtime(inspection.finished_at) if inspection.finished_at else timezone.localtime()
    spec = Spec(
        title="现场检查记录",
        authority=inspection.organisation.full_name,
        number=_number("site_record", "检记", inspection),
        blocks=[
            Fields([
                ("被检查单位", e.name), ("统一社会信用代码", e.uscc), ("地址", e.address),
                ("法定代表人（负责人）", e.legal_representative), ("检查类型", inspection.get_kind_display()),
                ("检查场所", e.address or e.name),
                ("检查时间", f"{cn_datetime(checked_in)} 至 {finished.hour}时{finished.minute}分" if checked_in else
                 chinese_date(finished.date())),
                ("检查人员", _officers(inspection)), ("检查依据", f"《{inspection.checklist.name}》（{inspection.checklist.version}）"),
            ]),
            Para("我们是" + inspection.organisation.name + "行政执法人员，已向你出示执法证件。依法对你单位进行现场检查，"
                 "你单位有如实回答询问、配合检查的义务。"),
            Heading("检查情况："),
            Grid(["序号", "检查内容", "结果", "情况说明", "依据"], rows, widths=[0.07, 0.33, 0.1, 0.25, 0.25]),
            Para(inspection.summary or "（无补充说明）"),
            Para("检查人员（签名）：__________　　被检查单位现场负责人（签名）：__________", indent=False),
            Signature(inspection.organisation.name, timezone.localdate(), seal=False),
        ],
        footer="本记录一式两份，一份交被检查单位，一份存档。",
    )
    return store_document(owner=inspection, kind="site_record", spec=spec, actor=actor, sort=10)


def issue_rectification_order(inspection: Inspection, *, actor: Any) -> Document:
    """责令限期整改指令书: each finding with its legal basis and the deadline."""
    e = inspection.enterprise
    findings = inspection.results.filter(outcome=ResultOutcome.FINDING).select_related("item", "hazard")
    blocks: list[Any] = [Para(f"{e.name}：", indent=False),
                         Para(f"经查，你单位存在下列问题（检查编号 {inspection.number}）：")]
    for i, r in enumerate(findings, 1):
        hazard = f"（隐患编号 {r.hazard.number}）" if r.hazard is not None else ""
        blocks.append(Para(f"{i}. {r.item.content}：{r.note}{hazard}。依据：{r.item.citation}。"))
    deadline = inspection.rectification_deadline
    blocks += [
        Para("依据《中华人民共和国安全生产法》第六十五条第一款第（三）项的规定，现责令你单位于"
             f"{chinese_date(deadline) if deadline else '　　'}前整改完毕，达到有关法律法规规章和标准规定的要求。"
             "由于你单位原因逾期未整改的，依法予以处理。整改期间，应当采取措施确保安全。"),
        # 行政复议法（2023修订）第24条: the review body is the issuing bureau's own people's government (the choice of
        # the department one level up is gone since 2024-01-01); 第42条 / 行政诉讼法 第56条: the order is not suspended
        Para(inspection.organisation.remedies(act="本指令", received="收到本指令书").rstrip("。")
             + "，但本指令不停止执行，法律另有规定的除外。"),
        Para(f"执法人员：{_officers(inspection)}", indent=False),
        Signature(inspection.organisation.name, timezone.localdate()),
    ]
    spec = Spec(title="责令限期整改指令书", authority=inspection.organisation.full_name,
                number=_number("rectification_order", "责改", inspection), blocks=blocks,
                footer="本文书一式两份，一份交被检查单位，一份存档。")
    return store_document(owner=inspection, kind="rectification_order", spec=spec, actor=actor, sort=20)


def issue_recheck_opinion(inspection: Inspection, *, actor: Any, hazards: list[Any], passed: dict[int, bool]
                          ) -> Document:
    """整改复查意见书: per hazard, rectified or not, and the opinion."""
    e = inspection.enterprise
    orders = inspection.documents().filter(kind="rectification_order").order_by("-created_at").first()
    rows = [[h.number, h.title, "已整改" if passed.get(h.pk, h.state in {"accepted", "closed"}) else "未完成整改"]
            for h in hazards]
    spec = Spec(
        title="整改复查意见书", authority=inspection.organisation.full_name,
        number=_number("recheck_opinion", "复查", inspection),
        blocks=[
            Para(f"{e.name}：", indent=False),
            Para(f"本机关于{chinese_date(inspection.finished_at.date()) if inspection.finished_at else ''}作出了"
                 f"{orders.number if orders else '责令限期整改指令书'}，经对你单位整改情况进行复查，提出如下意见："),
            Grid(["隐患编号", "问题", "复查结论"], rows, widths=[0.25, 0.5, 0.25]),
            Para(inspection.recheck_opinion or ""),
            Para(f"复查人员：{_officers(inspection)}", indent=False),
            Signature(inspection.organisation.name, timezone.localdate()),
        ],
        footer="本文书一式两份，一份交被复查单位，一份存档。",
    )
    return store_document(owner=inspection, kind="recheck_opinion", spec=spec, actor=actor, sort=30)


def issue_service_consent(consent: Any, *, actor: Any) -> Document:
    """电子送达确认书 as signed on the platform (行政处罚法 第61条第2款): the enterprise, the service address, the text
    it agreed to, who signed and when."""
    e = consent.enterprise
    signed = timezone.localtime(consent.consented_at)
    spec = Spec(
        title="电子送达确认书", authority=e.name, number=f"{e.uscc}",
        blocks=[
            Fields([("受送达人", e.name), ("统一社会信用代码", e.uscc), ("送达地址", consent.address),
                    ("签署人", consent.consented_name), ("签署时间", cn_datetime(signed))]),
            Para(consent.text),
        ],
        footer="本确认书由受送达企业用户在平台在线签署，平台记录签署人、签署时间和来源地址。",
    )
    return store_document(owner=consent, kind="service_consent", spec=spec, actor=actor, sort=0)
