"""Proactive service (主动服务): expert safety checkups (III.1), chemical-park remediation (III.3), first-use chemical
process demonstrations (III.4), observation visits to dual-prevention pilots (III.5), the register of
safety-evaluation agencies with spot checks and credit (II.9), and work-injury prevention courses (III.7)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.kernel.crypto import blind_index
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import ProcessModel, Timeline

# The bureaus' officers who arrange and follow the services (checkups, parks, visits, agencies, courses); the
# declarations below and the workflows (assistance.workflow) name them.
STAFF = frozenset({R.INSPECTOR, R.SECTION_HEAD, R.LEADER})


class Specialty(models.TextChoices):
    HAZCHEM = "hazchem", "危险化学品"
    MINING = "mining", "非煤矿山"
    COAL = "coal", "煤矿"
    METALLURGY = "metallurgy", "冶金工贸"
    FIREWORKS = "fireworks", "烟花爆竹"
    ELECTRICAL = "electrical", "电气"
    FIRE = "fire", "消防"
    PROCESS = "process", "化工工艺"


def _officers_see_the_pool(user: Any) -> models.Q:
    return models.Q(pk__isnull=False)


class Expert(models.Model):
    """A member of the expert pool (专家库) with specialties, availability and the enterprises they have a
    conflict with (employer, paid adviser, relative): such an expert is never assigned to that enterprise."""

    authority = Authority(
        dataset="experts", label="专家库", region=None, enterprise=None,
        grants=(Grant("监管部门工作人员（全市专家库）", _officers_see_the_pool, roles=STAFF),
                Grant("专家本人", lambda user: models.Q(user=user), roles=frozenset({R.EXPERT}))),
        # the city bureau's section heads and leaders keep the city's pool (measure III.1); services ask
        # require_change with the city's region, so a county's staff do not
        change=frozenset({R.SECTION_HEAD, R.LEADER}),
    )

    user = models.OneToOneField("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="expert_profile", verbose_name="登录账号")
    name = models.CharField("姓名", max_length=40)
    specialty = models.CharField("主专业", max_length=20, choices=Specialty.choices)
    other_specialties = models.CharField("其他专业", max_length=120, blank=True)
    employer = models.CharField("工作单位", max_length=120, blank=True)
    title = models.CharField("职称", max_length=40, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    available = models.BooleanField("可接受指派", default=True)
    unavailable_until = models.DateField("暂停指派至", null=True, blank=True)
    conflicts = models.ManyToManyField("enterprises.Enterprise", blank=True, related_name="conflicted_experts",
                                       verbose_name="利害关系企业")
    # The pool as the bureau manages it (measure III.1): qualification, the specialties the expert is matched on,
    # and the appointment term (聘期) outside which the expert is not assigned.
    qualification = models.CharField("资格/证书", max_length=200, blank=True,
                                     help_text="如：注册安全工程师（化工安全）、正高级工程师")
    secondary_specialties = models.JSONField("兼任专业", default=list, blank=True)
    term_starts_on = models.DateField("聘期开始", null=True, blank=True)
    term_ends_on = models.DateField("聘期届满", null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "专家"
        verbose_name_plural = "专家库"
        ordering = ["specialty", "name"]
        indexes = [models.Index(fields=["specialty", "available"], name="expert_specialty_available")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_specialty_display()}）"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def specialty_codes(self) -> list[str]:
        """The main specialty first, then the secondary ones (the codes of `Specialty`)."""
        return [self.specialty, *[c for c in self.secondary_specialties or [] if c != self.specialty]]

    @property
    def specialty_labels(self) -> str:
        labels = dict(Specialty.choices)
        return "、".join(labels.get(c, c) for c in self.specialty_codes)


class Checkup(ProcessModel):
    """An expert safety checkup (安全体检, measure III.1), requested by the enterprise or scheduled by the
    bureau, paid by the government; the experts' findings become the enterprise's hazards."""

    authority = Authority(
        dataset="checkups", label="安全体检",
        grants=(Grant("被指派的专家", lambda user: models.Q(assignments__expert__user=user),
                      roles=frozenset({R.EXPERT}), distinct=True),),
        change=STAFF,  # the bureau schedules a checkup for an enterprise of its jurisdiction (measure III.1)
        party_changes=True,  # the enterprise asks for one for itself
    )

    class Origin(models.TextChoices):
        REQUEST = "request", "企业申请"
        SCHEDULED = "scheduled", "监管部门安排"

    number = models.CharField("体检编号", max_length=30, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="checkups",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    origin = models.CharField("来源", max_length=12, choices=Origin.choices)
    specialty = models.CharField("所需专业", max_length=20, choices=Specialty.choices)
    topics = models.TextField("体检重点/需要解决的问题", blank=True)
    requested_on = models.DateField("申请日期")
    planned_on = models.DateField("计划日期", null=True, blank=True)
    visited_on = models.DateField("实施日期", null=True, blank=True)
    summary = models.TextField("体检结论", blank=True)
    expert_days = models.DecimalField("专家工日", max_digits=6, decimal_places=1, null=True, blank=True)
    cost = models.DecimalField("服务费用（元，政府承担）", max_digits=12, decimal_places=2, null=True, blank=True)
    requested_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "安全体检"
        verbose_name_plural = verbose_name
        ordering = ["-requested_on", "-id"]
        indexes = [models.Index(fields=["region", "state"], name="checkup_region_state")]

    def __str__(self) -> str:
        return f"{self.number} {self.enterprise}"


class CheckupAssignment(models.Model):
    checkup = models.ForeignKey(Checkup, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="assignments")
    is_leader = models.BooleanField("组长", default=False)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "专家指派"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["checkup", "expert"], name="uniq_checkup_expert")]


class CheckupFinding(models.Model):
    """One finding recorded by an expert on site (phone screen); on submission it becomes a Hazard."""

    checkup = models.ForeignKey(Checkup, on_delete=models.CASCADE, related_name="findings")
    title = models.CharField("问题", max_length=200)
    location = models.CharField("部位", max_length=120, blank=True)
    grade = models.CharField("等级", max_length=10, choices=[("general", "一般隐患"), ("major", "重大隐患")],
                             default="general")
    major_criterion = models.CharField("重大隐患判定依据", max_length=200, blank=True)
    basis = models.CharField("依据", max_length=300, blank=True)
    suggestion = models.TextField("整改建议", blank=True)
    deadline = models.DateField("建议整改期限", null=True, blank=True)
    hazard = models.OneToOneField("hazards.Hazard", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="checkup_finding")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "体检发现问题"
        verbose_name_plural = verbose_name
        ordering = ["id"]


class ExpertConflict(models.Model):
    """A declared conflict of interest of an expert with an enterprise (employer, adviser, relative …), with its
    reason: the expert is never assigned to a checkup of that enterprise (回避, measure III.1). Kept in step with
    `Expert.conflicts`, which the assignment checks."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", "任职单位"
        ADVISER = "adviser", "顾问/兼职"
        RELATIVE = "relative", "近亲属任职"
        SERVICE = "service", "近三年提供过有偿服务"
        OTHER = "other", "其他利害关系"

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="declared_conflicts")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    kind = models.CharField("关系", max_length=12, choices=Kind.choices)
    reason = models.CharField("说明", max_length=200)
    declared_on = models.DateField("登记日期")
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "专家利害关系"
        verbose_name_plural = verbose_name
        ordering = ["expert_id", "id"]
        constraints = [models.UniqueConstraint(fields=["expert", "enterprise"], name="uniq_expert_conflict")]


