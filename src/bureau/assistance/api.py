"""Proactive-service endpoints: expert checkups (the expert's mobile client records findings here)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from ninja import File, Router, Schema
from ninja.files import UploadedFile

from bureau.accounts.http import AuthenticatedRequest
from bureau.assistance import observation_api, services
from bureau.assistance.api_processes import routers as process_routers
from bureau.assistance.models import Checkup, CheckupFinding
from bureau.assistance.workflow import checkup_workflow
from bureau.kernel.errors import NotFound
from bureau.kernel.schemas import Day, Id, InputSchema, Text

router = Router(tags=["主动服务"])


class CheckupOut(Schema):
    id: int
    number: str
    enterprise_name: str
    region_code: str
    specialty: str
    state: str
    state_label: str
    planned_on: dt.date | None
    findings: int


class FindingIn(InputSchema):
    title: str
    location: str = ""
    grade: str = "general"
    major_criterion: str = ""
    suggestion: Text = ""
    deadline: Day | None = None


class FindingOut(Schema):
    id: int
    title: str
    grade: str


class PhotoOut(Schema):
    id: int
    name: str
    sha256: str
    size: int


def _out(c: Checkup) -> CheckupOut:
    return CheckupOut(id=c.pk, number=c.number, enterprise_name=c.enterprise.name, region_code=c.region_id,
                      specialty=c.specialty, state=c.state, state_label=checkup_workflow.state_label(c.state),
                      planned_on=c.planned_on,
                      findings=c.finding_count if hasattr(c, "finding_count") else c.findings.count())


def _checkup(request: AuthenticatedRequest, checkup_id: Id) -> Checkup:
    checkup = Checkup.objects.restrict(request.user).select_related("enterprise").filter(pk=checkup_id).first()
    if checkup is None:
        raise NotFound("体检不存在或无权查看")
    return checkup


@router.get("/checkups", response=list[CheckupOut], summary="安全体检（专家：指派给自己的；监管部门：辖区内）")
def checkup_list(request: AuthenticatedRequest, state: str | None = None) -> list[CheckupOut]:
    qs = (Checkup.objects.restrict(request.user).select_related("enterprise")
          .annotate(finding_count=Count("findings")).order_by("-requested_on", "-id"))
    if state:
        qs = qs.filter(state=state)
    return [_out(c) for c in qs[:100]]


@router.get("/checkups/{checkup_id}", response=CheckupOut, summary="安全体检详情")
def checkup_detail(request: AuthenticatedRequest, checkup_id: Id) -> CheckupOut:
    return _out(_checkup(request, checkup_id))


@router.post("/checkups/{checkup_id}/findings", response={201: FindingOut}, summary="专家记录体检发现的问题")
def finding_create(request: AuthenticatedRequest, checkup_id: Id, payload: FindingIn) -> tuple[int, FindingOut]:
    finding = services.finding_add(actor=request.user, checkup=_checkup(request, checkup_id), **payload.dict())
    return 201, FindingOut(id=finding.pk, title=finding.title, grade=finding.grade)


@router.post("/checkups/{checkup_id}/findings/{finding_id}/photos", response={201: list[PhotoOut]},
             summary="专家上传体检问题的现场照片（multipart，字段 photos，可多张）")
def finding_photos(request: AuthenticatedRequest, checkup_id: Id, finding_id: Id,
                   photos: File[list[UploadedFile]]) -> tuple[int, list[PhotoOut]]:
    checkup = _checkup(request, checkup_id)
    finding = CheckupFinding.objects.filter(pk=finding_id, checkup=checkup).first()
    if finding is None:
        raise NotFound("问题不存在")
    saved = services.finding_add_photos(actor=request.user, finding=finding, photos=photos)
    return 201, [PhotoOut(id=a.pk, name=a.original_name, sha256=a.sha256, size=a.size) for a in saved]


routers = [("v1/assistance/observations", observation_api.router, "observations"),
           ("v1/assistance", router, "checkups"), *process_routers]
