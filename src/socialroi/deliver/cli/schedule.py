"""`socialroi sync --every 6h`: the loop in the caller's process, each run a plain `sync`.

Each run is the `sync --quiet` command itself, run in this process through the command
line's own entry point: while `socialroi serve` holds the workspace it is sent to the server
(which runs it under its write lock, next to the dashboard), otherwise it opens the workspace
here under the workspace's sync lock. Either way no run meets a lock error, and two syncs of
one workspace never overlap. SIGTERM or Ctrl+C stop the loop: while waiting, at once; during
a run, the stream under way is rolled back (each stream is one transaction) and the next
start reads it again.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading

import click

from socialroi.deliver.cli.common import err
from socialroi.errors import SocialroiError
from socialroi.sync import schedule


class _Stopped(Exception):
    """SIGTERM or Ctrl+C during a run."""


def keep(workspace: str, every_text: str, args: list[str]) -> None:
    """Sync `workspace` every `every_text` until stopped (SIGTERM, Ctrl+C)."""
    from socialroi.deliver.cli.main import main  # deferred: main lists the module using this

    every = schedule.parse_every(every_text)
    kept = schedule.planned(workspace)
    if kept is not None:
        raise SocialroiError(
            f"{workspace} is kept current already (pid {kept['pid']}: `sync --every` or "
            "`serve --sync-every`); stop that one first"
        )
    stop = threading.Event()
    running = {"now": False}

    def on_signal(signum, frame) -> None:
        stop.set()
        if running["now"]:
            raise KeyboardInterrupt

    def once() -> int:
        running["now"] = True
        try:
            got = main.main(["sync", "--quiet", "-w", workspace, *args], standalone_mode=False)
            return int(got or 0)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except (KeyboardInterrupt, click.exceptions.Abort):
            if stop.is_set():
                raise _Stopped from None
            raise
        finally:
            running["now"] = False

    last: dict = {}

    def run() -> int:
        started = dt.datetime.now(dt.UTC)
        code = once()
        last.update(last_run_at=started.isoformat(), last_exit=code)
        return code

    def on_next(at: dt.datetime) -> None:
        schedule.announce(workspace, every, at, **last)
        err.print(f"next sync at {at:%Y-%m-%d %H:%M} UTC", markup=False)

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    schedule.announce(workspace, every, dt.datetime.now(dt.UTC))
    err.print(f"syncing {workspace} every {every_text} (SIGTERM or Ctrl+C stops)", markup=False)
    try:
        schedule.run_every(every, run, wait=stop.wait, on_next=on_next)
        err.print("stopped", markup=False)
    except _Stopped:
        err.print(
            "stopped during a run: the stream under way was not stored; the next sync reads "
            "it again",
            markup=False,
        )
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        schedule.forget(workspace)
