from __future__ import annotations

from typing import cast

from django import forms

from bureau.enterprises.models import Enterprise, Industry
from bureau.kernel.forms import BureauForm, BureauModelForm
from bureau.kernel.identifiers import IdentifierError, validate_id_number, validate_mobile, validate_uscc
from bureau.kernel.models import Region


class EnterpriseFilterForm(BureauForm):
    q = forms.CharField(label="名称或信用代码", required=False)
    region = forms.ModelChoiceField(label="区划", queryset=Region.objects.all(), required=False, empty_label="全部",
                                    to_field_name="code")
    industry = forms.ChoiceField(label="行业", choices=[("", "全部"), *Industry.choices], required=False)
    is_key = forms.ChoiceField(label="重点企业", choices=[("", "全部"), ("1", "是"), ("0", "否")], required=False)
    grade = forms.ChoiceField(label="标准化等级", required=False,
                              choices=[("", "全部"), ("1", "一级"), ("2", "二级"), ("3", "三级"), ("none", "未达标")])
    credit = forms.ChoiceField(label="诚信等级", required=False,
                               choices=[("", "全部"), ("A", "A级"), ("B", "B级"), ("C", "C级"), ("D", "D级")])


class EnterpriseForm(BureauModelForm):
    class Meta:
        model = Enterprise
        fields = ["uscc", "name", "region", "industry", "sub_sector", "address", "business_scope", "legal_representative",
                  "legal_rep_id_number", "contact_name", "contact_phone", "employees", "established_on",
                  "standardization_grade", "credit_grade", "is_key", "chemical_park", "status"]
        widgets = {"established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "legal_rep_id_number": forms.TextInput(), "contact_phone": forms.TextInput()}

    def __init__(self, *args, regions=None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        if regions is not None:
            cast(forms.ModelChoiceField, self.fields["region"]).queryset = regions
        if self.instance.pk:
            self.fields["uscc"].disabled = True  # the code identifies the enterprise; never changed by a form

    def clean_uscc(self) -> str:
        try:
            return validate_uscc(self.cleaned_data["uscc"])
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc))

    def clean_legal_rep_id_number(self) -> str:
        value = self.cleaned_data.get("legal_rep_id_number", "")
        try:
            return validate_id_number(value) if value else ""
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc))

    def clean_contact_phone(self) -> str:
        value = self.cleaned_data.get("contact_phone", "")
        try:
            return validate_mobile(value) if value else ""
        except IdentifierError as exc:
            raise forms.ValidationError(str(exc))


class ImportForm(BureauForm):
    file = forms.FileField(label="企业名录 Excel 文件（.xlsx）")


class SupervisionImportForm(BureauForm):
    year = forms.ChoiceField(label="分工年度")
    file = forms.FileField(label="分级分类监管分工 Excel 文件（.xlsx）",
                           help_text="列：统一社会信用代码、企业名称、监管层级（市级/县级，可留空）、监管单位")

    def __init__(self, *args, years: tuple[int, int], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        first, last = years
        field = cast(forms.ChoiceField, self.fields["year"])
        field.choices = [(str(y), f"{y} 年") for y in range(last, first - 1, -1)]
        field.initial = str(last)


class RegistrationForm(BureauForm):
    """企业注册 (public): every field is checked again by `registration.registration_submit`."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=18, min_length=18,
                           widget=forms.TextInput(attrs={"type": "text", "autocapitalize": "characters",
                                                         "spellcheck": "false"}))
    name = forms.CharField(label="企业名称", max_length=120, help_text="与营业执照一致",
                           widget=forms.TextInput(attrs={"type": "text", "autocomplete": "organization"}))
    region = forms.ChoiceField(label="所在县（市、区）", required=False,
                               help_text="已在本局企业名录登记的企业按名录为准，可不选")
    industry = forms.ChoiceField(label="行业类别", required=False, choices=[("", "请选择"), *Industry.choices],
                                 help_text="已在本局企业名录登记的企业按名录为准，可不选")
    address = forms.CharField(label="生产经营地址", max_length=200, required=False,
                              widget=forms.TextInput(attrs={"type": "text", "autocomplete": "street-address"}))
    legal_representative = forms.CharField(label="法定代表人", max_length=40,
                                           widget=forms.TextInput(attrs={"type": "text", "autocomplete": "name"}))
    phone = forms.CharField(label="法定代表人手机号码", max_length=11, help_text="用于接收验证码和审核结果",
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric",
                                                          "autocomplete": "tel"}))
    code = forms.CharField(label="短信验证码", max_length=6, required=False,
                           widget=forms.TextInput(attrs={"type": "text", "inputmode": "numeric",
                                                         "autocomplete": "one-time-code"}))
    username = forms.CharField(label="设置用户名", max_length=30, required=False,
                               help_text="4至30位字母、数字或 @ . + - _",
                               widget=forms.TextInput(attrs={"type": "text", "autocomplete": "username"}))
    password = forms.CharField(label="设置密码", required=False, strip=False,
                               help_text="至少10位，包含大写字母、小写字母、数字、符号中的至少三类",
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label="再次输入密码", required=False, strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def __init__(self, *args, regions: list[Region] | None = None, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = [("", "请选择"), *((r.code, r.name) for r in regions or [])]


class RegistrationDecisionForm(BureauForm):
    reason = forms.CharField(label="不予通过的理由", max_length=300, required=False,
                             help_text="申请人将通过短信收到该理由",
                             widget=forms.Textarea(attrs={"rows": 3}))
