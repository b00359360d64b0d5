"""Register endpoints: scoped exactly like the UI (another county's id answers 404)."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema

from bureau.enterprises import queries
from bureau.enterprises.models import Enterprise
from bureau.kernel.errors import NotFound
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


@router.get("/{enterprise_id}", response=EnterpriseOut, summary="企业详情")
def enterprise_detail(request: HttpRequest, enterprise_id: Id) -> EnterpriseOut:
    try:
        return EnterpriseOut.from_model(queries.get_enterprise_for(request.user, enterprise_id))
    except Http404:
        raise NotFound("企业不存在或不在您的管辖范围内")


routers = [("v1/enterprises", router, "enterprises")]
