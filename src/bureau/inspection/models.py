"""Planned and random enforcement (measures II.2–II.5, II.7): annual plans, 双随机 draws, checklists,
inspections with check-in and findings, online patrols, declared conflicts of interest."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.accounts.roles import ENTERPRISE, INSPECTOR, LEADER, SECTION_HEAD
from bureau.enterprises.models import SUB_SECTOR_INDUSTRY, Industry, SubSector
from bureau.kernel.models import ProcessModel, Timeline
from bureau.kernel.workflow import workflow_for_model

# who arranges enforcement: the bureau's inspectors, section heads and leaders (measures II.3–II.4)
ENFORCEMENT = frozenset({INSPECTOR, SECTION_HEAD, LEADER})


class Checklist(models.Model):
    """One version of an official checklist (执法检查表) issued by a higher authority (measure II.5: 照单检查).

    Versions are never overwritten: importing a new version adds a new Checklist with its own items and closes the
    previous one the day before the new one takes effect (`effective_to`); an inspection keeps the version (and so
    the items) it was opened with."""

    industries = models.JSONField("适用行业", default=list, help_text="行业代码列表，如 [\"coal\"]")
    name = models.CharField("检查表名称", max_length=120)
    version = models.CharField("版本", max_length=40, default="2024")
    source = models.CharField("制定依据", max_length=300)
    reference = models.CharField("来源链接", max_length=300, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True, help_text="新版本生效前一日，由导入自动填写")
    is_active = models.BooleanField("启用", default=True)
    digest = models.CharField("内容摘要", max_length=64, blank=True, help_text="导入内容的 SHA-256，用于识别重复导入")
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="导入人")
    imported_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        verbose_name = "检查表"
        verbose_name_plural = verbose_name
        ordering = ["name", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="uniq_checklist_name_version")]

    def __str__(self) -> str:
        return f"{self.name}（{self.version}）"

    def in_force(self, day: Any) -> bool:
        return self.is_active and self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


class ChecklistItem(models.Model):
    """One item to check, with its legal basis (law title and article so the portal can link), the method, the
    penalty provision, the violation codes it can prove (docs: benchmark-schema) and the sub-sectors it is limited
    to (empty: the whole industry)."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items", verbose_name="检查表")
    seq = models.PositiveSmallIntegerField("序号")
    category = models.CharField("检查项目", max_length=60)
    content = models.CharField("检查内容", max_length=500)
    method = models.CharField("检查方法", max_length=200, blank=True)
    law_title = models.CharField("法规名称", max_length=120)
    law_article = models.CharField("条款", max_length=80)
    legal_reference = models.CharField("法律依据（全文引用）", max_length=300, blank=True)
    legal_basis = models.TextField("依据条文", blank=True)
    penalty_basis = models.CharField("处罚依据", max_length=300, blank=True)
    violation_codes = models.JSONField("违法行为代码", default=list, blank=True)
    sub_sectors = models.JSONField("适用范围", default=list, blank=True,
                                   help_text="子行业代码（或整个行业的代码）列表；空为检查表适用的全部行业")

    class Meta:
        verbose_name = "检查项"
        verbose_name_plural = verbose_name
        ordering = ["checklist", "seq"]
        constraints = [models.UniqueConstraint(fields=["checklist", "seq"], name="uniq_checklist_item_seq")]

    def __str__(self) -> str:
        return f"{self.seq}. {self.content}"

    @property
    def citation(self) -> str:
        return self.legal_reference or f"《{self.law_title}》{self.law_article}"

    def applies_to(self, sub_sector: str, industry: str) -> bool:
        """Whether the item is checked at an enterprise of this sub-sector and industry. An item limited to
        sub-sectors (and/or whole industries) applies where the enterprise's sub-sector (or industry) is listed; an
        enterprise whose sub-sector is not recorded gets the items limited to sub-sectors of its industry (the officer
        marks what does not apply 不适用), never those of another industry's sub-sectors."""
        if not self.sub_sectors or industry in self.sub_sectors or sub_sector in self.sub_sectors:
            return True
        return not sub_sector and any(SUB_SECTOR_INDUSTRY.get(code) == industry for code in self.sub_sectors)

    @property
    def sub_sector_labels(self) -> list[str]:
        labels = dict(SubSector.choices) | dict(Industry.choices)
        return [labels.get(code, code) for code in self.sub_sectors or []]


