"""Issue 15: an application for a licence kind already held is routed to 变更/延期 at submission; granting a 延期
continues the held licence instead of issuing a new one (licensing/services.py `_grant_effects` →
certificates/lifecycle.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.certificates.models import Certificate
from bureau.certificates.rules import add_months
from bureau.kernel.errors import DomainError
from bureau.licensing import services as s
from tests.certificates.factories import licence
from tests.factories import EnterpriseFactory, make_user
from tests.licensing.conftest import application_submit, files_for

pytestmark = pytest.mark.django_db


def _submit(w, code, user=None):
    item = w.items[code]
    return application_submit(actor=user or w.qiye, item=item, files=files_for(item))


def test_an_application_for_a_held_kind_is_routed_to_change_or_extension(world):
    """Rule: 行政许可法 第49、50条 — an enterprise holding a valid 危化经营许可证 applies for its 变更 or 延期, not for a
    second licence; a 变更 without a held licence is routed to a first application. Nothing is created."""
    with pytest.raises(DomainError, match="未持有有效的危险化学品经营许可证，不能办理变更"):
        _submit(world, "hazchem_operation_change")
    held = licence(world.enterprise, valid_from=s.today())
    with pytest.raises(DomainError, match=f"已持有有效的危险化学品经营许可证（编号 {held.number}）.*变更.*延期"):
        _submit(world, "hazchem_operation")
    assert not world.enterprise.applications.exists()
    assert _submit(world, "hazchem_operation_change").state == "submitted"


def test_a_granted_extension_continues_the_held_licence(world):
    """Rule: 安全生产许可证条例 第9条 — the 延期 granted continues the same 安全生产许可证 for three more years from the
    day after it ends: same number, version 2, still one licence; the application's file lists its signed PDF."""
    mine = EnterpriseFactory(name="运城测试矿业有限公司", region_id="140802", industry="non_coal_mine")
    held = licence(mine, type_code="safety_production_licence",
                   valid_from=add_months(s.today() + dt.timedelta(days=101), -36))  # applied 3 months ahead
    app = _submit(world, "aqsc_extension", user=make_user("t_mine", roles=["enterprise"], enterprise=mine))
    s.application_accept(actor=world.officer, application=app)
    app.refresh_from_db()
    if app.site_required:
        s.application_site_verify(actor=world.officer, application=app, result="条件未变化")
    s.application_propose(actor=world.officer, application=app, proposal="grant", reason="符合延期条件")
    s.application_grant(actor=world.leader, application=app)
    app.refresh_from_db()
    held.refresh_from_db()
    assert app.certificate == held and held.version_no == 2
    assert held.valid_from == s.today() + dt.timedelta(days=101)
    assert Certificate.objects.filter(enterprise=mine).count() == 1
    copy = app.documents().get(kind="licence")
    assert copy.sha256 == held.versions.get(version_no=2).sha256


def test_an_extension_later_than_the_lead_time_is_refused_at_intake(world):
    """Rule: 安全生产许可证条例 第9条 — 延期 is applied for 3 months before expiry; an application 60 days before
    expiry is refused at intake with the closing day and the source, nothing created. The lead time is the
    certificate type's rule data: an administrator's edit applies without a code change."""
    from bureau.certificates.models import CertificateType

    mine = EnterpriseFactory(name="运城测试矿业有限公司", region_id="140802", industry="non_coal_mine")
    user = make_user("t_mine", roles=["enterprise"], enterprise=mine)
    held = licence(mine, type_code="safety_production_licence",
                   valid_from=add_months(s.today() + dt.timedelta(days=61), -36))
    closes = held.valid_until - dt.timedelta(days=90)
    with pytest.raises(DomainError, match=f"期满前90日即 {closes:%Y-%m-%d} 前提出.*安全生产许可证条例 第9条.*超过申请期限"):
        _submit(world, "aqsc_extension", user=user)
    assert not mine.applications.exists()
    CertificateType.objects.filter(code="safety_production_licence").update(renew_ahead_days=30)
    assert _submit(world, "aqsc_extension", user=user).state == "submitted"
