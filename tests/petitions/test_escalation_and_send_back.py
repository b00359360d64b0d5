"""Escalation over every open state (国办发〔2020〕53号：限时派单、签收、办结并督办), 退回重办 with a reason, and a
reopened ticket's bad-rating follow-up closing with it (好差评 差评整改)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.feedback.models import RatingFollowUp
from bureau.kernel.errors import DomainError
from bureau.kernel.models import ProcessHistory
from bureau.petitions import rules, services
from bureau.petitions.models import Petition
from tests.petitions.factories import submit

HOUR = dt.timedelta(hours=1)


def reload(p):
    return Petition.objects.get(pk=p.pk)


def escalations(p):
    return ProcessHistory.objects.filter(object_id=p.pk, action__in=["escalate", "supervise"]).count()


def test_escalation_rule_covers_every_open_state_and_repeats():
    """Rule petitions.dispatch_hours / accept_hours / escalation_repeat_hours: each open state has a deadline; the
    escalation repeats after the interval, and closed states never escalate."""
    now = timezone.now()
    day = dt.timedelta(hours=24)
    late = now - HOUR
    kw = dict(now=now, dispatch_due_at=None, accept_due_at=None, due_at=None, last_escalated_at=None, repeat=day)
    assert rules.escalation_due("received", **{**kw, "dispatch_due_at": late}) == "超过派单时限未派单"
    assert rules.escalation_due("returned", **{**kw, "dispatch_due_at": late}) == "超过派单时限未派单"
    assert rules.escalation_due("dispatched", **{**kw, "accept_due_at": late}) == "超过签收时限未签收"
    assert rules.escalation_due("supervised", **{**kw, "due_at": late}) == "超过办理时限未办结"
    assert rules.escalation_due("received", **{**kw, "dispatch_due_at": now + HOUR}) is None
    assert rules.escalation_due("received", **{**kw, "dispatch_due_at": late, "last_escalated_at": now - HOUR}) is None
    assert rules.escalation_due("received", **{**kw, "dispatch_due_at": late,
                                               "last_escalated_at": now - day}) == "超过派单时限未派单"
    assert rules.escalation_due("closed", **{**kw, "due_at": late}) is None


@pytest.mark.django_db
def test_never_dispatched_ticket_is_escalated_until_someone_acts(world):
    """Rule petitions.dispatch_hours (信访工作条例 第22条; 国办发〔2020〕53号): a ticket never dispatched is escalated, again
    after petitions.escalation_repeat_hours, and no more once it is dispatched (someone acted)."""
    petition, _ = submit(world)
    assert petition.dispatch_due_at is not None
    now = petition.dispatch_due_at + HOUR
    assert services.overdue_sweep(now) == 1
    assert services.overdue_sweep(now + HOUR) == 0  # within the repeat interval
    assert services.overdue_sweep(now + dt.timedelta(hours=25)) == 1  # repeated
    p = reload(petition)
    assert p.state == "received" and p.supervised_count == 2 and escalations(p) == 2
    services.petition_dispatch(actor=world.clerk, petition=p, target=world.yanhu)
    p = reload(p)
    assert p.last_escalated_at is None and p.accept_due_at is not None
    assert services.overdue_sweep(p.accept_due_at - HOUR) == 0


@pytest.mark.django_db
def test_missed_sign_for_deadline_is_escalated_once_per_claim(world):
    """Rule petitions.accept_hours (签收时限): a dispatched ticket not signed for is escalated; a second sweep that read
    the same row cannot escalate it again (conditional UPDATE claim)."""
    petition, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    p = reload(petition)
    now = p.accept_due_at + HOUR
    stale = reload(p)
    assert services._escalate(p, "超过签收时限未签收", now) is True
    assert services._escalate(stale, "超过签收时限未签收", now) is False  # the other sweep lost the claim
    p = reload(p)
    assert p.state == "dispatched" and p.supervised_count == 1 and escalations(p) == 1


@pytest.mark.django_db
def test_overdue_handling_is_put_under_supervision(world):
    """督办: a ticket past its handling deadline goes to 督办中 by the system (and repeats while nobody replies)."""
    petition, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=reload(petition))
    Petition.objects.filter(pk=petition.pk).update(due_at=timezone.now() - HOUR)
    assert services.overdue_sweep() == 1
    p = reload(petition)
    assert p.state == "supervised" and p.supervised_count == 1
    assert services.overdue_sweep(timezone.now() + dt.timedelta(hours=25)) == 1
    assert reload(p).supervised_count == 2


@pytest.mark.django_db
def test_send_back_needs_a_reason_and_returns_to_handling(world):
    """退回重办 (信访工作条例 第五章 信访事项的办理): the dispatcher sends an inadequate reply back with a reason; the reply is withdrawn;
    a handler cannot send back."""
    petition, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=reload(petition))
    services.petition_reply(actor=world.yanhu_officer, petition=reload(petition), reply="已处理")
    with pytest.raises(DomainError, match="退回重办理由"):
        services.petition_send_back(actor=world.clerk, petition=reload(petition), reason=" ")
    with pytest.raises(DomainError):
        services.petition_send_back(actor=world.yanhu_officer, petition=reload(petition), reason="答非所问")
    assert reload(petition).state == "replied"
    services.petition_send_back(actor=world.clerk, petition=reload(petition), reason="未说明检查结果")
    p = reload(petition)
    assert p.state == "handling" and p.reply == "" and p.replied_at is None
    entry = ProcessHistory.objects.filter(object_id=p.pk, action="send_back").get()
    assert entry.note == "未说明检查结果"
    services.petition_reply(actor=world.yanhu_officer, petition=p, reply="经现场检查，已责令停业整改")
    assert reload(p).state == "replied"


@pytest.mark.django_db
def test_reopened_ticket_closing_settles_its_bad_rating_followup(world):
    """好差评 差评整改 (domain §7): the follow-up opened by the bad rating that reopened the ticket closes when the
    reopened ticket is answered and closed again."""
    petition, _ = submit(world)
    services.petition_dispatch(actor=world.clerk, petition=petition, target=world.yanhu)
    services.petition_accept(actor=world.yanhu_officer, petition=reload(petition))
    services.petition_reply(actor=world.yanhu_officer, petition=reload(petition), reply="已处理")
    services.petition_close(actor=world.clerk, petition=reload(petition))
    services.petition_rate(actor=None, petition=reload(petition), level=1, comment="没有解决")
    followup = RatingFollowUp.objects.get()
    assert reload(petition).state == "reopened" and followup.state == "open"
    services.petition_reply(actor=world.yanhu_officer, petition=reload(petition), reply="复查后已查封违规储存点")
    services.petition_close(actor=world.clerk, petition=reload(petition))
    followup.refresh_from_db()
    assert followup.state == "done" and "复查后已查封" in followup.result and followup.done_at is not None
