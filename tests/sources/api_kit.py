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


def files_and_api(tmp_path, source: str, files: list[str], connect: list[str], window: list[str],
                  *, base_currency: str = "USD", import_args: tuple[str, ...] = ()) -> tuple[str, str, str]:  # fmt: skip
    """Two workspaces made through the CLI: `files` imported into one, `source` connected
    (`connect`: its --token / --account arguments) and synced over `window` (--since, --until
    values) in the other. Returns (files workspace, API workspace, the sync's output)."""
    from click.testing import CliRunner

    from socialroi.deliver.cli.main import main

    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", base_currency]).exit_code == 0
    got = run(main, ["import", "-w", f, *import_args, *files])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", source, "-w", a, *connect])
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", source, "-w", a, "--since", window[0], "--until", window[1]])
    assert got.exit_code == 0, got.output
    return f, a, got.output


def same_roi(wf: Workspace, wa: Workspace, period: str) -> None:
    """The ROI table by platform (with totals) is the same in both workspaces."""
    import pandas as pd

    from socialroi.measure.roi import roi

    r = [roi(w, period, by=("platform",)).with_totals().reset_index(drop=True) for w in (wf, wa)]
    pd.testing.assert_frame_equal(*r)
