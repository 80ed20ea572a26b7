"""Small files land together: several batches commit in one transaction.

A commit costs a few milliseconds (the write-ahead log written and flushed to disk), about as
much as landing a small file's rows: 59 one-metric Business Suite exports paid it 59 times. An
import run therefore lands its small files in groups. Each file is still read, checked and
written on its own, under its own batch id with its own findings; only the commit is shared,
by up to `GROUP_FILES` files in a row. While a group is open, each file's checks read through
the group's transaction (`DuckDBStore.group`), so they see the files before it exactly as
they would have after those committed.

What a group keeps of the guarantees:
- a file that fails inside a group loses nothing and leaves nothing: the group is rolled back
  and its files are imported again one transaction each, the ungrouped way, so the failing
  file fails alone, with its own error naming it, and the files before it land;
- a commit that fails is handled the same way;
- a crash (or Ctrl-C) inside a group loses the group's uncommitted files, none of which was
  reported as imported yet; the next run imports them (an import is idempotent);
- a file is reported imported only once its batch is committed.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

import duckdb

from socialroi.land.importer import ImportResult, interrupted
from socialroi.land.state import RunState
from socialroi.sources.base import InputFile, Report
from socialroi.store.duckdb import DuckDBStore, Group

GROUP_FILES = 24  # files that share one commit at most
GROUP_BYTES = 1 << 20  # a larger file lands alone: its commit is a small part of its cost

# (file, report, the group's transaction or None) -> the file's result; raises if it fails
Attempt = Callable[[InputFile, Report, duckdb.DuckDBPyConnection | None], ImportResult]


@contextlib.contextmanager
def timed() -> Iterator[Callable[[], tuple[float, float]]]:
    """`with timed() as took: ...`, then `took()`: the (wall, CPU) seconds the block took."""
    t, c = time.perf_counter(), time.process_time()
    end: list[float] = []
    yield lambda: (end[0] - t, end[1] - c)
    end += [time.perf_counter(), time.process_time()]


def small(file: InputFile) -> bool:
    """Whether a file may share a group (its size on disk, or of its bytes in a zip)."""
    if file.data:
        return len(file.data) <= GROUP_BYTES
    try:
        return file.path is not None and file.path.stat().st_size <= GROUP_BYTES
    except OSError:  # gone since the plan: the ungrouped path says so
        return False


class Grouper:
    """Lands files in groups: `add` each small file, `flush` before a large one and at the
    end. `attempt` imports one file (raising if it fails); `alone` imports one file in its
    own transaction and turns a failure into a result, as an ungrouped run does; `emit`
    receives every result once it is final."""

    def __init__(
        self,
        store: DuckDBStore,
        state: RunState,
        attempt: Attempt,
        alone: Callable[[InputFile, Report], ImportResult],
        emit: Callable[[ImportResult], None],
    ) -> None:
        self.store, self.state = store, state
        self.attempt, self.alone, self.emit = attempt, alone, emit
        self._group: Group | None = None
        self._files: list[tuple[InputFile, Report]] = []
        self._results: list[ImportResult] = []
        self._saved: object = None

    def add(self, file: InputFile, report: Report) -> None:
        if self._group is None:
            self._saved = self.state.snapshot()
            self._group = self.store.group()
        self._files.append((file, report))
        try:
            self._results.append(self.attempt(file, report, self._group.tx))
        except Exception as exc:  # noqa: BLE001 - each file of the group is imported again alone
            if interrupted(exc):
                self.abandon()
                raise KeyboardInterrupt from exc
            self._one_by_one()
            return
        except BaseException:
            self.abandon()
            raise
        if len(self._files) >= GROUP_FILES:
            self.flush()

    def flush(self) -> None:
        """Commit the open group and report its files."""
        if self._group is None:
            return
        try:
            with timed() as took:
                self._group.commit()
        except Exception as exc:  # noqa: BLE001 - the files are imported again one by one
            self._group = None
            if interrupted(exc):
                self.abandon()
                raise KeyboardInterrupt from exc
            self._one_by_one()
            return
        except BaseException:
            self.abandon()
            raise
        results, self._files, self._results, self._group = self._results, [], [], None
        seconds, cpu = took()
        for res in results:  # the commit's time, shared out
            res.seconds += seconds / len(results)
            res.cpu += cpu / len(results)
            self.emit(res)

    def abandon(self) -> None:
        """Roll the group back: none of its files is stored, none was reported."""
        if self._group is not None:
            self._group.rollback()
        self.state.restore(self._saved)
        self._group, self._files, self._results = None, [], []

    def _one_by_one(self) -> None:
        files = self._files
        self.abandon()
        for file, report in files:
            self.emit(self.alone(file, report))
