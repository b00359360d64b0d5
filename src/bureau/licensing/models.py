"""行政审批: the permit-item catalogue (data), applications (a process), their materials, clock pauses,
parallel-review opinions and 容缺 commitments.

行政许可法 第32条 (intake), 第42条 (20 working days, +10 with the head's approval), 第45条 (expert review stops the
clock); measures I.1–I.7 of the Yuncheng 30 measures.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.enterprises.models import Industry, SubSector
from bureau.kernel.models import ProcessModel, Timeline


class ItemKind(models.TextChoices):
    INSTANT = "instant", "即办件"
    PROMISED = "promised", "承诺件"


class HandlingLevel(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class FastTrack(models.TextChoices):
    NONE = "", "无"
    GRADE_SKIP_SITE = "grade_skip_site", "标准化二级以上免现场核查（措施I.4）"
    SPECIAL_EVALUATION = "special_evaluation", "加油站局部改造以专项评价代替项目审查（措施I.7）"
    MERGED_REVIEW = "merged_review", "安全条件与设施设计合并审查（措施I.7）"
    JOINT_COMPLETION = "joint_completion", "竣工验收与首次许可现场核查合并（措施I.6）"
    INSTANT = "instant", "即办件当场办结（措施I.2）"


class ItemOutcome(models.TextChoices):
    LICENCE = "licence", "许可决定"
    FILING = "filing", "备案"


class PermitItem(models.Model):
    """A 行政许可事项 with its limits, materials and switches as data (domain §3), with source and date."""

    code = models.CharField("事项编码", max_length=40, unique=True)
    name = models.CharField("事项名称", max_length=100)
    category = models.CharField("许可类别", max_length=60, blank=True)
    legal_basis = models.TextField("设定依据")
    kind = models.CharField("办件类型", max_length=10, choices=ItemKind.choices, default=ItemKind.PROMISED)
    level = models.CharField("办理层级", max_length=10, choices=HandlingLevel.choices, default=HandlingLevel.CITY)
    statutory_days = models.PositiveSmallIntegerField("法定时限（工作日）")
    promised_days = models.PositiveSmallIntegerField("承诺时限（工作日）")
    needs_site_verification = models.BooleanField("需要现场核查", default=False)
    needs_expert_review = models.BooleanField("需要专家评审", default=False)
    tolerance_allowed = models.BooleanField("允许容缺受理", default=False)
    notification_commitment_allowed = models.BooleanField(
        "允许告知承诺", default=False, help_text="国办发〔2020〕42号：危化、烟花爆竹许可一般不适用")
    grade_skips_site = models.BooleanField("标准化一级/二级免现场核查", default=False, help_text="措施I.4")
    special_evaluation_allowed = models.BooleanField("加油站局部改造可走专项评价", default=False, help_text="措施I.7")
    merged_review_allowed = models.BooleanField("可合并安全条件与设计审查", default=False, help_text="措施I.7")
    joint_completion_visit = models.BooleanField("竣工验收与首次许可核查合并", default=False, help_text="措施I.6")
    parallel_departments = models.CharField("并联审查部门（机构代码，逗号分隔）", max_length=200, blank=True,
                                            help_text="措施I.5，例如 YC-D-NY（市能源局）")
    county_site_check = models.BooleanField("市县同步现场核查", default=False, help_text="措施I.5“三同步”")
    certificate_type = models.CharField("发放证照类型代码", max_length=40, blank=True,
                                        help_text="准予许可后发放的证照类型（证照库类型代码）；空＝只出决定书")
    outcome = models.CharField("办理结果", max_length=10, choices=ItemOutcome.choices, default=ItemOutcome.LICENCE,
                               help_text="备案：以备案告知书办结，不作许可决定（如加油站局部改造专项评价，措施I.7）")
    certificate_action = models.CharField(
        "证照办理方式", max_length=12, default="issue",
        choices=[("issue", "发证（首次申请）"), ("change", "变更（原证照换发新版本）"), ("extension", "延期（原证照延续有效期）")],
        help_text="准予许可后对证照库的处理：变更、延期办理的是企业已持有的同一证照（行政许可法 第49、50条）")
    fees = models.CharField("收费标准", max_length=60, default="不收费")
    conditions = models.TextField("申请条件", blank=True)
    # 一次性告知 (办事指南 elements): who accepts, where, how to ask, when, how the result reaches the applicant
    accepting_body = models.CharField("受理机构", max_length=100, blank=True)
    location = models.CharField("办理地点与窗口", max_length=200, blank=True)
    phone = models.CharField("咨询电话", max_length=60, blank=True)
    office_hours = models.CharField("办公时间", max_length=120, blank=True)
    delivery = models.CharField("结果送达方式", max_length=200, blank=True)
    guide_source = models.CharField("办事指南要素依据", max_length=200, blank=True,
                                    help_text="办事指南应载明的要素所依据的规定")
    source = models.CharField("时限依据", max_length=200)
    effective_from = models.DateField("生效日期")
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "行政许可事项"
        verbose_name_plural = verbose_name
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def department_codes(self) -> list[str]:
        return [c.strip() for c in self.parallel_departments.split(",") if c.strip()]


class MaterialRequirement(models.TextChoices):
    REQUIRED = "required", "必须提交"
    TOLERABLE = "tolerable", "可容缺"
    SHARED = "shared", "免提交（部门共享）"


class PermitMaterial(models.Model):
    """One material of an item: required, tolerable (容缺, measure I.3) or 免提交 (shared data, measure I.2)."""

    item = models.ForeignKey(PermitItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=120)
    requirement = models.CharField("要求", max_length=10, choices=MaterialRequirement.choices,
                                   default=MaterialRequirement.REQUIRED)
    shared_from = models.CharField("共享来源", max_length=60, blank=True, help_text="如：市场监管局营业执照")
    shared_source = models.CharField("共享数据接口", max_length=40, blank=True,
                                     help_text="系统自动获取该材料内容的接口代码，如 business_licence（市场监管局营业执照）；"
                                               "为空则仅标注免提交，由审查人员核验")
    note = models.CharField("说明", max_length=200, blank=True)
    form = models.CharField("材料形式", max_length=60, blank=True, help_text="如：电子件（PDF或图片，加盖公章）；原件扫描件")
    copies = models.PositiveSmallIntegerField("份数", default=1)
    generated = models.BooleanField("网上填报自动生成", default=False,
                                    help_text="由系统根据网上填报的申请表内容生成PDF（如申请书），企业不上传")
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "申请材料"
        verbose_name_plural = verbose_name
        ordering = ["item", "sort", "id"]

    def __str__(self) -> str:
        return self.name


class FieldKind(models.TextChoices):
    TEXT = "text", "单行文字"
    TEXTAREA = "textarea", "多行文字"
    INTEGER = "integer", "整数"
    DECIMAL = "decimal", "数值"
    DATE = "date", "日期"
    CHOICE = "choice", "单选"
    PHONE = "phone", "电话号码"


class FieldSource(models.TextChoices):
    """Where a field's value is pre-filled from; the value the enterprise submits is compared with it (需核验)."""

    TYPED = "", "申请人填写"
    NAME = "register:name", "企业名录：企业名称"
    USCC = "register:uscc", "企业名录：统一社会信用代码"
    LEGAL_REPRESENTATIVE = "register:legal_representative", "企业名录：法定代表人"
    ADDRESS = "register:address", "企业名录：地址"
    CONTACT_NAME = "register:contact_name", "企业名录：安全联系人"
    CONTACT_PHONE = "register:contact_phone", "企业名录：联系电话"
    BUSINESS_SCOPE = "register:business_scope", "企业名录：经营范围"
    EMPLOYEES = "register:employees", "企业名录：从业人员数"


