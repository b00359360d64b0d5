"""Demo data of proactive service: the expert pool (specialties, qualifications, terms — one ended — and expert2's
declared conflict with qiye's enterprise; expert1, expert2 with accounts), checkups at each step (qiye's finished one
with its team, findings, fees per expert and rating; one with a team drawn at random), chemical-park remediation items
from the province's checklist with dated progress, the 盐湖 park's committee (park_yanhu) reporting with a photo and
reviewing project admission, first-use process requests (one concluded with its panel and conclusion PDF), observation
batches (one held, with attendance; qiye_chem, a producer, signed up for the next), the safety-evaluation agency of
agency1 (licensed for 危化 and mines) with its reports and their files, a spot check and a randomly drawn one, and
work-injury prevention courses (one held, with attendance and certificates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.accounts.models import Organisation, OrganisationKind, Role, User
from bureau.accounts.roles import ENTERPRISE, PARK_COMMITTEE
from bureau.assistance import services
from bureau.assistance.models import (
    AgencyReport,
    AgencyScope,
    AgencyStaff,
    AssessmentAgency,
    Course,
    CourseSession,
    Enrolment,
    Expert,
    FirstUseProcess,
    ObservationBatch,
    ObservationPilot,
    ObservationSignup,
    ParkChecklistItem,
    ParkRemediationItem,
)
from bureau.assistance.reference import seed_scopes
from bureau.enterprises.models import ChemicalPark, Enterprise, Industry
from bureau.kernel.demo_photos import site_photo
from bureau.kernel.documents import Para, Signature, Spec, render_pdf
from bureau.kernel.identifiers import make_id_number, make_uscc
from bureau.kernel.management.commands.demo_load import demo_account
from bureau.kernel.registry import register_demo
from bureau.kernel.workflow import record_history
from bureau.licensing.queries import all_applications

EXPERTS = [  # name, main specialty, employer, title, secondary specialties, qualification
    ("张振国", "hazchem", "太原理工大学化工学院", "教授", ["process"], "注册安全工程师（化工安全）"),
    ("李建华", "hazchem", "山西焦化集团（退休）", "正高级工程师", ["fire"], "注册安全工程师（化工安全）"),
    ("王立新", "process", "山西省化工设计院", "正高级工程师", ["hazchem"], "注册化工工程师"),
    ("赵海燕", "mining", "山西省地质勘查局", "高级工程师", ["electrical"], "注册安全工程师（金属非金属矿山安全）"),
    ("刘文博", "metallurgy", "运城市特种设备检验所", "高级工程师", [], "注册安全工程师（金属冶炼安全）"),
    ("孙宏伟", "electrical", "国网运城供电公司", "高级工程师", [], "注册电气工程师"),
    ("陈晓东", "fire", "运城市消防救援支队（退休）", "高级工程师", [], "一级注册消防工程师"),
    ("马俊杰", "fireworks", "山西省烟花爆竹质检站", "工程师", [], "注册安全工程师（其他安全）"),
    ("郭春燕", "coal", "山西焦煤集团", "正高级工程师", [], "注册安全工程师（煤矿安全）"),
]
# rows of the province's checklist (十有两禁, seeded by migration 0005) with the park's own wording of the work
PARK_ITEMS = [
    ("TH-06", "园区封闭化管理和出入口智能卡口建设"), ("TH-08", "建设园区安全风险智能化管控平台"),
    ("TH-10", "建设园区消防站和应急物资储备库"), ("TB-01", "制定园区“禁限控”目录和项目安全准入条件"),
]
YANHU_PARK = "YC-P01"


@register_demo("assistance", order=45)
def load(ctx: Any) -> None:
    rng = ctx.rng
    today = timezone.localdate()
    qiye = User.objects.get(username="qiye")
    showcase = qiye.enterprise
    expert_user = User.objects.get(username="expert1")
    if showcase is None:
        raise LookupError("the demo account qiye acts for an enterprise (accounts demo)")
    inspector = User.objects.get(username="city_inspector")
    head = User.objects.get(username="city_head")

    term = {"term_starts_on": today - dt.timedelta(days=400), "term_ends_on": today + dt.timedelta(days=700)}
    expert1 = Expert.objects.create(user=expert_user, name="高振华", specialty="hazchem",
                                    secondary_specialties=["process", "electrical"], other_specialties="化工工艺、电气",
                                    qualification="注册安全工程师（化工安全）", employer="山西省安全生产专家库",
                                    title="正高级工程师", phone="13935900001", **term)
    expert2 = Expert.objects.create(user=User.objects.get(username="expert2"), name="林晓峰", specialty="hazchem",
                                    qualification="注册安全工程师（化工安全）", employer="运城市河东化工贸易有限公司（顾问）",
                                    title="高级工程师", phone="13935900002", **term)
    # a paid adviser of the showcase enterprise: declared with its reason, so he recuses
    services.expert_conflict_declare(actor=head, expert=expert2, enterprise=showcase, kind="adviser",
                                     reason="2025 年起任该企业有偿安全顾问")
    demo_account("expert2", "安全专家（qiye 企业的顾问：指派到该企业时须回避）")
    demo_account("province", "省应急管理厅（首次使用化工工艺论证）")
    pool: dict[str, Expert] = {}
    for name, specialty, employer, title, secondary, qualification in EXPERTS:
        pool[name] = Expert.objects.create(
            name=name, specialty=specialty, secondary_specialties=secondary, qualification=qualification,
            employer=employer, title=title, phone=f"139359{rng.randrange(10000, 99999)}", **term)
    # one whose appointment ended: shown in the pool, never assigned
    Expert.objects.create(name="周建平", specialty="hazchem", employer="运城市化工行业协会（原）", title="高级工程师",
                          qualification="注册安全工程师（化工安全）", term_starts_on=today - dt.timedelta(days=1500),
                          term_ends_on=today - dt.timedelta(days=30))

    # Checkups. The showcase enterprise's finished one: a 危化 team (leader of the specialty, an electrical member),
    # findings listed in the report, fees per expert, the enterprise's rating; then its new request.
    done = services.checkup_request(actor=qiye, specialty="hazchem", topics="全面安全体检：储罐区、装卸区、配电室")
    services.checkup_assign(actor=inspector, checkup=done, experts=[expert1, pool["孙宏伟"]], planned_on=today,
                            leader=expert1)
    services.finding_add(actor=expert_user, checkup=done, title="危化品仓库未设置可燃气体报警", location="甲类仓库",
                         basis="GB 50493-2019 第3.0.1条", suggestion="增设可燃气体检测报警器并接入控制室",
                         deadline=today + dt.timedelta(days=20), photos=[site_photo(f"{today:%Y-%m-%d} 14:05", 13)])
    services.finding_add(actor=expert_user, checkup=done, title="配电室电缆沟未封堵", location="配电室",
                         basis="GB 50058-2014", suggestion="用防火材料封堵电缆沟", deadline=today + dt.timedelta(days=10))
    services.finding_add(actor=expert_user, checkup=done, title="操作规程未及时修订", location="生产车间",
                         suggestion="按现行工艺修订操作规程并组织培训")
    services.checkup_submit(actor=expert_user, checkup=done, summary="整体受控，发现一般隐患 3 项")
    services.checkup_settle(actor=inspector, checkup=done, days={expert1.pk: 2, pool["孙宏伟"].pk: 1})
    services.checkup_rate(actor=qiye, checkup=done, level=5, comment="专家指出的问题具体，整改建议可操作")
    services.checkup_request(actor=qiye, specialty="hazchem", topics="储罐区自动化控制与可燃气体检测系统",
                             planned_on=today + dt.timedelta(days=7))
    yanhu = list(Enterprise.objects.filter(region_id="140802", industry=Industry.HAZCHEM_PRODUCTION)[:2]) or \
        list(Enterprise.objects.filter(region_id="140802").exclude(pk=showcase.pk)[:2])
    if yanhu:
        assigned = services.checkup_request(actor=inspector, enterprise=yanhu[0], specialty="hazchem",
                                            topics="重点监管危险化工工艺装置安全联锁")
        services.checkup_assign(actor=inspector, checkup=assigned, experts=[expert1, pool["王立新"]],
                                planned_on=today, leader=expert1)
        services.finding_add(actor=expert_user, checkup=assigned, title="反应釜温度联锁处于旁路状态",
                             location="合成车间", suggestion="恢复联锁投用，建立联锁摘除审批制度",
                             deadline=today + dt.timedelta(days=15),
                             photos=[site_photo(f"{today:%Y-%m-%d} 09:41", 11), site_photo(f"{today:%Y-%m-%d} 09:43", 12)])
    if len(yanhu) > 1:  # a team drawn at random from the 危化 experts in term and without conflict (seed recorded)
        drawn = services.checkup_request(actor=inspector, enterprise=yanhu[1], specialty="hazchem",
                                         topics="全面安全体检")
        services.checkup_draw_team(actor=inspector, checkup=drawn, planned_on=today + dt.timedelta(days=5), size=2)

    checklist = {row.code: row for row in ParkChecklistItem.objects.filter(code__in=[c for c, _ in PARK_ITEMS])}
    for park in ChemicalPark.objects.all():
        for j, (code, title) in enumerate(PARK_ITEMS):
            if code not in checklist:
                continue
            item = services.park_item_create(actor=head, park=park, checklist_item=checklist[code], title=title,
                                             responsible=f"{park.name[:8]}管委会",
                                             deadline=today + dt.timedelta(days=30 + 60 * j))
            percent = rng.choice([0, 30, 60, 100])
            if percent:  # two dated reports, the earlier one lower (progress never goes down)
                services.park_progress_add(actor=head, item=item, percent=percent // 2, note="完成方案编制和招标",
                                           on=today - dt.timedelta(days=20))
                services.park_progress_add(actor=head, item=item, percent=percent, note="按计划推进",
                                           on=today - dt.timedelta(days=3))

    _park_committee(ctx, today)
    producers = list(Enterprise.objects.filter(industry=Industry.HAZCHEM_PRODUCTION).order_by("region_id", "id")[:6])
    if producers:
        _first_use(today, qiye, head)
        _observations(ctx, today, producers, inspector)
    _courses(ctx, today, qiye, inspector)

    agency_org = Organisation.objects.get(code="AG-001")
    agency = AssessmentAgency.objects.create(
        organisation=agency_org, name=agency_org.name, uscc=make_uscc("91140100MA0AG0001"),
        qualification_number="APJ-（晋）-0123", qualification_valid_until=today + dt.timedelta(days=600),
        business_scope="危险化学品生产、储存；金属、非金属矿及其他矿采选业")
    seed_scopes(AgencyScope)  # shipped by a migration; a database built from the models (tests) has none yet
    agency.scopes.set(AgencyScope.objects.filter(code__in=["chemicals", "metal_mining"]))
    staff = [AgencyStaff.objects.create(agency=agency, name=n, certificate_number=f"S0110{rng.randrange(10000, 99999)}",
                                        specialty=s, phone=f"13803590{i:03d}")
             for i, (n, s) in enumerate([("罗海燕", "化工"), ("冯立新", "安全"), ("曹宇航", "电气"), ("彭雅琴", "机械")])]
    agency1 = User.objects.get(username="agency1")
    clients = list(Enterprise.objects.filter(industry__in=[Industry.HAZCHEM_PRODUCTION, Industry.HAZCHEM_USE])[:4])
    reports = []
    for i, client in enumerate(clients):
        kind = ["现状", "预", "验收", "现状"][i]
        title = f"{client.name}安全{kind}评价报告"
        number = f"JA-{today.year}-{i + 1:03d}"
        pdf = render_pdf(Spec(title=title, number=number, blocks=[
            Para(f"委托单位：{client.name}"), Para("评价结论：符合安全生产条件。"),
            Signature(agency.name, today - dt.timedelta(days=30 + i), seal=False)]))
        reports.append(services.report_file(
            actor=agency1, enterprise=client, kind=["status", "pre", "acceptance", "status"][i],
            report_number=number, title=title, issued_on=today - dt.timedelta(days=30 + i),
            conclusion="符合安全生产条件", signers=staff[:2 + i % 2],
            file=SimpleUploadedFile(f"{number}.pdf", pdf, content_type="application/pdf")))
    if len(reports) > 1:
        services.spot_check(actor=inspector, report=reports[1], result="minor", findings="危险有害因素辨识不全，未辨识粉尘爆炸")
        # the random spot check of the quarter: drawn with a recorded seed, its result recorded against the draw
        draw = services.spot_check_draw(actor=inspector, sample_size=1, issued_from=today - dt.timedelta(days=90),
                                        issued_to=today)
        drawn_report = AgencyReport.objects.get(pk=draw.selected[0])
        services.spot_check(actor=inspector, report=drawn_report, result="qualified", findings="", draw=draw)


def _observations(ctx: Any, today: dt.date, producers: list[Enterprise], inspector: User) -> None:
    """Measure III.5: batches for hazardous-chemical producers (rule assistance.observation_industries). A batch
    held 10 days ago with its attendance recorded; an open one the producer account qiye_chem signed up for;
    qiye (a trading company) is refused on the page."""
    pilot, others = producers[0], producers[1:]
    ObservationPilot.objects.create(
        enterprise=pilot, designated_on=dt.date(today.year - 1, 3, 15), document="晋应急函〔演示〕号",
        source="山西省应急管理厅确定的双重预防机制建设试点企业名单（演示数据，以正式文件为准）")
    held = ObservationBatch.objects.create(
        year=today.year, title="第一批：双重预防机制建设现场观摩", pilot=pilot, visit_on=today - dt.timedelta(days=10),
        mode="on_site", capacity=12, signup_closes_on=today - dt.timedelta(days=17))
    for k, enterprise in enumerate(others[:4]):
        # sign-ups of a batch whose window closed before the demo starts: entered as they were taken then
        signup = ObservationSignup.objects.create(batch=held, enterprise=enterprise,
                                                  attendees=f"安全总监、设备主管（{enterprise.name[:6]}）")
        record_history(signup, actor=None, action="signup", label="报名观摩", note=signup.attendees)
        services.observation_attendance(actor=inspector, signup=signup, attended=k != 2)  # on the visit day
    upcoming = None
    for k, (title, mode) in enumerate([("第二批：双重预防机制建设现场观摩", "on_site"), ("第三批：视频交流", "video")]):
        batch = ObservationBatch.objects.create(
            year=today.year, title=title, pilot=pilot, visit_on=today + dt.timedelta(days=14 + 30 * k), mode=mode,
            capacity=12, signup_closes_on=today + dt.timedelta(days=7 + 30 * k))
        upcoming = upcoming or batch
    producer = others[0] if others else pilot
    account = User(username="qiye_chem", real_name="企业 韩志强", enterprise=producer, password=make_password(ctx.password))
    account.save()
    account.roles.set(Role.objects.filter(code=ENTERPRISE))
    demo_account("qiye_chem", f"企业用户（{producer.name}，危化生产企业：可报名双重预防观摩）")
    if upcoming is not None and not ObservationSignup.objects.filter(batch=upcoming, enterprise=producer).exists():
        services.observation_signup(actor=account, batch=upcoming, attendees="韩志强、安全管理员 2 名")


def _park_committee(ctx: Any, today: dt.date) -> None:
    """Measure III.3: the 盐湖 park's management committee with its own account (park_yanhu): it reports progress
    with a photo and records a project-admission review; the park lists its enterprises."""
    park = ChemicalPark.objects.filter(code=YANHU_PARK).first()
    if park is None:
        return
    committee = Organisation.objects.create(code="YC-PK-01", name=f"{park.name}管理委员会", short_name="盐湖化工园区管委会",
                                            kind=OrganisationKind.DEPARTMENT, region_id=park.region_id)
    ChemicalPark.objects.filter(pk=park.pk).update(committee=committee)
    account = User(username="park_yanhu", real_name="园区管委会 张立军", organisation=committee,
                   password=make_password(ctx.password))
    account.save()
    account.roles.set(Role.objects.filter(code=PARK_COMMITTEE))
    demo_account("park_yanhu", "化工园区管理机构（盐湖化工园区：入园企业、整治进展带附件、项目引进安全审查）")
    item = (ParkRemediationItem.objects.restrict(account).filter(park=park).exclude(status="done")
            .order_by("deadline").first())
    if item is not None:
        services.park_progress_add(actor=account, item=item, percent=max(item.percent, 70),
                                   note="东、西出入口智能卡口已安装调试，园区围网完成 90%",
                                   files=[site_photo(f"{today:%Y-%m-%d} 10:12", 21)])
    services.park_admission_record(
        actor=account, park=park, project="年产 2 万吨电子级氢氟酸项目", investor="运城盐湖新材料科技有限公司",
        products="电子级氢氟酸；精馏提纯", key_processes="氟化工艺", reviewed_on=today - dt.timedelta(days=6),
        conclusion="conditional", opinion="符合园区产业定位和“禁限控”目录；须按重点监管危险化工工艺要求设置自动化控制"
        "和安全仪表系统，并在安全条件审查前完成反应安全风险评估。", reviewers="园区安全部、市应急管理局危化科、专家王立新")
    services.park_admission_record(
        actor=account, park=park, project="年产 3000 吨光气化产品项目", investor="某外省化工公司",
        products="异氰酸酯（光气化）", key_processes="光气及光气化工艺", reviewed_on=today - dt.timedelta(days=20),
        conclusion="refused", opinion="涉及光气，列入园区“禁限控”目录的禁止类，不同意引进。",
        reviewers="园区安全部、市应急管理局危化科")


def _material(title: str, text: str) -> Any:
    """A small real PDF standing in for an uploaded demonstration material."""
    return SimpleUploadedFile(f"{title}.pdf", render_pdf(Spec(title=title, authority="运城市河东化工贸易有限公司",
                                                              blocks=[Para(text)])),
                              content_type="application/pdf")


def _first_use(today: dt.date, qiye: User, head: User) -> None:
    """Measure III.4: a request concluded by the province (materials, panel, conclusion PDF, the licensing review
    it belongs to) and one forwarded, waiting for its panel."""
    province = User.objects.filter(username="province").first()
    x = services.first_use_create(actor=qiye, process_name="连续流微通道硝化工艺",
                                  project="年产 5000 吨精细化学品中间体项目",
                                  description="硝化反应（重点监管危险化工工艺），采用微通道连续流反应器，已完成中试")
    application = all_applications(qiye).order_by("id").first()
    if application is not None:  # the project's licensing review (the demo's application of the enterprise)
        FirstUseProcess.objects.filter(pk=x.pk).update(licensing_application=application)
    for purpose, title, text in [
            ("report", "安全可靠性论证报告", "微通道连续流硝化工艺安全可靠性论证报告（摘要）：反应热 -145 kJ/mol，持液量小于 50 L。"),
            ("pilot", "中试数据", "中试装置连续运行 1000 小时，温度波动 ±1.5 ℃，未发生飞温。"),
            ("reaction", "反应安全风险评估报告", "反应工艺危险度等级 3 级，需设置紧急冷却和安全仪表系统。")]:
        services.first_use_upload(actor=qiye, item=x, purpose=purpose, files=[_material(title, text)])
    services.first_use_transition(actor=qiye, item=x, action="submit")
    services.first_use_transition(actor=head, item=x, action="forward", note="材料齐全，报送省厅")
    second = services.first_use_create(actor=qiye, process_name="固定床连续加氢工艺", project="年产 1 万吨医药中间体项目",
                                       description="加氢反应（重点监管危险化工工艺），固定床连续化，已完成小试和中试")
    for purpose, title, text in [("report", "安全可靠性论证报告", "固定床连续加氢工艺论证报告（摘要）。"),
                                 ("pilot", "中试数据", "中试运行 600 小时。"),
                                 ("reaction", "反应安全风险评估报告", "反应工艺危险度等级 2 级。")]:
        services.first_use_upload(actor=qiye, item=second, purpose=purpose, files=[_material(title, text)])
    services.first_use_transition(actor=qiye, item=second, action="submit")
    services.first_use_transition(actor=head, item=second, action="forward", note="报送省厅组织论证")
    if province is None:
        return
    panel = list(Expert.objects.filter(specialty__in=["hazchem", "process", "electrical", "fire"])
                 .exclude(conflicts=x.enterprise_id).order_by("specialty", "name")[:5])
    if len(panel) >= 5:
        x = FirstUseProcess.objects.get(pk=x.pk)
        services.first_use_panel(actor=province, item=x, experts=panel, leader=panel[0])
        services.first_use_transition(actor=province, item=x, action="pass", meeting_on=today - dt.timedelta(days=2),
                                      note="工艺安全可靠，同意用于该项目；须设置紧急冷却系统和独立的安全仪表系统（SIL2）。")


def _courses(ctx: Any, today: dt.date, qiye: User, inspector: User) -> None:
    """Measure III.7: courses co-organised with the human-resources bureau (its account hrss_dept records attendance
    too, its seal is on the certificate). A course held last month with four sessions: attendance per session
    with hours, certificates after the last session; one open for enrolment with its sessions planned; a later one."""
    hrss_org = Organisation.objects.filter(code="YC-D-RS").first()
    hrss = User.objects.filter(username="hrss_dept").first()
    demo_account("hrss_dept", "市人社局（工伤预防培训联合主办：登记课次出勤、结业证明加盖其印章）")
    held = Course.objects.create(title=f"{today.year}年危险化学品企业重点人员工伤预防能力提升培训（第一期）",
                                 starts_on=today - dt.timedelta(days=21), ends_on=today - dt.timedelta(days=20),
                                 hours=16, location="运城市应急管理局培训中心", capacity=60,
                                 enrol_closes_on=today - dt.timedelta(days=28), co_organiser=hrss_org,
                                 partner=hrss_org.name if hrss_org else "运城市人力资源和社会保障局")
    sessions = [CourseSession.objects.create(course=held, on=held.starts_on + dt.timedelta(days=d), topic=topic, hours=4)
                for d, topic in [(0, "工伤保险政策与工伤预防"), (0, "危险化学品事故案例分析"),
                                 (1, "作业场所职业危害防护"), (1, "应急处置与现场救护演练")]]
    enterprise = qiye.enterprise
    if enterprise is None:
        raise LookupError("the demo account qiye acts for an enterprise (accounts demo)")
    rng = ctx.rng
    for k, (name, post, present) in enumerate([("李丽娟", "safety_manager", (1, 1, 1, 1)),
                                               ("王建国", "principal", (1, 1, 1, 1)),
                                               ("张海涛", "team_leader", (0, 0, 0, 0))]):
        # enrolments of a course whose window closed before the demo starts: entered as they were taken then
        enrolment = Enrolment.objects.create(
            course=held, enterprise=enterprise, trainee_name=name, post=post, phone=f"139359{rng.randrange(10000, 99999)}",
            id_number=make_id_number(f"140802{1975 + 5 * k}0{k + 3}1{k}2{k}3"))
        record_history(enrolment, actor=qiye, action="enrol", label="报名培训", note=name)
        for i, session in enumerate(sessions):  # day one recorded by the bureau, day two by the co-organiser
            recorder = hrss if (hrss is not None and session.on != held.starts_on) else inspector
            services.session_attendance(actor=recorder, session=session, enrolment=enrolment,
                                        present=bool(present[i]))
        if all(present):
            services.course_certify(actor=hrss or inspector, enrolment=Enrolment.objects.get(pk=enrolment.pk))
    course = Course.objects.create(title=f"{today.year}年危险化学品企业重点人员工伤预防能力提升培训（第二期）",
                                   starts_on=today + dt.timedelta(days=10), ends_on=today + dt.timedelta(days=11),
                                   hours=16, location="运城市应急管理局培训中心", capacity=60,
                                   enrol_closes_on=today + dt.timedelta(days=5), co_organiser=hrss_org,
                                   partner=hrss_org.name if hrss_org else "运城市人力资源和社会保障局")
    for d, topic in [(0, "工伤保险政策与工伤预防"), (0, "危险化学品事故案例分析"), (1, "作业场所职业危害防护"),
                     (1, "应急处置与现场救护演练")]:
        services.course_session_add(actor=inspector, course=course, on=course.starts_on + dt.timedelta(days=d),
                                    topic=topic, hours=4)
    services.course_enrol(actor=qiye, course=course, trainee_name="李丽娟", post="safety_manager",
                          phone="13935901234", id_number=make_id_number("14080219850312204"))
    services.course_enrol(actor=qiye, course=course, trainee_name="王建国", post="principal", phone="13935905678",
                          id_number=make_id_number("14080219780605113"))
    Course.objects.create(title=f"{today.year}年危险化学品企业一线班组长工伤预防培训（第三期）",
                          starts_on=today + dt.timedelta(days=40), ends_on=today + dt.timedelta(days=40), hours=8,
                          location="运城职业技术大学", capacity=80, enrol_closes_on=today + dt.timedelta(days=35))
