"""HTTP tests of every transition and refusal of an application (UI views; services behind them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from bureau.certificates.models import Certificate
from bureau.kernel.errors import Conflict
from bureau.kernel.models import Document, RuleParameter
from bureau.licensing import services as s
from bureau.licensing.models import Application, Commitment
from tests.certificates.factories import licence
from tests.factories import EnterpriseFactory, make_user
from tests.licensing.conftest import application_submit, files_for, form_for, pdf

pytestmark = pytest.mark.django_db


def submit(w, code="hazchem_operation", user=None, skip=frozenset(), **kw):
    item = w.items[code]
    return application_submit(actor=user or w.qiye, item=item, files=files_for(item, skip), **kw)


def act(client, app, action, **data):
    data.setdefault("version", app.version)
    return client.post(f"/licensing/{app.pk}/act/{action}/", data, follow=True)


def text(response) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- submission

def fields(w, item, **values):
    return {f"field_{k}": v for k, v in form_for(item, w.enterprise, **values).items()}


def test_enterprise_submits_online_with_register_data_prefilled(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    page = client.get(f"/licensing/items/{item.code}/apply/")
    assert f'name="field_uscc" value="{world.enterprise.uscc}"' in text(page)
    data = {"idempotency_key": "k1", "locked_name": world.enterprise.name, **fields(world, item, scope="甲醇"),
            **{f"material_{k}": v for k, v in files_for(item).items()}}
    response = client.post(f"/licensing/items/{item.code}/apply/", data, follow=True)
    app = Application.objects.get()
    assert response.redirect_chain[-1][0] == f"/licensing/{app.pk}/"
    assert app.locked_data["uscc"] == world.enterprise.uscc and app.state == "submitted"
    assert app.intake_due is not None and app.due_on == app.intake_due
    assert app.materials.filter(status="shared").exists()
    assert all(m.attachment.sha256 for m in app.materials.filter(status="provided"))


def test_same_idempotency_key_creates_one_application(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    for _ in range(2):
        data = {"idempotency_key": "same", **fields(world, item),
                **{f"material_{k}": v for k, v in files_for(item).items()}}
        client.post(f"/licensing/items/{item.code}/apply/", data)
    assert Application.objects.count() == 1


def test_tampered_locked_field_is_refused_and_nothing_saved(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    data = {"locked_name": "别的公司", **fields(world, item), **{f"material_{k}": v for k, v in files_for(item).items()}}
    response = client.post(f"/licensing/items/{item.code}/apply/", data)
    assert "登记信息已锁定" in text(response)
    assert Application.objects.count() == 0


def test_wrong_file_type_is_refused(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    first = item.materials.exclude(requirement="shared").exclude(generated=True).first()
    data = {f"material_{first.pk}": SimpleUploadedFile("x.exe", b"MZ\x90\x00", content_type="application/pdf"),
            **fields(world, item)}
    response = client.post(f"/licensing/items/{item.code}/apply/", data)
    assert "类型不允许" in text(response) and Application.objects.count() == 0


def test_disguised_file_content_is_refused(world, login):
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    first = item.materials.exclude(requirement="shared").exclude(generated=True).first()
    data = {f"material_{first.pk}": SimpleUploadedFile("x.pdf", b"not a pdf", content_type="application/pdf"),
            **fields(world, item)}
    assert "内容与扩展名不符" in text(client.post(f"/licensing/items/{item.code}/apply/", data))


def test_oversize_upload_is_refused(world, login):
    RuleParameter.objects.filter(key="licensing.upload_max_mb").delete()
    RuleParameter.objects.create(key="licensing.upload_max_mb", value=1, description="t", source="t",
                                 effective_from=dt.date(2020, 1, 1))
    client = login(world.qiye)
    item = world.items["hazchem_operation"]
    first = item.materials.exclude(requirement="shared").exclude(generated=True).first()
    big = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 10), content_type="application/pdf")
    response = client.post(f"/licensing/items/{item.code}/apply/", {f"material_{first.pk}": big, **fields(world, item)})
    assert "超过大小限制" in text(response) and Application.objects.count() == 0


def test_staff_cannot_submit_as_enterprise(world):
    with pytest.raises(s.PermissionDenied):
        application_submit(actor=world.officer, item=world.items["hazchem_operation"], files={})


# ---------------------------------------------------------------- intake

def test_accept_issues_acceptance_notice_with_expected_decision_date(world, login):
    app = submit(world)
    response = act(login(world.officer), app, "accept")
    app.refresh_from_db()
    assert app.state == "review" and app.accepted_on == s.today()
    assert app.decision_due is not None and "受理" in text(response)
    assert app.documents().filter(kind="acceptance_notice").exists()


def test_accept_refused_when_materials_are_missing(world, login):
    app = submit(world, skip=frozenset({"tolerable"}))
    response = act(login(world.officer), app, "accept")
    assert "材料不齐全" in text(response)
    app.refresh_from_db()
    assert app.state == "submitted" and not Document.objects.exists()


def test_reject_requires_reasons_and_gives_remedies(world, login):
    app = submit(world)
    client = login(world.officer)
    assert "请填写不予受理的理由" in text(act(client, app, "reject", note=""))
    act(client, app, "reject", note="不属于本机关职权", other_agency="山西省应急管理厅")
    app.refresh_from_db()
    assert app.state == "rejected"
    assert app.documents().get(kind="rejection_notice").title == "不予受理通知书"


def test_correction_lists_everything_missing_once_then_enterprise_resubmits(world, login):
    app = submit(world)
    unclear = [m.material_id for m in app.materials.filter(status="provided", material__generated=False)[:2]]
    act(login(world.officer), app, "request_correction", note="营业执照复印件不清晰", material_ids=unclear)
    app.refresh_from_db()
    assert app.state == "correction" and app.documents().filter(kind="correction_notice").exists()
    missing = list(app.materials.filter(status="missing"))
    assert len(missing) >= 2
    client = login(world.qiye)
    data = {"version": app.version, **{f"material_{m.material_id}": pdf() for m in missing}}
    client.post(f"/licensing/{app.pk}/act/resubmit/", data)
    app.refresh_from_db()
    assert app.state == "submitted" and not app.materials.filter(status="missing").exists()


def test_correction_needs_a_list(world):
    app = submit(world)
    with pytest.raises(s.DomainError, match="一次性告知"):
        s.application_request_correction(actor=world.officer, application=app, material_ids=[], note="")


def test_five_working_days_without_intake_decision_count_as_accepted_on_arrival(world):
    app = submit(world)
    Application.objects.filter(pk=app.pk).update(submitted_on=dt.date(2026, 11, 2), intake_due=dt.date(2026, 11, 9))
    assert s.deemed_acceptance_sweep(on=dt.date(2026, 11, 10)) == 1
    app.refresh_from_db()
    assert app.state == "review" and app.deemed_accepted and app.accepted_on == dt.date(2026, 11, 2)
    assert app.history().filter(action="deem_accept").exists()


# ---------------------------------------------------------------- 容缺 (I.3)

def test_tolerated_acceptance_commitment_and_approval_first(world, login):
    app = submit(world, skip=frozenset({"tolerable"}))
    officer = login(world.officer)
    act(officer, app, "accept_tolerated", note="次要材料容缺")
    app.refresh_from_db()
    assert app.state == "review" and app.tolerated
    commitment = Commitment.objects.get(application=app)
    assert commitment.status == "unsigned" and commitment.latest_deadline == app.decision_due
    s.application_site_verify(actor=world.officer, application=app, result="合格")
    with pytest.raises(s.DomainError, match="容缺承诺书"):
        s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    client = login(world.qiye)
    too_late = (commitment.latest_deadline + dt.timedelta(days=1)).isoformat()
    response = client.post(f"/licensing/{app.pk}/commitment/sign/", {
        "deadline": too_late, "preventive_measures": "临时措施", "rectification_plan": "两周内补交"}, follow=True)
    assert "不得晚于承诺办结时限" in text(response)
    ok = (s.today() + dt.timedelta(days=1)).isoformat()
    client.post(f"/licensing/{app.pk}/commitment/sign/", {
        "deadline": ok, "preventive_measures": "临时措施", "rectification_plan": "两周内补交"})
    commitment.refresh_from_db()
    assert commitment.status == "signed"
    assert app.documents().filter(kind="tolerance_commitment").exists()
    app.refresh_from_db()
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    s.application_grant(actor=world.leader, application=app)
    app.refresh_from_db()
    assert app.state == "granted" and app.certificate is not None  # approval went first


def test_tolerated_acceptance_refused_when_required_material_missing(world, login):
    app = submit(world, skip=frozenset({"tolerable"}))
    # a required material found unusable after submission (submission itself refuses a missing one)
    app.materials.filter(material__requirement="required", material__generated=False).update(status="missing")
    response = act(login(world.officer), app, "accept_tolerated")
    assert "主要材料不齐全" in text(response)


def test_commitment_reminded_before_and_escalated_after_deadline(world):
    app = submit(world, skip=frozenset({"tolerable"}))
    s.application_accept_tolerated(actor=world.officer, application=app)
    c = Commitment.objects.get(application=app)
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=2),
                      preventive_measures="措施", rectification_plan="计划")
    c.refresh_from_db()
    assert s.commitment_sweep(on=s.today())["reminded"] == 1
    assert s.commitment_sweep(on=s.today())["reminded"] == 0  # exactly once
    result = s.commitment_sweep(on=c.deadline + dt.timedelta(days=1))
    c.refresh_from_db()
    assert result["escalated"] == 1 and c.status == "overdue" and c.escalated_on
    assert c.history().filter(action="escalate").exists()
    assert world.officer.notifications.filter(title__contains="容缺承诺逾期").exists()


def test_commitment_fulfilled_when_materials_supplemented_and_verified(world, login):
    """Measure I.3: supplementing every tolerated material reports fulfilment (待核验); the officer's verification,
    not the upload, closes the commitment."""
    from bureau.licensing.tolerance import commitment_verify

    app = submit(world, skip=frozenset({"tolerable"}))
    s.application_accept_tolerated(actor=world.officer, application=app)
    c = Commitment.objects.get(application=app)
    s.commitment_sign(actor=world.qiye, commitment=c, deadline=s.today() + dt.timedelta(days=2),
                      preventive_measures="措施", rectification_plan="计划")
    tolerated = app.materials.filter(status="tolerated")
    login(world.qiye).post(f"/licensing/{app.pk}/commitment/fulfil/",
                           {f"material_{m.material_id}": pdf() for m in tolerated})
    c.refresh_from_db()
    assert c.status == "reported"
    commitment_verify(actor=world.officer, commitment=c, passed=True, note="材料真实有效")
    c.refresh_from_db()
    assert c.status == "fulfilled" and c.verified_by_id == world.officer.pk and c.fulfilled_on == s.today()


# ---------------------------------------------------------------- review, decision

def test_site_verification_required_before_proposal(world, login):
    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    client = login(world.officer)
    assert "尚未完成现场核查" in text(act(client, app, "propose", proposal="grant", note="符合"))
    app.refresh_from_db()
    act(client, app, "site_verify", note="现场符合")
    app.refresh_from_db()
    assert app.site_done_on is not None
    act(client, app, "propose", proposal="grant", note="符合")
    app.refresh_from_db()
    assert app.state == "pending_decision"


def test_the_proposal_is_offered_only_once_its_declared_preconditions_hold(world):
    """Issue 13: the proposal's preconditions (site verification, expert review, parallel opinions, the signed
    commitment) are guards of the declared action, so the officer is not offered it until they hold."""
    from bureau.licensing.workflow import WORKFLOW

    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    app.refresh_from_db()
    offered = {t.action for t in WORKFLOW.available(app, world.officer)}
    assert "site_verify" in offered and "propose" not in offered
    s.application_site_verify(actor=world.officer, application=app, result="现场符合")
    app.refresh_from_db()
    assert "propose" in {t.action for t in WORKFLOW.available(app, world.officer)}


def test_grade_two_enterprise_skips_site_verification_and_record_says_why(world):
    mine = EnterpriseFactory(industry="non_coal_mine", standardization_grade="2", address="运城市夏县")
    app = submit(world, "aqsc_first", user=make_user("t_mine", roles=["enterprise"], enterprise=mine))
    assert app.site_required is False and "免于现场核查" in app.fast_track_reason and "二级" in app.fast_track_reason


def test_expert_review_pauses_and_resumes_the_clock_and_tells_applicant(world, login):
    app = submit(world, "hazchem_project_condition")
    s.application_accept(actor=world.officer, application=app)
    app.refresh_from_db()
    client = login(world.officer)
    act(client, app, "expert_start", note="组织专家评审")
    app.refresh_from_db()
    assert app.state == "expert_review" and app.pause_rows.filter(end__isnull=True).exists()
    assert app.documents().filter(kind="pause_notice").exists()
    assert world.qiye.notifications.filter(title__contains="暂停计时").exists()
    assert "请填写专家评审结论" in text(act(client, app, "expert_finish", note=""))
    act(client, app, "expert_finish", note="通过")
    app.refresh_from_db()
    assert app.state == "review" and app.expert_result == "通过" and not app.pause_rows.filter(end=None).exists()


def test_extension_needs_leader_approval_and_reason_told(world, login):
    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    app.refresh_from_db()
    before = app.decision_due
    officer = login(world.officer)
    act(officer, app, "request_extension", note="需补充核查储存条件")
    app.refresh_from_db()
    assert app.state == "extension_requested"
    response = act(officer, app, "approve_extension")
    assert "无权" in text(response)
    act(login(world.leader), app, "approve_extension", note="同意")
    app.refresh_from_db()
    assert app.extension_days == 10 and app.decision_due > before
    assert app.documents().filter(kind="extension_notice").exists()
    with pytest.raises(s.DomainError, match="不能再次延期"):
        s.application_request_extension(actor=world.officer, application=app, reason="再延")


def test_leader_grants_and_licence_enters_certificate_register(world, login):
    app = submit(world, scope_text="甲醇")
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="合格")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    app.refresh_from_db()
    act(login(world.leader), app, "grant", note="同意")
    app.refresh_from_db()
    cert = Certificate.objects.get()
    assert app.state == "granted" and app.certificate == cert and cert.type.code == "hazchem_operation_licence"
    assert cert.enterprise == world.enterprise and cert.valid_until > cert.valid_from
    assert app.documents().filter(kind="grant_decision").exists() and app.handling_days is not None
    assert app.documents().filter(kind="licence", title="危险化学品经营许可证").exists()
    page = login(world.qiye).get(f"/licensing/{app.pk}/")
    assert cert.number in text(page)


def test_leader_refuses_with_reasons(world, login):
    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="不合格")
    s.application_propose(actor=world.officer, application=app, proposal="refuse", reason="储存条件不符")
    app.refresh_from_db()
    leader = login(world.leader)
    assert "请填写不予许可的理由" in text(act(leader, app, "refuse", note=""))
    act(leader, app, "refuse", note="储存条件不符合要求")
    app.refresh_from_db()
    assert app.state == "refused" and app.documents().filter(kind="refusal_decision").exists()
    assert not Certificate.objects.exists()


def test_leader_returns_for_more_review(world, login):
    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="合格")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    app.refresh_from_db()
    act(login(world.leader), app, "return", note="请补充说明")
    app.refresh_from_db()
    assert app.state == "review"


def test_instant_change_item_is_decided_on_the_spot(world, login):
    """Measure I.2: a 变更 with no site check or expert review is decided on the spot; it amends the licence the
    enterprise holds (行政许可法 第49条; certificates/lifecycle.py)."""
    held = licence(world.enterprise, valid_from=s.today())
    app = submit(world, "hazchem_operation_change")
    assert app.fast_track == "instant"
    act(login(world.officer), app, "decide_instant")
    app.refresh_from_db()
    assert app.state == "granted" and app.certificate == held


def test_decide_instant_refused_for_promised_items(world, login):
    app = submit(world)
    assert "即办件" in text(act(login(world.officer), app, "decide_instant"))


def test_enterprise_withdraws(world, login):
    app = submit(world)
    act(login(world.qiye), app, "withdraw")
    app.refresh_from_db()
    assert app.state == "withdrawn"


# ---------------------------------------------------------------- refusals: state, role, scope, concurrency

def test_action_not_allowed_in_current_state(world, login):
    app = submit(world)
    assert "不能执行「准予许可」" in text(act(login(world.leader), app, "grant"))


def test_enterprise_cannot_accept(world, login):
    app = submit(world)
    response = act(login(world.qiye), app, "accept")
    assert "无权" in text(response) or "不能办理" in text(response)
    app.refresh_from_db()
    assert app.state == "submitted"


def test_two_officers_deciding_at_once_one_gets_a_conflict(world, login):
    app = submit(world)
    stale = app.version
    act(login(world.officer), app, "accept")
    response = login(world.officer2).post(f"/licensing/{app.pk}/act/reject/",
                                          {"version": stale, "note": "理由"}, follow=True)
    assert "已被他人处理" in text(response) or "不能执行" in text(response)
    app.refresh_from_db()
    assert app.state == "review" and not app.documents().filter(kind="rejection_notice").exists()


def test_stale_version_is_a_conflict(world):
    app = submit(world)
    app.version = 99
    with pytest.raises(Conflict):
        s.application_accept(actor=world.officer, application=app)


def test_other_enterprise_and_other_county_get_404(world, login):
    app = submit(world)
    assert login(world.qiye_other).get(f"/licensing/{app.pk}/").status_code == 404
    assert login(world.county_officer).get(f"/licensing/{app.pk}/").status_code == 404


def test_county_officer_cannot_handle_city_level_item(world):
    app = submit(world)
    with pytest.raises(s.DomainError, match="市局办理"):
        s.application_accept(actor=world.yanhu_officer, application=app)


# ---------------------------------------------------------------- parallel review (I.5)

def test_capacity_increase_parallel_review_with_energy_department(world, login):
    app = submit(world, "coal_capacity_increase", user=world.qiye_coal)
    other = submit(world)
    s.application_accept(actor=world.officer, application=app)
    opinions = {o.organisation.code: o for o in app.opinions.select_related("organisation")}
    assert {"YC-D-NY", "YC-CITY"} <= set(opinions)
    energy = login(world.energy_user)
    listing = text(energy.get("/licensing/department/"))
    assert app.number in listing and other.number not in listing
    assert energy.get(f"/licensing/{other.pk}/").status_code == 404
    s.application_site_verify(actor=world.officer, application=app, result="市县同步核查合格")
    s.application_expert_start(actor=world.officer, application=app, reason="评审")
    s.application_expert_finish(actor=world.officer, application=app, result="通过")
    with pytest.raises(s.DomainError, match="并联审查意见尚未齐全"):
        s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    energy.post(f"/licensing/{app.pk}/opinion/{opinions['YC-D-NY'].pk}/", {"conclusion": "agree", "text": "同意核增"})
    with pytest.raises(s.PermissionDenied):
        s.opinion_give(actor=world.energy_user, opinion=opinions["YC-CITY"], conclusion="agree", text="x")
    s.opinion_give(actor=world.officer, opinion=opinions["YC-CITY"], conclusion="agree", text="同意")
    with pytest.raises(s.DomainError, match="已提出意见"):
        s.opinion_give(actor=world.officer, opinion=opinions["YC-CITY"], conclusion="agree", text="同意")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="各方同意")
    app.refresh_from_db()
    assert app.state == "pending_decision"


# ---------------------------------------------------------------- lists, workbench, query budgets

def test_officer_queue_sorted_by_days_left_with_query_budget(world, login, django_assert_max_num_queries):
    a = submit(world)
    b = submit(world, "fireworks_wholesale", user=world.qiye_other)
    Application.objects.filter(pk=b.pk).update(due_on=dt.date(2026, 1, 5))
    client = login(world.officer)
    with django_assert_max_num_queries(12):
        page = text(client.get("/licensing/queue/"))
    assert page.index(b.number) < page.index(a.number)
    assert "已超期" in page


def test_enterprise_my_applications_with_query_budget(world, login, django_assert_max_num_queries):
    for code in ("hazchem_operation", "hazchem_project_condition", "hazchem_project_design"):
        submit(world, code)
    client = login(world.qiye)
    with django_assert_max_num_queries(11):  # the list, and the enterprise's drafts above it
        response = client.get("/licensing/mine/")
    assert text(response).count("YCXK") >= 3


def test_workbench_shows_officer_queue_and_leader_approvals(world, login):
    app = submit(world)
    assert app.number in text(login(world.officer).get("/"))
    assert app.number in text(login(world.qiye).get("/"))  # the enterprise's own open application
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="合格")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    assert app.number in text(login(world.leader).get("/"))


def test_timeline_shows_every_transition(world, login):
    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    page = text(login(world.qiye).get(f"/licensing/{app.pk}/"))
    assert "网上提交申请" in page and "受理" in page and "审批 李明" in page


def test_county_leader_cannot_decide_a_city_level_application(world):
    from tests.factories import make_user

    yanhu_leader = make_user("t_yanhu_leader", roles=["leader"], organisation=world.yanhu)
    app = submit(world)
    s.application_accept(actor=world.officer, application=app)
    s.application_site_verify(actor=world.officer, application=app, result="合格")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合")
    with pytest.raises(s.DomainError, match="市局办理"):
        s.application_grant(actor=yanhu_leader, application=app)
    app.refresh_from_db()
    assert app.state == "pending_decision"


def test_commitment_shows_in_the_enterprise_record(world, login):
    app = submit(world, skip=frozenset({"tolerable"}))
    s.application_accept_tolerated(actor=world.officer, application=app)
    page = text(login(world.yanhu_officer).get(f"/enterprises/{world.enterprise.pk}/"))
    assert "容缺承诺" in page and app.number in page
