"""分级分类监管 (安全生产法 第62条第2款; measure II.3, one level per enterprise per year): a year's assignments are
copied to the next in bulk with changes, or imported from Excel (validated row by row, previewed, conflicts shown,
audited, idempotent); the next year's annual plan is then built from them."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import Workbook

from bureau.enterprises import rules, services
from bureau.enterprises.models import EnterpriseStatus, ImportJob, SupervisionAssignment
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.kernel.models import AuditEntry
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
NEXT = YEAR + 1


@pytest.fixture
def w():
    class W:
        city = city_bureau()
        yanhu = county_bureau("140802", "盐湖区应急管理局")
        yanhu.short_name = "盐湖区"
        yanhu.save()
        linyi = county_bureau("140821", "临猗县应急管理局")
        city_head = make_user("市科长", roles=["section_head"], organisation=city)
        yanhu_leader = make_user("盐湖分管", roles=["leader"], organisation=yanhu)
        inspector = make_user("盐湖执法", roles=["inspector"], organisation=yanhu, enforcement_id="14080001")

        @staticmethod
        def assign(org, region="140802", year=YEAR, **kw):
            e = EnterpriseFactory(region_id=region, **kw)
            SupervisionAssignment.objects.create(enterprise=e, year=year, organisation=org,
                                                 level="city" if org.region_id == "140800" else "county")
            return e
    return W


def _next(e):
    a = SupervisionAssignment.objects.filter(enterprise=e, year=NEXT).select_related("organisation").first()
    return a and (a.organisation.name, a.level)


# ---- the rule (pure) -------------------------------------------------------------------------------------------

def _facts(**kw):
    base = dict(year=NEXT, city_region="140800", enterprise_region="140802", enterprise_closed=False,
                in_actor_jurisdiction=True, actor_is_city=True, actor_bureau_id=1, organisation_id=2,
                organisation_name="盐湖区应急管理局", organisation_region="140802", organisation_is_bureau=True)
    return rules.AssignmentFacts(**(base | kw))


def test_the_assignment_rule_one_level_per_enterprise_per_year_measure_ii_3():
    assert rules.assignment_verdict(_facts()) == (rules.NEW, "")
    assert rules.assignment_verdict(_facts(existing_organisation_id=2, existing_label="盐湖"))[0] == rules.UNCHANGED
    status, why = rules.assignment_verdict(_facts(existing_organisation_id=9, existing_label="运城市应急管理局（市级）"))
    assert status == rules.REFUSED and "已由运城市应急管理局（市级）负责监管" in why
    assert "管辖区域" in rules.assignment_verdict(_facts(in_actor_jurisdiction=False))[1]
    assert "关闭注销" in rules.assignment_verdict(_facts(enterprise_closed=True))[1]
    assert "其他县" in rules.assignment_verdict(_facts(organisation_region="140821"))[1]
    assert "不是应急管理部门" in rules.assignment_verdict(_facts(organisation_is_bureau=False))[1]
    # a county keeps its own list; the level between the city and a county is the city's call
    county = dict(actor_is_city=False, actor_bureau_id=2)
    assert rules.assignment_verdict(_facts(**county))[0] == rules.NEW
    assert "由市局确定" in rules.assignment_verdict(_facts(**county, organisation_id=1,
                                                             organisation_region="140800"))[1]
    assert "由市局监管" in rules.assignment_verdict(_facts(**county, previous_organisation_id=1,
                                                             previous_is_city=True))[1]


# ---- copy with changes -------------------------------------------------------------------------------------------

def test_the_city_copies_a_year_to_the_next_with_a_change_of_unit_and_again_writes_nothing(w):
    a, b, c = w.assign(w.yanhu), w.assign(w.yanhu), w.assign(w.city, region="140821", is_key=True)
    result = services.supervision_rollover(actor=w.city_head, source_year=YEAR, enterprise_ids=[a.pk, c.pk])
    assert (result.year, result.created, result.unchanged) == (NEXT, 2, 0)
    assert _next(a) == ("盐湖区应急管理局", "county") and _next(c) == ("运城市应急管理局", "city")
    moved = services.supervision_rollover(actor=w.city_head, source_year=YEAR, enterprise_ids=[b.pk],
                                          organisation=w.city)
    assert moved.created == 1 and _next(b) == ("运城市应急管理局", "city")  # the change: 盐湖区 → 市级
    again = services.supervision_rollover(actor=w.city_head, source_year=YEAR, enterprise_ids=[a.pk, c.pk])
    assert (again.created, again.unchanged) == (0, 2)  # submitting twice writes nothing more
    assert SupervisionAssignment.objects.filter(year=NEXT).count() == 3
    entry = AuditEntry.objects.filter(action="enterprises.supervision_rollover").order_by("pk").first()
    assert entry is not None and f"{YEAR} 年结转至 {NEXT} 年" in entry.summary


def test_a_refused_row_refuses_the_batch_and_names_the_enterprise(w):
    a = w.assign(w.yanhu)
    closed = w.assign(w.yanhu, status=EnterpriseStatus.CLOSED, name="已关闭的化工公司")
    taken = w.assign(w.yanhu, name="已分给市局的公司")
    SupervisionAssignment.objects.create(enterprise=taken, year=NEXT, organisation=w.city, level="city")
    with pytest.raises(DomainError) as info:
        services.supervision_rollover(actor=w.city_head, source_year=YEAR, enterprise_ids=[a.pk, closed.pk, taken.pk])
    assert "已关闭的化工公司：企业已关闭注销" in info.value.message
    assert "已分给市局的公司：该企业" in info.value.message and "一个企业一年只由一个层级检查" in info.value.message
    assert _next(a) is None  # nothing written


def test_a_county_copies_only_its_own_list_within_its_jurisdiction(w):
    own = w.assign(w.yanhu)
    city_level = w.assign(w.city, is_key=True)
    linyi = w.assign(w.linyi, region="140821")
    assert services.supervision_rollover(actor=w.yanhu_leader, source_year=YEAR, enterprise_ids=[own.pk]).created == 1
    with pytest.raises(DomainError, match="由市局确定"):
        services.supervision_rollover(actor=w.yanhu_leader, source_year=YEAR, enterprise_ids=[city_level.pk])
    with pytest.raises(DomainError, match="由市局监管"):  # nor take it over by a change
        services.supervision_rollover(actor=w.yanhu_leader, source_year=YEAR, enterprise_ids=[city_level.pk],
                                      organisation=w.yanhu)
    with pytest.raises(DomainError, match="不在您的管辖范围内"):  # another county's row is not even seen
        services.supervision_rollover(actor=w.yanhu_leader, source_year=YEAR, enterprise_ids=[linyi.pk])
    with pytest.raises(PermissionDenied):  # an inspector does not keep the list
        services.supervision_rollover(actor=w.inspector, source_year=YEAR, enterprise_ids=[own.pk])
    with pytest.raises(DomainError, match="往年分工为历史记录"):
        services.supervision_rollover(actor=w.city_head, source_year=YEAR - 2, enterprise_ids=[own.pk])


def test_the_rollover_page_lists_filters_and_copies_the_selection(w, login):
    a, b = w.assign(w.yanhu, name="甲化工"), w.assign(w.yanhu, name="乙化工")
    w.assign(w.linyi, region="140821", name="临猗丙化工")
    c = login(w.yanhu_leader)
    page = c.get("/enterprises/supervision/").content.decode()
    assert "甲化工" in page and "乙化工" in page and "临猗丙化工" not in page and "待结转" in page
    r = c.post("/enterprises/supervision/", {"e": [a.pk]}, follow=True)
    assert "新增 1 家" in r.content.decode() and _next(a) and not _next(b)
    assert "已结转" in c.get("/enterprises/supervision/?q=甲化工").content.decode()
    city_level = w.assign(w.city, is_key=True, name="市管煤矿")
    r = c.post("/enterprises/supervision/?target=missing", {"all_filtered": "1"}, follow=True)
    assert _next(b) == ("盐湖区应急管理局", "county") and _next(city_level) is None
    assert "另有 1 家不能结转，已跳过（如 市管煤矿：" in r.content.decode()  # "all that match": the rest is skipped
    login(w.inspector)
    assert c.get("/enterprises/supervision/").status_code == 404


# ---- the Excel import ------------------------------------------------------------------------------------------

def _workbook(rows, header=("统一社会信用代码", "企业名称", "监管层级", "监管单位")):
    wb = Workbook()
    ws = wb.active
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile("分工.xlsx", buffer.getvalue())


def test_the_import_checks_every_row_shows_conflicts_and_writes_only_after_confirmation(w):
    fresh = EnterpriseFactory(name="新登记公司")
    key = EnterpriseFactory(name="重点公司", is_key=True)
    closed = EnterpriseFactory(status=EnterpriseStatus.CLOSED)
    other = EnterpriseFactory(region_id="140821")
    taken = EnterpriseFactory()
    SupervisionAssignment.objects.create(enterprise=taken, year=NEXT, organisation=w.city, level="city")
    rows = [(fresh.uscc, "新登记公司", "县级", "盐湖区应急管理局"),
            (key.uscc, "", "", "运城市应急管理局"),
            (closed.uscc, "", "", "盐湖区应急管理局"),
            (other.uscc, "", "", "盐湖区应急管理局"),
            (taken.uscc, "", "", "盐湖区应急管理局"),
            (fresh.uscc, "", "", "盐湖区应急管理局"),
            ("91140802MA0K00000X", "", "", "盐湖区应急管理局"),
            (key.uscc[:-1] + "Z", "写错的名字", "省级", "某某局")]
    job = services.supervision_import_preview(actor=w.yanhu_leader, upload=_workbook(rows), year=NEXT)
    assert job.status == ImportJob.Status.FAILED and SupervisionAssignment.objects.filter(year=NEXT).count() == 1
    problems = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "由市局确定" in problems[(3, "监管分工")]  # a county does not assign to the city
    assert "关闭注销" in problems[(4, "监管分工")]
    assert problems[(5, "监管分工")] == "企业不在您的管辖区域内"
    assert "已由运城市应急管理局（市级）负责监管" in problems[(6, "监管分工")]
    assert problems[(7, "统一社会信用代码")] == "与第 2 行重复"
    assert (8, "统一社会信用代码") in problems and (9, "监管层级") in problems and (9, "监管单位") in problems
    assert (2, "监管分工") not in problems
    assert other.name not in str(job.preview)  # another county's enterprise is not described


def test_a_clean_import_is_previewed_confirmed_once_and_audited(w, login):
    a, b = EnterpriseFactory(name="甲公司"), EnterpriseFactory(name="乙公司")
    SupervisionAssignment.objects.create(enterprise=b, year=NEXT, organisation=w.yanhu, level="county")
    c = login(w.yanhu_leader)
    r = c.post("/enterprises/supervision/import/", {
        "year": str(NEXT), "file": _workbook([(a.uscc, "甲公司", "县级", "盐湖区应急管理局"),
                                            (b.uscc, "乙公司", "", "盐湖区")])}, follow=True)
    job = ImportJob.objects.get(kind="supervision")
    page = r.content.decode()
    assert job.status == ImportJob.Status.PREVIEW and "确认导入 1 家" in page and "保持不变" in page
    assert _next(a) is None  # nothing written before the confirmation
    c.post(f"/enterprises/supervision/import/{job.pk}/")
    assert _next(a) == ("盐湖区应急管理局", "county")
    r = c.post(f"/enterprises/supervision/import/{job.pk}/", follow=True)
    assert "未重复写入" in r.content.decode() and SupervisionAssignment.objects.filter(year=NEXT).count() == 2
    assert AuditEntry.objects.filter(action="enterprises.supervision_import").count() == 1
    assert c.get(f"/enterprises/supervision/import/{job.pk}/").status_code == 200
    login(w.city_head)  # another user's import is not theirs
    assert c.get(f"/enterprises/supervision/import/{job.pk}/").status_code == 404


def test_the_confirmation_checks_again_what_changed_since_the_preview(w):
    """Measure II.3: if another bureau assigned the enterprise meanwhile, confirming writes nothing and says why."""
    a, b = EnterpriseFactory(), EnterpriseFactory()
    job = services.supervision_import_preview(actor=w.yanhu_leader, year=NEXT, upload=_workbook(
        [(a.uscc, "", "", "盐湖区"), (b.uscc, "", "", "盐湖区")]))
    assert job.status == ImportJob.Status.PREVIEW
    SupervisionAssignment.objects.create(enterprise=b, year=NEXT, organisation=w.city, level="city")
    job = services.supervision_import_confirm(actor=w.yanhu_leader, job=job)
    assert job.status == ImportJob.Status.FAILED and "数据在预览后有变化" in job.message
    assert job.errors[0]["row"] == 3 and _next(a) is None
    with pytest.raises(DomainError, match="未通过校验"):
        services.supervision_import_confirm(actor=w.yanhu_leader, job=job)


def test_the_export_of_a_year_is_the_import_template_for_the_next(w, login):
    from openpyxl import load_workbook

    a = w.assign(w.yanhu, name="甲公司")
    body = login(w.yanhu_leader).get(f"/enterprises/supervision/export.xlsx?year={YEAR}")
    rows = list(load_workbook(io.BytesIO(b"".join(body.streaming_content))).active.iter_rows(values_only=True))
    assert rows == [("统一社会信用代码", "企业名称", "监管层级", "监管单位"), (a.uscc, "甲公司", "县级", "盐湖区应急管理局")]
    job = services.supervision_import_preview(
        actor=w.yanhu_leader, upload=_workbook(rows[1:]), year=NEXT)
    assert job.status == ImportJob.Status.PREVIEW and job.created_count == 1


def test_the_rollover_page_and_the_enterprise_search_have_query_budgets(w, login, django_assert_max_num_queries):
    for _ in range(30):
        w.assign(w.yanhu)
    c = login(w.city_head)
    with django_assert_max_num_queries(18):
        assert c.get("/enterprises/supervision/").status_code == 200
    with django_assert_max_num_queries(8):
        assert len(c.get("/enterprises/search.json?q=运城").json()["results"]) == 20
