from __future__ import annotations

from django import forms

from bureau.certificates.models import CertificateStatus, CertificateType
from bureau.kernel.forms import BureauForm
from bureau.kernel.models import Region


class FilterForm(BureauForm):
    q = forms.CharField(label="证书编号/持证人", required=False)
    type = forms.ChoiceField(label="证照类型", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部"), *CertificateStatus.choices])
    region = forms.ChoiceField(label="区划", required=False)

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = [("", "全部")] + [(t.code, t.name) for t in CertificateType.objects.all()]
        self.fields["region"].choices = [("", "全部")] + [(r.code, r.name) for r in Region.objects.all()]


class StatusForm(BureauForm):
    action = forms.ChoiceField(choices=[("suspend", "暂扣"), ("revoke", "吊销"), ("withdraw", "撤销"),
                                        ("void", "注销"), ("reinstate", "恢复")], label="操作")
    note = forms.CharField(label="原因和依据", max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class RenewForm(BureauForm):
    valid_from = forms.DateField(label="新有效期起", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", max_length=200, required=False)


class ReviewForm(BureauForm):
    years_in_trade = forms.IntegerField(label="连续从事本工种年限", min_value=0, max_value=60, initial=0)
    # the field is named as the form posts it; Django's form metaclass takes fields off the class, so BaseForm.clean()
    # is untouched at run time (mypy sees only the class attribute)
    clean = forms.BooleanField(label="期间无违法违规行为", required=False)  # type: ignore[assignment]
    note = forms.CharField(label="说明", max_length=200, required=False)


class MailingForm(BureauForm):
    recipient_name = forms.CharField(label="收件人", max_length=40)
    recipient_phone = forms.CharField(label="收件人手机号", max_length=11)
    address = forms.CharField(label="收件地址", max_length=200)


class ShipForm(BureauForm):
    courier = forms.CharField(label="快递公司", max_length=40, initial="中国邮政EMS")
    tracking_no = forms.CharField(label="运单号", max_length=40)


class ImportForm(BureauForm):
    file = forms.FileField(label="Excel 文件（.xlsx）")


class VerifyForm(BureauForm):
    code = forms.CharField(label="核验码", max_length=64, help_text="扫描证书上的二维码，或输入二维码下方的32位核验码")


class KioskIdForm(BureauForm):
    id_number = forms.CharField(label="身份证号码", max_length=18)


class KioskCodeForm(BureauForm):
    code = forms.CharField(label="短信验证码", max_length=6)
