"""Training and exams of the three key posts (measures I.8, I.9, III.10): job types, exam plans, registrations,
results. Passing an exam issues or renews the certificate in the certificates register."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.kernel.crypto import blind_index
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import Timeline

# who runs exam plans, registrations and results (the window, licensing and their heads; the administrator)
EXAM_STAFF = frozenset({R.SYSADMIN, R.LICENSING_OFFICER, R.SECTION_HEAD, R.CLERK})
# who decides 复审/延期换证 applications: the certificate register's officers (the roles of the certificates
# workflow's periodic_review and renewal)
REVIEW_DECIDERS = frozenset({R.SYSADMIN, R.LICENSING_OFFICER, R.SECTION_HEAD, R.LEADER})


class PersonnelKind(models.TextChoices):
    PRINCIPAL = "principal", "主要负责人"
    SAFETY_MANAGER = "safety_manager", "安全生产管理人员"
    SPECIAL_OPERATOR = "special_operator", "特种作业人员"


class RunBy(models.TextChoices):
    CITY = "city", "市局组织"
    PROVINCE = "province", "省应急管理厅组织"


class JobType(models.Model):
    """An examined job type (工种/岗位) and who runs its exam. Which types the province runs is data (measure I.8:
    niche 特种作业 such as 危险化学品安全作业, 金属非金属矿山安全作业; measure I.9: coal-mine managers)."""

    code = models.CharField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=80)
    personnel_kind = models.CharField("人员类别", max_length=20, choices=PersonnelKind.choices)
    category = models.CharField("作业类别/行业", max_length=60, blank=True)
    operation_item = models.CharField("操作项目", max_length=60, blank=True)
    certificate_type_code = models.CharField("取得证书类型", max_length=40)
    run_by = models.CharField("考试组织", max_length=10, choices=RunBy.choices, default=RunBy.CITY)
    source = models.CharField("依据", max_length=200)
    effective_from = models.DateField("生效日期")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "考试工种"
        verbose_name_plural = verbose_name
        ordering = ["personnel_kind", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def scope_text(self) -> str:
        return " / ".join(p for p in (self.category, self.operation_item) if p)


class Education(models.TextChoices):
    """文化程度, in increasing order (the order is the comparison: rules.education_rank)."""

    PRIMARY = "primary", "小学"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中或相当于高中（中专、技校）"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科及以上"


class EligibilityRule(models.Model):
    """资格条件 of a job type's exam as data (age, education, employer and its industry), with its source and the date
    from which it applies (the row in force on the registration day is the latest `effective_from` not after it).
    特种作业人员安全技术培训考核管理规定 第4条; 安全生产法 第27条; 生产经营单位安全培训规定 第6条."""

    job_type = models.ForeignKey(JobType, on_delete=models.CASCADE, related_name="eligibility_rules",
                                 verbose_name="工种")
    min_age = models.PositiveSmallIntegerField("最低年龄（周岁）", null=True, blank=True)
    max_age = models.PositiveSmallIntegerField("最高年龄（周岁）", null=True, blank=True,
                                               help_text="不超过国家法定退休年龄")
    min_education = models.CharField("最低文化程度", max_length=10, choices=Education.choices, blank=True)
    employer_required = models.BooleanField("须有工作单位", default=False)
    employer_industries = models.JSONField("工作单位所属行业", default=list, blank=True,
                                           help_text="行业代码列表，为空表示不限行业")
    source = models.CharField("依据", max_length=300)
    effective_from = models.DateField("生效日期")

    class Meta:
        verbose_name = "报考资格条件"
        verbose_name_plural = verbose_name
        ordering = ["job_type", "-effective_from"]
        constraints = [models.UniqueConstraint(fields=["job_type", "effective_from"], name="uniq_eligibility_day")]

    def __str__(self) -> str:
        return f"{self.job_type.name}（{self.effective_from:%Y-%m-%d}起）"


class PlanStatus(models.TextChoices):
    OPEN = "open", "报名中"
    CLOSED = "closed", "报名截止"
    FINISHED = "finished", "成绩已发布"
    CANCELLED = "cancelled", "已取消"


class ExamPlan(Timeline):
    """An exam sitting for one job type on one date with a capacity. For province-run job types the plan records
    the provincial exam date and venue, and the city registers the candidates and passes them on. Its status is
    driven by the exam-plan workflow (training.workflow)."""

    authority = Authority(
        dataset="exam_plans", label="考试计划", enterprise=None, public=True, change=EXAM_STAFF,
    )

    job_type = models.ForeignKey(JobType, on_delete=models.PROTECT, related_name="plans", verbose_name="工种")
    title = models.CharField("名称", max_length=120)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="组织区划")
    run_by = models.CharField("考试组织", max_length=10, choices=RunBy.choices)
    exam_date = models.DateField("考试日期")
    venue = models.CharField("考点", max_length=120)
    capacity = models.PositiveIntegerField("名额")
    registration_closes = models.DateField("报名截止日")
    provincial_note = models.CharField("省厅安排说明", max_length=200, blank=True)
    provincial_notice_no = models.CharField("省厅通知文号", max_length=40, blank=True,
                                            help_text="省应急管理厅组织的考试必填，如 晋应急培〔2026〕12号")
    status = models.CharField("状态", max_length=10, choices=PlanStatus.choices, default=PlanStatus.OPEN,
                              db_index=True)
    registered_count = models.PositiveIntegerField("已报名", default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "考试计划"
        verbose_name_plural = verbose_name
        ordering = ["exam_date", "id"]
        indexes = [models.Index(fields=["region", "exam_date"], name="plan_region_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.registered_count)


class RegistrationStatus(models.TextChoices):
    PENDING_REVIEW = "pending_review", "待资格初审"
    REGISTERED = "registered", "报名成功"
    WAITLISTED = "waitlisted", "候补"
    RETURNED = "returned", "初审退回"
    CANCELLED = "cancelled", "已取消"


# statuses that no longer hold the person's place in a plan (a new registration may be made)
ENDED_STATUSES = ("cancelled", "returned")


class Transmission(models.TextChoices):
    """Where a registrant of a province-run exam stands in the exchange with the province (measures I.8, I.9)."""

    NOT_SENT = "", "未报送"
    SENT = "sent", "已报送省厅"
    RECEIVED = "received", "省厅已接收"
    REJECTED = "rejected", "省厅退回"


def candidate_q(user: Any) -> Q | None:
    """The registrations of the candidate: made with this account, or for this person's ID number (blind index)."""
    condition = Q(user_id=user.pk)
    if getattr(user, "id_number", ""):
        condition |= Q(id_index=blind_index(user.id_number.strip()))
    return condition


