"""企业注册: use cases of the enterprise's self-registration (issue 17) and its approval by the county's officers.

Checks on submission, in order, each refusal with its field and nothing written:
1. the USCC's form and check character (GB 32100-2015, kernel.identifiers);
2. the enterprise is found: in the register (its name must match), or else in the market regulator's
   business-licence data (the shared source `business_licence`, portal/licences.py: a local export by default, the
   provincial exchange in production), in force (登记状态 存续) and with the same name;
3. no pending registration of the same USCC, and the enterprise has no active account yet (a second person of an
   enterprise that already has one is added by the bureau, not by self-registration);
4. the user name is free, the password passes the password policy, and the SMS code sent to the legal
   representative's phone is right (accounts.sms_codes: tries, expiry and sends limited as rules).
The account is created inactive, without a role; approval activates it with the enterprise role.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bureau.accounts import sms_codes
from bureau.accounts.models import Role, SmsCode, User
from bureau.accounts.roles import ENTERPRISE
from bureau.enterprises.models import REGISTRATION_APPROVERS, Enterprise, Industry, Registration
from bureau.enterprises.workflow import REGISTRATION
from bureau.kernel.audit import audit
from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.identifiers import IdentifierError, validate_mobile, validate_uscc
from bureau.kernel.models import Region
from bureau.kernel.notifications import notify
from bureau.kernel.registry import registry
from bureau.kernel.workflow import apply_transition, record_history

CITY_REGION = "140800"


@dataclass(frozen=True)
class Found:
    """Where the USCC was found and what is known of the enterprise."""

    source: str
    name: str
    enterprise: Enterprise | None = None
    licence: dict[str, Any] | None = None


def registration_regions() -> list[Region]:
    """The counties (and the development zone) an enterprise may name as where it is: the bureau's jurisdiction."""
    return list(Region.objects.filter(parent_id=CITY_REGION).order_by("sort", "code"))


def _uscc(value: str) -> str:
    try:
        return validate_uscc(value)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="uscc") from None


def find_enterprise(uscc: str, name: str) -> Found:
    """Check the USCC against the register, then the market regulator's data (see the module docstring)."""
    uscc = _uscc(uscc)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写企业名称（与营业执照一致）", field="name")
    enterprise = Enterprise.objects.filter(uscc=uscc).select_related("region").first()
    if enterprise is not None:
        if enterprise.name != name:
            raise DomainError("企业名称与本局企业名录登记的名称不一致，请按营业执照填写", field="name")
        return Found(Registration.Source.REGISTER, enterprise.name, enterprise=enterprise)
    source = registry.shared_sources.get("business_licence")
    fields = source.fetch(uscc) if source is not None else None
    if not fields:
        raise DomainError("在本局企业名录和市场监管部门登记信息中都没有查到该统一社会信用代码，请核对后再试，"
                          "或携营业执照到政务服务窗口办理", field="uscc")
    values = dict(fields)
    if not values.get("登记状态", "").startswith("存续"):
        raise DomainError(f"市场监管部门登记状态为「{values.get('登记状态', '未知')}」，不能注册", field="uscc")
    if values.get("名称") != name:
        raise DomainError("企业名称与营业执照登记的名称不一致", field="name")
    prefill = source.prefill(uscc) if source is not None and source.prefill is not None else {}
    return Found(Registration.Source.LICENCE, name, licence={**prefill, "fields": fields})


def _phone(value: str) -> str:
    try:
        return validate_mobile(value)
    except IdentifierError as exc:
        raise DomainError(str(exc), field="phone") from None


def registration_send_code(*, phone: str, address: str) -> str:
    """The SMS code for the legal representative's phone (returns it for the demo echo only)."""
    return sms_codes.code_send(phone=_phone(phone), purpose=SmsCode.Purpose.REGISTER, address=address)


