from __future__ import annotations

from typing import Any

from django import forms

from bureau.accounts.models import Organisation, OrganisationKind
from bureau.assistance.models import (
    AgencyReport,
    AgencyScope,
    AgencyStaff,
    Enrolment,
    Expert,
    ExpertConflict,
    FirstUseProcess,
    ParkAdmission,
    ParkChecklistItem,
    ReportSpotCheck,
    Specialty,
)
from bureau.kernel.forms import BureauForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _by_uscc(form: Any, field: str = "enterprise") -> object:
    code = (form.cleaned_data.get(field) or "").strip().upper()
    enterprise = form.enterprises.filter(uscc=code).first() if code else None
    if enterprise is None:
        raise forms.ValidationError("没有该统一社会信用代码的企业（或不在您的管辖范围内）")
    return enterprise


class CheckupRequestForm(BureauForm):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=18)
    specialty = forms.ChoiceField(label="所需专业", choices=Specialty.choices)
    topics = forms.CharField(label="体检重点/需要解决的问题", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    planned_on = forms.DateField(label="希望日期", widget=DATE, required=False)

    def __init__(self, *args, enterprises=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises
        if enterprises is None:
            del self.fields["enterprise"]

    def clean_enterprise(self):  # type: ignore[no-untyped-def]
        return _by_uscc(self)


ASSIGN_METHODS = [("draw", "随机抽取（记录随机种子，可复核）"), ("rotation", "轮换（最久未参加的专家优先）"),
                  ("manual", "指定专家")]


class AssignForm(BureauForm):
    method = forms.ChoiceField(label="指派方式", choices=ASSIGN_METHODS, initial="draw", widget=forms.RadioSelect,
                               required=False)
    size = forms.IntegerField(label="专家人数", min_value=1, max_value=9, initial=2, required=False,
                              help_text="随机抽取和轮换时填写")
    experts: forms.ModelMultipleChoiceField[Expert] = forms.ModelMultipleChoiceField(
        label="指定专家", queryset=None, widget=forms.CheckboxSelectMultiple, required=False)
    leader: forms.ModelChoiceField[Expert] = forms.ModelChoiceField(label="组长", queryset=None, required=False,
                                                                     empty_label="（不指定）",
                                                                     help_text="指定专家时选择；不选则由具备所需专业的第一位专家担任")
    planned_on = forms.DateField(label="体检日期", widget=DATE)

    def __init__(self, *args, experts=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts
        self.fields["leader"].queryset = experts

    def clean(self):  # type: ignore[no-untyped-def]
        data = super().clean()
        if not data.get("method"):  # a client that names experts assigns them; otherwise the draw
            data["method"] = "manual" if data.get("experts") else "draw"
        if data.get("method") in ("draw", "rotation") and data.get("experts"):
            self.add_error("method", "已勾选专家：请选择“指定专家”，或取消勾选后随机抽取/轮换")
        if data.get("method") == "manual" and not data.get("experts"):
            self.add_error("experts", "请勾选要指派的专家")
        if data.get("method") in ("draw", "rotation") and not data.get("size"):
            self.add_error("size", "请填写专家人数")
        return data


class LeaderForm(BureauForm):
    leader: forms.ModelChoiceField[Expert] = forms.ModelChoiceField(label="组长", queryset=None)

    def __init__(self, *args, experts=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = experts


class ExpertForm(BureauForm):
    name = forms.CharField(label="姓名", max_length=40)
    specialty = forms.ChoiceField(label="主专业", choices=Specialty.choices)
    secondary_specialties = forms.MultipleChoiceField(label="兼任专业", choices=Specialty.choices, required=False,
                                                      widget=forms.CheckboxSelectMultiple)
    qualification = forms.CharField(label="资格/证书", max_length=200, required=False,
                                    help_text="如：注册安全工程师（化工安全）")
    employer = forms.CharField(label="工作单位", max_length=120, required=False)
    title = forms.CharField(label="职称", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=11, required=False,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
                            help_text="11 位手机号码；修改时不填则保留原号码")
    term_starts_on = forms.DateField(label="聘期开始", widget=DATE)
    term_ends_on = forms.DateField(label="聘期届满", widget=DATE)
    available = forms.BooleanField(label="可接受指派", required=False, initial=True)
    unavailable_until = forms.DateField(label="暂停指派至", widget=DATE, required=False)


class ConflictForm(BureauForm):
    enterprise = forms.CharField(label="企业统一社会信用代码", max_length=18)
    kind = forms.ChoiceField(label="利害关系", choices=ExpertConflict.Kind.choices)
    reason = forms.CharField(label="具体情况", max_length=200, help_text="如：2024 年起任该企业安全顾问")

    def __init__(self, *args, enterprises=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises

    def clean_enterprise(self):  # type: ignore[no-untyped-def]
        return _by_uscc(self)


class RatingForm(BureauForm):
    level = forms.TypedChoiceField(label="评价", coerce=int, choices=[
        (5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")], widget=forms.RadioSelect)
    comment = forms.CharField(label="意见建议", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))


class SpotCheckDrawForm(BureauForm):
    sample_size = forms.IntegerField(label="抽取份数", min_value=1, max_value=100, initial=2)
    issued_from = forms.DateField(label="出具日期自", widget=DATE)
    issued_to = forms.DateField(label="出具日期至", widget=DATE)


class FindingForm(BureauForm):
    title = forms.CharField(label="发现的问题", max_length=200)
    location = forms.CharField(label="部位", max_length=120, required=False)
    grade = forms.ChoiceField(label="等级", choices=[("general", "一般隐患"), ("major", "重大隐患")])
    major_criterion = forms.CharField(label="重大隐患判定依据", max_length=200, required=False)
    basis = forms.CharField(label="依据", max_length=300, required=False)
    suggestion = forms.CharField(label="整改建议", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = forms.DateField(label="建议整改期限", widget=DATE, required=False)


class SubmitForm(BureauForm):
    summary = forms.CharField(label="体检结论", widget=forms.Textarea(attrs={"rows": 3}))
    visited_on = forms.DateField(label="实施日期", widget=DATE, required=False)


class SettleForm(BureauForm):
    """One field of working days per assigned expert (`days_<expert id>`)."""

    def __init__(self, *args, team=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.team = list(team)
        for expert in self.team:
            self.fields[f"days_{expert.pk}"] = forms.DecimalField(
                label=f"{expert.name} 工日", max_digits=4, decimal_places=1, min_value=0.5, max_value=30)

    def days(self) -> dict[int, object]:
        return {e.pk: self.cleaned_data[f"days_{e.pk}"] for e in self.team}


class ParkItemForm(BureauForm):
    checklist_item: forms.ModelChoiceField[ParkChecklistItem] = forms.ModelChoiceField(
        label="整治提升清单项", queryset=ParkChecklistItem.objects.filter(active=True), empty_label="请选择")
    title = forms.CharField(label="具体事项", max_length=200, required=False, help_text="不填为清单项名称")
    responsible = forms.CharField(label="责任单位", max_length=80)
    deadline = forms.DateField(label="完成时限", widget=DATE, help_text="不能早于今天")


class ParkProgressForm(BureauForm):
    percent = forms.IntegerField(label="完成进度（%）", widget=forms.NumberInput(attrs={"min": 0, "max": 100}))
    note = forms.CharField(label="进展情况", max_length=500)
    on = forms.DateField(label="进展日期", widget=DATE, required=False, help_text="不填为今天；不能晚于今天")


class ParkAdmissionForm(BureauForm):
    project = forms.CharField(label="项目名称", max_length=200)
    investor = forms.CharField(label="投资企业", max_length=120)
    products = forms.CharField(label="主要产品及工艺", max_length=300)
    key_processes = forms.CharField(label="涉及的重点监管危险化工工艺", max_length=200, required=False)
    reviewed_on = forms.DateField(label="审查日期", widget=DATE)
    conclusion = forms.ChoiceField(label="审查结论", choices=ParkAdmission.Conclusion.choices)
    opinion = forms.CharField(label="审查意见", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    reviewers = forms.CharField(label="参加审查人员", max_length=300)


class FirstUseForm(BureauForm):
    process_name = forms.CharField(label="工艺名称", max_length=120)
    project = forms.CharField(label="建设项目", max_length=200)
    description = forms.CharField(label="工艺说明（反应类型、危险性、已有试验数据）", widget=forms.Textarea(attrs={"rows": 4}))
    licensing_number = forms.CharField(label="建设项目安全审查办件编号", max_length=30, required=False,
                                       help_text="已申请建设项目安全条件审查或安全设施设计审查的，填写其办件编号")


class FirstUseActForm(BureauForm):
    """The officers' and the province's form: a note (forward, return) and, for the conclusion, the meeting day.
    The enterprise submits with a button only: it never sees these fields."""

    note = forms.CharField(label="意见/结论", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    meeting_on = forms.DateField(label="论证会日期", widget=DATE, required=False)

    def __init__(self, *args, actions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if not set(actions) & {"forward", "return", "pass", "fail"}:
            del self.fields["note"]
        if not set(actions) & {"pass", "fail"}:
            del self.fields["meeting_on"]


class FirstUseUploadForm(BureauForm):
    purpose = forms.ChoiceField(label="材料类别", choices=list(FirstUseProcess.MATERIALS.items()))


class FirstUsePanelForm(BureauForm):
    experts: forms.ModelMultipleChoiceField[Expert] = forms.ModelMultipleChoiceField(
        label="论证专家", queryset=Expert.objects.none(), widget=forms.CheckboxSelectMultiple)
    leader: forms.ModelChoiceField[Expert] = forms.ModelChoiceField(label="组长", queryset=Expert.objects.none(),
                                                                   empty_label="请选择")

    def __init__(self, *args, experts=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts
        self.fields["leader"].queryset = experts


class SignupForm(BureauForm):
    attendees = forms.CharField(label="参加人员", max_length=200)


class ReportForm(BureauForm):
    enterprise = forms.CharField(label="委托企业统一社会信用代码", max_length=18)
    kind = forms.ChoiceField(label="报告类型", choices=AgencyReport.Kind.choices)
    report_number = forms.CharField(label="报告编号", max_length=60)
    title = forms.CharField(label="报告名称", max_length=200)
    issued_on = forms.DateField(label="出具日期", widget=DATE)
    conclusion = forms.CharField(label="评价结论", widget=forms.Textarea(attrs={"rows": 3}))
    signers: forms.ModelMultipleChoiceField[AgencyStaff] = forms.ModelMultipleChoiceField(label="签字评价人员", queryset=None, widget=forms.CheckboxSelectMultiple)
    scope: forms.ModelChoiceField[AgencyScope] = forms.ModelChoiceField(
        label="业务范围", queryset=AgencyScope.objects.all(), required=False, help_text="不选则按委托企业的行业确定")
    file = forms.FileField(label="报告文件（PDF 或 OFD）", widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.ofd"}))

    def __init__(self, *args, enterprises=None, staff=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises
        self.fields["signers"].queryset = staff

    def clean_enterprise(self):  # type: ignore[no-untyped-def]
        return _by_uscc(self)


class SpotCheckForm(BureauForm):
    result = forms.ChoiceField(label="抽查结论", choices=ReportSpotCheck.Result.choices)
    findings = forms.CharField(label="发现问题", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class EnrolForm(BureauForm):
    trainee_name = forms.CharField(label="学员姓名", max_length=40)
    post = forms.ChoiceField(label="岗位", choices=Enrolment.Post.choices)
    id_number = forms.CharField(label="身份证号码", max_length=18, min_length=18)
    phone = forms.CharField(label="手机号码", max_length=11, widget=forms.TextInput(attrs={"type": "tel",
                                                                                      "inputmode": "numeric"}))


class SessionForm(BureauForm):
    on = forms.DateField(label="日期", widget=DATE)
    topic = forms.CharField(label="内容", max_length=120)
    hours = forms.IntegerField(label="学时", min_value=1, max_value=24)


class BatchForm(BureauForm):
    title = forms.CharField(label="批次名称", max_length=120)
    pilot = forms.CharField(label="试点企业统一社会信用代码", max_length=18)
    visit_on = forms.DateField(label="观摩日期", widget=DATE)
    mode = forms.ChoiceField(label="方式", choices=[("on_site", "现场观摩"), ("video", "视频交流")])
    capacity = forms.IntegerField(label="名额（企业数）", min_value=1, max_value=1000)
    signup_closes_on = forms.DateField(label="报名截止", widget=DATE)

    def __init__(self, *args, enterprises=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.enterprises = enterprises

    def clean_pilot(self):  # type: ignore[no-untyped-def]
        return _by_uscc(self, "pilot")


class CourseForm(BureauForm):
    title = forms.CharField(label="课程名称", max_length=120)
    partner = forms.CharField(label="联合主办", max_length=80, initial="运城市人力资源和社会保障局")
    starts_on = forms.DateField(label="开班日期", widget=DATE)
    ends_on = forms.DateField(label="结业日期", widget=DATE, required=False, help_text="一天的培训班可不填")
    hours = forms.IntegerField(label="学时", min_value=1, max_value=200)
    location = forms.CharField(label="地点", max_length=120)
    capacity = forms.IntegerField(label="名额", min_value=1, max_value=1000)
    enrol_closes_on = forms.DateField(label="报名截止", widget=DATE)
    co_organiser: forms.ModelChoiceField[Organisation] = forms.ModelChoiceField(
        label="联合主办单位（平台账号）", required=False, empty_label="无（只填名称）",
        queryset=Organisation.objects.filter(kind=OrganisationKind.DEPARTMENT, is_active=True))
