"""GA4 Data API runReport synced against the fake: paging, tokens, faults, findings, and
`connect` + `sync` equal to importing the same rows as the Traffic acquisition download."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.quality import coverage
from socialroi.measure.roi import roi
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.run import sync
from tests.sources import api_kit
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

PID = "123456789"
ROWS = 150  # 10 days x 5 sources x 3 countries


SRC = api_kit.SOURCES["ga4"]
ga4 = SRC.fixture("ga4")
opts, connected = SRC.opts, SRC.connected
SINCE, UNTIL = SRC.since, SRC.until


def _count(ws: Workspace, sql: str = "SELECT count(*) FROM traffic_daily") -> int:
    return ws.store.raw.execute(sql).fetchone()[0]


def test_pages_by_offset_to_the_last_page(ga4, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["ga4"], opts())
    assert res.status == "ok", res.error
    calls = ga4.fake.calls(r":runReport$")
    assert [json.loads(c.body)["offset"] for c in calls] == [0, 40, 80, 120]
    assert all(json.loads(c.body)["limit"] == 100_000 for c in calls)
    assert all(c.bearer == "ya29.good" for c in calls)
    got = ws.store.raw.execute(
        "SELECT count(*), sum(sessions), round(sum(revenue), 2), min(currency), "
        "count(DISTINCT market) FROM traffic_daily"
    ).fetchone()
    rows = ga4.rows[PID]
    assert got == (ROWS, sum(int(r["sessions"]) for r in rows),
                   round(sum(float(r["totalRevenue"]) for r in rows), 2), "USD", 3)  # fmt: skip
    assert res.new == ROWS
    # '(not set)' and '(organic)' campaigns are '' as in the downloaded report
    assert _count(ws, "SELECT count(*) FROM traffic_daily WHERE campaign = ''") == 90


def test_the_lag_window_is_re_read(ga4, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["ga4"], opts())
    # GA4 revises the last days; the next day's sync reads 3 days up to today again
    row = next(r for r in ga4.rows[PID] if r["date"] == "20260309")
    row["sessions"] = "999"
    fill_day = [dict(r, date="20260311") for r in ga4.rows[PID] if r["date"] == "20260310"]
    ga4.rows[PID] += fill_day
    today = dt.date(2026, 3, 11)
    [res] = sync(ws, ["ga4"], opts(since=None, until=today, today=today))
    assert res.window == "2026-03-08..2026-03-11"
    assert (res.new, res.changed, res.unchanged) == (15, 1, 44)
    assert _count(ws, "SELECT max(sessions) FROM traffic_daily") == 999
    assert conns.cursor(ws.store, "ga4", f"properties/{PID}", "traffic") == today


def test_an_expired_token_is_refreshed_and_persisted_first(ga4, tmp_path, config_dir):  # noqa: F811
    ws = connected(tmp_path, token="ya29.stale", expires_in=60, refresh_token="1//refresh",
                   client_id="app.apps.googleusercontent.com", client_secret="s3cret")  # fmt: skip
    [res] = sync(ws, ["ga4"], opts())
    assert res.status == "ok", res.error
    assert ga4.refreshed == ["1//refresh"]
    [tok] = ga4.fake.calls(r"^/token$")
    assert tok.form["client_id"] == "app.apps.googleusercontent.com"
    assert all(c.bearer == "ya29.renewed-1" for c in ga4.fake.calls(r":runReport$"))
    text = (config_dir / "credentials.json").read_text()
    assert "ya29.renewed-1" in text and "1//refresh" in text and "ya29.stale" not in text


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>proxy</html>", "not JSON"),
        ({"rows": {"a": 1}, "rowCount": 3}, "'rows' is not a list"),
        ({"rows": [{"dimensionValues": [{"value": "20260301"}]}], "rowCount": 150},
         "dimensionValues / metricValues"),
        ({"rows": [], "rowCount": "many"}, "rowCount"),
    ],
)  # fmt: skip
def test_a_malformed_page_stores_nothing(ga4, tmp_path, body, says):
    ws = connected(tmp_path)
    ga4.broken = (2, body)  # the second page: the first page's rows are not stored either
    [res] = sync(ws, ["ga4"], opts())
    assert res.status == "failed" and says in res.error, res.error
    assert "ga4/traffic" in res.error and "page 2" in res.error
    assert _count(ws) == 0
    assert conns.cursor(ws.store, "ga4", f"properties/{PID}", "traffic") is None


def test_a_metric_that_is_not_a_number_names_row_and_field(ga4, tmp_path):
    ws = connected(tmp_path)
    ga4.rows[PID][5]["sessions"] = "12 sessions"
    [res] = sync(ws, ["ga4"], opts())
    assert res.status == "failed"
    assert "record 6" in res.error and "sessions" in res.error and "12 sessions" in res.error
    assert _count(ws) == 0


def test_sampling_and_the_other_row_are_findings(ga4, tmp_path):
    ws = connected(tmp_path)
    ga4.meta[PID].update(
        samplingMetadatas=[{"samplesReadCount": "250000", "samplingSpaceSize": "1000000"}],
        dataLossFromOtherRow=True,
    )
    ga4.rows[PID][0].update(sessionSource="(other)", sessionMedium="(other)")
    [res] = sync(ws, ["ga4"], opts())
    assert res.status == "ok", res.error
    got = dict(
        ws.store.raw.execute(
            f"SELECT kind, message FROM dq_findings WHERE batch_id = {res.batch_id}"
        ).fetchall()
    )
    assert "25.0% of events" in got["sampled"]
    assert "(other) row" in got["other_row"]
    assert "1 row(s)" in got["other_rows"]


def test_the_property_id_is_checked(tmp_path, config_dir):  # noqa: F811
    ws = Workspace.open(tmp_path / "ws.duckdb")
    with pytest.raises(Exception, match="GA4 property"):
        connecting.connect_token(ws, "ga4", "ya29.good", ["UA-1234-1"])


# -- the same rows as a file -----------------------------------------------------------------


def report_csv(rows: list[dict]) -> str:
    """The rows as GA4's Traffic acquisition report downloads them (Share this report >
    Download file > CSV): a `#` banner with the period, then the report table with Session
    source / medium as the primary dimension and Date, Session campaign and Country added."""
    out = [
        "# ----------------------------------------",
        "# Traffic acquisition: Session source / medium",
        "# Account: Voltiq",
        "# Property: Voltiq Web",
        "# ----------------------------------------",
        "#",
        "# Start date: 20260301",
        "# End date: 20260310",
        "Session source / medium,Date,Session campaign,Country,Sessions,Engaged sessions,"
        "Key events,Total revenue",
    ]
    for r in rows:
        out.append(
            f"{r['sessionSource']} / {r['sessionMedium']},{r['date']},"
            f"{r['sessionCampaignName']},{r['country']},{r['sessions']},{r['engagedSessions']},"
            f"{r['keyEvents']},{r['totalRevenue']}"
        )
    return "\n".join(out) + "\n"


def _table(ws: Workspace) -> pd.DataFrame:
    df = ws.table("traffic_daily").execute().drop(columns=["batch_id"])
    return df.sort_values(["metric_date", "source", "medium", "market"]).reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(ga4, tmp_path):
    path = tmp_path / "Traffic_acquisition_Session_source_medium.csv"
    path.write_text(report_csv(ga4.rows[PID]))
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "EUR"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(path), "--currency", "USD"])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "ga4", "-w", a, "--token", "ya29.good", "--account", PID])
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", "ga4", "-w", a, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0, got.output
    assert "ga4/traffic 123456789 2026-03-01..2026-03-10: 150 new" in got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        pd.testing.assert_frame_equal(_table(wf), _table(wa))
        assert _table(wa)["revenue_base"].sum() > 0  # USD revenue converted to EUR
        cov = [coverage(w, "2026-03").reset_index(drop=True) for w in (wf, wa)]
        pd.testing.assert_frame_equal(*cov)
        assert (cov[1]["table"] == "traffic_daily").any()
        r = [roi(w, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
