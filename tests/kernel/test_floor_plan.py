"""The floor plan (docs/architecture.md, docs/development/imports.md): what `make lint` cannot see by itself.

import-linter (pyproject.toml) checks the layers, the absence of cycles and that only an area drives its own workflow;
these tests check that the contracts keep up with the code (every workflow module is protected), that the kernel's
role codes are the ones accounts declares, and that a function-local import is one of the documented few."""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

import pytest

from bureau.accounts import roles
from bureau.kernel import admin_views

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
# Areas whose function-local imports have been swept (issue 13 item 6); the others follow after their merge.
SWEPT = ("kernel", "accounts", "enterprises", "portal", "feedback", "petitions", "indicators", "api")


def _contracts() -> list[dict]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]


def test_every_area_workflow_is_protected_by_an_import_contract():
    """Rule: an area changes another area's records only through that area's services, never by driving its workflow
    (issue 13 item 6). Each `bureau/<area>/workflow.py` needs a `protected` contract allowing only its own area."""
    protected = {(m, tuple(c["allowed_importers"])) for c in _contracts() if c["type"] == "protected"
                 for m in c["protected_modules"]}
    areas = sorted(p.parent.name for p in (SRC / "bureau").glob("*/workflow.py") if p.parent.name != "kernel")
    assert areas, "no area workflow found"
    missing = [a for a in areas if (f"bureau.{a}.workflow", (f"bureau.{a}",)) not in protected]
    assert not missing, f"add a protected contract to pyproject.toml for: {missing}"


def test_every_app_has_its_place_in_the_layers():
    """Rule: kernel <- accounts <- enterprises <- areas <- portal, api, indicators; a new app must be placed (the
    contract is exhaustive, this names the app that is missing)."""
    layers = next(c for c in _contracts() if c["type"] == "layers")
    placed = {name.strip() for layer in layers["layers"] for name in re.split(r"[:|]", layer)}
    apps = {p.parent.name for p in (SRC / "bureau").glob("*/apps.py")}
    assert apps - placed == set()


@pytest.mark.parametrize("codes", [admin_views.AUDIT_READERS, admin_views.CALENDAR_EDITORS,
                                   admin_views.CONFIGURATION_EDITORS])
def test_kernel_screens_name_role_codes_accounts_declares(codes):
    """Rule: the kernel does not import accounts (it sits below it), so its screens name roles by code; each code must
    be one that accounts declares, or the screen would open to nobody."""
    declared = {code for code, *_ in roles.DEFAULT_ROLES}
    assert codes and codes <= declared


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _local_imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) of every `bureau` import inside a function body."""
    found: list[tuple[str, int]] = []

    def walk(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if in_function and isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                if child.module.startswith("bureau"):
                    found.append((child.module, child.lineno))
            elif in_function and isinstance(child, ast.Import):
                found.extend((a.name, child.lineno) for a in child.names if a.name.startswith("bureau"))
            walk(child, in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda))

    walk(ast.parse(path.read_text(encoding="utf-8")), False)
    return found


def _intended() -> list[tuple[str, str]]:
    """The (importer, imported) patterns of docs/development/imports.md's table of intended local imports."""
    text = (ROOT / "docs/development/imports.md").read_text(encoding="utf-8")
    section = text.split("## Intended function-local imports", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([^`]+)` \| `([^`]+)` \|", section, re.M)
    assert rows, "the table of intended local imports is missing"
    return rows


def test_function_local_imports_are_the_documented_few():
    """Rule: a function-local import does not hide a dependency (issue 13 item 6); the few intended ones are listed
    with their reason in docs/development/imports.md (import-linter sees local imports too, so none hides a cycle)."""
    intended = _intended()
    strays = []
    for area in SWEPT:
        for path in sorted((SRC / "bureau" / area).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            importer = _module(path)
            for imported, line in _local_imports(path):
                if not any(fnmatch.fnmatch(importer, a) and fnmatch.fnmatch(imported, b) for a, b in intended):
                    strays.append(f"{path.relative_to(ROOT)}:{line} {imported}")
    assert strays == []
