"""Acceptance follows who found the hazard (issue 13; 安全生产事故隐患排查治理暂行规定, 安全生产法 第65条): a hazard
found by the bureau or an expert is verified (accept / reject_acceptance) by the bureau — a checkup hazard also by an
expert who took part in that checkup — and closed (销号) by the bureau; the enterprise asks for acceptance. The
enterprise keeps accepting and closing its own general self-inspection hazards."""

from __future__ import annotations

import pytest

from bureau.accounts.authority import actions_for, matrix
from bureau.hazards import services
from bureau.kernel.errors import DomainError
from tests.factories import messages_of
from tests.hazards.factories import bureau_hazard, checkup_hazard, hazard

pytestmark = pytest.mark.django_db


def _buttons(client, h):
    page = client.get(f"/hazards/{h.pk}/").content.decode()
    return {a for a in ("request_acceptance", "accept", "reject_acceptance", "close")
            if f"/hazards/{h.pk}/act/{a}/" in page}


def test_enterprise_cannot_accept_or_close_a_checkup_hazard_after_the_bureau_rejected_it(w, login):
    """The issue's case: the county rejects the acceptance of a checkup hazard; the enterprise has no accept or close
    button and its POSTs are refused; it can only ask again. The bureau accepts and closes."""
    h, _ = checkup_hazard(w)
    owner = login(w.owner)
    services.hazard_plan(actor=w.owner, hazard=h, measures="校验报警器", deadline=None, responsible_person="李丽")
    owner.post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "已校验"})
    login(w.inspector).post(f"/hazards/{h.pk}/act/reject_acceptance/", {"note": "未见校验报告"})
    h.refresh_from_db()
    assert h.state == "rectifying"
    owner = login(w.owner)
    assert _buttons(owner, h) == {"request_acceptance"}
    owner.post(f"/hazards/{h.pk}/act/request_acceptance/", {"note": "补充校验报告"})
    assert _buttons(owner, h) == set()
    r = owner.post(f"/hazards/{h.pk}/act/accept/", {"note": "自行验收"}, follow=True)
    assert "须由监管部门或参与该次体检的专家验收" in messages_of(r)
    h.refresh_from_db()
    assert h.state == "awaiting_acceptance" and h.accepted_at is None
    inspector = login(w.inspector)
    assert _buttons(inspector, h) == {"accept", "reject_acceptance"}
    inspector.post(f"/hazards/{h.pk}/act/accept/", {"note": "校验报告齐全"})
    owner = login(w.owner)
    assert _buttons(owner, h) == set()
    r = owner.post(f"/hazards/{h.pk}/act/close/", {}, follow=True)
    assert "须由监管部门销号" in messages_of(r)
    h.refresh_from_db()
    assert h.state == "accepted" and h.closed_at is None
    login(w.inspector).post(f"/hazards/{h.pk}/act/close/", {})
    h.refresh_from_db()
    assert h.state == "closed"


def test_the_expert_who_took_part_verifies_the_checkup_hazard_another_expert_cannot(w, login):
    """Rule: for a checkup hazard the expert of that checkup may accept or reject; an expert of no part in it does
    not even see it."""
    from tests.assistance.factories import expert

    h, e = checkup_hazard(w)
    services.hazard_plan(actor=w.owner, hazard=h, measures="校验", deadline=None, responsible_person="李丽")
    services.hazard_transition(actor=w.owner, hazard=h, action="request_acceptance")
    stranger = expert("无关专家")
    assert login(stranger.user).get(f"/hazards/{h.pk}/").status_code == 404
    assert actions_for(stranger.user, h) == []
    client = login(e.user)
    assert _buttons(client, h) == {"accept", "reject_acceptance"}
    client.post(f"/hazards/{h.pk}/act/accept/", {"note": "现场复核合格"})
    h.refresh_from_db()
    assert h.state == "accepted"
    assert _buttons(client, h) == set()  # closing is the bureau's


@pytest.mark.parametrize("source", ["inspection", "patrol", "petition"])
def test_a_bureau_hazard_is_verified_only_by_the_bureau(w, source):
    """Rule: for inspection, patrol and petition hazards accept / reject_acceptance / close are the bureau's."""
    h = bureau_hazard(w, source=source, step="awaiting_acceptance")
    for action in ("accept", "reject_acceptance"):
        with pytest.raises(DomainError, match="须由监管部门验收"):
            services.hazard_transition(actor=w.owner, hazard=h, action=action, note="企业自己验收")
    services.hazard_transition(actor=w.inspector, hazard=h, action="accept", note="复查合格")
    with pytest.raises(DomainError, match="须由监管部门销号"):
        services.hazard_transition(actor=w.owner, hazard=h, action="close")
    services.hazard_transition(actor=w.inspector, hazard=h, action="close")
    assert h.state == "closed"


def test_enterprise_keeps_accepting_its_own_general_self_inspection_hazard(w, login):
    """Rule: a general self-inspection hazard is the enterprise's to accept and close (major ones stay with the bureau
    or experts)."""
    h = hazard(w, step="awaiting_acceptance")
    owner = login(w.owner)
    assert _buttons(owner, h) == {"accept", "reject_acceptance"}
    owner.post(f"/hazards/{h.pk}/act/accept/", {"note": "已清理"})
    owner.post(f"/hazards/{h.pk}/act/close/", {})
    h.refresh_from_db()
    assert h.state == "closed"
    major = hazard(w, step="awaiting_acceptance", grade="major")
    assert "accept" not in _buttons(owner, major)


def test_the_authority_matrix_names_the_preconditions(w):
    """Rule: the guards are declared preconditions: the matrix prints them for accept and close."""
    rows = [r for r in matrix() if r.area == "hazards" and r.record == "隐患" and r.decision == "allowed"]
    accept = {r.conditions for r in rows if r.action == "accept"}
    close = {r.conditions for r in rows if r.action == "close"}
    assert all("监管部门或专家发现的隐患由监管部门验收" in c for c in accept)
    assert all("监管部门或专家发现的隐患由监管部门销号" in c for c in close)
    extension = {(r.action, r.role) for r in matrix() if r.record == "整改延期申请" and r.decision == "allowed"}
    assert ("approve", "inspector") in extension and ("approve", "enterprise") not in extension
