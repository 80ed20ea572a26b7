"""What the connector tests of every source share: sync options that never sleep, and a
workspace connected with a token."""

from __future__ import annotations

import datetime as dt
from typing import Any

from socialroi import Workspace
from socialroi.sync import connect as connecting
from socialroi.sync.http import Limits
from socialroi.sync.run import SyncOptions


def sync_options(first: dt.date, last: dt.date, **kw: Any) -> SyncOptions:
    """`first..last` with `today=last` (each overridable), no real waits and quick, bounded
    retries."""
    base = {"since": first, "until": last, "today": last, "sleep": lambda s: None,
            "limits": Limits(max_attempts=4, backoff=0.01)}  # fmt: skip
    return SyncOptions(**{**base, **kw})


def connected(tmp_path, source: str, token: str, accounts: list[str], *,
              base_currency: str = "USD", **kw: Any) -> Workspace:  # fmt: skip
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency=base_currency)
    connecting.connect_token(ws, source, token, accounts, **kw)
    return ws
