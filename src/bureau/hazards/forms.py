from __future__ import annotations

from django import forms

from bureau.hazards.models import (
    CheckResult,
    CheckState,
    HazardGrade,
    HazardSource,
    ListingEntry,
    RiskLevel,
    RiskMethod,
)
from bureau.kernel.forms import BureauForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
STATE_CHOICES = [("", "全部"), ("reported", "已登记"), ("rectifying", "整改中"), ("awaiting_acceptance", "待验收"),
                 ("accepted", "已验收"), ("closed", "已销号")]


class HazardFilterForm(BureauForm):
    q = forms.CharField(label="名称/编号/企业", required=False)
    state = forms.ChoiceField(label="状态", choices=STATE_CHOICES, required=False)
    grade = forms.ChoiceField(label="等级", choices=[("", "全部"), *HazardGrade.choices], required=False)
    source = forms.ChoiceField(label="来源", choices=[("", "全部"), *HazardSource.choices], required=False)
    overdue = forms.ChoiceField(label="超期", choices=[("", "全部"), ("1", "仅超期")], required=False)


class HazardReportForm(BureauForm):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=18, required=False)
    source = forms.ChoiceField(label="来源", choices=HazardSource.choices, required=False)
    title = forms.CharField(label="隐患名称", max_length=200)
    location = forms.CharField(label="部位", max_length=120, required=False)
    description = forms.CharField(label="隐患描述", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    found_on = forms.DateField(label="发现日期", widget=DATE)
    deadline = forms.DateField(label="整改期限", widget=DATE, required=False,
                               help_text="执法检查发现的隐患必填：责令限期整改指令书确定的期限")
    grade = forms.ChoiceField(label="等级", choices=HazardGrade.choices)
    major_criterion = forms.CharField(label="重大隐患判定依据", max_length=200, required=False,
                                      help_text="如：化工和危险化学品生产经营单位重大生产安全事故隐患判定标准 第X条")
    risk_point: forms.ModelChoiceField = forms.ModelChoiceField(label="关联风险点", queryset=None, required=False)
    violation_code = forms.ChoiceField(
        label="对应违法行为（可选）", required=False,
        help_text="登记时选定、之后不能更改：检查中发现同一违法行为的，可据此申请自查整改免罚")

    def __init__(self, *args, enterprises=None, risk_points=None, is_enterprise=False, violations=(),  # type: ignore[no-untyped-def]
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["violation_code"].choices = [("", "—")] + list(violations)
        self.enterprises = enterprises
        if is_enterprise:
            self.fields["risk_point"].queryset = risk_points
            del self.fields["enterprise"]
            del self.fields["source"]
            del self.fields["deadline"]  # the enterprise sets the deadline of its own hazards in its plan
        else:
            del self.fields["risk_point"]  # an officer's register may hold many thousands of risk points
            self.fields["enterprise"].required = True
            # self-inspection is the enterprise's; alarm leads come from the monitoring systems only
            self.fields["source"].choices = [c for c in HazardSource.choices
                                             if c[0] not in (HazardSource.SELF_INSPECTION, HazardSource.ALARM)]
            self.fields["source"].required = True


    def clean_enterprise(self):  # type: ignore[no-untyped-def]
        code = (self.cleaned_data.get("enterprise") or "").strip().upper()
        enterprise = self.enterprises.filter(uscc=code).first() if code else None
        if enterprise is None:
            raise forms.ValidationError("您的管辖范围内没有该统一社会信用代码的企业")
        return enterprise


class PlanForm(BureauForm):
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    funds = forms.DecimalField(label="整改资金（元）", required=False, min_value=0, max_digits=12, decimal_places=2)
    deadline = forms.DateField(label="整改期限", widget=DATE, required=False)
    responsible_person = forms.CharField(label="整改责任人", max_length=40, required=False)
    contingency = forms.CharField(label="应急预案/防范措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class NoteForm(BureauForm):
    note = forms.CharField(label="意见/说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RiskPointForm(BureauForm):
    name = forms.CharField(label="风险点（部位/场所/设备）", max_length=120)
    hazard_source = forms.CharField(label="危险源/危险有害因素", max_length=200)
    accident_type = forms.CharField(label="可能导致的事故类型", max_length=100, required=False)
    method = forms.ChoiceField(label="评价方法", choices=RiskMethod.choices)
    factor_l = forms.DecimalField(label="L（可能性）", max_digits=6, decimal_places=2)
    factor_e = forms.DecimalField(label="E（暴露频繁程度，LEC 法）", max_digits=6, decimal_places=2, required=False)
    factor_c = forms.DecimalField(label="C（后果，LEC）/ S（严重性，LS）", max_digits=6, decimal_places=2)
    controls = forms.CharField(label="管控措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    control_level = forms.CharField(label="管控层级", max_length=40, required=False)
    responsible_person = forms.CharField(label="管控责任人", max_length=40, required=False)


class RiskFilterForm(BureauForm):
    level = forms.ChoiceField(label="风险等级", choices=[("", "全部"), *RiskLevel.choices], required=False)


class ListingForm(BureauForm):
    reason = forms.CharField(label="督办事由（企业难以自行整改的原因）", widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(label="督办要求", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = forms.DateField(label="整改期限", widget=DATE)


class ListingEntryForm(BureauForm):
    kind = forms.ChoiceField(label="类型", choices=ListingEntry.Kind.choices)
    percent = forms.IntegerField(label="完成进度（%）", required=False, help_text="不能低于上次填报的进度")
    on = forms.DateField(label="日期", widget=DATE, required=False, help_text="不填为今天；不能早于挂牌日期")
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionForm(BureauForm):
    proposed_deadline = forms.DateField(label="申请延期至", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 3}), max_length=1000,
                             help_text="写明不能按期完成整改的原因和已采取的防范措施")


class CheckItemForm(BureauForm):
    content = forms.CharField(label="排查内容", max_length=200, help_text="如：可燃气体报警器指示正常、无泄漏")
    standard = forms.CharField(label="排查标准/依据", max_length=300, required=False)
    frequency: forms.ModelChoiceField = forms.ModelChoiceField(label="排查频次", queryset=None, empty_label=None)
    post = forms.CharField(label="排查岗位", max_length=60, help_text="如：罐区操作工、当班班长")
    responsible_person = forms.CharField(label="包保责任人", max_length=40)

    def __init__(self, *args, frequencies=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["frequency"].queryset = frequencies


class CheckInForm(BureauForm):
    result = forms.ChoiceField(label="排查结果", choices=CheckResult.choices, widget=forms.RadioSelect,
                               initial=CheckResult.NORMAL)
    hazard_title = forms.CharField(label="发现的隐患（结果为发现隐患时填写）", max_length=200, required=False)
    note = forms.CharField(label="情况说明", widget=forms.Textarea(attrs={"rows": 2}), max_length=1000,
                           required=False)


CHECK_STATE_CHOICES = [("", "全部"), ("open", "当前可打卡"), *CheckState.choices]


class CheckFilterForm(BureauForm):
    state = forms.ChoiceField(label="状态", choices=CHECK_STATE_CHOICES, required=False)
    since = forms.DateField(label="时段结束不早于", widget=DATE, required=False)
    until = forms.DateField(label="时段结束不晚于", widget=DATE, required=False)


class SitePlanForm(BureauForm):
    title = forms.CharField(label="图名", max_length=80, initial="厂区平面布置图")
    image = forms.FileField(label="平面图（PNG 或 JPG）",
                            widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}))


class PlacementForm(BureauForm):
    risk_point: forms.ModelChoiceField = forms.ModelChoiceField(label="风险点", queryset=None, empty_label=None)
    x = forms.DecimalField(label="横向位置（从左起，%）", min_value=0, max_value=100, decimal_places=2)
    y = forms.DecimalField(label="纵向位置（从上起，%）", min_value=0, max_value=100, decimal_places=2)

    def __init__(self, *args, risk_points=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["risk_point"].queryset = risk_points
        for name in ("x", "y"):
            self.fields[name].widget.attrs.update({"step": "0.1", "inputmode": "decimal"})