class ItemField(models.Model):
    """One field of an item's online application form (申请书), as data: label, type, required flag, and the register
    field it is pre-filled from (measure I.1 全程网办: the 申请书 is generated from what is filled in online)."""

    item = models.ForeignKey(PermitItem, on_delete=models.CASCADE, related_name="form_fields")
    key = models.SlugField("字段代码", max_length=40, help_text="scope 表示申请许可范围")
    label = models.CharField("名称", max_length=60)
    kind = models.CharField("类型", max_length=10, choices=FieldKind.choices, default=FieldKind.TEXT)
    required = models.BooleanField("必填", default=True)
    source = models.CharField("预填来源", max_length=40, choices=FieldSource.choices, blank=True)
    choices = models.CharField("可选项（用“、”分隔）", max_length=300, blank=True)
    max_length = models.PositiveSmallIntegerField("最大长度", default=200)
    help_text = models.CharField("填写说明", max_length=200, blank=True)
    example = models.CharField("样表示例", max_length=200, blank=True, help_text="办事指南“样表”中的示例填写内容")
    basis = models.CharField("依据", max_length=200, blank=True, help_text="该项内容的规定来源，如申请书格式所依据的办法")
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "申请表字段"
        verbose_name_plural = verbose_name
        ordering = ["item", "sort", "id"]
        constraints = [models.UniqueConstraint(fields=["item", "key"], name="uniq_item_field_key")]

    def __str__(self) -> str:
        return self.label


