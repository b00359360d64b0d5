"""Official checklists (执法检查表, measure II.5 照单检查; issue 14 B and D): the import validates each row naming its
line, previews before saving and versions with effective dates without overwriting history; only the city bureau's
系统管理员/科室负责人/分管负责人 import; an item limited to sub-sectors never reaches another sub-sector's inspection
(工贸企业重大事故隐患判定标准 第二条 sectors: a textile mill never gets 「液态金属吊运」, 第四条第（一）项); a finding
carries its item's violation codes to the penalty proposal; a draw publishes the checklist its tasks use."""

from __future__ import annotations

import datetime as dt
import types

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from bureau.enterprises.models import Enterprise, Industry, SubSector
from bureau.enterprises.rules import validate_row
from bureau.inspection import checklists as C
from bureau.inspection import queries
from bureau.inspection import services as S
from bureau.inspection.models import Checklist, Inspection, ResultOutcome
from bureau.kernel.errors import DomainError, PermissionDenied
from bureau.penalties.views import proposed_violation
from tests.factories import make_user
from tests.inspection.conftest import announce_and_draw

HEADER = "检查表名称,行业,子行业,序号,检查项目,检查内容,检查方法,法律依据,处罚依据,违法行为代码,版本,生效日期,制定依据\n"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return (header + "".join(r + "\n" for r in rows)).encode("utf-8")


def row(name: str = "测试冶金表", version: str = "1", *, industry: str = "冶金工贸", scope: str = "", seq: str = "",
        content: str = "检查内容", legal: str = "《中华人民共和国安全生产法》第三十五条", codes: str = "AQSCF-99-1",
        effective: str = "2026-01-01", source: str = "测试文件") -> str:
    return ",".join([name, industry, scope, seq, "类别", content, "现场检查", legal, "", codes, version, effective, source])


# ---- the shipped checklists ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", C.data_files(), ids=lambda p: p.name)
def test_shipped_checklist_files_parse_without_errors_and_cite_an_article_per_item(path):
    """Every shipped item cites 《法规》第X条 and its codes follow the benchmark schema (法规简称-条-项)."""
    result = C.parse_checklists(path.read_bytes(), path.name)
    assert result.errors == [] and result.warnings == [] and len(result.checklists) == 1
    for item in result.checklists[0].items:
        assert item.law_title and item.law_article, item.line
        assert all(C.CODE_RE.match(code) for code in item.violation_codes)


def test_the_hazchem_and_non_coal_checklists_are_loaded_with_dozens_of_items_each_with_codes(db):
    """Issue 14 B: realistic 危化 and 非煤矿山 checklists (≥ 30 items), each item linked to the violations it proves."""
    for industry in (Industry.HAZCHEM_USE, Industry.NON_COAL_MINE):
        checklist = C.checklist_in_force(industry)
        assert checklist is not None and checklist.digest and checklist.version == "2026"
        items = list(checklist.items.all())
        assert len(items) >= 30
        assert all(item.violation_codes for item in items)


# ---- validation, preview and versions ------------------------------------------------------------------------------

def test_every_problem_is_reported_with_its_line_and_nothing_is_saved(db):
    """Row by row (第N行): citation without article, unknown industry, bad code, foreign sub-sector, duplicate seq."""
    data = csv_file(
        row(seq="1"),
        row(seq="2", legal="安全生产法第三十五条"),
        row(seq="3", codes="97-7"),
        row(seq="4", scope="尾矿库"),
        row(seq="1", content="重复序号"),
        row(name="另一张表", industry="钢铁"),
    )
    result = C.parse_checklists(data, "表.csv")
    text = "\n".join(result.errors)
    assert "第3行：法律依据「安全生产法第三十五条」应写成《法规名称》加条款" in text
    assert "第4行：违法行为代码「97-7」格式应为" in text
    assert "第5行：子行业「尾矿库」不属于本检查表的适用行业" in text
    assert "第6行：序号 1 与第2行重复" in text
    assert "第7行：行业「钢铁」无效" in text
    with pytest.raises(DomainError, match="导入被拒绝"):
        C.import_checklists(actor=None, data=data, filename="表.csv", system=True)
    assert not Checklist.objects.filter(name="测试冶金表").exists()
    missing = C.parse_checklists("检查表名称,检查内容\n表,内容\n".encode(), "表.csv")
    assert "表头缺少必填列" in missing.errors[0] and "法律依据" in missing.errors[0]


