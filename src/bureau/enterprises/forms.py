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
