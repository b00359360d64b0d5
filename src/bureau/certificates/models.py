"""The certificate register (证照): enterprise licences and personal certificates of the three key posts.

Core model started by the foundation so that licensing can issue into it; the certificates area completes it
(e-certificates, verification, reminders, printing, mailing).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.certificates.workflow import MAILING_STAFF
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import Timeline


class HolderKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    PERSON = "person", "个人"


class CertificateType(models.Model):
    """A kind of certificate with its validity and review rules as data (domain §4), with source and date."""

    code = models.CharField("类型代码", max_length=40, unique=True)
    name = models.CharField("证照名称", max_length=80)
    holder_kind = models.CharField("持证主体", max_length=20, choices=HolderKind.choices)
    validity_months = models.PositiveSmallIntegerField("有效期（月）")
    renew_ahead_days = models.PositiveSmallIntegerField("提前申请天数", default=90,
                                                        help_text="有效期届满前多少天内申请延期/换证")
    review_interval_months = models.PositiveSmallIntegerField("复审间隔（月）", null=True, blank=True)
    review_window_days = models.PositiveSmallIntegerField("复审申请期（天）", null=True, blank=True)
    renew_rule = models.CharField("提前申请规则", max_length=10, default="before",
                                  choices=[("before", "届满前至少N天申请"), ("within", "届满前N天内申请")])
    extended_review_interval_months = models.PositiveSmallIntegerField(
        "延长后复审间隔（月）", null=True, blank=True, help_text="特种作业：连续从事本工种10年以上且无违法行为的，复审延至每6年1次")
    clean_years_for_extension = models.PositiveSmallIntegerField("延长复审所需从业年限", null=True, blank=True)
    kiosk_printable = models.BooleanField("可自助打印", default=False, help_text="三项岗位人员证书可在自助终端打印")
    number_prefix = models.CharField("编号前缀", max_length=20, blank=True)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")

    class Meta:
        verbose_name = "证照类型"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class CertificateStatus(models.TextChoices):
    VALID = "valid", "有效"
    DUE_FOR_REVIEW = "due_for_review", "待复审"
    EXPIRED = "expired", "已过期"
    SUSPENDED = "suspended", "暂扣"
    REVOKED = "revoked", "已吊销"
    WITHDRAWN = "withdrawn", "已撤销"
    VOID = "void", "注销/失效"


# the statuses in which an enterprise still holds its licence: at most one per kind and scope (the constraint below)
HELD_STATUSES = ("valid", "due_for_review", "suspended")


def _holder_q(user: Any) -> models.Q | None:
    """An individual sees the certificates issued to them (matched by the blind index of their ID number)."""
    from bureau.kernel.crypto import blind_index

    return models.Q(holder_id_index=blind_index(user.id_number)) if user.id_number else None


class Certificate(Timeline):
    """One certificate. `verify_code` is random and unguessable: it is what the 2-D code carries. Its status is
    driven by `certificates.workflow.WORKFLOW`; its history (issue, review, extension, suspension …) is the timeline.
    Records outside the workflow (the Excel import of existing certificates) are written by the register's
    officers of the jurisdiction."""

    authority = Authority(
        dataset="certificates", label="证照",
        grants=(Grant("持证人本人", _holder_q),),
        change=frozenset({R.SYSADMIN, R.LICENSING_OFFICER, R.SECTION_HEAD}),
    )

    number = models.CharField("证书编号", max_length=60, unique=True)
    type = models.ForeignKey(CertificateType, on_delete=models.PROTECT, related_name="certificates",
                             verbose_name="证照类型")
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="certificates", verbose_name="持证企业/所在企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    holder_name = models.CharField("持证人/单位", max_length=120)
    holder_id_number = EncryptedTextField("持证人身份证号", blank=True)
    holder_id_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    holder_phone = EncryptedTextField("持证人手机号", blank=True)
    scope_text = models.CharField("许可范围/作业类别", max_length=300, blank=True)
    issuing_authority = models.CharField("发证机关", max_length=100)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至", db_index=True)
    next_review_due = models.DateField("下次复审日期", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=20, choices=CertificateStatus.choices,
                              default=CertificateStatus.VALID, db_index=True)
    review_extended = models.BooleanField("复审延长至6年", default=False)
    action_kind = models.CharField("待办事项", max_length=20, blank=True)
    action_due = models.DateField("申请截止日", null=True, blank=True)
    verify_code = models.CharField("核验码", max_length=40, unique=True, editable=False)
    # the current version (CertificateVersion.version_no): 变更, 延期 and 换证 make a new one; verify_code is its code
    version_no = models.PositiveSmallIntegerField("版本", default=1)
    # which licence of its kind this is for the enterprise ("" = the enterprise as a whole); NULL for personal
    # certificates, which the one-licence rule does not concern
    scope_key = models.CharField("许可对象", max_length=120, null=True, blank=True, editable=False)
    source_type = models.CharField("来源", max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "证照"
        verbose_name_plural = verbose_name
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "valid_until"], name="cert_region_status_until"),
            models.Index(fields=["enterprise", "status"], name="cert_enterprise_status"),
            models.Index(fields=["action_due", "status"], name="cert_action_due"),
            models.Index(fields=["status", "valid_until"], name="cert_status_until"),
            models.Index(fields=["status", "next_review_due"], name="cert_status_review"),
            models.Index(fields=["region", "action_due"], name="cert_region_action_due"),
            models.Index(fields=["updated_at"], name="cert_updated_at"),
        ]
        constraints = [
            # an enterprise never holds two licences of one kind for one scope (行政许可法 第49、50条: a licence is
            # changed or continued, not issued again; docs/certificates.md)
            models.UniqueConstraint(fields=["enterprise", "type", "scope_key"], name="uniq_held_licence",
                                    condition=models.Q(status__in=HELD_STATUSES, scope_key__isnull=False,
                                                       enterprise__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.type.name} {self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.verify_code:
            self.verify_code = secrets.token_urlsafe(24)
        from bureau.kernel.crypto import blind_index

        self.holder_id_index = blind_index(self.holder_id_number) if self.holder_id_number else ""
        super().save(*args, **kwargs)

    @property
    def holder_id_masked(self) -> str:
        return mask_id_number(self.holder_id_number)

    @property
    def holder_phone_masked(self) -> str:
        return mask_phone(self.holder_phone)

    @property
    def is_personal(self) -> bool:
        return self.type.holder_kind == HolderKind.PERSON

    @property
    def public_holder_name(self) -> str:
        from bureau.certificates.rules import mask_person_name

        return mask_person_name(self.holder_name) if self.is_personal else self.holder_name

    def current_status(self, today: Any = None) -> str:
        import datetime as dt

        from bureau.certificates.rules import effective_status

        return effective_status(stored=self.status, valid_until=self.valid_until, review_due=self.next_review_due,
                                review_window_days=self.type.review_window_days, today=today or dt.date.today())

    def current_status_label(self) -> str:
        return CertificateStatus(self.current_status()).label


class VersionReason(models.TextChoices):
    ISSUE = "issue", "发证"
    CHANGE = "change", "变更"
    EXTENSION = "extension", "延期"
    RENEWAL = "renewal", "延期换证"
    REVIEW = "review", "复审"


class CertificateVersion(models.Model):
    """One version of a certificate: what was printed on it (a snapshot), its validity, why it was made (发证,
    变更, 延期 …), its own verification code and its one signed PDF with the digest. A newer version supersedes
    it: verification by its code then answers "已被新版本替代" and points to the current one."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="versions",
                                    verbose_name="证照")
    version_no = models.PositiveSmallIntegerField("版本")
    reason = models.CharField("事由", max_length=12, choices=VersionReason.choices)
    verify_code = models.CharField("核验码", max_length=40, unique=True)
    holder_name = models.CharField("持证人/单位", max_length=120)
    scope_text = models.CharField("许可范围/作业类别", max_length=300, blank=True)
    issued_on = models.DateField("本版发证日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至")
    printed = models.JSONField("证面内容", default=list, blank=True)
    changes = models.JSONField("变更内容", default=list, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    source_type = models.CharField("来源", max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)
    document = models.ForeignKey("kernel.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name="电子证照文件")
    sha256 = models.CharField("文件摘要（SHA-256）", max_length=64, blank=True)
    signer = models.CharField("签名人", max_length=200, blank=True)
    signed_at = models.DateTimeField("签名时间", null=True, blank=True)

    class Meta:
        verbose_name = "证照版本"
        verbose_name_plural = verbose_name
        ordering = ["certificate", "-version_no"]
        constraints = [models.UniqueConstraint(fields=["certificate", "version_no"], name="uniq_cert_version")]

    def __str__(self) -> str:
        return f"{self.certificate_id} 第{self.version_no}版"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Reminder(models.Model):
    """One expiry reminder owed to a certificate: unique per (certificate, window closing day, offset).

    The daily sweep claims a slot by inserting the row (a conflict means it exists: never twice) and delivers it by a
    conditional UPDATE from pending to sent in the same transaction as the inbox and SMS records (measure III.8).
    """

    class Status(models.TextChoices):
        PENDING = "pending", "待发送"
        SENT = "sent", "已发送"
        FAILED = "failed", "发送失败"

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="reminders")
    due_date = models.DateField("申请截止日")
    offset_days = models.PositiveSmallIntegerField("提前天数")
    kind = models.CharField("事项", max_length=20)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    channels = models.CharField("渠道", max_length=60, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "到期提醒"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["certificate", "due_date", "offset_days"],
                                               name="uniq_reminder_cert_due_offset")]
        indexes = [models.Index(fields=["status", "id"], name="reminder_status")]


