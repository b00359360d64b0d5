"""Screenshots of the main licensing screens for docs/screenshots (run against `manage.py runserver` with the
demo data loaded; not a test):  .venv/bin/python bench/licensing/screenshots.py http://127.0.0.1:8613"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8613"
PASSWORD = sys.argv[2] if len(sys.argv) > 2 else "Yc@2026demo"
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, url: str, name: str) -> None:
    page.goto(f"{BASE}{url}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"licensing-{name}.png"), full_page=True)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        shot(page, "/licensing/guide/", "guide")
        shot(page, "/licensing/guide/coal_capacity_increase/", "guide-item")
        sign_in(page, "city_licensing")
        shot(page, "/licensing/queue/", "officer-queue")
        first = page.locator("table.table a").first.get_attribute("href")
        shot(page, first, "officer-detail")
        sign_in(page, "qiye")
        shot(page, "/licensing/mine/", "enterprise-mine")
        shot(page, "/licensing/items/hazchem_use/apply/", "apply")
        page.goto(f"{BASE}/licensing/mine/")
        for link in page.locator("table.table a").all():
            page.goto(f"{BASE}{link.get_attribute('href')}")
            if page.locator("#commitment").count():
                page.screenshot(path=str(OUT / "licensing-commitment.png"), full_page=True)
                break
            page.go_back()
        sign_in(page, "energy_dept")
        shot(page, "/licensing/department/", "department")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.context.clear_cookies()
        phone.goto(f"{BASE}/accounts/login/")
        phone.fill("#id_username", "city_licensing")
        phone.fill("#id_password", PASSWORD)
        phone.click("button[type=submit]")
        phone.wait_for_load_state("networkidle")
        phone.goto(f"{BASE}/licensing/queue/")
        phone.screenshot(path=str(OUT / "licensing-queue-phone.png"), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
