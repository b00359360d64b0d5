"""双随机 draws nobody can steer (measure II.4; 国发〔2019〕5号 二（三）（五）; issue 14 D): the draw is announced with a
commitment before its time, the seed comes from the committed nonce and a public value fixed after the commitment,
no officer supplies a seed, every attempt — refused ones too — is recorded and published, the same commitment always
gives the same selection, enterprises without an eligible team (行政处罚法 第42条、第43条) are handled before the draw,
and anyone can re-run it."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django.utils import timezone

from bureau.enterprises.models import Industry
from bureau.inspection import beacons
from bureau.inspection import rules as R
from bureau.inspection import services as S
from bureau.inspection.models import ConflictOfInterest, Draw, DrawAttempt, Inspection
from bureau.kernel.errors import DomainError, PermissionDenied
from tests.factories import make_user
from tests.inspection.conftest import announce_and_draw
from tests.inspection.test_http import reference_rerun


@pytest.fixture
def key_city(world):
    return world.enterprise(level="city", industry=Industry.HAZCHEM_PRODUCTION, is_key=True)


def announce(world, **kw):
    args = {"actor": world.inspector, "title": "危化经营抽查",
            "officer_ids": [world.inspector.pk, world.inspector2.pk, world.inspector3.pk], "size": 2}
    return S.draw_announce(**(args | kw))


# ---- the rule, without the database ------------------------------------------------------------------------------

def test_same_commitment_and_public_value_give_the_same_selection_and_another_value_another():
    """Commit-reveal: seed = SHA-256(nonce, public value); the same inputs always select the same enterprises, a
    different public value (fixed only after the commitment) selects others."""
    pool = list(range(1, 2001))
    nonce = "ab" * 32
    value = R.public_value_of({"kind": "audit", "draw_at": "2026-12-06T01:30:00.000Z", "seq": 41, "mac": "c" * 64})
    runs = [R.run_draw(seed=R.seed_of(nonce, value), pool=pool, sample_size=10, officers=[1, 2, 3], team_size=2)
            for _ in range(2)]
    assert runs[0] == runs[1]
    other = R.public_value_of({"kind": "audit", "draw_at": "2026-12-06T01:30:00.000Z", "seq": 42, "mac": "d" * 64})
    assert R.run_draw(seed=R.seed_of(nonce, other), pool=pool, sample_size=10, officers=[1, 2, 3],
                      team_size=2).selected != runs[0].selected
    assert R.seed_of("cd" * 32, value) != R.seed_of(nonce, value)  # the nonce matters as much


def test_commitment_binds_the_nonce_the_pool_and_the_parameters():
    params = R.params_text({"draw_at": "2026-12-06T01:30:00.000Z", "sample_size": 2})
    c = R.commitment_of("n1", "d" * 64, params)
    assert c != R.commitment_of("n2", "d" * 64, params)
    assert c != R.commitment_of("n1", "e" * 64, params)
    assert c != R.commitment_of("n1", "d" * 64, R.params_text({"draw_at": "2026-12-06T01:30:00.000Z",
                                                                "sample_size": 3}))


def test_enterprises_without_a_team_are_handled_before_the_draw():
    """行政处罚法 第42条 (two officers), 第43条 (回避): an enterprise the officer pool cannot staff keeps its place and is
    staffed from the bureau's 名录库 (国发〔2019〕5号 二（三）); when even that is too few it leaves this draw,
    listed with the reason."""
    pool = [10, 20, 30]
    kept, handled = R.handle_teamless(pool=pool, officers=[1, 2, 3], reserve=[4],
                                      conflicts=[[1, 10], [2, 10], [1, 20], [2, 20], [4, 20], [1, 30]],
                                      team_size=2)
    assert kept == [10, 30]
    assert [(h.enterprise, h.handling, h.eligible) for h in handled] == [(10, "reserve", 2), (20, "excluded", 1)]
    assert "名录库" in handled[0].reason and "报请上级" in handled[1].reason
    result = R.run_draw(seed="s", pool=kept, sample_size=2, officers=[1, 2, 3], team_size=2,
                        conflicts=[[1, 10], [2, 10], [1, 30]], reserve=[4])
    assert sorted(result.teams[10]) == [3, 4] and result.reserve_used == [10]


def test_drand_round_math_and_value_are_public():
    """The drand quicknet round published at or after a moment (round r at genesis + (r − 1)·3 s)."""
    at = dt.datetime(2026, 4, 20, tzinfo=dt.UTC).timestamp()
    assert R.drand_round_at(at, genesis=beacons.QUICKNET_GENESIS, period=beacons.QUICKNET_PERIOD) == 27946612
    assert R.drand_round_at(at + 1, genesis=beacons.QUICKNET_GENESIS, period=beacons.QUICKNET_PERIOD) == 27946613


# ---- announce ------------------------------------------------------------------------------------------------------

def test_an_officer_cannot_supply_a_seed(world, general):
    """Issue 14 D: the seed is not an input anywhere — not in the service, the form or the API."""
    assert "seed" not in inspect.signature(S.draw_announce).parameters
    assert "seed" not in inspect.signature(S.draw_attempt).parameters
    from bureau.inspection.forms import DrawForm, RedoForm

    assert "seed" not in DrawForm(officers=[]).fields and "seed" not in RedoForm().fields
    with pytest.raises(TypeError):
        S.draw_announce(actor=world.inspector, title="x", officer_ids=[world.inspector.pk, world.inspector2.pk],
                        size=1, seed="lucky")


def test_the_announcement_publishes_the_commitment_and_hides_the_nonce(world, client):
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    d = announce(world)
    assert d.state == "announced" and d.published_at and d.draw_at > d.announced_at
    assert len(d.commitment) == 64 and d.nonce and d.revealed_nonce is None and not d.seed
    assert d.commitment == R.commitment_of(d.nonce, d.pool_digest, d.params_text)
    body = client.get(f"/api/v1/draws/{d.pk}").json()
    assert body["commitment"] == d.commitment and body["nonce"] is None and body["params"]["draw_at"]
    page = client.get(f"/inspection/public/draws/{d.pk}/").content.decode()
    assert d.commitment in page and d.nonce not in page and "抽取时揭示" in page


def test_the_draw_time_must_come_after_the_announcement(world, general):
    with pytest.raises(DomainError, match="抽取时间须晚于公告时间"):
        announce(world, size=1, draw_at=timezone.now() - dt.timedelta(minutes=1))
    with pytest.raises(DomainError, match="不能晚于公告后"):
        announce(world, size=1, draw_at=timezone.now() + dt.timedelta(days=400))
    assert not Draw.objects.exists()


def test_pool_excludes_key_protected_capped_and_other_levels(world, key_city, clock):
    pool_members = [world.enterprise(industry=Industry.HAZCHEM_OPERATION, credit_grade="B2") for _ in range(4)]
    world.enterprise(standardization_grade="1")
    capped = world.enterprise(credit_grade="B1")
    S.inspection_open(actor=world.city_inspector, enterprise=capped, kind="random",
                      officers=[world.city_inspector, world.city_inspector2])
    world.enterprise(region_id="140821")  # another county
    d = announce_and_draw(world, clock)
    assert d.pool == sorted(e.pk for e in pool_members)
    assert d.excluded == {"protected_count": 1, "at_cap": [capped.pk], "no_team": []}
    assert d.algorithm == "yc-draw-v2" and d.state == "drawn" and d.revealed_nonce == d.nonce
    assert Inspection.objects.filter(draw=d, kind="random", state="assigned").count() == 2
    assert S.draw_verify(d) == (True, [])
    for i in Inspection.objects.filter(draw=d):
        assert sorted(i.officers.values_list("pk", flat=True)) == sorted(d.teams[str(i.enterprise_id)])


def test_draws_respect_caps_and_refusals_at_the_announcement(world, clock):
    for _ in range(5):
        world.enterprise(credit_grade="B1")
    announce_and_draw(world, clock, size=3)
    second = announce_and_draw(world, clock, size=2)
    assert len(second.pool) == 2  # the three drawn before are at the cap of a general enterprise
    with pytest.raises(DomainError, match="只有 0 家"):
        announce(world, size=1)
    with pytest.raises(DomainError, match="至少需要 2 名"):
        announce(world, officer_ids=[world.inspector.pk])
    with pytest.raises(DomainError, match="不是本单位持证执法人员"):
        announce(world, officer_ids=[world.inspector.pk, world.linyi_inspector.pk])
    with pytest.raises(DomainError, match="任务名称"):
        announce(world, title=" ")
    assert Draw.objects.count() == 2


# ---- draw (reveal) -------------------------------------------------------------------------------------------------

def test_an_attempt_before_the_announced_time_is_refused_and_recorded(world, general, clock):
    d = announce(world, size=1)
    attempt = S.draw_attempt(actor=world.inspector, draw=d)
    assert attempt.outcome == "refused" and "未到公告的抽取时间" in attempt.reason and not attempt.seed
    d.refresh_from_db()
    assert d.state == "announced" and d.revealed_nonce is None  # nothing revealed before the time
    clock.after(d)
    drawn = S.draw_attempt(actor=world.inspector2, draw=d)
    assert drawn.outcome == "drawn" and drawn.n == 2
    assert S.draw_attempt(actor=world.inspector, draw=d) == drawn  # drawn: idempotent, no third attempt
    assert DrawAttempt.objects.filter(draw=d).count() == 2


def test_a_refused_attempt_is_recorded_published_and_the_retry_gives_the_same_selection(world, general, clock,
                                                                                        client):
    """A recusal declared after the announcement leaves a drawn enterprise without a team: the attempt is refused,
    recorded with its reason and published; it cannot be retried with another seed — after the conflict is
    resolved the same inputs select the same enterprise."""
    d = announce(world, size=1)
    S.conflict_declare(actor=world.inspector, officer=world.inspector, enterprise=general, reason="亲属")
    S.conflict_declare(actor=world.inspector2, officer=world.inspector2, enterprise=general, reason="同学")
    clock.after(d)
    refused = S.draw_attempt(actor=world.inspector3, draw=d)
    assert refused.outcome == "refused" and "回避后可选执法人员只有 1 人" in refused.reason
    assert refused.selected == [general.pk] and refused.seed and refused.late_conflicts
    assert not Inspection.objects.exists()
    body = client.get(f"/api/v1/draws/{d.pk}").json()
    assert body["attempts"][0]["outcome"] == "refused" and body["attempts"][0]["reason"] == refused.reason
    assert refused.reason in client.get(f"/inspection/public/draws/{d.pk}/").content.decode()
    ConflictOfInterest.objects.filter(officer=world.inspector2).delete()  # the declaration was a mistake
    clock.advance(minutes=5)
    drawn = S.draw_attempt(actor=world.inspector3, draw=d)
    assert drawn.outcome == "drawn" and drawn.seed == refused.seed and drawn.selected == refused.selected
    assert world.inspector.pk not in drawn.teams[str(general.pk)]
    d.refresh_from_db()
    ok, problems = S.draw_verify(d)
    assert ok, problems  # both attempts re-run from the published record
    reference_rerun(client.get(f"/api/v1/draws/{d.pk}").json())  # and by the documented script


def test_a_public_value_that_cannot_be_obtained_refuses_the_attempt_and_a_later_one_fetches_the_same_round(
        world, general, clock, settings, monkeypatch):
    """drand (the documented external beacon): the announced round is fixed; while it cannot be fetched the attempt
    is refused and recorded; later the same round gives the seed."""
    settings.DRAW_BEACON = "drand"
    answers: list[dict] = []

    def fetch(url):
        if not answers:
            raise OSError("offline")
        return answers[0]

    monkeypatch.setattr(beacons.DrandBeacon, "__init__", lambda self, base_url="": object.__setattr__(
        self, "fetch", fetch) or object.__setattr__(self, "base_url", "https://api.drand.sh"))
    d = announce(world, size=1)
    assert d.beacon["kind"] == "drand" and d.beacon["url"].endswith(f"/public/{d.beacon['round']}")
    clock.after(d)
    first = S.draw_attempt(actor=world.inspector, draw=d)
    assert first.outcome == "refused" and "暂无法取得" in first.reason and not first.seed
    answers.append({"round": d.beacon["round"], "randomness": "f" * 64, "signature": "ab"})
    second = S.draw_attempt(actor=world.inspector, draw=d)
    assert second.outcome == "drawn" and second.public_source["randomness"] == "f" * 64
    d.refresh_from_db()
    assert S.draw_verify(d) == (True, [])


def test_enterprises_without_an_eligible_team_are_listed_and_published_before_the_draw(world, clock, client):
    staffed = world.enterprise(credit_grade="B1")
    out = world.enterprise(credit_grade="B1")
    reserve = world.inspector3  # left out of the officer pool: the 名录库 completes the team
    for officer in (world.inspector, world.inspector2):
        S.conflict_declare(actor=officer, officer=officer, enterprise=staffed, reason="亲属")
    for officer in (world.inspector, world.inspector2, reserve):
        S.conflict_declare(actor=officer, officer=officer, enterprise=out, reason="曾任职")
    extra = make_user("盐湖执法丁", roles=["inspector"], organisation=world.yanhu, real_name="盐湖执法丁",
                      enforcement_id="140899001")
    d = announce(world, officer_ids=[world.inspector.pk, world.inspector2.pk], size=1)
    assert d.reserve_pool == sorted([reserve.pk, extra.pk])
    assert d.pool == [staffed.pk] and d.excluded["no_team"] == [out.pk]
    assert [(h["enterprise"], h["handling"]) for h in d.team_handling] == [(staffed.pk, "reserve"),
                                                                          (out.pk, "excluded")]
    page = client.get(f"/inspection/public/draws/{d.pk}/").content.decode()
    assert "抽取前的回避处理" in page and out.name in page and "报请上级" in page
    clock.after(d)
    S.draw_attempt(actor=world.inspector, draw=d)
    d.refresh_from_db()
    assert d.selected == [staffed.pk] and set(d.teams[str(staffed.pk)]) == {reserve.pk, extra.pk}
    assert S.draw_verify(d) == (True, [])


def test_verification_detects_a_tampered_record(world, clock):
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    d = announce_and_draw(world, clock)
    assert S.draw_verify(d)[0]
    for field, value in (("nonce", "0" * 64), ("pool_digest", "1" * 64), ("selected", [d.selected[1], d.selected[0]])):
        tampered = Draw.objects.get(pk=d.pk)
        setattr(tampered, field, value)
        ok, problems = S.draw_verify(tampered)
        assert not ok, field
    attempt = d.attempts.get()
    DrawAttempt.objects.filter(pk=attempt.pk).update(public_source=attempt.public_source | {"mac": "2" * 64})
    ok, problems = S.draw_verify(d)
    assert not ok and any("公共随机数" in p for p in problems) and any("审计日志" in p for p in problems)


def test_legacy_draws_re_verify_from_their_recorded_seed(world):
    """Draws made before commit-reveal (yc-draw-v1) keep their seed and still re-run."""
    pool = [3, 5, 8, 13]
    result = R.run_draw(seed="old", pool=pool, sample_size=2, officers=[world.inspector.pk, world.inspector2.pk],
                        team_size=2)
    d = Draw.objects.create(number="SJ-OLD-1", organisation=world.yanhu, region_id="140802", year=world.year,
                            title="旧抽查", sample_size=2, team_size=2, state="drawn", seed="old",
                            algorithm=R.LEGACY_ALGORITHM, pool_text=result.pool_text, pool_size=4,
                            pool_digest=result.pool_digest, officer_pool=[world.inspector.pk, world.inspector2.pk],
                            selected=result.selected, teams={str(k): v for k, v in result.teams.items()},
                            made_at=timezone.now(), announced_at=timezone.now(), published_at=timezone.now())
    assert S.draw_verify(d) == (True, [])
    with pytest.raises(DomainError, match="旧算法"):
        S.draw_attempt(actor=world.inspector, draw=d)


# ---- replacing a draw --------------------------------------------------------------------------------------------

def test_a_new_announcement_replaces_a_draw_with_a_reason_and_after_a_reveal_only_by_the_leader(world, clock):
    for _ in range(4):
        world.enterprise(credit_grade="B1")
    pending = announce(world)
    with pytest.raises(DomainError, match="必须说明原因"):
        announce(world, redo_of=pending)
    replacing = announce(world, redo_of=pending, redo_reason="执法人员名单有误")
    pending.refresh_from_db()
    assert pending.superseded and pending.revealed_nonce == pending.nonce  # its nonce is published with it
    with pytest.raises(DomainError, match="已被重新公告取代"):
        S.draw_attempt(actor=world.inspector, draw=pending)
    clock.after(replacing)
    S.draw_attempt(actor=world.inspector, draw=replacing)
    replacing.refresh_from_db()
    with pytest.raises(PermissionDenied, match="分管负责人"):
        announce(world, redo_of=replacing, redo_reason="想换一批")
    leader = make_user("盐湖领导执法", roles=["leader", "inspector"], organisation=world.yanhu, real_name="领导",
                       enforcement_id="140877001")
    third = announce(world, actor=leader, redo_of=replacing, redo_reason="企业池筛选条件有误（已核实）")
    replacing.refresh_from_db()
    assert replacing.superseded and third.redo_of == replacing
    assert set(Inspection.objects.filter(draw=replacing).values_list("state", flat=True)) == {"cancelled"}


def test_a_replacement_is_refused_once_an_inspection_started(world, clock):
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    first = announce_and_draw(world, clock)
    started = Inspection.objects.filter(draw=first).first()
    S.inspection_check_in(actor=started.officers.first(), inspection=started)
    leader = make_user("盐湖领导执法", roles=["leader", "inspector"], organisation=world.yanhu, real_name="领导",
                       enforcement_id="140877001")
    with pytest.raises(DomainError, match="已有抽中企业开始检查"):
        announce(world, actor=leader, redo_of=first, redo_reason="x")


def test_a_large_draw_creates_its_tasks_in_a_background_job(world, clock, django_capture_on_commit_callbacks):
    from bureau.kernel.models import RuleParameter

    RuleParameter.objects.create(key="inspection.draw_inline_tasks", value=1, description="测试", source="测试",
                                 effective_from=dt.date.today())
    for _ in range(3):
        world.enterprise(credit_grade="B1")
    d = announce(world, size=3)
    clock.after(d)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        S.draw_attempt(actor=world.inspector, draw=d)
        assert Inspection.objects.count() == 0
    assert len(callbacks) >= 1
    assert Inspection.objects.filter(draw=d).count() == 3
    assert S.draw_create_inspections(draw_id=d.pk, actor_id=world.inspector.pk) == 0  # idempotent
