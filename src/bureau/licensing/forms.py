"""Forms of licensing pages that pick records (never raw database ids typed by hand)."""

from __future__ import annotations

from django import forms
from django.urls import reverse_lazy

from bureau.kernel.pickers import PickerField


class ProxyEnterpriseForm(forms.Form):
    """The window clerk picks the enterprise that authorised the 代办 (only enterprises of the clerk's jurisdiction:
    the picker's search and the view both read through `restrict`)."""

    enterprise = PickerField(label="委托代办的企业", url=reverse_lazy("enterprises:search"),
                             placeholder="输入企业名称或统一社会信用代码")
