"""A run lands its small files in groups that share one commit (`land.groups`): the same
batches, rows, findings and errors as one transaction per file; a file that fails inside a
group, a write or commit that fails, or a crash inside a group loses nothing and leaves
nothing; a file is reported imported only once its batch is committed."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from socialroi import Workspace
from socialroi.land import groups, landing
from socialroi.model.schema import TABLES
from socialroi.store.duckdb import Group
from tests.conftest import FIXTURES, table_totals
from tests.land.test_runs import ORDERED

BAD_COSTS = "period,category,amount,currency\n2025-10,yachts,5,USD\n"


def exports(root, bad: bool = True):
    """The ordered fixtures in one folder, with a costs ledger that fails among them: it
    sorts with the costs ledger, inside the run's first group."""
    folder = root / "exports"
    (folder / "@voltiq.us").mkdir(parents=True)
    for p in ORDERED:
        shutil.copy(p, folder / ("@voltiq.us" if p.parent.name == "@voltiq.us" else "") / p.name)
    shutil.copy(FIXTURES / "tiktok" / "@voltiq.us" / "Content_2025-01-01_2025-01-31.csv",
                folder / "Content_copy.csv")  # fmt: skip
    if bad:
        (folder / "costs_zz_bad.csv").write_text(BAD_COSTS)
    return folder


def landed(ws) -> dict:
    """Everything a run leaves: results aside, the tables, batches and findings."""
    raw = ws.store.raw
    return {
        "totals": table_totals(ws),
        "batches": raw.execute(
            "SELECT batch_id, file_name, status, rows_read, rows_loaded, rows_skipped, tables, "
            "period_start, period_end FROM import_batches ORDER BY batch_id"
        ).fetchall(),
        "findings": raw.execute(
            "SELECT * FROM dq_findings ORDER BY batch_id, finding_no"
        ).fetchall(),
    }


def every_row_knows_its_batch(ws) -> None:
    raw = ws.store.raw
    for name, spec in TABLES.items():
        if name == "import_batches" or "batch_id" not in spec.column_names:
            continue
        orphans = raw.execute(
            f'SELECT count(*) FROM "{name}" WHERE batch_id NOT IN '
            "(SELECT batch_id FROM import_batches WHERE status = 'loaded')"
        ).fetchone()[0]
        assert orphans == 0, name


def run(tmp_path, name, folder, monkeypatch=None, grouped=True):
    if not grouped:
        monkeypatch.setattr(groups, "small", lambda f: False)  # every file alone
    seen = []
    with Workspace.open(tmp_path / f"{name}.duckdb") as ws:
        summary = ws.import_run([folder], on_file=seen.append)
        every_row_knows_its_batch(ws)
        return summary, seen, landed(ws)


def outcome(summary):
    return [(r.file, r.status, r.batch_id, r.reason, r.rows_loaded, r.tables, r.findings)
            for r in summary.results]  # fmt: skip


def test_a_bad_file_inside_a_group_fails_alone_and_the_others_land(tmp_path, monkeypatch):
    folder = exports(tmp_path)
    summary, seen, stored = run(tmp_path, "grouped", folder)
    by = {r.file: r for r in summary.results}
    assert by["costs_zz_bad.csv"].status == "failed"
    assert "unknown category" in by["costs_zz_bad.csv"].reason
    assert by["costs_zz_bad.csv"].batch_id is None
    assert summary.counts()["imported"] == len(ORDERED) + 1
    assert [r.file for r in seen] == [r.file for r in summary.results]
    with monkeypatch.context() as m:
        alone, _, stored_alone = run(tmp_path, "alone", folder, m, grouped=False)
    assert outcome(summary) == outcome(alone)
    assert stored == stored_alone


def failing_write(monkeypatch, at: int, error: BaseException):
    """`landing.write` raising `error` on its `at`-th call (the `at`-th file written)."""
    write, calls = landing.write, []

    def fail(tx, batch_id, unified):
        calls.append(batch_id)
        if len(calls) == at:
            raise error
        return write(tx, batch_id, unified)

    monkeypatch.setattr(landing, "write", fail)
    return write


