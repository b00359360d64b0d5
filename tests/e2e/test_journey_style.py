"""The browser journeys assert only with Playwright's waiting ``expect(...)`` (developers' guide; issue 12 item 9).

A bare ``assert`` on a value read from the page right after a click reads the page that is about to be replaced: it
passes or fails by the machine's load. This test reads the journeys' source (no browser) and names every ``assert``
that uses such a read, directly or through a name assigned from one in the same function, and every fixed sleep.
"""

from __future__ import annotations

import ast
from pathlib import Path

JOURNEYS = Path(__file__).parent

# Locator/Page methods that return the page's state at this instant instead of waiting for it.
READS = frozenset({
    "all_inner_texts", "all_text_contents", "bounding_box", "content", "count", "evaluate", "evaluate_handle",
    "get_attribute", "inner_html", "inner_text", "input_value", "is_checked", "is_disabled", "is_editable",
    "is_enabled", "is_hidden", "is_visible", "text_content", "title",
})
SLEEPS = frozenset({"sleep", "wait_for_timeout"})


def _reads_page(node: ast.AST) -> bool:
    """True if the expression calls one of READS or looks at ``<something>.url`` (but live_server.url is fixed)."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in READS:
            return True
        if (isinstance(sub, ast.Attribute) and sub.attr == "url"
                and not (isinstance(sub.value, ast.Name) and sub.value.id == "live_server")):
            return True
    return False


def _names(node: ast.AST) -> set[str]:
    return {sub.id for sub in ast.walk(node) if isinstance(sub, ast.Name)}


def _read_into(function: ast.AST) -> set[str]:
    """Names the function assigns (or loops over) from a page read."""
    names: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None and _reads_page(node.value):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                names |= _names(target)
        elif isinstance(node, ast.For) and _reads_page(node.iter):
            names |= _names(node.target)
    return names


def violations(source: str, filename: str = "<journey>") -> list[str]:
    """Each bare assert on a page read (directly or via a name read earlier in the function), and each sleep."""
    tree = ast.parse(source, filename)
    found: set[tuple[int, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and _reads_page(node.test):
            found.add((node.lineno, "assert on a value read from the page; use expect(...)"))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SLEEPS:
            found.add((node.lineno, "a fixed sleep; wait for the page's state with expect(...)"))
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            read = _read_into(function)
            for node in ast.walk(function):
                if isinstance(node, ast.Assert) and _names(node.test) & read:
                    found.add((node.lineno, "assert on a value read from the page; use expect(...)"))
    return [f"{filename}:{line}: {why}" for line, why in sorted(found)]


def test_journeys_assert_on_the_page_only_through_waiting_expect():
    files = sorted(JOURNEYS.glob("*.py"))
    assert len(files) > 5  # the journeys are where this test looks for them
    found = [v for f in files for v in violations(f.read_text(encoding="utf-8"), f.name)]
    assert found == []


def test_the_style_check_finds_reads_right_after_a_click_and_sleeps():
    source = '''
def test_x(page, live_server):
    page.goto(f"{live_server.url}/a/")
    assert live_server.url.startswith("http")
    page.click("text=保存")
    assert "已保存" in page.inner_text("main")
    assert page.locator(".row").count() == 2
    assert page.url.endswith("/b/")
    text = page.locator("main").text_content()
    assert "已保存" in text
    for title in page.locator("h2").all_inner_texts():
        assert title
    page.wait_for_timeout(500)
    time.sleep(1)
    api = page.request.get("/api/").json()
    assert api["ok"] is True
'''
    lines = [int(v.split(":")[1]) for v in violations(source)]
    assert lines == [6, 7, 8, 10, 12, 13, 14]
