from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.accounts.models import OrganisationKind
from bureau.assistance.models import (
    AgencyScope,
    AgencyStaff,
    AssessmentAgency,
    Course,
    Expert,
    ObservationBatch,
    ParkChecklistItem,
)
from bureau.assistance.reference import seed_scopes
from bureau.enterprises.models import ChemicalPark, Industry
from bureau.kernel.identifiers import make_id_number
from tests.factories import EnterpriseFactory, OrganisationFactory, make_user

ID_NUMBER = make_id_number("14080219850312204")  # a valid GB 11643 number (check digit computed)


def today() -> dt.date:
    return timezone.localdate()


def expert(name: str = "专家甲", *, user: bool = True, conflicts: tuple[Any, ...] = (), **extra: Any) -> Expert:
    """An expert of the pool, appointed for the years around today unless `term_*` say otherwise."""
    account = make_user(roles=["expert"], real_name=name) if user else None
    extra.setdefault("term_starts_on", today() - dt.timedelta(days=365))
    extra.setdefault("term_ends_on", today() + dt.timedelta(days=365))
    e = Expert.objects.create(user=account, name=name, specialty=extra.pop("specialty", "hazchem"), **extra)
    e.conflicts.add(*conflicts)
    return e


def park(region: str = "140802") -> ChemicalPark:
    return ChemicalPark.objects.create(code=f"T-{region}", name="测试化工园区", region_id=region)


def checklist(code: str = "TH-06", title: str = "有封闭化管理") -> ParkChecklistItem:
    """A row of the remediation checklist (seeded by the migration; created here when the test database has none)."""
    row, _ = ParkChecklistItem.objects.get_or_create(code=code, defaults={
        "group": "two_bans" if code.startswith("TB") else "ten_haves", "title": title, "source": "化工园区安全整治提升“十有两禁”",
        "effective_from": dt.date(2022, 1, 1)})
    return row


def batch(pilot: Any, capacity: int = 1) -> ObservationBatch:
    return ObservationBatch.objects.create(year=today().year, title="第一批观摩", pilot=pilot,
                                           visit_on=today() + dt.timedelta(days=10), capacity=capacity,
                                           signup_closes_on=today() + dt.timedelta(days=5))


def course(capacity: int = 1) -> Course:
    return Course.objects.create(title="工伤预防培训第一期", starts_on=today() + dt.timedelta(days=10),
                                 ends_on=today() + dt.timedelta(days=11), hours=16, location="培训中心",
                                 capacity=capacity, enrol_closes_on=today() + dt.timedelta(days=5))


def held(record: Any, *, days_ago: int = 0) -> Any:
    """Move a course or an observation batch so that it took place `days_ago` days ago (its sign-up closed before):
    enrolments and sign-ups are taken while it is upcoming, attendance once it has happened."""
    day = today() - dt.timedelta(days=days_ago)
    if isinstance(record, Course):
        Course.objects.filter(pk=record.pk).update(starts_on=day, ends_on=day, enrol_closes_on=day)
    else:
        ObservationBatch.objects.filter(pk=record.pk).update(visit_on=day, signup_closes_on=day)
    record.refresh_from_db()
    return record


def agency(scopes: tuple[str, ...] = ("chemicals", "metal_mining")) -> tuple[AssessmentAgency, Any, list[AgencyStaff]]:
    """An agency licensed for 危化 and mines (by default), its account and three evaluators."""
    org = OrganisationFactory(code="AG-T1", name="测试评价公司", kind=OrganisationKind.AGENCY, region_id=None)
    a = AssessmentAgency.objects.create(organisation=org, name=org.name, uscc="91140100MA0AGT001",
                                        qualification_number="APJ-1", qualification_valid_until=today() + dt.timedelta(days=300))
    seed_scopes(AgencyScope)
    a.scopes.set(AgencyScope.objects.filter(code__in=scopes))
    user = make_user(roles=["agency"], organisation=org)
    staff = [AgencyStaff.objects.create(agency=a, name=n, certificate_number=f"S{i}") for i, n in enumerate("甲乙丙")]
    return a, user, staff


def hazchem_enterprise(region: str = "140802") -> Any:
    return EnterpriseFactory(region_id=region, industry=Industry.HAZCHEM_PRODUCTION)


def pdf(name: str = "论证报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test file", content_type="application/pdf")


def materials(process: Any, actor: Any) -> None:
    """Upload the three materials a first-use request needs before it is submitted."""
    from bureau.assistance import services

    for purpose in ("report", "pilot", "reaction"):
        services.first_use_upload(actor=actor, item=process, purpose=purpose, files=[pdf(f"{purpose}.pdf")])
def report_pdf(name: str = "report.pdf") -> Any:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")