class ItemStep(models.Model):
    """One step of an item's 办理流程 as published in its 办事指南 (data; drawn as the guide's flow diagram): who does
    it and in what time. 行政许可法 第30条: the procedure and time limits are published where the applicant applies."""

    item = models.ForeignKey(PermitItem, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("环节", max_length=40)
    actor = models.CharField("办理人员", max_length=60, blank=True)
    limit = models.CharField("时限", max_length=60, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "办理流程环节"
        verbose_name_plural = verbose_name
        ordering = ["item", "sort", "id"]

    def __str__(self) -> str:
        return self.name


class IssuingLevel(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class ItemEligibility(models.Model):
    """Who may apply for an item here (data, measure I.1): an enterprise of this industry (and sub-sector) has its
    licence issued at this level. An item with rows is open only to the industries listed at its own level; a row
    naming another level explains where to apply instead (行政许可法 第22条: the authority holding the power)."""

    item = models.ForeignKey(PermitItem, on_delete=models.CASCADE, related_name="eligibility")
    industry = models.CharField("行业类别", max_length=30, choices=Industry.choices)
    sub_sector = models.CharField("子行业", max_length=30, choices=SubSector.choices, blank=True,
                                  help_text="为空表示该行业全部子行业")
    issuing_level = models.CharField("发证层级", max_length=10, choices=IssuingLevel.choices)
    note = models.CharField("说明（告知企业）", max_length=200, blank=True)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")
    effective_until = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = "事项适用范围"
        verbose_name_plural = verbose_name
        ordering = ["item", "industry", "sub_sector", "-effective_from"]

    def __str__(self) -> str:
        return f"{self.item} · {self.get_industry_display()}"


OPEN_STATES = ("submitted", "correction", "review", "expert_review", "extension_requested", "pending_decision")
OFFICER_STATES = ("submitted", "review", "expert_review", "extension_requested", "pending_decision")


class Application(ProcessModel):
    """One application (办件). `due_on` is the deadline of the current stage (intake while submitted, the decision
    while under review), `decision_due` the expected decision date; both computed from the working-day clock."""

    authority = Authority(
        dataset="applications", label="办件",
        grants=(Grant("征求意见的协同部门", lambda user: models.Q(opinions__organisation_id=user.organisation_id)
                      if user.organisation_id else None, roles=frozenset({R.DEPARTMENT}), distinct=True),),
        change=frozenset({R.CLERK, R.LICENSING_OFFICER, R.SECTION_HEAD, R.LEADER}),
    )

    number = models.CharField("办件编号", max_length=30, unique=True)
    check_code = models.CharField("查询码", max_length=12)
    item = models.ForeignKey(PermitItem, on_delete=models.PROTECT, related_name="applications", verbose_name="事项")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="applications",
                                   verbose_name="申请企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    level = models.CharField("办理层级", max_length=10, choices=HandlingLevel.choices, default=HandlingLevel.CITY)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+",
                                  verbose_name="申请人")
    idempotency_key = models.CharField(max_length=64, blank=True)
    form_data = models.JSONField("申请表内容", default=dict, blank=True)
    # the register check at submission: [{"key", "label", "typed", "register", "licence", "flag"}] where `flag`
    # says why the officer must verify (需核验); rows without a flag agree everywhere
    verification = models.JSONField("信息比对", default=list, blank=True)
    proxy_clerk = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="代办窗口人员")
    proxy_authorisation = models.ForeignKey("kernel.Attachment", null=True, blank=True, on_delete=models.SET_NULL,
                                            related_name="+", verbose_name="授权委托书")
    proxy_agent = models.CharField("企业经办人", max_length=120, blank=True)
    locked_data = models.JSONField("登记信息（锁定）", default=dict)
    scope_text = models.CharField("申请许可范围", max_length=300, blank=True)
    description = models.TextField("申请说明", blank=True)
    partial_renovation = models.BooleanField("加油站局部改造且不改变等级", default=False)
    merged_review = models.BooleanField("申请合并审查", default=False)
    submitted_at = models.DateTimeField("提交时间")
    submitted_on = models.DateField("收件日期")
    intake_due = models.DateField("受理期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    deemed_accepted = models.BooleanField("逾期视为受理", default=False)
    tolerated = models.BooleanField("容缺受理", default=False)
    due_on = models.DateField("当前环节期限", null=True, blank=True)
    due_provisional = models.BooleanField("期限暂定", default=False)
    decision_due = models.DateField("预计决定日期", null=True, blank=True)
    statutory_due = models.DateField("法定决定期限", null=True, blank=True)
    extension_days = models.PositiveSmallIntegerField("延长工作日", default=0)
    extension_reason = models.CharField("延期理由", max_length=300, blank=True)
    fast_track = models.CharField("快速通道", max_length=30, choices=FastTrack.choices, blank=True)
    fast_track_reason = models.CharField("快速通道说明", max_length=300, blank=True)
    site_required = models.BooleanField("需现场核查", default=False)
    site_result = models.TextField("现场核查结论", blank=True)
    site_done_on = models.DateField("现场核查日期", null=True, blank=True)
    expert_required = models.BooleanField("需专家评审", default=False)
    expert_result = models.TextField("专家评审结论", blank=True)
    proposal = models.CharField("拟办意见", max_length=10, blank=True)
    proposal_reason = models.TextField("拟办理由", blank=True)
    decision = models.CharField("决定", max_length=10, blank=True)
    decision_reason = models.TextField("决定理由", blank=True)
    decided_on = models.DateField("决定日期", null=True, blank=True)
    handling_days = models.PositiveSmallIntegerField("实际办理工作日", null=True, blank=True)
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="证照")
    # measure I.6: the joint visit is an inspection record of the inspection area; licensing only links it
    joint_inspection = models.ForeignKey("inspection.Inspection", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+", verbose_name="联合检查记录")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "许可申请"
        verbose_name_plural = verbose_name
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["applicant", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="uniq_application_idempotency"),
            # one application in progress per item and enterprise (a back + resubmit is not a second one)
            models.UniqueConstraint(fields=["item", "enterprise"], condition=Q(state__in=OPEN_STATES),
                                    name="uniq_application_in_progress"),
        ]
        indexes = [
            models.Index(fields=["level", "due_on", "id"], condition=Q(state__in=OFFICER_STATES),
                         name="application_queue_level"),
            models.Index(fields=["region", "level", "due_on", "id"], condition=Q(state__in=OFFICER_STATES),
                         name="application_queue_region"),
            models.Index(fields=["enterprise", "-id"], name="application_enterprise"),
            models.Index(fields=["state", "due_on"], name="application_state_due"),
            models.Index(fields=["decided_on"], name="application_decided_on"),
            models.Index(fields=["due_provisional"], condition=Q(due_provisional=True),
                         name="application_provisional"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.item.name if self.item_id else ''}"

    @property
    def state_label(self) -> str:
        from bureau.licensing.workflow import WORKFLOW

        return WORKFLOW.state_label(self.state)

    @property
    def is_deemed(self) -> bool:
        """Still waiting for intake after the 5-working-day window: counts as accepted on arrival (第32条)."""
        from django.utils import timezone

        from bureau.licensing.rules import deemed_waiting

        return deemed_waiting(self.state, self.intake_due, timezone.localdate())

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def commitment(self) -> Commitment:
        """The 容缺受理 commitment of the intake (missing secondary materials); raises Commitment.DoesNotExist when
        the application was not accepted as tolerated. Review commitments: `commitments.filter(origin="review")`."""
        for c in self.commitments.all():
            if c.origin == Commitment.Origin.INTAKE:
                return c
        raise Commitment.DoesNotExist

    def pauses(self) -> list[tuple[dt.date, dt.date | None]]:
        """Clock stops (start, end); end None while the stop is still running."""
        return [(p.start, p.end) for p in self.pause_rows.all()]


class ApplicationDraft(models.Model):
    """An application saved before submission (草稿): the enterprise (or the window clerk acting for it) comes back
    and submits later. A draft is not an application: it has no number, no clock, and counts in no queue or
    indicator (行政许可法 第32条: the clock starts when the application arrives)."""

    authority = Authority(
        dataset="applications", label="申请草稿", party_changes=True,
        change=frozenset({R.CLERK}),
    )

    item = models.ForeignKey(PermitItem, on_delete=models.CASCADE, related_name="drafts", verbose_name="事项")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="+",
                                   verbose_name="申请企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+",
                                   verbose_name="填写人")
    form_data = models.JSONField("申请表内容", default=dict, blank=True)
    description = models.TextField("申请说明", blank=True)
    proxy_agent = models.CharField("企业经办人", max_length=120, blank=True)
    updated_at = models.DateTimeField("保存时间", auto_now=True)
    application = models.ForeignKey(Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                    verbose_name="已提交为")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "申请草稿"
        verbose_name_plural = verbose_name
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-updated_at"], name="draft_enterprise")]

    def __str__(self) -> str:
        return f"{self.item.name}（草稿）" if self.item_id else "草稿"


class ApplicationMaterial(models.Model):
    """A material of one application: uploaded, missing (tolerated), or 免提交 (filled from shared data)."""

    class Status(models.TextChoices):
        PROVIDED = "provided", "已提交"
        MISSING = "missing", "缺少"
        TOLERATED = "tolerated", "容缺（承诺补交）"
        SHARED = "shared", "免提交（共享获取）"
        SUPPLEMENTED = "supplemented", "已补交"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(PermitMaterial, on_delete=models.PROTECT, related_name="+")
    status = models.CharField("状态", max_length=15, choices=Status.choices)
    attachment = models.ForeignKey("kernel.Attachment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # what the other department answered at submission (measure III.2): {"source", "fetched_at", "fields":
    # [[label, value], …], "warnings": […]} or {"source", "fetched_at", "error"}
    shared_data = models.JSONField("共享数据快照", default=dict, blank=True)

    class Meta:
        verbose_name = "申请材料情况"
        verbose_name_plural = verbose_name
        ordering = ["material__sort", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "material"], name="uniq_application_material")]


