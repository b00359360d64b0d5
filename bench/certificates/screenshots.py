"""Screenshots of the main screens for docs/screenshots (run against the demo database with a running server).

  .venv/bin/python manage.py runserver 127.0.0.1:8799 &   (then)   .venv/bin/python bench/certificates/screenshots.py
"""

from __future__ import annotations

import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bureau.settings")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from playwright.sync_api import sync_playwright  # noqa: E402

from bureau.accounts.models import User  # noqa: E402
from bureau.certificates.models import Certificate  # noqa: E402
from bureau.kernel.models import OutboundMessage  # noqa: E402
from bureau.training.models import ExamPlan  # noqa: E402

BASE = os.environ.get("BASE", "http://127.0.0.1:8799")
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "screenshots")
PASSWORD = "Yc@2026demo"


def sign_in(page, username):  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, name, url=None):  # type: ignore[no-untyped-def]
    if url:
        page.goto(BASE + url)
        page.wait_for_load_state("networkidle")
    page.screenshot(path=os.path.join(OUT, f"certificates-{name}.png"), full_page=True)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    person = User.objects.get(username="person1")
    cert = Certificate.objects.get(number="T140802202300001")
    plan = ExamPlan.objects.filter(job_type__code="height_scaffold").first()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        sign_in(page, "city_licensing")
        shot(page, "register", "/certificates/")
        shot(page, "due-soon", "/certificates/due/?days=60")
        shot(page, "detail", f"/certificates/{cert.pk}/")
        shot(page, "exam-plan", f"/training/manage/{plan.pk}/")
        page.context.clear_cookies()
        shot(page, "verify", f"/certificates/verify/{cert.verify_code}/")
        shot(page, "exam-plans-public", "/training/")
        page.goto(f"{BASE}/certificates/kiosk/demo-kiosk-yuncheng-hall-01/")
        page.fill("#id_id_number", person.id_number)
        page.click("button:has-text('获取验证码')")
        page.wait_for_load_state("networkidle")
        code = re.search(r"验证码为 (\d{6})", OutboundMessage.objects.order_by("-id").first().body).group(1)
        page.fill("#id_code", code)
        page.click("button:has-text('确认')")
        page.wait_for_load_state("networkidle")
        shot(page, "kiosk")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        shot(phone, "verify-phone", f"/certificates/verify/{cert.verify_code}/")
        sign_in(phone, "person1")
        shot(phone, "mine-phone", "/certificates/mine/")
        browser.close()


if __name__ == "__main__":
    main()
