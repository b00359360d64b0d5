"""Alarm intake endpoints (工业互联网+危化安全生产, measure III.5).

`POST /api/v1/hazards/alarms/intake` is the webhook of the enterprises' monitoring systems: no login and no token;
it is authenticated by the HMAC-SHA256 signature of each message (contract in docs/hazards.md, 「监测报警接入」).
The other operations are scoped like the pages: the enterprise manages its own credentials and reads its alarms,
the county reads its jurisdiction's."""

from __future__ import annotations

import datetime as dt

from django.http import Http404, HttpRequest, JsonResponse
from ninja import Field, Query, Router, Schema

from bureau.accounts.http import AuthenticatedRequest
from bureau.hazards import alarm_queries, alarms
from bureau.hazards.models import Alarm, AlarmSource
from bureau.kernel.errors import NotFound
from bureau.kernel.schemas import Id, InputSchema, Limit, Offset

router = Router(tags=["监测报警接入"])


@router.post("/intake", auth=None, summary="监测系统报警接入（HMAC-SHA256 签名，幂等；无需登录）",
             description="企业监测系统（GDS/DCS/SIS）报送报警（type=raise，须注明本企业的风险点 risk_point_id）或消除"
                         "（type=clear）。请求头 X-Alarm-Key（接入标识）、X-Alarm-Timestamp（Unix 秒）、X-Alarm-Signature"
                         "（sha256=HMAC-SHA256(密钥, 时间戳 + \".\" + 原始报文) 的十六进制）。同一 event_id 重发时返回首次的"
                         "结果（响应头 X-Alarm-Replayed: 1），不重复登记；报文可为单个事件或 {\"events\": [...]}。"
                         "202 已接收报警；200 已消除、重复报警或批量结果；400 报文有误；401 签名、时间戳或接入标识无效；"
                         "409 event_id 已用于内容不同的报文；413 报文过大；422 风险点或报警不存在（或不属于本企业）。",
             openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": {
                 "type": "object", "additionalProperties": True}}}}})
def intake(request: HttpRequest) -> JsonResponse:
    answer = alarms.alarm_intake(key_id=request.headers.get("X-Alarm-Key", ""),
                                 timestamp=request.headers.get("X-Alarm-Timestamp", ""),
                                 signature=request.headers.get("X-Alarm-Signature", ""), body=request.body)
    response = JsonResponse(answer.body, status=answer.status, json_dumps_params={"ensure_ascii": False})
    if answer.replayed:
        response["X-Alarm-Replayed"] = "1"
    return response


class AlarmOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    region_code: str
    source_name: str
    risk_point_id: int
    risk_point_name: str
    alarm_ref: str
    tag: str
    level: str
    level_label: str
    value: float | None
    unit: str
    message: str
    raised_at: dt.datetime
    cleared_at: dt.datetime | None
    state: str
    state_label: str
    hazard_id: int | None
    hazard_number: str | None

    @staticmethod
    def of(a: Alarm) -> AlarmOut:
        return AlarmOut(id=a.pk, enterprise_id=a.enterprise_id, enterprise_name=a.enterprise.name,
                        region_code=a.region_id, source_name=a.source.name, risk_point_id=a.risk_point_id,
                        risk_point_name=a.risk_point.name, alarm_ref=a.alarm_ref, tag=a.tag, level=a.level,
                        level_label=a.get_level_display(), value=float(a.value) if a.value is not None else None,
                        unit=a.unit, message=a.message, raised_at=a.raised_at, cleared_at=a.cleared_at,
                        state=a.state, state_label=a.get_state_display(), hazard_id=a.hazard_id,
                        hazard_number=a.hazard.number if a.hazard_id and a.hazard else None)


class AlarmPage(Schema):
    items: list[AlarmOut]
    next_offset: int | None


