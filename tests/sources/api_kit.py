"""What the connector tests of every source share: sync options that never sleep, a workspace
connected with a token, each source's set-up (`Source`: its fake served and filled, its
account, token and days; `SOURCES`), and the end-to-end check (files imported vs. the API
synced). The tests every connector answers alike live in `tests/sources/test_api_common.py`,
parametrised over `SOURCES`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.errors import SocialroiError
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.http import Limits
from socialroi.sync.run import SyncOptions
from tests.fakes import ga4, hubspot, salesforce, shopify, youtube
from tests.fakes.server import FakeApi


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


def import_and_sync(tmp_path, source: str, files: list, *, import_args: list[str] = (),
                    connect_args: list[str], sync_args: list[str],
                    base_currency: str = "USD") -> tuple[str, str]:  # fmt: skip
    """The end-to-end check of a connector, from the command line: `files` imported into one
    new workspace, `source` connected and synced into another. Returns (files', API's) paths."""
    return _import_and_sync(tmp_path, source, files, import_args, connect_args, sync_args,
                            base_currency)[:2]  # fmt: skip


def _import_and_sync(tmp_path, source, files, import_args, connect_args, sync_args,
                     base_currency) -> tuple[str, str, str]:  # fmt: skip
    """`import_and_sync`, also returning the sync's output."""
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        got = run(main, ["init", "-w", w, "--base-currency", base_currency])
        assert got.exit_code == 0, got.output
    for args in (["import", "-w", f, *import_args, *map(str, files)],
                 ["connect", source, "-w", a, *connect_args],
                 ["sync", source, "-w", a, *sync_args]):  # fmt: skip
        got = run(main, args)
        assert got.exit_code == 0, got.output
    return f, a, got.output


def stored(ws: Workspace, table: str, keys: int = 3) -> Any:
    """A table's rows without their batch ids, in the order of its first `keys` columns (two
    workspaces holding the same rows compare equal)."""
    df = ws.table(table).execute().drop(columns=["batch_id"], errors="ignore")
    return df.sort_values(list(df.columns[:keys])).reset_index(drop=True)


@contextmanager
def serving(monkeypatch: Any, source: str, make: Callable[[FakeApi], Any],
            fill: Callable[[Any], None]) -> Iterator[Any]:  # fmt: skip
    """A source's fake on a loopback port, the connector pointed at it, filled with data."""
    with FakeApi() as fake:
        fake.env(monkeypatch, source)
        got = make(fake)
        fill(got)
        yield got


def failed_clean(ws: Workspace, res: Any, says: str, account: str, table: str) -> None:
    """A stream that failed: the error names the stream and the problem, and nothing of it
    was stored (no row, no cursor)."""
    assert res.status == "failed" and says in res.error, res.error
    assert f"{res.source}/{res.stream}" in res.error
    assert ws.store.raw.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,)
    assert conns.cursor(ws.store, res.source, account, res.stream) is None


def refuses_account(tmp_path: Any, source: str, value: str, says: str) -> None:
    """`connect` refuses an --account of the wrong form, saying what it expected."""
    ws = Workspace.open(tmp_path / "ws.duckdb")
    try:
        connecting.connect_token(ws, source, "a-token", [value])
    except SocialroiError as exc:
        assert says in str(exc), exc
    else:
        raise AssertionError(f"{source} took the account {value!r}")
    finally:
        ws.close()


def files_then_sync(tmp_path, files: list, source: str, token: str, accounts: list[str],
                    since: str, until: str, *, base_currency: str = "USD",
                    import_args: tuple[str, ...] = ()) -> tuple[str, str, str]:  # fmt: skip
    """Two workspaces through the command line: `files.duckdb` imports `files`, `api.duckdb`
    connects `source` with `token` and syncs `since..until`. Returns both paths and the
    sync's output (each step must succeed)."""
    acc = [x for a_ in accounts for x in ("--account", a_)]
    return _import_and_sync(tmp_path, source, files, import_args, ["--token", token, *acc],
                            ["--since", since, "--until", until], base_currency)  # fmt: skip


def same_roi(wf: Workspace, wa: Workspace, period: str) -> None:
    """The ROI table by platform (with totals) is the same in both workspaces."""
    import pandas as pd

    from socialroi.measure.roi import roi

    r = [roi(w, period, by=("platform",)).with_totals().reset_index(drop=True) for w in (wf, wa)]
    pd.testing.assert_frame_equal(*r)


@dataclass(frozen=True)
class Source:
    """One connector's test set-up: its fake (`make`, then `fill`) on a loopback port, the
    account and token a test connects with, and the days it syncs."""

    name: str
    account: str
    token: str
    since: dt.date
    until: dt.date
    make: Callable[[FakeApi], Any]
    fill: Callable[[Any], None]

    def opts(self, **kw: Any) -> SyncOptions:
        return sync_options(self.since, self.until, **kw)

    def connected(self, tmp_path, token: str | None = None, *, account: str | None = None,
                  **kw: Any) -> Workspace:  # fmt: skip
        return connected(tmp_path, self.name, token or self.token, [account or self.account],
                         **kw)  # fmt: skip

    @contextmanager
    def serving(self, monkeypatch: Any) -> Iterator[Any]:
        with serving(monkeypatch, self.name, self.make, self.fill) as got:
            yield got

    def fixture(self, name: str) -> Any:
        """The fake as a pytest fixture called `name` (the test module imports `config_dir`)."""

        def fake(monkeypatch, config_dir):
            with self.serving(monkeypatch) as got:
                yield got

        return pytest.fixture(name=name)(fake)


MARCH1, MARCH10, MARCH31 = dt.date(2026, 3, 1), dt.date(2026, 3, 10), dt.date(2026, 3, 31)
SOURCES = {
    s.name: s
    for s in (
        Source("ga4", "properties/123456789", "ya29.good", MARCH1, MARCH10,
               lambda f: ga4.FakeGa4(f, page_size=40), ga4.fill),
        Source("hubspot", "2468135", "pat-na1-good", MARCH1, MARCH31, hubspot.FakeHubspot,
               hubspot.fill),
        Source("salesforce", "voltiq.my.salesforce.com", "00D!good", MARCH1, MARCH31,
               lambda f: salesforce.FakeSalesforce(f, page_size=8), salesforce.fill),
        Source("shopify", "voltiq", "shpat_good", MARCH1, MARCH31,
               lambda f: shopify.FakeShopify(f, page_size=15), shopify.fill),
        Source("youtube", youtube.HANDLE, "ya29.good", MARCH1, MARCH10,
               lambda f: youtube.FakeYouTube(f, page_size=2), youtube.fill),
    )
}  # fmt: skip
