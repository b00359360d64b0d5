"""Issue 13, measure I.3: a 容缺承诺 changes status only through the declared actions of licensing.workflow.COMMITMENT
(sign, supplement, fulfil → 待核验, verify / send_back by an officer, escalate): each writes the commitment's timeline row and audit entry, a stale page gets a
conflict, a role the declaration does not name sees no form and is refused."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.kernel.errors import DomainError
from bureau.kernel.models import AuditEntry
from bureau.kernel.workflow import apply_transition
from bureau.licensing import services as s
from bureau.licensing.models import Commitment
from bureau.licensing.tolerance import commitment_verify as verify
from bureau.licensing.workflow import COMMITMENT
from tests.factories import make_user
from tests.licensing.conftest import application_submit, files_for, pdf

pytestmark = pytest.mark.django_db


def _tolerated(world) -> Commitment:
    item = world.items["hazchem_operation"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item, frozenset({"tolerable"})))
    s.application_accept_tolerated(actor=world.officer, application=app)
    return Commitment.objects.select_related("application").get(application=app)


def _sign(world, c: Commitment, days: int = 2) -> Commitment:
    return s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=days),
                             preventive_measures="暂停储存", rectification_plan="两周内补交")


def _recorded(c: Commitment, action: str) -> None:
    assert c.history().filter(action=action).exists(), action
    assert AuditEntry.objects.filter(action=f"licensing.commitment.{action}", object_id=str(c.pk)).exists(), action


def test_every_commitment_status_change_writes_timeline_and_audit(world):
    """Rule: signing, supplementing, fulfilling and the escalation after the deadline each leave a timeline row and
    an audit entry on the commitment; the escalation is the system's, exactly once."""
    kept = _sign(world, _tolerated(world))
    tolerated = kept.application.materials.filter(status="tolerated")
    s.commitment_fulfil(actor=world.qiye, commitment=kept, files={m.material_id: pdf() for m in tolerated})
    kept.refresh_from_db()
    assert kept.status == "reported" and kept.fulfilled_on is None  # measure I.3: the upload does not close it
    verify(actor=world.officer, commitment=kept, passed=True, note="已核对原件")
    kept.refresh_from_db()
    assert kept.status == "fulfilled" and kept.fulfilled_on == s.today()
    for action in ("sign", "supplement", "fulfil", "verify"):
        _recorded(kept, action)
    assert [(h.action, h.from_state, h.to_state) for h in kept.history()] == [
        ("sign", "unsigned", "signed"), ("supplement", "signed", "signed"), ("fulfil", "signed", "reported"),
        ("verify", "reported", "fulfilled")]

    item = world.items["hazchem_project_condition"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item, frozenset({"tolerable"})))
    s.application_accept_tolerated(actor=world.officer, application=app)
    late = _sign(world, Commitment.objects.get(application=app), days=1)
    day = late.deadline + dt.timedelta(days=1)
    assert s.commitment_sweep(on=day)["escalated"] == 1
    assert s.commitment_sweep(on=day)["escalated"] == 0
    _recorded(late, "escalate")
    row = late.history().get(action="escalate")
    assert (row.from_state, row.to_state, row.actor_name) == ("signed", "overdue", "系统")


def test_a_commitment_is_fulfilled_only_with_the_missing_materials_supplied(world):
    """Rule (I.3): `fulfil` is refused while a tolerated material is still missing; the escalation is refused before
    the promised day."""
    c = _sign(world, _tolerated(world))
    with pytest.raises(DomainError, match="容缺材料未补交"):
        apply_transition(COMMITMENT, c, "fulfil", actor=world.qiye)
    c.as_of = c.deadline
    with pytest.raises(DomainError, match="承诺补交期限未过"):
        apply_transition(COMMITMENT, c, "escalate", actor=None)
    assert s.commitment_sweep(on=c.deadline)["escalated"] == 0
    c.refresh_from_db()
    assert c.status == "signed" and [h.action for h in c.history()] == ["sign", "remind"]  # reminded, not escalated


def test_a_second_user_on_a_stale_commitment_page_gets_a_conflict(world, login):
    """Rule (optimistic concurrency): two users of the enterprise open the page; one signs; the other, still on the
    old page, signs too: refused as a conflict, the first signature stands."""
    c = _tolerated(world)
    colleague = make_user("t_qiye_2", roles=["enterprise"], enterprise=world.enterprise, real_name="企业 王强")
    page = login(world.qiye).get(f"/licensing/{c.application_id}/").content.decode()
    assert f'name="version" value="{c.version}"' in page
    form = {"deadline": (s.today() + dt.timedelta(days=1)).isoformat(), "preventive_measures": "措施",
            "rectification_plan": "计划", "version": c.version}
    login(world.qiye).post(f"/licensing/{c.application_id}/commitment/sign/", form)
    response = login(colleague).post(f"/licensing/{c.application_id}/commitment/sign/",
                                     {**form, "preventive_measures": "另一份措施"}, follow=True)
    assert "已被他人处理" in response.content.decode()
    c.refresh_from_db()
    assert c.status == "signed" and c.preventive_measures == "措施" and c.signed_by_id == world.qiye.pk


def test_only_the_party_enterprise_signs_and_supplements(world, login):
    """Rule: the commitment's actions are declared for the enterprise (the party): the officer sees the commitment
    and its timeline but no form, and a POST is refused; another enterprise gets 404."""
    c = _tolerated(world)
    page = login(world.officer).get(f"/licensing/{c.application_id}/").content.decode()
    assert 'id="commitment"' in page and 'id="sign-form"' not in page and "承诺办理过程" in page
    form = {"deadline": (s.today() + dt.timedelta(days=1)).isoformat(), "preventive_measures": "措施",
            "rectification_plan": "计划"}
    response = login(world.officer).post(f"/licensing/{c.application_id}/commitment/sign/", form, follow=True)
    assert "您的角色无权执行「签署容缺承诺书」" in response.content.decode()
    assert login(world.qiye_other).post(f"/licensing/{c.application_id}/commitment/sign/", form).status_code == 404
    assert Commitment.objects.get(pk=c.pk).status == "unsigned"
    owner = login(world.qiye).get(f"/licensing/{c.application_id}/").content.decode()
    assert 'id="sign-form"' in owner and 'id="supplement-form"' not in owner
    _sign(world, c)
    owner = login(world.qiye).get(f"/licensing/{c.application_id}/").content.decode()
    assert 'id="sign-form"' not in owner and 'id="supplement-form"' in owner and "签署容缺承诺书" in owner