class AlarmFilter(InputSchema):
    state: str | None = Field(None, description="open 报警中 / cleared 已消除 / lead 已转隐患线索")
    level: str | None = Field(None, description="low / high / highhigh / fault")
    enterprise: Id | None = None
    limit: Limit = 50
    offset: Offset = 0


@router.get("", response=AlarmPage, summary="监测报警（按数据权限过滤：企业本企业，县区本辖区）")
def alarm_list(request: AuthenticatedRequest, filters: Query[AlarmFilter]) -> AlarmPage:
    limit, offset = filters.limit, filters.offset
    params = {k: v for k, v in filters.dict().items() if v is not None}
    rows = list(alarm_queries.alarm_list(request.user, params)[offset: offset + limit + 1])
    return AlarmPage(items=[AlarmOut.of(a) for a in rows[:limit]],
                     next_offset=offset + limit if len(rows) > limit else None)


class SourceOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str
    name: str
    system: str
    system_label: str
    key_id: str
    active: bool
    secret_issued_at: dt.datetime
    last_seen_at: dt.datetime | None

    @staticmethod
    def of(s: AlarmSource) -> SourceOut:
        return SourceOut(id=s.pk, enterprise_id=s.enterprise_id, enterprise_name=s.enterprise.name, name=s.name,
                         system=s.system, system_label=s.get_system_display(), key_id=s.key_id, active=s.active,
                         secret_issued_at=s.secret_issued_at, last_seen_at=s.last_seen_at)


class SourceWithSecret(SourceOut):
    secret: str = Field(..., description="签名密钥：只在登记或更换时显示这一次，请立即配置到监测系统")


class SourceIn(InputSchema):
    name: str = Field(..., max_length=80, description="系统名称，如「罐区 GDS 可燃气体检测系统」")
    system: str = Field(..., description="gds / dcs / sis / other")


class SourceActiveIn(InputSchema):
    active: bool


@router.get("/sources", response=list[SourceOut], summary="监测系统接入（企业本企业，县区本辖区；不含密钥）")
def source_list(request: AuthenticatedRequest) -> list[SourceOut]:
    return [SourceOut.of(s) for s in alarm_queries.alarm_sources(request.user)[:200]]


@router.post("/sources", response={201: SourceWithSecret}, summary="登记监测系统接入（企业；返回只显示一次的密钥）")
def source_create(request: AuthenticatedRequest, payload: SourceIn) -> tuple[int, SourceWithSecret]:
    source, secret = alarms.alarm_source_create(actor=request.user, name=payload.name, system=payload.system)
    return 201, SourceWithSecret(**SourceOut.of(source).dict(), secret=secret)


def _source(request: AuthenticatedRequest, source_id: int) -> AlarmSource:
    try:
        return alarm_queries.get_alarm_source_for(request.user, source_id)
    except Http404:
        raise NotFound("监测系统接入不存在") from None


@router.post("/sources/{source_id}/rotate", response=SourceWithSecret,
             summary="更换签名密钥（企业；旧密钥立即失效，新密钥只显示一次）")
def source_rotate(request: AuthenticatedRequest, source_id: Id) -> SourceWithSecret:
    source = _source(request, source_id)
    secret = alarms.alarm_source_rotate(actor=request.user, source=source)
    return SourceWithSecret(**SourceOut.of(source).dict(), secret=secret)


@router.post("/sources/{source_id}/active", response=SourceOut, summary="停用或启用监测系统接入（企业）")
def source_active(request: AuthenticatedRequest, source_id: Id, payload: SourceActiveIn) -> SourceOut:
    source = _source(request, source_id)
    return SourceOut.of(alarms.alarm_source_set_active(actor=request.user, source=source, active=payload.active))


@router.get("/{alarm_id}", response=AlarmOut, summary="报警详情")
def alarm_detail(request: AuthenticatedRequest, alarm_id: Id) -> AlarmOut:
    try:
        return AlarmOut.of(alarm_queries.get_alarm_for(request.user, alarm_id))
    except Http404:
        raise NotFound("报警不存在") from None
