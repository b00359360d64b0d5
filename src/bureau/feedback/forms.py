from __future__ import annotations

from typing import Any

from django import forms

from bureau.feedback.models import RatingLevel
from bureau.kernel.forms import BureauForm


class ServiceRateForm(BureauForm):
    level = forms.TypedChoiceField(label="您对本次服务的评价", coerce=int, choices=RatingLevel.choices,
                                   widget=forms.RadioSelect, error_messages={"required": "请选择评价等级"})
    reasons = forms.MultipleChoiceField(label="差评原因（选择“不满意”或“非常不满意”时必选，可多选）", required=False,
                                        widget=forms.CheckboxSelectMultiple,
                                        error_messages={"invalid_choice": "差评原因不在可选范围内"})
    comment = forms.CharField(label="意见建议（选择“不满意”或“非常不满意”时请写明具体情况）", max_length=500,
                              required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"max_length": "评价内容不超过500字"})

    def __init__(self, *args: Any, reasons: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reasons"]
        if isinstance(field, forms.MultipleChoiceField):
            field.choices = list(reasons.items())


class AppealForm(BureauForm):
    reason = forms.CharField(label="申诉理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
