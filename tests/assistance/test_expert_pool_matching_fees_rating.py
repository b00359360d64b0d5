"""Expert service (measure III.1, issue 16 point 3): the pool is kept in the UI and the API (qualification,
specialties, appointment term, conflicts with their reasons); a checkup's team matches its specialty — chosen by a
recorded draw (seed, pool and algorithm kept, the draw re-runs to the same team), by rotation or by name — and its
leader holds the specialty; the report lists every finding; each expert's fee is recorded; the enterprise rates the
finished service once; deleting a finding asks first."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

import bureau.kernel.documents as documents
from bureau.assistance import rules, services
from bureau.assistance.models import CheckupFinding, Expert, ExpertConflict, ExpertFee, RecordedDraw
from bureau.kernel.errors import DomainError, PermissionDenied
from tests.assistance.factories import expert, today
from tests.factories import EnterpriseFactory, city_bureau, make_user

pytestmark = pytest.mark.django_db


def _checkup(w, specialty="hazchem"):
    return services.checkup_request(actor=w.owner, specialty=specialty, topics="储罐区联锁")


@pytest.fixture
def city_head(db):
    return make_user(roles=["section_head"], organisation=city_bureau(), real_name="市局 科长")


# -- the pool --------------------------------------------------------------------------------------------------

def test_the_city_keeps_the_pool_in_the_ui_with_term_specialties_and_a_valid_phone(w, city_head, login):
    client = login(city_head)
    data = {"name": "韩立", "specialty": "hazchem", "secondary_specialties": ["process", "electrical"],
            "qualification": "注册安全工程师（化工安全）", "employer": "山西省化工研究院", "title": "正高级工程师",
            "phone": "abcdefg", "term_starts_on": today().isoformat(),
            "term_ends_on": (today() + dt.timedelta(days=3 * 365)).isoformat(), "available": "on"}
    r = client.post("/assistance/experts/", data)
    assert r.status_code == 400 and "11 位手机号码" in r.content.decode() and not Expert.objects.exists()
    r = client.post("/assistance/experts/", {**data, "phone": "13935901111",
                                             "term_ends_on": (today() - dt.timedelta(days=1)).isoformat()})
    assert "聘期届满日不能早于聘期开始日" in r.content.decode() and not Expert.objects.exists()
    r = client.post("/assistance/experts/", {**data, "phone": "13935901111"})
    e = Expert.objects.get()
    assert r["Location"] == f"/assistance/experts/{e.pk}/"
    assert e.specialty_codes == ["hazchem", "process", "electrical"] and e.qualification.startswith("注册安全工程师")
    page = client.get("/assistance/experts/").content.decode()
    assert "139****1111" in page and "13935901111" not in page  # the phone is masked on screen


def test_a_county_officer_sees_the_pool_but_does_not_keep_it(w, login):
    expert("高专家")
    client = login(w.inspector)
    page = client.get("/assistance/experts/")
    assert "高专家" in page.content.decode() and page.context["form"] is None
    with pytest.raises(PermissionDenied):
        services.expert_save(actor=w.inspector, name="x", specialty="coal", term_starts_on=today(),
                             term_ends_on=today())


def test_a_conflict_is_declared_with_its_reason_and_the_expert_recuses(w, city_head, login):
    e = expert("林晓峰")
    client = login(city_head)
    r = client.post(f"/assistance/experts/{e.pk}/", {"part": "conflict", "enterprise": w.enterprise.uscc,
                                                     "kind": "adviser", "reason": ""})
    assert r.status_code == 400 and not ExpertConflict.objects.exists()
    client.post(f"/assistance/experts/{e.pk}/", {"part": "conflict", "enterprise": w.enterprise.uscc,
                                                 "kind": "adviser", "reason": "2025 年起任该企业安全顾问"})
    conflict = ExpertConflict.objects.get()
    assert (conflict.enterprise, conflict.reason) == (w.enterprise, "2025 年起任该企业安全顾问")
    assert "2025 年起任该企业安全顾问" in client.get(f"/assistance/experts/{e.pk}/").content.decode()
    with pytest.raises(DomainError, match="利害关系，应当回避"):
        services.checkup_assign(actor=w.inspector, checkup=_checkup(w), experts=[e], planned_on=today())


def test_an_expert_outside_the_term_is_not_assigned(w):
    ended = expert("聘期已满", term_starts_on=today() - dt.timedelta(days=800),
                   term_ends_on=today() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="不在聘期内"):
        services.checkup_assign(actor=w.inspector, checkup=_checkup(w), experts=[ended], planned_on=today())


# -- matching the specialty --------------------------------------------------------------------------------------

def test_a_coal_expert_cannot_lead_a_hazchem_checkup_and_members_need_a_supporting_specialty(w):
    c = _checkup(w, "hazchem")
    coal, chem, electric = expert("煤矿专家", specialty="coal"), expert("化工专家"), expert("电气专家",
                                                                                       specialty="electrical")
    with pytest.raises(DomainError, match="组长须具备本次体检所需专业"):
        services.checkup_assign(actor=w.inspector, checkup=c, experts=[coal, chem], planned_on=today(), leader=coal)
    with pytest.raises(DomainError, match="专业与本次体检所需专业（危险化学品）不符"):
        services.checkup_assign(actor=w.inspector, checkup=c, experts=[chem, coal], planned_on=today())
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[electric, chem], planned_on=today())
    leaders = [a.expert for a in c.assignments.filter(is_leader=True)]
    assert leaders == [chem]  # without a choice, the first expert of the specialty leads
    with pytest.raises(DomainError, match="组长须具备"):
        services.checkup_choose_leader(actor=w.inspector, checkup=c, expert=electric)


def test_the_leader_is_chosen_among_the_team(w, login):
    c = _checkup(w)
    first, second = expert("甲"), expert("乙")
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[first, second], planned_on=today())
    login(w.inspector).post(f"/assistance/checkups/{c.pk}/leader/", {"leader": second.pk})
    assert list(c.assignments.filter(is_leader=True).values_list("expert", flat=True)) == [second.pk]


def test_a_recorded_draw_takes_only_eligible_experts_and_reruns_to_the_same_team(w, login):
    c = _checkup(w)
    eligible = [expert(f"化工{i}") for i in range(5)]
    expert("煤矿", specialty="coal")
    expert("回避", conflicts=(w.enterprise,))
    expert("期满", term_starts_on=today() - dt.timedelta(days=900), term_ends_on=today() - dt.timedelta(days=1))
    r = login(w.inspector).post(f"/assistance/checkups/{c.pk}/assign/", {
        "method": "draw", "size": 3, "planned_on": today().isoformat()})
    draw = RecordedDraw.objects.get()
    assert r["Location"] == f"/assistance/checkups/{c.pk}/"
    assert sorted(draw.pool) == sorted(e.pk for e in eligible) and len(draw.seed) == 64
    assert draw.algorithm == rules.DRAW_ALGORITHM and draw.pool_digest == rules.pool_digest(draw.pool)
    assert services.draw_rerun(draw) == draw.selected == rules.rank_draw(draw.seed, list(reversed(draw.pool)), 3)
    team = list(c.assignments.order_by("-is_leader", "id").values_list("expert_id", "is_leader"))
    assert {pk for pk, _ in team} == set(draw.selected) and team[0] == (draw.selected[0], True)
    assert set(draw.criteria["excluded"]) == {str(e.pk) for e in Expert.objects.filter(name__in=["回避", "期满"])}
    page = login(w.inspector).get(f"/assistance/draws/{draw.pk}/").content.decode()
    assert "复核一致" in page and draw.seed in page
    assert login(w.other_inspector).get(f"/assistance/draws/{draw.pk}/").status_code == 404


def test_rotation_takes_the_expert_assigned_least_recently(w):
    busy, rested = expert("常去"), expert("少去")
    earlier = services.checkup_request(actor=w.inspector, enterprise=w.enterprise, specialty="hazchem", topics="")
    services.checkup_assign(actor=w.inspector, checkup=earlier, experts=[busy], planned_on=today())
    c = services.checkup_request(actor=w.inspector, enterprise=EnterpriseFactory(region_id="140802"),
                                 specialty="hazchem", topics="")
    draw = services.checkup_draw_team(actor=w.inspector, checkup=c, planned_on=today(), size=1, method="rotation")
    assert draw.selected == [rested.pk] and draw.seed == "" and services.draw_rerun(draw) == [rested.pk]


def test_a_draw_needs_enough_eligible_experts(w):
    expert("唯一")
    with pytest.raises(DomainError, match="只有 1 名，不足 2 名"):
        services.checkup_draw_team(actor=w.inspector, checkup=_checkup(w), planned_on=today(), size=2)
    assert not RecordedDraw.objects.exists()


# -- the report, the fees, the rating ----------------------------------------------------------------------------

def _submitted(w, *experts_):
    c = _checkup(w)
    services.checkup_assign(actor=w.inspector, checkup=c, experts=list(experts_), planned_on=today())
    lead = experts_[0]
    services.finding_add(actor=lead.user, checkup=c, title="反应釜温度联锁旁路", location="合成车间",
                         basis="GB 50160", suggestion="恢复联锁", deadline=today() + dt.timedelta(days=10))
    services.finding_add(actor=lead.user, checkup=c, title="可燃气体报警器未校验", location="罐区", grade="major",
                         major_criterion="危化重大隐患判定标准 第十条")
    services.checkup_submit(actor=lead.user, checkup=c, summary="发现问题 2 项")
    return c


def test_the_report_pdf_lists_every_finding(w, monkeypatch, real_pdf):
    specs = []
    render = documents.render_pdf

    def recording(spec):
        specs.append(spec)
        return render(spec)

    monkeypatch.setattr(documents, "render_pdf", recording)
    c = _submitted(w, expert("组长甲"), expert("组员乙", specialty="electrical"))
    data = c.documents().get(kind="checkup_report").file.read()
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data and b"/ToUnicode" in data
    grid = next(b for b in specs[-1].blocks if isinstance(b, documents.Grid))
    hazards = dict(CheckupFinding.objects.values_list("title", "hazard__number"))
    assert [row[1] for row in grid.rows] == ["反应釜温度联锁旁路（合成车间）", "可燃气体报警器未校验（罐区）"]
    assert [row[2] for row in grid.rows] == ["一般隐患", "重大隐患"]
    assert grid.rows[0][5] == hazards["反应釜温度联锁旁路"] and "恢复联锁" in grid.rows[0][3]
    team = dict(next(b for b in specs[-1].blocks if isinstance(b, documents.Fields)).rows)["专家组"]
    assert team == "组长甲（组长）、组员乙"


def test_fees_are_recorded_per_expert(w, login):
    lead, member = expert("组长甲"), expert("组员乙", specialty="electrical")
    c = _submitted(w, lead, member)
    r = login(w.inspector).post(f"/assistance/checkups/{c.pk}/settle/", {f"days_{lead.pk}": "2",
                                                                        f"days_{member.pk}": "abc"})
    assert r.status_code == 400 and not ExpertFee.objects.exists()
    login(w.inspector).post(f"/assistance/checkups/{c.pk}/settle/", {f"days_{lead.pk}": "2", f"days_{member.pk}": "1.5"})
    c.refresh_from_db()
    fees = {f.expert_id: (f.days, f.amount) for f in ExpertFee.objects.all()}
    assert fees == {lead.pk: (Decimal("2.0"), Decimal("3000.00")), member.pk: (Decimal("1.5"), Decimal("2250.00"))}
    assert c.state == "settled" and c.cost == Decimal("5250.00") and c.expert_days == Decimal("3.5")
    assert "1500" in ExpertFee.objects.first().basis  # the rate of the rule in force, kept as the basis


def test_the_enterprise_rates_a_finished_checkup_once(w, login):
    e = expert("组长甲")
    c = _checkup(w)
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[e], planned_on=today())
    with pytest.raises(DomainError, match="提交后才能评价"):
        services.checkup_rate(actor=w.owner, checkup=c, level=5)
    services.checkup_submit(actor=e.user, checkup=c, summary="无问题")
    client = login(w.owner)
    assert "评价本次体检服务" in client.get(f"/assistance/checkups/{c.pk}/").content.decode()
    client.post(f"/assistance/checkups/{c.pk}/rate/", {"level": "4", "comment": "专家很专业"})
    rating = services.checkup_rating(c)
    assert (rating.level, rating.comment) == (4, "专家很专业")
    with pytest.raises(DomainError, match="只能评价一次"):
        services.checkup_rate(actor=w.owner, checkup=c, level=1)
    page = client.get(f"/assistance/checkups/{c.pk}/").content.decode()
    assert "评价本次体检服务" not in page and "专家很专业" in page
    with pytest.raises(PermissionDenied):
        services.checkup_rate(actor=w.inspector, checkup=c, level=5)


def test_deleting_a_finding_asks_first(w, login):
    e = expert("组长甲")
    c = _checkup(w)
    services.checkup_assign(actor=w.inspector, checkup=c, experts=[e], planned_on=today())
    finding = services.finding_add(actor=e.user, checkup=c, title="配电室门未关")
    client = login(e.user)
    page = client.get(f"/assistance/checkups/{c.pk}/findings/{finding.pk}/delete/")
    assert page.status_code == 200 and "确定删除这条问题记录吗" in page.content.decode()
    assert CheckupFinding.objects.filter(pk=finding.pk).exists()  # asking deletes nothing
    client.post(f"/assistance/checkups/{c.pk}/findings/{finding.pk}/delete/")
    assert not CheckupFinding.objects.exists()


# -- the API ---------------------------------------------------------------------------------------------------

def _json(client, url, data, method="post"):
    return getattr(client, method)(url, data=json.dumps(data, default=str), content_type="application/json")


def test_api_keeps_the_pool_assigns_by_draw_settles_per_expert_and_rates(w, city_head, login):
    client = login(city_head)
    r = _json(client, "/api/v1/assistance/experts", {
        "name": "韩立", "specialty": "hazchem", "phone": "13935902222", "term_starts_on": today(),
        "term_ends_on": today() + dt.timedelta(days=365)})
    assert r.status_code == 201 and r.json()["phone"] == "139****2222"
    created = Expert.objects.get(name="韩立")
    r = _json(client, f"/api/v1/assistance/experts/{created.pk}/conflicts",
              {"enterprise_uscc": w.enterprise.uscc, "kind": "employer", "reason": "原任职单位"})
    assert r.status_code == 201 and r.json()["conflicts"][0]["reason"] == "原任职单位"
    a, b = expert("甲"), expert("乙")
    c = _checkup(w)
    client = login(w.inspector)
    assert _json(client, "/api/v1/assistance/experts", {"name": "x", "specialty": "coal", "term_starts_on": today(),
                                                        "term_ends_on": today()}).status_code == 403
    r = _json(client, f"/api/v1/assistance/checkups/{c.pk}/assign", {"method": "draw", "size": 2,
                                                                    "planned_on": today()})
    body = r.json()
    assert r.status_code == 200 and {m["expert_id"] for m in body["team"]} == {a.pk, b.pk}  # 韩立 recuses
    draws = client.get(f"/api/v1/assistance/checkups/{c.pk}/draws").json()
    assert draws[0]["rerun_matches"] and created.pk not in draws[0]["pool"]
    c.refresh_from_db()
    services.checkup_submit(actor=a.user, checkup=c, summary="无问题")
    r = _json(client, f"/api/v1/assistance/checkups/{c.pk}/settle",
              {"fees": [{"expert_id": a.pk, "days": "1"}, {"expert_id": b.pk, "days": "1"}]})
    assert r.status_code == 200 and r.json()["cost"] == "3000.00" and len(r.json()["fees"]) == 2
    client = login(w.owner)
    r = _json(client, f"/api/v1/assistance/checkups/{c.pk}/rating", {"level": 5})
    assert r.status_code == 201 and r.json()["level_label"] == "非常满意"
    assert _json(client, f"/api/v1/assistance/checkups/{c.pk}/rating", {"level": 5}).status_code == 400


def test_ticking_experts_while_the_draw_is_chosen_is_refused_not_silently_drawn(w, login):
    c = _checkup(w)
    a, _b = expert("甲"), expert("乙")
    r = login(w.inspector).post(f"/assistance/checkups/{c.pk}/assign/", {
        "method": "draw", "size": 1, "experts": [a.pk], "planned_on": today().isoformat()})
    assert r.status_code == 400 and "请选择“指定专家”" in r.content.decode()
    assert not c.assignments.exists() and not RecordedDraw.objects.exists()
