"""Forms of the penalties area (server-side errors next to the field)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.urls import reverse_lazy
from django.utils.text import format_lazy

from bureau.kernel.forms import BureauForm
from bureau.kernel.pickers import PickerField, RecordPicker
from bureau.penalties import rules
from bureau.penalties.models import EvidenceKind, ExemptionKind
from bureau.penalties.workbook import FIELD_LABELS


def _search_url(name: str, params: dict[str, str]) -> Any:
    return format_lazy("{}?{}", reverse_lazy(name), urlencode(params)) if params else reverse_lazy(name)


# The records a case is opened from (立案来源), picked by kind and then searched (bureau.kernel.pickers): kind →
# (label, the record's type as stored on the case, its search endpoint with the filter that fits a case source).
SOURCE_KINDS: dict[str, tuple[str, str, Any]] = {
    "inspection": ("执法检查", "inspection.inspection",
                   _search_url("inspection:search_inspections", {"carried_out": "1"})),
    "patrol": ("网上巡查线索", "inspection.patrolrecord", _search_url("inspection:search_patrols", {"lead": "open"})),
    "petition": ("举报投诉", "petitions.petition", _search_url("petitions:search", {})),
}
SOURCE_TYPES = {source_type: kind for kind, (_, source_type, _) in SOURCE_KINDS.items()}


class CaseOpenForm(BureauForm):
    enterprise = PickerField(label="当事人（企业）", required=False, url=reverse_lazy("enterprises:search"),
                             placeholder="输入企业名称或统一社会信用代码",
                             help_text="输入名称中的几个字或信用代码开头，从列表中选择")
    enterprise_uscc = forms.CharField(max_length=18, required=False, widget=forms.HiddenInput)
    second_officer = forms.ChoiceField(label="协办执法人员")
    title = forms.CharField(label="案由", max_length=200, required=False,
                            help_text="从检查发现立案时可留空，使用隐患名称")
    facts = forms.CharField(label="违法事实", widget=forms.Textarea(attrs={"rows": 4}), required=False)
    source_kind = forms.ChoiceField(label="案件来源", required=False, choices=[("", "其他（直接立案）")] + [
        (kind, label) for kind, (label, _, _) in SOURCE_KINDS.items()])
    source_record = forms.CharField(
        label="来源记录", required=False, max_length=60,
        widget=RecordPicker(urls={k: url for k, (_, _, url) in SOURCE_KINDS.items()}, kind_from="id_source_kind", params={"enterprise": "id_enterprise"},
                            placeholder="先选择案件来源，再输入编号或企业名称搜索"),
        help_text="检查（已入企实施的）、待处置的巡查线索或举报投诉；只能选择您管辖范围内的记录")
    hazard = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, officers=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["second_officer"].choices = [("", "请选择")] + [
            (str(u.pk), f"{u.display_name}（执法证号 {u.enforcement_id}）") for u in officers]

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("enterprise") and not data.get("enterprise_uscc") and not data.get("hazard"):
            self.add_error("enterprise", "请选择当事人企业")
        kind, record = data.get("source_kind") or "", (data.get("source_record") or "").strip()
        data["source"] = None
        if record:
            chosen_kind, _, number = record.rpartition(":")
            chosen_kind = chosen_kind or kind
            if chosen_kind not in SOURCE_KINDS or not number.isdigit() or len(number) > 18:
                self.add_error("source_record", "请从搜索结果中选择来源记录")
            elif kind and chosen_kind != kind:
                self.add_error("source_record", "来源记录与所选的案件来源类型不符，请重新选择")
            else:
                data["source"] = (chosen_kind, int(number))
        elif kind and "source_record" in self.fields:
            self.add_error("source_record", f"请选择{SOURCE_KINDS[kind][0]}的来源记录")
        return data


class EvidenceForm(BureauForm):
    prefix = "ev"
    kind = forms.ChoiceField(label="笔录种类", choices=EvidenceKind.choices)
    recorded_on = forms.DateField(label="制作日期", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="地点", max_length=200)
    content = forms.CharField(label="笔录内容", widget=forms.Textarea(attrs={"rows": 4}))
    officers = forms.MultipleChoiceField(label="执法人员（不少于2人）", widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, officers=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["officers"].choices = [(str(u.pk), f"{u.display_name}（{u.enforcement_id or '无执法证'}）")
                                           for u in officers]


EXEMPTION_ONLY = ("minor_violation", "no_harm", "no_fault")  # facts of 行政处罚法 第33条 rather than 从轻 factors
# 初次违法 / 一年内再犯 are not ticked: they come from the enterprise's cases (with an override and its reason)
CIRCUMSTANCE_CHOICES = (
    [(k, f"应当从轻或者减轻（第三十二条）：{v}") for k, v in rules.STATUTORY_MITIGATING.items()]
    + [(k, f"不予处罚条件（第三十三条）：{v}") for k, v in rules.MITIGATING.items() if k in EXEMPTION_ONLY]
    + [(k, f"从轻：{v}") for k, v in rules.MITIGATING.items()
       if k not in rules.STATUTORY_MITIGATING and k not in rules.HISTORY and k not in EXEMPTION_ONLY]
    + [(k, f"从重：{v}") for k, v in rules.AGGRAVATING.items() if k not in rules.HISTORY])
OVERRIDE_CHOICES = [("", "按系统认定"), ("yes", "更正为：属于"), ("no", "更正为：不属于")]


def override_value(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value or "")


class ProposalForm(BureauForm):
    """裁量建议: the facts (violation, quantity in its unit, stage, named facts) select the benchmark row; the
    circumstances then act as the law says; the history (初次违法 / 一年内再犯) is computed and may be corrected only
    with a reason."""

    violation_search = forms.CharField(label="查找违法行为", max_length=100, required=False,
                                       help_text="输入处罚依据（如「第九十七条」「97条」）或违法行为的文字，点「查找」",
                                       widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}))
    violation_code = forms.ChoiceField(label="违法行为（裁量基准）")
    quantity = forms.DecimalField(label="违法数量", required=False, min_value=0, max_digits=14, decimal_places=2,
                                  widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                                  error_messages={"invalid": "违法数量应为数字", "min_value": "违法数量不能为负数"})
    stage = forms.ChoiceField(label="阶段", choices=list(rules.STAGE_LABELS.items()), initial=rules.STAGE_ORDER)
    target = forms.ChoiceField(label="处罚对象", choices=list(rules.TARGET_LABELS.items()), initial=rules.TARGET_UNIT)
    facts = forms.MultipleChoiceField(label="查明的情形（基准各阶次所列）", required=False,
                                      widget=forms.CheckboxSelectMultiple)
    circumstances = forms.MultipleChoiceField(label="查明的情节", choices=CIRCUMSTANCE_CHOICES, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    first_offence_override = forms.ChoiceField(label="初次违法", choices=OVERRIDE_CHOICES, required=False)
    repeat_override = forms.ChoiceField(label="一年内再犯", choices=OVERRIDE_CHOICES, required=False)
    override_reason = forms.CharField(label="更正认定的理由", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                                      help_text="仅在更正系统认定时填写，如其他机关作出的处罚决定（写明文号）")
    amount = forms.IntegerField(label="拟罚款（元）", min_value=0, required=False,
                                help_text="先点「试算」查看阶次和幅度；超出幅度须填写偏离理由",
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    deviation_reason = forms.CharField(label="偏离基准理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    complex_case = forms.BooleanField(label="情节复杂（须经负责人集体讨论决定，行政处罚法第五十七条第二款）",
                                      required=False)

    def __init__(self, *args, violations=(), violation=None, history=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["violation_code"].choices = [("", "请选择")] + list(violations)
        unit = rules.QUANTITY_UNITS.get(violation.quantity_unit, "") if violation else ""
        if unit:
            self.fields["quantity"].label = f"违法数量（{unit}）"
            self.fields["quantity"].help_text = f"按该违法行为基准的计量单位「{unit}」填写，系统据此确定阶次"
        else:
            self.fields["quantity"].help_text = "该违法行为的阶次不按数量确定时可不填"
        self.fields["facts"].choices = [(f, f) for f in (violation.facts if violation else [])]
        self.facts_empty = not self.fields["facts"].choices
        if history is not None:
            self.fields["first_offence_override"].help_text = "系统认定：" + history.text
            self.fields["first_offence_override"].choices = [
                ("", f"按系统认定（{'属于' if history.first_offence else '不属于'}）"), *OVERRIDE_CHOICES[1:]]
            self.fields["repeat_override"].choices = [
                ("", f"按系统认定（{'属于' if history.repeat else '不属于'}）"), *OVERRIDE_CHOICES[1:]]


class ExemptionForm(BureauForm):
    prefix = "ex"
    kind = forms.ChoiceField(label="免罚类型", choices=[c for c in ExemptionKind.choices if c[0]])
    violation_code = forms.ChoiceField(label="本案违法行为", required=False,
                                       help_text="首违不罚须选择；自查免罚据此与自查隐患登记的违法行为比对")
    hazard = forms.ChoiceField(label="企业自查隐患（自查免罚）", required=False,
                               help_text="先列与本案违法行为相同的自查隐患（同一违法行为代码或检查项）")
    link_reason = forms.CharField(
        label="关联理由（所选隐患不在“相同”一组时必填）", required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="写明该自查隐患与本案违法行为为同一问题的事实，记入免罚依据并留痕（措施二第8条）")
    circumstances = forms.MultipleChoiceField(label="查明的情节（行政处罚法第三十三条）", choices=CIRCUMSTANCE_CHOICES,
                                              required=False, widget=forms.CheckboxSelectMultiple)
    first_offence_override = forms.ChoiceField(label="初次违法（首违不罚）", choices=OVERRIDE_CHOICES, required=False,
                                               help_text="由系统根据当事人的案件记录认定；更正须写明理由")
    override_reason = forms.CharField(label="更正认定的理由", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, hazards=(), violations=(), matching=None, **kwargs):  # type: ignore[no-untyped-def]
        """`matching` and `hazards`: the self-found hazards that are the case's violation and the others (measure
        II.8); the form lists the matching ones first."""
        super().__init__(*args, **kwargs)

        def label(h):  # type: ignore[no-untyped-def]
            code = f"［{h.violation_code}］" if h.violation_code else "［未注明违法行为］"
            return str(h.pk), f"{h.number} {h.title}{code}（{h.reported_at:%Y-%m-%d} 登记）"

        if matching is None:
            choices = [("", "—")] + [label(h) for h in hazards]
        else:
            choices = [("", "—")]
            if matching:
                choices.append(("与本案违法行为相同", [label(h) for h in matching]))
            if hazards:
                choices.append(("其他自查隐患（须写明关联理由）", [label(h) for h in hazards]))
        self.fields["hazard"].choices = choices
        self.fields["violation_code"].choices = [("", "—")] + list(violations)


class ExecutionForm(BureauForm):
    """记录执行情况 (行政处罚法 第66、67、72条); the service checks the combination (rules.check_execution)."""

    prefix = "exec"
    method = forms.ChoiceField(label="执行方式", choices=[("", "请选择")] + list(rules.EXECUTION_METHODS.items()),
                               error_messages={"required": "请选择执行方式", "invalid_choice": "请选择执行方式"})
    amount = forms.IntegerField(label="缴纳金额（元）", min_value=0, required=False,
                                help_text="自觉、分期、延期缴纳时必填，不超过决定罚款",
                                error_messages={"invalid": "缴纳金额应为整数（元）", "min_value": "缴纳金额不能为负数"},
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    paid_on = forms.DateField(label="缴款（执行）日期", required=False,
                              help_text="不早于决定书送达日期，不晚于今天",
                              error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    voucher = forms.CharField(label="缴款凭证号", max_length=60, required=False,
                              error_messages={"max_length": "缴款凭证号不能超过60个字符"})
    court_name = forms.CharField(label="受理法院", max_length=100, required=False,
                                 help_text="申请人民法院强制执行时必填，如：运城市盐湖区人民法院",
                                 error_messages={"max_length": "受理法院不能超过100个字符"})
    applied_on = forms.DateField(label="申请强制执行日期", required=False,
                                 help_text="申请人民法院强制执行时必填：起诉期限届满后三个月内（行政强制法第五十三条）",
                                 error_messages={"invalid": "日期格式应为 YYYY-MM-DD"},
                                 widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    note = forms.CharField(label="执行情况说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class VoucherForm(BureauForm):
    """The party's 缴款凭证 (行政处罚法 第67条): what it paid, when, the voucher number and the file; the service checks
    them as the officer's execution record would be checked (rules.check_execution) and the file by content."""

    prefix = "voucher"
    amount = forms.IntegerField(label="缴款金额（元）", min_value=1,
                                error_messages={"required": "请填写缴款金额", "invalid": "缴款金额应为整数（元）",
                                                "min_value": "缴款金额应大于0"},
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    paid_on = forms.DateField(label="缴款日期", help_text="不早于决定书送达日期，不晚于今天",
                              error_messages={"required": "请填写缴款日期", "invalid": "日期格式应为 YYYY-MM-DD"},
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    number = forms.CharField(label="缴款凭证号（票据号码）", max_length=60,
                             error_messages={"required": "请填写缴款凭证号", "max_length": "缴款凭证号不能超过60个字符"})
    file = forms.FileField(label="缴款凭证文件", help_text="电子缴款凭证（PDF、OFD）或纸质凭证的照片（JPG、PNG），不超过10 MB",
                           error_messages={"required": "请上传缴款凭证文件"},
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.ofd,.jpg,.jpeg,.png"}))


def _people(users) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(str(u.pk), f"{u.display_name}" + (f"（{u.title}）" if u.title else "")) for u in users]


class DiscussionForm(BureauForm):
    """集体讨论记录 (行政处罚法 第57条第2款); the service checks the host, the number of participants and the
    conclusion (rules.check_discussion)."""

    prefix = "cd"
    held_on = forms.DateField(label="讨论日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"required": "请填写讨论日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    place = forms.CharField(label="地点", max_length=200, error_messages={"required": "请填写讨论地点"})
    host = forms.ChoiceField(label="主持人（负责人）", error_messages={"required": "请选择主持人",
                                                                 "invalid_choice": "请选择主持人"})
    participants = forms.MultipleChoiceField(label="参加人员（负责人、科室负责人，含主持人不少于3人）",
                                             widget=forms.CheckboxSelectMultiple,
                                             error_messages={"required": "请选择参加人员",
                                                             "invalid_choice": "参加人员须为本机关负责人或科室负责人"})
    summary = forms.CharField(label="讨论情况（各参加人员的意见）", widget=forms.Textarea(attrs={"rows": 4}),
                              error_messages={"required": "请填写讨论情况"})
    conclusion = forms.ChoiceField(label="讨论结论", choices=[("", "请选择")] + list(rules.CONCLUSIONS.items()),
                                   error_messages={"required": "请选择讨论结论", "invalid_choice": "请选择讨论结论"})
    amount = forms.IntegerField(label="变更后的罚款（元）", min_value=1, required=False,
                                help_text="结论为「变更罚款金额」时填写",
                                error_messages={"invalid": "罚款金额应为整数（元）", "min_value": "罚款金额应大于0"},
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}), required=False,
                             help_text="变更罚款或不予处罚时必填")

    def __init__(self, *args, leaders=(), candidates=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["host"].choices = [("", "请选择")] + _people(leaders)
        self.fields["participants"].choices = _people(candidates)


class HearingScheduleForm(BureauForm):
    """安排听证 (行政处罚法 第64条): the service checks the seven days and that the host is not an investigator."""

    prefix = "hs"
    hearing_on = forms.DateField(label="听证日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                 help_text="通知之日起不少于7日",
                                 error_messages={"required": "请填写听证日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    hearing_time = forms.TimeField(label="开始时间", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                                   error_messages={"required": "请填写开始时间", "invalid": "时间格式应为 HH:MM"})
    place = forms.CharField(label="听证地点", max_length=200, error_messages={"required": "请填写听证地点"})
    host = forms.ChoiceField(label="听证主持人（非本案调查人员）",
                             error_messages={"required": "请指定听证主持人", "invalid_choice": "请指定听证主持人"})
    clerk = forms.ChoiceField(label="记录员", error_messages={"required": "请指定记录员",
                                                           "invalid_choice": "请指定记录员"})

    def __init__(self, *args, staff=(), investigators=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # the investigators stay selectable so that choosing one is refused with the rule (第64条第（四）项)
        choices = [("", "请选择")] + [(k, v + ("（本案调查人员）" if int(k) in investigators else ""))
                                   for k, v in _people(staff)]
        self.fields["host"].choices = choices
        self.fields["clerk"].choices = choices


class BenchmarkImportForm(BureauForm):
    """The upload of a benchmark workbook and what the importer states about it (penalties.workbook)."""

    file = forms.FileField(label="裁量基准表（.xlsx；本系统模板格式也可为 .csv）")
    version = forms.CharField(label="版本名称", max_length=60, required=False,
                              help_text="如「山西省2025版」；同一版本再次导入不会重复写入")
    source = forms.CharField(label="来源文件（名称和文号）", max_length=200, required=False,
                             help_text="如《山西省应急管理行政处罚裁量权基准》（晋应急发〔2025〕×号）")
    reference = forms.CharField(label="出处链接", max_length=300, required=False,
                                help_text="公布该基准的政府网站页面（http:// 或 https://）")
    level = forms.ChoiceField(label="层级", required=False,
                              choices=[("", "请选择"), *rules.LEVEL_LABELS.items()])
    effective_from = forms.DateField(label="生效日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    above_inclusive = forms.BooleanField(label="「以上」含本数", required=False, initial=True)
    below_inclusive = forms.BooleanField(label="「以下」含本数", required=False, initial=True)


class BenchmarkMappingForm(BureauForm):
    """Which column of the workbook is which: one choice per header text (penalties.workbook.FIELD_LABELS)."""

    def __init__(self, *args: Any, columns: Sequence[tuple[str, str, list[str]]] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from_labels = list(FIELD_LABELS.items())
        self.headers: dict[str, str] = {}
        for i, (header, chosen, samples) in enumerate(columns):
            name = f"col_{i}"
            self.headers[name] = header
            self.fields[name] = forms.ChoiceField(label=header, choices=from_labels, initial=chosen, required=False,
                                                  help_text=("例：" + " / ".join(samples)) if samples else "")

    def mapping(self) -> dict[str, str]:
        return {header: self.cleaned_data[name] or "ignore" for name, header in self.headers.items()}


class BenchmarkConfirmForm(BureauForm):
    close_earlier = forms.BooleanField(label="确认为上列旧版本条目设定失效日期", required=False)


class StatementReviewForm(BureauForm):
    """复核当事人的陈述申辩 (行政处罚法 第45条); the service checks the reasons and the changed amount
    (rules.check_statement_review)."""

    prefix = "sr"
    outcome = forms.ChoiceField(label="复核结果", choices=[("", "请选择")] + list(rules.STATEMENT_OUTCOMES.items()),
                                help_text="当事人提出的事实、理由或者证据成立的，应当采纳（行政处罚法第四十五条）",
                                error_messages={"required": "请选择复核结果", "invalid_choice": "请选择复核结果"})
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请写明复核理由（采纳、部分采纳、不采纳均须说明理由）"})
    amount = forms.IntegerField(label="变更后的拟罚款（元）", min_value=1, required=False,
                                help_text="采纳或部分采纳后拟罚款变更时填写；不得高于原拟罚款（行政处罚法第四十五条第二款）",
                                error_messages={"invalid": "罚款金额应为整数（元）", "min_value": "罚款金额应大于0"},
                                widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class LegalReviewForm(BureauForm):
    """法制审核 (行政处罚法 第58条); 建议修改 / 不同意 returns the case for correction."""

    prefix = "lr"
    reviewed_on = forms.DateField(label="审核日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"required": "请填写审核日期", "invalid": "日期格式应为 YYYY-MM-DD"})
    opinion = forms.ChoiceField(label="审核意见", choices=[("", "请选择")] + list(rules.LEGAL_OPINIONS.items()),
                                help_text="建议修改或不同意的，案件退回承办人修改后重新提交审核",
                                error_messages={"required": "请选择审核意见", "invalid_choice": "请选择审核意见"})
    text = forms.CharField(label="意见内容", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                           help_text="建议修改的，写明修改意见；不同意的，写明理由")
