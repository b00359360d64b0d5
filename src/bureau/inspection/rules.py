"""Pure rules of planned and random enforcement (no database). Numbers come in as arguments (RuleParameter rows).

The draw algorithm `yc-draw-v2` (commit-reveal) is specified in docs/inspection.md so that anyone can re-run a
published draw from its public fields and obtain the identical selection and teams; `yc-draw-v1` (a seed recorded
at the draw) is kept to re-verify the draws made before it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import itertools
import json
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

ALGORITHM = "yc-draw-v2"
LEGACY_ALGORITHM = "yc-draw-v1"


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---- the draw -------------------------------------------------------------------------------------------------

def canonical_pool(ids: Iterable[int]) -> list[int]:
    """The pool as recorded: distinct ids, ascending."""
    ids = ids if isinstance(ids, list) else list(ids)
    if all(map(operator.lt, ids, itertools.islice(ids, 1, None))):  # already canonical (usual: ORDER BY id)
        return ids
    return sorted(set(map(int, ids)))


def pool_text(pool: Sequence[int]) -> str:
    """The canonical pool text: the ascending ids in decimal joined by "," (ASCII, no spaces). Written by the JSON
    encoder (the same text as ",".join(map(str, pool)), 1.5× faster on a million ids)."""
    return json.dumps(list(pool), separators=(",", ":"))[1:-1]


def pool_digest(pool: Sequence[int] | str) -> str:
    """SHA-256 (hex) of the canonical pool text."""
    text = pool if isinstance(pool, str) else pool_text(pool)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def pool_from_text(text: str) -> list[int]:
    """The ids of a pool text (the JSON decoder reads a million ids 2.5× faster than split and int)."""
    return json.loads(f"[{text}]") if text else []


def rank_enterprises(seed: str, pool: Sequence[int], k: int) -> list[int]:
    """A partial Fisher–Yates shuffle of the ascending pool: for j = 0 … k−1, r = j + below(n − j), swap positions j
    and r; the first k positions, in order, are the selection.

    below(m): uniform integers in [0, m) from SHA-256 in counter mode — block c = SHA-256(seed ‖ ":E:" ‖ c) with
    c = 0, 1, 2 …; x = its first 8 bytes as a big-endian integer; x is rejected when x ≥ 2^64 − (2^64 mod m) (no
    modulo bias), otherwise the value is x mod m. Every block, accepted or rejected, consumes one counter value.

    O(k) hashes and O(k) memory whatever the pool size (the swaps are kept in a dict, the pool is never copied):
    cheaper than keying all n enterprises and keeping the k smallest keys (n hashes), which it is equivalent to
    in distribution (each k-sequence equally likely, tests/inspection/test_draw_algorithm.py)."""
    n = len(pool)
    prefix = f"{seed}:E:".encode()
    sha = hashlib.sha256
    moved: dict[int, int] = {}
    selected = []
    counter = 0
    for j in range(k):
        m = n - j
        limit = (1 << 64) - ((1 << 64) % m)
        while True:  # below(m), inlined: the tight loop of a large draw
            x = int.from_bytes(sha(prefix + str(counter).encode()).digest()[:8], "big")
            counter += 1
            if x < limit:
                break
        r = j + x % m
        at_r = moved.get(r, pool[r])
        moved[r] = moved.get(j, pool[j])
        selected.append(at_r)
    return selected


def key_officer(seed: str, enterprise_id: int, officer_id: int) -> bytes:
    return hashlib.sha256(f"{seed}:O:{enterprise_id}:{officer_id}".encode()).digest()


def rank_officers(seed: str, enterprise_id: int, officers: Sequence[int]) -> list[int]:
    """All officers ordered by SHA-256(seed ‖ ":O:" ‖ enterprise_id ‖ ":" ‖ officer_id), then id."""
    return sorted(officers, key=lambda o: (key_officer(seed, enterprise_id, o), o))


@dataclass(frozen=True)
class DrawResult:
    selected: list[int]
    teams: dict[int, list[int]]
    pool_digest: str
    pool_text: str
    reserve_used: list[int] = field(default_factory=list)  # drawn enterprises whose team the 名录库 completed


class DrawRefusal(ValueError):
    """The draw cannot be made; the message (Chinese) names why."""


def _blocked(conflicts: Iterable[Sequence[int]]) -> dict[int, set[int]]:
    blocked: dict[int, set[int]] = {}
    for officer_id, enterprise_id in conflicts:
        blocked.setdefault(int(enterprise_id), set()).add(int(officer_id))
    return blocked


def run_draw(*, seed: str, pool: Sequence[int], sample_size: int, officers: Sequence[int], team_size: int,
             conflicts: Iterable[Sequence[int]] = (), text: str | None = None, reserve: Sequence[int] = (),
             unavailable: Iterable[int] = ()) -> DrawResult:
    """Pick `sample_size` enterprises from `pool`, then a team of `team_size` officers for each, skipping officers
    with a declared conflict with that enterprise (回避, 行政处罚法 第43条) and those `unavailable` (no longer
    active or certified). When the officer pool cannot staff an enterprise, its team is drawn from the officer
    pool and the `reserve` together (the bureau's other certified officers, 国发〔2019〕5号 二（三）); when even
    that is too few, the draw is refused. Deterministic in its inputs.

    Officers are assigned in the draw order of the enterprises; every officer's ranking is independent per
    enterprise, so a team never depends on another enterprise's team.
    """
    pool = canonical_pool(pool)
    officers = canonical_pool(officers)
    if sample_size < 1:
        raise DrawRefusal("抽取数量至少为 1")
    if sample_size > len(pool):
        raise DrawRefusal(f"符合条件的企业只有 {len(pool)} 家，少于抽取数量 {sample_size} 家")
    if len(officers) < team_size:
        raise DrawRefusal(f"执法人员池只有 {len(officers)} 人，每组至少需要 {team_size} 名持证执法人员")
    gone = {int(o) for o in unavailable}
    main = [o for o in officers if o not in gone]
    officer_set = set(officers)
    extra = [o for o in canonical_pool(reserve) if o not in gone and o not in officer_set]
    blocked = _blocked(conflicts)
    selected = rank_enterprises(seed, pool, sample_size)
    teams: dict[int, list[int]] = {}
    reserve_used = []
    for enterprise_id in selected:
        recused = blocked.get(enterprise_id, set())
        eligible = [o for o in main if o not in recused]
        if len(eligible) < team_size and extra:
            eligible += [o for o in extra if o not in recused]
            reserve_used.append(enterprise_id)
        if len(eligible) < team_size:
            raise DrawRefusal(f"企业（ID {enterprise_id}）回避后可选执法人员只有 {len(eligible)} 人，"
                              f"不足每组 {team_size} 人")
        teams[enterprise_id] = rank_officers(seed, enterprise_id, eligible)[:team_size]
    text = pool_text(pool) if text is None else text
    return DrawResult(selected=selected, teams=teams, pool_digest=pool_digest(text), pool_text=text,
                      reserve_used=reserve_used)


def sample_size_from(*, pool_size: int, size: int | None, ratio_percent: float | None) -> int:
    """The sample from an absolute size or a ratio of the pool (rounded up: a ratio never yields 0)."""
    if size:
        return size
    if ratio_percent:
        if not 0 < ratio_percent <= 100:
            raise DrawRefusal("抽查比例应在 0–100% 之间")
        return max(1, -(-int(pool_size * ratio_percent * 100) // 10000))
    raise DrawRefusal("请填写抽取数量或抽查比例")


# ---- before the draw: enterprises without an eligible team -----------------------------------------------------

RESERVE = "reserve"
EXCLUDED = "excluded"


@dataclass(frozen=True)
class Handling:
    """What is done, before the draw, with an enterprise the officer pool cannot staff after recusal."""

    enterprise: int
    handling: str  # RESERVE: the team is completed from the 名录库; EXCLUDED: out of this draw, referred upwards
    eligible: int  # officers of the officer pool and the reserve left after recusal
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"enterprise": self.enterprise, "handling": self.handling, "eligible": self.eligible,
                "reason": self.reason}


def handle_teamless(*, pool: Sequence[int], officers: Sequence[int], reserve: Sequence[int],
                    conflicts: Iterable[Sequence[int]], team_size: int) -> tuple[list[int], list[Handling]]:
    """(the pool to draw from, the enterprises handled): an enterprise whose officer pool, after recusal (回避,
    行政处罚法 第43条), leaves fewer than `team_size` officers (第42条: 执法人员不得少于两人) keeps its place in the pool
    and gets its team from the officer pool and the bureau's other certified officers (国发〔2019〕5号 二（三）:
    the 执法检查人员名录库 holds all the bureau's enforcement staff); if even they are too few it leaves this draw
    with the reason published and is referred to the higher bureau. Only enterprises with a declared conflict are
    looked at (a pool of a million costs nothing more)."""
    pool = canonical_pool(pool)
    officer_set = set(officers)
    extra = set(reserve) - officer_set
    handled: list[Handling] = []
    out: set[int] = set()
    for enterprise_id, recused in sorted(_blocked(conflicts).items()):
        at = bisect.bisect_left(pool, enterprise_id)
        if at == len(pool) or pool[at] != enterprise_id:
            continue
        main = len(officer_set - recused)
        if main >= team_size:
            continue
        total = main + len(extra - recused)
        absent = len(officer_set & recused)
        if total >= team_size:
            handled.append(Handling(enterprise_id, RESERVE, total,
                                    f"执法人员池中 {absent} 人与该企业存在利害关系须回避，余 {main} 人不足每组 {team_size} 人；"
                                    "如被抽中，由本局执法检查人员名录库中其他持证执法人员补足检查组"))
        else:
            handled.append(Handling(enterprise_id, EXCLUDED, total,
                                    f"回避后本局可选执法人员只有 {total} 人，不足每组 {team_size} 人，不能组成合法检查组；"
                                    "移出本次抽查，报请上级应急管理部门指定检查"))
            out.add(enterprise_id)
    kept = [e for e in pool if e not in out] if out else pool
    return kept, handled


# ---- commit-reveal (yc-draw-v2) ---------------------------------------------------------------------------------

def instant(moment: dt.datetime) -> str:
    """A moment as published: UTC, ISO 8601 with milliseconds, e.g. 2026-12-06T01:30:00.000Z."""
    moment = moment.astimezone(dt.UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def parse_instant(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def params_text(params: Mapping[str, Any]) -> str:
    """The announced parameters as committed: JSON, keys sorted, no spaces, ASCII (non-ASCII as \\uXXXX)."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def commitment_of(nonce: str, digest: str, params: str) -> str:
    """The commitment published at the announcement: SHA-256 of "yc-draw-v2|" + nonce + "|" + pool digest + "|" +
    parameters text. It binds the secret nonce to the pool and the parameters before the public value exists."""
    return _sha(f"{ALGORITHM}|{nonce}|{digest}|{params}")


def seed_of(nonce: str, public_value: str) -> str:
    """The seed of the draw: SHA-256 of "yc-draw-v2|seed|" + nonce + "|" + public value (hex)."""
    return _sha(f"{ALGORITHM}|seed|{nonce}|{public_value}")


def public_value_of(source: Mapping[str, Any]) -> str:
    """The public value from its published source (anyone recomputes it):
    audit head — SHA-256 of "yc-beacon|audit|" + draw time + "|" + entry seq + "|" + entry MAC;
    drand — SHA-256 of "yc-beacon|drand|" + chain hash + "|" + round + "|" + randomness."""
    kind = source.get("kind")
    if kind == "audit":
        return _sha(f"yc-beacon|audit|{source['draw_at']}|{source['seq']}|{source['mac']}")
    if kind == "drand":
        return _sha(f"yc-beacon|drand|{source['chain']}|{source['round']}|{source['randomness']}")
    raise DrawRefusal(f"未知的公共随机数来源：{kind}")


def drand_round_at(unix_seconds: float, *, genesis: int, period: int) -> int:
    """The first drand round published at or after the moment: round r is published at genesis + (r − 1)·period."""
    if unix_seconds <= genesis:
        return 1
    return -(-(int(unix_seconds) - genesis) // period) + 1


# ---- re-verification ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    label: str
    ok: bool
    detail: str = ""


def verify_record(record: Mapping[str, Any]) -> list[Check]:
    """Re-run a published draw (yc-draw-v2) from its public record — the fields of GET /api/v1/draws/{id}: `pool`
    (or `pool_text`), `pool_digest`, `params_text`, `commitment`, `nonce`, `public_source`, `public_value`,
    `seed`, `selected`, `teams`, `attempts` — and say, step by step, whether each published value follows."""
    checks: list[Check] = []
    if record.get("pool_text") is not None:
        text = record["pool_text"]
        pool = pool_from_text(text)
    else:
        pool = list(record.get("pool") or [])
        text = pool_text(pool)
    params = json.loads(record["params_text"])
    digest = pool_digest(text)
    checks.append(Check("企业池摘要", digest == record["pool_digest"] == params["pool_digest"]
                        and canonical_pool(pool) is pool, f"SHA-256(企业池) = {digest}"))
    nonce = record.get("nonce")
    if not nonce:
        checks.append(Check("承诺值", False, "随机数（nonce）尚未揭示：抽取后公开"))
        return checks
    commitment = commitment_of(nonce, record["pool_digest"], record["params_text"])
    checks.append(Check("承诺值", commitment == record["commitment"], f"重算 = {commitment}"))
    out = params.get("excluded_no_team") or []
    handled_pool = sorted(set(pool) | set(out)) if out else pool
    kept, handled = handle_teamless(pool=handled_pool, officers=params["officer_pool"],
                                    reserve=params["reserve_pool"], conflicts=params["conflicts"],
                                    team_size=params["team_size"])
    recorded = sorted((h["enterprise"], h["handling"]) for h in record.get("team_handling", []))
    checks.append(Check("抽取前的回避处理", kept == pool and sorted((h.enterprise, h.handling) for h in handled)
                        == recorded, f"补足检查组 {sum(h.handling == RESERVE for h in handled)} 家，"
                                     f"移出 {sum(h.handling == EXCLUDED for h in handled)} 家"))
    for attempt in record.get("attempts") or []:
        if not attempt.get("public_source"):
            continue  # refused before the public value existed (too early, beacon unavailable)
        checks.extend(_verify_attempt(attempt, nonce, pool, text, params))
    return checks


def _verify_attempt(attempt: Mapping[str, Any], nonce: str, pool: list[int], text: str,
                    params: Mapping[str, Any]) -> list[Check]:
    n = attempt["n"]
    source = attempt["public_source"]
    value = public_value_of(source)
    checks = []
    beacon = params["beacon"]
    if source.get("kind") != beacon.get("kind"):
        fixed_after = False
    elif beacon["kind"] == "audit":  # the first audit entry at or after the announced draw time
        fixed_after = (source.get("draw_at") == params["draw_at"]
                       and parse_instant(source["at"]) >= parse_instant(params["draw_at"]))
    else:  # drand: the round announced with the draw
        fixed_after = source.get("chain") == beacon.get("chain") and source.get("round") == beacon.get("round")
    checks.append(Check(f"第 {n} 次抽取：公共随机数", value == attempt["public_value"] and fixed_after,
                        f"来源 {source.get('kind')}，重算 = {value}"))
    seed = seed_of(nonce, value)
    checks.append(Check(f"第 {n} 次抽取：种子", seed == attempt["seed"], f"重算 = {seed}"))
    conflicts = [*params["conflicts"], *(attempt.get("late_conflicts") or [])]
    try:
        result = run_draw(seed=seed, pool=pool, sample_size=params["sample_size"], officers=params["officer_pool"],
                          team_size=params["team_size"], conflicts=conflicts, text=text,
                          reserve=params["reserve_pool"], unavailable=attempt.get("unavailable") or [])
    except DrawRefusal as exc:
        same = attempt["outcome"] == "refused" and str(attempt["reason"]).startswith(str(exc))
        checks.append(Check(f"第 {n} 次抽取：结果", same, f"重算：拒绝（{exc}）"))
        return checks
    teams = {str(k): v for k, v in result.teams.items()}
    same = (attempt["outcome"] == "drawn" and result.selected == [int(i) for i in attempt["selected"]]
            and teams == {str(k): list(v) for k, v in attempt["teams"].items()})
    checks.append(Check(f"第 {n} 次抽取：抽中企业和检查组", same,
                        f"重算抽中 {len(result.selected)} 家：{'、'.join(map(str, result.selected[:20]))}"
                        f"{'…' if len(result.selected) > 20 else ''}"))
    return checks


# ---- caps (measure II.4) --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Caps:
    key_max: int  # key enterprises: planned inspections a year (measure II.4: 原则上每年不超过两次)
    general_max: int  # general enterprises: random inspections a year (local)
    protected_standardization: frozenset[str]  # e.g. {"1"}: 一级标准化
    protected_credit: frozenset[str]  # e.g. {"A1", "A2"}: 诚信等级 A


def cap_for(is_key: bool, caps: Caps) -> int:
    return caps.key_max if is_key else caps.general_max


def within_cap(*, is_key: bool, inspections_this_year: int, caps: Caps, adding: int = 1) -> bool:
    """True when `adding` more inspections keep the enterprise within its yearly cap; counts every inspection
    of the enterprise that year, whoever made it."""
    return inspections_this_year + adding <= cap_for(is_key, caps)


def protection_reason(*, standardization_grade: str, credit_grade: str, caps: Caps) -> str:
    """Why inspecting this enterprise needs the leader's approval (无事不扰), or "" if it does not."""
    reasons = []
    if standardization_grade and standardization_grade in caps.protected_standardization:
        reasons.append("安全生产标准化一级企业")
    if credit_grade and credit_grade in caps.protected_credit:
        reasons.append(f"安全生产诚信等级 {credit_grade}（A 级）企业")
    return "、".join(reasons)


# ---- plans (measure II.3) -------------------------------------------------------------------------------------

def plan_capacity(*, legal_working_days: int, officers: int, other_enforcement_days: int,
                  non_enforcement_days: int, officer_days_per_inspection: int) -> tuple[int, int]:
    """(capacity in officer-days, capacity in inspections) — 安全生产年度监督检查计划编制办法:
    法定工作日 × 执法人员数 − 其他执法工作日 − 非执法工作日."""
    days = max(0, legal_working_days * officers - other_enforcement_days - non_enforcement_days)
    return days, days // max(1, officer_days_per_inspection)


def validate_months(months: Sequence[int], frequency: int) -> str | None:
    if not months:
        return "请选择计划检查月份"
    if any(m < 1 or m > 12 for m in months):
        return "计划月份应在 1–12 月之间"
    if len(set(months)) != len(months):
        return "计划月份不能重复"
    if len(months) != frequency:
        return f"计划月份数（{len(months)}）应与检查频次（{frequency}）一致"
    return None


# ---- teams ----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OfficerFacts:
    id: int
    name: str
    enforcement_id: str
    is_inspector: bool
    covers_region: bool


def team_refusal(officers: Sequence[OfficerFacts], *, min_size: int, conflicted: Mapping[int, str] | None = None,
                 region_name: str = "") -> str | None:
    """Why a team may not inspect: fewer than `min_size` officers, an officer without an enforcement ID or role,
    outside the enterprise's jurisdiction, or with a declared conflict (回避). None when the team is fine."""
    conflicted = conflicted or {}
    if len({o.id for o in officers}) < min_size:
        return f"每次检查至少需要 {min_size} 名执法人员"  # 行政处罚法 第42条; 国办发〔2024〕54号
    for o in officers:
        if not o.enforcement_id or not o.is_inspector:
            return f"{o.name} 未持有执法证或不是执法人员，不能参加检查"
        if not o.covers_region:
            return f"{o.name} 不属于企业所在地（{region_name}）的管辖机构，不能检查该企业"
        if o.id in conflicted:
            return f"{o.name} 与该企业存在利害关系（{conflicted[o.id]}），应当回避"
    return None