def test_a_crash_inside_a_group_leaves_nothing_of_it(tmp_path, monkeypatch):
    folder = exports(tmp_path, bad=False)
    write = failing_write(monkeypatch, 4, KeyboardInterrupt())  # the 4th file, in the 1st group
    seen = []
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        before = threads(ws)
        with pytest.raises(KeyboardInterrupt):
            ws.import_run([folder], on_file=seen.append)
        assert threads(ws) == before  # the group's one thread is undone
        assert seen == []  # none of the group's files was reported imported
        assert ws.store.count("import_batches") == 0
        assert all(ws.store.count(t) == 0 for t in ("costs", "conversions", "post_metrics"))
    monkeypatch.setattr(landing, "write", write)
    with Workspace.open(tmp_path / "w.duckdb") as ws:  # the next run imports everything
        again = ws.import_run([folder])
        assert again.counts()["imported"] == len(ORDERED) + 1
        every_row_knows_its_batch(ws)
        after = landed(ws)
    _, _, clean = run(tmp_path, "clean", folder)
    assert after == clean


def threads(ws) -> int:
    return int(ws.store.raw.execute("SELECT current_setting('threads')").fetchone()[0])


def test_a_crash_in_a_groups_commit_leaves_nothing(tmp_path, monkeypatch):
    folder = exports(tmp_path, bad=False)
    commit = Group.commit

    def interrupted(self):
        self.tx.execute("SELECT 1")  # the commit never runs: Ctrl-C
        raise KeyboardInterrupt

    monkeypatch.setattr(Group, "commit", interrupted)
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        before = threads(ws)
        with pytest.raises(KeyboardInterrupt):
            ws.import_run([folder])
        assert threads(ws) == before
        assert ws.store.count("import_batches") == 0
        monkeypatch.setattr(Group, "commit", commit)
        assert ws.import_run([folder]).counts()["imported"] == len(ORDERED) + 1
        every_row_knows_its_batch(ws)


def test_a_write_that_fails_inside_a_group_is_retried_file_by_file(tmp_path, monkeypatch):
    folder = exports(tmp_path, bad=False)
    write = failing_write(monkeypatch, 3, duckdb.IOException("disk hiccup"))
    summary, _, stored = run(tmp_path, "flaky", folder)
    monkeypatch.setattr(landing, "write", write)
    assert summary.counts() == {"imported": len(ORDERED) + 1, "unchanged": 0, "skipped": 0,
                                "failed": 0}  # fmt: skip
    _, _, clean = run(tmp_path, "clean", folder)
    assert stored == clean


def test_a_commit_that_fails_is_retried_file_by_file(tmp_path, monkeypatch):
    folder = exports(tmp_path, bad=False)
    commit, calls = Group.commit, []

    def failing(self):
        calls.append(1)
        if len(calls) == 1:
            self.rollback()
            raise duckdb.TransactionException("commit failed")
        commit(self)

    monkeypatch.setattr(Group, "commit", failing)
    summary, seen, stored = run(tmp_path, "commit", folder)
    monkeypatch.setattr(Group, "commit", commit)
    assert summary.counts()["imported"] == len(ORDERED) + 1
    assert len(seen) == len(summary.results)  # each file reported once
    _, _, clean = run(tmp_path, "clean", folder)
    assert stored == clean


def test_a_file_twice_in_one_group_is_unchanged_the_second_time(tmp_path):
    folder = exports(tmp_path, bad=False)
    (folder / "again").mkdir()
    shutil.copy(ORDERED[1], folder / "again" / ORDERED[1].name)  # same name and content
    summary, _, _ = run(tmp_path, "twice", folder)
    twice = [r for r in summary.results if r.file == ORDERED[1].name]
    assert [r.status for r in twice] == ["loaded", "unchanged"]
    assert twice[0].batch_id == twice[1].batch_id
