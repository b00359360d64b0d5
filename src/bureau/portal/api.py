"""Shared data for other departments (measure III.2), under /api/v1/sharing/, bearer tokens only; plus the
business-licence lookup used to pre-fill enterprise data, and the public read of 行政执法公示 (/api/v1/publications/)."""


import datetime as dt
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from bureau.accounts.tokens import TokenAuth, require_scope, shared, token_scope
from bureau.certificates.models import Certificate
from bureau.enterprises.models import Enterprise
from bureau.kernel.errors import NotFound, PermissionDenied
from bureau.kernel.schemas import Day, Id, InputSchema, Limit, LongLimit, LongOffset, Offset
from bureau.penalties.models import DecisionPublication
from bureau.penalties.queries import public_decision, public_decisions
from bureau.portal import licences
from bureau.portal.sharing import pick_fields, provider_for, token_regions

router = Router(tags=["数据共享"], auth=TokenAuth())


class Paging(InputSchema):
    region: str | None = None
    updated_since: Day | None = None
    limit: LongLimit = 100
    offset: LongOffset = 0


class SharedPage(Schema):
    dataset: str
    available: bool = True
    detail: str = ""
    items: list[dict[str, Any]]
    next_offset: int | None = None


def _bounds(p: Paging) -> tuple[int, int]:
    return p.limit, p.offset


def _regions_filter(qs: Any, request: HttpRequest, field: str, wanted: str | None) -> Any:
    regions = token_regions(request.api_token)  # type: ignore[attr-defined]
    if regions is not None:
        qs = qs.filter(**{f"{field}__in": regions})
    if wanted:
        qs = qs.filter(**{field: wanted})
    return qs


def _enterprise_row(e: Enterprise) -> dict[str, Any]:
    return {"uscc": e.uscc, "name": e.name, "region_code": e.region_id, "region_name": e.region.name,
            "industry": e.get_industry_display(), "address": e.address, "legal_representative": e.legal_representative,
            "standardization_grade": e.get_standardization_grade_display() if e.standardization_grade else "",
            "credit_grade": e.credit_grade, "is_key": e.is_key, "status": e.get_status_display(),
            "contact_phone_masked": e.contact_phone_masked}


def _certificate_row(c: Certificate) -> dict[str, Any]:
    return {"number": c.number, "type": c.type.name, "holder_name": c.holder_name,
            "holder_id_masked": c.holder_id_masked, "enterprise_uscc": c.enterprise.uscc if c.enterprise else "",
            "region_code": c.region_id, "scope_text": c.scope_text, "issuing_authority": c.issuing_authority,
            "issued_on": c.issued_on.isoformat(), "valid_from": c.valid_from.isoformat(),
            "valid_until": c.valid_until.isoformat(), "status": c.get_status_display()}


def _shared_page(request: HttpRequest, dataset: str, qs: Any, p: Paging, to_row: Callable[[Any], dict[str, Any]]
                 ) -> SharedPage:
    """One page of a data set in id order (one row more tells whether there is a next page), fields as granted."""
    limit, offset = _bounds(p)
    rows = list(qs.order_by("id")[offset: offset + limit + 1])
    token = request.api_token  # type: ignore[attr-defined]
    return SharedPage(dataset=dataset, items=[pick_fields(token, dataset, to_row(r)) for r in rows[:limit]],
                      next_offset=offset + limit if len(rows) > limit else None)


@router.get("/enterprises", response=SharedPage, summary="企业基础信息（enterprises:read）")
@shared("enterprises:read")
def shared_enterprises(request: HttpRequest, p: Query[Paging]) -> SharedPage:
    qs = _regions_filter(Enterprise.objects.select_related("region"), request, "region_id", p.region)
    return _shared_page(request, "enterprises", qs, p, _enterprise_row)


@router.get("/enterprises/{uscc}", response=dict[str, Any], summary="按统一社会信用代码查询企业")
@shared("enterprises:read")
def shared_enterprise(request: HttpRequest, uscc: str) -> dict[str, Any]:
    qs = _regions_filter(Enterprise.objects.select_related("region"), request, "region_id", None)
    e = qs.filter(uscc=uscc.upper()).first()
    if e is None:
        raise NotFound("企业不存在或不在授权范围内")
    return pick_fields(request.api_token, "enterprises", _enterprise_row(e))  # type: ignore[attr-defined]


@router.get("/certificates", response=SharedPage, summary="证照信息（certificates:read）")
@shared("certificates:read")
def shared_certificates(request: HttpRequest, p: Query[Paging]) -> SharedPage:
    qs = _regions_filter(Certificate.objects.select_related("type", "enterprise"), request, "region_id", p.region)
    return _shared_page(request, "certificates", qs, p, _certificate_row)


