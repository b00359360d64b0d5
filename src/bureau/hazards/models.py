"""Hazards (隐患) of the dual-prevention loop. Core started by the foundation so that inspections, checkups and
patrols can report hazards and penalties can check self-inspection records; the hazards area completes the loop
(rectification plan, acceptance, removal, listed supervision, risk register)."""

from __future__ import annotations

from typing import Any

from django.db import models

from bureau.kernel.models import ProcessModel


class HazardSource(models.TextChoices):
    SELF_INSPECTION = "self_inspection", "企业自查"
    INSPECTION = "inspection", "执法检查"
    CHECKUP = "checkup", "专家体检"
    PATROL = "patrol", "网上巡查"
    PETITION = "petition", "举报投诉"


class HazardGrade(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大隐患"


class HazardQuerySet(models.QuerySet["Hazard"]):
    def visible_to(self, user: Any) -> HazardQuerySet:
        from bureau.accounts.scope import scope_for

        return scope_for(user).filter(self, region="region_id", enterprise="enterprise_id")


class Hazard(ProcessModel):
    """One hazard: where it came from and when (the self-inspection record is what the II.8 exemption relies
    on), its grade, its rectification deadline and its state in the loop (hazards.workflow)."""

    number = models.CharField("隐患编号", max_length=30, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="hazards",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    source = models.CharField("来源", max_length=20, choices=HazardSource.choices)
    source_type = models.CharField("来源记录类型", max_length=60, blank=True)
    source_id = models.CharField("来源记录", max_length=40, blank=True)
    found_on = models.DateField("发现日期")
    reported_at = models.DateTimeField("登记时间")
    title = models.CharField("隐患名称", max_length=200)
    description = models.TextField("隐患描述", blank=True)
    location = models.CharField("部位", max_length=120, blank=True)
    grade = models.CharField("等级", max_length=10, choices=HazardGrade.choices, default=HazardGrade.GENERAL)
    major_criterion = models.CharField("重大隐患判定依据", max_length=200, blank=True)
    legal_basis = models.CharField("依据条款", max_length=300, blank=True)
    deadline = models.DateField("整改期限", null=True, blank=True, db_index=True)
    responsible_person = models.CharField("整改责任人", max_length=40, blank=True)
    measures = models.TextField("整改措施", blank=True)
    funds = models.DecimalField("整改资金（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    contingency = models.TextField("应急预案/防范措施", blank=True)
    reported_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = verbose_name
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["region", "state", "deadline"], name="hazard_region_state_deadline"),
            models.Index(fields=["enterprise", "source", "reported_at"], name="hazard_enterprise_source"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
