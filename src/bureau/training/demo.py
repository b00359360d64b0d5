"""Demo data of training and exams: city-run and province-run plans, registrations (person1's own, a waiting list
moved up by a cancellation), results and certificates, each registration with its timeline."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from bureau.accounts.models import User
from bureau.kernel.registry import register_demo
from bureau.training import services
from bureau.training.models import ExamPlan, JobType


@register_demo("training", order=41)
def load(ctx: Any) -> None:
    from bureau.enterprises.demo import id_number, mobile, person_name

    rng = ctx.rng
    today = timezone.localdate()
    clerk = User.objects.get(username="city_licensing")
    jobs = {j.code: j for j in JobType.objects.all()}
    upcoming = services.plan_create(actor=clerk, job_type=jobs["elec_low"], exam_date=today + dt.timedelta(days=30),
                                    venue="运城市安全生产培训考试中心（盐湖区学苑路）", capacity=40,
                                    registration_closes=today + dt.timedelta(days=20), region_id="140800")
    services.plan_create(actor=clerk, job_type=jobs["weld"], exam_date=today + dt.timedelta(days=45),
                         venue="运城市安全生产培训考试中心", capacity=30,
                         registration_closes=today + dt.timedelta(days=35), region_id="140800")
    services.plan_create(actor=clerk, job_type=jobs["hazchem_hydrogenation"], exam_date=today + dt.timedelta(days=60),
                         venue="太原市（山西省安全生产考试中心）", capacity=10,
                         registration_closes=today + dt.timedelta(days=40), region_id="140800",
                         provincial_note="省应急管理厅统一组织，考试时间以晋应急培〔2026〕号通知为准")
    services.plan_create(actor=clerk, job_type=jobs["principal_coal"], exam_date=today + dt.timedelta(days=75),
                         venue="太原市（山西省安全生产考试中心）", capacity=20,
                         registration_closes=today + dt.timedelta(days=50), region_id="140800",
                         provincial_note="煤矿企业主要负责人考核由省应急管理厅组织，本市报名后统一报送")
    for _ in range(12):
        services.registration_create(actor=None, plan=upcoming, name=person_name(rng), id_number=id_number(rng),
                                     phone=mobile(rng), enterprise_name="运城市河东化工贸易有限公司")
    # person1 registers for the welding exam (我的报名: the registration, its timeline and 取消报名)
    person = User.objects.filter(username="person1").first()
    welding = ExamPlan.objects.filter(job_type=jobs["weld"]).order_by("-id").first()
    if person is not None and welding is not None and person.id_number:
        services.registration_create(actor=person, plan=welding, name=person.real_name.split()[-1],
                                     id_number=person.id_number, phone=person.phone or mobile(rng),
                                     enterprise_name="运城市河东化工贸易有限公司")
    # a small provincial sitting: full, one on the waiting list moved up when a candidate cancels
    small = services.plan_create(actor=clerk, job_type=jobs["mine_blasting"], exam_date=today + dt.timedelta(days=50),
                                 venue="太原市（山西省安全生产考试中心）", capacity=2,
                                 registration_closes=today + dt.timedelta(days=30), region_id="140800",
                                 provincial_note="省应急管理厅统一组织，本市报名后统一报送")
    seated = [services.registration_create(actor=None, plan=small, name=person_name(rng), id_number=id_number(rng),
                                           phone=mobile(rng)) for _ in range(3)]
    services.registration_cancel(actor=clerk, registration=seated[0])  # the third (waiting) takes the seat
    # a past sitting with results (passing ones received certificates)
    past = services.plan_create(actor=clerk, job_type=jobs["height_scaffold"], exam_date=today,
                                venue="运城市安全生产培训考试中心", capacity=10, registration_closes=today,
                                region_id="140800")
    for i in range(6):
        reg = services.registration_create(actor=None, plan=past, name=person_name(rng), id_number=id_number(rng),
                                           phone=mobile(rng))
        services.result_record(actor=clerk, registration=reg, score=rng.choice([92, 85, 78, 88, 95, 64]) if i else 90)
