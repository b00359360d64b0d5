"""Forms of the inspection screens (parsing only; the rules live in services)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone

from bureau.enterprises.models import Industry
from bureau.inspection.checklists import checklists_in_force
from bureau.inspection.models import Checklist, ExceptionReason
from bureau.kernel.forms import BureauForm
from bureau.kernel.pickers import PickerField


def enterprise_picker(label: str = "企业", **params: str) -> PickerField:
    """An enterprise chosen by name or code (the search answers only the officer's jurisdiction)."""
    return PickerField(label=label, url=reverse_lazy("enterprises:search"), placeholder="输入企业名称或统一社会信用代码",
                       help_text="输入名称中的几个字或信用代码开头，从列表中选择", params=params or None)


class PlanForm(BureauForm):
    year = forms.IntegerField(label="计划年度", min_value=2000, max_value=2100)
    officers = forms.IntegerField(label="执法人员数", min_value=1, required=False,
                                  help_text="留空则按本单位持证执法人员自动统计")
    other_enforcement_days = forms.IntegerField(label="其他执法工作日（人·日）", min_value=0, initial=0,
                                                help_text="事故调查、专项行动、案件办理等")
    non_enforcement_days = forms.IntegerField(label="非执法工作日（人·日）", min_value=0, initial=0,
                                              help_text="培训、会议、值班等")
    random_share_target = forms.IntegerField(label="双随机检查占比目标（%）", min_value=0, max_value=100, initial=50)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class PlanEntryForm(BureauForm):
    enterprise = forms.IntegerField(label="企业", widget=forms.Select)
    months = forms.CharField(label="计划月份", help_text="用逗号分隔，如 3,9")
    frequency = forms.IntegerField(label="检查频次", min_value=1, max_value=12, initial=1)
    note = forms.CharField(label="备注", required=False, max_length=200)

    def clean_months(self) -> list[int]:
        raw = self.cleaned_data["months"].replace("，", ",")
        try:
            return [int(x) for x in raw.split(",") if x.strip()]
        except ValueError as exc:
            raise forms.ValidationError("月份请填写数字，用逗号分隔") from exc


def officer_field(officers: list[Any], label: str = "检查人员") -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, widget=forms.CheckboxSelectMultiple,
        choices=[(o.pk, f"{o.display_name}（执法证 {o.enforcement_id}）") for o in officers])


class DrawForm(BureauForm):
    title = forms.CharField(label="抽查任务名称", max_length=120)
    checklist = forms.ModelChoiceField(label="检查事项（检查表）", queryset=Checklist.objects.filter(is_active=True),
                                       required=False)
    industry = forms.ChoiceField(label="行业", choices=[("", "全部行业"), *Industry.choices], required=False)
    region = forms.CharField(label="区划代码", required=False, max_length=12, help_text="市局可按县（市、区）筛选")
    risk = forms.ChoiceField(label="风险", required=False, choices=[
        ("", "全部"), ("high", "较高风险（诚信 C/D 或未达标）"), ("normal", "一般风险")])
    size = forms.IntegerField(label="抽取数量（家）", min_value=1, required=False)
    ratio = forms.FloatField(label="或抽查比例（%）", min_value=0.01, max_value=100, required=False)
    draw_at = forms.DateTimeField(
        label="抽取时间", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
        help_text="公告后到点抽取：随机种子由公告时承诺的随机数和抽取时间后才产生的公共随机数共同决定，任何人不能指定")

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"] = officer_field(officers, "执法人员池")
        # only the versions in force today are offered (checklists.draw_filters refuses any other)
        cast(forms.ModelChoiceField, self.fields["checklist"]).queryset = checklists_in_force()


class ChecklistImportForm(BureauForm):
    file = forms.FileField(label="执法检查表文件（.xlsx 或 .csv）",
                           help_text="第一行为列名；每行一个检查项；可包含多张检查表（按“检查表名称＋版本”区分）")


class RedoForm(BureauForm):
    reason = forms.CharField(label="重新公告原因", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ExceptionalForm(BureauForm):
    enterprise = enterprise_picker()
    reason = forms.ChoiceField(label="检查事由", choices=ExceptionReason.choices)
    reference = forms.CharField(label="线索来源", max_length=200, help_text="举报编号、事故编号或巡查记录")

    def __init__(self, *args: Any, officers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officers"] = officer_field(officers)


class PatrolPlanForm(BureauForm):
    industry = forms.ChoiceField(label="行业", choices=Industry.choices)
    title = forms.CharField(label="计划名称", max_length=120)
    content = forms.CharField(label="巡查内容", widget=forms.Textarea(attrs={"rows": 3}))
    channel = forms.CharField(label="巡查方式", max_length=60)
    every_days = forms.IntegerField(label="巡查周期（天）", min_value=1, max_value=366)
    handling = forms.CharField(label="处置方式", max_length=200)


class PatrolRecordForm(BureauForm):
    plan = forms.IntegerField(label="巡查计划", widget=forms.Select)
    enterprise = enterprise_picker()
    patrolled_on = forms.DateField(label="巡查日期", widget=forms.DateInput(attrs={"type": "date"}))
    finding = forms.CharField(label="发现问题", required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text="无问题请留空；填写后形成待处置线索")


class ConflictForm(BureauForm):
    enterprise = enterprise_picker()
    reason = forms.CharField(label="回避事由", max_length=200)
