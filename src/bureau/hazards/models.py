"""Dual prevention (双重预防机制, measure III.5): the risk register (风险分级管控) and the hazard loop (隐患排查治理),
plus listed supervision of major hazards (挂牌督办, measure III.6).

The Hazard core was started by the foundation so that inspections, checkups and patrols can report hazards and
penalties can check self-inspection records (measure II.8)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.kernel.models import Attachment, ProcessModel


class HazardSource(models.TextChoices):
    SELF_INSPECTION = "self_inspection", "企业自查"
    INSPECTION = "inspection", "执法检查"
    CHECKUP = "checkup", "专家体检"
    PATROL = "patrol", "网上巡查"
    PETITION = "petition", "举报投诉"
    ALARM = "alarm", "监测报警"  # an alarm of the enterprise's monitoring system not cleared in time (measure III.5)


class HazardGrade(models.TextChoices):
    GENERAL = "general", "一般隐患"
    MAJOR = "major", "重大隐患"


OPEN_STATES = ("reported", "rectifying")  # the deadline runs in these states: past it, the hazard is overdue
RECTIFICATION_STATES = ("rectifying", "awaiting_acceptance", "accepted", "closed")  # II.8: a plan is under way


class RiskMethod(models.TextChoices):
    LEC = "lec", "作业条件危险性分析法（LEC）"
    LS = "ls", "风险矩阵法（LS）"


class RiskLevel(models.TextChoices):
    RED = "red", "重大风险（红）"
    ORANGE = "orange", "较大风险（橙）"
    YELLOW = "yellow", "一般风险（黄）"
    BLUE = "blue", "低风险（蓝）"


def _checkup_expert_q(user: Any) -> models.Q:
    """Hazards found in a checkup the expert took part in (the expert verifies their rectification)."""
    return models.Q(source="checkup", checkup_finding__checkup__assignments__expert__user=user)


class RiskPoint(models.Model):
    """One risk point of an enterprise's risk register (风险分级管控清单): where, what hazard source, how it was
    assessed (LEC or LS with its factors) and the resulting colour. The score and level are computed by
    hazards.rules from thresholds held as data (RuleParameter), never typed in."""

    authority = Authority(dataset="risk_points", label="风险点", party_changes=True)

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="risk_points",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    name = models.CharField("风险点（部位/场所/设备）", max_length=120)
    hazard_source = models.CharField("危险源/危险有害因素", max_length=200)
    accident_type = models.CharField("可能导致的事故类型", max_length=100, blank=True)
    method = models.CharField("评价方法", max_length=5, choices=RiskMethod.choices)
    factor_l = models.DecimalField("L（可能性）", max_digits=6, decimal_places=2)
    factor_e = models.DecimalField("E（暴露频繁程度）", max_digits=6, decimal_places=2, null=True, blank=True)
    factor_c = models.DecimalField("C（后果）/ S（严重性）", max_digits=6, decimal_places=2)
    score = models.DecimalField("风险值（D 或 R）", max_digits=10, decimal_places=2)
    level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, db_index=True)
    controls = models.TextField("管控措施", blank=True)
    control_level = models.CharField("管控层级", max_length=40, blank=True, help_text="公司/车间/班组/岗位")
    responsible_person = models.CharField("管控责任人", max_length=40, blank=True)
    assessed_on = models.DateField("评价日期")
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "风险点"
        verbose_name_plural = "风险分级管控清单"
        ordering = ["enterprise_id", "-score", "id"]
        indexes = [models.Index(fields=["region", "level"], name="riskpoint_region_level"),
                   models.Index(fields=["enterprise", "level"], name="riskpoint_enterprise_level")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class Hazard(ProcessModel):
    """One hazard: where it came from and when (the self-inspection record is what the II.8 exemption relies
    on), its grade, its rectification deadline and its state in the loop (hazards.workflow)."""

    authority = Authority(
        dataset="hazards", label="隐患",
        grants=(Grant("体检专家（本人参与的体检发现的隐患）", _checkup_expert_q, roles=frozenset({R.EXPERT})),),
        party_changes=True,
    )

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
    # what the hazard IS, recorded with it (measure II.8: a self-found hazard exempts only the violation it is): the
    # benchmark's violation code (chosen by the enterprise or the officer when recording) and the checklist item of
    # the inspection that found it (inspection findings); both fixed at registration, never changed afterwards
    violation_code = models.CharField("对应违法行为代码", max_length=40, blank=True)
    checklist_item = models.ForeignKey("inspection.ChecklistItem", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name="对应检查项")
    deadline = models.DateField("整改期限", null=True, blank=True, db_index=True)
    responsible_person = models.CharField("整改责任人", max_length=40, blank=True)
    measures = models.TextField("整改措施", blank=True)
    funds = models.DecimalField("整改资金（元）", max_digits=12, decimal_places=2, null=True, blank=True)
    contingency = models.TextField("应急预案/防范措施", blank=True)
    reported_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField("销号时间", null=True, blank=True)
    risk_point = models.ForeignKey(RiskPoint, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="hazards", verbose_name="关联风险点")
    plan_recorded_at = models.DateTimeField("整改方案登记时间", null=True, blank=True)
    accepted_at = models.DateTimeField("验收时间", null=True, blank=True)
    acceptance_note = models.TextField("验收意见", blank=True)
    overdue_reminded_on = models.DateField("最近超期提醒日期", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    state_label: str  # set on rows shown in lists (the workflow's name of the state)

    class Meta:
        verbose_name = "隐患"
        verbose_name_plural = verbose_name
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["region", "state", "deadline"], name="hazard_region_state_deadline"),
            models.Index(fields=["enterprise", "source", "reported_at"], name="hazard_enterprise_source"),
            models.Index(fields=["state", "deadline"], name="hazard_state_deadline"),
            models.Index(fields=["region", "grade", "state"], name="hazard_region_grade_state"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def is_overdue(self, today: dt.date | None = None) -> bool:
        from bureau.hazards.rules import is_overdue

        return is_overdue(self.state, self.deadline, today or dt.date.today())


class ListedSupervision(ProcessModel):
    """挂牌督办 (measure III.6): a major hazard the enterprise cannot fix alone, listed by the bureau with a
    notice, a public notice and a deadline; periodic progress and the bureau's assistance are recorded; after a
    recheck request the bureau verifies and removes the listing (销号) within the working days of rule
    `hazards.listing_removal_working_days` (local: 10)."""

    # The party enterprise changes its listing: periodic progress and rectification evidence.
    authority = Authority(dataset="listings", label="挂牌督办", party_changes=True)

    number = models.CharField("督办编号", max_length=30, unique=True)
    hazard = models.OneToOneField(Hazard, on_delete=models.PROTECT, related_name="listing", verbose_name="隐患")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    listed_by_org = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="督办机关")
    reason = models.TextField("督办事由（企业难以自行整改的原因）")
    requirements = models.TextField("督办要求", blank=True)
    listed_on = models.DateField("挂牌日期")
    deadline = models.DateField("整改期限", db_index=True)
    recheck_requested_on = models.DateField("申请复核日期", null=True, blank=True)
    removal_due = models.DateField("销号办理期限", null=True, blank=True, db_index=True)
    removal_due_provisional = models.BooleanField(default=False)
    removed_on = models.DateField("销号日期", null=True, blank=True)
    published_at = models.DateTimeField("公告时间", null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    state_label: str  # set on rows shown in lists (the workflow's name of the state)

    class Meta:
        verbose_name = "挂牌督办"
        verbose_name_plural = verbose_name
        ordering = ["-listed_on", "-id"]
        indexes = [models.Index(fields=["region", "state"], name="listing_region_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.hazard.title}"

    def latest_percent(self) -> int | None:
        """The completion reported by the latest progress entry (progress never goes down: hazards.services)."""
        return (self.entries.filter(kind=ListingEntry.Kind.PROGRESS, percent__isnull=False)
                .order_by("-on", "-id").values_list("percent", flat=True).first())


class ListingEntry(models.Model):
    """A dated entry of a listing: the enterprise's periodic progress or a record of the bureau's assistance."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", "整改进展"
        ASSISTANCE = "assistance", "帮扶记录"

    listing = models.ForeignKey(ListedSupervision, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    on = models.DateField("日期")
    percent = models.PositiveSmallIntegerField("完成进度（%）", null=True, blank=True)
    text = models.TextField("内容")
    actor = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "督办进展与帮扶记录"
        verbose_name_plural = verbose_name
        ordering = ["on", "id"]



class DeadlineExtension(ProcessModel):
    """延期申请: the enterprise asks the bureau to extend the rectification deadline of a hazard found by the
    bureau or an expert (a deadline it did not set itself), with its reason and the proposed date; the bureau of
    the jurisdiction approves (the hazard's deadline changes) or refuses, with reasons (hazards.workflow,
    `extension_workflow`). 安全生产违法行为行政处罚办法 (原国家安监总局令第15号): a party that cannot finish a
    rectification in time applies in writing for an extension and the authority answers in writing whether it is
    granted. At most one open request per hazard (database constraint)."""

    authority = Authority(dataset="hazards", label="整改延期申请")

    hazard = models.ForeignKey(Hazard, on_delete=models.PROTECT, related_name="extensions", verbose_name="隐患")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    current_deadline = models.DateField("原整改期限")
    proposed_deadline = models.DateField("申请延期至")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+",
                                     verbose_name="申请人")
    requested_at = models.DateTimeField("申请时间")
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="审批人")
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decision_note = models.TextField("审批意见", blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "整改延期申请"
        verbose_name_plural = verbose_name
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["region", "state"], name="extension_region_state")]
        constraints = [models.UniqueConstraint(fields=["hazard"], condition=models.Q(state="requested"),
                                               name="one_open_extension_per_hazard")]

    def __str__(self) -> str:
        return f"{self.hazard.number} 延期至 {self.proposed_deadline}"


