from __future__ import annotations

from django import forms

from bureau.kernel.forms import BureauForm
from bureau.kernel.models import Region
from bureau.training.models import Education, JobType, ReviewKind


class PlanForm(BureauForm):
    job_type = forms.ModelChoiceField(label="工种", queryset=JobType.objects.filter(is_active=True))
    exam_date = forms.DateField(label="考试日期", widget=forms.DateInput(attrs={"type": "date"}))
    registration_closes = forms.DateField(label="报名截止日", widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label="考点", max_length=120)
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=5000)
    region = forms.ChoiceField(label="组织区划")
    provincial_note = forms.CharField(label="省厅考试安排", max_length=200, required=False,
                                      help_text="省厅组织的工种必填：省厅考试时间、地点")
    provincial_notice_no = forms.CharField(label="省厅通知文号", max_length=40, required=False,
                                           help_text="省厅组织的工种必填，如 晋应急培〔2026〕12号")

    def __init__(self, *args, regions=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in (regions or Region.objects.all())]


class RegistrationForm(BureauForm):
    name = forms.CharField(label="姓名", max_length=40, help_text="与居民身份证上的姓名一致")
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="手机号", max_length=11)
    education = forms.ChoiceField(label="文化程度", choices=[("", "请选择"), *Education.choices], required=False)
    employer_uscc = forms.CharField(label="工作单位统一社会信用代码", max_length=18, required=False,
                                    help_text="主要负责人、安全生产管理人员考试必填（须为企业名录中的本行业企业）")
    enterprise_name = forms.CharField(label="工作单位名称", max_length=120, required=False)

    def __init__(self, *args, for_enterprise: bool = False, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if for_enterprise:  # an enterprise account registers its own staff: the employer is the enterprise
            del self.fields["employer_uscc"]
            del self.fields["enterprise_name"]


class ReturnForm(BureauForm):
    reasons = forms.CharField(label="退回理由", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ProvinceImportForm(BureauForm):
    file = forms.FileField(label="省厅回执（.xlsx，列：报名编号、身份证号、接收状态、退回原因、成绩）")


class ReviewApplyForm(BureauForm):
    certificate = forms.TypedChoiceField(label="证书", coerce=int)
    kind = forms.ChoiceField(label="办理事项", choices=ReviewKind.choices)
    training_hours = forms.DecimalField(label="培训学时", min_value=0, max_value=1000, decimal_places=1)
    training_provider = forms.CharField(label="培训机构", max_length=120)
    training_finished_on = forms.DateField(label="培训结束日期", widget=forms.DateInput(attrs={"type": "date"}))
    years_in_trade = forms.IntegerField(label="从事本工种年限", min_value=0, max_value=60, initial=0)
    clean_record = forms.BooleanField(label="本人在证书有效期内无违法违章行为", required=False)

    def __init__(self, *args, certificates=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["certificate"].choices = [(c.pk, f"{c.type.name} {c.number}") for c in certificates]


class DecisionForm(BureauForm):
    decision = forms.ChoiceField(label="审核结果", choices=[("approve", "准予"), ("refuse", "不予通过")])
    note = forms.CharField(label="审核意见", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ScoreLookupForm(BureauForm):
    ticket_no = forms.CharField(label="准考证号", max_length=30)
    id_number = forms.CharField(label="身份证号", max_length=18)


class ResultsImportForm(BureauForm):
    file = forms.FileField(label="成绩表（.xlsx，列：准考证号、身份证号、成绩）")
