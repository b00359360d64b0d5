"""Screenshots of the commit-reveal draw (issue 14 D) against a running demo server: the officer's draw page
(announce → draw → result, attempts, verification) on a desktop, and the portal's draw and verify pages and an
announced draw on a phone (390 px).

    .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &   (with the demo loaded)
    .venv/bin/python bench/inspection/screenshots_draw.py http://127.0.0.1:8765
"""

from __future__ import annotations

import sys

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765"
OUT = "docs/screenshots/inspection-{}.png"


def sign_in(page, username):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Yc@2026demo")
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    sign_in(page, "yanhu_inspector")
    page.goto(f"{BASE}/inspection/draws/")
    page.locator("main a").filter(has_text="SJ").last.click()  # the demo draw already drawn
    page.click("text=复核重现")
    page.screenshot(path=OUT.format("draw"), full_page=True)
    page.goto(f"{BASE}/inspection/draws/new/")
    page.screenshot(path=OUT.format("draw-form"), full_page=True)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    phone.goto(f"{BASE}/inspection/public/draws/")
    phone.locator("main a").filter(has_text="SJ").last.click()
    phone.screenshot(path=OUT.format("public-draw"), full_page=True)
    phone.click("text=按公布的数据重新计算并比对")
    phone.screenshot(path=OUT.format("draw-verify-phone"), full_page=False)
    phone.goto(f"{BASE}/inspection/public/draws/")
    phone.locator("main a").filter(has_text="SJ").first.click()  # announced, to be drawn tomorrow
    phone.screenshot(path=OUT.format("draw-announced-phone"), full_page=True)
    browser.close()