class ConflictOfInterest(models.Model):
    """A declared conflict between an officer and an enterprise (the officer recuses: 回避)."""

    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflicts",
                                verbose_name="执法人员")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name="企业")
    reason = models.CharField("回避事由", max_length=200)
    declared_on = models.DateField("申报日期")
    source = models.CharField("依据", max_length=120, default="行政处罚法 第43条（回避）")

    class Meta:
        verbose_name = "利害关系回避"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["officer", "enterprise"], name="uniq_conflict_pair")]

    def __str__(self) -> str:
        return f"{self.officer} ↔ {self.enterprise}"


class AnnualPlan(ProcessModel):
    """A bureau's annual supervision plan (安全生产年度监督检查计划, measure II.3)."""

    authority = Authority(dataset="inspection_plans", label="年度监督检查计划", enterprise=None, change=ENFORCEMENT)

    number = models.CharField("计划编号", max_length=30, unique=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, verbose_name="编制单位")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="管辖区划")
    level = models.CharField("监管层级", max_length=10)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("计划名称", max_length=120)
    officers = models.PositiveSmallIntegerField("执法人员数")
    legal_working_days = models.PositiveSmallIntegerField("法定工作日")
    other_enforcement_days = models.PositiveIntegerField("其他执法工作日（人·日）", default=0)
    non_enforcement_days = models.PositiveIntegerField("非执法工作日（人·日）", default=0)
    officer_days_per_inspection = models.PositiveSmallIntegerField("每次检查人·日")
    random_share_target = models.PositiveSmallIntegerField("双随机检查占比目标（%）", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    published_at = models.DateTimeField("公开时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "年度监督检查计划"
        verbose_name_plural = verbose_name
        ordering = ["-year", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="uniq_plan_org_year")]
        indexes = [models.Index(fields=["region", "year", "state"], name="plan_region_year_state")]

    def __str__(self) -> str:
        return self.title

    @property
    def capacity_days(self) -> int:
        """legal working days × officers − other enforcement days − non-enforcement days (计划编制办法)."""
        return max(0, self.legal_working_days * self.officers - self.other_enforcement_days
                   - self.non_enforcement_days)

    @property
    def capacity_inspections(self) -> int:
        return self.capacity_days // max(1, self.officer_days_per_inspection)


class PlanEntry(models.Model):
    """A key enterprise in a plan: planned months and frequency (at most the yearly cap)."""

    plan = models.ForeignKey(AnnualPlan, on_delete=models.CASCADE, related_name="entries", verbose_name="计划")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    year = models.PositiveSmallIntegerField("年度")
    months = models.JSONField("计划月份", default=list)
    frequency = models.PositiveSmallIntegerField("检查频次")
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        verbose_name = "计划检查企业"
        verbose_name_plural = verbose_name
        ordering = ["plan", "id"]
        constraints = [models.UniqueConstraint(fields=["plan", "enterprise"], name="uniq_plan_entry")]
        indexes = [models.Index(fields=["enterprise", "year"], name="plan_entry_enterprise_year")]

    @property
    def months_label(self) -> str:
        return "、".join(f"{m}月" for m in self.months)


class DrawState(models.TextChoices):
    ANNOUNCED = "announced", "已公告，待抽取"
    DRAWN = "drawn", "已抽取"


class Draw(models.Model):
    """One 双随机 draw, commit-reveal (yc-draw-v2): announced first — the pool, the parameters, the draw time and
    a commitment to a secret nonce are published — then drawn at or after the announced time with a seed from the
    nonce and a public value fixed after the announcement; the nonce is revealed with the result so that anyone
    can re-run it (docs/inspection.md). Every attempt is a DrawAttempt. Draws before yc-draw-v2 carry the seed
    recorded at the draw (yc-draw-v1) and are re-verified from it."""

    authority = Authority(dataset="draws", label="双随机抽查", enterprise=None, change=ENFORCEMENT)

    number = models.CharField("抽查编号", max_length=30, unique=True)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, verbose_name="抽查单位")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("抽查任务", max_length=120)
    checklist = models.ForeignKey(Checklist, null=True, blank=True, on_delete=models.PROTECT, verbose_name="检查事项")
    filters = models.JSONField("筛选条件", default=dict)
    sample_size = models.PositiveIntegerField("抽取数量")
    team_size = models.PositiveSmallIntegerField("每组人数")
    state = models.CharField("状态", max_length=12, choices=DrawState.choices, default=DrawState.ANNOUNCED)
    announced_at = models.DateTimeField("公告时间", null=True, blank=True)
    draw_at = models.DateTimeField("公告的抽取时间", null=True, blank=True)
    params_text = models.TextField("公告参数（承诺内容）", blank=True)
    commitment = models.CharField("承诺值", max_length=64, blank=True)
    # secret until the first attempt that obtains the public value (or until the draw is replaced): then public
    nonce = models.CharField("随机数（抽取时揭示）", max_length=64, blank=True)
    revealed_at = models.DateTimeField("随机数揭示时间", null=True, blank=True)
    beacon = models.JSONField("公共随机数来源", default=dict)
    public_value = models.CharField("公共随机数", max_length=64, blank=True)
    public_source = models.JSONField("公共随机数出处", default=dict)
    seed = models.CharField("随机种子", max_length=128, blank=True)
    algorithm = models.CharField("算法版本", max_length=40)
    pool_text = models.TextField("企业池（ID 升序，逗号分隔）", blank=True)
    pool_size = models.PositiveIntegerField("企业池数量")
    pool_digest = models.CharField("企业池摘要", max_length=64)
    excluded = models.JSONField("排除的企业及原因", default=dict)
    officer_pool = models.JSONField("执法人员池（ID 升序）", default=list)
    reserve_pool = models.JSONField("名录库其他执法人员（ID 升序）", default=list)
    conflicts = models.JSONField("回避关系", default=list)
    team_handling = models.JSONField("抽取前的回避处理", default=list)
    selected = models.JSONField("抽中企业（抽取顺序）", default=list)
    teams = models.JSONField("检查组", default=dict)
    redo_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="redos",
                                verbose_name="重抽自")
    redo_reason = models.CharField("重抽原因", max_length=300, blank=True)
    superseded = models.BooleanField("已被重抽取代", default=False)
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    made_at = models.DateTimeField("抽取时间", null=True, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "双随机抽查"
        verbose_name_plural = verbose_name
        ordering = ["-announced_at", "-id"]
        indexes = [models.Index(fields=["region", "year"], name="draw_region_year")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def pool(self) -> list[int]:
        """The recorded pool: the ascending enterprise ids (its text is what pool_digest hashes)."""
        return json.loads(f"[{self.pool_text}]") if self.pool_text else []

    @property
    def is_commit_reveal(self) -> bool:
        return bool(self.commitment)

    @property
    def revealed_nonce(self) -> str | None:
        """The nonce once revealed; None before (it is never shown, published or returned until then)."""
        return self.nonce if self.revealed_at else None

    @property
    def state_label(self) -> str:
        if self.superseded:
            return "已重新公告取代"
        return DrawState(self.state).label


class AttemptOutcome(models.TextChoices):
    DRAWN = "drawn", "抽取完成"
    REFUSED = "refused", "拒绝（已记录）"


class DrawAttempt(models.Model):
    """One attempt at an announced draw, recorded and published whatever its outcome: too early, the public
    value not yet available, refused (a drawn enterprise cannot be staffed after a recusal declared since the
    announcement), or drawn. An attempt cannot change the selection: the seed follows from the commitment and
    the public value fixed by the announced time, so a retry gives the same selection."""

    authority = Authority(dataset="draws", label="双随机抽取记录", region="draw__region_id", enterprise=None,
                          change=ENFORCEMENT)

    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="attempts", verbose_name="抽查")
    n = models.PositiveSmallIntegerField("次序")
    at = models.DateTimeField("时间")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                              verbose_name="操作人")
    outcome = models.CharField("结果", max_length=10, choices=AttemptOutcome.choices)
    reason = models.CharField("拒绝原因", max_length=300, blank=True)
    public_value = models.CharField("公共随机数", max_length=64, blank=True)
    public_source = models.JSONField("公共随机数出处", default=dict)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    selected = models.JSONField("抽中企业（抽取顺序）", default=list)
    teams = models.JSONField("检查组", default=dict)
    late_conflicts = models.JSONField("公告后申报的回避关系", default=list)
    unavailable = models.JSONField("公告后不能参加检查的人员", default=list)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "双随机抽取记录"
        verbose_name_plural = verbose_name
        ordering = ["draw", "n"]
        constraints = [models.UniqueConstraint(fields=["draw", "n"], name="uniq_draw_attempt_n")]

    def __str__(self) -> str:
        return f"{self.draw.number} 第{self.n}次"


