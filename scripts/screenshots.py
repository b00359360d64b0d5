"""Take screenshots of the main screens with the Debian Chromium (for docs/ and for looking at them).

Usage: start the platform (`make run`, or `manage.py runserver 127.0.0.1:8000` on the demo database), then
    .venv/bin/python scripts/screenshots.py [base_url] [shot ...]
Each shot is (file name, user, path, width) and optionally what to type into a field first (selector, text: e.g. a
search picker, shown with its results). Images go to docs/screenshots/<file name>.png (whole page).
A shot in STEPS also runs a few steps on the page before it is taken (e.g. fill a form and preview it).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

PASSWORD = "Yc@2026demo"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SHOTS = [
    # issue 18: the pages whose frame and rows are now printed once per process (the same bytes as before: look at them
    # after a change to templates/base.html or the list partials)
    ("licensing-queue-desktop", "city_licensing", "/licensing/queue/", 1366),
    ("licensing-queue-phone", "city_licensing", "/licensing/queue/", 390),
    ("licensing-mine-phone", "qiye", "/licensing/mine/", 390),
    ("hazards-list-desktop", "city_inspector", "/hazards/", 1366),
    ("hazards-list-phone", "city_inspector", "/hazards/", 390),
    ("enterprises-register-desktop", "city_inspector", "/enterprises/", 1366),
    ("enterprises-register-phone", "city_inspector", "/enterprises/", 390),
    # issue 16 points 4–6: the 盐湖 park as its committee sees it (items, enterprises, admission reviews), a progress
    # report with its photo, a concluded first-use process (materials, panel, conclusion PDF), a course with sessions
    ("assistance-park-committee-desktop", "park_yanhu", "/assistance/parks/1/", 1366),
    ("assistance-park-committee-phone", "park_yanhu", "/assistance/parks/1/", 390),
    ("assistance-park-item-progress-phone", "park_yanhu", "/assistance/parks/items/1/", 390),
    ("assistance-first-use-concluded-desktop", "province", "/assistance/first-use/1/", 1366),
    ("assistance-first-use-panel-phone", "province", "/assistance/first-use/2/", 390),
    ("assistance-course-sessions-desktop", "hrss_dept", "/assistance/courses/1/", 1366),
    ("assistance-course-sessions-phone", "city_inspector", "/assistance/courses/1/", 390),
    # issue 16 point 1: the four-colour site map, the checks open now on the phone, the county's missed checks
    ("hazards-site-map-desktop", "qiye", "/hazards/map/", 1366),
    ("hazards-site-map-phone", "qiye", "/hazards/map/", 390),
    ("hazards-checks-phone", "qiye", "/hazards/checks/", 390),
    ("hazards-checks-missed-desktop", "yanhu_inspector", "/hazards/checks/", 1366),
    # issue 15 point 7: 资格初审, the exchange with the province, 复审/延期换证 online, the kiosk without a way out
    ("training-registration-review-desktop", "city_licensing", "/training/registrations/11/", 1366),
    ("training-registration-review-phone", "city_licensing", "/training/registrations/11/", 390),
    ("training-province-plan-desktop", "city_licensing", "/training/manage/4/", 1366),
    ("training-province-plan-phone", "city_licensing", "/training/manage/4/", 390),
    ("training-province-receipt-desktop", "city_licensing", "/training/manage/4/province/import/1", 1366),
    ("training-reviews-mine-phone", "person1", "/training/reviews/", 390),
    ("training-reviews-mine-desktop", "person1", "/training/reviews/", 1366),
    ("training-reviews-manage-desktop", "city_licensing", "/training/reviews/manage/", 1366),
    ("training-reviews-manage-phone", "city_licensing", "/training/reviews/manage/", 390),
    ("training-mine-phone", "person1", "/training/mine/", 390),
    ("certificates-kiosk-locked-phone", None, "/certificates/kiosk/demo-kiosk-yuncheng-hall-01/", 390),
    # issue 15.3: the item list as a coal mine sees it, the form of an item (a saved draft), the 需核验 rows on the
    # open 变更 of 河东化工, the window clerk's 代办 (enterprise picker, then the application with its authorisation)
    ("licensing-catalogue-eligibility-phone", "qiye_coal", "/licensing/items/", 390),
    ("licensing-apply-draft-desktop", "qiye", "/licensing/items/hazchem_project_design/apply/?draft=1", 1366),
    ("licensing-apply-draft-phone", "qiye", "/licensing/items/hazchem_project_design/apply/?draft=1", 390),
    ("licensing-verification-desktop", "city_licensing", "/licensing/3/", 1366),
    ("licensing-verification-phone", "city_licensing", "/licensing/3/", 390),
    ("licensing-proxy-pick-phone", "window", "/licensing/items/fireworks_wholesale/apply/", 390),
    ("licensing-proxy-detail-desktop", "window", "/licensing/30/", 1366),
    # issue 15: a licence with two versions (变更), the old version's verification (superseded, signature)
    ("certificates-versions-desktop", "city_licensing", "/certificates/2/", 1366),
    ("certificates-versions-phone", "city_licensing", "/certificates/2/", 390),
    ("certificates-superseded-verify-phone", "city_licensing", "/certificates/2/", 390),
    ("certificates-superseded-verify-desktop", "city_licensing", "/certificates/2/", 1366),
    # issue 17: phones, forms, error pages, the audit log in Chinese, the public draw in plain words, 长者模式
    ("ui-portal-menu-phone", "", "/portal/", 390),
    ("ui-portal-home-desktop", "", "/portal/", 1366),
    ("ui-portal-elder-phone", "", "/portal/", 390),
    ("ui-guide-phone", "", "/licensing/guide/", 390),
    # issue 17.5: the whole 办事指南 (flow diagram, forms to download), paying a fine (details, voucher to check), the
    # 差评原因 in the statistics and the follow-up
    ("guide-item-phone", "", "/licensing/guide/hazchem_operation/", 390),
    ("guide-item-desktop", "", "/licensing/guide/hazchem_operation/", 1366),
    ("penalties-payment-phone", "qiye", "/penalties/cases/5/#payment", 390),
    ("penalties-payment-desktop", "qiye", "/penalties/cases/5/#payment", 1366),
    ("penalties-voucher-check-desktop", "yanhu_inspector", "/penalties/cases/16/#payment", 1366),
    ("penalties-voucher-check-phone", "yanhu_inspector", "/penalties/cases/16/#payment", 390),
    ("feedback-reasons-desktop", "city_leader", "/feedback/ratings/", 1366),
    ("feedback-followup-reasons-phone", "city_licensing", "/feedback/ratings/followups/1/", 390),
    ("ui-draw-public-phone", "", "/inspection/public/draws/1/", 390),
    ("ui-draw-public-desktop", "", "/inspection/public/draws/", 1366),
    ("ui-login-phone", None, "/accounts/login/", 390),
    ("ui-workbench-enterprise-phone", "qiye", "/", 390),
    ("ui-workbench-enterprise-desktop", "qiye", "/", 1366),
    ("ui-inbox-phone", "qiye", "/inbox/", 390),
    ("ui-error-404-phone", "qiye", "/inspection/plans/", 390),
    ("ui-error-404-desktop", "", "/portal/no-such-page/", 1366),
    ("ui-audit-desktop", "auditor", "/kernel/audit/", 1366),
    ("ui-audit-phone", "auditor", "/kernel/audit/", 390),
    ("ui-checklist-phone", "yanhu_inspector", "/inspection/inspections/1/", 390),
    ("ui-apply-form-desktop", "qiye", "/licensing/items/hazchem_operation/apply/", 1366),
    ("ui-apply-form-phone", "qiye", "/licensing/items/hazchem_operation/apply/", 390),
    # issue 17 point 4: a way in — the login page with 忘记密码/企业注册, registration, password reset, the county's
    # approval queue and a pending registration, the portal header and 我要办事 once signed in
    ("signup-login-phone", None, "/accounts/login/", 390),
    ("signup-register-phone", None, "/enterprises/register/", 390),
    ("signup-register-desktop", None, "/enterprises/register/", 1366),
    ("signup-reset-phone", None, "/accounts/password/reset/", 390),
    ("signup-queue-desktop", "yanhu_licensing", "/enterprises/registrations/", 1366),
    ("signup-queue-phone", "yanhu_licensing", "/enterprises/registrations/", 390),
    ("signup-registration-desktop", "yanhu_licensing", "/enterprises/registrations/1/", 1366),
    ("signup-registration-phone", "yanhu_licensing", "/enterprises/registrations/1/", 390),
    ("signup-portal-signed-in-phone", "qiye", "/portal/", 390),
    ("signup-my-services-desktop", "qiye", "/licensing/items/", 1366),
    ("signup-my-services-phone", "qiye", "/licensing/items/", 390),
    # issue 15 points 4–6: a 容缺 found in review (verified; overdue with its consequences), the joint check's
    # inspection record on the application, the supervision handovers, the gas-station filing
    ("licensing-review-tolerance-phone", "city_licensing", "/licensing/33/", 390),
    ("licensing-review-overdue-desktop", "city_licensing", "/licensing/34/", 1366),
    ("licensing-joint-check-phone", "city_licensing", "/licensing/35/", 390),
    ("licensing-filing-desktop", "city_licensing", "/licensing/36/", 1366),
    ("inspection-handovers-desktop", "city_inspector", "/inspection/handovers/", 1366),
    ("inspection-handovers-phone", "city_inspector", "/inspection/handovers/", 390),
    # issue 16: petitions — mailbox with photos and location, the staff page with the photo, public statistics
    ("petitions-mailbox-photo-phone", "", "/petitions/mailbox/", 390),
    ("petitions-detail-photo-desktop", "yanhu_inspector", "/petitions/25/", 1366),
    ("petitions-detail-photo-phone", "yanhu_inspector", "/petitions/25/", 390),
    ("petitions-escalated-desktop", "window", "/petitions/26/", 1366),
    ("petitions-statistics-desktop", "", "/petitions/statistics/", 1366),
    ("petitions-statistics-phone", "", "/petitions/statistics/", 390),
    # issue 14: 法制审核 and the statement review on a case waiting for its decision, the whole path on one case,
    # 行政执法公示 (bureau list, portal list and page), the credit record, the checklists
    ("penalties-legal-review-desktop", "yanhu_legal", "/penalties/cases/13/", 1366),
    ("penalties-legal-review-phone", "yanhu_legal", "/penalties/cases/13/", 390),
    ("penalties-story-desktop", "yanhu_leader", "/penalties/cases/14/", 1366),
    ("penalties-publications-desktop", "yanhu_leader", "/penalties/publications/", 1366),
    ("portal-decisions-phone", "", "/portal/decisions/", 390),
    ("portal-decision-desktop", "", "/portal/decisions/1/", 1366),
    ("enterprise-credit-desktop", "yanhu_leader", "/enterprises/303/", 1366),
    ("inspection-checklists-desktop", "city_head", "/inspection/checklists/", 1366),
    ("inspection-checklist-import-phone", "city_head", "/inspection/checklists/import/", 390),
    ("foundation-login", None, "/accounts/login/", 1280),
    ("foundation-workbench-city", "city_inspector", "/", 1280),
    ("foundation-workbench-licensing", "city_licensing", "/", 1280),
    ("foundation-workbench-enterprise", "qiye", "/", 1280),
    ("foundation-portal-home", None, "/portal/", 1280),
    ("foundation-indicators", "city_leader", "/indicators/", 1280),
    ("foundation-register-county", "yanhu_inspector", "/enterprises/", 1280),
    ("foundation-register-city", "admin", "/enterprises/?industry=coal", 1280),
    ("foundation-enterprise-detail", "qiye", "/enterprises/", 1280),
    ("foundation-register-phone", "yanhu_inspector", "/enterprises/", 390),
    ("foundation-calendar", "admin", "/kernel/calendar/?year=2027", 1280),
    ("foundation-audit", "auditor", "/kernel/audit/", 1280),
    ("authority-tokens-desktop", "admin", "/portal/sharing/tokens/", 1366),
    ("authority-tokens-phone", "admin", "/portal/sharing/tokens/", 390),
    # benchmark workbook import: the imports 1–5 made by scripts/screenshot_benchmark_imports.py on a fresh demo DB
    ("penalties-import-upload-desktop", "admin", "/penalties/benchmark/import/", 1366),
    ("penalties-import-upload-phone", "admin", "/penalties/benchmark/import/", 390),
    ("penalties-import-mapping-desktop", "admin", "/penalties/benchmark/imports/4/", 1366),
    ("penalties-import-mapping-phone", "admin", "/penalties/benchmark/imports/4/", 390),
    ("penalties-import-progress-desktop", "admin", "/penalties/benchmark/imports/5/", 1366),
    ("penalties-import-progress-phone", "admin", "/penalties/benchmark/imports/5/", 390),
    ("penalties-import-preview-desktop", "admin", "/penalties/benchmark/imports/2/", 1366),
    ("penalties-import-preview-phone", "admin", "/penalties/benchmark/imports/2/", 390),
    ("penalties-import-invalid-desktop", "admin", "/penalties/benchmark/imports/3/", 1366),
    ("penalties-import-invalid-phone", "admin", "/penalties/benchmark/imports/3/", 390),
    ("penalties-import-result-desktop", "admin", "/penalties/benchmark/imports/1/", 1366),
    ("penalties-import-result-phone", "admin", "/penalties/benchmark/imports/1/", 390),
    ("plan-supervision-desktop", "city_head", "/enterprises/supervision/?industry=coal", 1366),
    ("plan-supervision-phone", "yanhu_leader", "/enterprises/supervision/?is_key=1", 390),
    ("plan-supervision-import", "yanhu_leader", "/enterprises/supervision/import/", 1366),
    ("plan-patrol-offer-phone", "linyi_inspector", "/inspection/patrols/new/", 390),
    ("plan-patrol-county-desktop", "yanhu_inspector", "/inspection/patrols/", 1366),
    ("plan-case-open-desktop", "yanhu_inspector", "/penalties/cases/new/", 1366, ("#id_enterprise", "化工")),
    ("plan-case-open-phone", "yanhu_inspector", "/penalties/cases/new/?source_kind=patrol", 390,
     ("#id_source_record", "盐湖")),
    ("penalties-proposal-desktop", "yanhu_inspector", "/penalties/?state=investigating", 1366),
    ("penalties-proposal-phone", "yanhu_inspector", "/penalties/?state=investigating", 390),
    # commit-reveal draws: the officer's drawn draw with its verification, the form; the public pages on a phone
    ("inspection-draw", "yanhu_inspector", "/inspection/draws/", 1280),
    ("inspection-draw-form", "yanhu_inspector", "/inspection/draws/new/", 1280),
    ("inspection-public-draw", "", "/inspection/public/draws/", 390),
    ("inspection-draw-verify-phone", "", "/inspection/public/draws/", 390),
    ("inspection-draw-announced-phone", "", "/inspection/public/draws/", 390),
    # issue 16: alarm intake (the enterprise's alarms with the lead, its credentials, the county's view) and the
    # observation visits' yearly coverage
    ("hazards-alarms-phone", "qiye", "/hazards/alarms/", 390),
    ("hazards-alarms-desktop", "yanhu_inspector", "/hazards/alarms/", 1366),
    ("hazards-alarm-sources-phone", "qiye", "/hazards/alarms/sources/", 390),
    ("assistance-observation-coverage-desktop", "city_inspector", "/assistance/observations/coverage/", 1366),
    ("assistance-observation-coverage-phone", "city_inspector", "/assistance/observations/coverage/", 390),
    # issue 16 points 3 and 7: the expert pool, an expert with a declared conflict, a finished checkup (team, fees,
    # rating), a team drawn at random and its draw, the agency's spot-check draws, the portal's agency registry
    ("assistance-expert-pool-desktop", "city_head", "/assistance/experts/", 1366),
    ("assistance-expert-pool-phone", "city_head", "/assistance/experts/", 390),
    ("assistance-expert-conflict-phone", "city_head", "/assistance/experts/2/", 390),
    ("assistance-checkup-finished-desktop", "city_inspector", "/assistance/checkups/1/", 1366),
    ("assistance-checkup-rated-phone", "qiye", "/assistance/checkups/1/", 390),
    ("assistance-checkup-assign-desktop", "city_inspector", "/assistance/checkups/2/", 1366),
    ("assistance-expert-draw-phone", "city_inspector", "/assistance/draws/1/", 390),
    ("assistance-spot-check-draws-desktop", "city_inspector", "/assistance/spot-checks/", 1366),
    ("assistance-spot-check-draw-phone", "city_inspector", "/assistance/draws/2/", 390),
    ("assistance-public-agencies-phone", "", "/assistance/public/agencies/", 390),
    ("assistance-public-agency-desktop", "", "/assistance/public/agencies/1/", 1366),
    # issue 17 point 2: a refused upload keeps the good file and names every bad one (整改佐证; the 缴款凭证)
    ("ui-kept-files-evidence-phone", "qiye", "/hazards/7/", 390),
    ("ui-kept-files-evidence-desktop", "qiye", "/hazards/7/", 1366),
    ("ui-kept-files-voucher-phone", "qiye", "/penalties/cases/11/", 390),
    # parks: the committee's 我的待办
    ("assistance-park-committee-workbench-phone", "park_yanhu", "/", 390),
]


def propose_from_facts(page: Page) -> None:
    """A case under investigation: search 「97条」 in the picker, pick the special-work violation, record one person
    and preview: the fact-chosen 阶次A with its band, reasoning and the 不予处罚 option (issue 14)."""
    page.locator("table a").first.click()
    page.wait_for_load_state("networkidle")
    page.fill("#id_violation_search", "特种作业")
    page.wait_for_function("document.querySelectorAll('#id_violation_code option').length > 1")
    code = page.locator("#id_violation_code option[value^='AQSCF-97-7']").first.get_attribute("value") or ""
    page.select_option("#id_violation_code", code)
    page.fill("#id_quantity", "1")
    page.check("#proposal-form input[name=circumstances][value=corrected_in_time]")
    page.click("#proposal-form button[name=preview]")
    page.wait_for_load_state("networkidle")


def open_drawn_draw(page: Page) -> None:
    """The demo draw already drawn (the last 「SJ」 number of the list)."""
    page.locator("main a").filter(has_text="SJ").last.click()
    page.wait_for_load_state("networkidle")


def verify_drawn_draw(page: Page) -> None:
    """The officer re-runs the draw from the published data (复核重现)."""
    open_drawn_draw(page)
    page.click("text=复核重现")
    page.wait_for_load_state("networkidle")


def verify_public_draw(page: Page) -> None:
    """Anyone re-computes the drawn draw from the published data on the portal."""
    open_drawn_draw(page)
    page.click("text=按公布的数据重新计算并比对")
    page.wait_for_load_state("networkidle")


def open_announced_draw(page: Page) -> None:
    """A draw announced (its commitment published), to be drawn the next day: the first 「SJ」 of the list."""
    page.locator("main a").filter(has_text="SJ").first.click()
    page.wait_for_load_state("networkidle")


def open_superseded_version(page: Page) -> None:
    """From a licence's page, the verification of its superseded version 1 (issue 15)."""
    page.locator("#versions tr:has(.chip-stopped) a.verify-link").first.click()
    page.wait_for_load_state("networkidle")