# ---------------------------------------------------------------------------------------------------------------
# 排查清单, scheduled checks and the four-colour site map (issue 16: dual prevention as a mechanism, measure III.5)


class CheckFrequency(models.Model):
    """排查频次: how often a check item is checked — a calendar period (`every` × `unit`, aligned to the local day,
    the Monday of the week or the first of the month) and how long after a period ends an unchecked item still
    counts as on time (`grace_minutes`). Data with its source and the day it applies from, edited in the admin; the
    shipped rows follow 《危险化学品企业安全风险隐患排查治理导则》(应急〔2019〕78号) (patrols every 2 h, every 1 h for
    两重点一重大 units, daily, weekly, monthly, quarterly and half-yearly checks)."""

    class Unit(models.TextChoices):
        HOUR = "hour", "小时"
        DAY = "day", "天"
        WEEK = "week", "周"
        MONTH = "month", "月"

    code = models.SlugField("代码", max_length=30, unique=True)
    label = models.CharField("名称", max_length=40)
    unit = models.CharField("周期单位", max_length=6, choices=Unit.choices)
    every = models.PositiveSmallIntegerField("周期数", help_text="如 每2小时：单位 小时、周期数 2")
    grace_minutes = models.PositiveIntegerField("逾期宽限（分钟）", default=0,
                                                help_text="周期结束后多久仍未打卡即记为漏检")
    source = models.CharField("依据", max_length=300)
    effective_from = models.DateField("施行日期")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "排查频次"
        verbose_name_plural = verbose_name
        ordering = ["unit", "every", "code"]
        constraints = [models.CheckConstraint(condition=models.Q(every__gte=1), name="check_frequency_every_positive")]

    def __str__(self) -> str:
        return self.label