class Pause(models.Model):
    """A stop of the clock (行政许可法 第45条: expert review, hearing, testing), with the applicant told."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="pause_rows")
    kind = models.CharField("类型", max_length=20, default="expert_review")
    reason = models.CharField("事由", max_length=200)
    start = models.DateField("起")
    end = models.DateField("止", null=True, blank=True)

    class Meta:
        verbose_name = "计时暂停"
        verbose_name_plural = verbose_name
        ordering = ["start", "id"]


class Opinion(models.Model):
    """One party's opinion in a parallel review (measure I.5), with its own clock."""

    class Conclusion(models.TextChoices):
        AGREE = "agree", "同意"
        DISAGREE = "disagree", "不同意"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="opinions")
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, related_name="+",
                                     verbose_name="审查单位")
    role = models.CharField("职责", max_length=40)
    sent_on = models.DateField("送达日期")
    due_on = models.DateField("意见期限", db_index=True)
    due_provisional = models.BooleanField(default=False)
    conclusion = models.CharField("结论", max_length=10, choices=Conclusion.choices, blank=True)
    text = models.TextField("意见", blank=True)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+")
    given_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "并联审查意见"
        verbose_name_plural = verbose_name
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["application", "organisation"], name="uniq_opinion_org")]


class Commitment(Timeline):
    """容缺承诺书 (measure I.3). Two origins: at intake (missing secondary materials, 容缺受理) and in review (a
    problem found by the site check or the expert review that can be rectified within a time limit: the licence may
    be granted first under the enterprise's commitment — preventive measures, plan, deadline). The enterprise reports
    fulfilment; an officer verifies it (approves or sends it back with reasons). Overdue → escalated by the daily
    sweep, then the consequences of `CommitmentConsequenceRule` (data with sources). Its status is driven by
    `licensing.workflow.COMMITMENT`."""

    authority = Authority(
        dataset="applications", label="容缺承诺", region="application__region_id",
        enterprise="application__enterprise_id", party_changes=True,
        change=frozenset({R.CLERK, R.LICENSING_OFFICER, R.SECTION_HEAD, R.LEADER}),
    )

    class Status(models.TextChoices):
        UNSIGNED = "unsigned", "待签署"
        SIGNED = "signed", "履行中"
        REPORTED = "reported", "待核验"
        FULFILLED = "fulfilled", "已履行（已核验）"
        OVERDUE = "overdue", "逾期未履行（已督办）"

    class Origin(models.TextChoices):
        INTAKE = "intake", "容缺受理（次要材料后补）"
        REVIEW = "review", "审查发现问题（整改承诺）"

    class FoundIn(models.TextChoices):
        NONE = "", "—"
        SITE = "site", "现场核查"
        EXPERT = "expert", "专家评审"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="commitments")
    origin = models.CharField("类型", max_length=10, choices=Origin.choices, default=Origin.INTAKE)
    found_in = models.CharField("发现环节", max_length=10, choices=FoundIn.choices, blank=True)
    problems = models.TextField("审查发现的问题", blank=True)
    missing_text = models.TextField("容缺材料", blank=True)
    latest_deadline = models.DateField("最迟补交期限")
    deadline = models.DateField("承诺补交期限", null=True, blank=True, db_index=True)
    preventive_measures = models.TextField("预防措施", blank=True)
    rectification_plan = models.TextField("整改（补交）计划", blank=True)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.UNSIGNED, db_index=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    report_text = models.TextField("履行情况说明", blank=True)
    reported_at = models.DateTimeField("提请核验时间", null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name="核验人")
    verified_at = models.DateTimeField("核验时间", null=True, blank=True)
    verification_note = models.TextField("核验意见", blank=True)
    fulfilled_on = models.DateField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    as_of: dt.date | None = None  # the day a sweep judges the deadline against (workflow guard _deadline_passed)

    class Meta:
        verbose_name = "容缺承诺"
        verbose_name_plural = verbose_name
        ordering = ["deadline", "id"]
        constraints = [models.UniqueConstraint(fields=["application", "origin"], name="uniq_commitment_origin")]

    @property
    def is_review(self) -> bool:
        return self.origin == self.Origin.REVIEW