def test_a_new_version_closes_the_old_one_and_old_inspections_keep_their_items(world):
    """A new version never overwrites history: the old one ends the day before, an inspection opened on it keeps
    its items; the same file again changes nothing; another content under an imported version is refused."""
    today = timezone.localdate()
    v1 = csv_file(row(version="v1", effective=f"{today - dt.timedelta(days=30):%Y-%m-%d}", content="旧内容"))
    [old] = C.import_checklists(actor=None, data=v1, filename="v1.csv", system=True)
    assert C.import_checklists(actor=None, data=v1, filename="v1.csv", system=True) == []  # idempotent
    mill = world.enterprise(industry=Industry.METALLURGY_TRADE, sub_sector=SubSector.METALLURGY,
                            standardization_grade="3", credit_grade="B1")
    assert S.checklist_for(mill.industry) == old  # a later effective date than the shipped 2026 version
    inspection = S.inspection_open(actor=world.inspector, enterprise=mill, kind="random",
                                   officers=[world.inspector, world.inspector2])
    v2 = csv_file(row(version="v2", effective=f"{today:%Y-%m-%d}", content="新内容"),
                  row(version="v2", content="新增一项", effective=""))
    preview = C.plan(C.parse_checklists(v2, "v2.csv"))
    assert preview.ok and preview.checklists[0].status == "new_version" and preview.checklists[0].closes == [old]
    [new] = C.import_checklists(actor=None, data=v2, filename="v2.csv", system=True)
    old.refresh_from_db()
    assert old.effective_to == today - dt.timedelta(days=1) and new.effective_to is None
    assert S.checklist_for(mill.industry) == new
    inspection = Inspection.objects.get(pk=inspection.pk)
    assert inspection.checklist == old and [i.content for i in inspection.items()] == ["旧内容"]
    with pytest.raises(DomainError, match="已导入，内容与本文件不同"):
        C.import_checklists(actor=None, data=csv_file(row(version="v1", effective="2025-01-01", content="改过")),
                            filename="v1b.csv", system=True)
    with pytest.raises(DomainError, match="应晚于现行版本"):
        C.import_checklists(actor=None, data=csv_file(row(version="v0", effective="2025-01-01")), filename="v0.csv",
                            system=True)


def test_only_the_city_bureaus_administrators_heads_and_leaders_import(world, login, client):
    """The checklists are the city's: a city section head previews and confirms; an inspector or a county leader
    gets 404 and the service refuses them."""
    head = make_user("市科长", roles=["section_head"], organisation=world.city, real_name="市科长")
    for user in (world.inspector, world.leader):
        assert login(user).get("/inspection/checklists/import/").status_code == 404
        with pytest.raises(PermissionDenied):
            C.import_checklists(actor=user, data=csv_file(row()), filename="t.csv")
    c = login(head)
    bad = c.post("/inspection/checklists/import/", {"action": "preview", "file": SimpleUploadedFile(
        "t.csv", csv_file(row(legal="无依据")))})
    assert bad.status_code == 400 and "第2行" in bad.content.decode() and "确认导入" not in bad.content.decode()
    good = c.post("/inspection/checklists/import/", {"action": "preview", "file": SimpleUploadedFile(
        "t.csv", csv_file(row(scope="冶金")))})
    page = good.content.decode()
    assert good.status_code == 200 and "确认导入" in page and "首个版本" in page
    assert not Checklist.objects.filter(name="测试冶金表").exists()  # the preview saves nothing
    done = c.post("/inspection/checklists/import/", {"action": "confirm", "filename": "t.csv",
                                                     "data": good.context["data"]})
    assert done.status_code == 302
    saved = Checklist.objects.get(name="测试冶金表")
    assert saved.imported_by == head and saved.items.get().sub_sectors == [SubSector.METALLURGY]
    assert "测试冶金表" in c.get("/inspection/checklists/").content.decode()


