from __future__ import annotations

from django import forms

from bureau.accounts.models import User
from bureau.accounts.tokens import scope_catalogue
from bureau.feedback.forms import ServiceRateForm
from bureau.feedback.models import RatingLevel
from bureau.kernel.forms import BureauForm
from bureau.kernel.models import Region
from bureau.portal.models import Consultation, LawTopic
from bureau.portal.sharing import DATASET_FIELDS, SCOPES

# Scopes of the shared data sets that are not also a record kind of the platform (listed with the others).
SHARED_ONLY = frozenset(s for s in SCOPES if s.startswith("decisions:"))

DATASET_LABELS = {"enterprises": "企业", "certificates": "证照", "decisions": "处罚决定"}


class ConsultationForm(BureauForm):
    channel = forms.ChoiceField(label="方式", choices=Consultation.Channel.choices)
    topic = forms.ChoiceField(label="主题", choices=LawTopic.choices)
    visitor_name = forms.CharField(label="咨询人（可不填）", max_length=40, required=False)
    question = forms.CharField(label="咨询内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    answer = forms.CharField(label="答复内容", max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))


class WindowRateForm(ServiceRateForm):
    """好差评 of a window visit: the same questions as every rating (差评原因 on 不满意/非常不满意)."""
    level = forms.TypedChoiceField(label="您对本次窗口服务的评价", coerce=int, choices=RatingLevel.choices,
                                   widget=forms.RadioSelect, error_messages={"required": "请选择评价等级"})
    rater_name = forms.CharField(label="姓名（实名评价可不填）", max_length=40, required=False)
    rater_phone = forms.CharField(label="手机号码", max_length=12, required=False)


class TokenIssueForm(BureauForm):
    name = forms.CharField(label="令牌名称", max_length=100, help_text="如：市市场监管局-企业信息共享")
    user = forms.ModelChoiceField(User.objects.none(), label="使用单位账号")
    scopes = forms.MultipleChoiceField(label="授权范围", choices=[], widget=forms.CheckboxSelectMultiple)
    regions = forms.ModelMultipleChoiceField(Region.objects.none(), label="限定区划（不选为全部）", required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def _chosen(self) -> set[str]:
        return set(self["scopes"].value() or [])

    def scope_rows(self) -> list[dict[str, object]]:
        """The data sets' scopes as rows (data set, read, act) for the table on the page."""
        chosen, catalogue = self._chosen(), scope_catalogue()
        rows: dict[str, dict[str, object]] = {}
        for value, label in catalogue.items():
            dataset, _, mode = value.partition(":")
            if mode not in ("read", "write") or value in SHARED_ONLY:
                continue
            row = rows.setdefault(dataset, {"label": label.rsplit("（", 1)[0], "read": None, "write": None})
            row[mode] = {"value": value, "label": label, "checked": value in chosen}
        return sorted(rows.values(), key=lambda r: str(r["label"]))

    def other_scopes(self) -> list[dict[str, object]]:
        """Scopes that are not a data set's read or act: shared data sets, the 12345 push, `privileged`."""
        chosen = self._chosen()
        return [{"value": v, "label": label, "checked": v in chosen} for v, label in scope_catalogue().items()
                if v.partition(":")[2] not in ("read", "write") or v in SHARED_ONLY]
    expires_on = forms.DateField(label="有效期至", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (User.objects.filter(is_active=True, organisation__isnull=False,
                                                            enterprise__isnull=True)
                                        .select_related("organisation").order_by("organisation__sort", "username"))
        self.fields["user"].label_from_instance = lambda u: f"{u.organisation.name} · {u.display_name}"
        self.fields["scopes"].choices = list(scope_catalogue().items())
        self.fields["regions"].queryset = Region.objects.exclude(parent__isnull=True).order_by("sort", "code")
        for dataset, fields in DATASET_FIELDS.items():
            self.fields[f"fields_{dataset}"] = forms.MultipleChoiceField(
                label=f"可见字段：{DATASET_LABELS[dataset]}（不选为全部）", choices=list(fields.items()), required=False,
                widget=forms.CheckboxSelectMultiple)


class LicenceForm(BureauForm):
    uscc = forms.CharField(label="统一社会信用代码", max_length=18)