class SweepRun(models.Model):
    """One day's run of the daily sweep. The next run only looks at what changed since the last finished one (the
    days in between and the certificates written since it started), so the scan stays small on millions of rows."""

    day = models.DateField("日期", unique=True)
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)

    class Meta:
        verbose_name = "证照日常扫描"
        verbose_name_plural = verbose_name
        ordering = ["-day"]


class KioskTerminal(models.Model):
    """A self-service printing terminal in a service hall (measure I.10). Its secret key is in the kiosk's URL."""

    code = models.CharField("终端编号", max_length=20, unique=True)
    name = models.CharField("名称", max_length=60)
    location = models.CharField("位置", max_length=100, blank=True)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    key = models.CharField("终端密钥", max_length=60, unique=True, editable=False)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "自助打印终端"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.key:
            self.key = secrets.token_urlsafe(24)
        super().save(*args, **kwargs)


class KioskChallenge(models.Model):
    """A one-time SMS code sent to the phone on record of the person identifying at a kiosk."""

    terminal = models.ForeignKey(KioskTerminal, on_delete=models.CASCADE, related_name="challenges")
    id_index = models.CharField(max_length=40, db_index=True)
    code_hash = models.CharField(max_length=100)
    phone_masked = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "自助终端验证码"
        verbose_name_plural = verbose_name


