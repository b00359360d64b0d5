"""Journey (issue 3): the enterprise applies with one tolerable material missing → 容缺 acceptance with a
commitment signed online → approval → the certificate is visible → the overdue commitment is escalated."""

from __future__ import annotations

import datetime as dt

import pytest

from bureau.licensing import services
from bureau.licensing.models import Application, Commitment
from tests.factories import PASSWORD
from tests.licensing.conftest import world  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def _switch(page, signed_in, username):
    page.context.clear_cookies()
    return signed_in(username, PASSWORD)


def _act(page, action):
    form = page.locator(f"form[data-action={action}]")
    if form.locator("details").get_attribute("open") is None:
        form.locator("summary").click()
    return form


def test_tolerated_application_to_certificate_and_escalation(page, live_server, signed_in, world, tmp_path):  # noqa: F811
    item = world.items["hazchem_operation"]
    sample = tmp_path / "material.pdf"
    sample.write_bytes(b"%PDF-1.4\n%journey\n")

    # 1. the enterprise applies online, leaving out the one tolerable material
    signed_in("t_qiye", PASSWORD)
    page.goto(f"{live_server.url}/licensing/items/{item.code}/apply/")
    assert page.locator("#l-uscc").get_attribute("readonly") is not None
    for m in item.materials.exclude(requirement__in=["shared", "tolerable"]):
        page.set_input_files(f"input[name=material_{m.pk}]", str(sample))
    page.fill("#scope_text", "甲醇、乙醇（不带储存设施）")
    page.click("#submit-application")
    page.wait_for_load_state("networkidle")
    app = Application.objects.get()
    assert app.number in page.content() and "待受理" in page.locator("#app-state").inner_text()

    # 2. the officer accepts with tolerance
    _switch(page, signed_in, "t_officer")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    form = _act(page, "accept_tolerated")
    form.locator("textarea").fill("主要材料齐全，储存设施安全评价报告容缺")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "审查中" in page.locator("#app-state").inner_text()
    assert "受理通知书" in page.content()

    # 3. the enterprise signs the commitment online
    _switch(page, signed_in, "t_qiye")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    deadline = services.today() + dt.timedelta(days=1)
    page.fill("#c-pm", "暂停储存，仅开展票据经营")
    page.fill("#c-rp", "委托评价机构出具报告后补交")
    page.fill("#c-dl", deadline.isoformat())
    page.check("#sign-form input[type=checkbox]")
    page.click("#sign-commitment")
    page.wait_for_load_state("networkidle")
    assert "履行中" in page.locator("#commitment-status").inner_text()

    # 4. site verification and proposal by the officer, approval by the leader (approval goes first)
    _switch(page, signed_in, "t_officer")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    form = _act(page, "site_verify")
    form.locator("textarea").fill("经营场所与申请一致")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    form = _act(page, "propose")
    form.locator("textarea").fill("符合条件，拟准予")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    _switch(page, signed_in, "t_leader")
    assert app.number in page.content()  # the workbench lists the approval
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    form = _act(page, "grant")
    form.locator("textarea").fill("同意")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert "准予许可" in page.locator("#app-state").inner_text()

    # 5. the enterprise sees the certificate and the decision
    _switch(page, signed_in, "t_qiye")
    page.goto(f"{live_server.url}/licensing/{app.pk}/")
    app.refresh_from_db()
    assert app.certificate.number in page.locator("#certificate").inner_text()
    assert "准予行政许可决定书" in page.content()

    # 6. the deadline passes without the material: the daily sweep escalates
    services.commitment_sweep(on=deadline + dt.timedelta(days=1))
    assert Commitment.objects.get(application=app).status == "overdue"
    page.reload()
    assert "逾期未履行" in page.locator("#commitment-status").inner_text()
    assert "已督办" in page.content()
