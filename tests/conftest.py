from __future__ import annotations

from pathlib import Path

import pytest

from socialroi import Workspace

ROOT = Path(__file__).parent.parent  # the repository
FIXTURES = Path(__file__).parent / "fixtures"


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
