"""Every fine row of the demo benchmark at its band edges: the engine proposes a band that contains the row's band
for the row's tier, amounts at both edges are accepted, one yuan beyond needs a written reason. Pure."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel.errors import DomainError
from bureau.penalties import rules
from tests.penalties.factories import SAMPLES, bands_on, demo_rows

CIRCUMSTANCES_FOR = {"lenient": ["first_offence"], "standard": [], "severe": ["repeat"]}
FINE_ROWS = [(item, fields) for item, fields in demo_rows() if item.band.tier in rules.FINE_TIERS]


def test_demo_set_has_every_real_sample_row_but_the_contradictory_ones():
    import csv

    shared = list(csv.DictReader(open(SAMPLES, encoding="utf-8")))
    skipped = [r for r in shared if r["violation_code"] == "SX2021-99-1" and "responsible" in r["tier"]]
    ours = [f for _i, f in demo_rows() if not f["violation_code"].startswith("AQF-")]
    assert len(ours) == len(shared) - len(skipped) == 32


@pytest.mark.parametrize(("item", "fields"), FINE_ROWS,
                         ids=[f"{f['violation_code']}-L{f['line']}" for _i, f in FINE_ROWS])
def test_row_band_edges(item, fields):
    band = item.band
    on: dt.date = fields["effective_from"]
    proposal = rules.propose(violation_code=band.violation_code, circumstances=CIRCUMSTANCES_FOR[band.tier],
                             rows=bands_on(on, band.violation_code), shares=rules.FallbackShares(),
                             stage=band.stage, target=band.target)
    assert proposal.tier == band.tier
    assert proposal.amount_min <= band.amount_min <= band.amount_max <= proposal.amount_max
    assert any(r.conditions == band.conditions for r in proposal.rows)
    for edge in (band.amount_min, band.amount_max):
        rules.check_amount(edge, proposal.amount_min, proposal.amount_max, "")
    with pytest.raises(DomainError):
        rules.check_amount(proposal.amount_max + 1, proposal.amount_min, proposal.amount_max, "")
    if proposal.amount_min > 0:
        with pytest.raises(DomainError):
            rules.check_amount(proposal.amount_min - 1, proposal.amount_min, proposal.amount_max, "")
