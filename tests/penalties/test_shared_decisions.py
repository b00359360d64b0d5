"""Penalty decisions are offered to other departments through the data-sharing API (measure III.2): only decided
cases, within the token's regions."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.penalties.models import Case
from bureau.penalties.queries import shared_decisions
from tests.penalties.factories import World

pytestmark = pytest.mark.django_db


def test_only_decided_cases_within_the_regions_are_shared(monkeypatch):
    monkeypatch.setattr("bureau.kernel.documents.render_pdf", lambda spec: b"%PDF-1.4 stub")
    world = World()
    open_case = world.open_case()
    decided = world.open_case(world.inspection_hazard("未按规定开展安全培训"))
    Case.objects.filter(pk=decided.pk).update(decided_on=dt.date(2026, 11, 20), decided_amount=20000)
    rows = shared_decisions(["140802"], {})
    assert [r["number"] for r in rows] == [decided.number]
    assert rows[0]["penalty"] == "罚款 20,000 元" and rows[0]["enterprise_uscc"] == world.enterprise.uscc
    assert open_case.number not in {r["number"] for r in shared_decisions(None, {})}
    assert shared_decisions(["140821"], {}) == []
