"""Register endpoints: scoped exactly like the UI (another county's id answers 404)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from bureau.accounts.http import AuthenticatedRequest
from bureau.accounts.tokens import token_dataset
from bureau.enterprises import queries, registration
from bureau.enterprises.models import Enterprise, Registration
from bureau.kernel.errors import NotFound
from bureau.kernel.net import client_ip
from bureau.kernel.schemas import Id, InputSchema, Limit, Offset

router = Router(tags=["企业名录"])


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry: str
    industry_label: str
    standardization_grade: str
    credit_grade: str
    is_key: bool
    chemical_park: str | None
    legal_representative: str
    contact_name: str
    contact_phone_masked: str
    employees: int
    established_on: dt.date | None
    status: str

    @staticmethod
    def from_model(e: Enterprise) -> EnterpriseOut:
        return EnterpriseOut(
            id=e.pk, uscc=e.uscc, name=e.name, region_code=e.region_id, region_name=e.region.name,
            industry=e.industry, industry_label=e.get_industry_display(),
            standardization_grade=e.standardization_grade, credit_grade=e.credit_grade, is_key=e.is_key,
            chemical_park=e.chemical_park.name if e.chemical_park else None,
            legal_representative=e.legal_representative, contact_name=e.contact_name,
            contact_phone_masked=e.contact_phone_masked, employees=e.employees, established_on=e.established_on,
            status=e.status,
        )


class EnterpriseFilter(InputSchema):
    q: str | None = None
    region: str | None = None
    industry: str | None = None
    is_key: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class EnterprisePage(Schema):
    items: list[EnterpriseOut]
    next_offset: int | None


@router.get("", response=EnterprisePage, summary="企业名录（按数据权限过滤）")
def enterprise_list(request: HttpRequest, filters: Query[EnterpriseFilter]) -> EnterprisePage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(queries.enterprise_list(request.user, params)[offset: offset + limit + 1])
    return EnterprisePage(items=[EnterpriseOut.from_model(e) for e in rows[:limit]],
                          next_offset=offset + limit if len(rows) > limit else None)


class RegistrationCodeIn(InputSchema):
    uscc: str
    name: str
    phone: str


class RegistrationIn(InputSchema):
    uscc: str
    name: str
    region: str = ""
    industry: str = ""
    address: str = ""
    legal_representative: str
    phone: str
    code: str
    username: str
    password: str
    password2: str


class RegistrationOut(Schema):
    id: int
    uscc: str
    name: str
    region_code: str
    region_name: str
    industry: str
    legal_representative: str
    phone_masked: str
    source: str
    state: str
    reason: str
    enterprise_id: int | None
    created_at: dt.datetime
    decided_at: dt.datetime | None

    @staticmethod
    def of(r: Registration) -> RegistrationOut:
        return RegistrationOut(id=r.pk, uscc=r.uscc, name=r.name, region_code=r.region_id, region_name=r.region.name,
                               industry=r.industry, legal_representative=r.legal_representative,
                               phone_masked=r.phone_masked, source=r.source, state=r.state, reason=r.reason,
                               enterprise_id=r.enterprise_id, created_at=r.created_at, decided_at=r.decided_at)


class SubmittedOut(Schema):
    id: int
    state: str
    message: str


class SentOut(Schema):
    message: str


class RegistrationDecisionIn(InputSchema):
    reason: str = ""


@router.post("/registrations/code", auth=None, response=SentOut, summary="企业注册：向法定代表人手机发送验证码",
             description="先核验统一社会信用代码和企业名称（企业名录或市场监管部门登记信息），再发送6位验证码。"
                         "发送次数按手机号和地址限制，重发须等待（规则参数 sms_code.*）。")
def registration_code(request: HttpRequest, payload: RegistrationCodeIn) -> SentOut:
    registration.find_enterprise(payload.uscc, payload.name)
    registration.registration_send_code(phone=payload.phone, address=client_ip(request))
    return SentOut(message="验证码已发送到法定代表人手机")


@router.post("/registrations", auth=None, response={201: SubmittedOut}, summary="企业注册：提交注册申请",
             description="核验通过后创建待审核的企业账号，由企业所在县（市、区）应急管理部门审核；结果以短信通知。")
def registration_create(request: HttpRequest, payload: RegistrationIn) -> tuple[int, SubmittedOut]:
    done = registration.registration_submit(**payload.dict())
    return 201, SubmittedOut(id=done.pk, state=done.state, message="注册申请已提交，审核结果将以短信通知")


@router.get("/registrations", response=list[RegistrationOut], summary="企业注册申请（按数据权限过滤）")
@token_dataset("registrations")
def registration_list(request: AuthenticatedRequest, state: Literal["pending", "approved", "refused", "all"] = "pending",
                      limit: Limit = 50, offset: Offset = 0) -> list[RegistrationOut]:
    rows = queries.registrations_for(request.user, state).select_related("region")[offset: offset + limit]
    return [RegistrationOut.of(r) for r in rows]


def _registration(request: AuthenticatedRequest, registration_id: int) -> Registration:
    found = Registration.objects.restrict(request.user).select_related("region", "account").filter(
        pk=registration_id).first()
    if found is None:
        raise NotFound("注册申请不存在或不在您的管辖范围内")
    return found


@router.post("/registrations/{registration_id}/actions/{action}", response=RegistrationOut,
             summary="审核企业注册：approve 通过（开通企业账号）/ refuse 不予通过（须写明理由）")
@token_dataset("registrations")
def registration_decide(request: AuthenticatedRequest, registration_id: Id, action: Literal["approve", "refuse"],
                        payload: RegistrationDecisionIn) -> RegistrationOut:
    item = _registration(request, registration_id)
    if action == "approve":
        registration.registration_approve(actor=request.user, registration=item)
    else:
        registration.registration_refuse(actor=request.user, registration=item, reason=payload.reason)
    return RegistrationOut.of(item)


@router.get("/{enterprise_id}", response=EnterpriseOut, summary="企业详情")
def enterprise_detail(request: HttpRequest, enterprise_id: Id) -> EnterpriseOut:
    try:
        return EnterpriseOut.from_model(queries.get_enterprise_for(request.user, enterprise_id))
    except Http404:
        raise NotFound("企业不存在或不在您的管辖范围内")


routers = [("v1/enterprises", router, "enterprises")]