class InspectionKind(models.TextChoices):
    PLANNED = "planned", "计划检查"
    RANDOM = "random", "双随机抽查"
    EXCEPTIONAL = "exceptional", "专项/线索检查"
    JOINT = "joint", "联合检查（竣工验收与许可现场核查）"


class ExceptionReason(models.TextChoices):
    COMPLAINT = "complaint", "举报投诉"
    ACCIDENT = "accident", "事故调查"
    PATROL_LEAD = "patrol_lead", "网上巡查线索"
    REFERRAL = "referral", "上级交办/部门移送"


# What the inspected enterprise sees of its inspections: those that took place (from the officers' check-in on), never
# a task still planned, awaiting the leader's approval or cancelled (a visit is not announced beforehand).
PARTY_STATES = ("on_site", "rectifying", "closed")


def _party_inspections(user: Any) -> Q | None:
    if not getattr(user, "enterprise_id", None):
        return None
    return Q(enterprise_id=user.enterprise_id, state__in=PARTY_STATES)


class Inspection(ProcessModel):
    """A site inspection (现场检查) of one enterprise by a team of ≥ 2 certified officers, following the
    industry checklist; findings become hazards with deadlines (measures II.2, II.4, II.5)."""

    authority = Authority(
        dataset="inspections", label="执法检查", enterprise=None, change=ENFORCEMENT,
        grants=(Grant("被检查企业查看本企业已实施的检查（入企后）", _party_inspections, roles=frozenset({ENTERPRISE})),),
    )

    # every document of an inspection is addressed to the inspected enterprise (checked by
    # kernel.views.document_download; an internal form added later stays hidden unless listed here)
    ENTERPRISE_DOCUMENT_KINDS = frozenset({"site_record", "rectification_order", "recheck_opinion"})

    number = models.CharField("检查编号", max_length=30, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="inspections",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, verbose_name="检查单位")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("检查类型", max_length=20, choices=InspectionKind.choices)
    plan_entry = models.ForeignKey(PlanEntry, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    draw = models.ForeignKey(Draw, null=True, blank=True, on_delete=models.PROTECT, related_name="inspections")
    exception_reason = models.CharField("线索类型", max_length=20, choices=ExceptionReason.choices, blank=True)
    exception_reference = models.CharField("线索来源", max_length=200, blank=True)
    source_type = models.CharField("来源记录类型", max_length=60, blank=True)
    source_id = models.CharField("来源记录", max_length=40, blank=True)
    approval_required = models.CharField("需审批事由", max_length=200, blank=True)
    approval_reason = models.CharField("审批意见", max_length=300, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    over_cap = models.BooleanField("超出频次上限（经批准的例外）", default=False)
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="inspections", verbose_name="检查人员")
    checklist = models.ForeignKey(Checklist, on_delete=models.PROTECT, verbose_name="检查表")
    industry = models.CharField("行业（检查时）", max_length=30, blank=True, choices=Industry.choices)
    sub_sector = models.CharField("子行业（检查时）", max_length=30, blank=True, choices=SubSector.choices,
                                  help_text="开具检查任务时企业登记的行业和子行业，决定本次检查适用的检查项")
    planned_month = models.PositiveSmallIntegerField("计划月份", null=True, blank=True)
    checked_in_at = models.DateTimeField("入企时间", null=True, blank=True)
    finished_at = models.DateTimeField("检查结束", null=True, blank=True)
    summary = models.TextField("检查情况", blank=True)
    rectification_deadline = models.DateField("整改期限", null=True, blank=True)
    rechecked_at = models.DateTimeField("复查时间", null=True, blank=True)
    recheck_opinion = models.TextField("复查意见", blank=True)
    publish_due = models.DateField("结果公示期限", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "执法检查"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["enterprise", "year", "state"], name="inspection_enterprise_year"),
            models.Index(fields=["region", "state", "created_at"], name="inspection_region_state"),
            models.Index(fields=["year", "kind"], name="inspection_year_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"

    @property
    def state_label(self) -> str:
        workflow = workflow_for_model(self._meta.label)  # inspection.workflow, whose guards read these models
        assert workflow is not None
        return workflow.state_label(self.state)

    def items(self) -> list[ChecklistItem]:
        """The checklist items of this inspection: the items of its checklist version that apply to the
        enterprise's industry and sub-sector as recorded when the task was opened (ChecklistItem.applies_to)."""
        industry = self.industry or self.enterprise.industry  # tasks opened before the snapshot existed
        return [item for item in self.checklist.items.order_by("seq") if item.applies_to(self.sub_sector, industry)]


class ResultOutcome(models.TextChoices):
    COMPLIANT = "compliant", "符合"
    FINDING = "finding", "发现问题"
    NOT_APPLICABLE = "na", "不适用"


class InspectionResult(models.Model):
    """The record of one checklist item in one inspection; a finding links to the hazard it became."""

    authority = Authority(
        dataset="inspections", label="检查结果", region="inspection__region_id",
        enterprise="inspection__enterprise_id",
    )

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+", verbose_name="检查项")
    outcome = models.CharField("结果", max_length=12, choices=ResultOutcome.choices)
    note = models.CharField("情况说明", max_length=500, blank=True)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "检查记录"
        verbose_name_plural = verbose_name
        ordering = ["inspection", "item__seq"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="uniq_result_item")]


class CheckIn(models.Model):
    """扫码入企: every entry of an officer into an enterprise is logged (国办发〔2024〕54号)."""

    # the officer who enters logs the visit: inspectors (the enterprise does not see the log)
    authority = Authority(dataset="inspections", label="入企记录", enterprise=None, change=frozenset({INSPECTOR}))

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="checkins")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField("入企时间")
    method = models.CharField("方式", max_length=10, default="qr")
    ip = models.CharField(max_length=45, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "入企记录"
        verbose_name_plural = verbose_name
        ordering = ["-at"]
        indexes = [models.Index(fields=["enterprise", "at"], name="checkin_enterprise_at")]


class PatrolPlan(models.Model):
    """An online patrol plan per industry (网上巡查工作计划, measure II.7): what to check remotely, how often."""

    # measure II.7: each bureau patrols its own jurisdiction under its own plans (a county adopts the city's plans
    # as its own, `adopted_from`); the city's plans are read by every bureau's enforcement staff, to adopt them
    authority = Authority(dataset="patrols", label="网上巡查计划", enterprise=None, change=ENFORCEMENT, grants=(
        Grant("全市执法人员查看市局的网上巡查计划（县级据此采用）", lambda user: Q(region_id=settings.CITY_REGION_CODE),
              roles=ENFORCEMENT),))

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, verbose_name="制定单位")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField("年度")
    industry = models.CharField("行业", max_length=30, choices=Industry.choices)
    title = models.CharField("计划名称", max_length=120)
    content = models.TextField("巡查内容")
    channel = models.CharField("巡查方式", max_length=60, help_text="如：视频监控、在线监测、风险监测预警系统")
    every_days = models.PositiveSmallIntegerField("巡查周期（天）")
    handling = models.CharField("处置方式", max_length=200)
    is_active = models.BooleanField("执行中", default=True)
    adopted_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="adoptions", verbose_name="采用的市局计划")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "网上巡查计划"
        verbose_name_plural = verbose_name
        ordering = ["-year", "industry"]
        indexes = [models.Index(fields=["region", "year"], name="patrol_plan_region_year")]

    def __str__(self) -> str:
        return self.title