class Registration(Timeline):
    """A candidate's registration for a plan. One active registration per person and plan; over capacity it waits.
    Its status is driven by the registration workflow (training.workflow): cancellation, promotion from the
    waiting list, and the result recorded on or after the exam day."""

    authority = Authority(
        dataset="exam_registrations", label="考试报名", region="plan__region_id", enterprise=None,
        grants=(Grant("考生本人", candidate_q),), change=EXAM_STAFF,
    )

    plan = models.ForeignKey(ExamPlan, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField("姓名", max_length=40)
    id_number = EncryptedTextField("身份证号")
    id_index = models.CharField(max_length=40, db_index=True, editable=False)
    phone = EncryptedTextField("手机号")
    enterprise_name = models.CharField("工作单位", max_length=120, blank=True)
    employer = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name="工作单位（企业名录）")
    education = models.CharField("文化程度", max_length=10, choices=Education.choices, blank=True)
    review_note = models.CharField("初审意见", max_length=300, blank=True)
    transmission = models.CharField("报送状态", max_length=10, choices=Transmission.choices, blank=True,
                                    default=Transmission.NOT_SENT)
    transmission_note = models.CharField("省厅回执", max_length=200, blank=True)
    transmitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    ticket_no = models.CharField("准考证号", max_length=30, unique=True)
    status = models.CharField("状态", max_length=16, choices=RegistrationStatus.choices)
    score = models.DecimalField("成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField("合格", null=True, blank=True)
    result_at = models.DateTimeField("成绩录入时间", null=True, blank=True)
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField("报名时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "考试报名"
        verbose_name_plural = verbose_name
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "id_index"], condition=~Q(status__in=ENDED_STATUSES),
                                    name="uniq_active_registration"),
        ]
        indexes = [models.Index(fields=["plan", "status", "created_at"], name="registration_plan_status")]

    @property
    def id_masked(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)


class ExchangeBatch(models.Model):
    """An uploaded provincial receipt/result file of a province-run plan: checked row by row and shown as a preview;
    nothing changes until the officer confirms it (then `confirmed_at`)."""

    plan = models.ForeignKey(ExamPlan, on_delete=models.CASCADE, related_name="exchanges")
    filename = models.CharField("文件名", max_length=200)
    rows = models.JSONField("可导入的行", default=list)
    errors = models.JSONField("错误", default=list)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "省厅回执导入"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]


class ReviewKind(models.TextChoices):
    PERIODIC_REVIEW = "periodic_review", "复审"
    RENEWAL = "renewal", "延期换证"


class ReviewStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已准予"
    REFUSED = "refused", "不予通过"


def _applicant_q(user: Any) -> Q | None:
    return Q(applicant_id=user.pk)


class ReviewApplication(Timeline):
    """The holder's online application for the 复审 of a 特种作业操作证 or the 延期换证 of a certificate, with the
    training hours done (checked against the rule); an officer of the certificate's jurisdiction decides
    (measure III.8; 特种作业人员安全技术培训考核管理规定 第21—25条; 生产经营单位安全培训规定 第9条)."""

    authority = Authority(
        dataset="review_applications", label="复审/延期换证申请", enterprise=None,
        grants=(Grant("申请人本人", _applicant_q),),
        change=REVIEW_DECIDERS,
    )

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="+",
                                    verbose_name="证书")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所属区划")
    applicant = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name="申请人")
    kind = models.CharField("事项", max_length=20, choices=ReviewKind.choices)
    training_hours = models.DecimalField("培训学时", max_digits=5, decimal_places=1)
    training_provider = models.CharField("培训机构", max_length=120)
    training_finished_on = models.DateField("培训结束日期")
    years_in_trade = models.PositiveSmallIntegerField("从事本工种年限", default=0)
    clean_record = models.BooleanField("无违法违章行为", default=False)
    due_date = models.DateField("应办理日期")
    status = models.CharField("状态", max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.SUBMITTED,
                              db_index=True)
    decision_note = models.CharField("审核意见", max_length=300, blank=True)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "复审/延期换证申请"
        verbose_name_plural = verbose_name
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["certificate"], condition=Q(status="submitted"),
                                    name="uniq_open_review_application"),
        ]
        indexes = [models.Index(fields=["region", "status"], name="review_app_region_status")]
