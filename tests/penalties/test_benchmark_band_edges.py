"""Every tiered row of the demo benchmark at its band edges: the facts of the row (a quantity inside its bounds, its
named facts, its stage) select exactly that row — 阶次 by facts (应急管理部令第12号 第二条) — amounts at both edges
are accepted, one yuan beyond needs a written reason. Pure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bureau.kernel.errors import DomainError
from bureau.penalties import rules
from tests.penalties.factories import SAMPLES, bands_on, demo_rows

TIERED = [(item, fields) for item, fields in demo_rows() if item.band.tier not in (rules.EXEMPT, rules.STATUTORY)]


def inside(band: rules.Band) -> Decimal | None:
    """A quantity the row's bounds admit (its own inclusive bound, or just inside an exclusive one)."""
    if not band.quantity_unit:
        return None
    low, high = band.quantity_min, band.quantity_max
    if low is not None:
        return low if band.min_inclusive else low + Decimal("0.5")
    if high is not None:
        return high if band.max_inclusive else high - Decimal("0.5")
    return Decimal(1)


def test_demo_set_has_every_real_sample_row_but_the_contradictory_and_the_other_provinces():
    import csv

    shared = list(csv.DictReader(open(SAMPLES, encoding="utf-8")))
    skipped = [r for r in shared if r["violation_code"] == "SX2021-99-1" and "responsible" in r["tier"]]
    henan = [r for r in shared if r["violation_code"].startswith("HA2021")]  # never applied in Shanxi
    ours = [f for _i, f in demo_rows() if f["version"] != "法定幅度"]
    assert len(ours) == len(shared) - len(skipped) - len(henan) == 31


@pytest.mark.parametrize(("item", "fields"), TIERED,
                         ids=[f"{f['violation_code']}-{f['tier']}-{f['stage']}-{f['target']}" for _i, f in TIERED])
def test_row_facts_select_the_row_and_its_band_edges(item, fields):
    band = item.band
    on: dt.date = fields["effective_from"]
    proposal = rules.propose(violation_code=band.violation_code, circumstances=[],
                             rows=bands_on(on, band.violation_code), stage=band.stage, target=band.target,
                             quantity=inside(band), facts=band.facts)
    assert proposal.tier == band.tier and proposal.benchmark_row.conditions == band.conditions
    assert (proposal.amount_min, proposal.amount_max) == (band.amount_min, band.amount_max)
    for edge in (band.amount_min, band.amount_max):
        rules.check_amount(edge, proposal.amount_min, proposal.amount_max, "")
    with pytest.raises(DomainError):
        rules.check_amount(proposal.amount_max + 1, proposal.amount_min, proposal.amount_max, "")
    if proposal.amount_min > 0:
        with pytest.raises(DomainError):
            rules.check_amount(proposal.amount_min - 1, proposal.amount_min, proposal.amount_max, "")


def test_demo_rows_never_overlap_within_a_violation_stage_and_target():
    """Two rows of one level whose quantity ranges overlap would make the tier depend on the order of the file."""
    from itertools import combinations

    for a, b in combinations([i.band for i, _f in TIERED], 2):
        if (a.violation_code, a.stage, a.target, a.level, a.effective_from, a.facts) != \
                (b.violation_code, b.stage, b.target, b.level, b.effective_from, b.facts):
            continue
        for q in (inside(a), inside(b)):
            assert not (rules.quantity_fits(a, q) and rules.quantity_fits(b, q)), (a.conditions, b.conditions)