class LeadState(models.TextChoices):
    NONE = "none", "无问题"
    OPEN = "open", "待处置线索"
    INSPECTION = "inspection", "已转现场检查"
    CASE = "case", "已转立案"
    CLOSED = "closed", "已核销"


class PatrolRecord(Timeline):
    """One online patrol of one enterprise (off-site enforcement); a finding becomes a lead."""

    # an online patrol is recorded by an inspector (measure II.7); its lead is handled through the plan
    authority = Authority(dataset="patrols", label="网上巡查记录", change=frozenset({INSPECTOR}))

    plan = models.ForeignKey(PatrolPlan, on_delete=models.PROTECT, related_name="records", verbose_name="巡查计划")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    patrolled_on = models.DateField("巡查日期", db_index=True)
    finding = models.TextField("发现问题", blank=True)
    lead_state = models.CharField("线索状态", max_length=12, choices=LeadState.choices, default=LeadState.NONE)
    inspection = models.ForeignKey(Inspection, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    case_reference = models.CharField("立案编号", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "网上巡查记录"
        verbose_name_plural = verbose_name
        ordering = ["-patrolled_on", "-id"]
        indexes = [models.Index(fields=["region", "patrolled_on"], name="patrol_region_day"),
                   models.Index(fields=["lead_state", "region"], name="patrol_lead_state")]


class ServiceConsent(models.Model):
    """电子送达确认书: the enterprise agrees, once, that enforcement documents (执法文书) are served on it through the
    platform (its enterprise users' accounts are the service address) and that a document is served when one of its
    users acknowledges it (签收). Without it the bureau serves on paper.

    行政处罚法 第61条第2款: 当事人同意并签订确认书的，行政机关可以采用传真、电子邮件等方式，将行政处罚决定书等送达当事人;
    民事诉讼法 第90条 (the service rules the enforcement procedure refers to): 经受送达人同意，可以采用能够确认其收悉的
    电子方式送达."""

    authority = Authority(dataset="services", label="电子送达确认书", region="enterprise__region_id",
                          change=frozenset(), party_changes=True)

    enterprise = models.OneToOneField("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                      verbose_name="受送达企业")
    address = models.CharField("送达地址", max_length=200)
    text = models.TextField("确认内容")
    consented_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="签署人")
    consented_name = models.CharField("签署人姓名", max_length=80)
    consented_at = models.DateTimeField("签署时间")
    ip = models.CharField("来源地址", max_length=45, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "电子送达确认书"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.enterprise} 电子送达确认书"


class DocumentService(ProcessModel):
    """送达 of one enforcement document addressed to the party (责令限期整改指令书, 行政处罚告知书, 行政处罚决定书 …):
    delivered to the enterprise's platform account, then either acknowledged (签收) there by one of its users — who,
    when (server time) and from which address are recorded: the 送达回证 of electronic service — or served by other
    means (直接送达, 邮寄送达, 留置送达) as recorded by an officer. The area owning the document is told of either
    (inspection.services.register_service_owner): a penalty decision acknowledged is the case's service."""

    authority = Authority(dataset="services", label="文书送达", change=frozenset())

    document = models.OneToOneField("kernel.Document", on_delete=models.CASCADE, related_name="service",
                                    verbose_name="文书")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="受送达人")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    delivered_at = models.DateTimeField("推送时间")
    method = models.CharField("送达方式", max_length=40, default="电子送达")
    acknowledged_at = models.DateTimeField("签收时间", null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+", verbose_name="签收人")
    acknowledged_name = models.CharField("签收人姓名", max_length=80, blank=True)
    acknowledged_ip = models.CharField("签收来源地址", max_length=45, blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name="登记人")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "文书送达"
        verbose_name_plural = verbose_name
        ordering = ["delivered_at", "id"]
        indexes = [models.Index(fields=["enterprise", "state"], name="service_enterprise_state"),
                   models.Index(fields=["region", "state"], name="service_region_state")]

    def __str__(self) -> str:
        return f"{self.document.title} → {self.enterprise}"

    @property
    def state_label(self) -> str:
        workflow = workflow_for_model(self._meta.label)  # inspection.workflow, whose guards read these models
        assert workflow is not None
        return workflow.state_label(self.state)


class InspectionSignature(models.Model):
    """The signatures of a finished inspection record: each officer of the team and the inspected enterprise's
    on-site representative confirm the record on the platform (who, as what, when, from where). 安全生产法 第66条:
    检查情况应当由检查人员和被检查单位的负责人签字；被检查单位的负责人拒绝签字的，检查人员应当将情况记录在案."""

    class Capacity(models.TextChoices):
        OFFICER = "officer", "检查人员"
        PARTY = "party", "被检查单位负责人"

    authority = Authority(dataset="inspections", label="检查记录签名", region="inspection__region_id",
                          enterprise="inspection__enterprise_id")

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="signatures")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("签名人", max_length=80)
    capacity = models.CharField("身份", max_length=10, choices=Capacity.choices)
    signed_at = models.DateTimeField("签名时间")
    ip = models.CharField("来源地址", max_length=45, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "检查记录签名"
        verbose_name_plural = verbose_name
        ordering = ["signed_at", "id"]
        constraints = [models.UniqueConstraint(fields=["inspection", "user"], name="uniq_inspection_signer")]


class HandoverReason(models.TextChoices):
    APPROVAL = "approval", "许可后转入事中事后监管"
    COMMITMENT_OVERDUE = "commitment_overdue", "容缺承诺逾期未履行"


class SupervisionHandover(ProcessModel):
    """A supervision task handed to the level responsible for the enterprise (事中事后监管移交): after a licence is
    granted (measure I.6: after approval the enterprise passes to supervision with its commitments) or when a 容缺
    commitment is overdue (measure I.3: 承诺事项在事中事后监管中监督落实). The responsible bureau is the one of the
    year's supervision assignment (分级分类监管, 安全生产法 第62条), otherwise the county bureau of the enterprise's
    region. It receives the task and closes it with what it did (inspection planned, commitment checked …)."""

    authority = Authority(dataset="inspections", label="监管移交任务", enterprise=None, change=ENFORCEMENT)

    number = models.CharField("任务编号", max_length=30, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, verbose_name="负责监管单位")
    reason = models.CharField("移交事由", max_length=20, choices=HandoverReason.choices)
    source_type = models.CharField("来源记录类型", max_length=60)
    source_id = models.CharField("来源记录", max_length=40)
    source_label = models.CharField("来源", max_length=200)
    source_url = models.CharField("来源链接", max_length=200, blank=True)
    commitments = models.TextField("需监督落实的承诺事项", blank=True)
    due_on = models.DateField("接收期限")
    result = models.TextField("办理结果", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "监管移交任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["source_type", "source_id", "reason"],
                                               name="uniq_handover_source")]
        indexes = [models.Index(fields=["organisation", "state"], name="handover_org_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"

    @property
    def state_label(self) -> str:
        workflow = workflow_for_model(self._meta.label)
        assert workflow is not None
        return workflow.state_label(self.state)
