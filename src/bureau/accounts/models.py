"""Users, organisations (city bureau, sections, county bureaus, the development zone, other departments), roles as
data, API tokens."""

from __future__ import annotations

import hashlib
import time
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property

from bureau.kernel.crypto import blind_index
from bureau.kernel.fields import EncryptedTextField
from bureau.kernel.masking import mask_id_number, mask_phone


class OrganisationKind(models.TextChoices):
    CITY_BUREAU = "city", "市局"
    SECTION = "section", "市局科室"
    COUNTY_BUREAU = "county", "县级应急管理局"
    ZONE = "zone", "开发区监管部门"
    DEPARTMENT = "department", "协同部门"
    PROVINCE = "province", "省级部门"
    ENTERPRISE = "enterprise", "企业"
    AGENCY = "agency", "中介机构"
    PUBLIC = "public", "社会公众"


# Kinds whose staff see every enterprise of their region (their own bureau's jurisdiction).
JURISDICTION_KINDS = {OrganisationKind.CITY_BUREAU, OrganisationKind.SECTION, OrganisationKind.COUNTY_BUREAU,
                      OrganisationKind.ZONE}


class Organisation(models.Model):
    """An organisation in the tree. Bureaus carry the region that is their jurisdiction (属地)."""

    code = models.CharField("机构代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrganisationKind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="上级机构")
    region = models.ForeignKey("kernel.Region", null=True, blank=True, on_delete=models.PROTECT,
                               verbose_name="管辖区划")
    is_active = models.BooleanField("启用", default=True)
    sort = models.PositiveSmallIntegerField("排序", default=0)
    review_body = models.CharField(
        "行政复议机关", max_length=100, blank=True,
        help_text="本机关作出的行政行为的复议机关。不填时按行政复议法第二十四条推定为本级人民政府；"
                  "开发区等功能区的监管部门请按实际填写。")
    document_prefix = models.CharField(
        "文书字号", max_length=20, blank=True,
        help_text="本机关执法文书编号的机关代字，如“运应急”“盐湖应急”：案号为“盐湖应急立〔2026〕00001号”，"
                  "决定书为“盐湖应急罚决〔2026〕00001号”。不填时按管辖区划名称推定。")
    court = models.CharField(
        "行政诉讼管辖法院", max_length=100, blank=True,
        help_text="本机关作出的行政行为的一审管辖法院（行政诉讼法第十四条、第十八条；实行行政案件集中管辖的，"
                  "填写指定管辖的法院）。不填时文书写“人民法院”。")

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = verbose_name
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def review_body_name(self) -> str:
        """The body that hears an administrative review of this organisation's acts, or "" when it cannot be
        presumed. 行政复议法（2023年修订，2024年1月1日施行）第二十四条第一款第（一）项: 县级以上地方各级人民政府管辖对
        本级人民政府工作部门作出的行政行为不服的复议案件 (the choice of the department one level up is abolished)."""
        bureau = self.bureau
        if bureau.review_body:
            return bureau.review_body
        region = bureau.region
        if region is None:
            return ""
        if bureau.kind == OrganisationKind.CITY_BUREAU:
            return f"{region.name}人民政府"
        if bureau.kind == OrganisationKind.COUNTY_BUREAU and region.parent is not None and not region.is_internal:
            return f"{region.parent.name}{region.name}人民政府"
        return ""

    @property
    def court_name(self) -> str:
        """The court of first instance of this authority's acts as recorded by the administrators, or "": it is not
        presumed, because 行政诉讼法 第十八条第二款 lets the courts concentrate administrative cases elsewhere."""
        return self.bureau.court

    def remedies(self, *, act: str = "本决定", received: str = "收到本决定书") -> str:
        """The remedies sentence of a notice or decision, naming the issuing authority's review body (行政复议法
        第24条; 第20条: 60 days) and its court where they are known (行政诉讼法 第18条; 第46条: 6 months)."""
        body = self.review_body_name
        review = f"依法向{body}申请行政复议" if body else "依法申请行政复议"
        court = self.court_name or "人民法院"
        return f"如不服{act}，可以自{received}之日起六十日内{review}，或者在六个月内依法向{court}提起行政诉讼。"

    @property
    def number_prefix(self) -> str:
        """The authority's 机关代字 in its document numbers (运应急, 盐湖应急): recorded data, or presumed from the name
        of its region (盐湖区 → 盐湖应急) when the administrators have not set it."""
        bureau = self.bureau
        if bureau.document_prefix:
            return bureau.document_prefix
        place = bureau.region.name if bureau.region is not None else (bureau.short_name or bureau.name)
        if len(place) > 2 and place[-1] in "市区县":
            place = place[:-1]
        return f"{place}应急"

    @property
    def full_name(self) -> str:
        """The authority's full name as it signs documents (GB/T 9704-2012 7.3.5.1: 发文机关署名应当用全称或者规范化简称):
        a district's bureau carries its city (盐湖区应急管理局 → 运城市盐湖区应急管理局), whose name alone is not unique
        in the country; a section signs as its bureau."""
        bureau = self.bureau
        region = bureau.region
        if (bureau.kind == OrganisationKind.COUNTY_BUREAU and region is not None and region.parent is not None
                and region.name.endswith("区") and not region.is_internal
                and bureau.name.startswith(region.name) and not bureau.name.startswith(region.parent.name)):
            return f"{region.parent.name}{bureau.name}"
        return bureau.name

    @property
    def bureau(self) -> Organisation:
        """The bureau an organisation belongs to (a section belongs to the city bureau)."""
        if self.kind == OrganisationKind.SECTION and self.parent_id:
            return self.parent  # type: ignore[return-value]
        return self


class Role(models.Model):
    """A role as data: code (used by the workflow tables), name and duty. Administrators assign roles to users."""

    code = models.CharField("角色代码", max_length=40, unique=True)
    name = models.CharField("角色名称", max_length=40)
    description = models.CharField("职责", max_length=200, blank=True)
    is_staff_role = models.BooleanField("机关工作人员角色", default=True)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = verbose_name
        ordering = ["sort", "code"]

    def __str__(self) -> str:
        return self.name


ROLE_NAMES_SECONDS = 60
_role_table: tuple[float, dict[str, tuple[tuple[int, str], str]]] | None = None


def _role_names(codes: frozenset[str]) -> dict[str, tuple[tuple[int, str], str]]:
    """{code: ((sort, code), name)} of every role, read again after ROLE_NAMES_SECONDS or when a code is new."""
    global _role_table
    now = time.monotonic()
    if _role_table is None or _role_table[0] <= now or not codes <= _role_table[1].keys():
        table = {code: ((sort, code), name) for code, sort, name in Role.objects.values_list("code", "sort", "name")}
        _role_table = (now + ROLE_NAMES_SECONDS, table)
    return _role_table[1]


class BureauUserManager(UserManager["User"]):
    pass


class User(AbstractUser):
    """A person who signs in: bureau staff, enterprise staff, experts, individuals.

    ID and phone numbers are SM4-encrypted at rest and shown masked (个人信息保护法; 等保 2.0).
    """

    real_name = models.CharField("姓名", max_length=40, blank=True)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="users", verbose_name="所属机构")
    enterprise = models.ForeignKey("enterprises.Enterprise", null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="users", verbose_name="所属企业")
    roles = models.ManyToManyField(Role, blank=True, related_name="users", verbose_name="角色")
    phone = EncryptedTextField("手机号码", blank=True)
    id_number = EncryptedTextField("身份证号码", blank=True)
    id_number_index = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    enforcement_id = models.CharField("执法证号", max_length=40, blank=True,
                                      help_text="只有持执法证的人员可以执法检查")
    title = models.CharField("职务", max_length=40, blank=True)
    legal_qualification = models.CharField(
        "法律职业资格证书编号", max_length=40, blank=True,
        help_text="法制审核人员：初次从事行政处罚决定法制审核的人员，应当取得法律职业资格（行政处罚法第五十八条第二款）")
    totp_secret = EncryptedTextField("动态口令密钥", blank=True)
    totp_enabled = models.BooleanField("已启用动态口令", default=False)
    # a new secret waits here until the user proves it with a code; the enabled one keeps working meanwhile
    totp_pending_secret = EncryptedTextField("待确认的动态口令密钥", blank=True)
    # the 30-second step of the last accepted code: a code is accepted once (RFC 6238 5.2)
    totp_last_step = models.BigIntegerField(default=0)
    totp_changed_at = models.DateTimeField("动态口令变更时间", null=True, blank=True)
    password_changed_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[BureauUserManager] = BureauUserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = verbose_name
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        self.id_number_index = blind_index(self.id_number) if self.id_number else ""
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.real_name or self.username

    @cached_property
    def role_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.roles.all())

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes & set(codes))

    @property
    def role_names(self) -> list[str]:
        """The names of the user's roles for the top bar, in the roles' order. Display only (what a user may do is
        decided by `role_codes`, read with the user): the names come from a per-process table read at most once a
        minute, not one query per page."""
        names = _role_names(self.role_codes)
        return [label for _, label in sorted(names[code] for code in self.role_codes if code in names)]

    @property
    def is_staff_member(self) -> bool:
        return self.organisation_id is not None and self.enterprise_id is None

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)



