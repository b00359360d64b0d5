"""Take the screenshots of docs/screenshots/inspection-*.png against a running demo server.

    .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &   (with the demo loaded)
    .venv/bin/python bench/inspection/screenshots.py http://127.0.0.1:8765
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
    sign_in(page, "city_inspector")
    page.goto(f"{BASE}/inspection/plans/")
    page.click("text=运城市应急管理局")
    page.screenshot(path=OUT.format("plan"), full_page=True)
    sign_in(page, "yanhu_inspector")
    page.goto(f"{BASE}/inspection/draws/")
    page.locator("#content a, main a").filter(has_text="SJ").last.click()  # the demo draw already drawn
    page.click("text=复核重现")
    page.screenshot(path=OUT.format("draw"), full_page=True)
    page.goto(f"{BASE}/inspection/draws/new/")
    page.screenshot(path=OUT.format("draw-form"), full_page=True)
    page.goto(f"{BASE}/inspection/patrols/")
    page.screenshot(path=OUT.format("patrols"), full_page=True)
    page.context.clear_cookies()
    page.goto(f"{BASE}/inspection/public/draws/")
    page.locator("main a").filter(has_text="SJ").last.click()
    page.screenshot(path=OUT.format("public-draw"), full_page=True)
    phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page = phone
    sign_in(page, "yanhu_inspector")
    page.goto(f"{BASE}/inspection/?state=rectifying")
    page.locator("main table a").first.click()
    page.screenshot(path=OUT.format("mobile-inspection"), full_page=True)
    page.goto(f"{BASE}/inspection/?state=assigned")
    page.locator("main table a").first.click()
    page.click("text=登记入企并开始检查")
    page.screenshot(path=OUT.format("mobile-checklist"), full_page=False)
    browser.close()
