"""Endpoints of the chemical parks (III.3), first-use processes (III.4) and work-injury courses (III.7): the
park committee's and the bureau's clients report progress with files and record project-admission reviews, the
enterprise uploads a demonstration's materials, the province forms the panel and concludes, the course's
organisers record attendance per session. Mounted by `assistance.api` (`routers`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, File, Form, Router, Schema
from ninja.files import UploadedFile

from bureau.accounts.http import AuthenticatedRequest
from bureau.assistance import services
from bureau.assistance.models import (
    Course,
    CourseSession,
    Enrolment,
    Expert,
    FirstUseProcess,
    ParkAdmission,
    ParkChecklistItem,
    ParkRemediationItem,
)
from bureau.assistance.workflow import enrolment_workflow, first_use_workflow, park_item_workflow
from bureau.enterprises.models import ChemicalPark, Enterprise
from bureau.kernel.errors import DomainError, NotFound
from bureau.kernel.schemas import Day, Id, InputSchema, Text

# a session lasts hours within one day: the schema bounds the number, the service checks the course's rules
Hours = Annotated[int, Field(ge=0, le=24)]

parks = Router(tags=["主动服务：化工园区"])
first_use = Router(tags=["主动服务：首次使用化工工艺论证"])
courses = Router(tags=["主动服务：工伤预防培训"])


# -- chemical parks (III.3) ------------------------------------------------------------------------------------


class ParkOut(Schema):
    id: int
    code: str
    name: str
    region_code: str
    safety_risk_grade: str
    committee: str | None


class ParkEnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    industry: str


class ChecklistOut(Schema):
    id: int
    code: str
    group: str
    title: str
    source: str
    effective_from: dt.date


class ParkItemOut(Schema):
    id: int
    park_id: int
    checklist_code: str | None
    category: str
    title: str
    responsible: str
    deadline: dt.date
    status: str
    status_label: str
    percent: int

    @staticmethod
    def of(i: ParkRemediationItem) -> ParkItemOut:
        return ParkItemOut(id=i.pk, park_id=i.park_id,
                           checklist_code=i.checklist_item.code if i.checklist_item_id and i.checklist_item else None,
                           category=i.category, title=i.title, responsible=i.responsible, deadline=i.deadline,
                           status=i.status, status_label=park_item_workflow.state_label(i.status), percent=i.percent)


class ParkItemIn(InputSchema):
    checklist_code: str
    responsible: str
    deadline: Day
    title: str = ""


class ProgressOut(Schema):
    id: int
    on: dt.date
    percent: int
    note: str
    files: list[str]


class AdmissionIn(InputSchema):
    project: str
    investor: str
    products: str
    key_processes: str = ""
    reviewed_on: Day
    conclusion: Literal["agreed", "conditional", "refused"]
    opinion: Text
    reviewers: str


class AdmissionOut(Schema):
    id: int
    park_id: int
    project: str
    investor: str
    reviewed_on: dt.date
    conclusion: str
    conclusion_label: str
    opinion: str

    @staticmethod
    def of(a: ParkAdmission) -> AdmissionOut:
        return AdmissionOut(id=a.pk, park_id=a.park_id, project=a.project, investor=a.investor,
                            reviewed_on=a.reviewed_on, conclusion=a.conclusion,
                            conclusion_label=a.get_conclusion_display(), opinion=a.opinion)


def _park(request: AuthenticatedRequest, park_id: Id) -> ChemicalPark:
    park = ChemicalPark.objects.restrict(request.user).filter(pk=park_id).first()
    if park is None:
        raise NotFound("化工园区不存在或不在您的管辖范围内")
    return park


def _item(request: AuthenticatedRequest, item_id: Id) -> ParkRemediationItem:
    item = ParkRemediationItem.objects.restrict(request.user).select_related("checklist_item").filter(pk=item_id).first()
    if item is None:
        raise NotFound("整治事项不存在或不在您的管辖范围内")
    return item


@parks.get("/checklist", response=list[ChecklistOut], summary="化工园区整治提升清单（十有两禁，含依据）")
def checklist(request: AuthenticatedRequest) -> list[ChecklistOut]:
    return [ChecklistOut(id=c.pk, code=c.code, group=c.group, title=c.title, source=c.source,
                         effective_from=c.effective_from) for c in ParkChecklistItem.objects.filter(active=True)]


@parks.get("", response=list[ParkOut], summary="化工园区（监管部门：辖区内；园区管理机构：本园区）")
def park_list(request: AuthenticatedRequest) -> list[ParkOut]:
    rows = ChemicalPark.objects.restrict(request.user).select_related("committee")[:200]
    return [ParkOut(id=p.pk, code=p.code, name=p.name, region_code=p.region_id, safety_risk_grade=p.safety_risk_grade,
                    committee=p.committee.name if p.committee else None) for p in rows]


@parks.get("/enterprises", response=list[ParkEnterpriseOut], summary="入园企业（park_id：园区）")
def park_enterprises(request: AuthenticatedRequest, park_id: Id) -> list[ParkEnterpriseOut]:
    park = _park(request, park_id)
    rows = Enterprise.objects.restrict(request.user).filter(chemical_park=park).order_by("name")[:500]
    return [ParkEnterpriseOut(id=e.pk, uscc=e.uscc, name=e.name, industry=e.industry) for e in rows]


@parks.get("/items", response=list[ParkItemOut], summary="园区整治提升事项（park_id：园区）")
def park_items(request: AuthenticatedRequest, park_id: Id) -> list[ParkItemOut]:
    park = _park(request, park_id)
    rows = ParkRemediationItem.objects.restrict(request.user).filter(park=park).select_related("checklist_item")
    return [ParkItemOut.of(i) for i in rows[:200]]


@parks.post("/{park_id}/items", response={201: ParkItemOut},
            summary="登记整治事项（从整治提升清单选择；完成时限不能早于今天）")
def park_item_create(request: AuthenticatedRequest, park_id: Id, payload: ParkItemIn) -> tuple[int, ParkItemOut]:
    row = ParkChecklistItem.objects.filter(code=payload.checklist_code, active=True).first()
    if row is None:
        raise DomainError("整治提升清单中没有该编号", field="checklist_code")
    item = services.park_item_create(actor=request.user, park=_park(request, park_id), checklist_item=row,
                                     responsible=payload.responsible, deadline=payload.deadline, title=payload.title)
    return 201, ParkItemOut.of(item)


@parks.post("/items/{item_id}/progress", response={201: ProgressOut},
            summary="填报整治进展（multipart：percent、note、on，可附 files）",
            description="园区管理机构填报本园区事项，监管部门填报辖区内事项；进度不能低于上次，日期不能晚于今天。")
def park_progress(request: AuthenticatedRequest, item_id: Id, percent: Form[int], note: Form[str],
                  on: Form[dt.date | None] = None,
                  files: File[list[UploadedFile] | None] = None) -> tuple[int, ProgressOut]:
    item = _item(request, item_id)
    progress = services.park_progress_add(actor=request.user, item=item, percent=percent, note=note, on=on,
                                          files=files or [])
    saved = services.progress_files(item).get(progress.pk, [])
    return 201, ProgressOut(id=progress.pk, on=progress.on, percent=progress.percent, note=progress.note,
                            files=[a.original_name for a in saved])


@parks.get("/admissions", response=list[AdmissionOut], summary="项目引进安全审查记录（park_id：园区）")
def admission_list(request: AuthenticatedRequest, park_id: Id) -> list[AdmissionOut]:
    park = _park(request, park_id)
    return [AdmissionOut.of(a) for a in ParkAdmission.objects.restrict(request.user).filter(park=park)[:200]]


@parks.post("/{park_id}/admissions", response={201: AdmissionOut},
            summary="登记项目引进安全审查（园区管理机构或辖区监管部门）")
def admission_create(request: AuthenticatedRequest, park_id: Id, payload: AdmissionIn) -> tuple[int, AdmissionOut]:
    admission = services.park_admission_record(actor=request.user, park=_park(request, park_id), **payload.dict())
    return 201, AdmissionOut.of(admission)


# -- first-use processes (III.4) -------------------------------------------------------------------------------


class FirstUseOut(Schema):
    id: int
    number: str
    process_name: str
    enterprise_name: str
    state: str
    state_label: str
    licensing_number: str | None
    materials: dict[str, int]
    panel: list[str]
    conclusion: str
    conclusion_document_id: int | None

    @staticmethod
    def of(x: FirstUseProcess) -> FirstUseOut:
        counts = {purpose: 0 for purpose in FirstUseProcess.MATERIALS}
        for purpose in x.attachments().values_list("purpose", flat=True):
            if purpose in counts:
                counts[purpose] += 1
        document = x.documents().filter(kind="first_use_conclusion").order_by("-id").first()
        application = x.licensing_application
        return FirstUseOut(
            id=x.pk, number=x.number, process_name=x.process_name, enterprise_name=x.enterprise.name,
            state=x.state, state_label=first_use_workflow.state_label(x.state),
            licensing_number=application.number if application is not None else None, materials=counts,
            panel=[f"{m.expert.name}{'（组长）' if m.is_leader else ''}" for m in x.panel.select_related("expert")],
            conclusion=x.conclusion, conclusion_document_id=document.pk if document else None)


class FirstUseIn(InputSchema):
    process_name: str
    project: str
    description: Text
    licensing_number: str = ""


class PanelIn(InputSchema):
    expert_ids: list[Id]
    leader_id: Id


class FirstUseActionIn(InputSchema):
    note: Text = ""
    meeting_on: Day | None = None


def _first_use(request: AuthenticatedRequest, item_id: Id) -> FirstUseProcess:
    item = (FirstUseProcess.objects.restrict(request.user).select_related("enterprise", "licensing_application")
            .filter(pk=item_id).first())
    if item is None:
        raise NotFound("论证申请不存在或无权查看")
    return item


@first_use.get("", response=list[FirstUseOut], summary="首次使用化工工艺论证申请")
def first_use_list(request: AuthenticatedRequest) -> list[FirstUseOut]:
    rows = FirstUseProcess.objects.restrict(request.user).select_related("enterprise", "licensing_application")
    return [FirstUseOut.of(x) for x in rows[:50]]


@first_use.post("", response={201: FirstUseOut}, summary="企业填报论证申请（可关联建设项目安全审查办件编号）")
def first_use_create(request: AuthenticatedRequest, payload: FirstUseIn) -> tuple[int, FirstUseOut]:
    return 201, FirstUseOut.of(services.first_use_create(actor=request.user, **payload.dict()))


@first_use.get("/{item_id}", response=FirstUseOut, summary="论证申请详情")
def first_use_detail(request: AuthenticatedRequest, item_id: Id) -> FirstUseOut:
    return FirstUseOut.of(_first_use(request, item_id))


@first_use.post("/{item_id}/materials/{purpose}", response={201: FirstUseOut},
                summary="企业上传论证材料（report 论证报告、pilot 中试数据、reaction 反应安全风险评估报告；multipart files）")
def first_use_upload(request: AuthenticatedRequest, item_id: Id, purpose: Literal["report", "pilot", "reaction"],
                     files: File[list[UploadedFile]]) -> tuple[int, FirstUseOut]:
    item = _first_use(request, item_id)
    services.first_use_upload(actor=request.user, item=item, purpose=purpose, files=files)
    return 201, FirstUseOut.of(item)


@first_use.post("/{item_id}/panel", response=FirstUseOut, summary="组成论证专家组（省厅、市局科室负责人）")
def first_use_panel(request: AuthenticatedRequest, item_id: Id, payload: PanelIn) -> FirstUseOut:
    item = _first_use(request, item_id)
    experts = {e.pk: e for e in Expert.objects.filter(pk__in=[*payload.expert_ids, payload.leader_id])}
    if len(experts) < len(set(payload.expert_ids) | {payload.leader_id}):
        raise DomainError("专家不存在", field="expert_ids")
    services.first_use_panel(actor=request.user, item=item, experts=[experts[i] for i in payload.expert_ids],
                             leader=experts[payload.leader_id])
    return FirstUseOut.of(item)


@first_use.post("/{item_id}/actions/{action}", response=FirstUseOut,
                summary="办理：submit 提交市局 / forward 报送省厅 / return 退回补充 / pass 论证通过 / fail 论证未通过",
                description="pass/fail 须有论证会日期和结论，并生成论证结论文书（PDF）。")
def first_use_action(request: AuthenticatedRequest, item_id: Id,
                     action: Literal["submit", "forward", "return", "pass", "fail"],
                     payload: FirstUseActionIn) -> FirstUseOut:
    item = _first_use(request, item_id)
    services.first_use_transition(actor=request.user, item=item, action=action, note=payload.note,
                                  meeting_on=payload.meeting_on)
    return FirstUseOut.of(item)


# -- work-injury prevention courses (III.7) --------------------------------------------------------------------


class SessionOut(Schema):
    id: int
    on: dt.date
    topic: str
    hours: int


class SessionIn(InputSchema):
    on: Day
    topic: str
    hours: Hours


class EnrolIn(InputSchema):
    trainee_name: str
    post: Literal["principal", "safety_manager", "team_leader"]
    id_number: str
    phone: str


class EnrolmentOut(Schema):
    id: int
    course_id: int
    trainee_name: str
    enterprise_name: str
    id_number: str  # masked (the trainee's own account sees it whole on the page)
    phone: str  # masked
    status: str
    status_label: str
    hours_attended: int
    certificate_number: str

    @staticmethod
    def of(e: Enrolment) -> EnrolmentOut:
        return EnrolmentOut(id=e.pk, course_id=e.course_id, trainee_name=e.trainee_name,
                            enterprise_name=e.enterprise.name, id_number=e.id_number_masked, phone=e.phone_masked,
                            status=e.status, status_label=enrolment_workflow.state_label(e.status),
                            hours_attended=sum(a.hours for a in e.attendance.all() if a.present),
                            certificate_number=e.certificate_number)


class AttendanceIn(InputSchema):
    enrolment_id: Id
    present: bool
    hours: Hours | None = None


def _course(request: AuthenticatedRequest, course_id: Id) -> Course:
    course = Course.objects.restrict(request.user).filter(pk=course_id).first()
    if course is None:
        raise NotFound("培训班不存在")
    return course


def _enrolment(request: AuthenticatedRequest, enrolment_id: Id) -> Enrolment:
    enrolment = (Enrolment.objects.restrict(request.user).select_related("course", "enterprise")
                 .filter(pk=enrolment_id).first())
    if enrolment is None:
        raise NotFound("报名记录不存在或无权查看")
    return enrolment


@courses.get("/sessions", response=list[SessionOut], summary="培训班的课次（course_id：培训班）")
def session_list(request: AuthenticatedRequest, course_id: Id) -> list[SessionOut]:
    return [SessionOut(id=s.pk, on=s.on, topic=s.topic, hours=s.hours)
            for s in _course(request, course_id).sessions.all()]


@courses.post("/{course_id}/sessions", response={201: SessionOut}, summary="安排课次（监管部门）")
def session_create(request: AuthenticatedRequest, course_id: Id, payload: SessionIn) -> tuple[int, SessionOut]:
    s = services.course_session_add(actor=request.user, course=_course(request, course_id), **payload.dict())
    return 201, SessionOut(id=s.pk, on=s.on, topic=s.topic, hours=s.hours)


@courses.get("/enrolments", response=list[EnrolmentOut],
             summary="报名学员（course_id：培训班；监管部门：辖区企业；联合主办的人社部门：本班；企业：本企业）")
def enrolment_list(request: AuthenticatedRequest, course_id: Id) -> list[EnrolmentOut]:
    course = _course(request, course_id)
    rows = (Enrolment.objects.restrict(request.user).filter(course=course).select_related("enterprise")
            .prefetch_related("attendance"))
    return [EnrolmentOut.of(e) for e in rows[:500]]


@courses.post("/{course_id}/enrolments", response={201: EnrolmentOut},
              summary="企业为重点人员报名（身份证号码按 GB 11643 校验，手机号码须有效）")
def enrolment_create(request: AuthenticatedRequest, course_id: Id, payload: EnrolIn) -> tuple[int, EnrolmentOut]:
    e = services.course_enrol(actor=request.user, course=_course(request, course_id), **payload.dict())
    return 201, EnrolmentOut.of(e)


@courses.post("/sessions/{session_id}/attendance", response=EnrolmentOut,
              summary="登记一名学员一次课的出勤和学时（监管部门、联合主办的人社部门）")
def session_attendance(request: AuthenticatedRequest, session_id: Id, payload: AttendanceIn) -> EnrolmentOut:
    enrolment = _enrolment(request, payload.enrolment_id)
    session = CourseSession.objects.filter(pk=session_id, course_id=enrolment.course_id).first()
    if session is None:
        raise NotFound("课次不存在")
    services.session_attendance(actor=request.user, session=session, enrolment=enrolment, present=payload.present,
                                hours=payload.hours)
    return EnrolmentOut.of(_enrolment(request, payload.enrolment_id))


@courses.post("/enrolments/{enrolment_id}/certify", response=EnrolmentOut,
              summary="出具结业证明（出勤全部课次，最后一次课之日起；PDF 加盖主办和联合主办单位印章）")
def enrolment_certify(request: AuthenticatedRequest, enrolment_id: Id) -> EnrolmentOut:
    enrolment = _enrolment(request, enrolment_id)
    services.course_certify(actor=request.user, enrolment=enrolment)
    return EnrolmentOut.of(_enrolment(request, enrolment_id))


routers = [("v1/assistance/parks", parks, "parks"), ("v1/assistance/first-use", first_use, "first_use"),
           ("v1/assistance/courses", courses, "courses")]