class ConsequenceKind(models.TextChoices):
    SUPERVISION = "supervision", "移交事中事后监管（监管任务）"
    CREDIT = "credit", "记入安全生产信用记录"
    REVOCATION = "revocation", "提出撤销许可建议"


class CommitmentConsequenceRule(models.Model):
    """What follows an overdue 容缺 commitment, as data (measure I.3 and the local 容缺 rules): after N working days
    overdue, which consequence, for which origin, from which source, in force from which date. Administrators edit
    it (admin → 容缺承诺逾期后果规则); the daily sweep applies each row once per commitment."""

    code = models.CharField("规则编号", max_length=30, unique=True)
    label = models.CharField("情形", max_length=200)
    kind = models.CharField("后果", max_length=12, choices=ConsequenceKind.choices)
    origin = models.CharField("适用承诺类型", max_length=10, choices=Commitment.Origin.choices, blank=True,
                              help_text="空：两类承诺都适用")
    after_days = models.PositiveSmallIntegerField("逾期达到（工作日）", default=0,
                                                  help_text="承诺期限届满后第 N 个工作日起适用；0＝逾期即适用")
    source = models.CharField("依据", max_length=300)
    demo = models.BooleanField("示例值（待核实）", default=False)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = "容缺承诺逾期后果规则"
        verbose_name_plural = verbose_name
        ordering = ["after_days", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class CommitmentConsequence(models.Model):
    """One consequence applied to one overdue commitment (exactly once: unique per commitment and rule row), with
    what it produced (the supervision task's number, the credit entry, the revocation proposal)."""

    class Status(models.TextChoices):
        APPLIED = "applied", "已执行"
        PROPOSED = "proposed", "待负责人决定"
        NOT_APPLICABLE = "na", "未产生记录"

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="consequences")
    rule = models.ForeignKey(CommitmentConsequenceRule, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("后果", max_length=12, choices=ConsequenceKind.choices)
    applied_on = models.DateField("执行日期")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.APPLIED)
    reference = models.CharField("产生的记录", max_length=80, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = "容缺承诺逾期后果"
        verbose_name_plural = verbose_name
        ordering = ["applied_on", "id"]
        constraints = [models.UniqueConstraint(fields=["commitment", "rule"], name="uniq_consequence_rule")]
