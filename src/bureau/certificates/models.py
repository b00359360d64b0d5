"""The certificate register (证照): enterprise licences and personal certificates of the three key posts.

Core model started by the foundation so that licensing can issue into it; the certificates area completes it
(e-certificates, verification, reminders, printing, mailing).
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import models

from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_id_number


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
    REVOKED = "revoked", "吊销/撤销"
    VOID = "void", "注销/失效"


class CertificateQuerySet(models.QuerySet["Certificate"]):
    def visible_to(self, user: Any) -> CertificateQuerySet:
        from bureau.accounts.scope import scope_for

        scope = scope_for(user)
        if scope.kind == "none" and getattr(user, "is_authenticated", False) and user.id_number:
            # an individual sees the certificates issued to them
            from bureau.kernel.crypto import blind_index

            return self.filter(holder_id_index=blind_index(user.id_number))
        return scope.filter(self, region="region_id", enterprise="enterprise_id")


class Certificate(models.Model):
    """One certificate. `verify_code` is random and unguessable: it is what the 2-D code carries."""

    number = models.CharField("证书编号", max_length=60, unique=True)
    type = models.ForeignKey(CertificateType, on_delete=models.PROTECT, related_name="certificates",
                             verbose_name="证照类型")
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="certificates", verbose_name="持证企业/所在企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    holder_name = models.CharField("持证人/单位", max_length=120)
    holder_id_number = EncryptedTextField("持证人身份证号", blank=True)
    holder_id_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    scope_text = models.CharField("许可范围/作业类别", max_length=300, blank=True)
    issuing_authority = models.CharField("发证机关", max_length=100)
    issued_on = models.DateField("发证日期")
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期至", db_index=True)
    next_review_due = models.DateField("下次复审日期", null=True, blank=True, db_index=True)
    status = models.CharField("状态", max_length=20, choices=CertificateStatus.choices,
                              default=CertificateStatus.VALID, db_index=True)
    verify_code = models.CharField("核验码", max_length=40, unique=True, editable=False)
    source_type = models.CharField("来源", max_length=60, blank=True)
    source_id = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = "证照"
        verbose_name_plural = verbose_name
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["region", "status", "valid_until"], name="cert_region_status_until"),
            models.Index(fields=["enterprise", "status"], name="cert_enterprise_status"),
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


class CertificateEvent(models.Model):
    """The history of a certificate: issue, periodic review, extension, renewal, change, revocation."""

    class Kind(models.TextChoices):
        ISSUE = "issue", "发证"
        PERIODIC_REVIEW = "periodic_review", "复审"
        EXTENSION = "extension", "延期"
        RENEWAL = "renewal", "换证"
        CHANGE = "change", "变更"
        SUSPENSION = "suspension", "暂扣"
        REVOCATION = "revocation", "吊销/撤销"
        VOID = "void", "注销/失效"

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField("事项", max_length=20, choices=Kind.choices)
    at = models.DateTimeField("时间", auto_now_add=True)
    actor_name = models.CharField("办理人", max_length=80, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "证照记录"
        verbose_name_plural = verbose_name
        ordering = ["at", "id"]
