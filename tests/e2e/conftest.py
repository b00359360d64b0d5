"""Browser journeys in Debian's Chromium through Playwright (never a downloaded browser).

Outside CI a missing Chromium skips these tests with a printed reason; in CI (CI=true) it fails them.

Journeys assert only with Playwright's waiting ``expect(...)``: a CI machine runs two suites on two cores, so the page
after a click may not have arrived yet (test_journey_style.py keeps it so).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls from async code
# would trip on the fixtures that prepare data. Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

# How long an expect(...) waits for the page to reach the asserted state. Playwright's 5 s is too short on a busy
# 2-core CI machine rendering a PDF document in the request; it is an upper bound, a passing assertion returns at once.
expect.set_options(timeout=20_000)


def _in_browser(item) -> bool:
    """A journey drives the browser's page (test_journey_style.py only reads the journeys' source)."""
    return "/e2e/" in str(item.fspath) and "page" in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    journeys = [item for item in items if _in_browser(item)]
    for item in journeys:
        item.add_marker(pytest.mark.browser)  # spread over the workers: each starts its own browser and live server
    if journeys and not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI 需要 Chromium：{CHROMIUM} 不存在（.ci/run 会安装 Debian 的 chromium 包）")
        skip = pytest.mark.skip(reason=f"未找到 Chromium（{CHROMIUM}），浏览器测试跳过；CI 中会失败而不是跳过")
        for item in journeys:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
    }


@pytest.fixture
def sign_in(page, live_server):
    """Sign a user in by handing the browser a fresh session cookie, dropping any previous user's cookies.

    The login form has its own journey (test_login_journey.py); the others start where the user is signed in,
    without two page loads per change of user. The page is left where it was: the caller goes where the user goes.
    """
    from django.conf import settings
    from django.test import Client

    from bureau.accounts.models import User

    def _sign_in(user):
        if isinstance(user, str):
            user = User.objects.get(username=user)
        client = Client()
        client.force_login(user, backend="bureau.accounts.backends.LockoutModelBackend")
        page.context.clear_cookies()
        page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                                   "value": client.cookies[settings.SESSION_COOKIE_NAME].value}])
        return page
    return _sign_in


# Every page a journey visits is checked as it loads (issue 17 item 6): axe-core (vendored, the file the site ships
# under static/vendor) finds no serious or critical WCAG 2.1 AA violation, and on a phone-sized viewport the page is no
# wider than the screen. The script is injected by the browser itself (an init script, outside the page's CSP), so
# the journeys keep the site's strict CSP instead of bypassing it.
AXE = Path(__file__).resolve().parents[2] / "src" / "bureau" / "static" / "vendor" / "axe-core" / "axe.min.js"
PHONE = 400  # a viewport this narrow or narrower is a phone: the page must fit it
AXE_RUN = """async (phone) => {
  if (document.contentType !== "text/html" || !window.axe) { return null; }
  const wide = window.innerWidth <= phone ? document.documentElement.scrollWidth - window.innerWidth : 0;
  const result = await window.axe.run(document, {resultTypes: ["violations"],
    runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}});
  const bad = result.violations.filter(v => v.impact === "serious" || v.impact === "critical");
  return {wide: wide, width: window.innerWidth, violations: bad.map(v => v.id + "（" + v.help + "）：" +
    v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("；"))};
}"""


def _destroyed(error: Exception) -> bool:
    """The journey moved on while the check ran: the next page is checked when it loads."""
    text = str(error)
    return any(s in text for s in ("Execution context was destroyed", "Target page, context or browser has been closed",
                                   "navigat", "Target closed", "Axe is already running"))


# On by default wherever the journeys run (CI runs them once, in its PostgreSQL run: .ci/run); BUREAU_PAGE_CHECKS=0
# turns them off to time a journey without them.
PAGE_CHECKS = os.environ.get("BUREAU_PAGE_CHECKS", "1") == "1"


@pytest.fixture(autouse=True)
def page_checks(request):
    """Run axe and the phone-width check on every page the journey's browser loads; fail the journey at its end."""
    if not _in_browser(request.node) or not PAGE_CHECKS:
        yield
        return
    page = request.getfixturevalue("page")
    page.context.add_init_script(path=str(AXE))
    problems: list[str] = []
    checked: list[str] = []

    state = {"running": False, "again": False}

    def check(loaded) -> None:
        if state["running"]:  # a page loaded while the previous one was checked: check it once that one ends
            state["again"] = True
            return
        url = loaded.url
        state["running"] = True
        try:
            found = loaded.evaluate(AXE_RUN, PHONE)
        except Exception as error:  # noqa: BLE001 — only a page replaced under the check is tolerated
            if not _destroyed(error):
                raise
            found = None
        finally:
            state["running"] = False
        if state["again"]:
            state["again"] = False
            check(loaded)
        if found is None:
            return
        checked.append(url)
        if found["wide"] > 0:
            problems.append(f"{url}：页面比 {found['width']}px 的屏幕宽 {found['wide']}px")
        problems.extend(f"{url}：{v}" for v in found["violations"])

    page.on("load", check)
    yield page
    check(page)
    assert checked, "没有检查到任何页面（axe 未注入？）"
    assert problems == [], "\n".join(problems)
