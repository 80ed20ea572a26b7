"""A run parses its next files in a worker process while it lands the current one
(`land.ahead`): the same batches, rows, findings and errors as a run without a worker; a parse
made with accounts the run no longer holds is made again; a run of GA4 event exports is shared,
the worker taking it from the back; a worker that dies leaves the run to the main process; an
interrupted run leaves no worker behind."""

from __future__ import annotations

import contextlib
import multiprocessing
import shutil
import time

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from socialroi import Workspace
from socialroi.land import ahead, runs
from socialroi.land.importer import parse_checked
from socialroi.sources.base import Context, ImportOptions, InputFile
from socialroi.sources.ga4 import bigquery
from tests.conftest import FIXTURES
from tests.land.test_groups import exports, outcome, run

BROKEN = FIXTURES / "tiktok" / "@voltiq.us" / "Overview_broken_2025-01-01_2025-01-03.csv"


def folder_of(tmp_path):
    """The ordered fixtures, a costs ledger that fails and a damaged TikTok overview."""
    folder = exports(tmp_path)
    shutil.copy(BROKEN, folder / "@voltiq.us" / BROKEN.name)
    return folder


def without_worker(monkeypatch):
    monkeypatch.setattr(ahead.Ahead, "worth", classmethod(lambda cls, todo, wanted=None: False))


def with_worker(monkeypatch) -> list[ahead.Ahead]:
    """Every run starts a worker; returns the workers started, for their counters."""
    started: list[ahead.Ahead] = []
    real = ahead.Ahead.__init__

    def init(self, *args, **kwargs):
        real(self, *args, **kwargs)
        assert self.wait_ready(60)  # a run does not wait for it: these files are few
        started.append(self)

    monkeypatch.setattr(ahead.Ahead, "worth", classmethod(lambda cls, todo, wanted=None: True))
    monkeypatch.setattr(ahead.Ahead, "__init__", init)
    return started


def run_alone(tmp_path, monkeypatch):
    """The folder and what a run without a worker makes of it."""
    folder = folder_of(tmp_path)
    with monkeypatch.context() as m:
        without_worker(m)
        summary, _, stored = run(tmp_path, "alone", folder)
    return folder, summary, stored


def test_a_run_parsed_ahead_lands_what_a_run_without_a_worker_lands(tmp_path, monkeypatch):
    folder, alone, alone_landed = run_alone(tmp_path, monkeypatch)
    started = with_worker(monkeypatch)
    summary, _, ahead_landed = run(tmp_path, "ahead", folder)
    assert outcome(summary) == outcome(alone)  # same batches, rows, findings, errors
    assert ahead_landed == alone_landed
    failed = {r.file: r.reason for r in summary.of("failed")}
    assert "costs_zz_bad.csv" in failed and BROKEN.name in failed
    worker = started[0]
    assert worker.taken > 0  # files did land from the worker's parse
    assert summary.ahead is not None and summary.ahead["cpu"] > 0  # its CPU, reported
    assert summary.ahead["taken"] == worker.taken
    assert not worker.proc.is_alive()


def test_a_worker_that_dies_leaves_the_run_to_the_main_process(tmp_path, monkeypatch):
    folder, alone, alone_landed = run_alone(tmp_path, monkeypatch)
    started = with_worker(monkeypatch)
    real_advance = ahead.Ahead.advance

    def advance(self, position, accounts):
        real_advance(self, position, accounts)
        if position == 1:
            self.proc.kill()  # a crash in the middle of the run

    monkeypatch.setattr(ahead.Ahead, "advance", advance)
    summary, _, ahead_landed = run(tmp_path, "ahead", folder)
    assert outcome(summary) == outcome(alone)
    assert ahead_landed == alone_landed
    assert started[0].broken or started[0].taken == 0


def test_an_interrupted_run_leaves_no_worker_behind(tmp_path, monkeypatch):
    folder = folder_of(tmp_path)
    started = with_worker(monkeypatch)

    def stop(res):
        raise KeyboardInterrupt

    with Workspace.open(tmp_path / "w.duckdb") as ws, pytest.raises(KeyboardInterrupt):
        ws.import_run([folder], on_file=stop)
    assert started and not started[0].proc.is_alive()
    assert not [p for p in multiprocessing.active_children() if p.name == "socialroi-parse-ahead"]


