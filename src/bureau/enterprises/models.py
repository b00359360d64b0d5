"""The register of market entities (市场主体) under the bureau's supervision."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from bureau.accounts import roles as R
from bureau.accounts.authority import Authority, Grant, RestrictedQuerySet
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_id_number, mask_phone
from bureau.kernel.models import ProcessModel


class Industry(models.TextChoices):
    COAL = "coal", "煤矿"
    NON_COAL_MINE = "non_coal_mine", "非煤矿山"
    HAZCHEM_PRODUCTION = "hazchem_production", "危险化学品生产"
    HAZCHEM_OPERATION = "hazchem_operation", "危险化学品经营"
    HAZCHEM_USE = "hazchem_use", "危险化学品使用"
    METALLURGY_TRADE = "metallurgy_trade", "冶金工贸"
    FIREWORKS = "fireworks", "烟花爆竹"
    GAS_STATION = "gas_station", "加油站"


HAZCHEM_INDUSTRIES = {Industry.HAZCHEM_PRODUCTION, Industry.HAZCHEM_OPERATION, Industry.HAZCHEM_USE,
                      Industry.GAS_STATION}


class SubSector(models.TextChoices):
    """子行业: which part of its industry an enterprise belongs to; decides which checklist items apply to it (a
    textile mill never gets the 液态金属吊运 items of a 冶金工贸 checklist). Sources of the list:
    - 冶金工贸: the eight 工贸 sectors of 《工贸企业重大事故隐患判定标准》（应急管理部令第10号，2023-05-15施行）第二条
      （冶金、有色、建材、机械、轻工、纺织、烟草、商贸）, whose 第四条 to 第十一条 name each sector's own 重大事故隐患;
    - 非煤矿山: the three parts of 《金属非金属矿山重大事故隐患判定标准》（矿安〔2022〕88号，2022-09-01施行）
      （地下矿山、露天矿山、尾矿库）;
    - 煤矿: 井工/露天 as 《煤矿安全生产条例》（2024-05-01施行）第二十七条 and 第六十三条第（六）项
      distinguish them;
    - 危险化学品经营: 带储存设施/不带储存设施, the two kinds of 危险化学品经营许可证 (《危险化学品经营许可证管理办法》);
    - 烟花爆竹: 批发/零售 (《烟花爆竹安全管理条例》第十六条)."""

    METALLURGY = "metallurgy", "冶金"
    NONFERROUS = "nonferrous", "有色"
    BUILDING_MATERIALS = "building_materials", "建材"
    MACHINERY = "machinery", "机械"
    LIGHT_INDUSTRY = "light_industry", "轻工"
    TEXTILE = "textile", "纺织"
    TOBACCO = "tobacco", "烟草"
    COMMERCE = "commerce", "商贸"
    UNDERGROUND_MINE = "underground_mine", "金属非金属地下矿山"
    OPEN_PIT_MINE = "open_pit_mine", "金属非金属露天矿山"
    TAILINGS_POND = "tailings_pond", "尾矿库"
    UNDERGROUND_COAL = "underground_coal", "井工煤矿"
    OPEN_PIT_COAL = "open_pit_coal", "露天煤矿"
    HAZCHEM_STORAGE = "hazchem_storage", "危险化学品经营（带储存设施）"
    HAZCHEM_NO_STORAGE = "hazchem_no_storage", "危险化学品经营（不带储存设施）"
    FIREWORKS_WHOLESALE = "fireworks_wholesale", "烟花爆竹批发"
    FIREWORKS_RETAIL = "fireworks_retail", "烟花爆竹零售"


# the industry each sub-sector belongs to (an enterprise's sub-sector must belong to its industry)
SUB_SECTOR_INDUSTRY: dict[str, str] = {
    **{s: Industry.METALLURGY_TRADE for s in (
        SubSector.METALLURGY, SubSector.NONFERROUS, SubSector.BUILDING_MATERIALS, SubSector.MACHINERY,
        SubSector.LIGHT_INDUSTRY, SubSector.TEXTILE, SubSector.TOBACCO, SubSector.COMMERCE)},
    **{s: Industry.NON_COAL_MINE for s in (
        SubSector.UNDERGROUND_MINE, SubSector.OPEN_PIT_MINE, SubSector.TAILINGS_POND)},
    SubSector.UNDERGROUND_COAL: Industry.COAL, SubSector.OPEN_PIT_COAL: Industry.COAL,
    SubSector.HAZCHEM_STORAGE: Industry.HAZCHEM_OPERATION, SubSector.HAZCHEM_NO_STORAGE: Industry.HAZCHEM_OPERATION,
    SubSector.FIREWORKS_WHOLESALE: Industry.FIREWORKS, SubSector.FIREWORKS_RETAIL: Industry.FIREWORKS,
}


def sub_sectors_of(industry: str) -> list[tuple[str, str]]:
    """(code, label) of the sub-sectors of an industry, in the order of SubSector."""
    return [(code, label) for code, label in SubSector.choices if SUB_SECTOR_INDUSTRY.get(code) == industry]


class StandardizationGrade(models.TextChoices):
    """安全生产标准化等级: 一级 (ministry), 二级 (province), 三级 (city)."""

    GRADE_1 = "1", "一级"
    GRADE_2 = "2", "二级"
    GRADE_3 = "3", "三级"
    NONE = "", "未达标"


class CreditGrade(models.TextChoices):
    """Shanxi safety-production credit bands, announced by the end of February each year."""

    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    B3 = "B3", "B3"
    C1 = "C1", "C1"
    C2 = "C2", "C2"
    C3 = "C3", "C3"
    D = "D", "D"
    NONE = "", "未评定"


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", "正常生产经营"
    SUSPENDED = "suspended", "停产整顿"
    CLOSED = "closed", "关闭注销"


def _committee_q(user: Any) -> models.Q | None:
    """A park's management committee: its own park (measure III.3)."""
    return models.Q(committee_id=user.organisation_id) if user.organisation_id else None