class RecordedDraw(models.Model):
    """A random draw recorded so that anyone can re-run it: the pool (ascending ids), the seed, the algorithm and
    the selection. Used for the expert team of a checkup (measure III.1) and for the spot check of agency reports
    (measure II.9, 双随机). The ranking is the inspection area's (`inspection.rules.rank_enterprises`: a partial
    Fisher–Yates shuffle driven by SHA-256 of the seed), so a draw re-runs from its recorded fields alone."""

    class Kind(models.TextChoices):
        EXPERTS = "experts", "专家抽取"
        ROTATION = "rotation", "专家轮换"
        SPOT_CHECK = "spot_check", "评价报告抽查"

    kind = models.CharField("类型", max_length=12, choices=Kind.choices)
    number = models.CharField("编号", max_length=30, unique=True)
    region = models.ForeignKey("kernel.Region", null=True, blank=True, on_delete=models.PROTECT, verbose_name="区划")
    checkup = models.ForeignKey(Checkup, null=True, blank=True, on_delete=models.CASCADE, related_name="draws")
    algorithm = models.CharField("算法", max_length=40)
    seed = models.CharField("随机种子", max_length=64, blank=True)
    pool = models.JSONField("抽取范围（编号升序）", default=list)
    pool_digest = models.CharField("范围摘要", max_length=64)
    criteria = models.JSONField("抽取条件", default=dict)
    sample_size = models.PositiveSmallIntegerField("抽取数量")
    selected = models.JSONField("抽中", default=list)
    drawn_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField()

    class Meta:
        verbose_name = "随机抽取记录"
        verbose_name_plural = verbose_name
        ordering = ["-drawn_at", "-id"]
        indexes = [models.Index(fields=["kind", "region"], name="recorded_draw_kind_region")]

    def __str__(self) -> str:
        return self.number


