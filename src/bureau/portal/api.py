"""Shared data for other departments (measure III.2), under /api/v1/sharing/, bearer tokens only; plus the
business-licence lookup used to pre-fill enterprise data."""


from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bureau.accounts.tokens import TokenAuth, require_scope, shared, token_scope
from bureau.certificates.models import Certificate
from bureau.enterprises.models import Enterprise
from bureau.kernel.errors import NotFound, PermissionDenied
from bureau.kernel.schemas import Day, InputSchema, LongLimit, LongOffset
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


routers = [("v1/sharing", router, None), ("v1/business-licences", licence_router, None)]
