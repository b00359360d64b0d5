"""Issue 13: a certificate's and a mailing request's status change only through the declared actions of their
workflows (certificates/workflow.py): each change writes the timeline row and the audit entry, a stale page gets a
conflict, a role the declaration does not name sees no button and is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib import admin
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages import get_messages
from django.test import RequestFactory

from bureau.certificates import services
from bureau.certificates.models import Certificate, MailingRequest
from bureau.certificates.workflow import MAILING, WORKFLOW
from bureau.kernel.admin import AuditedAdmin
from bureau.kernel.errors import Conflict, DomainError
from bureau.kernel.models import AuditEntry, ProcessHistory
from bureau.kernel.workflow import workflow_for_model
from tests.certificates.factories import licence, person_certificate
from tests.factories import EnterpriseFactory, city_bureau, county_bureau, make_user

pytestmark = pytest.mark.django_db
TODAY = dt.date.today()
ADDRESS = {"recipient_name": "张晓明", "recipient_phone": "13912345678", "address": "运城市盐湖区解放路100号"}


@pytest.fixture
def officer(db):
    return make_user("cert_officer", roles=["licensing_officer"], organisation=county_bureau("140802"),
                     real_name="审批 李明")


@pytest.fixture
def officer2(db):
    return make_user("cert_officer2", roles=["licensing_officer"], organisation=county_bureau("140802"),
                     real_name="审批 赵静")


@pytest.fixture
def clerk(db):
    return make_user("mail_clerk", roles=["clerk"], organisation=city_bureau(), real_name="窗口 王芳")


def _recorded(record, workflow, action: str) -> None:
    """The change left its timeline row and its audit entry (what apply_transition writes)."""
    assert record.history().filter(action=action).exists(), action
    entries = AuditEntry.objects.filter(action=f"{workflow.name}.{action}")
    assert entries.filter(object_id=str(record.pk)).exists() or any(
        record.pk in (e.data or {}).get("ids", []) for e in entries), action


def _review_due_certificate(**kw) -> Certificate:
    """A 特种作业操作证 whose periodic review falls due in 20 days (inside the 60-day window)."""
    return person_certificate(valid_from=services.rules.add_months(TODAY + dt.timedelta(days=21), -36), **kw)


# ---------------------------------------------------------------- every change: timeline + audit

def test_every_officer_action_on_a_certificate_writes_timeline_and_audit(officer):
    """Rule: suspend, reinstate, revoke, void, periodic review, extension and renewal each go through the declared
    action: a timeline row (who, from → to, why) and an audit entry, the version moving on by one."""
    cert = person_certificate(valid_from=TODAY)
    services.certificate_change_status(actor=officer, certificate=cert, action="suspend", note="违章作业，暂扣6个月")
    cert.refresh_from_db()
    assert cert.status == "suspended" and cert.version == 1
    services.certificate_change_status(actor=officer, certificate=cert, action="reinstate", note="暂扣期满")
    cert.refresh_from_db()
    services.certificate_change_status(actor=officer, certificate=cert, action="revoke", note="以欺骗手段取得")
    for action in ("suspend", "reinstate", "revoke"):
        _recorded(cert, WORKFLOW, action)
    row = cert.history().get(action="suspend")
    assert (row.from_state, row.to_state, row.actor_name, row.note) == ("valid", "suspended", "审批 李明",
                                                                        "违章作业，暂扣6个月")

    voided = person_certificate(valid_from=TODAY)
    services.certificate_change_status(actor=officer, certificate=voided, action="void", note="持证人申请注销")
    _recorded(voided, WORKFLOW, "void")

    reviewed = _review_due_certificate()
    assert reviewed.status == "due_for_review"
    services.certificate_review(actor=officer, certificate=reviewed, years_in_trade=3)
    reviewed.refresh_from_db()
    assert reviewed.status == "valid"
    _recorded(reviewed, WORKFLOW, "periodic_review")

    renewed = person_certificate(type_code="principal_competency", valid_from=dt.date(2023, 12, 20))
    services.certificate_renew(actor=officer, certificate=renewed, valid_from=dt.date(2026, 12, 20))
    _recorded(renewed, WORKFLOW, "renewal")

    extended = licence(EnterpriseFactory(region_id="140802"), valid_from=dt.date(2024, 1, 10))
    services.certificate_renew(actor=officer, certificate=extended, valid_from=dt.date(2027, 1, 10))
    _recorded(extended, WORKFLOW, "extension")
    assert extended.history().get(action="extension").from_state == "valid"


def test_the_daily_sweep_writes_a_timeline_row_per_certificate_and_audits_the_batch():
    """Rule: the scheduled actions (expire, void for a missed review, enter the review window) are declared for the
    system role; the sweep applies them in bulk, yet each certificate gets its timeline row and the batch its audit
    entry naming the certificates; the version moves on, so a page opened before the sweep is stale."""
    expired = person_certificate(type_code="safety_manager_competency",
                                 valid_from=services.rules.add_months(TODAY, -36) - dt.timedelta(days=10))
    missed = person_certificate(valid_from=services.rules.add_months(TODAY, -36) - dt.timedelta(days=5))
    entering = person_certificate(valid_from=services.rules.add_months(TODAY, -36) + dt.timedelta(days=30))
    Certificate.objects.filter(pk__in=[expired.pk, missed.pk, entering.pk]).update(status="valid")
    result = services.sweep_statuses(TODAY)
    assert (result.expired, result.voided, result.due_for_review) == (1, 1, 1)
    for cert, action, target in ((expired, "expire", "expired"), (missed, "void_missed_review", "void"),
                                 (entering, "enter_review_window", "due_for_review")):
        row = cert.history().get(action=action)
        assert (row.from_state, row.to_state, row.actor_name) == ("valid", target, "系统")
        _recorded(cert, WORKFLOW, action)
        assert Certificate.objects.get(pk=cert.pk).version == cert.version + 1
    services.sweep_statuses(TODAY)
    assert ProcessHistory.objects.filter(action__in=["expire", "void_missed_review", "enter_review_window"]).count() == 3


def test_a_renewal_from_a_past_date_settles_the_status_its_dates_give(officer):
    """Rule: an action that makes a certificate valid again takes, at once and on the timeline, the scheduled action
    its dates call for (here: the renewed 特种作业操作证 is already inside its review window), so that the sweep, which
    only looks at the days since its last run, never misses it."""
    cert = person_certificate(valid_from=dt.date(2018, 1, 10))
    assert cert.status == "expired"
    services.certificate_renew(actor=officer, certificate=cert,
                               valid_from=services.rules.add_months(TODAY + dt.timedelta(days=21), -36))
    cert.refresh_from_db()
    assert cert.status == "due_for_review"
    assert [h.action for h in cert.history()] == ["issue", "renewal", "enter_review_window"]


def test_every_mailing_step_writes_timeline_and_audit(clerk):
    """Rule (measure III.10): request, ship, deliver, withdraw and cancel are the mailing's declared steps; each
    status change leaves its timeline row and audit entry."""
    cert = person_certificate(valid_from=TODAY)
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    shipped = services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    services.mailing_ship(actor=clerk, mailing=shipped, courier="中国邮政EMS", tracking_no="1190012345678")
    services.mailing_deliver(actor=holder, mailing=shipped)
    for action in ("ship", "deliver"):
        _recorded(shipped, MAILING, action)
    assert [h.action for h in shipped.history()] == ["request", "ship", "deliver"]
    withdrawn = services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    services.mailing_cancel(actor=holder, mailing=withdrawn)
    _recorded(withdrawn, MAILING, "withdraw")
    cancelled = services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    services.mailing_cancel(actor=clerk, mailing=cancelled, reason="地址不在寄递范围")
    _recorded(cancelled, MAILING, "cancel")
    assert cancelled.history().get(action="cancel").note == "地址不在寄递范围"


# ---------------------------------------------------------------- stale pages

def test_a_second_officer_on_a_stale_certificate_page_gets_a_conflict(login, officer, officer2):
    """Rule (optimistic concurrency): two officers open the same certificate; the first renews it; the second, still
    on the old page, suspends it: refused as a conflict, nothing changed."""
    cert = person_certificate(type_code="principal_competency", valid_from=dt.date(2023, 12, 20))
    first = login(officer)
    assert 'name="version" value="0"' in first.get(f"/certificates/{cert.pk}/").content.decode()
    first.post(f"/certificates/{cert.pk}/renew", {"valid_from": "2026-12-20", "note": "", "version": 0})
    second = login(officer2)
    response = second.post(f"/certificates/{cert.pk}/status", {"action": "suspend", "note": "违章", "version": 0},
                           follow=True)
    assert "已被他人处理" in response.content.decode()
    cert.refresh_from_db()
    assert cert.status == "valid" and not cert.history().filter(action="suspend").exists()


def test_a_stale_copy_loses_the_race_in_the_service(officer, officer2):
    """Rule: of two officers acting on the same version, exactly one wins (conditional UPDATE on the version)."""
    cert = person_certificate(type_code="principal_competency", valid_from=dt.date(2023, 12, 20))
    stale = Certificate.objects.get(pk=cert.pk)
    services.certificate_renew(actor=officer, certificate=cert, valid_from=dt.date(2026, 12, 20))
    with pytest.raises(Conflict):
        services.certificate_change_status(actor=officer2, certificate=stale, action="suspend", note="违章")
    assert Certificate.objects.get(pk=cert.pk).status == "valid"


def test_a_second_clerk_on_a_stale_mailing_list_gets_a_conflict(login, clerk):
    cert = person_certificate(valid_from=TODAY)
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    mailing = services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    other = make_user("mail_clerk2", roles=["clerk"], organisation=city_bureau())
    page = login(clerk).get("/certificates/mailing/").content.decode()
    assert f'name="version" value="{mailing.version}"' in page
    login(other).post(f"/certificates/mailing/{mailing.pk}/cancel", {"reason": "地址不详", "version": mailing.version})
    response = login(clerk).post(f"/certificates/mailing/{mailing.pk}/ship", {
        "courier": "中国邮政EMS", "tracking_no": "1190012345678", "version": mailing.version}, follow=True)
    assert "已被他人处理" in response.content.decode()
    assert MailingRequest.objects.get(pk=mailing.pk).status == "cancelled"


# ---------------------------------------------------------------- who may: buttons and refusals

def test_roles_the_declaration_does_not_name_see_no_button_and_are_refused(login, officer):
    """Rule: the register's actions are declared for licensing officers, section heads, leaders (and the
    administrator): an inspector and a window clerk of the same county see the certificate but no action, and their
    POST is refused; the holder neither."""
    cert = person_certificate(valid_from=TODAY)
    page = login(officer).get(f"/certificates/{cert.pk}/").content.decode()
    assert [t.action for t in WORKFLOW.available(cert, officer)] == ["periodic_review", "renewal", "suspend",
                                                                     "revoke", "withdraw", "void"]
    assert 'data-action="suspend"' in page and 'data-action="reinstate"' not in page
    inspector = make_user(roles=["inspector"], organisation=county_bureau("140802"))
    clerk = make_user(roles=["clerk"], organisation=county_bureau("140802"))
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    for user in (inspector, clerk, holder):
        client = login(user)
        page = client.get(f"/certificates/{cert.pk}/")
        assert page.status_code == 200 and "data-action=" not in page.content.decode()
        response = client.post(f"/certificates/{cert.pk}/status", {"action": "suspend", "note": "x"}, follow=True)
        assert "您的角色无权执行「暂扣」" in response.content.decode()
        response = client.post(f"/certificates/{cert.pk}/renew", {"valid_from": "2027-01-01"}, follow=True)
        assert "无权" in response.content.decode()
    assert Certificate.objects.get(pk=cert.pk).status == "valid"
    assert [h.action for h in cert.history()] == ["issue"]


def test_mailing_actions_follow_the_declaration(login, clerk):
    """Rule (III.10): only mailing staff ship or cancel (an inspector of the jurisdiction has no mailing list and is
    refused); only the requester withdraws; the holder confirms delivery of their own request only."""
    cert = person_certificate(valid_from=TODAY)
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    mailing = services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    inspector = make_user(roles=["inspector"], organisation=city_bureau())
    assert login(inspector).get("/certificates/mailing/").status_code == 404
    for user in (inspector, holder):
        response = login(user).post(f"/certificates/mailing/{mailing.pk}/ship", {"courier": "EMS", "tracking_no": "1"})
        assert [m.message for m in get_messages(response.wsgi_request)][-1] == "您的角色无权执行「登记寄出」"
    mine = login(holder).get("/certificates/mailing/mine/").content.decode()
    assert 'data-action="withdraw"' in mine and 'data-action="deliver"' not in mine
    listed = login(clerk).get("/certificates/mailing/").content.decode()
    assert 'data-action="ship"' in listed and 'data-action="cancel"' in listed and "申请寄递" in listed
    assert [t.action for t in MAILING.available(mailing, clerk)] == ["ship", "cancel"]
    stranger = make_user(roles=["individual"])
    assert login(stranger).post(f"/certificates/mailing/{mailing.pk}/deliver").status_code == 404
    assert MailingRequest.objects.get(pk=mailing.pk).status == "requested"


def test_a_mailing_is_shipped_only_for_a_certificate_in_force(login, clerk, officer):
    """Rule (III.10): a certificate suspended after the request is not posted: no ship button, and the POST is
    refused with the reason; the clerk cancels instead."""
    cert = person_certificate(valid_from=TODAY)
    holder = make_user(roles=["individual"], id_number=cert.holder_id_number)
    mailing = services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    services.certificate_change_status(actor=officer, certificate=cert, action="suspend", note="违章作业")
    listed = login(clerk).get("/certificates/mailing/").content.decode()
    assert 'data-action="ship"' not in listed and 'data-action="cancel"' in listed
    response = login(clerk).post(f"/certificates/mailing/{mailing.pk}/ship",
                                 {"courier": "中国邮政EMS", "tracking_no": "1190012345678"}, follow=True)
    assert "证书当前为「暂扣」，不能寄出" in response.content.decode()
    assert MailingRequest.objects.get(pk=mailing.pk).status == "requested"
    with pytest.raises(DomainError, match="不能申请寄递"):
        services.mailing_request(actor=holder, certificate=cert, **ADDRESS)


def test_the_certificate_page_shows_its_timeline(login, officer):
    cert = person_certificate(valid_from=TODAY)
    services.certificate_change_status(actor=officer, certificate=cert, action="suspend", note="违章作业，暂扣6个月")
    page = login(officer).get(f"/certificates/{cert.pk}/").content.decode()
    assert "办理过程" in page and "违章作业，暂扣6个月" in page and "有效 → 暂扣" in page
    assert 'data-action="reinstate"' in page and 'data-action="suspend"' not in page


# ---------------------------------------------------------------- declarations

def test_every_guard_names_its_precondition_in_chinese():
    """Rule: the authority matrix prints each guard's docstring's first line: it must name the precondition."""
    from bureau.licensing.workflow import COMMITMENT

    for workflow in (WORKFLOW, MAILING, COMMITMENT):
        for transition in workflow.transitions:
            for guard in transition.guards:
                first = (guard.__doc__ or "").strip().splitlines()[0] if guard.__doc__ else ""
                assert any("\u4e00" <= ch <= "\u9fff" for ch in first), guard


def test_the_admin_shows_a_workflow_state_read_only():
    """Rule: the admin never changes a status by hand: every model driven by a declared workflow (these three and any
    registered screen) shows its state and version read-only."""
    from bureau.licensing.models import Commitment

    request = RequestFactory().get("/admin/")
    request.user = AnonymousUser()
    for model in (Certificate, MailingRequest, Commitment):
        fields = AuditedAdmin(model, admin.site).get_readonly_fields(request)
        assert {"status", "version"} <= set(fields), model
    for model, model_admin in admin.site._registry.items():
        workflow = workflow_for_model(model._meta.label)
        if workflow is not None and isinstance(model_admin, AuditedAdmin):
            assert workflow.state_field in model_admin.get_readonly_fields(request), model


def test_mailing_list_with_actions_and_timelines_has_a_query_budget(login, clerk, django_assert_max_num_queries):
    """Rule: the list shows each row's timeline and actions without a query per row."""
    holder = make_user(roles=["individual"])
    for _ in range(12):
        cert = person_certificate(valid_from=TODAY)
        holder.id_number = cert.holder_id_number
        holder.save()
        services.mailing_request(actor=holder, certificate=cert, **ADDRESS)
    client = login(clerk)
    with django_assert_max_num_queries(12):
        page = client.get("/certificates/mailing/")
    assert page.content.decode().count('data-action="ship"') == 12
