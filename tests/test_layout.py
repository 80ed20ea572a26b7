"""The layout follows the data flow, and stays so.

sources ──► land ──► unify ──► journeys ──► measure ──► deliver

Each stage imports only the stages below it (see docs/architecture.md for the order and why
`land` sits above `unify`); nothing imports upward, there are no import cycles, imports live
at module level (the CLI may defer heavy ones, each with a comment saying so), only `store/`
speaks SQL to a connection, and modules stay small.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "socialroi"

# Rank of each top-level package: a module may import its own stage and any stage of a lower
# rank. `sources` is ranked with `store` (beside it, not above it): sources parse files, the
# store keeps rows, neither knows the other.
RANKS = {
    "errors": 0,
    "model": 0,
    "store": 1,
    "sources": 1,
    "unify": 2,
    "land": 3,
    "journeys": 4,
    "sync": 4,
    "measure": 5,
    "experiments": 5,
    "deliver": 6,
    "demo": 5,
}

# Files that are data, not logic: tables of names, the schema and the metric catalogue.
DATA_TABLES = {
    "model/schema.py",
    "model/metrics/catalogue.py",
    "model/metrics/localized.py",
    "deliver/i18n/catalogue.py",
}
MAX_LINES = 600


@cache
def modules() -> dict[str, Path]:
    out = {}
    for path in PKG.rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def resolve(target: str) -> str | None:
    mods = modules()
    while target and target not in mods:
        target = target.rpartition(".")[0]
    return target or None


@cache
def imports(name: str) -> list[tuple[str, int, bool]]:
    """(imported socialroi module, line, inside a function) for each import of a module."""
    tree = ast.parse(modules()[name].read_text())
    nested = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        for sub in ast.walk(node)
        if isinstance(sub, ast.Import | ast.ImportFrom)
    }
    typing_only = {
        id(sub)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for sub in ast.walk(node)
    }
    out = []
    for node in ast.walk(tree):
        if id(node) in typing_only:  # names for type checkers: never run
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            if target.split(".")[0] != "socialroi":
                if id(node) in nested:
                    out.append((target, node.lineno, True))
                continue
            module = resolve(target)
            if module and module != name:
                out.append((module, node.lineno, id(node) in nested))
    return out


def stage(name: str) -> str | None:
    parts = name.split(".")
    return parts[1] if parts[0] == "socialroi" and len(parts) > 1 else None


def test_every_stage_is_ranked():
    top = {p.name.removesuffix(".py") for p in PKG.iterdir() if not p.name.startswith("__")}
    assert top <= set(RANKS), f"rank the new top-level package(s): {sorted(top - set(RANKS))}"


def test_no_import_runs_upward():
    upward = []
    for name in modules():
        own = stage(name)
        if own is None:  # socialroi/__init__.py re-exports the public entry points
            continue
        for target, line, _ in imports(name):
            other = stage(target)
            if other is not None and RANKS[other] > RANKS[own]:
                upward.append(f"{name}:{line} imports {target} ({own} -> {other})")
            if own == "sources" and other not in {"sources", "model", "errors"}:
                upward.append(f"{name}:{line} imports {target} (sources -> {other})")
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    graph = {
        name: {t for t, _, _ in imports(name) if stage(t) is not None}
        for name in modules()
        if stage(name) is not None
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for v in graph:
        if v not in index:
            visit(v)
    assert not cycles, cycles


def test_imports_live_at_module_level():
    """Deferred imports only in deliver/ (the CLI's start-up time, a native library that may
    be missing) and in the package root (`socialroi.Workspace` on first use, so `import
    socialroi` stays light), each marked `# deferred: <why>`."""
    deferred = []
    for name, path in modules().items():
        lines = path.read_text().splitlines()
        for target, line, nested in imports(name):
            if not nested:
                continue
            text = lines[line - 1]
            where = name.startswith("socialroi.deliver.") or name == "socialroi"
            allowed = where and "# deferred:" in text
            if not allowed:
                deferred.append(f"{name}:{line} imports {target} inside a function")
    assert not deferred, "\n".join(deferred)


def test_no_import_error_scaffolding():
    found = [
        f"{p.relative_to(SRC)}:{i}"
        for p in PKG.rglob("*.py")
        for i, line in enumerate(p.read_text().splitlines(), 1)
        if re.search(r"except\s*\(?[\w, ]*ImportError", line)
    ]
    assert not found, found


# Scratch in-memory engines that read or write files (GA4's BigQuery Parquet, the demo's
# writers) are not the workspace: they may run SQL of their own.
SCRATCH_ENGINES = ("store/", "sources/", "demo/")
# SQL text handed to a connection, or the bare connection itself (Ibis expressions'
# `.execute()` are fine anywhere: the backend runs them).
SQL_CALLS = re.compile(
    r"""\.(execute|executemany|raw_sql|sql)\(\s*(f|rb?|b)?["']|\.raw\b|\.cursor\(\)"""
)


def test_only_the_store_speaks_sql():
    outside = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        if rel.startswith(SCRATCH_ENGINES):
            continue
        for i, line in enumerate(path.read_text().splitlines(), 1):
            if SQL_CALLS.search(line) and not line.lstrip().startswith("#"):
                outside.append(f"{rel}:{i}: {line.strip()}")
    assert not outside, "\n".join(outside)


@pytest.mark.parametrize("path", sorted(PKG.rglob("*.py")), ids=lambda p: str(p.relative_to(PKG)))
def test_modules_stay_small(path):
    rel = path.relative_to(PKG).as_posix()
    if rel in DATA_TABLES or rel.endswith("/aliases.py"):
        return
    n = len(path.read_text().splitlines())
    assert n <= MAX_LINES, f"{rel} has {n} lines; split it by concept (goal 100-300)"
