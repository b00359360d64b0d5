from __future__ import annotations

from django import forms

from bureau.feedback.models import RatingLevel
from bureau.kernel.forms import BureauForm


class ServiceRateForm(BureauForm):
    level = forms.TypedChoiceField(label="您对本次服务的评价", coerce=int, choices=RatingLevel.choices,
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label="意见建议", max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class AppealForm(BureauForm):
    reason = forms.CharField(label="申诉理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
