"""Google Ads searchStream synced against the fake: headers, batches, tokens, faults, the lag
window, and `connect` + `sync` equal to importing the same rows as the report downloads."""

from __future__ import annotations

import datetime as dt
import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from socialroi.store import connections as conns
from socialroi.sync.run import sync
from tests.fakes.google_ads import FakeGoogleAds, failure, fill
from tests.fakes.oauth import FakeOAuth
from tests.sources import api_kit
from tests.sources.api_kit import sync_options
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

CID = "1234567890"
ACCOUNT = "123-456-7890"
SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 10)
ROWS = 50  # 10 days x (4 ads + 1 Performance Max campaign)
STREAM = r":searchStream$"


@pytest.fixture
def gads(monkeypatch, config_dir):  # noqa: F811
    monkeypatch.setenv("SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN", "dev-token-1")
    make = lambda fake: FakeGoogleAds(fake, batch_size=7)  # noqa: E731
    with api_kit.serving(monkeypatch, "google_ads", make, fill) as g:
        yield g


def opts(**kw):
    return sync_options(SINCE, UNTIL, **kw)


def connected(tmp_path, token: str = "ya29.good", account: str = ACCOUNT, **kw) -> Workspace:
    return api_kit.connected(tmp_path, "google_ads", token, [account], **kw)


def _q(ws: Workspace, sql: str):
    return ws.store.raw.execute(sql).fetchone()


def _queries(g: FakeGoogleAds) -> list[str]:
    return [json.loads(c.body)["query"].split(" FROM ")[1].split()[0]
            for c in g.fake.calls(STREAM)]  # fmt: skip