def registration_submit(*, uscc: str, name: str, region: str, industry: str, address: str,
                        legal_representative: str, phone: str, code: str, username: str, password: str,
                        password2: str) -> Registration:
    """Submit a registration (public, no actor): checks in the module docstring; the officers of the county are
    told in their inbox."""
    found = find_enterprise(uscc, name)
    uscc = _uscc(uscc)
    legal_representative = (legal_representative or "").strip()
    if not legal_representative:
        raise DomainError("请填写法定代表人姓名", field="legal_representative")
    if found.enterprise is not None:
        place, trade = found.enterprise.region, found.enterprise.industry
        if legal_representative != found.enterprise.legal_representative:
            raise DomainError("法定代表人与企业名录登记的不一致", field="legal_representative")
    else:
        chosen = Region.objects.filter(pk=region, parent_id=CITY_REGION).first()
        if chosen is None:
            raise DomainError("请选择企业所在的县（市、区）", field="region")
        place = chosen
        if industry not in Industry.values:
            raise DomainError("请选择行业类别", field="industry")
        trade = industry
        known = (found.licence or {}).get("legal_representative")
        if known and known != legal_representative:
            raise DomainError("法定代表人与营业执照登记的不一致", field="legal_representative")
    if Registration.objects.filter(uscc=uscc, state="pending").exists():
        raise DomainError("该企业已有待审核的注册申请，请等待审核结果（将以短信通知）", field="uscc")
    if User.objects.filter(enterprise__uscc=uscc, is_active=True).exists():
        raise DomainError("该企业已开通账号。忘记密码请使用“忘记密码”；需要增加账号请联系主管应急管理部门",
                          field="uscc")
    phone = _phone(phone)
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise DomainError("用户名只能包含字母、数字和 @ . + - _", field="username") from None
    if not 4 <= len(username) <= 30:
        raise DomainError("用户名应为4至30个字符", field="username")
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("该用户名已被使用，请换一个", field="username")
    sms_codes.code_verify(phone=phone, purpose=SmsCode.Purpose.REGISTER, code=code, consume=False)
    if password != password2:
        raise DomainError("两次输入的密码不一致", field="password2")
    account = User(username=username, real_name=legal_representative, phone=phone, is_active=False)
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from None
    try:
        with transaction.atomic():
            sms_codes.code_verify(phone=phone, purpose=SmsCode.Purpose.REGISTER, code=code, consume=True)
            account.set_password(password)
            account.save()
            registration = Registration.objects.create(
                uscc=uscc, name=found.name, region=place, industry=trade, legal_representative=legal_representative,
                address=(address or "").strip()[:200] or (found.licence or {}).get("address", "")[:200],
                phone=phone, source=found.source, licence=found.licence or {}, enterprise=found.enterprise,
                account=account, state="pending")
            record_history(registration, actor=None, action="submit", label="提交注册申请")
            audit(None, "enterprises.registration_submit", registration, summary=f"企业注册申请：{found.name}")
            notify(approvers(registration), "新的企业注册申请", f"{found.name}申请开通企业账号，请核实后审核。",
                   url=f"/enterprises/registrations/{registration.pk}/")
    except IntegrityError:
        raise Conflict("该企业已有待审核的注册申请或用户名已被使用，请刷新后重试") from None
    return registration


def approvers(registration: Registration) -> list[User]:
    """The officers told of a new registration: the approving roles of the county's bureau."""
    return list(User.objects.filter(is_active=True, roles__code__in=REGISTRATION_APPROVERS,
                                    organisation__region_id=registration.region_id).distinct())


def registration_approve(*, actor: User, registration: Registration, note: str = "") -> Registration:
    """Approve: the account becomes active with the enterprise role, linked to the register's enterprise (entered
    in the register from the business licence when it was not there). The applicant is told by SMS."""
    with transaction.atomic():
        enterprise = registration.enterprise
        if enterprise is None:
            licence = registration.licence or {}
            enterprise = Enterprise.objects.filter(uscc=registration.uscc).first() or Enterprise(
                uscc=registration.uscc, name=registration.name, region=registration.region,
                industry=registration.industry, address=registration.address,
                legal_representative=registration.legal_representative,
                contact_name=registration.legal_representative, contact_phone=registration.phone,
                business_scope=str(licence.get("business_scope", ""))[:300],
                established_on=licence.get("established_on") or None)
            if enterprise.pk is None:
                enterprise.save()
                audit(actor, "enterprises.create", enterprise, summary=f"经企业注册审核登记企业：{enterprise.name}")
        apply_transition(REGISTRATION, registration, "approve", actor=actor, note=note.strip()[:300],
                         updates={"enterprise": enterprise, "decided_by": actor, "decided_at": timezone.now()})
        account = registration.account
        User.objects.filter(pk=account.pk).update(is_active=True, enterprise=enterprise)
        account.roles.add(Role.objects.get(code=ENTERPRISE))
        notify([account], "企业注册已通过", f"{registration.name}的企业账号已开通，请用注册时设置的用户名"
               f"{account.username}和密码登录办事。", url="/", sms=True)
    return registration


def registration_refuse(*, actor: User, registration: Registration, reason: str) -> Registration:
    """Refuse with the reason, which the applicant reads in the SMS; the account stays inactive."""
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise DomainError("请写明不予通过的理由（不少于4个字），申请人将收到该理由", field="reason")
    with transaction.atomic():
        apply_transition(REGISTRATION, registration, "refuse", actor=actor, note=reason[:300],
                         updates={"reason": reason[:300], "decided_by": actor, "decided_at": timezone.now()})
        notify([registration.account], "企业注册未通过", f"{registration.name}的企业注册申请未通过：{reason[:80]}。"
               "可按要求修改后重新注册，或咨询主管应急管理部门。", sms=True)
    return registration
