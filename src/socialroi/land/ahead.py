"""Parsing ahead: a run's next files parsed in a worker process while this one lands them.

An import run parses each file (Python, pandas, Arrow: one core) and then lands it (unify,
upsert, commit in DuckDB). On a machine with a second core, `Ahead` starts one worker
process that parses and checks the next files of the run, in the run's order, while the
main process lands the current one; the main process lands each file from the worker's
parse when it comes to it. What stays as it was:

- the order: files land one by one in the run's order, in the main process, which alone
  writes to the workspace; the worker never opens it;
- the results: the worker runs the same parse and checks (`importer.parse_checked`) on the
  same bytes with the same known accounts. A parse depends on what the accounts register
  holds, and a batch of the run may change it: a worker's parse made with other accounts than
  the main process holds when the file's turn comes (or of other bytes: the file changed
  since) is thrown away and the file parsed again here;
- the errors: a file whose parse fails in the worker is parsed again in the main process,
  which fails with the very error (file, row, column, value) an import without a worker
  gives; a worker that dies or cannot start leaves the rest of the run to the main process;
- the workspace's engine: a parse that shapes its rows in DuckDB (GA4 event exports,
  `Report.in_sql`) runs in the main process on the connection the file lands through, and in
  the worker on a scratch DuckDB of its own (`kit.scratch`, bounded) whose rows come back as
  Arrow. Such a parse costs the main process as much as the worker, so a run of such files
  (a year of monthly event exports) is shared: the main process parses it from the front,
  the worker from the back, and each parse takes one DuckDB thread while the other process
  parses beside it. Their parsed rows wait for the main process to come to them (about six
  times their file's bytes): at most `SPLIT_WAITING` bytes of a run are sent to the worker;
- memory: at most `AHEAD_FILES` files of `AHEAD_WAITING` bytes in all are parsed ahead of
  the main process, and a file larger than `AHEAD_BYTES` is parsed by the main process when
  its turn comes, never ahead (its parsed rows would otherwise wait beside the main
  process's own).

Nothing is parsed twice on purpose: which of the two processes parses a file is settled by a
claim in shared memory (the worker claims a file when it starts it; the main process claims
a file the worker has not started when its turn comes and parses it itself, so the main
process never waits for a parse that has not begun). Parsed tables come back as Arrow IPC
streams. The worker ignores Ctrl-C: the main process stops it (`close`) however the run ends,
and a worker whose run was killed ends by itself within a second.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import resource
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from socialroi.land.importer import Parsed, parse_checked
from socialroi.sources import load_all
from socialroi.sources.base import REPORTS, Context, ImportOptions, InputFile, Report
from socialroi.sources.kit import limits

AHEAD_FILES = 16  # files parsed ahead of the main process at most
AHEAD_WAITING = 8 << 20  # and their bytes at most (a GA4 month in the main process may take
# seconds: the worker parses what follows it meanwhile)
AHEAD_BYTES = 4 << 20  # a larger file is parsed by the main process, never ahead
SPLIT_WAITING = 12 << 20  # bytes of a run of `in_sql` files the worker takes from its back
MIN_FILES = 6  # a run with fewer files to parse ahead starts no worker (start-up: ~1 s CPU)
FREE, WORKER, MAIN = 0, 1, 2  # who parses a file (the claims array)
READY, STOPPED = -1, -2  # the worker's messages besides answers
WAIT = 1.0  # seconds between checks that the worker is still alive, while waiting for it


@dataclass
class Task:
    index: int  # the file's place in the run
    name: str
    path: str | None
    data: bytes | None  # a zip member's bytes; a file on disk is read by the worker
    report: str  # the report's key
    options: ImportOptions
    accounts: dict[str, dict[str, Any]]


def size(file: InputFile) -> int | None:
    """A file's size in bytes (None: gone since the plan)."""
    if file.data:
        return len(file.data)
    try:
        return file.path.stat().st_size if file.path is not None else None
    except OSError:
        return None


