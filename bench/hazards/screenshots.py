"""Take the documentation screenshots of the hazards and assistance screens from a running demo server.

Run:  .venv/bin/python manage.py runserver 127.0.0.1:8765 --noreload &   (with the demo data loaded)
      .venv/bin/python bench/hazards/screenshots.py http://127.0.0.1:8765
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8765"
OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PASSWORD = "Yc@2026demo"


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, path: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{BASE}{path}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / name), full_page=True)
    print("saved", name)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, "qiye")
        shot(page, "/hazards/", "hazards-list-enterprise.png")
        shot(page, "/hazards/risks/", "hazards-risk-register.png")
        page.goto(f"{BASE}/hazards/")
        page.click("table a >> nth=0")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "hazards-detail.png"), full_page=True)
        sign_in(page, "city_leader")
        shot(page, "/hazards/overview/", "hazards-overview.png")
        page.goto(f"{BASE}/hazards/listings/")
        page.click("table a >> nth=0")
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "hazards-listing.png"), full_page=True)
        sign_in(page, "city_inspector")
        shot(page, "/assistance/parks/", "assistance-parks.png")
        shot(page, "/assistance/agencies/", "assistance-agencies.png")
        phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
        sign_in(phone, "expert1")
        phone.goto(f"{BASE}/assistance/checkups/")
        phone.click("tr:has-text('已指派专家') a")
        phone.wait_for_load_state("networkidle")
        phone.screenshot(path=str(OUT / "assistance-checkup-expert-phone.png"), full_page=True)
        print("saved assistance-checkup-expert-phone.png")
        browser.close()


if __name__ == "__main__":
    main()