def open_menu(page: Page) -> None:
    page.click(".pub-menu-toggle")


def elder_mode(page: Page) -> None:
    page.click(".pub-elder")


GOOD, BAD = "/tmp/整改后现场.png", "/tmp/检测报告.jpg"  # a real PNG and a text file named .jpg (made by the caller)


def refused_evidence(page: Page) -> None:
    """整改佐证 with a good photo and a file that is not what its name says: refused, the photo kept, the bad file named."""
    page.set_input_files("#id_evidence_files", [GOOD, BAD])
    page.click("#evidence-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.locator("#evidence-form").scroll_into_view_if_needed()


def refused_voucher(page: Page) -> None:
    """缴款凭证 with the photo but no amount: refused, the photo kept for the next try."""
    page.fill("#id_voucher-amount", "")
    page.fill("#id_voucher-number", "0012345678")
    page.set_input_files("#id_voucher-file", GOOD)
    page.click("#voucher-form button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.locator("#voucher-form").scroll_into_view_if_needed()


STEPS: dict[str, Callable[[Page], None]] = {
    "ui-kept-files-evidence-phone": refused_evidence,
    "ui-kept-files-evidence-desktop": refused_evidence,
    "ui-kept-files-voucher-phone": refused_voucher,
    "ui-portal-menu-phone": open_menu,
    "ui-portal-elder-phone": elder_mode,
    "certificates-superseded-verify-phone": open_superseded_version,
    "certificates-superseded-verify-desktop": open_superseded_version,
    "penalties-proposal-desktop": propose_from_facts,
    "penalties-proposal-phone": propose_from_facts,
    "inspection-draw": verify_drawn_draw,
    "inspection-public-draw": open_drawn_draw,
    "inspection-draw-verify-phone": verify_public_draw,
    "inspection-draw-announced-phone": open_announced_draw,
}


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    wanted = set(sys.argv[2:])
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        for name, user, path, width, *typing in SHOTS:
            if wanted and name not in wanted:
                continue
            context = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                                          device_scale_factor=1, locale="zh-CN")
            page = context.new_page()
            if user:
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", user)
                page.fill("#id_password", PASSWORD)
                page.locator("form button[type=submit]").last.click()
                page.wait_for_load_state("networkidle")
            page.goto(f"{base}{path}")
            page.wait_for_load_state("networkidle")
            if typing:
                selector, text = typing[0]
                page.locator(selector).press_sequentially(text, delay=80)
                page.wait_for_selector("[role=listbox]:not([hidden]) [role=option]")
                page.keyboard.press("ArrowDown")
            if name in STEPS:
                STEPS[name](page)
            page.screenshot(path=str(OUT / f"{name}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