# ---- sub-sectors --------------------------------------------------------------------------------------------------

def test_a_textile_mill_never_gets_the_liquid_metal_items(world):
    """工贸企业重大事故隐患判定标准 第四条第（一）项 (冶金) and 第七条第（一）项 (机械) apply to those sectors only: a
    纺织 enterprise's inspection has no 「液态金属吊运」 item and cannot record one; a 冶金 one has 第四条's."""
    grades = {"standardization_grade": "3", "credit_grade": "B1"}
    textile = world.enterprise(industry=Industry.METALLURGY_TRADE, sub_sector=SubSector.TEXTILE, **grades)
    steel = world.enterprise(industry=Industry.METALLURGY_TRADE, sub_sector=SubSector.METALLURGY, **grades)
    team = [world.inspector, world.inspector2]
    mill = S.inspection_open(actor=world.inspector, enterprise=textile, kind="random", officers=team)
    works = S.inspection_open(actor=world.inspector, enterprise=steel, kind="random", officers=team)
    assert mill.checklist == works.checklist and mill.sub_sector == SubSector.TEXTILE
    liquid = [i for i in mill.checklist.items.all() if i.category == "液态金属吊运"]
    assert len(liquid) == 2
    assert not {i.pk for i in liquid} & {i.pk for i in mill.items()}
    assert [i.law_article for i in works.items() if i.category == "液态金属吊运"] == ["第四条第（一）项"]
    S.inspection_check_in(actor=world.inspector, inspection=mill)
    with pytest.raises(DomainError, match="不属于本企业的检查项"):
        S.inspection_record_item(actor=world.inspector, inspection=mill, item=liquid[0], outcome="compliant")
    # the sub-sector is recorded when the task is opened: a later change of the register does not alter it
    Enterprise.objects.filter(pk=textile.pk).update(sub_sector=SubSector.METALLURGY)
    assert not {i.pk for i in liquid} & {i.pk for i in Inspection.objects.get(pk=mill.pk).items()}


def test_the_sub_sector_belongs_to_the_enterprise_industry(db):
    """The register refuses a sub-sector of another industry (form clean and the Excel import)."""
    with pytest.raises(ValidationError, match="不属于行业"):
        Enterprise(industry=Industry.COAL, sub_sector=SubSector.TEXTILE).clean()
    header = {"uscc": 0, "name": 1, "region": 2, "industry": 3, "sub_sector": 4, "legal_representative": 5}
    result = validate_row(2, ["91140802MA0K0000XX", "纺织厂", "140802", "煤矿", "纺织", "王五"], header,
                          regions={"140802"}, parks=set())
    assert ("子行业", "「纺织」不属于行业「煤矿」") in result.errors


# ---- findings → violation codes → penalty proposal ------------------------------------------------------------------

def test_a_finding_carries_its_items_violation_codes_to_the_penalty_proposal(world, general):
    """The hazard of a finding proves its item's violations (AQSCF-97-7: 安全生产法 第九十七条第（七）项); the penalty
    proposal starts from the first one in force, unless the case already names its violation."""
    inspection = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                   officers=[world.inspector, world.inspector2])
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    for item in inspection.items():
        bad = item.violation_codes == ["AQSCF-97-7"]
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item,
                                 outcome=ResultOutcome.FINDING if bad else ResultOutcome.COMPLIANT,
                                 note="电焊工无特种作业操作证" if bad else "")
    S.inspection_finish(actor=world.inspector, inspection=inspection,
                        deadline=timezone.localdate() + dt.timedelta(days=10))
    hazard = inspection.results.get(outcome=ResultOutcome.FINDING).hazard
    assert queries.violation_codes_for_finding(hazard) == ["AQSCF-97-7"]
    case = types.SimpleNamespace(violation_code="", hazard_id=hazard.pk)
    offered = [("AQSCF-97-3", "未培训"), ("AQSCF-97-7", "特种作业人员无证上岗")]
    assert proposed_violation(case, offered) == "AQSCF-97-7"
    assert proposed_violation(case, offered[:1]) == ""  # no row in force for it: nothing preselected
    assert proposed_violation(types.SimpleNamespace(violation_code="AQSCF-97-3", hazard_id=hazard.pk),
                              offered) == "AQSCF-97-3"
    assert queries.violation_codes_for_finding(None) == []