def eligible(file: InputFile) -> bool:
    """Whether a file may be parsed ahead (by size: a large file's parse waits for its turn)."""
    n = size(file)
    return n is not None and n <= AHEAD_BYTES


class Ahead:
    """The worker of one run: `advance(i)` as the main process comes to file `i` (sends the
    next files), `take(i, ...)` for file `i`'s parse (or None: parse it here), `close()`."""

    def __init__(self, files: int) -> None:
        """Start the worker for a run of at most `files` files (it starts while the run
        detects its files: its start-up, about a second of imports, is then not waited for);
        `begin` gives it the run's files."""
        self.todo: list[tuple[InputFile, Report]] = []
        self.options = ImportOptions()
        self.wanted: Callable[[int], bool] = lambda i: True
        self.sent: dict[int, dict[str, dict[str, Any]]] = {}  # index -> accounts sent with it
        self.sizes: dict[int, int] = {}  # index -> bytes of the files sent
        self.back: set[int] = set()  # files sent from the back of a run of `in_sql` files
        self.got: dict[int, Any] = {}
        self.next = 0  # the next file to consider sending
        self.stats: tuple[float, float] | None = None  # the worker's CPU s and peak RSS MB
        self.reparsed = 0  # parses thrown away (accounts or bytes changed)
        self.taken = 0  # files landed from the worker's parse
        self.waited = 0.0  # seconds the main process waited for the worker
        self.broken = False
        self.ready = False  # the worker has started
        mpc = mp.get_context("spawn")  # a fork would copy the workspace's DuckDB threads
        self.claims = mpc.Array("b", max(files, 1))
        self.tasks: Any = mpc.Queue()
        self.results: Any = mpc.Queue()
        for q in (self.tasks, self.results):
            q.cancel_join_thread()  # a dead worker must not keep the run from ending
        self.proc = mpc.Process(
            target=_work, args=(self.tasks, self.results, self.claims), daemon=True,
            name="socialroi-parse-ahead",
        )  # fmt: skip
        with _main_not_imported():
            self.proc.start()

    def begin(
        self,
        todo: list[tuple[InputFile, Report]],
        options: ImportOptions,
        wanted: Callable[[int], bool] = lambda i: True,
    ) -> Ahead:
        """The run's files in its order (at most the `files` it was started for), its options,
        and which files it wants parsed (not those already imported)."""
        if len(todo) > len(self.claims):
            raise ValueError("more files than the worker was started for")
        self.todo, self.options, self.wanted = todo, options, wanted
        return self

    @staticmethod
    def may(files: int) -> bool:
        """Whether a run of `files` files may gain from a worker: a second core, and files
        enough to pay its start-up."""
        return (os.cpu_count() or 1) >= 2 and files >= MIN_FILES

    @classmethod
    def worth(
        cls, todo: list[tuple[InputFile, Report]], wanted: Callable[[int], bool] = lambda i: True
    ) -> bool:
        """Whether a worker pays for these files: enough of them it may parse, and that the
        run wants parsed (a folder imported again is mostly files already imported)."""
        return cls.may(sum(1 for i, (f, _) in enumerate(todo) if eligible(f) and wanted(i)))

    def advance(self, position: int, accounts: dict[str, dict[str, Any]]) -> None:
        """The main process is at file `position`: keep `AHEAD_FILES` files after it sent,
        with the accounts the register holds now."""
        self._drain(position)
        if not self.broken and not self.proc.is_alive():
            self.broken = True  # nothing more is sent to a worker that died
        if self.broken:
            return
        self.next = max(self.next, position + 1)
        while self.next < len(self.todo) and self._room(position):
            i = self.next
            self.next += 1
            report = self.todo[i][1]
            if report.in_sql:  # the main process parses the run's first file, the worker
                # its last ones, from the back
                end = i
                while end + 1 < len(self.todo) and self.todo[end + 1][1].key == report.key:
                    end += 1
                self.next = end + 1
                budget = SPLIT_WAITING
                for j in range(end, i, -1):
                    n = size(self.todo[j][0])
                    if n is None or n > AHEAD_BYTES or not self.wanted(j):
                        continue
                    if n > budget:
                        break
                    self._send(j, n, accounts)
                    self.back.add(j)
                    budget -= n
                continue
            n = size(self.todo[i][0])
            if n is not None and n <= AHEAD_BYTES and self.wanted(i):
                self._send(i, n, accounts)

    def _send(self, i: int, n: int, accounts: dict[str, dict[str, Any]]) -> None:
        file, report = self.todo[i]
        self.sizes[i] = n
        on_disk = not file.data and file.path is not None
        self.tasks.put(
            Task(i, file.name, str(file.path) if file.path else None,
                 None if on_disk else file.data, report.key, self.options, accounts)
        )  # fmt: skip
        self.sent[i] = accounts

    def _room(self, position: int) -> bool:
        """Whether another file may be sent: fewer than `AHEAD_FILES` files of fewer than
        `AHEAD_WAITING` bytes in all are sent and not yet landed (a run's back part, bounded
        by `SPLIT_WAITING`, not counted)."""
        ahead = [i for i in self.sent if i > position and i not in self.back]
        return len(ahead) < AHEAD_FILES and sum(self.sizes[i] for i in ahead) < AHEAD_WAITING

    def busy(self, position: int) -> bool:
        """Whether the worker is parsing (or has yet to parse) a file after `position`: a
        parse in SQL in the main process then takes one thread (`Context.threads`)."""
        if self.broken:
            return False
        self._collect()
        mine = [i for i in self.sent if i > position and i not in self.got]
        with self.claims.get_lock():
            return any(self.claims[i] != MAIN for i in mine)

    def take(
        self, index: int, file: InputFile, report: Report, accounts: dict[str, dict[str, Any]]
    ) -> Parsed | None:
        """File `index`'s parse from the worker, if it is one the main process would make
        now (same bytes, same accounts); None: the main process parses it."""
        sent = self.sent.pop(index, None)
        self.sizes.pop(index, None)
        self.back.discard(index)
        if sent is None or self.broken:
            return None
        with self.claims.get_lock():
            if self.claims[index] != WORKER:  # not started: parsed here, not waited for
                self.claims[index] = MAIN
                return None
        waited = time.perf_counter()
        while index not in self.got:
            try:
                i, answer = self.results.get(timeout=WAIT)
            except queue.Empty:
                if not self.proc.is_alive():
                    self.broken = True
                    return None
                continue
            except Exception:  # noqa: BLE001 - a worker that died while answering
                self.broken = True
                return None
            self._note(i, answer)
        answer = self.got.pop(index)
        self.waited += time.perf_counter() - waited
        if answer is None:
            return None
        sha, tables, findings, read, skipped, cpu = answer
        if sha != file.sha256 or sent != accounts:
            self.reparsed += 1
            return None
        self.taken += 1
        return Parsed(_tables(tables), findings, read, skipped, cpu)

    def _note(self, i: int, answer: Any) -> None:
        if i == READY:
            self.ready = True
        elif i == STOPPED:
            self.stats = answer
        else:
            self.got[i] = answer

    def wait_ready(self, timeout: float) -> bool:
        """Wait until the worker has started (for tests: a run never waits for it)."""
        deadline = time.monotonic() + timeout
        while not self.ready and time.monotonic() < deadline and self.proc.is_alive():
            with contextlib.suppress(queue.Empty):
                self._note(*self.results.get(timeout=0.1))
        return self.ready

    def _drain(self, position: int) -> None:
        """Take what the worker has finished; drop answers for files already passed."""
        self._collect()
        for i in [i for i in self.got if i < position]:
            del self.got[i]
        passed = [i for i in self.sent if i < position]
        if passed:  # not taken (already imported, unreadable): the worker need not parse them
            with self.claims.get_lock():
                for i in passed:
                    del self.sent[i]
                    self.sizes.pop(i, None)
                    self.back.discard(i)
                    if self.claims[i] == FREE:
                        self.claims[i] = MAIN

    def _collect(self) -> None:
        """Take what the worker has finished, without waiting."""
        while not self.broken:
            try:
                i, answer = self.results.get_nowait()
            except queue.Empty:
                break
            except Exception:  # noqa: BLE001 - a worker that died while answering
                self.broken = True
                break
            self._note(i, answer)

    def report(self) -> dict[str, float]:
        """The worker's CPU seconds (start-up included) and peak memory (MB), files landed
        from its parse, parses thrown away, and seconds the main process waited for it."""
        cpu, peak = self.stats or (0.0, 0.0)
        return {"cpu": cpu, "peak_mb": peak, "taken": self.taken, "reparsed": self.reparsed,
                "waited": self.waited}  # fmt: skip

    def close(self) -> None:
        """Stop the worker (at the end of the run, or when it fails or is interrupted)."""
        if not self.proc.is_alive():
            self.proc.join(0)
            return
        with self.claims.get_lock():  # files sent and not started are not parsed any more
            for i in range(len(self.claims)):
                if self.claims[i] == FREE:
                    self.claims[i] = MAIN
        self.tasks.put(None)
        deadline = time.monotonic() + 5
        while self.stats is None and time.monotonic() < deadline and self.proc.is_alive():
            try:
                i, answer = self.results.get(timeout=0.2)
            except queue.Empty:
                continue
            except Exception:  # noqa: BLE001 - it is stopped below
                break
            self._note(i, answer)
        self.got.clear()
        self.proc.join(1)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join()


