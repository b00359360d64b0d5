from __future__ import annotations

from django import forms

from bureau.kernel.forms import BureauForm
from bureau.kernel.models import Region
from bureau.training.models import JobType


class PlanForm(BureauForm):
    job_type = forms.ModelChoiceField(label="工种", queryset=JobType.objects.filter(is_active=True))
    exam_date = forms.DateField(label="考试日期", widget=forms.DateInput(attrs={"type": "date"}))
    registration_closes = forms.DateField(label="报名截止日", widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label="考点", max_length=120)
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=5000)
    region = forms.ChoiceField(label="组织区划")
    provincial_note = forms.CharField(label="省厅考试安排", max_length=200, required=False,
                                      help_text="省厅组织的工种必填：省厅考试时间、地点和通知文号")

    def __init__(self, *args, regions=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in (regions or Region.objects.all())]


class RegistrationForm(BureauForm):
    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="手机号", max_length=11)
    enterprise_name = forms.CharField(label="工作单位", max_length=120, required=False)


class ScoreLookupForm(BureauForm):
    ticket_no = forms.CharField(label="准考证号", max_length=30)
    id_number = forms.CharField(label="身份证号", max_length=18)


class ResultsImportForm(BureauForm):
    file = forms.FileField(label="成绩表（.xlsx，列：准考证号、身份证号、成绩）")