def _claimed(worker: ahead.Ahead, index: int) -> None:
    deadline = time.monotonic() + 60
    while worker.claims[index] == ahead.FREE and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_parse_made_with_other_accounts_is_made_again(tmp_path):
    planned = runs.plan([exports(tmp_path, bad=False)])
    todo = planned.todo
    i = next(n for n, (f, r) in enumerate(todo) if r.key == "tiktok/studio_content")
    worker = ahead.Ahead(len(todo)).begin(todo, ImportOptions())
    assert worker.wait_ready(60)
    try:
        held = {"tiktok:voltiq.us": {"timezone": "America/New_York", "currency": "USD"}}
        worker.advance(i - 1, held)
        _claimed(worker, i)
        f, report = todo[i]
        file = InputFile.from_path(f.path)
        # the register changed since the file was sent: its parse is not used
        assert worker.take(i, file, report, {}) is None
        assert worker.reparsed == 1
        # the same accounts: the worker's parse is the parse the main process would make
        worker.advance(i, held)
        j = i + 1
        _claimed(worker, j)
        g, report_j = todo[j]
        file_j = InputFile.from_path(g.path)
        got = worker.take(j, file_j, report_j, held)
        assert got is not None and worker.taken == 1
        ctx = Context(file_j, ImportOptions(), known_accounts=held)
        here = parse_checked(report_j, file_j, ctx)
        assert got.tables.keys() == here.keys()
        for t in here:
            assert got.tables[t].equals(here[t], check_metadata=True)
        assert got.findings == ctx.findings
        assert (got.rows_read, got.rows_skipped) == (ctx.rows_read, ctx.rows_skipped)
    finally:
        worker.close()
    assert not worker.proc.is_alive()


def event_months(folder, n: int):
    """`n` GA4 event exports in `folder`: the Parquet fixture (BigQuery's events_* layout),
    each copy's visitors renamed so that every month holds sessions of its own."""
    folder.mkdir(parents=True, exist_ok=True)
    events = pq.read_table(FIXTURES / "ga4" / "events_20250108.parquet")
    ids = events["user_pseudo_id"].to_pylist()
    for k in range(n):
        renamed = pa.array([None if v is None else f"{v}.{k}" for v in ids], pa.string())
        month = events.set_column(events.schema.get_field_index("user_pseudo_id"),
                                  "user_pseudo_id", renamed)  # fmt: skip
        pq.write_table(month, folder / f"events_2025010{k + 1}.parquet")
    return folder


def _answered(worker: ahead.Ahead, index: int) -> None:
    deadline = time.monotonic() + 60
    while index not in worker.got and time.monotonic() < deadline:
        worker._collect()
        time.sleep(0.05)


def test_a_run_of_event_exports_is_shared_the_worker_taking_it_from_the_back(tmp_path):
    """GA4 event exports are parsed in DuckDB at seconds per month, as dear in the main
    process as in the worker: the main process parses a run of them from the front, the
    worker from the back (on a scratch DuckDB of its own), and the worker's parse is the one
    the main process would make."""
    planned = runs.plan([event_months(tmp_path / "ga4", 5)])
    todo = planned.todo
    assert [r.key for _, r in todo] == ["ga4/events"] * 5 and todo[0][1].in_sql
    worker = ahead.Ahead(len(todo)).begin(todo, ImportOptions())
    assert worker.wait_ready(60)
    try:
        worker.advance(-1, {})
        assert set(worker.sent) == worker.back == {1, 2, 3, 4}  # the first is the main's
        assert worker.busy(0)  # four months to parse: the main process parses on one thread
        _answered(worker, 4)
        assert set(worker.got) <= {4, 3}  # from the back: the last month first
        assert worker.take(0, InputFile.from_path(todo[0][0].path), todo[0][1], {}) is None
        f, report = todo[4]
        file = InputFile.from_path(f.path)
        got = worker.take(4, file, report, {})
        assert got is not None and worker.taken == 1
        ctx = Context(file, ImportOptions(), known_accounts={})
        here = parse_checked(report, file, ctx)
        assert got.tables.keys() == here.keys() == {"touchpoints", "conversions"}
        for t in here:
            assert got.tables[t].num_rows > 0
            assert got.tables[t].equals(here[t], check_metadata=True)
        assert got.findings == ctx.findings
        assert (got.rows_read, got.rows_skipped) == (ctx.rows_read, ctx.rows_skipped)
        for i in (3, 2, 1):
            _claimed(worker, i)
            worker.take(i, InputFile.from_path(todo[i][0].path), todo[i][1], {})
        assert not worker.busy(0)  # nothing left to parse: the main process takes two threads
    finally:
        worker.close()


def test_the_worker_takes_no_more_of_a_run_than_its_waiting_bytes(tmp_path, monkeypatch):
    """The worker's parses of a run wait in memory until the main process comes to them
    (sessions take about six times their file's bytes): `SPLIT_WAITING` bounds the bytes of a
    run sent to it, counted from the back."""
    planned = runs.plan([event_months(tmp_path / "ga4", 5)])
    todo = planned.todo
    monkeypatch.setattr(ahead, "SPLIT_WAITING", 2 * ahead.size(todo[4][0]) + 1)
    worker = ahead.Ahead(len(todo)).begin(todo, ImportOptions())
    try:
        worker.advance(-1, {})
        assert set(worker.sent) == worker.back == {3, 4}
    finally:
        worker.close()


