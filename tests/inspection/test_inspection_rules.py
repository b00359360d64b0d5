"""Inspections (measures II.2, II.4, II.5): team rules, yearly caps counting every inspection, the leader's
approval for protected enterprises, exceptions, check-in, checklist records, findings → hazards, recheck."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from bureau.enterprises.models import Industry
from bureau.hazards.models import Hazard
from bureau.inspection import services as S
from bureau.inspection.models import CheckIn, ConflictOfInterest, Inspection, ResultOutcome
from bureau.kernel.errors import DomainError, NotFound, PermissionDenied
from bureau.kernel.models import AuditEntry, Document


def open_random(world, enterprise, officers=None, **kw):
    return S.inspection_open(actor=world.inspector, enterprise=enterprise, kind="random",
                             officers=officers or [world.inspector, world.inspector2], **kw)


def test_a_team_needs_two_certified_officers_of_the_jurisdiction(world, general):
    with pytest.raises(DomainError, match="至少需要 2 名"):
        open_random(world, general, [world.inspector])
    with pytest.raises(DomainError, match="未持有执法证"):
        open_random(world, general, [world.inspector, world.uncertified])
    with pytest.raises(DomainError, match="不属于企业所在地"):
        open_random(world, general, [world.inspector, world.linyi_inspector])
    assert not Inspection.objects.exists()


def test_an_officer_with_a_declared_conflict_recuses(world, general):
    S.conflict_declare(actor=world.inspector2, officer=world.inspector2, enterprise=general, reason="配偶在该企业任职")
    with pytest.raises(DomainError, match="应当回避"):
        open_random(world, general)
    assert open_random(world, general, [world.inspector, world.inspector3]).state == "assigned"


def test_another_countys_officer_cannot_open_an_inspection(world, general):
    with pytest.raises(NotFound):
        S.inspection_open(actor=world.linyi_inspector, enterprise=general, kind="random",
                          officers=[world.inspector, world.inspector2])


def test_general_enterprise_cap_counts_inspections_by_any_level(world, general):
    S.inspection_open(actor=world.city_inspector, enterprise=general, kind="random",
                      officers=[world.city_inspector, world.city_inspector2])
    with pytest.raises(DomainError, match="已达一般企业年度上限 1 次"):
        open_random(world, general)
    assert Inspection.objects.count() == 1


def test_key_enterprise_at_most_two_inspections_then_only_an_approved_exception(world):
    key = world.enterprise(industry=Industry.HAZCHEM_PRODUCTION, is_key=True)
    open_random(world, key)
    open_random(world, key)
    with pytest.raises(DomainError, match="重点检查企业年度上限 2 次"):
        open_random(world, key)
    exceptional = S.inspection_open_exceptional(actor=world.inspector, enterprise=key, reason="complaint",
                                                reference="12345 工单 2026-001",
                                                officers=[world.inspector, world.inspector2])
    assert exceptional.state == "pending_approval" and exceptional.over_cap
    assert "超出年度上限 2 次" in exceptional.approval_required
    with pytest.raises(DomainError, match="尚未批准"):
        S.inspection_check_in(actor=world.inspector, inspection=exceptional)
    S.inspection_approve(actor=world.leader, inspection=exceptional, reason="群众举报夜间违规装卸，须现场核查")
    exceptional.refresh_from_db()
    assert exceptional.state == "assigned" and exceptional.approved_by == world.leader


def test_an_exception_needs_a_reason_and_a_reference(world, general):
    with pytest.raises(DomainError, match="例外检查的事由"):
        S.inspection_open_exceptional(actor=world.inspector, enterprise=general, reason="", reference="x",
                                      officers=[world.inspector, world.inspector2])
    with pytest.raises(DomainError, match="线索来源"):
        S.inspection_open_exceptional(actor=world.inspector, enterprise=general, reason="accident", reference=" ",
                                      officers=[world.inspector, world.inspector2])


@pytest.mark.parametrize(("grade", "credit", "needle"), [("1", "B1", "标准化一级"), ("2", "A1", "诚信等级 A1")])
def test_protected_enterprise_waits_for_the_leader_with_reason(world, grade, credit, needle):
    protected = world.enterprise(standardization_grade=grade, credit_grade=credit)
    inspection = open_random(world, protected)
    assert inspection.state == "pending_approval" and needle in inspection.approval_required
    with pytest.raises(DomainError, match="批准理由"):
        S.inspection_approve(actor=world.leader, inspection=inspection, reason=" ")
    with pytest.raises(PermissionDenied):
        S.inspection_approve(actor=world.inspector, inspection=inspection, reason="同意")
    with pytest.raises(DomainError, match="只能由检查单位的分管负责人批准"):  # the guard of 批准检查
        S.inspection_approve(actor=world.city_leader, inspection=inspection, reason="同意")
    S.inspection_approve(actor=world.leader, inspection=inspection, reason="专项整治需要，同意检查")
    assert AuditEntry.objects.filter(action="inspection.approve", object_id=str(inspection.pk)).exists()


def run_site_inspection(world, inspection, finding_seq=2):
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    for item in inspection.items():
        finding = item.seq == finding_seq
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item,
                                 outcome=ResultOutcome.FINDING if finding else ResultOutcome.COMPLIANT,
                                 note="危险化学品混存" if finding else "")


def test_check_in_is_logged_and_only_team_members_may_check_in(world, general):
    inspection = open_random(world, general)
    with pytest.raises(DomainError, match="您不是本次检查的检查人员"):  # the guard of 扫码入企
        S.inspection_check_in(actor=world.inspector3, inspection=inspection)
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.state == "on_site" and inspection.checked_in_at
    assert CheckIn.objects.filter(inspection=inspection, officer=world.inspector).count() == 1


def test_items_can_only_be_recorded_on_site_and_a_finding_needs_a_note(world, general):
    inspection = open_random(world, general)
    item = inspection.items()[0]
    with pytest.raises(DomainError, match="先扫码入企"):
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item, outcome="compliant")
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    with pytest.raises(DomainError, match="描述问题"):
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item, outcome="finding")


def test_the_rest_compliant_in_one_save_keeps_the_finding_and_answers_every_item(world, general):
    """照单检查 (issue 17 item 1): 「其余项全部符合」 records 符合 for the unanswered items only, in one save; a finding
    keeps its description; off site nothing is recorded."""
    inspection = open_random(world, general)
    with pytest.raises(DomainError, match="先扫码入企"):
        S.inspection_record_rest_compliant(actor=world.inspector, inspection=inspection)
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    second = inspection.items()[1]
    S.inspection_record_item(actor=world.inspector, inspection=inspection, item=second, outcome="finding", note="混存")
    assert S.inspection_record_rest_compliant(actor=world.inspector, inspection=inspection) == 4
    outcomes = dict(inspection.results.values_list("item__seq", "outcome"))
    assert outcomes == {1: "compliant", 2: "finding", 3: "compliant", 4: "compliant", 5: "compliant"}
    assert S.inspection_record_rest_compliant(actor=world.inspector, inspection=inspection) == 0  # idempotent


def test_finish_needs_every_item_then_findings_become_hazards_with_deadline_and_documents(world, general):
    inspection = open_random(world, general)
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    with pytest.raises(DomainError, match="还有 5 项未记录"):
        S.inspection_finish(actor=world.inspector, inspection=inspection)
    run_site_inspection_items = inspection.items()
    for item in run_site_inspection_items:
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item,
                                 outcome="finding" if item.seq == 2 else "compliant", note="混存")
    with pytest.raises(DomainError, match="整改期限"):
        S.inspection_finish(actor=world.inspector, inspection=inspection)
    with pytest.raises(DomainError, match="晚于今天"):
        S.inspection_finish(actor=world.inspector, inspection=inspection, deadline=timezone.localdate())
    deadline = timezone.localdate() + dt.timedelta(days=15)
    S.inspection_finish(actor=world.inspector, inspection=inspection, summary="检查储存场所", deadline=deadline)
    inspection.refresh_from_db()
    assert inspection.state == "rectifying" and inspection.publish_due is not None
    hazard = Hazard.objects.get()
    assert (hazard.source, hazard.deadline, hazard.state) == ("inspection", deadline, "reported")
    assert hazard.source_type == "inspection.inspection" and hazard.source_id == str(inspection.pk)
    assert "危险化学品安全管理条例" in hazard.legal_basis
    kinds = set(Document.objects.values_list("kind", flat=True))
    assert kinds == {"site_record", "rectification_order"}
    assert Document.objects.get(kind="rectification_order").file.read(5) == b"%PDF-"


def test_recheck_drives_the_hazard_workflow_and_issues_the_opinion(world, general):
    inspection = open_random(world, general)
    run_site_inspection(world, inspection)
    S.inspection_finish(actor=world.inspector, inspection=inspection,
                        deadline=timezone.localdate() + dt.timedelta(days=10))
    hazard = Hazard.objects.get()
    with pytest.raises(DomainError, match="复查意见"):
        S.inspection_recheck(actor=world.inspector, inspection=inspection, passed={hazard.pk: True}, opinion="")
    S.inspection_recheck(actor=world.inspector, inspection=inspection, passed={hazard.pk: False}, opinion="仍混存")
    hazard.refresh_from_db()
    inspection.refresh_from_db()
    assert hazard.state == "rectifying" and inspection.state == "rectifying"
    S.inspection_recheck(actor=world.inspector, inspection=inspection, passed={hazard.pk: True}, opinion="已分库存放")
    hazard.refresh_from_db()
    inspection.refresh_from_db()
    assert hazard.state == "closed" and inspection.state == "closed"
    actions = list(hazard.history().values_list("action", flat=True))
    assert actions == ["report", "plan", "request_acceptance", "accept", "close"]
    assert Document.objects.filter(kind="recheck_opinion").count() == 2


def test_no_findings_closes_the_inspection(world, general):
    inspection = open_random(world, general)
    run_site_inspection(world, inspection, finding_seq=99)
    S.inspection_finish(actor=world.inspector, inspection=inspection)
    inspection.refresh_from_db()
    assert inspection.state == "closed" and not Hazard.objects.exists()


def test_conflicts_are_declared_once_and_only_for_oneself(world, general):
    with pytest.raises(PermissionDenied):
        S.conflict_declare(actor=world.inspector, officer=world.inspector2, enterprise=general, reason="亲属")
    S.conflict_declare(actor=world.leader if world.leader.has_role("inspector") else world.inspector,
                       officer=world.inspector, enterprise=general, reason="亲属")
    with pytest.raises(DomainError, match="已登记"):
        S.conflict_declare(actor=world.inspector, officer=world.inspector, enterprise=general, reason="亲属")
    assert ConflictOfInterest.objects.count() == 1


def test_the_order_names_the_issuing_bureaus_own_government_as_review_body(world, general, monkeypatch):
    """行政复议法（2023年修订，2024年1月1日施行）第二十四条: a county bureau's 责令限期整改指令书 is reviewed by that county's
    people's government — not by 运城市人民政府 or 山西省应急管理厅, the choice the old law gave; and the court is the
    county bureau's own (data, 行政诉讼法 第十八条)."""
    from bureau.inspection import documents

    world.yanhu.court = "运城市盐湖区人民法院"
    world.yanhu.save(update_fields=["court"])

    written: list[str] = []
    real = documents.store_document

    def spy(*, spec, **kw):
        written.extend(getattr(block, "text", "") for block in spec.blocks)
        return real(spec=spec, **kw)

    monkeypatch.setattr(documents, "store_document", spy)
    inspection = open_random(world, general)
    S.inspection_check_in(actor=world.inspector, inspection=inspection)
    for item in inspection.items():
        S.inspection_record_item(actor=world.inspector, inspection=inspection, item=item,
                                 outcome="finding" if item.seq == 2 else "compliant", note="混存")
    S.inspection_finish(actor=world.inspector, inspection=inspection, summary="检查",
                        deadline=timezone.localdate() + dt.timedelta(days=15))
    remedies = next(text for text in written if "行政复议" in text)
    assert inspection.organisation.region_id == "140802"
    assert "向运城市盐湖区人民政府申请行政复议" in remedies and "山西省应急管理厅" not in remedies
    assert "本指令不停止执行" in remedies
    assert "向运城市盐湖区人民法院提起行政诉讼" in remedies


@pytest.mark.parametrize(("kind", "region", "expected"), [
    ("city", "140800", "运城市人民政府"), ("county", "140821", "运城市临猗县人民政府"), ("zone", "140899", ""),
])
def test_the_review_body_follows_the_issuing_authority_and_can_be_set_as_data(kind, region, expected, db):
    """The review body is presumed from the authority (行政复议法 第二十四条) where the law makes it plain, and
    recorded by the administrators where it does not (a development zone's department); a section acts for its
    bureau."""
    from bureau.accounts.models import Organisation
    from tests.factories import OrganisationFactory

    org = OrganisationFactory(code=f"T-{kind}", name=f"测试{kind}", kind=kind, region_id=region)
    assert org.review_body_name == expected
    assert ("申请行政复议" in org.remedies()) and (expected in org.remedies())
    if kind == "city":
        section = OrganisationFactory(code="T-sec", name="测试科室", kind="section", parent=org, region_id=region)
        assert section.review_body_name == "运城市人民政府"
    Organisation.objects.filter(pk=org.pk).update(review_body="运城经济技术开发区管理委员会")
    org.refresh_from_db()
    assert org.review_body_name == "运城经济技术开发区管理委员会"
