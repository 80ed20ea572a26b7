"""Meta ad insights synced against the fake Graph API: the framework's first stream."""

from __future__ import annotations

import datetime as dt
import os
import stat
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.http import Limits
from socialroi.sync.run import SyncOptions, sync

ACT = "act_1234567890"
SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 10)


def opts(**kw) -> SyncOptions:
    base = {"since": SINCE, "until": UNTIL, "today": UNTIL, "sleep": lambda s: None,
            "limits": Limits(max_attempts=4, backoff=0.01)}  # fmt: skip
    return SyncOptions(**{**base, **kw})


def connected(tmp_path, token: str = "good-token") -> Workspace:
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="EUR")
    connecting.connect_token(ws, "meta", token, [ACT])
    return ws


def test_pages_to_the_last_page_and_lands_one_batch(fake_meta, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "ok", res.error
    assert res.records == 120 and res.pages == 5  # 120 records, 25 a page
    assert res.new == 120 and res.changed == 0 and res.unchanged == 0
    got = ws.store.raw.execute(
        "SELECT count(*), round(sum(spend), 2), min(account_id), max(account_id), "
        "count(DISTINCT batch_id) FROM ad_metrics"
    ).fetchone()
    want = sum(float(r["spend"]) for r in fake_meta.insights["1234567890"])
    assert got == (120, round(want, 2), "facebook:act_1234567890", "instagram:act_1234567890", 1)
    tz = ws.store.raw.execute("SELECT DISTINCT timezone, currency FROM accounts").fetchall()
    assert tz == [("Europe/Berlin", "EUR")]
    # the token travels as a bearer header, never in the query
    calls = fake_meta.fake.calls(r"/insights$")
    assert all(c.bearer == "good-token" and "access_token" not in c.query for c in calls)
    assert [c.query.get("after") for c in calls] == [None, "25", "50", "75", "100"]


def test_a_second_sync_changes_nothing(fake_meta, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["meta"], opts())
    batches = ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0]
    [res] = sync(ws, ["meta"], opts())
    assert (res.status, res.new, res.changed, res.unchanged) == ("unchanged", 0, 0, 120)
    assert ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0] == batches


def test_the_lag_window_is_re_read_and_revisions_land(fake_meta, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["meta"], opts())
    # Meta revises the last day's conversions; the next day's sync re-reads the lag window
    rec = next(r for r in fake_meta.insights["1234567890"] if r["date_start"] == "2026-03-10")
    rec["spend"] = "999.00"
    [res] = sync(
        ws, ["meta"], opts(since=None, until=dt.date(2026, 3, 11), today=dt.date(2026, 3, 11))
    )
    assert res.window.startswith("2026-02-11")  # 28 days of lag before the cursor (03-10)
    assert (res.new, res.changed, res.unchanged) == (0, 1, 119)
    assert ws.store.raw.execute("SELECT max(spend) FROM ad_metrics").fetchone()[0] == 999.0
    cur = conns.cursor(ws.store, "meta", ACT, "ad_insights")
    assert cur == dt.date(2026, 3, 11)