def test_a_run_of_event_exports_shared_lands_what_one_process_lands(tmp_path, monkeypatch):
    """Months parsed by the worker land as the main process's own parse would have landed
    them: the same batches, sessions, conversions and findings, in the run's order; a damaged
    month in the worker's share (milliseconds for microseconds) fails with the error a run
    without a worker gives."""
    folder = folder_of(tmp_path)
    event_months(folder / "ga4", 5)
    month = pq.read_table(folder / "ga4" / "events_20250105.parquet")
    at = month.schema.get_field_index("event_timestamp")
    millis = pa.array([None if t is None else t // 1000 for t in month[at].to_pylist()], pa.int64())
    pq.write_table(month.set_column(at, "event_timestamp", millis),
                   folder / "ga4" / "events_20250106.parquet")  # fmt: skip
    with monkeypatch.context() as m:
        without_worker(m)
        alone, _, alone_landed = run(tmp_path, "alone", folder)
    started = with_worker(monkeypatch)
    real_take, from_back = ahead.Ahead.take, []

    def take(self, index, file, report, accounts):
        if index in self.back:  # the worker's share: wait until it has started it
            _claimed(self, index)
        got = real_take(self, index, file, report, accounts)
        if got is not None and report.in_sql:
            from_back.append(file.name)
        return got

    monkeypatch.setattr(ahead.Ahead, "take", take)
    summary, _, ahead_landed = run(tmp_path, "ahead", folder)
    assert outcome(summary) == outcome(alone)
    assert ahead_landed == alone_landed
    assert sum(1 for r in summary.results if r.file.startswith("events_")) == 6
    failed = {r.file: r.reason for r in summary.of("failed")}
    assert "not in microseconds" in failed["events_20250106.parquet"]
    assert from_back == [f"events_2025010{k}.parquet" for k in (2, 3, 4, 5)]  # in the run's order
    assert not started[0].proc.is_alive()


def test_a_parse_in_sql_takes_the_threads_its_context_gives(tmp_path, monkeypatch):
    """`Context.threads`: the GA4 parse sets DuckDB's threads for its own statements and
    gives the connection its setting back."""
    seen = []
    real_load = bigquery._load

    def load(con, file, ctx):
        seen.append(con.execute("SELECT current_setting('threads')").fetchone()[0])
        return real_load(con, file, ctx)

    monkeypatch.setattr(bigquery, "_load", load)
    file = InputFile.from_path(FIXTURES / "ga4" / "events_20250108.parquet")
    with duckdb.connect(config={"threads": 2}) as con:

        @contextlib.contextmanager
        def engine():
            yield con

        for threads in (1, None):
            ctx = Context(file, ImportOptions(), engine=engine, threads=threads)
            bigquery.parse(file, ctx)
            assert con.execute("SELECT current_setting('threads')").fetchone()[0] == 2
    assert seen == [1, 2]


def test_a_run_of_few_files_starts_no_worker(tmp_path):
    """A single file (or a handful) is parsed where it lands: a worker's start-up (about a
    second of imports) would cost more than it saves."""
    one = runs.plan([FIXTURES / "ledger" / "accounts.csv"], ahead=True)
    assert one.worker is None and len(one.todo) == 1
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        summary = ws.import_run([FIXTURES / "ledger" / "accounts.csv"])
    assert summary.ahead is None and summary.counts()["imported"] == 1


def test_a_folder_imported_again_starts_no_worker(tmp_path, monkeypatch):
    """Files already imported are not parsed: a run of them has nothing to parse ahead."""
    monkeypatch.setattr(ahead, "MIN_FILES", 3)
    folder = exports(tmp_path, bad=False)
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        first = ws.import_run([folder])
        again = ws.import_run([folder])
    assert first.ahead is not None  # nine files: a worker
    assert again.ahead is None and again.counts()["unchanged"] == len(first.of("loaded"))


def test_ctrl_c_inside_a_query_stops_the_run_and_stores_nothing_of_its_group(tmp_path, monkeypatch):
    """DuckDB stops a query on Ctrl-C with its own error ("Query interrupted", caused by
    the KeyboardInterrupt): that is the user stopping the run, not a damaged file to retry
    or to report as failed."""
    from socialroi.land import importer, landing

    folder = folder_of(tmp_path)
    real_write, calls = landing.write, []

    def write(tx, batch_id, unified):
        calls.append(batch_id)
        if len(calls) == 3:
            try:
                raise KeyboardInterrupt
            except KeyboardInterrupt as exc:
                raise RuntimeError("Query interrupted") from exc
        return real_write(tx, batch_id, unified)

    monkeypatch.setattr(landing, "write", write)
    with Workspace.open(tmp_path / "w.duckdb") as ws:
        with pytest.raises(KeyboardInterrupt):
            ws.import_run([folder])
        assert ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 0
    assert importer.interrupted(RuntimeError("Query interrupted")) is False  # no cause: an error
