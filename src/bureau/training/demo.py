"""Demo data of training and exams: city-run and province-run plans (with the province's notice numbers), 资格初审
(passed, returned with reasons, still waiting), the exchange with the province (registrants sent, receipts
imported), a waiting list moved up by a cancellation, a sitting with published results and certificates, and
person1's own registration (准考证) and 复审 application."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.utils import timezone
from openpyxl import Workbook

from bureau.accounts.models import User
from bureau.certificates.models import Certificate
from bureau.enterprises.models import Enterprise
from bureau.kernel.crypto import blind_index
from bureau.kernel.registry import register_demo
from bureau.training import rules, services
from bureau.training.models import ExamPlan, JobType, Registration


def _candidate_id(rng: Any, today: dt.date) -> str:
    """A demo ID number of working age (the 特种作业 rule refuses candidates over the retirement age)."""
    from bureau.enterprises.demo import id_number

    while True:
        number = id_number(rng)
        if 20 <= rules.age_on(services.birth_date(number), today) <= 58:
            return number


def _receipts(rows: list[list[Any]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["报名编号", "身份证号", "接收状态", "退回原因", "成绩"])
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@register_demo("training", order=41)
def load(ctx: Any) -> None:
    from bureau.enterprises.demo import mobile, person_name

    rng = ctx.rng
    today = timezone.localdate()
    clerk = User.objects.get(username="city_licensing")
    jobs = {j.code: j for j in JobType.objects.all()}

    def register(plan: ExamPlan, *, education: str = "senior", employer_uscc: str = "",
                 approve: bool = True) -> Registration:
        reg = services.registration_create(actor=None, plan=plan, name=person_name(rng),
                                           id_number=_candidate_id(rng, today), phone=mobile(rng),
                                           education=education, employer_uscc=employer_uscc,
                                           enterprise_name="运城市河东化工贸易有限公司" if not employer_uscc else "")
        return services.registration_approve(actor=clerk, registration=reg) if approve else reg

    # a city sitting in 30 days (the API's plan with a future exam): 9 passed 资格初审, 1 returned, 2 waiting
    upcoming = services.plan_create(actor=clerk, job_type=jobs["elec_low"], exam_date=today + dt.timedelta(days=30),
                                    venue="运城市安全生产培训考试中心（盐湖区学苑路）", capacity=40,
                                    registration_closes=today + dt.timedelta(days=20), region_id="140800")
    for _ in range(9):
        register(upcoming)
    returned = register(upcoming, education="junior", approve=False)
    services.registration_return(actor=clerk, registration=returned,
                                 reasons="上传的毕业证书与填报的文化程度不一致，请核对后重新报名")
    for _ in range(2):
        register(upcoming, approve=False)
    services.plan_create(actor=clerk, job_type=jobs["weld"], exam_date=today + dt.timedelta(days=45),
                         venue="运城市安全生产培训考试中心", capacity=30,
                         registration_closes=today + dt.timedelta(days=35), region_id="140800")
    services.plan_create(actor=clerk, job_type=jobs["hazchem_hydrogenation"], exam_date=today + dt.timedelta(days=60),
                         venue="太原市（山西省安全生产考试中心）", capacity=10,
                         registration_closes=today + dt.timedelta(days=40), region_id="140800",
                         provincial_note="省应急管理厅统一组织，考试时间以省厅通知为准",
                         provincial_notice_no="晋应急培〔2026〕18号")
    # 煤矿企业主要负责人 with the province (measure I.9): coal employers only; registrants sent, receipts back
    coal = services.plan_create(actor=clerk, job_type=jobs["principal_coal"], exam_date=today + dt.timedelta(days=75),
                                venue="太原市（山西省安全生产考试中心）", capacity=20,
                                registration_closes=today + dt.timedelta(days=50), region_id="140800",
                                provincial_note="煤矿企业主要负责人考核由省应急管理厅组织，本市报名后统一报送",
                                provincial_notice_no="晋应急培〔2026〕21号")
    mines = list(Enterprise.objects.filter(industry="coal").order_by("id")[:3])
    sent = [register(coal, employer_uscc=mine.uscc) for mine in mines]
    if sent:
        services.province_export(actor=clerk, plan=coal)
        rows = [[r.ticket_no, r.id_number, "已接收", "", ""] for r in sent[:-1]]
        rows.append([sent[-1].ticket_no, sent[-1].id_number, "退回", "安全生产知识和管理能力考核培训学时证明缺失", ""])
        batch = services.province_import_preview(actor=clerk, plan=coal, data=_receipts(rows),
                                                 filename="省厅回执-煤矿主要负责人.xlsx")
        services.province_import_confirm(actor=clerk, batch=batch)
    # person1 registers for the welding exam with the name the platform holds for their ID number; passed 资格初审
    person = User.objects.filter(username="person1").first()
    welding = ExamPlan.objects.filter(job_type=jobs["weld"]).order_by("-id").first()
    if person is not None and welding is not None and person.id_number:
        own = services.registration_create(actor=person, plan=welding, name=services.identity_name(person) or "谢春燕",
                                           id_number=person.id_number, phone=person.phone or mobile(rng),
                                           education="senior", enterprise_name="运城市河东化工贸易有限公司")
        services.registration_approve(actor=clerk, registration=own)
    # a small provincial sitting: full, one on the waiting list moved up when a candidate cancels
    small = services.plan_create(actor=clerk, job_type=jobs["mine_blasting"], exam_date=today + dt.timedelta(days=50),
                                 venue="太原市（山西省安全生产考试中心）", capacity=2,
                                 registration_closes=today + dt.timedelta(days=30), region_id="140800",
                                 provincial_note="省应急管理厅统一组织，本市报名后统一报送",
                                 provincial_notice_no="晋应急培〔2026〕25号")
    seated = [register(small, education="junior") for _ in range(3)]
    services.registration_cancel(actor=clerk, registration=seated[0])  # the third (waiting) takes the seat
    # a sitting held today: results entered and published (passing candidates received certificates)
    past = services.plan_create(actor=clerk, job_type=jobs["height_scaffold"], exam_date=today,
                                venue="运城市安全生产培训考试中心", capacity=10, registration_closes=today,
                                region_id="140800")
    for i in range(6):
        reg = register(past, education="junior")
        services.result_record(actor=clerk, registration=reg, score=rng.choice([92, 85, 78, 88, 95, 64]) if i else 90)
    services.plan_finish(actor=clerk, plan=ExamPlan.objects.get(pk=past.pk))
    # person1 applies online for the 复审 of the electrician's card the reminder announced (city_licensing decides)
    if person is not None and person.id_number:
        card = Certificate.objects.filter(holder_id_index=blind_index(person.id_number),
                                          action_kind="periodic_review").select_related("type").first()
        if card is not None:
            services.review_apply(actor=person, certificate=card, kind="periodic_review", training_hours=8,
                                  training_provider="运城市安全生产培训中心",
                                  training_finished_on=today - dt.timedelta(days=7), years_in_trade=6,
                                  clean_record=True)
