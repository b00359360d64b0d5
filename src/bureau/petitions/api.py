"""12345 hotline import (the hotline platform pushes tickets with a token holding `petitions:hotline`)."""


import datetime as dt

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from bureau.accounts.tokens import TokenAuth, shared
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.schemas import InputSchema, Text
from bureau.petitions import queries, services
from bureau.petitions.models import Petition, PetitionCategory, Urgency
from bureau.petitions.workflow import PETITION

router = Router(tags=["诉求办理"], auth=TokenAuth())


class HotlineTicketIn(InputSchema):
    ref: str
    category: str
    urgency: str = Urgency.NORMAL
    title: str
    content: Text
    region: str
    petitioner_name: str = ""
    petitioner_phone: str = ""
    enterprise_name: str = ""
    real_name: bool = True
    received_at: dt.datetime | None = None


class HotlineTicketOut(Schema):
    created: bool
    number: str
    code: str | None = None
    state: str


@router.post("/hotline", response={200: HotlineTicketOut, 201: HotlineTicketOut},
             summary="12345热线工单导入（petitions:hotline）；同一工单号重复推送不会重复受理")
@shared("petitions:hotline")
def hotline_import(request: HttpRequest, ticket: HotlineTicketIn):  # type: ignore[no-untyped-def]
    ref = ticket.ref.strip()
    if not ref or len(ref) > 40:
        raise DomainError("工单号无效", field="ref")
    existing = Petition.objects.filter(hotline_ref=ref).first()
    if existing is not None:
        return 200, HotlineTicketOut(created=False, number=existing.number, state=existing.state)
    category = PetitionCategory.objects.filter(code=ticket.category, is_active=True).first()
    if category is None:
        raise DomainError(f"诉求类别无效：{ticket.category}", field="category")
    petition, code = services.petition_submit(
        actor=request.user, channel="hotline", category=category, urgency=ticket.urgency, title=ticket.title,
        content=ticket.content, region_id=ticket.region, petitioner_name=ticket.petitioner_name,
        petitioner_phone=ticket.petitioner_phone, enterprise_name=ticket.enterprise_name,
        real_name=ticket.real_name, hotline_ref=ref, received_at=ticket.received_at, hotline_client=request.user)  # type: ignore[arg-type]  # TokenAuth: a User
    return 201, HotlineTicketOut(created=True, number=petition.number, code=code, state=petition.state)


class HotlineTicketState(Schema):
    ref: str
    number: str
    state: str
    state_label: str
    due_on: dt.date | None
    reply: str | None = None
    replied_at: dt.datetime | None = None


@router.get("/hotline/{ref}", response=HotlineTicketState,
            summary="12345平台按本平台工单号回读办理状态、期限和答复（petitions:hotline；只能读本平台推送的工单）")
@shared("petitions:hotline")
def hotline_ticket(request: HttpRequest, ref: str):  # type: ignore[no-untyped-def]
    petition = queries.hotline_ticket(request.user, ref)
    if petition is None:
        raise NotFound("工单不存在")
    replied = petition.replied_at is not None
    return HotlineTicketState(
        ref=petition.hotline_ref or "", number=petition.number, state=petition.state,
        state_label=PETITION.state_label(petition.state),
        due_on=timezone.localdate(petition.due_at) if petition.due_at else None,
        reply=petition.reply if replied else None, replied_at=petition.replied_at if replied else None)


routers = [("v1/petitions", router, None)]