def _park_enterprises_q(user: Any) -> models.Q | None:
    """A park's management committee: the enterprises of its park (measure III.3)."""
    return models.Q(chemical_park__committee_id=user.organisation_id) if user.organisation_id else None


class ChemicalPark(models.Model):
    """A recognised chemical park (化工园区, measure III.3), with the organisation of its management committee
    (园区管理机构), whose accounts report the park's remediation and review project admission."""

    authority = Authority(
        dataset="parks", label="化工园区", region="region_id", enterprise=None,
        grants=(Grant("本园区管理机构", _committee_q, roles=frozenset({R.PARK_COMMITTEE}), changes=True),),
        change=frozenset({R.INSPECTOR, R.SECTION_HEAD, R.LEADER}),  # the officers of the park's region
    )

    code = models.CharField("园区代码", max_length=20, unique=True)
    name = models.CharField("园区名称", max_length=100)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所在区划")
    safety_risk_grade = models.CharField("安全风险等级", max_length=10, blank=True,
                                         help_text="A/B/C/D 类（化工园区安全风险评估导则）")
    committee = models.OneToOneField("accounts.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="chemical_park", verbose_name="园区管理机构")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "化工园区"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Enterprise(models.Model):
    """One enterprise of the register. Personal data of contacts is SM4-encrypted and shown masked."""

    authority = Authority(dataset="enterprises", label="企业", enterprise="id", change=frozenset({R.SYSADMIN}),
                          grants=(Grant("所在化工园区的管理机构", _park_enterprises_q,
                                        roles=frozenset({R.PARK_COMMITTEE})),))

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=120, db_index=True)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所在区划")
    address = models.CharField("地址", max_length=200, blank=True)
    industry = models.CharField("行业类别", max_length=30, choices=Industry.choices)
    sub_sector = models.CharField("子行业", max_length=30, blank=True, choices=SubSector.choices,
                                  help_text="决定检查表中哪些检查项适用于本企业；须属于所选行业")
    business_scope = models.CharField("经营范围/主要产品", max_length=300, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=40)
    legal_rep_id_number = EncryptedTextField("法定代表人身份证号", blank=True)
    contact_name = models.CharField("安全联系人", max_length=40, blank=True)
    contact_phone = EncryptedTextField("联系电话", blank=True)
    employees = models.PositiveIntegerField("从业人员数", default=0)
    established_on = models.DateField("成立日期", null=True, blank=True)
    standardization_grade = models.CharField("安全生产标准化等级", max_length=1, blank=True,
                                             choices=StandardizationGrade.choices)
    credit_grade = models.CharField("诚信等级", max_length=2, blank=True, choices=CreditGrade.choices)
    is_key = models.BooleanField("重点检查企业", default=False)
    chemical_park = models.ForeignKey(ChemicalPark, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="enterprises", verbose_name="所在化工园区")
    status = models.CharField("经营状态", max_length=20, choices=EnterpriseStatus.choices,
                              default=EnterpriseStatus.OPERATING)
    checkin_token = models.CharField("入企码", max_length=32, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业"
        verbose_name_plural = verbose_name
        ordering = ["region_id", "name"]
        indexes = [
            models.Index(fields=["region", "name", "id"], name="enterprise_region_name"),
            models.Index(fields=["region", "industry", "name"], name="enterprise_region_industry"),
            models.Index(fields=["industry", "name"], name="enterprise_industry"),
            models.Index(fields=["is_key", "region"], name="enterprise_key_region"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.checkin_token:
            self.checkin_token = secrets.token_urlsafe(18)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        super().clean()
        if self.sub_sector and SUB_SECTOR_INDUSTRY.get(self.sub_sector) != self.industry:
            raise ValidationError({"sub_sector": f"子行业「{self.get_sub_sector_display()}」不属于行业"
                                                 f"「{self.get_industry_display()}」"})

    @property
    def contact_phone_masked(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def legal_rep_id_masked(self) -> str:
        return mask_id_number(self.legal_rep_id_number)

    @property
    def is_hazchem(self) -> bool:
        return self.industry in HAZCHEM_INDUSTRIES


class SupervisionLevel(models.TextChoices):
    CITY = "city", "市级"
    COUNTY = "county", "县级"


class SupervisionAssignment(models.Model):
    """Which level supervises an enterprise in a year: exactly one (measure II.3, no duplicate inspection).

    安全生产法 第62条第2款: 应急管理部门应当按照分类分级监督管理的要求，制定安全生产年度监督检查计划. Section heads and
    leaders keep the list of their jurisdiction (the year's list copied to the next with changes, or imported from
    Excel); the enterprise sees its own."""

    authority = Authority(dataset="supervision", label="分级分类监管分工", region="enterprise__region_id",
                          change=frozenset({R.SECTION_HEAD, R.LEADER}))

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="supervision")
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("监管层级", max_length=10, choices=SupervisionLevel.choices)
    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT, verbose_name="监管机构")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "监管层级"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="uniq_supervision_enterprise_year")]
        indexes = [models.Index(fields=["year", "organisation"], name="supervision_year_org")]

    def __str__(self) -> str:
        return f"{self.year} {self.get_level_display()}"


