"""Certificate endpoints: the public verification (no login) and the scoped register list."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from bureau.accounts.http import AuthenticatedRequest
from bureau.certificates import queries, services
from bureau.kernel.schemas import InputSchema, Limit, Offset

router = Router(tags=["证照"])


class SignatureOut(Schema):
    signed: bool
    signer: str
    sha256: str
    signed_at: dt.datetime | None


class VerificationOut(Schema):
    valid: bool
    status: str
    status_label: str
    type: str
    number: str
    holder_name: str
    holder_id_masked: str
    issuing_authority: str
    issued_on: dt.date
    expires_on: dt.date
    next_review_due: dt.date | None
    valid_from: dt.date | None
    version_no: int
    version_reason: str
    is_current: bool
    superseded_at: dt.datetime | None
    current_verify_code: str | None
    current_version_no: int
    current_status_label: str
    signature: SignatureOut | None


@router.get("/verify/{code}", auth=None, response=VerificationOut,
            summary="证照核验（公开，无需登录）",
            description="按证照二维码中的核验码查询真伪和当前状态；个人姓名和身份证号脱敏；未知核验码返回404。"
                        "有效期尚未开始的证照返回 status=not_yet_valid（尚未生效）、valid=false；"
                        "旧版本的核验码返回 status=superseded、is_current=false 和现行版本的核验码 current_verify_code；"
                        "signature 为该版本电子证照文件的签名人、签名时间和 SHA-256 摘要。")
def verify(request: HttpRequest, code: str) -> VerificationOut:
    r = services.certificate_verify(code)
    return VerificationOut(valid=r.valid, status=r.status, status_label=r.status_label, type=r.type, number=r.number,
                           holder_name=r.holder_name, holder_id_masked=r.holder_id_masked,
                           issuing_authority=r.issuing_authority, issued_on=r.issued_on, expires_on=r.expires_on,
                           next_review_due=r.next_review_due, valid_from=r.valid_from, version_no=r.version_no,
                           version_reason=r.version_reason, is_current=r.is_current, superseded_at=r.superseded_at,
                           current_verify_code=r.current_code or None, current_version_no=r.current_version_no,
                           current_status_label=r.current_status_label,
                           signature=SignatureOut(**r.signature.__dict__) if r.signature else None)


class CertificateOut(Schema):
    id: int
    number: str
    type: str
    type_name: str
    holder_name: str
    holder_id_masked: str
    region_code: str
    issuing_authority: str
    issued_on: dt.date
    valid_until: dt.date
    next_review_due: dt.date | None
    status: str
    action_due: dt.date | None
    version_no: int


class CertificateFilter(InputSchema):
    q: str | None = None
    type: str | None = None
    status: str | None = None
    region: str | None = None
    limit: Limit = 50
    offset: Offset = 0


class CertificatePage(Schema):
    items: list[CertificateOut]
    next_offset: int | None


@router.get("", response=CertificatePage, summary="证照库（按数据权限过滤）")
def certificate_list(request: AuthenticatedRequest, filters: Query[CertificateFilter]) -> CertificatePage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(queries.certificate_list(request.user, params)[offset: offset + limit + 1])
    items = [CertificateOut(id=c.pk, number=c.number, type=c.type.code, type_name=c.type.name,
                            holder_name=c.holder_name, holder_id_masked=c.holder_id_masked, region_code=c.region_id,
                            issuing_authority=c.issuing_authority, issued_on=c.issued_on, valid_until=c.valid_until,
                            next_review_due=c.next_review_due, status=c.current_status(), action_due=c.action_due,
                            version_no=c.version_no)
             for c in rows[:limit]]
    return CertificatePage(items=items, next_offset=offset + limit if len(rows) > limit else None)


routers = [("v1/certificates", router, "certificates")]