@router.get("/certificates/{number}", response=dict[str, Any], summary="按证书编号查询证照")
@shared("certificates:read")
def shared_certificate(request: HttpRequest, number: str) -> dict[str, Any]:
    qs = _regions_filter(Certificate.objects.select_related("type", "enterprise"), request, "region_id", None)
    c = qs.filter(number=number).first()
    if c is None:
        raise NotFound("证照不存在或不在授权范围内")
    return pick_fields(request.api_token, "certificates", _certificate_row(c))  # type: ignore[attr-defined]


@router.get("/decisions", response=SharedPage, summary="行政处罚决定（decisions:read）")
@shared("decisions:read")
def shared_decisions(request: HttpRequest, p: Query[Paging]) -> SharedPage:
    provider = provider_for("decisions")
    if provider is None:
        return SharedPage(dataset="decisions", available=False, items=[],
                          detail="行政处罚决定数据尚未接入（由行政处罚模块提供）")
    limit, offset = _bounds(p)
    regions = token_regions(request.api_token)  # type: ignore[attr-defined]
    params = {"region": p.region, "limit": limit + 1, "offset": offset, "updated_since": p.updated_since}
    rows = provider(regions, params)
    token = request.api_token  # type: ignore[attr-defined]
    return SharedPage(dataset="decisions", items=[pick_fields(token, "decisions", r) for r in rows[:limit]],
                      next_offset=offset + limit if len(rows) > limit else None)


licence_router = Router(tags=["数据共享"])


class LicenceOut(Schema):
    found: bool
    licence: dict[str, Any] | None = None
    prefill: dict[str, Any] | None = None


@licence_router.get("/{uscc}", response=LicenceOut, summary="营业执照信息（市场监管部门共享数据），用于预填企业信息")
@token_scope("enterprises:read")
def licence(request: HttpRequest, uscc: str) -> LicenceOut:
    user = request.user
    token = getattr(request, "api_token", None)
    if token is not None:
        require_scope(request, "enterprises:read")
    elif not getattr(user, "is_staff_member", False) and not getattr(user, "enterprise_id", None):
        raise PermissionDenied("无权查询")
    found = licences.licence_lookup(uscc)
    if found is None:
        return LicenceOut(found=False)
    return LicenceOut(found=True, licence=found.__dict__, prefill=found.prefill())


# 行政执法公示 (行政处罚法 第48条; 国办发〔2018〕118号): what the portal shows, for anyone (no token, no sign-in)
publications = Router(tags=["行政执法公示"])


class PublicDecisionFilter(InputSchema):
    q: str | None = Field(None, max_length=60, description="当事人名称或决定书文号开头")
    region: str | None = Field(None, max_length=12, description="区划代码")
    year: int | None = Field(None, ge=2000, le=2100, description="决定年度")
    limit: Limit = 50
    offset: Offset = 0


class PublicDecisionOut(Schema):
    id: int
    title: str
    number: str
    party_name: str
    party_uscc: str
    legal_representative: str = Field(description="法定代表人（已隐去名）")
    violation: str = Field(description="主要违法事实（已隐去个人信息）")
    basis: str
    penalty: str
    authority_name: str
    region_code: str
    decided_on: dt.date
    published_at: dt.datetime | None
    withdrawn: bool
    withdraw_ground: str = ""
    withdraw_reason: str = ""

    @staticmethod
    def of(p: DecisionPublication) -> "PublicDecisionOut":
        withdrawn = p.state == "withdrawn"
        return PublicDecisionOut(
            id=p.pk, title=p.title, number=p.number, party_name=p.party_name,
            party_uscc=p.party_uscc, legal_representative="" if withdrawn else p.legal_representative,
            violation="" if withdrawn else p.violation, basis="" if withdrawn else p.basis,
            penalty="" if withdrawn else p.penalty, authority_name=p.authority_name, region_code=p.region_id,
            decided_on=p.decided_on, published_at=p.published_at, withdrawn=withdrawn,
            withdraw_ground=p.get_withdraw_ground_display() if withdrawn else "",
            withdraw_reason=p.withdraw_reason if withdrawn else "")


class PublicDecisionPage(Schema):
    items: list[PublicDecisionOut]
    next_offset: int | None


@publications.get("/decisions", response=PublicDecisionPage, auth=None, summary="行政处罚决定公示（公开，无需登录）")
def public_decision_list(request: HttpRequest, filters: Query[PublicDecisionFilter]) -> PublicDecisionPage:
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(public_decisions(params)[filters.offset: filters.offset + filters.limit + 1])
    return PublicDecisionPage(items=[PublicDecisionOut.of(p) for p in rows[:filters.limit]],
                              next_offset=filters.offset + filters.limit if len(rows) > filters.limit else None)


@publications.get("/decisions/{decision_id}", response=PublicDecisionOut, auth=None, summary="一项公示的处罚决定")
def public_decision_detail(request: HttpRequest, decision_id: Id) -> PublicDecisionOut:
    found = public_decision(decision_id)
    if found is None:
        raise NotFound("公示信息不存在或未公示")
    return PublicDecisionOut.of(found)


routers = [("v1/sharing", router, None), ("v1/business-licences", licence_router, None),
           ("v1/publications", publications, None)]
