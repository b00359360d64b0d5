"""Journey (issue 3): the enterprise applies with one tolerable material missing → 容缺 acceptance with a
commitment signed online → approval → the certificate is visible → the overdue commitment is escalated."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from bureau.licensing import services
from bureau.licensing.models import Application, Commitment
from tests.licensing.conftest import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _act(page, action: str, note: str) -> None:
    """Open the action's fold (the first one is open already), write the note and submit."""
    form = page.locator(f"form[data-action={action}]")
    if form.locator("details").get_attribute("open") is None:
        form.locator("summary").click()
    form.locator("textarea").fill(note)
    form.locator("button[type=submit]").click()


def test_tolerated_application_to_certificate_and_escalation(page, live_server, sign_in, world, tmp_path):  # noqa: F811
    item = world.items["hazchem_operation"]
    sample = tmp_path / "material.pdf"
    sample.write_bytes(b"%PDF-1.4\n%journey\n")
    messages = page.locator(".messages")
    state = page.locator("#app-state")

    # 1. the enterprise applies online, leaving out the one tolerable material
    sign_in("t_qiye")
    page.goto(f"{live_server.url}/licensing/items/{item.code}/apply/")
    expect(page.locator("#field_uscc")).to_have_value(world.enterprise.uscc)
    for m in item.materials.exclude(requirement__in=["shared", "tolerable"]).exclude(generated=True):
        page.set_input_files(f"input[name=material_{m.pk}]", str(sample))
    page.fill("#field_scope", "甲醇、乙醇（不带储存设施）")
    page.fill("#field_address", "山西省运城市盐湖区河东东街188号")
    page.fill("#field_principal", "王建国")
    page.fill("#field_safety_staff", "2")
    page.select_option("#field_operation_mode", "零售")
    page.select_option("#field_storage", "不带储存设施")
    page.fill("#field_site_address", "山西省运城市盐湖区河东东街188号")
    page.click("#submit-application")
    expect(messages).to_contain_text("申请已提交")
    app = Application.objects.get()
    expect(messages).to_contain_text(app.number)
    expect(state).to_have_text("待受理")

    # 2. the officer accepts with tolerance
    sign_in("t_officer")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    _act(page, "accept_tolerated", "主要材料齐全，储存设施安全评价报告容缺")
    expect(state).to_have_text("审查中")
    expect(page.locator(".doclist")).to_contain_text("受理通知书")

    # 3. the enterprise signs the commitment online
    sign_in("t_qiye")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    deadline = services.today() + dt.timedelta(days=1)
    page.fill("#c-pm", "暂停储存，仅开展票据经营")
    page.fill("#c-rp", "委托评价机构出具报告后补交")
    page.fill("#c-dl", deadline.isoformat())
    page.check("#sign-form input[type=checkbox]")
    page.click("#sign-commitment")
    expect(page.locator("#commitment-status")).to_have_text("履行中")

    # 4. site verification and proposal by the officer, approval by the leader (approval goes first)
    sign_in("t_officer")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    _act(page, "site_verify", "经营场所与申请一致")
    expect(messages).to_contain_text("已完成：现场核查")
    _act(page, "propose", "符合条件，拟准予")
    expect(state).to_have_text("待决定")
    sign_in("t_leader")
    page.goto(f"{live_server.url}/")
    expect(page.locator("main")).to_contain_text(app.number)  # the workbench lists the approval
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    _act(page, "grant", "同意")
    expect(state).to_have_text("准予许可")

    # 5. the enterprise sees the certificate and the decision
    sign_in("t_qiye")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    app.refresh_from_db()
    expect(page.locator("#certificate")).to_contain_text(app.certificate.number)
    expect(page.locator(".doclist")).to_contain_text("准予行政许可决定书")

    # 6. the deadline passes without the material: the daily sweep escalates
    services.commitment_sweep(on=deadline + dt.timedelta(days=1))
    assert Commitment.objects.get(application=app).status == "overdue"
    page.reload()
    expect(page.locator("#commitment-status")).to_contain_text("逾期未履行")
    expect(page.locator("#commitment")).to_contain_text("已督办")
