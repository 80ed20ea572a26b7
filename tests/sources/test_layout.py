"""The shape of `socialroi.sources`, read from the code with `ast` (nothing is imported).

- every `sources/<name>/` has the same shape and imports only the base (files: `base`, APIs:
  `api`), the kit, the model,
  the errors and its own package: no source imports a sibling;
- the kit imports only the base, itself, the model, the errors, fx and periods;
- no module is over 600 lines (header-name tables, `aliases.py`, excepted);
- no import cycle within `sources`; imports sit at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "src" / "socialroi" / "sources"
PACKAGE = "socialroi.sources"
SOURCE_MAY_IMPORT = (
    "socialroi.sources.base",
    "socialroi.sources.api",
    "socialroi.sources.kit",
    "socialroi.model",
    "socialroi.errors",
)
KIT_MAY_IMPORT = (*SOURCE_MAY_IMPORT, "socialroi.unify.fx", "socialroi.model.periods")
SHAPE = {"__init__.py", "aliases.py", "exports.py"}
MAX_LINES = 600


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
SOURCES = sorted(p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists())
SOURCES = [s for s in SOURCES if s != "kit"]


def _type_checking(node: ast.If) -> bool:
    t = node.test
    return (isinstance(t, ast.Name) and t.id == "TYPE_CHECKING") or (
        isinstance(t, ast.Attribute) and t.attr == "TYPE_CHECKING"
    )


def imports(path: Path, *, runtime_only: bool = False) -> list[tuple[str, ast.AST]]:
    """(imported module, node) for every import of a file; a `from X import y` of a
    submodule `X.y` counts as importing `X.y`."""
    tree = ast.parse(path.read_text("utf-8"))
    skip: set[int] = set()
    if runtime_only:
        for node in ast.walk(tree):
            if isinstance(node, ast.If) and _type_checking(node):
                skip |= {id(n) for n in ast.walk(node)}
    out = []
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            out += [(a.name, node) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                out.append((sub if sub in MODULES else node.module, node))
    return out


def _allowed(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


@pytest.mark.parametrize("source", SOURCES)
def test_a_source_imports_only_the_base_the_kit_the_model_and_the_errors(source):
    own = f"{PACKAGE}.{source}"
    bad = []
    for path in (ROOT / source).glob("*.py"):
        for name, node in imports(path):
            if name.startswith("socialroi") and not _allowed(name, (*SOURCE_MAY_IMPORT, own)):
                bad.append(f"{path.name}:{node.lineno} imports {name}")
    assert bad == []


def test_the_kit_imports_no_source():
    bad = []
    for path in (ROOT / "kit").glob("*.py"):
        for name, node in imports(path):
            if name.startswith("socialroi") and not _allowed(name, KIT_MAY_IMPORT):
                bad.append(f"kit/{path.name}:{node.lineno} imports {name}")
    assert bad == []


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_folder_has_the_same_shape(source):
    folder = ROOT / source
    files = {p.name for p in folder.glob("*.py")}
    assert files >= SHAPE, f"{source} lacks {SHAPE - files}"
    assert not [p for p in folder.iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert not [f for f in files if f.startswith("_") and f != "__init__.py"]
    init = {n for n, _ in imports(folder / "__init__.py")}
    assert {f"{PACKAGE}.{source}.aliases", f"{PACKAGE}.{source}.exports"} <= init
    # Every other module is a report module or helper reached from exports.py.
    own = f"{PACKAGE}.{source}."
    # api.py (the source's API connector, optional) is a second root, imported by __init__.
    roots = [folder / "exports.py"]
    if (folder / "api.py").exists():
        assert f"{PACKAGE}.{source}.api" in init, f"{source}/__init__.py must import api"
        roots.append(folder / "api.py")
    reached, todo = {f"{PACKAGE}.{source}.api"}, roots
    while todo:
        for name, _ in imports(todo.pop()):
            if name.startswith(own) and name not in reached:
                reached.add(name)
                todo.append(MODULES[name])
    stray = {f"{own}{f[:-3]}" for f in files - SHAPE} - reached
    assert stray == set(), f"not reached from {source}/exports.py or api.py: {stray}"


def test_no_module_is_over_600_lines():
    long = {
        str(p.relative_to(ROOT)): n
        for p in MODULES.values()
        if p.name != "aliases.py" and (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_no_import_cycle_within_sources():
    graph = {
        m: {n for n, _ in imports(p, runtime_only=True) if n in MODULES and n != m}
        for m, p in MODULES.items()
    }
    done: set[str] = set()

    def visit(m: str, stack: list[str]) -> None:
        if m in stack:
            raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(m) :] + [m]))
        if m in done:
            return
        for n in sorted(graph[m]):
            visit(n, [*stack, m])
        done.add(m)

    for m in sorted(graph):
        visit(m, [])


def test_imports_sit_at_the_top_of_a_module():
    bad = []
    for m, path in MODULES.items():
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import | ast.ImportFrom):
                        bad.append(f"{m}:{inner.lineno} imports inside {node.name}()")
            if isinstance(node, ast.Try):
                for h in node.handlers:
                    names = ast.dump(h.type) if h.type is not None else ""
                    if "ImportError" in names or "ModuleNotFoundError" in names:
                        bad.append(f"{m}:{node.lineno} guards an import")
    assert bad == []
