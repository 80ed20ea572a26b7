"""`sync --every`: the loop's slots, jitter and stop (an injected clock: nothing waits), the
workspace's sync lock, the schedule file, and SIGTERM on a real loop."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from socialroi import Workspace
from socialroi.errors import SocialroiError
from socialroi.sync import schedule
from tests.conftest import ROOT

H = 3600.0


class Clock:
    """Time that moves only when the loop waits or a run takes long."""

    def __init__(self, t: float = 1_800_000_000.0) -> None:
        self.t = t
        self.waits: list[float] = []

    def now(self) -> float:
        return self.t

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.t += seconds
        return False


def test_every_parses_units_and_refuses_nonsense():
    assert schedule.parse_every("6h") == 6 * H
    assert schedule.parse_every("1h30m") == 5400
    assert schedule.parse_every("1d") == 24 * H
    for bad in ("", "6", "h", "6x", "6h-", "-6h", "1m"):
        with pytest.raises(SocialroiError):
            schedule.parse_every(bad)


def test_runs_at_once_then_at_each_slot_with_jitter_and_no_drift():
    clock = Clock()
    start = clock.t
    starts: list[float] = []
    nexts: list[dt.datetime] = []

    def run() -> int:
        starts.append(clock.t)
        clock.t += 120  # every run takes two minutes
        return 0

    rand = iter([0.0, 1.0, 0.5, 0.25]).__next__
    done = schedule.run_every(6 * H, run, now=clock.now, wait=clock.wait, rand=rand,
                              on_next=nexts.append, runs=5)  # fmt: skip
    jitter = schedule.jitter_of(6 * H)
    assert jitter == 15 * 60  # a tenth of 6h is 36 min: capped at 15
    assert [s - start for s in starts] == [0, 6 * H, 12 * H + jitter, 18 * H + jitter / 2,
                                           24 * H + jitter / 4]  # fmt: skip
    assert [n.timestamp() for n in nexts] == starts[1:]
    assert [r.code for r in done] == [0] * 5 and all(r.seconds == 120 for r in done)
    assert all(w >= 0 for w in clock.waits)


def test_a_run_longer_than_its_interval_is_never_overlapped():
    clock = Clock()
    start = clock.t
    starts: list[float] = []

    def run() -> int:
        starts.append(clock.t)
        clock.t += 2.5 * H if len(starts) == 1 else 60  # the first run outlasts two slots
        return 1

    schedule.run_every(H, run, now=clock.now, wait=clock.wait, rand=lambda: 0.0, runs=3)
    assert [s - start for s in starts] == [0, 3 * H, 4 * H]  # slots 1 and 2 were skipped


def test_stop_while_waiting_ends_the_loop_at_once():
    calls = []
    done = schedule.run_every(
        H, lambda: calls.append(1) or 0, wait=lambda s: len(calls) >= 2, rand=lambda: 0.0
    )
    assert len(done) == 2


def test_two_syncs_of_one_workspace_never_run_at_once(tmp_path):
    ws = tmp_path / "ws.duckdb"
    order: list[str] = []
    held = threading.Event()
    release = threading.Event()

    def first():
        with schedule.exclusive(ws):
            order.append("first in")
            held.set()
            release.wait(10)
            order.append("first out")

    t = threading.Thread(target=first)
    t.start()
    held.wait(10)
    waited: list[str] = []

    def sleep(s):
        release.set()  # the first one finishes while the second waits
        time.sleep(0.05)

    with schedule.exclusive(ws, on_wait=waited.append, sleep=sleep, poll=0.01):
        order.append("second in")
    t.join(10)
    assert order == ["first in", "first out", "second in"]
    assert waited == [str(os.getpid())]  # said once, naming the holder


def test_the_schedule_file_names_the_next_run_while_its_process_lives(tmp_path):
    ws = tmp_path / "ws.duckdb"
    at = dt.datetime(2026, 12, 7, 9, 4, tzinfo=dt.UTC)
    assert schedule.planned(ws) is None
    schedule.announce(ws, 6 * H, at, last_exit=0)
    got = schedule.planned(ws)
    assert got["next_at"] == at and got["every_seconds"] == 6 * H and got["last_exit"] == 0
    schedule.forget(ws)
    assert schedule.planned(ws) is None
    schedule.schedule_file(ws).write_text('{"pid": 999999999, "next_at": null}')
    assert schedule.planned(ws) is None  # a dead keeper keeps no schedule


def test_sigterm_stops_a_real_loop_cleanly(tmp_path):
    path = tmp_path / "ws.duckdb"
    Workspace.open(path).close()
    proc = subprocess.Popen(
        [sys.executable, "-m", "socialroi.deliver.cli.main", "sync", "-w", str(path),
         "--every", "6h"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(300):  # the first run is done once the next one is planned
            got = schedule.planned(path)
            if got and got.get("last_run_at"):
                break
            time.sleep(0.1)
        else:
            pytest.fail("the loop did not plan a second run")
        second = subprocess.run(
            [sys.executable, "-m", "socialroi.deliver.cli.main", "sync", "-w", str(path),
             "--every", "6h"],
            env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert second.returncode == 1 and "kept current already" in second.stderr
        proc.send_signal(signal.SIGTERM)
        out, errs = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, errs
    assert "no source is connected" in errs  # the run's own error, one line, no traceback
    assert "next sync at" in errs and errs.rstrip().endswith("stopped")
    assert not schedule.schedule_file(path).exists()


def test_sigterm_during_a_run_rolls_the_stream_back_and_stops(fake_meta, tmp_path, monkeypatch,
                                                              capsys):  # fmt: skip
    """The signal lands while a stream is being stored: its transaction rolls back (nothing
    half-stored, the cursor not moved), the loop ends cleanly and says so."""
    from socialroi.deliver.cli import schedule as loop
    from socialroi.store import connections as conns
    from socialroi.sync import connect as connecting
    from tests.sync.conftest import fill

    today = dt.datetime.now(dt.UTC).date()
    fill(fake_meta, days=[str(today - dt.timedelta(days=d)) for d in (2, 1)])
    path = tmp_path / "ws.duckdb"
    with Workspace.open(path, base_currency="EUR") as ws:
        connecting.connect_token(ws, "meta", "good-token", ["act_1234567890"])
    real = conns.changed_rows

    def signalled(tx, spec, data):
        os.kill(os.getpid(), signal.SIGTERM)  # the loop's handler raises in this thread
        time.sleep(5)
        return real(tx, spec, data)

    monkeypatch.setattr(conns, "changed_rows", signalled)
    loop.keep(str(path), "6h", [])
    err = capsys.readouterr().err
    assert "stopped during a run" in err and "Traceback" not in err
    assert signal.getsignal(signal.SIGTERM) is not None  # the old handler is back
    with Workspace.open(path) as ws:
        assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0] == 0
        assert conns.cursor(ws.store, "meta", "act_1234567890", "ad_insights") is None
    assert not schedule.schedule_file(path).exists()
    with schedule.exclusive(path, on_wait=lambda pid: pytest.fail("the lock was left held")):
        pass