class ExpertFee(models.Model):
    """The fee of one expert for one checkup (the government pays, measure III.1): working days × the rate in
    force on the visit day, with the rule's source as its basis."""

    checkup = models.ForeignKey(Checkup, on_delete=models.CASCADE, related_name="fees")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="fees")
    days = models.DecimalField("工日", max_digits=5, decimal_places=1)
    rate = models.DecimalField("标准（元/人·日）", max_digits=10, decimal_places=2)
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    basis = models.CharField("依据", max_length=200)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "专家劳务费"
        verbose_name_plural = verbose_name
        ordering = ["checkup_id", "id"]
        constraints = [models.UniqueConstraint(fields=["checkup", "expert"], name="uniq_checkup_expert_fee")]


# --------------------------------------------------------------------------------------------------------------
# Chemical parks (III.3)


def _park_committee_q(user: Any) -> models.Q | None:
    """The park's management committee (化工园区管理机构) sees its own park's records, nothing else."""
    return models.Q(park__committee_id=user.organisation_id) if user.organisation_id else None


PARK_COMMITTEE_GRANT = Grant("本园区管理机构", _park_committee_q, roles=frozenset({R.PARK_COMMITTEE}))


class ParkChecklistItem(models.Model):
    """A row of the province's remediation checklist for chemical parks (化工园区安全整治提升"十有两禁"), kept as data
    with its source and the day it applies from: park items are registered against these rows (measure III.3)."""

    class Group(models.TextChoices):
        TEN_HAVES = "ten_haves", "十有"
        TWO_BANS = "two_bans", "两禁"

    code = models.CharField("编号", max_length=20, unique=True)
    group = models.CharField("类别", max_length=12, choices=Group.choices)
    title = models.CharField("整治要求", max_length=120)
    requirement = models.TextField("具体要求", blank=True)
    source = models.CharField("依据", max_length=300)
    effective_from = models.DateField("施行日期")
    sort = models.PositiveSmallIntegerField("排序", default=0)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "园区整治提升清单项"
        verbose_name_plural = "园区整治提升清单"
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return f"{self.get_group_display()}：{self.title}"


