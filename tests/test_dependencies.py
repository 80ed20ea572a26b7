"""`pip install socialroi` without extras runs every command: each third-party module the
product imports comes with its runtime dependencies (pyproject's `dependencies` and what they
require), not only with the `dev` extra the tests install. Optional packages (pyspark for
Spark workspaces, keyring for `SOCIALROI_CREDENTIALS=keyring`) are loaded by name, after a
check that says what to install."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata

from tests.conftest import ROOT


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[\[<>=!~ ;(]", requirement, maxsplit=1)[0]).lower()


def runtime_distributions() -> set[str]:
    """The declared dependencies and, transitively, what each requires (extras aside)."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    seen: set[str] = set()
    todo = [_name(d) for d in declared]
    while todo:
        dist = todo.pop()
        if dist in seen:
            continue
        seen.add(dist)
        try:
            required = metadata.requires(dist) or []
        except metadata.PackageNotFoundError:
            continue
        todo += [_name(r) for r in required if "extra ==" not in r]
    return seen


def imported_modules() -> dict[str, set[str]]:
    """Third-party top-level modules imported anywhere in src/socialroi -> the files."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "src" / "socialroi").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top != "socialroi" and top not in sys.stdlib_module_names:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_module_the_product_imports_is_a_runtime_dependency():
    runtime = runtime_distributions()
    owners = metadata.packages_distributions()
    imported = imported_modules()
    assert {"duckdb", "httpx", "fastapi"} <= imported.keys()  # the scan sees the imports
    missing = {
        top: sorted(files)
        for top, files in imported.items()
        if not {_name(d) for d in owners.get(top, [])} & runtime
    }
    assert not missing, f"imported but not in pyproject's dependencies: {missing}"
