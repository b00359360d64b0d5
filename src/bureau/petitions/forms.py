from __future__ import annotations

from django import forms

from bureau.feedback.forms import ServiceRateForm
from bureau.feedback.models import RatingLevel
from bureau.kernel.forms import BureauForm
from bureau.kernel.models import Region
from bureau.kernel.rules import rule
from bureau.petitions.models import PetitionCategory, Urgency


def _regions():  # type: ignore[no-untyped-def]
    return Region.objects.exclude(parent__isnull=True).order_by("sort", "code")


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several photos in one input; type, size and content are checked by the service (rule data)."""

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # type: ignore[no-untyped-def]
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultiplePhotoField, self).clean(f, initial) for f in files]


class MailboxForm(BureauForm):
    """局长信箱 (public)."""

    category = forms.ModelChoiceField(PetitionCategory.objects.filter(is_active=True), label="诉求类别",
                                      empty_label="请选择")
    region = forms.ModelChoiceField(Region.objects.none(), label="所在县（市、区）", empty_label="请选择")
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="诉求内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 6}),
                              help_text="请写明时间、地点、单位和具体事项（不超过3000字）")
    enterprise_name = forms.CharField(label="涉及单位", max_length=120, required=False)
    real_name = forms.BooleanField(label="实名反映（实名诉求可获得答复和回访）", required=False, initial=True)
    petitioner_name = forms.CharField(label="姓名", max_length=40, required=False)
    petitioner_phone = forms.CharField(label="手机号码", max_length=12, required=False)
    photos = MultiplePhotoField(label="现场照片（可选）", required=False)
    location_address = forms.CharField(label="事发地点（可选）", max_length=200, required=False,
                                       help_text="如：盐湖区解放路与中银大道交叉口东北角")
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    captcha = forms.CharField(label="验证码（请计算图中算式）", max_length=4,
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people leave it empty

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()
        self.fields["photos"].help_text = (f"JPG 或 PNG，最多 {rule('petitions.photo_max_count')} 张，每张不超过 "
                                           f"{rule('petitions.photo_max_mb')} MB；照片仅供承办人员核查，不公开")


class ClerkEntryForm(BureauForm):
    """Manual entry of a 12345 / window ticket by the clerk."""

    channel = forms.ChoiceField(label="来源渠道", choices=[("hotline", "12345热线"), ("window", "窗口"),
                                                          ("mailbox", "局长信箱（纸质/邮件）")])
    hotline_ref = forms.CharField(label="12345工单号", max_length=40, required=False)
    category = forms.ModelChoiceField(PetitionCategory.objects.filter(is_active=True), label="诉求类别")
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    region = forms.ModelChoiceField(Region.objects.none(), label="所在区划")
    title = forms.CharField(label="标题", max_length=100)
    content = forms.CharField(label="诉求内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 5}))
    enterprise_name = forms.CharField(label="涉及单位", max_length=120, required=False)
    real_name = forms.BooleanField(label="实名", required=False, initial=True)
    petitioner_name = forms.CharField(label="诉求人", max_length=40, required=False)
    petitioner_phone = forms.CharField(label="联系电话", max_length=12, required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = _regions()


class LookupForm(BureauForm):
    number = forms.CharField(label="诉求编号", max_length=30)
    code = forms.CharField(label="查询码", max_length=20)


class RateForm(ServiceRateForm):
    number = forms.CharField(widget=forms.HiddenInput, max_length=30)
    code = forms.CharField(widget=forms.HiddenInput, max_length=20)
    level = forms.TypedChoiceField(label="您的评价", coerce=int, choices=RatingLevel.choices,
                                   widget=forms.RadioSelect, error_messages={"required": "请选择评价等级"})
