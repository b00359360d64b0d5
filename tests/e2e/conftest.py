"""Browser journeys in Debian's Chromium through Playwright (never a downloaded browser).

Outside CI a missing Chromium skips these tests with a printed reason; in CI (CI=true) it fails them.
"""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls from async code
# would trip on the fixtures that prepare data. Only the browser tests set this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            raise pytest.UsageError(f"CI 需要 Chromium：{CHROMIUM} 不存在（.ci/run 会安装 Debian 的 chromium 包）")
        skip = pytest.mark.skip(reason=f"未找到 Chromium（{CHROMIUM}），浏览器测试跳过；CI 中会失败而不是跳过")
        for item in items:
            if "/e2e/" in str(item.fspath):
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
def signed_in(page, live_server):
    """Sign in through the real login form."""
    def _sign_in(username: str, password: str):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        page.wait_for_load_state("load")
        return page
    return _sign_in
