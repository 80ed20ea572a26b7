"""A connection that cannot sync (no grant, an expired one, a token endpoint down) or a stream
that fails never keeps the other connections and streams from syncing."""

from __future__ import annotations

from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.credentials import Credentials
from socialroi.sync.run import sync
from tests.sync.test_meta_ads_sync import connected, opts


def test_a_connection_without_a_grant_does_not_stop_the_next(fake_meta, tmp_path):
    ws = connected(tmp_path)
    hub = connecting.connect_token(ws, "hubspot", "hub-token", ["123456"])
    Credentials().delete(hub.credential_ref)  # its tokens are gone (another machine, say)
    seen = []
    results = sync(ws, None, opts(), on_stream=seen.append)  # hubspot runs first (by name)
    assert [(r.source, r.status) for r in results] == [("hubspot", "failed"), ("meta", "ok")]
    assert seen == results
    assert "socialroi connect hubspot" in results[0].error
    assert results[1].new == 120
    assert conns.get_connection(ws.store, "hubspot").health == "expired"
    assert conns.get_connection(ws.store, "meta").health == "ok"


def test_a_stream_that_breaks_does_not_stop_the_others(fake_meta, tmp_path, monkeypatch):
    """Even an unexpected error (a bug) fails only its own stream, and says so without a
    traceback or a token."""
    from socialroi.sync import run

    ws = connected(tmp_path)
    connecting.connect_token(ws, "meta", "good-token", ["act_1234567890", "act_999"])
    fake_meta.add_account("999", "Voltiq US", "USD", "America/New_York")
    real = run.read_window

    def broken(fetcher, stream, native, chunk):
        if "1234567890" in str(native):
            raise RuntimeError("boom")
        return real(fetcher, stream, native, chunk)

    monkeypatch.setattr(run, "read_window", broken)
    results = [r for r in sync(ws, ["meta"], opts()) if r.stream == "ad_insights"]
    assert [(r.account, r.status) for r in results] == [
        ("act_1234567890", "failed"),
        ("act_999", "unchanged"),
    ]
    assert "unexpected RuntimeError" in results[0].error and "good-token" not in results[0].error