class ParkRemediationItem(Timeline):
    """A remediation item of a chemical park (化工园区安全整治提升方案, 省厅), with its progress. Its status is driven
    by the park-item workflow (assistance.workflow): progress reports move it, 100 % completes it."""

    authority = Authority(
        dataset="parks", label="化工园区整治事项", region="park__region_id", enterprise=None, change=STAFF,
        grants=(PARK_COMMITTEE_GRANT,),  # the committee reports its own park's progress (measure III.3)
    )

    class Status(models.TextChoices):
        OPEN = "open", "未开始"
        IN_PROGRESS = "in_progress", "推进中"
        DONE = "done", "已完成"

    park = models.ForeignKey("enterprises.ChemicalPark", on_delete=models.PROTECT, related_name="remediation_items",
                             verbose_name="化工园区")
    category = models.CharField("整治类别", max_length=40, help_text="如：封闭化管理、应急救援、安全风险评估")
    title = models.CharField("整治事项", max_length=200)
    responsible = models.CharField("责任单位", max_length=80)
    deadline = models.DateField("完成时限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.OPEN, db_index=True)
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    source = models.CharField("依据", max_length=200, default="山西省化工园区安全整治提升方案")
    checklist_item = models.ForeignKey(ParkChecklistItem, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="park_items", verbose_name="整治提升清单项")
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "园区整治事项"
        verbose_name_plural = verbose_name
        ordering = ["park_id", "deadline", "id"]

    def __str__(self) -> str:
        return self.title


class ParkProgress(models.Model):
    """One progress report of a park item: dated on or before the day it is reported, never below the last one."""

    item = models.ForeignKey(ParkRemediationItem, on_delete=models.CASCADE, related_name="progress")
    on = models.DateField("日期")
    percent = models.PositiveSmallIntegerField("完成进度（%）")
    note = models.TextField("进展情况")
    actor_name = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "园区整治进展"
        verbose_name_plural = verbose_name
        ordering = ["-on", "-id"]


class ParkAdmission(models.Model):
    """A safety review of a project the park means to admit (项目引进安全审查: the park's 禁限控目录 and safety
    entry conditions, the second of the "两禁"), recorded by the park's committee or the bureau (measure III.3)."""

    authority = Authority(dataset="parks", label="园区项目引进安全审查", region="park__region_id", enterprise=None,
                          grants=(PARK_COMMITTEE_GRANT,), change=STAFF)

    class Conclusion(models.TextChoices):
        AGREED = "agreed", "同意引进"
        CONDITIONAL = "conditional", "有条件同意引进"
        REFUSED = "refused", "不同意引进"

    park = models.ForeignKey("enterprises.ChemicalPark", on_delete=models.PROTECT, related_name="admissions",
                             verbose_name="化工园区")
    project = models.CharField("项目名称", max_length=200)
    investor = models.CharField("投资企业", max_length=120)
    products = models.CharField("主要产品及工艺", max_length=300)
    key_processes = models.CharField("涉及的重点监管危险化工工艺", max_length=200, blank=True)
    reviewed_on = models.DateField("审查日期")
    conclusion = models.CharField("审查结论", max_length=12, choices=Conclusion.choices)
    opinion = models.TextField("审查意见")
    reviewers = models.CharField("参加审查人员", max_length=300)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "园区项目引进安全审查"
        verbose_name_plural = verbose_name
        ordering = ["-reviewed_on", "-id"]
        indexes = [models.Index(fields=["park", "reviewed_on"], name="park_admission_park_day")]

    def __str__(self) -> str:
        return self.project


# --------------------------------------------------------------------------------------------------------------
# First-use chemical processes (III.4)


PROVINCE_ORG_CODE = "SX-YJT"  # the organisation row of the provincial department (accounts demo and seed data)


def _province_q(user: Any) -> models.Q | None:
    """The provincial department (山西省应急管理厅) sees what the city bureau forwarded to it, never a draft."""
    organisation = user.organisation if user.organisation_id else None
    if organisation is None or organisation.code != PROVINCE_ORG_CODE:
        return None
    return ~models.Q(state="draft")


class FirstUseProcess(ProcessModel):
    """A demonstration request for a chemical process used for the first time in China (国内首次使用的化工工艺
    安全可靠性论证), prepared by the enterprise, forwarded by the city bureau, concluded by the provincial
    department (measure III.4)."""

    authority = Authority(
        dataset="first_use", label="首次使用化工工艺论证",
        grants=(Grant("省应急管理厅（已报送的）", _province_q),),
        change=frozenset(), party_changes=True,  # the enterprise prepares it; the bureau and the province act
    )

    number = models.CharField("编号", max_length=30, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    process_name = models.CharField("工艺名称", max_length=120)
    project = models.CharField("建设项目", max_length=200)
    description = models.TextField("工艺说明（反应类型、危险性、已有试验数据）")
    submitted_on = models.DateField("提交日期", null=True, blank=True)
    forwarded_on = models.DateField("报送省厅日期", null=True, blank=True)
    meeting_on = models.DateField("论证会日期", null=True, blank=True)
    conclusion = models.TextField("论证结论", blank=True)
    licensing_application = models.ForeignKey(
        "licensing.Application", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name="建设项目安全审查办件")  # the licensing review of the project the process is used in
    created_at = models.DateTimeField(auto_now_add=True)

    # the materials the enterprise uploads before submitting (purpose: label)
    MATERIALS: ClassVar[dict[str, str]] = {"report": "安全可靠性论证报告", "pilot": "中试数据", "reaction": "反应安全风险评估报告"}

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "首次使用化工工艺论证"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.process_name


class FirstUsePanelMember(models.Model):
    """An expert of the demonstration panel (论证专家组) of a first-use process, one of them its leader."""

    process = models.ForeignKey(FirstUseProcess, on_delete=models.CASCADE, related_name="panel")
    expert = models.ForeignKey(Expert, on_delete=models.PROTECT, related_name="first_use_panels")
    is_leader = models.BooleanField("组长", default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "论证专家"
        verbose_name_plural = "论证专家组"
        ordering = ["-is_leader", "id"]
        constraints = [models.UniqueConstraint(fields=["process", "expert"], name="uniq_first_use_expert")]


# --------------------------------------------------------------------------------------------------------------
# Observation visits (III.5)


class ObservationBatch(models.Model):
    """A batch of the yearly observation visits to a dual-prevention pilot enterprise (双重预防机制建设试点)."""

    authority = Authority(dataset="observations", label="观摩批次", region=None, enterprise=None, public=True,
                          change=STAFF)  # published for the enterprises to sign up; the bureau arranges them

    class Mode(models.TextChoices):
        ON_SITE = "on_site", "现场观摩"
        VIDEO = "video", "视频交流"

    year = models.PositiveSmallIntegerField("年度", db_index=True)
    title = models.CharField("批次名称", max_length=120)
    pilot = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                              verbose_name="试点企业")
    visit_on = models.DateField("观摩日期")
    mode = models.CharField("方式", max_length=10, choices=Mode.choices, default=Mode.ON_SITE)
    capacity = models.PositiveSmallIntegerField("名额（企业数）")
    signup_closes_on = models.DateField("报名截止")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "观摩批次"
        verbose_name_plural = verbose_name
        ordering = ["-year", "visit_on"]

    def __str__(self) -> str:
        return self.title


class ObservationSignup(Timeline):
    """An enterprise's sign-up for a batch; its attendance is recorded (workflow) on or after the visit day."""

    authority = Authority(dataset="observations", label="观摩报名", region="enterprise__region_id",
                          change=frozenset(), party_changes=True)  # the enterprise signs up; attendance: workflow

    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", "已报名"
        ATTENDED = "attended", "已参加"
        ABSENT = "absent", "缺席"

    batch = models.ForeignKey(ObservationBatch, on_delete=models.CASCADE, related_name="signups")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    attendees = models.CharField("参加人员", max_length=200)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SIGNED_UP, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "观摩报名"
        verbose_name_plural = verbose_name
        ordering = ["batch_id", "id"]
        constraints = [models.UniqueConstraint(fields=["batch", "enterprise"], name="uniq_observation_signup")]

    @property
    def attended(self) -> bool | None:
        """True: took part; False: absent; None: not recorded yet."""
        if self.status == self.Status.ATTENDED:
            return True
        return False if self.status == self.Status.ABSENT else None


class ObservationPilot(models.Model):
    """A dual-prevention pilot enterprise (双重预防机制建设试点企业) the province designated in the city: measure
    III.5 sends the city's hazardous-chemical producers to these, and to no other, enterprises. Reference data with
    its document and source, kept by the administrator (a designation may be withdrawn from a date)."""

    authority = Authority(dataset="observations", label="双重预防试点企业", region=None, enterprise=None, public=True,
                          change=frozenset())  # a published designation; the administrator keeps the table

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="试点企业")
    designated_by = models.CharField("确定机关", max_length=60, default="山西省应急管理厅")
    document = models.CharField("确定文件（文号）", max_length=120, blank=True)
    designated_on = models.DateField("确定日期")
    withdrawn_on = models.DateField("撤销日期", null=True, blank=True)
    source = models.CharField("来源", max_length=200)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "双重预防机制建设试点企业"
        verbose_name_plural = verbose_name
        ordering = ["designated_on", "id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "designated_on"], name="uniq_observation_pilot")]

    def __str__(self) -> str:
        return f"{self.enterprise}（{self.designated_by}）"


# --------------------------------------------------------------------------------------------------------------
# Safety-evaluation agencies (II.9)


class AgencyScope(models.Model):
    """A business field (业务范围) in which a safety-evaluation agency may be licensed, with the enterprise industries
    whose reports fall into it: rules as data (安全评价检测检验机构管理办法, 应急管理部令第1号, and its
    annex of business fields), editable in the admin."""

    code = models.CharField("代码", max_length=30, unique=True)
    name = models.CharField("业务范围", max_length=80)
    industries = models.JSONField("对应企业行业（行业代码）", default=list, blank=True)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("施行日期")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "评价机构业务范围"
        verbose_name_plural = verbose_name
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class AssessmentAgency(models.Model):
    """A safety-evaluation agency (安全评价机构) working in the city: qualification, staff, reports, credit."""

    organisation = models.OneToOneField("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                        related_name="assessment_agency", verbose_name="平台机构")
    name = models.CharField("机构名称", max_length=120)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    qualification_number = models.CharField("资质证书编号", max_length=60)
    qualification_valid_until = models.DateField("资质有效期至")
    business_scope = models.CharField("业务范围", max_length=200, blank=True)
    scopes = models.ManyToManyField(AgencyScope, blank=True, related_name="agencies", verbose_name="资质业务范围")
    published = models.BooleanField("在门户公开", default=True)

    class Meta:
        verbose_name = "安全评价机构"
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AgencyStaff(models.Model):
    agency = models.ForeignKey(AssessmentAgency, on_delete=models.CASCADE, related_name="staff")
    name = models.CharField("姓名", max_length=40)
    certificate_number = models.CharField("安全评价师证书编号", max_length=60)
    specialty = models.CharField("专业", max_length=40, blank=True)
    phone = EncryptedTextField("联系电话", blank=True)
    active = models.BooleanField("在职", default=True)

    class Meta:
        verbose_name = "评价人员"
        verbose_name_plural = verbose_name
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class AgencyReport(models.Model):
    """An evaluation report an agency files for an enterprise."""

    authority = Authority(
        dataset="agency_reports", label="安全评价报告", region="enterprise__region_id",
        grants=(Grant("出具报告的评价机构", lambda user: models.Q(agency__organisation_id=user.organisation_id)
                      if user.organisation_id else None, roles=frozenset({R.AGENCY})),),
        change=STAFF,  # the bureau spot-checks reports on enterprises of its jurisdiction (measure II.9)
    )

    class Kind(models.TextChoices):
        PRE = "pre", "安全预评价"
        ACCEPTANCE = "acceptance", "安全验收评价"
        STATUS = "status", "安全现状评价"

    agency = models.ForeignKey(AssessmentAgency, on_delete=models.PROTECT, related_name="reports")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="委托企业")
    kind = models.CharField("报告类型", max_length=12, choices=Kind.choices)
    report_number = models.CharField("报告编号", max_length=60)
    title = models.CharField("报告名称", max_length=200)
    issued_on = models.DateField("出具日期")
    conclusion = models.TextField("评价结论")
    signers = models.ManyToManyField(AgencyStaff, related_name="reports", verbose_name="签字评价人员")
    scope = models.ForeignKey(AgencyScope, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              verbose_name="业务范围")
    filed_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    filed_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "评价报告"
        verbose_name_plural = verbose_name
        ordering = ["-issued_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["agency", "report_number"], name="uniq_agency_report")]

    def __str__(self) -> str:
        return f"{self.report_number} {self.title}"


class ReportSpotCheck(models.Model):
    """A spot check of a filed report (安全评价报告抽查) with its findings and the credit consequence."""

    class Result(models.TextChoices):
        QUALIFIED = "qualified", "合格"
        MINOR = "minor", "存在一般问题"
        SERIOUS = "serious", "存在严重问题"

    report = models.ForeignKey(AgencyReport, on_delete=models.PROTECT, related_name="spot_checks")
    checked_on = models.DateField("抽查日期")
    result = models.CharField("抽查结论", max_length=12, choices=Result.choices)
    findings = models.TextField("发现问题", blank=True)
    checker = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    draw = models.ForeignKey(RecordedDraw, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             verbose_name="随机抽取")

    class Meta:
        verbose_name = "报告抽查"
        verbose_name_plural = verbose_name
        ordering = ["-checked_on", "-id"]


class AgencyCreditRecord(models.Model):
    """An entry of an agency's credit record: points from a spot check or another event, with the rule's source."""

    agency = models.ForeignKey(AssessmentAgency, on_delete=models.CASCADE, related_name="credit_records")
    on = models.DateField("日期")
    event = models.CharField("事项", max_length=200)
    points = models.IntegerField("分值变化")
    source = models.CharField("依据", max_length=200)
    spot_check = models.OneToOneField(ReportSpotCheck, null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="credit_record")

    class Meta:
        verbose_name = "机构信用记录"
        verbose_name_plural = verbose_name
        ordering = ["-on", "-id"]


# --------------------------------------------------------------------------------------------------------------
# Work-injury prevention courses (III.7)


class Course(models.Model):
    """A work-injury prevention course (工伤预防能力提升培训) run with the human-resources bureau for the key staff
    of hazardous-chemical enterprises."""

    authority = Authority(dataset="courses", label="工伤预防培训班", region=None, enterprise=None, public=True,
                          change=STAFF)  # published for the enterprises to enrol; the bureau runs them

    title = models.CharField("课程名称", max_length=120)
    partner = models.CharField("联合主办", max_length=80, default="运城市人力资源和社会保障局")
    co_organiser = models.ForeignKey("accounts.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name="联合主办单位（平台机构）")
    starts_on = models.DateField("开班日期")
    ends_on = models.DateField("结业日期")
    hours = models.PositiveSmallIntegerField("学时")
    location = models.CharField("地点", max_length=120)
    capacity = models.PositiveSmallIntegerField("名额")
    enrol_closes_on = models.DateField("报名截止")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "工伤预防培训班"
        verbose_name_plural = verbose_name
        ordering = ["-starts_on"]

    def __str__(self) -> str:
        return self.title


def _co_organiser_q(user: Any) -> models.Q | None:
    """The human-resources bureau that co-organises a course sees its trainees (measure III.7)."""
    return models.Q(course__co_organiser_id=user.organisation_id) if user.organisation_id else None


def _trainee_q(user: Any) -> models.Q | None:
    """The trainee's own account (by the blind index of the ID number) sees the trainee's enrolments and
    certificates, with the whole ID number."""
    index = getattr(user, "id_number_index", "")
    return models.Q(id_number_index=index) if index else None


class CourseSession(models.Model):
    """One session (课次) of a course, with its hours: attendance is recorded per session."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    on = models.DateField("日期")
    topic = models.CharField("内容", max_length=120)
    hours = models.PositiveSmallIntegerField("学时")

    class Meta:
        verbose_name = "培训课次"
        verbose_name_plural = verbose_name
        ordering = ["course_id", "on", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "on", "topic"], name="uniq_course_session")]

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.topic}"


class Enrolment(Timeline):
    """One trainee enrolled by an enterprise. Attendance is recorded on or after the first day of the course; an
    attended trainee receives the certificate of completion (结业证明, a stored document) on or after its last day
    (workflow in assistance.workflow)."""

    authority = Authority(dataset="courses", label="培训报名", region="enterprise__region_id",
                          grants=(Grant("联合主办的人社部门", _co_organiser_q, roles=frozenset({R.DEPARTMENT})),
                                  Grant("学员本人", _trainee_q, roles=frozenset({R.INDIVIDUAL}))),
                          change=frozenset(), party_changes=True)  # the enterprise enrols; attendance: workflow

    class Status(models.TextChoices):
        ENROLLED = "enrolled", "已报名"
        ATTENDED = "attended", "已出勤"
        ABSENT = "absent", "缺勤"
        CERTIFIED = "certified", "已出具结业证明"

    class Post(models.TextChoices):
        PRINCIPAL = "principal", "企业主要负责人"
        SAFETY_MANAGER = "safety_manager", "安全管理人员"
        TEAM_LEADER = "team_leader", "一线班组长"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrolments")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    trainee_name = models.CharField("学员姓名", max_length=40)
    post = models.CharField("岗位", max_length=20, choices=Post.choices)
    phone = EncryptedTextField("联系电话", blank=True)
    id_number = EncryptedTextField("身份证号码", blank=True)
    id_number_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ENROLLED, db_index=True)
    certificate_number = models.CharField("结业证明编号", max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "培训报名"
        verbose_name_plural = verbose_name
        ordering = ["course_id", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "enterprise", "trainee_name"],
                                               name="uniq_course_trainee")]

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.id_number_index = blind_index(self.id_number) if self.id_number else ""
        super().save(*args, **kwargs)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def attended(self) -> bool | None:
        """True: attended (with or without its certificate yet); False: absent; None: not recorded yet."""
        if self.status in (self.Status.ATTENDED, self.Status.CERTIFIED):
            return True
        return False if self.status == self.Status.ABSENT else None


class SessionAttendance(models.Model):
    """A trainee's attendance at one session, with the hours attended (at most the session's hours)."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendance")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField("出勤")
    hours = models.PositiveSmallIntegerField("出勤学时", default=0)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "课次出勤"
        verbose_name_plural = verbose_name
        ordering = ["session_id", "enrolment_id"]
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="uniq_session_attendance")]
