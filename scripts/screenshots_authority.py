"""Screenshots of the token administration page (scopes of every data set) at 390 px and 1366 px
(docs/screenshots/authority-tokens-*.png).

Usage: `make run` (or `manage.py runserver` on the demo database), then
    .venv/bin/python scripts/screenshots_authority.py [base_url]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

PASSWORD = "Yc@2026demo"
OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> None:
    base = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (1366, 390):
            tag = "desktop" if width > 500 else "phone"
            context = browser.new_context(viewport={"width": width, "height": 900 if width > 500 else 844},
                                          locale="zh-CN")
            page = context.new_page()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", "admin")
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).not_to_have_url(re.compile("/accounts/login/"))
            page.goto(f"{base}/portal/sharing/tokens/")
            expect(page.locator("h1")).to_be_visible()
            page.screenshot(path=str(OUT / f"authority-tokens-{tag}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
