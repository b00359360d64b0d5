"""The process engine: declared transitions only, roles and guards enforced, history and audit written in the
same transaction, and of two concurrent transitions exactly one wins."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.hazards.models import Hazard
from bureau.kernel.errors import Conflict, DomainError, PermissionDenied
from bureau.kernel.models import AuditEntry, ProcessHistory
from bureau.kernel.workflow import T, Workflow, apply_transition
from tests.factories import EnterpriseFactory, county_bureau, make_user

pytestmark = pytest.mark.django_db

flow = Workflow(
    name="demo",
    states={"new": "新建", "open": "办理中", "done": "办结"},
    transitions=[
        T("start", "开始办理", "new", "open", {"inspector"}),
        T("finish", "办结", "open", "done", {"inspector"},
          guard=lambda p, actor: None if p.description else "请先填写办理结果"),
    ],
)


@pytest.fixture
def process():
    enterprise = EnterpriseFactory()
    return Hazard.objects.create(number="T-1", enterprise=enterprise, region_id=enterprise.region_id,
                                 source="inspection", found_on=dt.date(2026, 11, 2),
                                 reported_at="2026-11-02T09:00:00+08:00", title="测试", state="new")


@pytest.fixture
def officer():
    return make_user(roles=["inspector"], organisation=county_bureau())


def test_declared_transition_changes_state_and_writes_history_and_audit(process, officer):
    apply_transition(flow, process, "start", actor=officer, note="受理")
    process.refresh_from_db()
    assert process.state == "open" and process.version == 1
    history = ProcessHistory.objects.get(object_id=process.pk)
    assert (history.from_state, history.to_state, history.note, history.actor) == ("new", "open", "受理", officer)
    assert AuditEntry.objects.filter(action="demo.start", object_id=str(process.pk)).exists()


def test_undeclared_transition_is_refused_with_the_current_state(process, officer):
    with pytest.raises(DomainError, match="当前状态为「新建」"):
        apply_transition(flow, process, "finish", actor=officer)
    assert not ProcessHistory.objects.exists()


def test_role_without_the_transition_is_refused(process):
    clerk = make_user(roles=["clerk"], organisation=county_bureau())
    with pytest.raises(PermissionDenied):
        apply_transition(flow, process, "start", actor=clerk)
    process.refresh_from_db()
    assert process.state == "new"


def test_guard_refusal_changes_nothing(process, officer):
    apply_transition(flow, process, "start", actor=officer)
    process.description = ""
    with pytest.raises(DomainError, match="请先填写办理结果"):
        apply_transition(flow, process, "finish", actor=officer)
    assert Hazard.objects.get(pk=process.pk).state == "open"


def test_of_two_concurrent_transitions_exactly_one_wins(process, officer):
    first = Hazard.objects.get(pk=process.pk)
    second = Hazard.objects.get(pk=process.pk)  # loaded by another officer at the same time
    apply_transition(flow, first, "start", actor=officer)
    with pytest.raises(Conflict):
        apply_transition(flow, second, "start", actor=officer)
    assert ProcessHistory.objects.filter(object_id=process.pk).count() == 1


def test_available_actions_follow_state_and_role(process, officer):
    assert [t.action for t in flow.available(process, officer)] == ["start"]
    assert flow.available(process, make_user(roles=["clerk"])) == []
