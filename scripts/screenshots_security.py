"""Screenshots of the sign-in and second-factor screens at 390 px and 1366 px (docs/screenshots/security-*.png).

Usage: `make run` (or `manage.py run_platform` on the demo database), then
    .venv/bin/python scripts/screenshots_security.py [base_url]
It signs in as the demo leader, binds an authenticator (the code is computed from the shown secret), and shows the
profile, the code form after a new sign-in, and the login page after repeated wrong passwords.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyotp
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
            user = "city_licensing2" if width > 500 else "yanhu_leader"
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).not_to_have_url(re.compile("/accounts/login/"))
            page.goto(f"{base}/accounts/otp/enrol/")
            page.click("button[name=begin]")
            expect(page.locator("svg").first).to_be_visible()
            page.screenshot(path=str(OUT / f"security-enrol-{tag}.png"), full_page=True)
            secret = page.locator("code.otp-secret").inner_text().replace(" ", "")
            page.fill("#id_code", pyotp.TOTP(secret).now())
            page.get_by_role("button", name="完成绑定").click()
            expect(page.locator(".msg")).to_contain_text("已启用动态口令")
            page.screenshot(path=str(OUT / f"security-profile-{tag}.png"), full_page=True)
            context.clear_cookies()
            page.goto(f"{base}/accounts/login/")
            page.fill("#id_username", user)
            page.fill("#id_password", PASSWORD)
            page.click("button[type=submit]")
            expect(page).to_have_url(re.compile("/accounts/otp/"))
            page.screenshot(path=str(OUT / f"security-otp-{tag}.png"), full_page=True)
            context.clear_cookies()
            for _ in range(4):
                page.goto(f"{base}/accounts/login/")
                page.fill("#id_username", "nobody-" + tag)
                page.fill("#id_password", "wrong-password")
                page.click("button[type=submit]")
                expect(page.locator(".msg-error, .errorlist, .field-error").first).to_be_visible()
            page.screenshot(path=str(OUT / f"security-login-limited-{tag}.png"), full_page=True)
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