class ImportJob(models.Model):
    """An Excel import of the register: validated whole before anything is written (nothing half-imported)."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认导入"
        QUEUED = "queued", "排队中"
        VALIDATING = "validating", "校验中"
        WRITING = "writing", "写入中"
        DONE = "done", "已完成"
        FAILED = "failed", "校验未通过"
        ERROR = "error", "处理出错"

    kind = models.CharField(max_length=30, default="enterprises")
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True)  # kind "supervision": the year assigned
    preview = models.JSONField("预览", default=list, blank=True)  # kind "supervision": the rows as they would be written
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    message = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导入任务"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.status in {self.Status.QUEUED, self.Status.VALIDATING} else 100
        if self.status in {self.Status.DONE, self.Status.FAILED}:
            return 100
        return min(99, int(self.processed_rows * 100 / self.total_rows))


class CreditRule(models.Model):
    """One row of the credit rule table: which decision lowers an enterprise's safety-production credit grade and
    how (降 N 级, and/or 最高为某级). Data with its source and dates; administrators edit it (admin → 诚信扣减规则).
    Rows marked `demo` carry demonstration values (the exact Shanxi figures were not sourced: see docs/penalties.md)."""

    class Target(models.TextChoices):
        UNIT = "unit", "对单位的处罚"
        PERSON = "person", "对个人的处罚"
        ANY = "", "不限"

    code = models.CharField("规则编号", max_length=30, unique=True)
    label = models.CharField("情形", max_length=200)
    min_fine = models.PositiveIntegerField("罚款达到（元）", null=True, blank=True,
                                           help_text="罚款不低于此数时适用；空：不看罚款数额")
    measures_keyword = models.CharField("其他处理措施包含", max_length=40, blank=True,
                                        help_text="如“停产停业”“吊销”；空：不看其他措施")
    target = models.CharField("处罚对象", max_length=10, choices=Target.choices, default=Target.UNIT, blank=True)
    downgrade_steps = models.PositiveSmallIntegerField("降低级数", default=0)
    max_grade = models.CharField("最高等级", max_length=2, blank=True, choices=CreditGrade.choices,
                                 help_text="适用后等级不高于此级；空：不限")
    source = models.CharField("依据", max_length=300)
    demo = models.BooleanField("示例值（待核实）", default=False)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = "诚信扣减规则"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class CreditEvent(models.Model):
    """An entry of an enterprise's credit record (安全生产法 第七十八条: 安全生产违法行为信息库): the decision that
    caused it (source record and number), the rule row applied, the date and the grade before and after; a reversal
    entry when the decision is changed or revoked. Written only by `enterprises.credit` (never edited)."""

    class Kind(models.TextChoices):
        DECISION = "decision", "处罚决定"
        BREACH = "breach", "承诺未履行"
        REVERSAL = "reversal", "决定变更/撤销后恢复"

    # the party enterprise sees its own record; nobody edits it by hand (written by the decision's service)
    authority = Authority(dataset="enterprises", label="诚信记录", change=frozenset())

    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="credit_events",
                                   verbose_name="企业")
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="区划")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.DECISION)
    occurred_on = models.DateField("日期")
    source_type = models.CharField("来源记录类型", max_length=60)
    source_id = models.CharField("来源记录", max_length=40)
    source_number = models.CharField("文书编号", max_length=60)
    source_label = models.CharField("事由", max_length=300)
    fine = models.PositiveIntegerField("罚款（元）", null=True, blank=True)
    rule = models.ForeignKey(CreditRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             verbose_name="适用规则")
    rule_code = models.CharField("规则编号", max_length=30, blank=True)
    rule_label = models.CharField("规则情形", max_length=300, blank=True)
    grade_before = models.CharField("原等级", max_length=2, blank=True)
    grade_after = models.CharField("调整后等级", max_length=2, blank=True)
    note = models.TextField("说明", blank=True)
    created_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "诚信记录"
        verbose_name_plural = verbose_name
        ordering = ["-occurred_on", "-id"]
        indexes = [models.Index(fields=["enterprise", "-occurred_on"], name="credit_enterprise_date")]
        constraints = [models.UniqueConstraint(fields=["source_type", "source_id", "kind"],
                                               name="uniq_credit_event_source_kind")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.occurred_on} {self.grade_before or '未评定'}→{self.grade_after or '未评定'}"

    @property
    def changed(self) -> bool:
        return self.grade_before != self.grade_after


# Who approves an enterprise's self-registration: the window and licensing staff of the enterprise's county (or the
# city) and the system administrator, who also keeps the register by hand.
REGISTRATION_APPROVERS = frozenset({R.CLERK, R.LICENSING_OFFICER, R.SECTION_HEAD, R.SYSADMIN})


class Registration(ProcessModel):
    """企业注册: an enterprise asks for an account on its own (issue 17). The USCC is checked (GB 32100-2015 check
    character) and found in the register or in the market regulator's business-licence data, the legal
    representative's phone is proven by an SMS code, and the account waits, inactive, until an officer of the
    enterprise's county approves (workflow `registration`: approve / refuse with the reason; the applicant is told by
    SMS). Approval links the account to the register's enterprise, or enters the enterprise in the register from the
    business licence."""

    class Source(models.TextChoices):
        REGISTER = "register", "企业名录"
        LICENCE = "licence", "市场监管部门营业执照信息"

    authority = Authority(dataset="registrations", label="企业注册申请", region="region_id", enterprise=None,
                          change=REGISTRATION_APPROVERS)

    uscc = models.CharField("统一社会信用代码", max_length=18, db_index=True)
    name = models.CharField("企业名称", max_length=120)
    region = models.ForeignKey("kernel.Region", on_delete=models.PROTECT, verbose_name="所在区划")
    industry = models.CharField("行业类别", max_length=30, choices=Industry.choices)
    address = models.CharField("地址", max_length=200, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=40)
    phone = EncryptedTextField("法定代表人手机号码")
    source = models.CharField("核验来源", max_length=20, choices=Source.choices)
    licence = models.JSONField("营业执照信息", default=dict, blank=True)
    enterprise = models.ForeignKey(Enterprise, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="registrations", verbose_name="企业")
    account = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="registrations",
                                verbose_name="申请的账号")
    reason = models.CharField("不予通过的理由", max_length=300, blank=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name="审核人")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = "企业注册申请"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["region", "state", "-created_at"], name="registration_region_state")]
        constraints = [models.UniqueConstraint(fields=["uscc"], condition=models.Q(state="pending"),
                                               name="uniq_registration_pending_uscc")]

    def __str__(self) -> str:
        return f"{self.name}（注册申请）"

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)
