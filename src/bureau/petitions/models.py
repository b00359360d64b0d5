"""Petitions (诉求): 12345 hotline tickets, the director's mailbox on the portal and the window (measure III.9).

Closed loop 受理 → 派单 → 办理 → 答复 → 督办 → 办结 → 回访 → 评价 (domain §7). Handling limits, routing rules and
categories are data (tables below, edited in the admin, each with its source and effective date).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_phone
from bureau.kernel.models import ProcessModel


class Channel(models.TextChoices):
    HOTLINE = "hotline", "12345热线"
    MAILBOX = "mailbox", "局长信箱"
    WINDOW = "window", "窗口"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "紧急"
    COMPLEX = "complex", "复杂"


class PetitionCategory(models.Model):
    """A kind of petition (投诉举报 / 咨询 / 建议 / 求助 …)."""

    code = models.CharField("类别代码", max_length=30, unique=True)
    name = models.CharField("类别名称", max_length=40)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "诉求类别"
        verbose_name_plural = verbose_name
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


class HandlingLimit(models.Model):
    """A handling time limit by category and urgency (category empty: every category). Urgent ones in hours.

    Domain §7: urgent 24 h, general 5–7 working days, complex 15 (local rules of the 12345 platform).
    """

    class Unit(models.TextChoices):
        WORKING_DAYS = "working_days", "工作日"
        HOURS = "hours", "小时"

    category = models.ForeignKey(PetitionCategory, null=True, blank=True, on_delete=models.CASCADE,
                                 verbose_name="类别（空为全部）")
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices)
    amount = models.PositiveSmallIntegerField("时限")
    unit = models.CharField("单位", max_length=20, choices=Unit.choices, default=Unit.WORKING_DAYS)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")

    class Meta:
        verbose_name = "办理时限"
        verbose_name_plural = verbose_name
        ordering = ["urgency", "category", "-effective_from"]
        indexes = [models.Index(fields=["urgency", "effective_from"], name="petition_limit_lookup")]

    def __str__(self) -> str:
        return f"{self.category or '全部'} {self.get_urgency_display()} {self.amount}{self.get_unit_display()}"


class RoutingRule(models.Model):
    """派单规则: the first active rule (by `order`) whose conditions all match sends the ticket to `target`.

    Empty conditions match everything; `region` matches the petition's region, `keyword` any word in its text.
    """

    order = models.PositiveSmallIntegerField("顺序", default=100)
    name = models.CharField("规则名称", max_length=80)
    category = models.ForeignKey(PetitionCategory, null=True, blank=True, on_delete=models.CASCADE,
                                 verbose_name="类别")
    region = models.ForeignKey("kernel.Region", null=True, blank=True, on_delete=models.CASCADE,
                               verbose_name="区划")
    keywords = models.CharField("关键词", max_length=200, blank=True, help_text="以空格分隔，任一出现即匹配")
    to_region_bureau = models.BooleanField("派往属地县级应急管理局", default=False,
                                           help_text="勾选后派往诉求所在区划的县级局，忽略下方目标机构")
    target = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name="目标机构")
    is_active = models.BooleanField("启用", default=True)
    source = models.CharField("依据", max_length=200, blank=True)

    class Meta:
        verbose_name = "派单规则"
        verbose_name_plural = verbose_name
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class Petition(ProcessModel):
    """One petition ticket. Text is stored as typed and always rendered escaped (never as HTML)."""

    authority = Authority(
        dataset="petitions", label="诉求", enterprise=None,
        grants=(
            Grant("提交人本人", lambda user: models.Q(submitted_by=user)),
            Grant("承办单位", lambda user: models.Q(assigned_org_id=user.organisation_id)
                  if user.organisation_id else None, roles=R.STAFF_ROLES),
        ),
    )

    number = models.CharField("编号", max_length=30, unique=True)
    check_digest = models.CharField(max_length=64, editable=False)
    channel = models.CharField("来源渠道", max_length=20, choices=Channel.choices)
    hotline_ref = models.CharField("12345工单号", max_length=40, null=True, blank=True, unique=True)
    category = models.ForeignKey(PetitionCategory, on_delete=models.PROTECT, verbose_name="类别")
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField("标题", max_length=100)
    content = models.TextField("诉求内容")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所在区划")
    enterprise_name = models.CharField("涉及单位", max_length=120, blank=True)
    petitioner_name = models.CharField("诉求人", max_length=40, blank=True)
    petitioner_phone = EncryptedTextField("联系电话", blank=True)
    phone_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    real_name = models.BooleanField("实名", default=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name="登记/提交人")
    received_at = models.DateTimeField("受理时间", db_index=True)
    assigned_org = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="petitions", verbose_name="承办单位")
    routing_rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    dispatched_at = models.DateTimeField("派单时间", null=True, blank=True)
    return_until = models.DateField("可退回截止", null=True, blank=True)
    due_at = models.DateTimeField("办理期限", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField(default=False)
    reply = models.TextField("答复内容", blank=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True, db_index=True)
    replied_on_time = models.BooleanField("按时答复", null=True, blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    supervised_count = models.PositiveSmallIntegerField("督办次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    rating_level = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="duplicates", verbose_name="合并至")
    # 12345 two-way: the hotline platform account whose token pushed the ticket (it alone reads it back)
    hotline_client = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name="12345平台账号")
    # escalation (催办/督办): the dispatch and sign-for deadlines, the last escalation (repeats at an interval)
    dispatch_due_at = models.DateTimeField("派单期限", null=True, blank=True)
    accept_due_at = models.DateTimeField("签收期限", null=True, blank=True)
    last_escalated_at = models.DateTimeField("最近催办", null=True, blank=True)
    # the place the citizen points at (address typed; coordinates only if the phone allowed it)
    location_address = models.CharField("事发地点", max_length=200, blank=True)
    latitude = models.DecimalField("纬度", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("经度", max_digits=9, decimal_places=6, null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = verbose_name
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["region", "state", "-received_at"], name="petition_region_state"),
            models.Index(fields=["assigned_org", "state", "due_at"], name="petition_org_state_due"),
            models.Index(fields=["state", "due_at"], name="petition_state_due"),
            models.Index(fields=["phone_index", "received_at"], name="petition_phone_received"),
            models.Index(fields=["hotline_client", "hotline_ref"], name="petition_hotline_client_ref"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @staticmethod
    def digest(number: str, code: str) -> str:
        key = settings.SECRET_KEY.encode()
        return hmac.new(key, f"{number}:{code.strip().upper()}".encode(), hashlib.sha256).hexdigest()

    def code_matches(self, code: str) -> bool:
        return hmac.compare_digest(self.check_digest, Petition.digest(self.number, code))

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.petitioner_phone)

    @property
    def is_open(self) -> bool:
        return self.state in {"received", "dispatched", "handling", "supervised", "reopened", "returned"}


class HotlineOutbox(models.Model):
    """One result or status change owed to the 12345 platform (a transactional outbox: the row is written in the
    transaction of the change it reports). Delivered by the outbox job: claimed with a lease, posted with its
    idempotency key, acknowledged by a conditional UPDATE; a killed worker's lease runs out and the row is sent
    again with the same key, which the platform drops (docs/petitions.md, the outbox contract)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待推送"
        DELIVERED = "delivered", "已推送"
        FAILED = "failed", "推送失败"

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="hotline_events")
    idempotency_key = models.CharField("幂等键", max_length=80, unique=True)
    event = models.CharField("事件", max_length=20)
    payload = models.JSONField("内容")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField("推送次数", default=0)
    next_attempt_at = models.DateTimeField("下次推送")
    lease_until = models.DateTimeField(null=True, blank=True)
    leased_by = models.CharField(max_length=64, blank=True)
    last_error = models.CharField("最近错误", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间")
    delivered_at = models.DateTimeField("推送时间", null=True, blank=True)

    class Meta:
        verbose_name = "12345回传"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "next_attempt_at", "id"], name="hotline_outbox_due")]

    def __str__(self) -> str:
        return self.idempotency_key