class PrintLog(models.Model):
    """Every print of a certificate at a kiosk: who, which, when, which terminal, which copy."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="prints")
    terminal = models.ForeignKey(KioskTerminal, on_delete=models.PROTECT, related_name="prints")
    id_index = models.CharField("打印人（身份索引）", max_length=40)
    person_masked = models.CharField("打印人", max_length=60)
    copy_no = models.PositiveSmallIntegerField("第几份")
    is_reprint = models.BooleanField("补打", default=False)
    printed_at = models.DateTimeField("打印时间", auto_now_add=True)

    class Meta:
        verbose_name = "自助打印记录"
        verbose_name_plural = verbose_name
        ordering = ["-printed_at"]
        constraints = [models.UniqueConstraint(fields=["certificate", "copy_no"], name="uniq_print_cert_copy")]


class MailingRequest(Timeline):
    """A holder asks for a certificate to be posted; the clerk records courier and tracking (measure III.10). Its
    status is driven by `certificates.workflow.MAILING`."""

    authority = Authority(
        dataset="mailing", label="证照寄递申请", enterprise=None,
        grants=(Grant("申请人本人", lambda user: models.Q(requested_by=user)),),
        change=MAILING_STAFF,
    )

    class Status(models.TextChoices):
        REQUESTED = "requested", "已申请"
        SHIPPED = "shipped", "已寄出"
        DELIVERED = "delivered", "已签收"
        CANCELLED = "cancelled", "已取消"

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="mailings")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recipient_name = models.CharField("收件人", max_length=40)
    recipient_phone = EncryptedTextField("收件人电话")
    address = models.CharField("收件地址", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.REQUESTED, db_index=True)
    courier = models.CharField("快递公司", max_length=40, blank=True)
    tracking_no = models.CharField("运单号", max_length=40, blank=True)
    handled_by = models.CharField("经办人", max_length=80, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    shipped_at = models.DateTimeField("寄出时间", null=True, blank=True)
    delivered_at = models.DateTimeField("签收时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "证书寄递"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "status", "-created_at"], name="mailing_region_status")]

    @property
    def recipient_phone_masked(self) -> str:
        return mask_phone(self.recipient_phone)


class ImportBatch(models.Model):
    """An Excel import of existing certificates: validated whole, written whole or not at all."""

    original_name = models.CharField(max_length=200)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    total_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    ok = models.BooleanField(default=False)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = "证照导入"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
