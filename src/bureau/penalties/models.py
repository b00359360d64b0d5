"""Administrative penalty cases (行政处罚案件), the discretion benchmark (自由裁量基准) and evidence records."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from bureau.accounts.authority import Authority, RestrictedQuerySet
from bureau.accounts.roles import INSPECTOR, LEADER, SECTION_HEAD, SYSADMIN
from bureau.kernel.models import ProcessModel
from bureau.kernel.workflow import workflow_for_model
from bureau.penalties import publicity, rules


class BenchmarkRowQuerySet(models.QuerySet["BenchmarkRow"]):
    def in_force(self, on: dt.date) -> BenchmarkRowQuerySet:
        return self.filter(effective_from__lte=on).filter(models.Q(effective_to__isnull=True) |
                                                          models.Q(effective_to__gte=on))


class BenchmarkRow(models.Model):
    """One tier of one violation in a discretion benchmark (应急管理部令第12号: 违法行为 → 法律依据 → 阶次 →
    适用条件 → 罚款), versioned by its effective dates. The 适用条件 are structured (a quantity in a unit with its
    bounds, the stage, named facts) so that the facts the officer records select the row. Tier `exempt` rows form
    the 首违不罚 list (行政处罚法 第33条) with the sectors they exclude; tier `statutory` rows carry only the law's
    range (proposed as such where no tiered row is in force)."""

    STAGES = list(rules.STAGE_LABELS.items())
    TARGETS = list(rules.TARGET_LABELS.items())

    version = models.CharField("版本", max_length=60)
    source = models.CharField("来源文件", max_length=200)
    reference = models.URLField("出处链接", max_length=300, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    violation_code = models.CharField("违法行为代码", max_length=40)
    violation = models.CharField("违法行为", max_length=300)
    legal_provision = models.CharField("违法条款", max_length=200)
    penalty_provision = models.CharField("处罚依据", max_length=200)
    statutory_min = models.PositiveIntegerField("法定罚款下限（元）", null=True, blank=True)
    statutory_max = models.PositiveIntegerField("法定罚款上限（元）", null=True, blank=True)
    stage = models.CharField("阶段", max_length=10, choices=STAGES, default=rules.STAGE_ORDER)
    target = models.CharField("处罚对象", max_length=10, choices=TARGETS, default=rules.TARGET_UNIT)
    # the benchmark's own 阶次 code as printed (A, B, C / 1, 2, 3), or rules.EXEMPT / rules.STATUTORY
    tier = models.CharField("裁量阶次", max_length=10)
    tier_rank = models.PositiveSmallIntegerField("阶次顺序", default=0)
    grade_label = models.CharField("原档次", max_length=40, blank=True)
    conditions = models.TextField("适用条件")
    amount_min = models.PositiveIntegerField("罚款下限（元）", null=True, blank=True)
    amount_max = models.PositiveIntegerField("罚款上限（元）", null=True, blank=True)
    other_measures = models.CharField("其他处理措施", max_length=200, blank=True)
    excluded_industries = models.JSONField("排除行业", default=list, blank=True)
    # structured conditions (应急管理部令第12号: 阶次 by the facts the benchmark names): a quantity in a unit with
    # bounds, plus named qualitative facts; the stage is its own column
    item = models.CharField("条目", max_length=20, blank=True)
    level = models.CharField("层级", max_length=10, choices=list(rules.LEVEL_LABELS.items()), default=rules.LEVEL_NATIONAL)
    quantity_unit = models.CharField("数量单位", max_length=10, choices=list(rules.QUANTITY_UNITS.items()), blank=True)
    quantity_min = models.DecimalField("数量下限", max_digits=14, decimal_places=2, null=True, blank=True)
    quantity_max = models.DecimalField("数量上限", max_digits=14, decimal_places=2, null=True, blank=True)
    min_inclusive = models.BooleanField("下限含本数", default=True)
    max_inclusive = models.BooleanField("上限含本数", default=True)
    facts = models.JSONField("情形", default=list, blank=True)
    line = models.PositiveIntegerField("导入行号", default=0)
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = BenchmarkRowQuerySet.as_manager()

    class Meta:
        verbose_name = "裁量基准条目"
        verbose_name_plural = verbose_name
        ordering = ["violation_code", "stage", "target", "tier", "line"]
        indexes = [models.Index(fields=["violation_code", "effective_from"], name="bench_code_from"),
                   models.Index(fields=["tier", "effective_from"], name="bench_tier_from"),
                   # the violation list (API and picker) filters the rows in force by date first
                   models.Index(fields=["effective_from", "effective_to"], name="bench_in_force")]

    def __str__(self) -> str:
        return f"{self.violation_code} {self.tier_label} {self.grade_label}"

    @property
    def tier_label(self) -> str:
        return rules.tier_label(self.tier)

    def band(self) -> rules.Band:
        return rules.Band(
            row_id=self.pk, violation_code=self.violation_code, violation=self.violation,
            legal_provision=self.legal_provision, penalty_provision=self.penalty_provision,
            statutory_min=self.statutory_min, statutory_max=self.statutory_max, stage=self.stage, target=self.target,
            tier=self.tier, grade_label=self.grade_label, conditions=self.conditions, amount_min=self.amount_min,
            amount_max=self.amount_max, other_measures=self.other_measures, source=self.source,
            effective_from=self.effective_from, excluded_industries=tuple(self.excluded_industries or ()),
            tier_rank=self.tier_rank, item=self.item, level=self.level, quantity_unit=self.quantity_unit,
            quantity_min=self.quantity_min, quantity_max=self.quantity_max, min_inclusive=self.min_inclusive,
            max_inclusive=self.max_inclusive, facts=tuple(self.facts or ()),
        )


class BenchmarkImport(models.Model):
    """An import of a benchmark workbook (the 裁量基准表 a province or city publishes, or our flat layout): columns
    confirmed, every row parsed and checked, previewed, then written as a new version by a background job
    (penalties.workbook). Nothing of an earlier version is overwritten or deleted; earlier rows of the same level
    that the new version replaces get an end date, only after the importer confirmed it."""

    # the city bureau keeps its benchmark: its system administrator, section heads and leaders (a county's do not:
    # the record is the city's, `require_change(..., region=<city>)`)
    authority = Authority(dataset="benchmark", label="裁量基准导入", region="region_id", enterprise=None,
                          change=frozenset({SYSADMIN, SECTION_HEAD, LEADER}))

    class Status(models.TextChoices):
        MAPPING = "mapping", "待确认列"
        QUEUED = "queued", "排队解析"
        PARSING = "parsing", "解析中"
        INVALID = "invalid", "校验未通过"
        PREVIEW = "preview", "待确认导入"
        CONFIRMED = "confirmed", "排队写入"
        WRITING = "writing", "写入中"
        DONE = "done", "已完成"
        CANCELLED = "cancelled", "已放弃"
        ERROR = "error", "处理出错"

    RUNNING = frozenset({"queued", "parsing", "confirmed", "writing"})

    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区划")
    file = models.FileField(upload_to="penalties/benchmarks/%Y/%m/")
    original_name = models.CharField("文件名", max_length=200)
    sha256 = models.CharField(max_length=64, db_index=True)
    layout = models.CharField("格式", max_length=10, default="published")  # published | flat
    # what the importer states (the published layout has none of it in the rows)
    version = models.CharField("版本名称", max_length=60, blank=True)
    source = models.CharField("来源文件（文号）", max_length=200, blank=True)
    reference = models.URLField("出处链接", max_length=300, blank=True)
    level = models.CharField("层级", max_length=10, choices=list(rules.LEVEL_LABELS.items()), blank=True)
    effective_from = models.DateField("生效日期", null=True, blank=True)
    above_inclusive = models.BooleanField("「以上」含本数", default=True)
    below_inclusive = models.BooleanField("「以下」含本数", default=True)
    # {header text: field} confirmed by the importer; the headers found per sheet
    mapping = models.JSONField(default=dict, blank=True)
    headers = models.JSONField(default=list, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.MAPPING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    rows = models.JSONField(default=list, blank=True)  # the parsed rows (model fields + where they came from)
    problems = models.JSONField(default=list, blank=True)  # [{sheet, row, column, message}] that refuse the import
    warnings = models.JSONField(default=list, blank=True)  # the same shape, to be checked by the importer
    closures = models.JSONField(default=list, blank=True)  # earlier rows that would get an end date
    created_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    closed_count = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "裁量基准导入"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.original_name} {self.get_status_display()}"

    @property
    def running(self) -> bool:
        return self.status in self.RUNNING

    @property
    def percent(self) -> int:
        """Percent of the rows processed by the running step (parsing, then writing)."""
        if self.status in {self.Status.PREVIEW, self.Status.INVALID, self.Status.DONE}:
            return 100
        if not self.total_rows:
            return 0
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class CaseSource(models.TextChoices):
    INSPECTION = "inspection", "执法检查发现"
    PATROL = "patrol", "网上巡查线索"
    PETITION = "petition", "举报投诉"
    HAND = "hand", "其他（直接立案）"


class ExemptionKind(models.TextChoices):
    NONE = "", "—"
    SELF_INSPECTION = "self_inspection", "企业自查整改免罚（运城市优化营商环境措施）"
    FIRST_OFFENCE = "first_offence", "首违不罚（行政处罚法第三十三条第一款）"
    MINOR = "minor", "违法行为轻微并及时改正，没有造成危害后果（行政处罚法第三十三条第一款）"
    NO_FAULT = "no_fault", "有证据足以证明没有主观过错（行政处罚法第三十三条第二款）"
    COLLECTIVE = "collective", "经负责人集体讨论决定不予处罚（行政处罚法第五十七条）"


class Case(ProcessModel):
    """An administrative penalty case: 立案 → 调查取证 → 审理 → 告知 (陈述申辩/听证) → 决定 → 送达 → 执行 → 结案
    (行政处罚法 2021; 应急管理部令第18号). The proposal fields hold the engine's output (measure II.6); the
    exemption fields hold the II.8 / 首违不罚 basis shown to the enterprise."""

    # who handles cases (and uses the discretion engine): the bureau's inspectors, section heads and leaders
    authority = Authority(dataset="cases", label="处罚案件", change=frozenset({INSPECTOR, SECTION_HEAD, LEADER}))

    # documents the party (an enterprise user) may open: the notices and decisions sent to it, its own statements
    # (also the one against the 催告书, with its review) and hearing record and the evidence records it signed; the
    # approval forms (立案审批表, 案件处理呈批表, 结案审批表) and the 强制执行申请书 (addressed to the court) stay in the
    # authority's file (checked by kernel.views.document_download)
    ENTERPRISE_DOCUMENT_KINDS = frozenset({
        "penalty_notice", "hearing_notice", "penalty_decision", "no_penalty_decision", "service_receipt",
        "statement_record", "statement_review_record", "hearing_record", "inquiry_record", "inspection_record",
        "site_record",
        "hearing_schedule_notice", "enforcement_reminder", "reminder_statement_record"})
    # the documents served on the party (送达, 行政处罚法 第61条): each is delivered to its platform account to be
    # acknowledged (签收) there (inspection.DocumentService); acknowledging a decision is the case's service
    SERVED_DOCUMENT_KINDS = frozenset({"penalty_notice", "hearing_notice", "hearing_schedule_notice",
                                       "penalty_decision", "no_penalty_decision", "enforcement_reminder"})
    DECISION_KINDS = frozenset({"penalty_decision", "no_penalty_decision"})

    number = models.CharField("案号", max_length=40, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="penalty_cases",
                                   verbose_name="当事人")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="立案机关")
    source = models.CharField("案件来源", max_length=20, choices=CaseSource.choices)
    source_type = models.CharField("来源记录类型", max_length=60, blank=True)
    source_id = models.CharField("来源记录", max_length=40, blank=True)
    hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="检查发现的隐患")
    found_at = models.DateTimeField("发现违法行为时间")
    title = models.CharField("案由", max_length=200)
    facts = models.TextField("违法事实")
    lead_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="承办人")
    second_officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                       verbose_name="协办人")
    filed_on = models.DateField("立案日期")
    decision_due = models.DateField("决定期限")
    # proposal (说理式裁量)
    violation_code = models.CharField("违法行为代码", max_length=40, blank=True)
    benchmark_row = models.ForeignKey(BenchmarkRow, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    circumstances = models.JSONField("情节", default=list, blank=True)
    quantity = models.DecimalField("违法数量", max_digits=14, decimal_places=2, null=True, blank=True)
    named_facts = models.JSONField("认定情形", default=list, blank=True)
    # 初次违法 / 一年内再犯 are computed from the enterprise's cases; an officer's correction is kept with its reason
    first_offence_override = models.BooleanField("更正初次违法认定", null=True, blank=True)
    repeat_override = models.BooleanField("更正一年内再犯认定", null=True, blank=True)
    history_override_reason = models.TextField("更正认定的理由", blank=True)
    stage = models.CharField("阶段", max_length=10, blank=True)
    target = models.CharField("处罚对象", max_length=10, blank=True)
    tier = models.CharField("裁量阶次", max_length=10, blank=True)
    amount_min = models.PositiveIntegerField("基准下限（元）", null=True, blank=True)
    amount_max = models.PositiveIntegerField("基准上限（元）", null=True, blank=True)
    proposed_amount = models.PositiveIntegerField("拟罚款（元）", null=True, blank=True)
    other_measures = models.CharField("其他处理措施", max_length=200, blank=True)
    deviation_reason = models.TextField("偏离基准理由", blank=True)
    reasoning = models.TextField("说理", blank=True)
    # exemption (免罚)
    exemption = models.CharField("免罚类型", max_length=20, choices=ExemptionKind.choices, blank=True)
    exemption_basis = models.TextField("免罚依据", blank=True)
    exempt_hazard = models.ForeignKey("hazards.Hazard", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="企业自查隐患")
    # measure II.8: the officer's written reason when the self-found hazard is linked to the case although its
    # recorded violation code / checklist item differ (shown on the case page, in the basis and in the audit)
    exempt_link_reason = models.TextField("自查隐患关联理由", blank=True)
    # notice, statement, hearing
    hearing_right = models.BooleanField("有听证权", default=False)
    notified_on = models.DateField("告知日期", null=True, blank=True)
    answer_due = models.DateField("陈述申辩期限", null=True, blank=True, db_index=True)
    answer_due_provisional = models.BooleanField(default=False)
    hearing_due = models.DateField("听证申请期限", null=True, blank=True)
    statement = models.TextField("陈述申辩意见", blank=True)
    statement_at = models.DateTimeField("陈述申辩时间", null=True, blank=True)
    statement_waived = models.BooleanField("放弃陈述申辩", default=False)
    # the authority's review of the statement (复核, 行政处罚法 第45条): 采纳 / 部分采纳 / 不采纳 with its reasons; an
    # adopted statement may lower the proposed fine (never raise it, 第45条第2款): the amount before is kept
    statement_review = models.CharField("陈述申辩复核结果", max_length=10, blank=True,
                                        choices=list(rules.STATEMENT_OUTCOMES.items()))
    statement_review_reason = models.TextField("复核理由", blank=True)
    statement_reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    statement_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                           related_name="+", verbose_name="陈述申辩复核人")
    statement_amount_before = models.PositiveIntegerField("复核前拟罚款（元）", null=True, blank=True)
    hearing_requested_at = models.DateTimeField("申请听证时间", null=True, blank=True)
    hearing_record = models.TextField("听证情况", blank=True)
    review_opinion = models.TextField("审理意见", blank=True)
    complex_case = models.BooleanField("情节复杂", default=False)
    # hearing schedule (听证通知书, 行政处罚法 第64条)
    hearing_at = models.DateTimeField("听证时间", null=True, blank=True)
    hearing_place = models.CharField("听证地点", max_length=200, blank=True)
    hearing_host = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="听证主持人")
    hearing_clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name="听证记录员")
    hearing_notified_on = models.DateField("听证通知日期", null=True, blank=True)
    # decision, service, execution
    decided_amount = models.PositiveIntegerField("决定罚款（元）", null=True, blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    late_reason = models.TextField("超期决定说明", blank=True)
    served_on = models.DateField("送达日期", null=True, blank=True)
    service_method = models.CharField("送达方式", max_length=40, blank=True)
    payment_due = models.DateField("罚款缴纳期限", null=True, blank=True, db_index=True)
    execution_method = models.CharField("执行方式", max_length=20, blank=True,
                                        choices=list(rules.EXECUTION_METHODS.items()))
    paid_amount = models.PositiveIntegerField("缴纳金额（元）", null=True, blank=True)
    paid_on = models.DateField("缴款（执行）日期", null=True, blank=True)
    payment_voucher = models.CharField("缴款凭证号", max_length=60, blank=True)
    # how to pay (行政处罚法 第67条: 到指定的银行或者通过电子支付系统缴纳): the 缴款码 of this decision, given at service
    payment_code = models.CharField("缴款码", max_length=40, blank=True)
    # the party's own report of its payment with its 缴款凭证 (an Attachment, purpose "payment_voucher"), confirmed
    # by the officer through the 记录执行情况 step or returned with a reason
    voucher_amount = models.PositiveIntegerField("当事人申报缴款金额（元）", null=True, blank=True)
    voucher_paid_on = models.DateField("当事人申报缴款日期", null=True, blank=True)
    voucher_number = models.CharField("当事人申报凭证号", max_length=60, blank=True)
    voucher_at = models.DateTimeField("缴款凭证上传时间", null=True, blank=True)
    voucher_returned = models.TextField("缴款凭证退回理由", blank=True)
    executed_on = models.DateField("执行记录日期", null=True, blank=True)
    execution_note = models.TextField("执行情况说明", blank=True)
    # payment reminder before a court application (履行催告书, 行政强制法 第35、54条)
    reminder_on = models.DateField("催告日期", null=True, blank=True)
    reminder_surcharge = models.PositiveIntegerField("催告时加处罚款（元）", null=True, blank=True)
    # the party's statement against the reminder and its review (行政强制法 第36条)
    reminder_statement = models.TextField("对催告书的陈述申辩", blank=True)
    reminder_statement_at = models.DateTimeField("催告陈述申辩时间", null=True, blank=True)
    reminder_review = models.CharField("复核意见", max_length=10, blank=True,
                                       choices=list(rules.REVIEW_DECISIONS.items()))
    reminder_review_reason = models.TextField("复核理由", blank=True)
    reminder_reviewed_at = models.DateTimeField("复核时间", null=True, blank=True)
    reminder_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+", verbose_name="复核人")
    # 申请人民法院强制执行 (行政强制法 第53、55条)
    court_name = models.CharField("受理法院", max_length=100, blank=True)
    court_applied_on = models.DateField("申请强制执行日期", null=True, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "行政处罚案件"
        verbose_name_plural = verbose_name
        ordering = ["-filed_on", "-id"]
        indexes = [
            models.Index(fields=["region", "-filed_on", "-id"], name="case_region_filed"),
            models.Index(fields=["region", "state", "-filed_on"], name="case_region_state_filed"),
            models.Index(fields=["enterprise", "-filed_on"], name="case_enterprise_filed"),
            models.Index(fields=["state", "decision_due"], name="case_state_due"),
            models.Index(fields=["-filed_on", "-id"], name="case_filed_id"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def state_label(self) -> str:
        # the workflow declared for this model (penalties.workflow, whose guards read this module)
        workflow = workflow_for_model(self._meta.label)
        assert workflow is not None
        return workflow.state_label(self.state)

    @property
    def chip(self) -> str:
        return {"closed": "done", "decided": "done", "served": "running", "executed": "done"}.get(self.state, "running")

    @property
    def tier_label(self) -> str:
        return rules.tier_label(self.tier)

    @property
    def quantity_text(self) -> str:
        """The recorded quantity with the unit of the benchmark row (e.g. 「1人次」)."""
        if self.quantity is None:
            return ""
        unit = rules.QUANTITY_UNITS.get(self.benchmark_row.quantity_unit, "") if self.benchmark_row else ""
        return f"{rules.number_text(self.quantity)}{unit}"

    @property
    def is_exempt(self) -> bool:
        return bool(self.exemption)

    @property
    def statement_review_pending(self) -> bool:
        """The party stated its case against the notice and the authority has not reviewed it yet (第45条)."""
        return bool(self.statement.strip() and not self.statement_review)

    @property
    def reminder_review_pending(self) -> bool:
        """The party stated its case against the 催告书 and the authority has not reviewed it yet (第36条)."""
        return bool(self.reminder_statement_at and not self.reminder_review)

    @property
    def payment_overdue(self) -> bool:
        """The fine is not executed and its payment deadline (行政处罚法 第67条) has passed."""
        from django.utils import timezone

        return bool(self.state == "served" and not self.exemption and self.payment_due
                    and timezone.localdate() > self.payment_due)


class PaymentAccount(models.Model):
    """How a fine of an issuing authority is paid (data per organisation, editable in the admin): the non-tax revenue
    collector (执收单位) and its code, the bank account, the channels. 行政处罚法 第67条: the authority deciding a
    fine does not collect it; the party pays at the designated bank or through the electronic payment system within
    fifteen days of receiving the decision (罚款决定与罚款收缴分离)."""

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.CASCADE, related_name="+",
                                     verbose_name="作出决定的机关")
    payee = models.CharField("收款单位（执收单位）", max_length=100)
    collector_code = models.CharField("执收单位编码", max_length=30)
    bank = models.CharField("开户银行", max_length=100, blank=True)
    account_number = models.CharField("账号", max_length=40, blank=True)
    channels = models.CharField("缴款渠道", max_length=300,
                                help_text="如：山西省非税收入电子缴款平台、代理银行柜台、手机银行，凭缴款码缴纳")
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")
    effective_until = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = "罚没款缴款账户"
        verbose_name_plural = verbose_name
        ordering = ["organisation", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.payee}（{self.collector_code}）"


class CollectiveDiscussion(models.Model):
    """集体讨论记录 (行政处罚法 第57条第2款): the leaders' discussion of a major or complex case before the decision —
    date, place, host (a leader), participants, the summary and the conclusion."""

    CONCLUSIONS = list(rules.CONCLUSIONS.items())

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="discussion")
    held_on = models.DateField("讨论日期")
    place = models.CharField("地点", max_length=200)
    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name="主持人")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name="参加人员")
    summary = models.TextField("讨论情况")
    conclusion = models.CharField("讨论结论", max_length=20, choices=CONCLUSIONS)
    amount = models.PositiveIntegerField("变更后罚款（元）", null=True, blank=True)
    reason = models.TextField("理由", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "集体讨论记录"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.case.number} 集体讨论 {self.held_on}"

    @property
    def conclusion_text(self) -> str:
        if self.conclusion == rules.CONCLUSION_CHANGE:
            return f"变更罚款为{rules.yuan(self.amount)}（理由：{self.reason}）"
        if self.conclusion == rules.CONCLUSION_NO_PENALTY:
            return f"不予行政处罚（理由：{self.reason}）"
        return "同意拟处罚意见" + (f"（{self.reason}）" if self.reason else "")


class LegalReview(models.Model):
    """法制审核记录 (行政处罚法 第58条): before the decision of the cases 第58条第1款 lists, a 法制审核人员 of the deciding
    authority who did not investigate the case (and who holds the 法律职业资格 when reviewing for the first time,
    第2款) records the opinion — 同意, 建议修改 (what) or 不同意 (why); the latter two return the case for correction
    and the corrected case is reviewed again. A child record of its case (seen and changed through the case)."""

    OPINIONS = list(rules.LEGAL_OPINIONS.items())

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="legal_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="审核人员")
    qualification = models.CharField("法律职业资格证书编号", max_length=40, blank=True)
    reviewed_on = models.DateField("审核日期")
    opinion = models.CharField("审核意见", max_length=10, choices=OPINIONS)
    text = models.TextField("意见内容", blank=True)
    reasons = models.JSONField("须法制审核的情形", default=list, blank=True)
    amount = models.PositiveIntegerField("审核时拟罚款（元）", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "法制审核记录"
        verbose_name_plural = verbose_name
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.case.number} 法制审核 {self.reviewed_on}"

    @property
    def passed(self) -> bool:
        return self.opinion == rules.LEGAL_AGREE

    @property
    def opinion_text(self) -> str:
        label = rules.LEGAL_OPINIONS.get(self.opinion, self.opinion)
        return label + (f"：{self.text}" if self.text else "")


class EvidenceKind(models.TextChoices):
    INQUIRY = "inquiry_record", "询问笔录"
    INSPECTION = "inspection_record", "勘验笔录"
    SITE = "site_record", "现场检查记录"


class EvidenceRecord(models.Model):
    """An evidence-taking record (询问笔录, 勘验笔录 …) made by at least two officers holding enforcement IDs
    (行政处罚法 第42条、第55条)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("笔录种类", max_length=30, choices=EvidenceKind.choices)
    recorded_on = models.DateField("制作日期")
    place = models.CharField("地点", max_length=200)
    content = models.TextField("内容")
    officers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", verbose_name="执法人员")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "调查取证笔录"
        verbose_name_plural = verbose_name
        ordering = ["recorded_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.recorded_on}"


class DecisionPublication(models.Model):
    """行政执法公示 of one decision (行政处罚法 第48条; 国办发〔2018〕118号 加强事后公开): prepared when the decision is
    made (a masked snapshot: party, facts, basis, outcome, authority, date) with the deadline of the rule in force
    (working days from the decision), published on the portal by the hourly job once the decision is served or at
    the latest on its deadline (or at once by the bureau), withheld only with a written reason, and withdrawn with the
    ground and the reason made public when the decision is changed, revoked or found unlawful or void (第48条第2款)."""

    # the bureau's section heads and leaders publish early, withhold and withdraw (the case officers see it)
    authority = Authority(dataset="cases", label="处罚决定公示", change=frozenset({SECTION_HEAD, LEADER}))

    KINDS = list(publicity.KIND_LABELS.items())
    STATES = list(publicity.STATE_LABELS.items())
    GROUNDS = list(publicity.WITHDRAW_GROUNDS.items())

    case = models.OneToOneField(Case, on_delete=models.PROTECT, related_name="publication", verbose_name="案件")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="当事人")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    kind = models.CharField("决定种类", max_length=30, choices=KINDS)
    state = models.CharField("公示状态", max_length=12, choices=STATES, default=publicity.PENDING)
    decided_on = models.DateField("决定日期")
    due_on = models.DateField("公示期限")
    due_provisional = models.BooleanField(default=False)
    # the published snapshot (masked when prepared; re-masked when the bureau adds a name)
    title = models.CharField("标题", max_length=40)
    number = models.CharField("决定书文号", max_length=60)
    party_name = models.CharField("当事人", max_length=120)
    party_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_representative = models.CharField("法定代表人（已隐去）", max_length=40, blank=True)
    violation = models.TextField("主要违法事实")
    basis = models.TextField("处罚依据")
    penalty = models.CharField("处罚内容", max_length=300)
    authority_name = models.CharField("作出决定机关", max_length=120)
    masked_names = models.JSONField("另行隐去的姓名", default=list, blank=True)
    published_at = models.DateTimeField("公示时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="公示人")
    withheld_reason = models.TextField("不予公开理由", blank=True)
    withdraw_ground = models.CharField("撤回原因", max_length=10, blank=True, choices=GROUNDS)
    revoked_on = models.DateField("决定被变更/撤销日期", null=True, blank=True)
    withdraw_due = models.DateField("撤回期限", null=True, blank=True)
    withdraw_reason = models.TextField("撤回说明", blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name="不予公开/撤回决定人")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "处罚决定公示"
        verbose_name_plural = verbose_name
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["state", "due_on"], name="publication_state_due"),
                   models.Index(fields=["state", "-published_at"], name="publication_state_published"),
                   models.Index(fields=["region", "state", "due_on"], name="publication_region_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_state_display()}"

    @property
    def is_public(self) -> bool:
        """Shown on the portal: published, or withdrawn after publication (the withdrawal and its reason are public,
        行政处罚法 第48条第2款)."""
        return self.published_at is not None and self.state in (publicity.PUBLISHED, publicity.WITHDRAWN)

    def overdue(self, today: dt.date) -> bool:
        return self.state == publicity.PENDING and today > self.due_on

    @property
    def withdrawn_late(self) -> bool:
        return bool(self.withdrawn_at and self.withdraw_due and self.withdrawn_at.date() > self.withdraw_due)