def test_streams_every_batch_with_the_developer_token(gads, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "ok", res.error
    assert _queries(gads) == ["customer", "ad_group_ad", "campaign"]
    calls = gads.fake.calls(STREAM)
    assert all(c.bearer == "ya29.good" and c.headers["developer-token"] == "dev-token-1"
               for c in calls)  # fmt: skip
    assert "login-customer-id" not in calls[0].headers
    assert (
        "segments.date BETWEEN '2026-03-01' AND '2026-03-10'" in json.loads(calls[1].body)["query"]
    )
    # 40 ad rows in 6 batches of 7, then 40 campaign-day rows; Performance Max kept once a day
    assert res.pages == 1 + 6 + 6
    got = _q(ws, "SELECT count(*), round(sum(spend), 2), sum(impressions), sum(video_views), "
                 "count(DISTINCT platform), min(currency) FROM ad_metrics")  # fmt: skip
    ads = gads.ads[CID] + gads.extra[CID]
    assert got == (ROWS, round(sum(a["cost"] for a in ads) / 1e6, 2),
                   sum(a["impr"] for a in ads), sum(a["views"] for a in ads), 2, "USD")  # fmt: skip
    assert _q(ws, "SELECT count(*) FROM ad_metrics WHERE platform = 'youtube'") == (10,)
    assert _q(ws, "SELECT count(*) FROM ad_metrics WHERE campaign_id = 'search:campaign:114' "
                  "AND ad_id IS NULL") == (10,)  # fmt: skip
    acc = ws.store.raw.execute(
        "SELECT account_id, currency, timezone, name FROM accounts ORDER BY 1"
    ).fetchall()
    assert acc == [("search:123-456-7890", "USD", "America/New_York", "Voltiq US"),
                   ("youtube:123-456-7890", "USD", "America/New_York", "Voltiq US")]  # fmt: skip


def test_a_manager_account_sends_login_customer_id(gads, tmp_path):
    gads.customers[CID]["manager"] = "9876543210"
    ws = connected(tmp_path, account=f"{ACCOUNT}@987-654-3210")
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "ok", res.error
    assert {c.headers.get("login-customer-id") for c in gads.fake.calls(STREAM)} == {"9876543210"}


def test_without_the_manager_the_refusal_is_named(gads, tmp_path):
    gads.customers[CID]["manager"] = "9876543210"
    ws = connected(tmp_path)
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "failed"
    assert "HTTP 403" in res.error and "login-customer-id" in res.error, res.error
    assert _q(ws, "SELECT count(*) FROM ad_metrics") == (0,)


def test_a_connection_without_a_developer_token_says_which_variable(gads, tmp_path, monkeypatch):
    monkeypatch.delenv("SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN")
    ws = connected(tmp_path)
    # the connection fails alone: a failed line, not an exception
    got = sync(ws, ["google_ads"], opts())
    assert got and all(r.status == "failed" for r in got)
    assert re.search("SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN", got[0].error), got[0].error


def test_the_developer_token_is_kept_with_the_grant(gads, tmp_path, monkeypatch, config_dir):  # noqa: F811
    ws = connected(tmp_path)
    monkeypatch.delenv("SOCIALROI_GOOGLE_ADS_DEVELOPER_TOKEN")  # a cron job without it
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "ok", res.error
    assert "dev-token-1" in (config_dir / "credentials.json").read_text()
    assert "dev-token-1" not in json.dumps(ws.store.raw.execute(
        "SELECT * FROM import_batches").fetchall(), default=str)  # fmt: skip


def test_a_second_sync_changes_nothing(gads, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["google_ads"], opts())
    n = _q(ws, "SELECT count(*) FROM import_batches")
    [res] = sync(ws, ["google_ads"], opts())
    assert (res.status, res.new, res.changed) == ("unchanged", 0, 0)
    assert _q(ws, "SELECT count(*) FROM import_batches") == n


def test_the_lag_window_is_re_read(gads, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["google_ads"], opts())
    # conversions are credited to the click's day: a day inside the 30-day window changes
    row = next(a for a in gads.ads[CID] if a["date"] == "2026-03-02" and a["ad_id"] == "311")
    row["conv"] += 5
    fill(gads, days=1, start_day=11)
    today = dt.date(2026, 3, 11)
    [res] = sync(ws, ["google_ads"], opts(since=None, until=today, today=today))
    assert res.window == "2026-02-09..2026-03-11"  # 30 days up to the last synced
    assert (res.new, res.changed) == (5, 1)
    assert conns.cursor(ws.store, "google_ads", ACCOUNT, "ad_metrics") == today


@pytest.mark.parametrize("rotate", [False, True])
def test_an_expired_token_is_refreshed_and_persisted_first(gads, tmp_path, config_dir, rotate):  # noqa: F811
    oauth = FakeOAuth(gads.fake, r"/token", gads.tokens, rotate=rotate,
                      client_id="app.apps.googleusercontent.com")  # fmt: skip
    oauth.refresh_tokens.add("1//refresh")
    ws = connected(tmp_path, token="ya29.stale", expires_in=60, refresh_token="1//refresh",
                   client_id="app.apps.googleusercontent.com", client_secret="s3cret")  # fmt: skip
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "ok", res.error
    assert all(c.bearer == "access-1" for c in gads.fake.calls(STREAM))
    text = (config_dir / "credentials.json").read_text()
    assert "access-1" in text and "ya29.stale" not in text
    # Google keeps the refresh token; were it rotated, the new one is on disk, the old gone
    assert ("refresh-1" in text, "1//refresh" in text) == (rotate, not rotate)
    assert "dev-token-1" in text  # the developer token survives the refresh


def test_a_revoked_token_names_the_fix(gads, tmp_path):
    ws = connected(tmp_path, token="ya29.revoked")
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "failed" and "socialroi connect google_ads" in res.error, res.error
    assert conns.get_connection(ws.store, "google_ads").health == "expired"


def test_quota_errors_and_5xx_are_retried(gads, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    gads.fake.fault(STREAM, status=429, headers={"Retry-After": "30"},
                    body=[{"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
                                     "message": "Too many requests."}}])  # fmt: skip
    gads.fake.fault(STREAM, status=503, body=[{"error": {"code": 503, "status": "UNAVAILABLE"}}])
    gads.break_stream = 1  # the ad rows' stream breaks off after one batch: asked again whole
    [res] = sync(ws, ["google_ads"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    assert waits[0] == 30.0 and len(waits) == 3
    assert _queries(gads).count("ad_group_ad") == 2
    assert _q(ws, "SELECT count(*) FROM ad_metrics") == (ROWS,)


def test_the_retry_delay_google_names_is_waited(gads, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    quota = failure(429, "RESOURCE_EXHAUSTED", {"quotaError": "RESOURCE_EXHAUSTED"},
                    "Too many requests for this developer token.")  # fmt: skip
    quota["error"]["details"][0]["errors"][0]["details"] = {
        "quotaErrorDetails": {"rateScope": "DEVELOPER", "rateName": "Requests per developer "
                              "token", "retryDelay": "42s"}}  # fmt: skip
    gads.fake.fault(STREAM, status=429, body=[quota])
    [res] = sync(ws, ["google_ads"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    assert waits == [42.0]


def test_a_stream_that_keeps_breaking_off_stores_nothing(gads, tmp_path):
    ws = connected(tmp_path)
    gads.break_stream = 10
    [res] = sync(ws, ["google_ads"], opts())
    assert res.status == "failed", res.error
    assert "still failed after 4 tries" in res.error and "Too many requests" in res.error
    assert _q(ws, "SELECT count(*) FROM ad_metrics") == (0,)


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (b"<html>proxy</html>", "not JSON"),
        ({"results": []}, "not a JSON array"),
        ([{"results": {"a": 1}}], "no results list"),
        ([{"results": [{"campaign": {"id": "111"}, "segments": {"date": "1st March"},
                        "metrics": {}}]}], "segments.date"),
        ([{"results": [{"campaign": {"id": "111"}, "segments": {"date": "2026-03-01"},
                        "metrics": {"costMicros": "lots"}}]}], "metrics.costMicros"),
    ],
)  # fmt: skip
def test_a_malformed_answer_stores_nothing(gads, tmp_path, body, says):
    ws = connected(tmp_path)
    gads.broken = body  # the ad rows' answer; the customer's was fine
    [res] = sync(ws, ["google_ads"], opts())
    api_kit.failed_clean(ws, res, says, ACCOUNT, "ad_metrics")


def test_the_account_is_checked(tmp_path, config_dir):  # noqa: F811
    api_kit.refuses_account(tmp_path, "google_ads", "act_123", "customer id")


# -- the same rows as files --------------------------------------------------------------------

HEAD = ["Day", "Customer ID", "Account name", "Campaign ID", "Campaign", "Campaign type",
        "Ad group ID", "Ad group", "Ad ID", "Ad name", "Currency code", "Cost", "Impr.",
        "Clicks", "TrueView views", "Conversions", "Conv. value"]  # fmt: skip
TYPES = {"SEARCH": "Search", "VIDEO": "Video", "SHOPPING": "Shopping",
         "PERFORMANCE_MAX": "Performance Max"}  # fmt: skip


def report_csv(title: str, rows: list[dict], *, ads: bool) -> str:
    """The rows as the web interface downloads a report (Reports > Download > CSV): title and
    date range above the header, ` --` for no value, total rows at the end."""
    out = [title, '"March 1, 2026 - March 10, 2026"', ",".join(HEAD)]
    for a in rows:
        group = (a["ad_group_id"], a["ad_group"], a["ad_id"], a.get("ad") or " --") if ads \
            else (" --",) * 4  # fmt: skip
        out.append(",".join(str(v) for v in (
            a["date"], ACCOUNT, "Voltiq US", a["campaign_id"], a["campaign"], TYPES[a["type"]],
            *group, "USD", f"{a['cost'] / 1e6:.2f}", a["impr"], a["clicks"], a["views"],
            f"{a['conv']:.2f}", f"{a['value']:.2f}")))  # fmt: skip
    cost = sum(a["cost"] for a in rows) / 1e6
    out.append(f"Total: Account, --, --, --, --, --, --, --, --, --,USD,{cost:.2f},,,,,")
    return "\n".join(out) + "\n"


def _table(ws: Workspace, name: str) -> pd.DataFrame:
    df = ws.table(name).execute().drop(columns=["batch_id"])
    return df.sort_values(list(df.columns[:3])).reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(gads, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "Ad report.csv").write_text(report_csv("Ad report", gads.ads[CID], ads=True))
    (tmp_path / "in" / "Campaign report.csv").write_text(
        report_csv("Campaign report", gads.extra[CID], ads=False)
    )  # Performance Max only
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "EUR"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(tmp_path / "in"), "--timezone", "America/New_York"])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "google_ads", "-w", a, "--token", "ya29.good",
                     "--account", ACCOUNT])  # fmt: skip
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", "google_ads", "-w", a, "--since", "2026-03-01",
                     "--until", "2026-03-10"])  # fmt: skip
    assert got.exit_code == 0, got.output
    assert "google_ads/ad_metrics 123-456-7890 2026-03-01..2026-03-10: 50 new" in got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("ad_metrics", "campaigns", "accounts"):
            pd.testing.assert_frame_equal(_table(wf, t), _table(wa, t))
        assert _table(wa, "ad_metrics")["spend_base"].sum() > 0  # USD spend converted to EUR
        r = [roi(w, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
        assert "youtube" in set(r[1].platform)
        # search campaigns' cost is kept apart from social's, on the `other` row
        assert "search" not in set(r[1].platform)
        assert roi(wa, "2026-03", by=("platform",)).measure_totals["nonsocial_cost"] > 0