class CheckItem(models.Model):
    """One line of a risk point's 排查清单 (《安全生产法》第四十一条: the enterprise checks its risks and hazards
    under a system): what is checked and against what standard, how often (CheckFrequency), by which post, and the
    person answerable for it (包保责任人). Checks are scheduled from it (`ScheduledCheck`); `scheduled_until` is
    how far ahead they have been generated. An item is deactivated, never deleted, so its past checks stay."""

    authority = Authority(dataset="risk_points", label="排查清单", party_changes=True,
                          change=frozenset())  # the enterprise keeps it; the bureau reads it

    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="check_items",
                                   verbose_name="风险点")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    content = models.CharField("排查内容", max_length=200)
    standard = models.CharField("排查标准/依据", max_length=300, blank=True)
    frequency = models.ForeignKey(CheckFrequency, on_delete=models.PROTECT, related_name="+", verbose_name="排查频次")
    post = models.CharField("排查岗位", max_length=60)
    responsible_person = models.CharField("包保责任人", max_length=40)
    active = models.BooleanField("在用", default=True)
    scheduled_until = models.DateTimeField("已排至", null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "排查清单项"
        verbose_name_plural = "排查清单"
        ordering = ["risk_point_id", "id"]
        indexes = [models.Index(fields=["active", "scheduled_until"], name="checkitem_active_until"),
                   models.Index(fields=["enterprise", "active"], name="checkitem_enterprise_active")]

    def __str__(self) -> str:
        return self.content


class CheckState(models.TextChoices):
    SCHEDULED = "scheduled", "待排查"
    DONE = "done", "已打卡"
    MISSED = "missed", "漏检"


class CheckResult(models.TextChoices):
    NORMAL = "normal", "正常"
    ABNORMAL = "abnormal", "发现隐患"


class ScheduledCheck(models.Model):
    """One scheduled check of a check item for one period (`window_start`–`due_at`): done by a check-in with site
    photos on the phone, or marked missed (漏检) by the sweep once `missed_after` (the end of the period plus the
    frequency's grace, computed when the check is scheduled) has passed. One row per item and period (unique), so
    scheduling twice adds nothing. State changes are two conditional UPDATEs (the check-in claims a `scheduled`
    row; the sweep marks every overdue `scheduled` row at once): a check is never both done and missed. There is no
    per-check timeline: the check-in itself (who, when, result, photos) is the record."""

    authority = Authority(dataset="risk_points", label="排查任务", party_changes=True,
                          change=frozenset())  # the enterprise keeps it; the bureau reads it

    # Few indexes, since the missed-check sweep rewrites every index entry of each row it marks (its state changes,
    # so no HOT update): no single-column index where a composite one starts with the column (item: the unique
    # (item, window_start); enterprise and region: their (…, state, due_at)), and the rarely set references indexed
    # only where set (partial: a row without them has no entry to write).
    item = models.ForeignKey(CheckItem, on_delete=models.PROTECT, related_name="checks", verbose_name="排查清单项",
                             db_index=False)
    risk_point = models.ForeignKey(RiskPoint, on_delete=models.PROTECT, related_name="+", verbose_name="风险点")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业", db_index=False)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划",
                               db_index=False)
    window_start = models.DateTimeField("排查时段开始")
    due_at = models.DateTimeField("排查时段结束")
    missed_after = models.DateTimeField("逾期判定时间")
    state = models.CharField("状态", max_length=10, choices=CheckState.choices, default=CheckState.SCHEDULED)
    done_at = models.DateTimeField("打卡时间", null=True, blank=True)
    done_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name="打卡人", db_index=False)
    result = models.CharField("排查结果", max_length=10, choices=CheckResult.choices, blank=True)
    note = models.TextField("情况说明", blank=True)
    hazard = models.ForeignKey(Hazard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name="登记的隐患", db_index=False)
    missed_at = models.DateTimeField("记为漏检时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "排查任务"
        verbose_name_plural = verbose_name
        ordering = ["due_at", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "window_start"], name="one_check_per_item_window")]
        indexes = [
            # the missed-check sweep: only rows still waiting, by the moment they turn missed (partial, small)
            models.Index(fields=["missed_after"], condition=models.Q(state="scheduled"), name="check_sweep_due"),
            models.Index(fields=["region", "state", "due_at"], name="check_region_state_due"),
            models.Index(fields=["enterprise", "state", "due_at"], name="check_enterprise_state_due"),
            # the city's missed list (every county, newest first): only missed rows
            models.Index(fields=["due_at", "id"], condition=models.Q(state="missed"), name="check_missed_due"),
            models.Index(fields=["done_by"], condition=models.Q(done_by__isnull=False), name="check_done_by"),
            models.Index(fields=["hazard"], condition=models.Q(hazard__isnull=False), name="check_hazard"),
        ]

    def __str__(self) -> str:
        return f"{self.item.content}（{timezone.localtime(self.window_start):%Y-%m-%d %H:%M}）"

    def attachments(self) -> models.QuerySet[Attachment]:
        """The check-in's site photos (kernel attachments, downloaded through the owner's scope)."""
        return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(ScheduledCheck),
                                         object_id=self.pk)


