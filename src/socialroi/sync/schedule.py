"""A workspace kept current on its own: `socialroi sync --every 6h`, one sync at a time.

- **The loop** (`run_every`) syncs at once, then every `every` seconds from the first start
  (no drift: a slot is `start + n * every`), each slot delayed by a random jitter of up to a
  tenth of the interval (at most 15 minutes), so many workspaces or hosts on one schedule do
  not all call a platform in the same second. A run that outlasts its interval is never
  overlapped: the next starts at the first slot after it ends. Time, waiting and chance are
  injected (`now`, `wait`, `rand`), so tests run a week of schedule without waiting.
- **One sync per workspace** (`exclusive`): every sync that opens the workspace itself holds
  an advisory lock on `<workspace>.sync.lock` (fcntl, released by the kernel when the process
  dies); a second one waits for it instead of failing on DuckDB's file lock. Inside
  `socialroi serve` the server's write lock serialises syncs instead.
- **The schedule file** `<workspace>.schedule.json` says who keeps the schedule (pid), its
  interval, the last run and the next: `socialroi connections` and the dashboard read it to
  show the next sync.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import json
import os
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from socialroi.errors import SocialroiError
from socialroi.store.location import anchor

MIN_EVERY = 5 * 60  # seconds: platforms revise days, not minutes, and share rate limits
MAX_JITTER = 15 * 60
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_PART = re.compile(r"(\d+)\s*([smhd])")


def parse_every(text: str) -> float:
    """'6h', '30m', '1d', '1h30m' -> seconds; at least five minutes."""
    t = str(text).strip().lower().replace(" ", "")
    parts = _PART.findall(t)
    if not t or not parts or "".join(n + u for n, u in parts) != t:
        raise SocialroiError(
            f"--every {text!r} is not an interval; write it like 6h, 30m, 1d or 1h30m"
        )
    seconds = float(sum(int(n) * _UNITS[u] for n, u in parts))
    if seconds < MIN_EVERY:
        raise SocialroiError(f"--every {text} is shorter than the shortest interval, 5m")
    return seconds


def jitter_of(every: float) -> float:
    """The largest random delay added to a slot."""
    return min(every / 10, MAX_JITTER)


@dataclass
class Run:
    """One run of the schedule: when it started, how long it took, and its exit code."""

    started: dt.datetime
    seconds: float
    code: int


def run_every(
    every: float,
    run: Callable[[], int],
    *,
    now: Callable[[], float] = time.time,
    wait: Callable[[float], bool],
    rand: Callable[[], float] = random.random,
    on_next: Callable[[dt.datetime], None] | None = None,
    runs: int | None = None,
) -> list[Run]:
    """Run `run` now and at every slot until `wait(seconds)` answers True (stop asked) or
    `runs` runs are done. `wait` sleeps at most that long; True ends the loop at once."""
    done: list[Run] = []
    start = now()
    slot = 0
    while True:
        began = now()
        code = run()
        done.append(Run(_utc(began), now() - began, code))
        if runs is not None and len(done) >= runs:
            return done
        ended = now()
        slot = max(slot + 1, int((ended - start) // every) + 1)  # never overlap a late run
        at = start + slot * every + rand() * jitter_of(every)
        if on_next:
            on_next(_utc(at))
        if wait(max(0.0, at - now())):
            return done


def _utc(t: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(t, dt.UTC)


# -- one sync per workspace ------------------------------------------------------------------
def lock_file(workspace: str | Path) -> Path:
    return Path(str(anchor(workspace)) + ".sync.lock")


@contextlib.contextmanager
def exclusive(
    workspace: str | Path,
    *,
    on_wait: Callable[[str], None] | None = None,
    poll: float = 0.5,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[None]:
    """Hold the workspace's sync lock; when another process holds it, say so once (`on_wait`
    gets its pid) and wait for it."""
    path = lock_file(workspace)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not told and on_wait:
                    on_wait(_holder(fd))
                    told = True
                sleep(poll)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _holder(fd: int) -> str:
    with contextlib.suppress(OSError, ValueError):
        return os.pread(fd, 32, 0).decode().strip() or "?"
    return "?"


# -- the schedule file -----------------------------------------------------------------------
def schedule_file(workspace: str | Path) -> Path:
    return Path(str(anchor(workspace)) + ".schedule.json")


def announce(workspace: str | Path, every: float, next_at: dt.datetime | None, **last) -> None:
    """Write who keeps the schedule and when it runs next (atomically: write, rename)."""
    path = schedule_file(workspace)
    body = {"pid": os.getpid(), "every_seconds": every,
            "next_at": next_at.isoformat() if next_at else None, **last}  # fmt: skip
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(body, default=str))
    tmp.replace(path)


def forget(workspace: str | Path) -> None:
    """The loop ends: the schedule file goes (only if it is this process's)."""
    path = schedule_file(workspace)
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()


def planned(workspace: str | Path) -> dict | None:
    """The schedule kept for this workspace (its `next_at` a datetime), or None when no live
    process keeps one."""
    try:
        got = json.loads(schedule_file(workspace).read_text())
        pid = int(got.get("pid", 0))
    except (OSError, ValueError, TypeError, AttributeError):
        return None
    if pid <= 0 or not alive(pid):
        return None
    nxt = got.get("next_at")
    with contextlib.suppress(TypeError, ValueError):
        got["next_at"] = dt.datetime.fromisoformat(nxt) if nxt else None
        return got
    return None


def alive(pid: int) -> bool:
    """Whether a process with this id runs (one of another user counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