# ---- draws publish the checklist their tasks use -----------------------------------------------------------------

def test_a_draw_publishes_the_checklist_its_tasks_use_and_it_fits_the_industry(world, client, clock):
    """Issue 14 D: a metallurgy checklist is never published for mines; the published 检查事项 are the checklists
    of the drawn tasks."""
    for n in range(2):
        world.enterprise(industry=Industry.NON_COAL_MINE, sub_sector=SubSector.OPEN_PIT_MINE, name=f"露天矿{n}",
                         credit_grade="B1", standardization_grade="3")
    metal = C.checklist_in_force(Industry.METALLURGY_TRADE)
    mines = C.checklist_in_force(Industry.NON_COAL_MINE)
    args = {"actor": world.inspector, "title": "非煤矿山抽查", "officer_ids": [world.inspector.pk, world.inspector2.pk],
            "size": 2}
    with pytest.raises(DomainError, match="与抽查行业「非煤矿山」不符"):
        S.draw_announce(**args, filters={"industry": Industry.NON_COAL_MINE}, checklist=metal)
    draw = announce_and_draw(world, clock, **args, checklist=mines)  # no industry: the checklist's own is drawn
    assert draw.filters["industry"] == Industry.NON_COAL_MINE
    tasks = {i.checklist_id for i in draw.inspections.all()}
    assert tasks == {mines.pk} and queries.draw_checklists(draw) == [mines]
    page = client.get(f"/inspection/public/draws/{draw.pk}/").content.decode()
    assert mines.name in page and metal.name not in page
    assert client.get(f"/api/v1/draws/{draw.pk}").json()["checklists"][0]["name"] == mines.name


# ---- the API ------------------------------------------------------------------------------------------------------

def test_checklists_api_lists_versions_in_force_and_imports_with_preview_then_confirm(world, login):
    """Measure II.5 through the API: GET /api/v1/checklists gives the version in force with each item's legal basis
    and violation codes; POST …/imports checks the file row by row (nothing saved), confirm=true saves it; an
    inspector is refused; a file with errors is refused on confirm (400) and changes nothing."""
    c = login(world.inspector)
    listed = c.get("/api/v1/checklists", {"industry": Industry.NON_COAL_MINE}).json()
    assert listed and all(Industry.NON_COAL_MINE in x["industries"] for x in listed)
    assert len(listed[0]["items"]) >= 30 and all(i["violation_codes"] for i in listed[0]["items"])
    assert c.get("/api/v1/checklists", {"industry": "nonsense"}).status_code == 400
    upload = {"file": SimpleUploadedFile("t.csv", csv_file(row(scope="冶金")))}
    assert c.post("/api/v1/checklists/imports", upload).status_code == 403
    head = login(make_user("市科长api", roles=["section_head"], organisation=world.city, real_name="市科长"))
    preview = head.post("/api/v1/checklists/imports", {"file": SimpleUploadedFile("t.csv", csv_file(row(scope="冶金")))})
    body = preview.json()
    assert preview.status_code == 200 and body["saved"] is False and body["errors"] == []
    assert body["checklists"][0]["status"] == "new" and not Checklist.objects.filter(name="测试冶金表").exists()
    bad = head.post("/api/v1/checklists/imports", {"confirm": "true",
                                                   "file": SimpleUploadedFile("t.csv", csv_file(row(legal="无依据")))})
    assert bad.status_code == 400 and "第2行" in bad.json()["detail"]
    done = head.post("/api/v1/checklists/imports", {"confirm": "true",
                                                    "file": SimpleUploadedFile("t.csv", csv_file(row(scope="冶金")))})
    assert done.status_code == 200 and done.json()["saved"] is True and len(done.json()["created"]) == 1
    assert Checklist.objects.get(name="测试冶金表").items.count() == 1