class ApiToken(models.Model):
    """A machine client's bearer token (other departments, the provincial platform, the hotline platform).

    Only the SHA-256 of the token is stored. `scopes` names the data sets it may read or write; `regions` narrows
    the jurisdiction (empty: the owner's whole scope). Every call is logged (ApiCallLog).
    """

    name = models.CharField("名称", max_length=100)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="代表用户")
    prefix = models.CharField(max_length=8, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField("授权范围", default=list, blank=True)
    regions = models.JSONField("限定区划", default=list, blank=True)
    fields = models.JSONField("可见字段", default=dict, blank=True)
    expires_at = models.DateTimeField("有效期至", null=True, blank=True)
    revoked = models.BooleanField("已吊销", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_usable(self) -> bool:
        return not self.revoked and (self.expires_at is None or self.expires_at > timezone.now())


class ApiCallLog(models.Model):
    """Every call made with an API token (measure III.2: authenticated, scoped, logged)."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="calls")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField()
    ip = models.CharField(max_length=45, blank=True)

    class Meta:
        verbose_name = "接口调用日志"
        verbose_name_plural = verbose_name
        ordering = ["-at"]
        indexes = [models.Index(fields=["token", "-at"], name="apicall_token_at")]

class SmsCode(models.Model):
    """A one-time code sent by SMS (registration, password reset). Only a keyed digest of the code is stored, the
    phone number only as a blind index and masked (个人信息保护法 第五十一条: 加密、去标识化); the expiry, the
    number of tries and the resend wait are rules (`sms_code.*`, accounts/hooks.py)."""

    class Purpose(models.TextChoices):
        REGISTER = "register", "企业注册"
        RESET = "reset", "找回密码"

    purpose = models.CharField("用途", max_length=20, choices=Purpose.choices)
    phone_index = models.CharField(max_length=40, db_index=True)
    phone_masked = models.CharField("手机号码", max_length=20)
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField("有效期至")
    attempts = models.PositiveSmallIntegerField("已尝试次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "短信验证码"
        verbose_name_plural = verbose_name
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["phone_index", "purpose", "-created_at"], name="smscode_phone_purpose")]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.phone_masked}"


class OidcLink(models.Model):
    """The link between an account here and a person or enterprise of the province's unified identity platform
    (统一身份认证): the issuer and its `sub` claim. Created by the user (账号安全 → 绑定统一身份认证, after a full
    sign-in here), by a security administrator, or — for an enterprise account — at the first platform sign-in
    whose USCC claim names exactly one active account of that enterprise. Never a new account."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="oidc_links", verbose_name="用户")
    issuer = models.CharField("认证平台", max_length=200)
    subject = models.CharField("平台用户标识", max_length=255)
    created_at = models.DateTimeField("绑定时间", auto_now_add=True)
    last_login_at = models.DateTimeField("最近登录", null=True, blank=True)

    class Meta:
        verbose_name = "统一身份认证绑定"
        verbose_name_plural = verbose_name
        constraints = [models.UniqueConstraint(fields=["issuer", "subject"], name="uniq_oidc_issuer_subject")]

    def __str__(self) -> str:
        return f"{self.user} ← {self.issuer}"