def test_429_with_retry_after_and_5xx_are_retried(fake_meta, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    fake_meta.fake.fault(r"/insights$", status=429, headers={"Retry-After": "7"},
                         body={"error": {"message": "User request limit reached", "code": 17}})  # fmt: skip
    fake_meta.fake.fault(r"/insights$", status=503, times=2, body=b"upstream down")
    [res] = sync(ws, ["meta"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    assert waits[0] == 7.0 and len(waits) == 3
    assert res.records == 120


def test_usage_header_pauses_before_the_next_call(fake_meta, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    usage = '{"1234567890": [{"type": "ads_insights", "call_count": 98, "total_cputime": 20, "total_time": 30, "estimated_time_to_regain_access": 2}]}'  # noqa: E501
    fake_meta.fake.fault(r"/insights$", status=200, headers={"X-Business-Use-Case-Usage": usage},
                         body={"data": [], "paging": {"cursors": {}}})  # fmt: skip
    [res] = sync(ws, ["meta"], opts(sleep=waits.append))
    assert 120.0 in waits  # two minutes to regain access


def test_retries_are_bounded(fake_meta, tmp_path):
    ws = connected(tmp_path)
    fake_meta.fake.fault(r"/insights$", status=500, times=10)
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "failed"
    assert "still failed after 4 tries" in res.error and "meta/ad_insights" in res.error
    assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>proxy error</html>", "not JSON"),
        ({"data": {"not": "a list"}}, "not a list of records"),
        ({"rows": []}, "has no 'data' list"),
    ],
)
def test_a_malformed_page_stores_nothing_of_the_stream(fake_meta, tmp_path, body, says):
    ws = connected(tmp_path)
    fake_meta.fake.fault(r"/insights$", status=200, body=body)
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "failed" and says in res.error
    assert "page 1" in res.error and ACT in res.error and "Nothing of this stream" in res.error
    assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0] == 0
    assert conns.cursor(ws.store, "meta", ACT, "ad_insights") is None


def test_a_wrong_record_names_stream_and_record(fake_meta, tmp_path):
    ws = connected(tmp_path)
    fake_meta.insights["1234567890"][3]["spend"] = "12,5 EUR"
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "failed"
    assert "record 4" in res.error and "spend" in res.error and "12,5 EUR" in res.error
    assert ws.store.raw.execute("SELECT count(*) FROM ad_metrics").fetchone()[0] == 0


def test_an_expired_token_names_the_connection_and_the_fix(fake_meta, tmp_path):
    ws = connected(tmp_path, token="revoked-token")
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "failed"
    assert "socialroi connect meta" in res.error and "revoked-token" not in res.error
    assert conns.get_connection(ws.store, "meta").health == "expired"


def test_a_token_near_expiry_is_exchanged_and_persisted_first(fake_meta, tmp_path, config_dir):
    ws = Workspace.open(tmp_path / "ws.duckdb", base_currency="EUR")
    connecting.connect_token(ws, "meta", "good-token", [ACT], expires_in=3600,
                             client_id="app-1", client_secret="s3cret")  # fmt: skip
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "ok", res.error
    assert fake_meta.exchanged == ["good-token"]
    assert all(c.bearer == "renewed-1" for c in fake_meta.fake.calls(r"/insights$"))
    text = (config_dir / "credentials.json").read_text()
    assert "renewed-1" in text and "good-token" not in text
    assert stat.S_IMODE(os.stat(config_dir / "credentials.json").st_mode) == 0o600


def test_the_workspace_never_holds_a_token(fake_meta, tmp_path):
    ws = connected(tmp_path, token="good-token")
    sync(ws, ["meta"], opts())
    ws.close()
    assert b"good-token" not in (tmp_path / "ws.duckdb").read_bytes()


def test_a_long_window_runs_as_an_async_report_job(fake_meta, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["meta"], opts(since=dt.date(2026, 1, 1)))
    assert res.status == "ok", res.error
    assert res.records == 120
    assert len(fake_meta.fake.calls(r"/insights$", "POST")) == 1
    assert fake_meta.fake.calls(r"/v25.0/9\d+$")  # the run's status was polled


def test_cli_connect_sync_connections_disconnect(fake_meta, tmp_path, config_dir):
    w = str(tmp_path / "cli.duckdb")
    run = CliRunner().invoke
    got = run(main, ["connect", "meta", "-w", w, "--token", "good-token", "--account", ACT])
    assert got.exit_code == 0, got.output
    assert "good-token" not in got.output
    got = run(main, ["sync", "-w", w, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0, got.output
    assert "meta/ad_insights act_1234567890 2026-03-01..2026-03-10: 120 new" in got.output
    got = run(main, ["sync", "-w", w, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert "0 new, 0 changed, 120 unchanged" in got.output
    got = run(main, ["connections", "-w", w, "--format", "csv"])
    assert "meta,act_1234567890,ad_insights,2026-03-10" in got.output and ",ok" in got.output
    got = run(main, ["batches", "-w", w]) if "batches" in main.commands else None
    got = run(main, ["disconnect", "meta", "-w", w])
    assert got.exit_code == 0
    assert "good-token" not in (config_dir / "credentials.json").read_text()


def test_a_backfill_longer_than_a_job_runs_in_chunks_as_one_batch(fake_meta, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["meta"], opts(since=dt.date(2025, 10, 1)))  # 161 days: two 90-day jobs
    assert res.status == "ok", res.error
    runs = fake_meta.fake.calls(r"/insights$", "POST")
    assert [r.form["time_range"] for r in runs] == [
        '{"since": "2025-10-01", "until": "2025-12-29"}',
        '{"since": "2025-12-30", "until": "2026-03-10"}',
    ]
    assert res.records == 120 and res.batch_id is not None
    assert (
        ws.store.raw.execute("SELECT count(DISTINCT batch_id) FROM ad_metrics").fetchone()[0] == 1
    )


def test_the_base_url_variable_is_checked(monkeypatch):
    from socialroi.errors import SocialroiError
    from socialroi.sources.api import get_connector

    monkeypatch.setenv("SOCIALROI_META_API_BASE", "ftp://evil/x?y")
    with pytest.raises(SocialroiError, match="is not a base URL"):
        get_connector("meta").base()
    monkeypatch.setenv("SOCIALROI_META_API_BASE", "http://127.0.0.1:9/")
    assert get_connector("meta").base() == "http://127.0.0.1:9"


TAIL = urlencode({"after": 500, "time_range": '{"since": "2026-03-01", "until": "2026-03-10"}'})


def test_absolute_next_urls_stay_on_the_api_host(fake_meta, tmp_path):
    """A page whose paging.next names another host must not receive the token."""
    ws = connected(tmp_path)
    fake_meta.fake.fault(
        r"/insights$",
        status=200,
        body={
            "data": [],
            "paging": {"next": f"https://attacker.example/v25.0/act_1234567890/insights?{TAIL}"},
        },
    )
    [res] = sync(ws, ["meta"], opts())
    assert res.status == "unchanged", res.error  # the empty page, then the (empty) next one
    assert fake_meta.fake.calls(r"/insights$")[-1].query["after"] == "500"
    assert all(
        r.path.startswith("/v25.0/") for r in fake_meta.fake.requests
    )  # rewritten to the base


def test_full_reads_what_meta_keeps_and_since_never_asks_for_more(fake_meta, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["meta"], opts(since=None, full=True))
    assert res.window == "2023-02-25..2026-03-10"  # 37 months (1,110 days) up to today
    assert res.status == "ok" and res.records == 120
    [res] = sync(ws, ["meta"], opts(since=dt.date(2020, 1, 1)))
    assert res.window.startswith("2023-02-25")
