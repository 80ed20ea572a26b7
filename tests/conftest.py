from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import pytest

from socialroi import Workspace

ROOT = Path(__file__).parent.parent  # the repository
FIXTURES = Path(__file__).parent / "fixtures"
TINY_DEMO_SEED = 5


@pytest.fixture
def ws(tmp_path):
    w = Workspace.open(tmp_path / "ws.duckdb")
    yield w
    w.close()


def table_totals(ws: Workspace) -> dict[str, tuple]:
    """Row count and the sum of every numeric column, per table: a workspace fingerprint."""
    from socialroi.model.schema import TABLES

    out = {}
    for name, spec in TABLES.items():
        nums = [c.name for c in spec.columns if c.dtype in ("int64", "float64")]
        cols = ", ".join(f'round(sum("{c}"), 6)' for c in nums if c != "batch_id")
        sql = f'SELECT count(*){", " + cols if cols else ""} FROM "{name}"'
        out[name] = tuple(ws.store.raw.execute(sql).fetchone())
    return out


def copy_workspace(path: Path, folder: Path) -> Path:
    """A copy of the workspace file at `path` in `folder`, for a test that writes to it."""
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(path, folder / path.name))


class TinyDemo(NamedTuple):
    path: Path  # the workspace file
    exports: Path  # the folder of export files it was imported from
    run: Any  # what `run_demo` returned (a `DemoRun`)


@pytest.fixture(scope="session")
def tiny_demo_build(tmp_path_factory) -> TinyDemo:
    """The tiny demo (seed 5, every source) generated, written and imported once per test
    session. Use `tiny_demo` for its workspace."""
    from socialroi.demo.run import run_demo

    root = tmp_path_factory.mktemp("tiny-demo")
    db, exports = root / "demo.duckdb", root / "exports"
    run = run_demo(workspace=db, seed=TINY_DEMO_SEED, scale="tiny", out=exports)
    return TinyDemo(db, exports, run)


@pytest.fixture(scope="session")
def tiny_demo(tiny_demo_build) -> Path:
    """The tiny demo's workspace file, shared by every test that needs a tiny demo. Tests only
    read it; one that writes works on a copy (`copy_workspace`). At the end of the session it must be as it
    was built."""
    db = tiny_demo_build.path
    with Workspace.open(db) as w:
        built = table_totals(w)
    yield db
    with Workspace.open(db) as w:
        assert table_totals(w) == built, "a test wrote to the shared tiny demo; use a copy"


def insert(ws: Workspace, table: str, rows: list[dict]) -> None:
    """Rows written straight into a canonical table (batch 1), for hand-built workspaces."""
    df = pd.DataFrame(rows)
    df["batch_id"] = 1
    ws.store.raw.register("_rows", df)
    try:
        ws.store.raw.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
    finally:
        ws.store.raw.unregister("_rows")