class SitePlan(models.Model):
    """The enterprise's site plan (厂区平面布置图) on which its risk points are placed in their colours (安全风险四色
    分布图, 《关于实施遏制重特大事故工作指南构建双重预防机制的意见》). The image is a kernel attachment (stored through
    the storage API, type checked by content); its pixel size keeps the drawing's proportions."""

    authority = Authority(dataset="risk_points", label="厂区平面图", party_changes=True,
                          change=frozenset())  # the enterprise keeps it; the bureau reads it

    enterprise = models.OneToOneField("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    title = models.CharField("图名", max_length=80)
    image = models.ForeignKey("kernel.Attachment", on_delete=models.PROTECT, related_name="+", verbose_name="平面图")
    width = models.PositiveIntegerField("宽（像素）")
    height = models.PositiveIntegerField("高（像素）")
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "厂区平面图"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.title

    def attachments(self) -> models.QuerySet[Attachment]:
        return Attachment.objects.filter(content_type=ContentType.objects.get_for_model(SitePlan), object_id=self.pk)


class RiskPointPlacement(models.Model):
    """Where a risk point sits on its enterprise's site plan, as fractions of the drawing's width and height (0–1),
    so the map draws at any screen size and survives a re-upload of the same plan at another resolution."""

    plan = models.ForeignKey(SitePlan, on_delete=models.CASCADE, related_name="placements", verbose_name="平面图")
    risk_point = models.OneToOneField(RiskPoint, on_delete=models.CASCADE, related_name="placement",
                                      verbose_name="风险点")
    x = models.DecimalField("横向位置（0–1）", max_digits=5, decimal_places=4)
    y = models.DecimalField("纵向位置（0–1）", max_digits=5, decimal_places=4)
    placed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    placed_at = models.DateTimeField("标注时间")

    class Meta:
        verbose_name = "风险点标注"
        verbose_name_plural = verbose_name
        constraints = [models.CheckConstraint(condition=models.Q(x__gte=0, x__lte=1, y__gte=0, y__lte=1),
                                              name="placement_within_plan")]

    def __str__(self) -> str:
        return f"{self.risk_point.name} ({self.x}, {self.y})"


# Alarm intake (工业互联网+危化安全生产, measure III.5): its own module, registered with the app here.
from bureau.hazards.alarm_models import Alarm, AlarmEvent, AlarmSource, AlarmSystem  # noqa: E402, F401