@contextlib.contextmanager
def _main_not_imported() -> Iterator[None]:
    """A spawned process runs the parent's main script again before its target unless the
    script is `python -c` (no file): the worker needs only socialroi's modules, and the
    script (a user's, a benchmark, the CLI) must not run twice, so the worker starts as if
    from `-c`."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {k: main.__dict__[k] for k in ("__file__", "__spec__") if k in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def _tables(streams: dict[str, bytes]) -> dict[str, pa.Table]:
    return {t: pa.ipc.open_stream(pa.py_buffer(b)).read_all() for t, b in streams.items()}


def _stream(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as out:
        out.write_table(table)
    return sink.getvalue().to_pybytes()


def _work(tasks: Any, results: Any, claims: Any) -> None:
    """The worker: parse each task's file unless the main process claimed it first."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    load_all()
    results.put((READY, None))
    parent = mp.parent_process()
    while True:
        try:
            task = tasks.get(timeout=WAIT)
        except queue.Empty:
            if parent is not None and not parent.is_alive():
                return  # the run was killed: nobody waits for this worker any more
            continue
        if task is None:
            break
        with claims.get_lock():
            if claims[task.index] != FREE:
                continue
            claims[task.index] = WORKER
        results.put((task.index, _parse(task)))
    results.put((STOPPED, (time.process_time(), peak_mb())))


def peak_mb() -> float:
    """This process's own peak memory. `ru_maxrss` will not do in a spawned worker: Linux
    carries the forking parent's peak across the exec that starts it (a 14 MB worker of an
    800 MB process reports 800 MB); the high-water mark of /proc starts afresh at the exec."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _parse(task: Task) -> Any:
    """(sha256, tables as IPC streams, findings, rows read, rows skipped, CPU seconds); None
    for a parse that failed (the main process parses it again, for its error)."""
    started = time.process_time()
    try:
        path = Path(task.path) if task.path else None
        data = task.data if task.data is not None else path.read_bytes()  # type: ignore[union-attr]
        file = InputFile(task.name, data, path)
        limits.check_file(file.name, file.data)
        # a parse in SQL on a scratch DuckDB of its own, on one thread (the main process
        # parses beside it)
        ctx = Context(file, task.options, known_accounts=task.accounts, threads=1)
        tables = parse_checked(REPORTS[task.report], file, ctx)
        streams = {t: _stream(a) for t, a in tables.items()}
    except Exception:  # noqa: BLE001 - parsed again by the main process, which reports it
        return None
    cpu = time.process_time() - started
    return file.sha256, streams, ctx.findings, ctx.rows_read, ctx.rows_skipped, cpu
