"""HTTP: every transition and every refusal through the screens and the API; scope (another county → 404);
public draw record without login; query budgets on lists."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.enterprises.models import Industry
from bureau.hazards.models import Hazard
from bureau.inspection import rules as R
from bureau.inspection import services as S
from bureau.inspection.models import AnnualPlan, ConflictOfInterest, Draw, Inspection, PatrolRecord
from bureau.kernel.errors import DomainError


def post(client, url, data=None, **kw):
    return client.post(url, data or {}, follow=True, **kw)


def msgs(response):
    return " ".join(str(m) for m in response.context["messages"])


def test_full_inspection_through_the_screens(world, general, login):
    c = login(world.inspector)
    inspection = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                   officers=[world.inspector, world.inspector2])
    base = f"/inspection/inspections/{inspection.pk}/"
    r = post(c, f"/inspection/checkin/{general.checkin_token}/", {"inspection": inspection.pk})
    assert "已扫码入企" in msgs(r) and r.redirect_chain[-1][0] == base
    items = inspection.items()
    r = post(c, base + "record/", {"item": items[0].pk, "outcome": "finding", "note": ""})
    assert "发现问题时请描述问题情况" in msgs(r)
    for item in items:
        post(c, base + "record/", {"item": item.pk, "outcome": "finding" if item.seq == 3 else "compliant",
                                   "note": "未登记建档" if item.seq == 3 else ""})
    r = post(c, base + "finish/", {"summary": "x", "deadline": ""})
    assert "须确定整改期限" in msgs(r)
    deadline = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    r = post(c, base + "finish/", {"summary": "检查完毕", "deadline": deadline})
    assert "文书已生成" in msgs(r)
    hazard = Hazard.objects.get()
    r = post(c, base + "recheck/", {f"hazard_{hazard.pk}": "1", "opinion": ""})
    assert "请填写复查意见" in msgs(r)
    r = post(c, base + "recheck/", {f"hazard_{hazard.pk}": "1", "opinion": "已整改"})
    inspection.refresh_from_db()
    assert inspection.state == "closed" and "整改复查意见书" in r.content.decode()
    assert "现场检查记录" in r.content.decode() and "责令限期整改指令书" in r.content.decode()


def test_approval_refusal_and_cancel_through_the_screens(world, login):
    protected = world.enterprise(standardization_grade="1")
    inspection = S.inspection_open(actor=world.inspector, enterprise=protected, kind="random",
                                   officers=[world.inspector, world.inspector2])
    c = login(world.inspector)
    r = post(c, f"/inspection/inspections/{inspection.pk}/checkin/")
    assert "尚未批准，不能入企检查" in msgs(r)
    r = post(c, f"/inspection/inspections/{inspection.pk}/approve/", {"reason": "同意"})
    assert "无权" in msgs(r)
    c = login(world.leader)
    r = post(c, f"/inspection/inspections/{inspection.pk}/approve/", {"reason": ""})
    assert "请填写批准理由" in msgs(r)
    r = post(c, f"/inspection/inspections/{inspection.pk}/refuse/", {"reason": "无新线索，无事不扰"})
    inspection.refresh_from_db()
    assert inspection.state == "cancelled"
    other = S.inspection_open(actor=world.inspector, enterprise=world.enterprise(credit_grade="B1"), kind="random",
                              officers=[world.inspector, world.inspector2])
    r = post(c, f"/inspection/inspections/{other.pk}/cancel/", {"reason": "企业停产"})
    other.refresh_from_db()
    assert other.state == "cancelled"


def test_another_countys_records_answer_404(world, general, login):
    inspection = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                                   officers=[world.inspector, world.inspector2])
    c = login(world.linyi_inspector)
    assert c.get(f"/inspection/inspections/{inspection.pk}/").status_code == 404
    assert c.post(f"/inspection/inspections/{inspection.pk}/checkin/").status_code == 404
    assert c.get(f"/inspection/checkin/{general.checkin_token}/").status_code == 404
    assert c.get(f"/api/v1/inspections/{inspection.pk}").status_code in {404, 405}
    assert c.get("/api/v1/inspections").json()["items"] == []


def test_enterprise_users_see_no_inspection_screens(world, general, login):
    from tests.factories import make_user

    c = login(make_user("qiye_t", roles=["enterprise"], enterprise=general))
    assert c.get("/inspection/").status_code == 404


def test_plan_screens_refuse_double_booking_and_approve(world, login):
    key_city = world.enterprise(level="city", industry=Industry.HAZCHEM_PRODUCTION, is_key=True)
    key = world.enterprise(industry=Industry.COAL, is_key=True)
    city_plan = S.plan_create(actor=world.city_inspector, year=world.year)
    S.plan_entry_add(actor=world.city_inspector, plan=city_plan, enterprise=key_city, months=[3], frequency=1)
    c = login(world.inspector)
    r = post(c, "/inspection/plans/new/", {"year": world.year, "other_enforcement_days": 10,
                                          "non_enforcement_days": 5, "random_share_target": 50})
    plan = AnnualPlan.objects.get(organisation=world.yanhu)
    r = post(c, f"/inspection/plans/{plan.pk}/", {"enterprise": key_city.pk, "months": "3", "frequency": 1})
    assert "不在您的管辖范围内" in r.content.decode() or "不能列入本计划" in r.content.decode()
    r = post(c, f"/inspection/plans/{plan.pk}/", {"enterprise": key.pk, "months": "3,9,11", "frequency": 3})
    assert "不超过 2 次" in r.content.decode()
    r = post(c, f"/inspection/plans/{plan.pk}/", {"enterprise": key.pk, "months": "3,9", "frequency": 2})
    assert plan.entries.count() == 1
    post(c, f"/inspection/plans/{plan.pk}/submit/")
    r = post(c, f"/inspection/plans/{plan.pk}/approve/")
    assert "无权" in msgs(r) or "只能" in msgs(r)
    c = login(world.leader)
    r = post(c, f"/inspection/plans/{plan.pk}/reject/", {"note": ""})
    assert "请填写退回理由" in msgs(r)
    post(c, f"/inspection/plans/{plan.pk}/approve/", {"note": "同意"})
    plan.refresh_from_db()
    assert plan.state == "approved"
    c.logout()
    page = c.get(f"/inspection/public/plans/{plan.pk}/").content.decode()
    assert key.name in page


def reference_rerun(d):
    """The re-run script of docs/inspection.md (yc-draw-v2), written from the documentation, not the code."""
    import hashlib
    import json

    def H(s):
        return hashlib.sha256(s.encode()).hexdigest()

    p = json.loads(d["params_text"])
    pool, k, t = d["pool"], p["sample_size"], p["team_size"]
    assert H(",".join(map(str, pool))) == d["pool_digest"] == p["pool_digest"]
    assert H(f"yc-draw-v2|{d['nonce']}|{d['pool_digest']}|{d['params_text']}") == d["commitment"]
    for a in d["attempts"]:
        s = a["public_source"]
        if not s:
            continue
        if s["kind"] == "audit":
            assert s["draw_at"] == p["draw_at"] and s["at"] >= p["draw_at"]
            value = H(f"yc-beacon|audit|{s['draw_at']}|{s['seq']}|{s['mac']}")
        else:
            assert s["round"] == p["beacon"]["round"]
            value = H(f"yc-beacon|drand|{s['chain']}|{s['round']}|{s['randomness']}")
        seed = H(f"yc-draw-v2|seed|{d['nonce']}|{value}")
        assert value == a["public_value"] and seed == a["seed"]
        counter = [0]

        def below(m, seed=seed, counter=counter):
            while True:
                x = int.from_bytes(hashlib.sha256(f"{seed}:E:{counter[0]}".encode()).digest()[:8], "big")
                counter[0] += 1
                if x < 2**64 - 2**64 % m:
                    return x % m

        arr = list(pool)
        for j in range(k):
            r = j + below(len(arr) - j)
            arr[j], arr[r] = arr[r], arr[j]
        assert arr[:k] == a["selected"]
        blocked = {}
        for o, e in p["conflicts"] + a["late_conflicts"]:
            blocked.setdefault(e, set()).add(o)
        main = [o for o in p["officer_pool"] if o not in a["unavailable"]]
        extra = [o for o in p["reserve_pool"] if o not in a["unavailable"] and o not in p["officer_pool"]]
        teams = {}
        for e in arr[:k]:
            free = [o for o in main if o not in blocked.get(e, ())]
            if len(free) < t:
                free += [o for o in extra if o not in blocked.get(e, ())]
            if len(free) < t:
                break
            teams[str(e)] = sorted(free, key=lambda o, e=e, seed=seed: (
                hashlib.sha256(f"{seed}:O:{e}:{o}".encode()).digest(), o))[:t]
        assert (a["outcome"] == "drawn" and teams == a["teams"]) or (a["outcome"] == "refused" and len(teams) < k)


def test_draw_screens_announce_then_draw_then_verify(world, login, client, clock):
    """Issue 14 D through the screens: the form has no seed; announcing publishes the commitment; a click before
    the announced time is a refused, recorded attempt; after it the draw reveals the nonce; the public verify page
    re-runs it; a replacement needs a reason."""
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    c = login(world.inspector)
    officers = [world.inspector.pk, world.inspector2.pk]
    assert 'name="seed"' not in c.get("/inspection/draws/new/").content.decode()
    r = post(c, "/inspection/draws/new/", {"title": "抽查", "size": 9, "officers": officers})
    assert "少于抽取数量 9 家" in r.content.decode()
    r = post(c, "/inspection/draws/new/", {"title": "抽查", "size": 1, "officers": [world.inspector.pk]})
    assert "至少需要 2" in r.content.decode()
    later = timezone.localtime() + dt.timedelta(minutes=10)
    r = post(c, "/inspection/draws/new/", {"title": "抽查", "ratio": 50, "officers": officers, "seed": "abc",
                                           "draw_at": later.strftime("%Y-%m-%dT%H:%M")})
    d = Draw.objects.get()
    assert d.sample_size == 2 and d.seed == "" and d.state == "announced"
    assert d.commitment in r.content.decode() and "已公告" in msgs(r)
    r = post(c, f"/inspection/draws/{d.pk}/draw/")
    assert "第 1 次抽取未完成（已记录并公示）" in msgs(r) and "未到公告的抽取时间" in msgs(r)
    clock.after(d)
    c = login(world.inspector)  # the clock moved past the session's idle limit
    r = post(c, f"/inspection/draws/{d.pk}/draw/")
    d.refresh_from_db()
    assert "抽取完成" in msgs(r) and d.state == "drawn" and d.nonce in r.content.decode()
    assert "复核通过" in c.get(f"/inspection/draws/{d.pk}/?verify=1").content.decode()
    r = post(c, f"/inspection/draws/{d.pk}/redo/", {"title": "抽查", "size": 1, "officers": officers, "reason": "",
                                                   "draw_at": (later + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})
    assert Draw.objects.count() == 1
    c.logout()
    body = client.get(f"/api/v1/draws/{d.pk}").json()
    assert {"commitment", "nonce", "params_text", "public_source", "pool", "selected", "teams", "attempts"} <= set(body)
    assert body["nonce"] == d.nonce and body["algorithm"] == "yc-draw-v2" and len(body["attempts"]) == 2
    assert len(body["selected"]) == 2 and set(body["teams"]) == {str(i) for i in body["selected"]}
    reference_rerun(body)  # the script of docs/inspection.md, on the API's answer
    assert all(c.ok for c in R.verify_record(body | {"pool_text": None}))
    assert client.get(f"/api/v1/draws/{d.pk}/verify").json()["matches"] is True
    assert client.get("/api/v1/draws/999999").status_code == 404
    page = client.get(f"/inspection/public/draws/{d.pk}/verify/").content.decode()
    assert "一致" in page and "部分 Fisher–Yates 洗牌" in page and "承诺值" in page


def test_draw_api_announce_and_attempt_need_the_draws_write_scope(world, client, clock):
    """The API (token_scope draws:write): announce, then attempt; a seed in the body is refused; a read-only token
    cannot announce."""
    from bureau.accounts.services import api_token_issue

    for _ in range(2):
        world.enterprise(credit_grade="B1")
    _t, raw = api_token_issue(actor=None, user=world.inspector, name="抽查终端", scopes=["draws:write"])
    _r, read = api_token_issue(actor=None, user=world.inspector, name="只读", scopes=["draws:read"])
    payload = {"title": "接口抽查", "officer_ids": [world.inspector.pk, world.inspector2.pk], "size": 1}
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    r = client.post("/api/v1/draws", payload | {"seed": "lucky"}, content_type="application/json", **bearer)
    assert r.status_code == 400 and "seed" in r.json()["detail"]
    r = client.post("/api/v1/draws", payload, content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {read}")
    assert r.status_code == 403
    r = client.post("/api/v1/draws", payload, content_type="application/json", **bearer)
    assert r.status_code == 201 and r.json()["nonce"] is None
    draw_id = r.json()["id"]
    early = client.post(f"/api/v1/draws/{draw_id}/attempts", content_type="application/json", **bearer).json()
    assert early["outcome"] == "refused" and early["n"] == 1
    clock.after(Draw.objects.get(pk=draw_id))
    done = client.post(f"/api/v1/draws/{draw_id}/attempts", content_type="application/json", **bearer).json()
    assert done["outcome"] == "drawn" and len(done["selected"]) == 1


def test_exceptional_inspection_form(world, general, login):
    """Measure II.4 (exceptions): the enterprise is picked by name within the jurisdiction, not typed as an id."""
    c = login(world.inspector)
    page = c.get("/inspection/inspections/new/").content.decode()
    assert "企业 ID" not in page and 'data-picker-url="/enterprises/search.json"' in page and general.name in page
    r = post(c, "/inspection/inspections/new/", {"enterprise": general.pk, "reason": "accident",
                                                 "reference": "事故 2026-03", "officers": [world.inspector.pk]})
    assert "至少需要 2 名" in r.content.decode()
    post(c, "/inspection/inspections/new/", {"enterprise": general.pk, "reason": "accident", "reference": "事故 2026-03",
                                             "officers": [world.inspector.pk, world.inspector2.pk]})
    assert Inspection.objects.get().exception_reason == "accident"


def test_patrol_lead_becomes_an_inspection_and_is_counted_off_site(world, general, login):
    c = login(world.inspector)
    post(c, "/inspection/patrols/plans/new/", {"industry": Industry.HAZCHEM_OPERATION, "title": "危化经营巡查",
                                               "content": "视频抽查储存场所", "channel": "视频监控", "every_days": 7,
                                               "handling": "电话督促，重大问题转现场检查"})
    plan = S.patrol_plan_create(actor=world.inspector, industry=Industry.COAL, title="煤矿", content="瓦斯",
                                channel="监测", every_days=1, handling="转检查")
    r = post(c, "/inspection/patrols/new/", {"plan": plan.pk, "enterprise": general.pk,
                                             "patrolled_on": timezone.localdate().isoformat(), "finding": "x"})
    assert "与企业行业不符" in r.content.decode()
    from bureau.inspection.models import PatrolPlan

    p = PatrolPlan.objects.get(industry=Industry.HAZCHEM_OPERATION)
    r = post(c, "/inspection/patrols/new/", {"plan": p.pk, "enterprise": general.pk,
                                             "patrolled_on": timezone.localdate().isoformat(),
                                             "finding": "消防通道堆放杂物"})
    record = PatrolRecord.objects.get()
    assert record.lead_state == "open"
    r = post(c, f"/inspection/patrols/{record.pk}/", {"action": "inspection",
                                                     "officers": [world.inspector.pk, world.inspector2.pk]})
    record.refresh_from_db()
    inspection = Inspection.objects.get()
    assert record.lead_state == "inspection" and inspection.exception_reason == "patrol_lead"
    assert inspection.source_type == "inspection.patrolrecord"
    from bureau.inspection.queries import indicator_values
    from bureau.kernel.registry import IndicatorQuery

    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    today = timezone.localdate()
    values = {i.code: i for i in indicator_values(IndicatorQuery(start=today.replace(month=1, day=1), end=today))}
    assert values["inspection.offsite_share"].value == 50.0
    assert values["inspection.random_share"].value == 0.0
    assert values["inspection.per_enterprise"].value == 1.0
    assert values["inspection.cap_breaches"].value == 0.0


def test_indicators_count_an_inspection_once_carried_out_and_an_exception_once_approved(world, general):
    """Measure II.4 and 国办发〔2024〕54号: a task nobody visited is not an inspection (the indicators count an
    inspection from the officers' check-in), and an exception above the yearly cap awaiting the leader is not an
    approved exception."""
    from bureau.inspection.queries import indicator_values
    from bureau.kernel.registry import IndicatorQuery

    task = S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                             officers=[world.inspector, world.inspector2])
    exception = S.inspection_open_exceptional(actor=world.inspector, enterprise=general, reason="complaint",
                                              reference="举报", officers=[world.inspector, world.inspector2])
    assert exception.state == "pending_approval" and exception.over_cap
    today = timezone.localdate()
    query = IndicatorQuery(start=today.replace(month=1, day=1), end=today)

    def values():
        return {i.code: i for i in indicator_values(query)}

    before = values()
    assert before["inspection.random_share"].value is None and before["inspection.per_enterprise"].value is None
    assert before["inspection.cap_breaches"].value == 0.0
    assert "例外检查 0 次" in before["inspection.cap_breaches"].note and "1 次待批准（不计入）" in before[
        "inspection.cap_breaches"].note
    S.inspection_check_in(actor=world.inspector, inspection=task)
    assert values()["inspection.random_share"].value == 100.0
    S.inspection_approve(actor=world.leader, inspection=exception, reason="举报线索具体")
    assert "例外检查 0 次" in values()["inspection.cap_breaches"].note  # approved, but nobody has visited yet
    S.inspection_check_in(actor=world.inspector, inspection=exception)
    after = values()
    assert after["inspection.random_share"].value == 50.0 and after["inspection.cap_breaches"].value == 1.0
    assert "例外检查 1 次" in after["inspection.cap_breaches"].note and "待批准" not in after[
        "inspection.cap_breaches"].note
    none = indicator_values(IndicatorQuery(start=today, end=today, region="140821"))
    assert {i.code: i.value for i in none}["inspection.random_share"] is None


def test_list_pages_have_query_budgets(world, login, django_assert_max_num_queries):
    for _ in range(6):
        e = world.enterprise(credit_grade="B1")
        S.inspection_open(actor=world.inspector, enterprise=e, kind="random",
                          officers=[world.inspector, world.inspector2])
    c = login(world.inspector)
    for url in ["/inspection/", "/inspection/draws/", "/inspection/plans/", "/inspection/patrols/",
                "/api/v1/inspections", "/inspection/public/draws/", "/api/v1/draws"]:
        with django_assert_max_num_queries(16):
            assert c.get(url).status_code == 200


def test_qr_code_and_enterprise_panel(world, general, login):
    c = login(world.inspector)
    r = c.get(f"/inspection/enterprises/{general.pk}/qr/?format=svg")
    assert r["Content-Type"] == "image/svg+xml" and b"<svg" in r.content
    page = c.get(f"/enterprises/{general.pk}/").content.decode()
    assert "入企码" in page and "上限 1 次" in page


def test_officer_declares_a_conflict_through_the_screen(world, general, login):
    """行政处罚法 第43条 (回避): the officer picks the enterprise by name (a search picker, not a raw id)."""
    c = login(world.inspector)
    page = c.get("/inspection/conflicts/").content.decode()
    assert 'data-picker-url="/enterprises/search.json"' in page and "企业 ID" not in page
    r = post(c, "/inspection/conflicts/", {"enterprise": general.pk, "reason": ""})
    assert "回避事由" in r.content.decode() and not ConflictOfInterest.objects.exists()
    r = post(c, "/inspection/conflicts/", {"enterprise": general.pk, "reason": "配偶在该企业任职"})
    assert "已登记回避关系" in msgs(r) and general.name in r.content.decode()
    r = post(c, "/inspection/conflicts/", {"enterprise": general.pk, "reason": "配偶在该企业任职"})
    assert "该回避关系已登记" in r.content.decode()
    other = world.enterprise(region_id="140821")
    r = post(c, "/inspection/conflicts/", {"enterprise": other.pk, "reason": "亲属"})
    assert "企业不存在或不在您的管辖范围内" in r.content.decode()


def test_an_officer_without_a_bureau_sees_nothing_and_gets_404_not_an_error(world, general, login):
    """An inspector account without a bureau: the list (Inspection.objects.restrict) shows nothing, and the pages
    that act for a bureau (a draw needs its officers) answer 404, never an error."""
    from tests.factories import make_user

    S.inspection_open(actor=world.inspector, enterprise=general, kind="random",
                      officers=[world.inspector, world.inspector2])
    c = login(make_user("stray", roles=["inspector"], enforcement_id="1"))
    r = c.get("/inspection/")
    assert r.status_code == 200 and general.name not in r.content.decode()
    assert c.get("/inspection/draws/new/").status_code == 404


def test_penalty_case_opened_from_a_patrol_lead_marks_the_lead(world, general, login):
    """Measure II.7: a patrol finding becomes a lead, then a case — opening the case in the penalties area (link
    on the patrol page) marks the lead 已转立案 with the case number, without typing it back."""
    from bureau.penalties.services import case_open

    plan = S.patrol_plan_create(actor=world.inspector, industry=Industry.HAZCHEM_OPERATION, title="危化经营巡查",
                                content="视频抽查", channel="视频监控", every_days=7, handling="转立案")
    post(login(world.inspector), "/inspection/patrols/new/", {
        "plan": plan.pk, "enterprise": general.pk, "patrolled_on": timezone.localdate().isoformat(),
        "finding": "视频显示动火作业无人监护"})
    record = PatrolRecord.objects.get()
    other = world.enterprise(industry=Industry.HAZCHEM_OPERATION, region_id="140802")
    # a case naming the record but for another enterprise leaves the lead alone
    case_open(actor=world.inspector, enterprise=other, source_type="inspection.patrolrecord",
              source_id=str(record.pk), title="动火作业无人监护", facts="巡查发现", second_officer=world.inspector2)
    record.refresh_from_db()
    assert record.lead_state == "open"
    case = case_open(actor=world.inspector, enterprise=general, source_type="inspection.patrolrecord",
                     source_id=str(record.pk), title="动火作业无人监护", facts="巡查发现",
                     second_officer=world.inspector2)
    record.refresh_from_db()
    assert case.source == "patrol"
    assert record.lead_state == "case" and record.case_reference == case.number
    page = login(world.inspector).get(f"/inspection/patrols/{record.pk}/").content.decode()
    assert case.number in page


def test_a_patrol_lead_moves_on_the_process_engine_with_one_timeline(world, general, login):
    """Issue 13: a patrol lead's status is a declared process — each move writes the timeline and the audit trail,
    the buttons are the declared actions, a second officer on a stale page is refused, another county gets 404."""
    from bureau.kernel.models import AuditEntry

    plan = S.patrol_plan_create(actor=world.inspector, industry=Industry.HAZCHEM_OPERATION, title="危化经营巡查",
                                content="视频抽查", channel="视频监控", every_days=7, handling="转立案")
    record = S.patrol_record_create(actor=world.inspector, plan=plan, enterprise=general,
                                    patrolled_on=timezone.localdate(), finding="储罐区无人值守")
    c = login(world.inspector)
    page = c.get(f"/inspection/patrols/{record.pk}/").content.decode()
    assert "转现场检查" in page and "转立案" in page
    stale = PatrolRecord.objects.get(pk=record.pk)
    post(c, f"/inspection/patrols/{record.pk}/", {"action": "case", "case_reference": "移送市场监管局 2026-01"})
    record.refresh_from_db()
    assert record.lead_state == "case" and record.version == 1
    assert [h.action for h in record.history()] == ["to_case"]
    assert AuditEntry.objects.filter(action="inspection.patrol_lead.to_case").count() == 1
    page = c.get(f"/inspection/patrols/{record.pk}/").content.decode()
    assert "生成线索检查任务" not in page and "已转立案" in page
    with pytest.raises(DomainError):
        S.patrol_lead_to_case(actor=world.inspector2, record=stale, case_reference="重复登记")
    assert login(world.linyi_inspector).get(f"/inspection/patrols/{record.pk}/").status_code == 404
