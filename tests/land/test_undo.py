"""`socialroi undo`: one import or sync taken back in one transaction, listed as undone."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from socialroi.deliver.cli.main import main
from socialroi.errors import NotFound, SocialroiError
from socialroi.land.workspace import Workspace
from socialroi.store import batches
from tests.conftest import FIXTURES

COSTS = FIXTURES / "ledger" / "costs_2025.csv"  # the costs ledger template


def _rows(ws: Workspace, table: str) -> int:
    return ws.store.count(table)


def test_undo_removes_the_batch_rows_and_lets_the_file_in_again(tmp_path):
    path = COSTS
    db = str(tmp_path / "w.duckdb")
    run = CliRunner().invoke
    assert run(main, ["init", "-w", db]).exit_code == 0
    assert run(main, ["import", "-w", db, str(path)]).exit_code == 0
    with Workspace.open(db) as ws:
        hist = batches.history(ws.store)
        batch = int(hist.batch_id.iloc[0])
        table = hist.tables.iloc[0].split("=")[0]
        before = _rows(ws, table)
    assert before > 0
    got = run(main, ["undo", "-w", db, str(batch)])
    assert got.exit_code == 0, got.output
    assert f"batch {batch} undone" in got.output
    with Workspace.open(db) as ws:
        assert _rows(ws, table) == 0
        hist = batches.history(ws.store)
        assert hist.set_index("batch_id").status[batch] == "undone"
        with pytest.raises(SocialroiError, match="nothing to undo"):
            ws.undo_batch(batch)
        with pytest.raises(NotFound):
            ws.undo_batch(batch + 100)
    # the same file imports again: an undone batch does not make it "unchanged"
    again = run(main, ["import", "-w", db, str(path)])
    assert again.exit_code == 0 and "unchanged" not in again.output.split("summary")[-1]
    with Workspace.open(db) as ws:
        assert _rows(ws, table) == before


def test_undo_of_a_missing_batch_is_a_clear_error(tmp_path):
    db = str(tmp_path / "w.duckdb")
    run = CliRunner().invoke
    assert run(main, ["init", "-w", db]).exit_code == 0
    got = run(main, ["undo", "-w", db, "7"])
    assert got.exit_code == 1 and "no batch 7" in got.output and "Traceback" not in got.output


def test_undoing_a_sync_batch_rewinds_its_stream(tmp_path):
    """The cursor a sync batch moved goes with it, so the next sync reads that history again."""
    from socialroi.store import connections

    db = str(tmp_path / "w.duckdb")
    run = CliRunner().invoke
    assert run(main, ["import", "-w", db, str(COSTS)]).exit_code == 0
    with Workspace.open(db) as ws:
        batch = int(batches.history(ws.store).batch_id.iloc[0])
        with ws.store.transaction() as tx:
            connections.set_cursor(tx, "meta", "act_1", "ad_insights", None, 3, batch)
            connections.set_cursor(tx, "meta", "act_2", "ad_insights", None, 3, None)
        ws.undo_batch(batch)
        left = connections.cursors(ws.store, "meta")
        assert list(left.account) == ["act_2"]
