"""Pure rules of planned and random enforcement (no database). Numbers come in as arguments (RuleParameter rows).

The draw algorithm `yc-draw-v1` is specified in docs/inspection.md so that anyone can re-run a published draw
from its public fields and obtain the identical selection and teams.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

ALGORITHM = "yc-draw-v1"


# ---- the draw -------------------------------------------------------------------------------------------------

def canonical_pool(ids: Iterable[int]) -> list[int]:
    """The pool as recorded: distinct ids, ascending."""
    ids = ids if isinstance(ids, list) else list(ids)
    if all(map(operator.lt, ids, itertools.islice(ids, 1, None))):  # already canonical (usual: ORDER BY id)
        return ids
    return sorted(set(map(int, ids)))


def pool_text(pool: Sequence[int]) -> str:
    """The canonical pool text: the ascending ids in decimal joined by "," (ASCII, no spaces)."""
    return ",".join(map(str, pool))


def pool_digest(pool: Sequence[int] | str) -> str:
    """SHA-256 (hex) of the canonical pool text."""
    text = pool if isinstance(pool, str) else pool_text(pool)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


class _Uniform:
    """Uniform integers in [0, m) from SHA-256 in counter mode: block c = SHA-256(seed ‖ ":E:" ‖ c) with c = 0, 1,
    2 …; x = the first 8 bytes as a big-endian integer; x is rejected when x ≥ 2^64 − (2^64 mod m) (no modulo
    bias), otherwise the value is x mod m. Every block, accepted or rejected, consumes one counter value."""

    def __init__(self, seed: str) -> None:
        self.prefix = f"{seed}:E:".encode()
        self.counter = 0

    def below(self, m: int) -> int:
        limit = (1 << 64) - ((1 << 64) % m)
        while True:
            digest = hashlib.sha256(self.prefix + str(self.counter).encode("ascii")).digest()
            self.counter += 1
            x = int.from_bytes(digest[:8], "big")
            if x < limit:
                return x % m


def rank_enterprises(seed: str, pool: Sequence[int], k: int) -> list[int]:
    """A partial Fisher–Yates shuffle of the ascending pool driven by `_Uniform`: for j = 0 … k−1, r = j +
    below(n − j), swap positions j and r; the first k positions, in order, are the selection. O(k) hashes."""
    n = len(pool)
    uniform = _Uniform(seed)
    moved: dict[int, int] = {}
    selected = []
    for j in range(k):
        r = j + uniform.below(n - j)
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


class DrawRefusal(ValueError):
    """The draw cannot be made; the message (Chinese) names why."""


def run_draw(*, seed: str, pool: Sequence[int], sample_size: int, officers: Sequence[int], team_size: int,
             conflicts: Iterable[Sequence[int]] = (), text: str | None = None) -> DrawResult:
    """yc-draw-v1: pick `sample_size` enterprises from `pool`, then a team of `team_size` officers for each,
    skipping officers with a declared conflict with that enterprise (回避). Deterministic in its inputs.

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
    blocked: dict[int, set[int]] = {}
    for officer_id, enterprise_id in conflicts:
        blocked.setdefault(int(enterprise_id), set()).add(int(officer_id))
    selected = rank_enterprises(seed, pool, sample_size)
    teams: dict[int, list[int]] = {}
    for enterprise_id in selected:
        eligible = [o for o in officers if o not in blocked.get(enterprise_id, set())]
        if len(eligible) < team_size:
            raise DrawRefusal(f"企业（ID {enterprise_id}）回避后可选执法人员只有 {len(eligible)} 人，"
                              f"不足每组 {team_size} 人")
        teams[enterprise_id] = rank_officers(seed, enterprise_id, eligible)[:team_size]
    text = pool_text(pool) if text is None else text
    return DrawResult(selected=selected, teams=teams, pool_digest=pool_digest(text), pool_text=text)


def sample_size_from(*, pool_size: int, size: int | None, ratio_percent: float | None) -> int:
    """The sample from an absolute size or a ratio of the pool (rounded up: a ratio never yields 0)."""
    if size:
        return size
    if ratio_percent:
        if not 0 < ratio_percent <= 100:
            raise DrawRefusal("抽查比例应在 0–100% 之间")
        return max(1, -(-int(pool_size * ratio_percent * 100) // 10000))
    raise DrawRefusal("请填写抽取数量或抽查比例")


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
