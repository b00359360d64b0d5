"""Service ratings (政务服务“好差评”, 国办发〔2019〕51号; measures III.9/III.10): one rating of each completed service
(a licensing application, a petition, a window visit …), the follow-up of a bad real-name rating (差评整改) and the
rated unit's appeal against a malicious one (申诉).

The tables keep the names they were created with in the portal (`portal_rating`, `portal_ratingfollowup`,
`portal_ratingappeal`): the models moved here without copying a row (migrations feedback 0001, portal 0002)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_phone
from bureau.kernel.models import ProcessModel


class RatingLevel(models.IntegerChoices):
    """政务服务“好差评”五级评价 (国办发〔2019〕51号)."""

    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    DISSATISFIED = 2, "不满意"
    VERY_DISSATISFIED = 1, "非常不满意"


BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)  # 差评 (国办发〔2019〕51号)


class BadRatingReason(models.Model):
    """One 差评原因 a rater picks with 不满意 / 非常不满意 (data, editable in the admin). The list follows what the
    好差评 evaluates (国办发〔2019〕51号: 政务服务事项管理、办事流程、服务效率、平台便捷性、工作人员的服务态度和服务水平)."""

    code = models.SlugField("代码", max_length=30, unique=True)
    label = models.CharField("差评原因", max_length=60)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")

    class Meta:
        verbose_name = "差评原因"
        verbose_name_plural = verbose_name
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.label


class Rating(models.Model):
    """One rating of one completed service (service_type + service_id; `round` counts re-ratings after a
    reopened petition). Excluded ratings (an upheld appeal against a malicious rating) do not count."""

    authority = Authority(dataset="ratings", label="服务评价", enterprise=None)

    service_type = models.CharField("服务类型", max_length=40)
    service_id = models.CharField("服务编号", max_length=40)
    round = models.PositiveSmallIntegerField("轮次", default=1)
    service_label = models.CharField("服务事项", max_length=200)
    level = models.PositiveSmallIntegerField("评价等级", choices=RatingLevel.choices)
    comment = models.TextField("评价内容", blank=True)
    real_name = models.BooleanField("实名评价", default=False)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    rater_name = models.CharField("评价人", max_length=60, blank=True)
    rater_phone = EncryptedTextField("联系电话", blank=True)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="被评价单位")
    channel = models.CharField("评价渠道", max_length=20, default="web")
    excluded = models.BooleanField("已剔除（申诉成立）", default=False)
    # 差评原因: picked with 不满意 / 非常不满意 (the comment then tells what happened, rules.check_reasons)
    reasons = models.ManyToManyField(BadRatingReason, blank=True, related_name="ratings", verbose_name="差评原因")
    created_at = models.DateTimeField("评价时间", db_index=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务评价"
        verbose_name_plural = verbose_name
        db_table = "portal_rating"  # the table it was created with in the portal (moved without copying)
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["service_type", "service_id", "round"],
                                               name="uniq_rating_service_round")]
        indexes = [
            models.Index(fields=["region", "created_at"], name="rating_region_at"),
            models.Index(fields=["service_type", "created_at"], name="rating_type_at"),
            models.Index(fields=["level", "created_at"], name="rating_level_at"),
        ]

    def __str__(self) -> str:
        return f"{self.service_label} {self.get_level_display()}"

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS

    @property
    def rater_phone_masked(self) -> str:
        return mask_phone(self.rater_phone)


class RatingFollowUp(ProcessModel):
    """差评整改: a bad real-name rating is followed up and rectified within the configured working days."""

    authority = Authority(
        dataset="ratings", label="差评整改", region="rating__region_id", enterprise=None,
    )

    rating = models.OneToOneField(Rating, on_delete=models.CASCADE, related_name="followup")
    organisation = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="整改单位")
    due_date = models.DateField("整改期限", db_index=True)
    due_provisional = models.BooleanField(default=False)
    result = models.TextField("回访整改情况", blank=True)
    done_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "差评整改"
        verbose_name_plural = verbose_name
        db_table = "portal_ratingfollowup"
        ordering = ["due_date", "id"]
        indexes = [models.Index(fields=["state", "due_date"], name="followup_state_due")]


class RatingAppeal(ProcessModel):
    """申诉: the rated unit asks to exclude a malicious rating; a leader decides."""

    authority = Authority(
        dataset="ratings", label="评价申诉", region="rating__region_id", enterprise=None,
        grants=(Grant("申诉人本人", lambda user: models.Q(filed_by=user)),),
    )
    objects = RestrictedQuerySet.as_manager()

    rating = models.ForeignKey(Rating, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField("申诉理由")
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decision = models.TextField("审核意见", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "差评申诉"
        verbose_name_plural = verbose_name
        db_table = "portal_ratingappeal"
        ordering = ["-created_at"]
