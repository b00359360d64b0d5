"""Measure I.6 (the joint visit is an inspection record linked to the application; approval hands the enterprise
over to supervision) and measure I.7 (the gas-station special evaluation ends in 备案; the merged review produces
both outputs)."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.inspection import services as insp
from bureau.inspection.models import SupervisionHandover
from bureau.kernel.errors import DomainError
from bureau.licensing import joint_check as jc
from bureau.licensing import services as s
from bureau.licensing import special_paths as sp
from tests.factories import EnterpriseFactory, make_user
from tests.inspection.conftest import short_checklist
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def _inspectors(world):
    return [make_user(f"t_ins{n}", roles=["inspector"], organisation=world.city, real_name=f"执法{n}",
                      enforcement_id=f"14080000{n}") for n in (1, 2)]


def _user_enterprise(world):
    """A chemical plant using hazardous chemicals (危化使用: the item is for it, not for the trading company)."""
    plant = EnterpriseFactory(name="运城测试化工有限公司", region_id="140802", industry="hazchem_use")
    return plant, make_user(f"t_plant{plant.pk}", roles=["enterprise"], enterprise=plant)


def _joint_app(world):
    item = world.items["hazchem_use"]
    _plant, user = _user_enterprise(world)
    app = application_submit(actor=user, item=item, files=files_for(item))
    s.application_accept(actor=world.officer, application=app)
    return app, user


def test_the_joint_visit_is_a_signed_inspection_record_and_approval_hands_over_to_supervision(world):
    """措施I.6: 竣工验收监督与首次许可现场核查合并为一次联合检查 — an inspection (checklist, team, findings,
    signatures) linked to the application replaces the free-text note; approval creates the handover task."""
    checklist = short_checklist()  # 5 items, also for the 危化使用 plant inspected here
    checklist.industries = [*checklist.industries, "hazchem_use"]
    checklist.save()
    team = _inspectors(world)
    app, party = _joint_app(world)
    assert app.fast_track == "joint_completion"
    with pytest.raises(DomainError, match="联合检查记录为准"):
        s.application_site_verify(actor=world.officer, application=app, result="自由填写")
    with pytest.raises(DomainError, match="至少"):
        jc.joint_check_open(actor=world.officer, application=app, officers=team[:1])
    inspection = jc.joint_check_open(actor=world.officer, application=app, officers=team)
    app.refresh_from_db()
    assert app.joint_inspection == inspection and inspection.kind == "joint" and inspection.source_id == str(app.pk)
    assert insp.inspections_in_year(app.enterprise_id, inspection.year) == 0  # not a 涉企检查 against the cap
    with pytest.raises(DomainError, match="联合检查尚未结束"):
        jc.joint_check_conclude(actor=world.officer, application=app)
    insp.inspection_check_in(actor=team[0], inspection=inspection)
    for item in inspection.items():
        insp.inspection_record_item(actor=team[0], inspection=inspection, item=item,
                                    outcome="finding" if item.seq == 2 else "compliant",
                                    note="储存区未设专人管理" if item.seq == 2 else "")
    insp.inspection_finish(actor=team[0], inspection=inspection, deadline=s.today() + dt.timedelta(days=10))
    with pytest.raises(DomainError, match="尚未由检查人员签名"):
        jc.joint_check_conclude(actor=world.officer, application=app)
    with pytest.raises(DomainError, match="不是本次检查的检查人员"):
        insp.inspection_sign(actor=world.officer, inspection=inspection)
    insp.inspection_sign(actor=team[0], inspection=inspection)
    insp.inspection_sign(actor=party, inspection=inspection)
    assert {x.capacity for x in inspection.signatures.all()} == {"officer", "party"}
    jc.joint_check_conclude(actor=world.officer, application=app)
    app.refresh_from_db()
    assert app.site_done_on and inspection.number in app.site_result and "储存区未设专人管理" in app.site_result
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="联合检查问题已责令整改")
    s.application_grant(actor=world.leader, application=app)
    task = SupervisionHandover.objects.get(source_id=str(app.pk), reason="approval")
    assert task.state == "open" and task.organisation == world.yanhu


def test_the_gas_station_special_evaluation_ends_in_a_filing(world):
    """措施I.7: 加油站局部改造（等级不变）进行专项评价，不进行建设项目安全审查 — its own item and materials, ending in
    予以备案 with its notice; the project review refuses that path and a proposal/grant is refused."""
    station = EnterpriseFactory(name="运城测试加油站", region_id="140802", industry="gas_station")
    user = make_user("t_station", roles=["enterprise"], enterprise=station)
    project = world.items["hazchem_project_condition"]
    with pytest.raises(DomainError, match="不进行建设项目安全审查|只有加油站"):
        application_submit(actor=user, item=project, files=files_for(project), partial_renovation=True)
    item = world.items["gas_station_special_evaluation"]
    assert item.outcome == "filing" and "安全专项评价报告" in {m.name for m in item.materials.all()}
    with pytest.raises(DomainError, match="仅适用于加油站局部改造"):
        application_submit(actor=user, item=item, files=files_for(item))
    app = application_submit(actor=user, item=item, files=files_for(item), partial_renovation=True,
                               scope_text="更换两台加油机，等级不变")
    s.application_accept(actor=world.officer, application=app)
    with pytest.raises(DomainError, match="不作许可决定"):
        s.application_propose(actor=world.officer, application=app, proposal="grant", reason="x")
    sp.application_file(actor=world.officer, application=app)
    app.refresh_from_db()
    assert app.state == "filed" and app.decision == "filed" and app.certificate_id is None
    assert [d.kind for d in app.documents()] == ["acceptance_notice", "filing_notice"]


def test_the_merged_review_produces_both_outputs(world):
    """措施I.7: 安全条件和安全设施设计同时审查 — one process, two decisions (安全条件审查意见书, 安全设施设计审查意见书)."""
    item = world.items["hazchem_project_condition"]
    app = application_submit(actor=world.qiye, item=item, files=files_for(item), merged_review=True)
    s.application_accept(actor=world.officer, application=app)
    s.application_expert_start(actor=world.officer, application=app, reason="评审")
    s.application_expert_finish(actor=world.officer, application=app, result="通过")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="合并审查通过")
    s.application_grant(actor=world.leader, application=app)
    kinds = [d.kind for d in app.documents()]
    assert "condition_opinion" in kinds and "design_opinion" in kinds


def test_handover_page_scope_and_validation(world, login):
    """HTTP: the responsible bureau receives and closes (a result is required); another county's inspector does
    not see the task and its POST answers 404."""
    plant, user = _user_enterprise(world)
    app = application_submit(actor=user, item=world.items["hazchem_use"], files=files_for(world.items["hazchem_use"]))
    task = insp.handover_open(actor=None, enterprise=plant, reason="approval", source_record=app,
                              source_label="测试移交")
    yanhu = make_user("t_yanhu_ins", roles=["inspector"], organisation=world.yanhu, enforcement_id="140802001")
    linyi = make_user("t_linyi_ins", roles=["inspector"], organisation=world.linyi, enforcement_id="140821001")
    assert task.number in login(yanhu).get("/inspection/handovers/").content.decode()
    assert task.number not in login(linyi).get("/inspection/handovers/").content.decode()
    assert login(linyi).post(f"/inspection/handovers/{task.pk}/receive/").status_code == 404
    login(yanhu).post(f"/inspection/handovers/{task.pk}/receive/")
    response = login(yanhu).post(f"/inspection/handovers/{task.pk}/close/", {"result": ""}, follow=True)
    assert "请填写监管结果" in response.content.decode()
    task.refresh_from_db()
    assert task.state == "received"
