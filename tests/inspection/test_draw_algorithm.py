"""The draw algorithm yc-draw-v1 (measure II.4): deterministic, uniform over the pool, teams of certified
officers with recusal, and identical to the specification published in docs/inspection.md."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bureau.inspection import rules as R

pools = st.lists(st.integers(min_value=1, max_value=10**7), min_size=1, max_size=200, unique=True)


def reference_draw(seed, pool, k, officers, team_size, conflicts):
    """The algorithm written straight from docs/inspection.md, independent of the implementation."""
    pool = sorted(set(pool))
    text = ",".join(str(i) for i in pool)
    digest = hashlib.sha256(text.encode()).hexdigest()
    counter = 0

    def below(m):
        nonlocal counter
        while True:
            x = int.from_bytes(hashlib.sha256(f"{seed}:E:{counter}".encode()).digest()[:8], "big")
            counter += 1
            if x < 2**64 - 2**64 % m:
                return x % m

    arr = list(pool)
    for j in range(k):
        r = j + below(len(arr) - j)
        arr[j], arr[r] = arr[r], arr[j]
    selected = arr[:k]
    teams = {}
    for e in selected:
        free = [o for o in sorted(set(officers)) if [o, e] not in conflicts]
        teams[e] = sorted(free, key=lambda o: (hashlib.sha256(f"{seed}:O:{e}:{o}".encode()).digest(), o))[:team_size]
    return digest, selected, teams


@hsettings(max_examples=60, deadline=None)
@given(pool=pools, seed=st.text(min_size=1, max_size=40), data=st.data())
def test_draw_is_deterministic_and_matches_the_published_specification(pool, seed, data):
    k = data.draw(st.integers(min_value=1, max_value=len(pool)))
    officers = [11, 12, 13, 14]
    conflicts = [[11, pool[0]]]
    first = R.run_draw(seed=seed, pool=pool, sample_size=k, officers=officers, team_size=2, conflicts=conflicts)
    again = R.run_draw(seed=seed, pool=list(reversed(pool)), sample_size=k, officers=officers[::-1], team_size=2,
                       conflicts=conflicts)
    assert first == again  # the order the pool is given in does not matter
    digest, selected, teams = reference_draw(seed, pool, k, officers, 2, conflicts)
    assert (first.pool_digest, first.selected, first.teams) == (digest, selected, teams)
    assert len(set(first.selected)) == k and set(first.selected) <= set(pool)


@hsettings(max_examples=40, deadline=None)
@given(pool=pools, seed=st.text(min_size=1, max_size=20))
def test_teams_have_distinct_officers_and_never_a_conflicted_one(pool, seed):
    officers = [1, 2, 3, 4, 5]
    conflicts = [[o, e] for e in pool[:5] for o in (1, 2)]
    result = R.run_draw(seed=seed, pool=pool, sample_size=min(5, len(pool)), officers=officers, team_size=2,
                        conflicts=conflicts)
    for enterprise, team in result.teams.items():
        assert len(team) == len(set(team)) == 2
        assert not any([o, enterprise] in conflicts for o in team)


def test_draw_is_uniform_over_the_pool_across_many_seeds():
    """Chi-square goodness of fit: 3,000 seeds, pool of 20, sample of 4 → each id expected 600 times."""
    pool = list(range(101, 121))
    counts = dict.fromkeys(pool, 0)
    seeds = 3000
    for s in range(seeds):
        for e in R.rank_enterprises(f"seed-{s}", pool, 4):
            counts[e] += 1
    expected = seeds * 4 / len(pool)
    chi2 = sum((c - expected) ** 2 / expected for c in counts.values())
    assert chi2 < 43.82  # critical value of chi-square with 19 degrees of freedom at p = 0.001


def test_officer_assignment_is_uniform_too():
    counts = dict.fromkeys(range(1, 7), 0)
    for s in range(2000):
        for o in R.rank_officers(f"s{s}", 42, list(counts))[:2]:
            counts[o] += 1
    expected = 2000 * 2 / 6
    assert sum((c - expected) ** 2 / expected for c in counts.values()) < 20.52  # df 5, p = 0.001


def test_a_different_seed_gives_a_different_selection():
    pool = list(range(1, 1001))
    a = R.run_draw(seed="a", pool=pool, sample_size=10, officers=[1, 2], team_size=2)
    b = R.run_draw(seed="b", pool=pool, sample_size=10, officers=[1, 2], team_size=2)
    assert a.selected != b.selected and a.pool_digest == b.pool_digest


def test_pool_digest_is_sha256_of_comma_joined_ascending_ids():
    assert R.pool_digest([1, 2, 30]) == hashlib.sha256(b"1,2,30").hexdigest()


@pytest.mark.parametrize(("pool", "k", "officers", "conflicts", "message"), [
    ([1, 2, 3], 4, [1, 2], [], "少于抽取数量"),
    ([1, 2, 3], 2, [1], [], "每组至少需要 2"),
    ([1], 1, [1, 2, 3], [[1, 1], [2, 1]], "回避后可选执法人员只有 1 人"),
    ([1, 2], 0, [1, 2], [], "至少为 1"),
])
def test_impossible_draws_are_refused_with_the_reason(pool, k, officers, conflicts, message):
    with pytest.raises(R.DrawRefusal, match=message):
        R.run_draw(seed="x", pool=pool, sample_size=k, officers=officers, team_size=2, conflicts=conflicts)


def test_sample_size_from_a_ratio_rounds_up():
    assert R.sample_size_from(pool_size=1000, size=None, ratio_percent=5) == 50
    assert R.sample_size_from(pool_size=7, size=None, ratio_percent=10) == 1
    assert R.sample_size_from(pool_size=7, size=3, ratio_percent=None) == 3
    with pytest.raises(R.DrawRefusal):
        R.sample_size_from(pool_size=7, size=None, ratio_percent=None)


CAPS = R.Caps(key_max=2, general_max=1, protected_standardization=frozenset({"1"}),
              protected_credit=frozenset({"A1", "A2"}))


@given(done=st.integers(min_value=0, max_value=5), is_key=st.booleans(), adding=st.integers(min_value=1, max_value=3))
def test_cap_counts_every_inspection_of_the_year(done, is_key, adding):
    cap = 2 if is_key else 1
    assert R.within_cap(is_key=is_key, inspections_this_year=done, caps=CAPS, adding=adding) == (done + adding <= cap)


def test_protection_names_the_grade_and_band():
    assert R.protection_reason(standardization_grade="1", credit_grade="B1", caps=CAPS) == "安全生产标准化一级企业"
    assert "A2" in R.protection_reason(standardization_grade="2", credit_grade="A2", caps=CAPS)
    assert R.protection_reason(standardization_grade="2", credit_grade="B1", caps=CAPS) == ""


def test_plan_capacity_is_working_days_times_officers_minus_other_days():
    assert R.plan_capacity(legal_working_days=250, officers=4, other_enforcement_days=100, non_enforcement_days=100,
                           officer_days_per_inspection=2) == (800, 400)


@pytest.mark.parametrize(("months", "frequency", "ok"), [([3], 1, True), ([3, 9], 2, True), ([3, 3], 2, False),
                                                        ([13], 1, False), ([], 1, False), ([3], 2, False)])
def test_planned_months_match_the_frequency(months, frequency, ok):
    assert (R.validate_months(months, frequency) is None) == ok


def officer(i, **kw):
    facts = {"id": i, "name": f"执法{i}", "enforcement_id": f"E{i}", "is_inspector": True, "covers_region": True}
    return R.OfficerFacts(**(facts | kw))


@pytest.mark.parametrize(("team", "conflicted", "message"), [
    ([officer(1)], {}, "至少需要 2 名"),
    ([officer(1), officer(1)], {}, "至少需要 2 名"),
    ([officer(1), officer(2, enforcement_id="")], {}, "未持有执法证"),
    ([officer(1), officer(2, covers_region=False)], {}, "不属于企业所在地"),
    ([officer(1), officer(2)], {2: "亲属"}, "应当回避"),
])
def test_team_composition_refusals(team, conflicted, message):
    assert message in R.team_refusal(team, min_size=2, conflicted=conflicted, region_name="盐湖区")


def test_a_proper_team_passes():
    assert R.team_refusal([officer(1), officer(2)], min_size=2) is None
