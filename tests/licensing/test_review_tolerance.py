"""Measure I.3 (容缺许可 in review): a problem found by the site check or the expert review is accepted under a
rectification commitment and the licence granted first; the officer verifies fulfilment (approve, or send back with
reasons); an overdue commitment leads to the consequences of the rule table (supervision task, credit record,
revocation proposal), each once."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.enterprises.credit import seed_credit_rules
from bureau.enterprises.models import CreditEvent
from bureau.inspection.models import SupervisionHandover
from bureau.kernel.errors import DomainError
from bureau.licensing import services as s
from bureau.licensing import tolerance as t
from bureau.licensing.models import Commitment, CommitmentConsequence
from tests.licensing.conftest import application_submit, files_for, pdf

pytestmark = pytest.mark.django_db


def _site_checked(world):
    item = world.items["hazchem_operation"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item))
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="储存区防火间距不足")
    return app


def _review_commitment(world, days: int = 5):
    app = _site_checked(world)
    c = t.review_tolerance_open(actor=world.officer, application=app, found_in="site",
                                problems="1. 储存区防火间距不足，须增设防火墙")
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=days),
                      preventive_measures="储存区减量至10吨以下", rectification_plan="一个月内增设防火墙")
    return app, Commitment.objects.get(pk=c.pk)


def test_a_problem_found_in_review_is_granted_first_under_a_signed_commitment(world):
    """措施I.3: 审查中发现可限期整改的问题，企业出具整改承诺后可先行许可 — the proposal waits for the signature, the
    licence is granted first, and the enterprise passes to supervision with the commitment."""
    app = _site_checked(world)
    with pytest.raises(DomainError, match="请选择发现问题的环节"):
        t.review_tolerance_open(actor=world.officer, application=app, found_in="", problems="x")
    with pytest.raises(DomainError, match="尚未完成专家评审"):
        t.review_tolerance_open(actor=world.officer, application=app, found_in="expert", problems="x")
    c = t.review_tolerance_open(actor=world.officer, application=app, found_in="site", problems="防火间距不足")
    assert c.origin == "review" and c.status == "unsigned"
    with pytest.raises(DomainError, match="签署容缺承诺书"):
        s.application_propose(actor=world.officer, application=app, proposal="grant", reason="整改承诺")
    with pytest.raises(DomainError, match="已就审查发现的问题"):
        t.review_tolerance_open(actor=world.officer, application=app, found_in="site", problems="又一个")
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=5),
                      preventive_measures="减量储存", rectification_plan="增设防火墙")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="先行许可")
    s.application_grant(actor=world.leader, application=app)
    app.refresh_from_db()
    assert app.state == "granted"
    handover = SupervisionHandover.objects.get(source_id=str(app.pk), reason="approval")
    assert "防火间距不足" in handover.commitments and handover.organisation == world.yanhu  # the county bureau


def test_fulfilment_is_verified_by_an_officer_not_closed_by_the_report(world):
    """措施I.3 (承诺事项在事中事后监管中监督落实): the enterprise's report waits for verification; sending it back needs
    reasons; only the officer's approval fulfils it."""
    app, c = _review_commitment(world)
    with pytest.raises(DomainError, match="请上传整改完成的证明"):
        t.commitment_report(actor=world.qiye, commitment=c, text="已增设防火墙")
    t.commitment_report(actor=world.qiye, commitment=c, text="已增设防火墙", files=[pdf("photo.pdf")])
    c.refresh_from_db()
    assert c.status == "reported" and c.attachments().count() == 1
    with pytest.raises(DomainError, match="退回时请写明"):
        t.commitment_verify(actor=world.officer, commitment=c, passed=False, note="")
    with pytest.raises(DomainError, match="市局办理"):
        t.commitment_verify(actor=world.yanhu_officer, commitment=c, passed=True, note="")
    t.commitment_verify(actor=world.officer, commitment=c, passed=False, note="防火墙高度不足2.2米")
    c.refresh_from_db()
    assert c.status == "signed" and c.verification_note == "防火墙高度不足2.2米"
    t.commitment_report(actor=world.qiye, commitment=c, text="已加高", files=[pdf("photo2.pdf")])
    t.commitment_verify(actor=world.officer, commitment=c, passed=True, note="现场复核合格")
    c.refresh_from_db()
    assert c.status == "fulfilled" and c.fulfilled_on == s.today()
    assert [h.action for h in c.history()] == ["create", "sign", "fulfil", "send_back", "fulfil", "verify"]


def test_an_overdue_commitment_leads_to_the_consequences_of_the_rule_table_once(world):
    """措施I.3 and the local 容缺 rules (rule rows RQ-1..RQ-3 with their sources): overdue → supervision task and a
    credit record at once, a revocation proposal after 10 working days; each row applied once."""
    seed_credit_rules()
    t.seed_consequence_rules()
    app, c = _review_commitment(world, days=1)
    day = c.deadline + dt.timedelta(days=1)
    assert s.commitment_sweep(on=day)["escalated"] == 1
    assert t.consequence_sweep(on=day) == {"consequences": 2}
    assert t.consequence_sweep(on=day) == {"consequences": 0}
    kinds = dict(CommitmentConsequence.objects.filter(commitment=c).values_list("kind", "status"))
    assert kinds == {"supervision": "applied", "credit": "applied"}
    task = SupervisionHandover.objects.get(source_id=str(c.pk), reason="commitment_overdue")
    assert task.organisation == world.yanhu and "防火间距" in task.commitments
    event = CreditEvent.objects.get(source_type="licensing.commitment", source_id=str(c.pk))
    assert event.kind == "breach" and event.rule_code == "DEMO-5"
    later = c.deadline + dt.timedelta(days=30)
    assert t.consequence_sweep(on=later) == {"consequences": 1}
    proposal = CommitmentConsequence.objects.get(commitment=c, kind="revocation")
    assert proposal.status == "proposed" and world.leader.notifications.filter(title__contains="撤销许可建议").exists()


def test_commitment_step_page_scope_and_validation(world, login):
    """HTTP: another enterprise gets 404; a send-back without reasons is refused with the message, nothing changed."""
    app, c = _review_commitment(world)
    t.commitment_report(actor=world.qiye, commitment=c, text="已整改", files=[pdf()])
    url = f"/licensing/{app.pk}/commitments/{c.pk}/send_back/"
    assert login(world.qiye_other).post(url, {"note": "x"}).status_code == 404
    page = login(world.officer).get(f"/licensing/{app.pk}/").content.decode()
    assert f'id="verify-{c.pk}"' in page
    response = login(world.officer).post(url, {"note": ""}, follow=True)
    assert "退回时请写明" in response.content.decode()
    c.refresh_from_db()
    assert c.status == "reported"
