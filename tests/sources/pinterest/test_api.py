"""Pinterest API v5 synced against the fake: bookmark paging, Pin analytics, profile and ad
analytics, tokens (HTTP Basic, rotated refresh tokens), faults, the lag window, and `connect` +
`sync` equal to importing the same data as the three exports."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.roi import roi
from socialroi.sources.pinterest import api as pin_api
from socialroi.store import connections as conns
from socialroi.sync.run import sync
from tests.fakes.oauth import FakeOAuth
from tests.fakes.pinterest import FakePinterest, fill
from tests.sources import api_kit
from tests.sources.api_kit import sync_options
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

ACT = "549755885175"
ADS, ME = f"ads:{ACT}", "@voltiq_us"
SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 10)


@pytest.fixture
def pin(monkeypatch, config_dir):  # noqa: F811
    make = lambda fake: FakePinterest(fake, page_size=3)  # noqa: E731
    with api_kit.serving(monkeypatch, "pinterest", make, fill) as p:
        yield p


def opts(**kw):
    return sync_options(SINCE, UNTIL, **kw)


def connected(tmp_path, accounts=(ADS, ME), token: str = "pina_good", **kw) -> Workspace:
    return api_kit.connected(tmp_path, "pinterest", token, list(accounts), **kw)


def _q(ws: Workspace, sql: str):
    return ws.store.raw.execute(sql).fetchone()


def test_ad_analytics_page_the_ads_then_ask_250_at_a_time(pin, tmp_path, monkeypatch):
    monkeypatch.setattr(pin_api, "AD_IDS_PER_CALL", 3)  # four ads: two analytics calls
    ws = connected(tmp_path, [ADS])
    [res] = sync(ws, ["pinterest"], opts())
    assert res.status == "ok", res.error
    pages = pin.fake.calls(r"/ads$")
    assert [c.query.get("bookmark") for c in pages] == [None, "3"]
    calls = pin.fake.calls(r"/ads/analytics$")
    assert [len(c.query["ad_ids"].split(",")) for c in calls] == [3, 1]
    assert {(c.query["start_date"], c.query["end_date"], c.query["granularity"]) for c in calls} \
        == {("2026-03-01", "2026-03-10", "DAY")}  # fmt: skip
    rows = pin.ad_rows[ACT]
    got = _q(ws, "SELECT count(*), round(sum(spend), 2), sum(impressions), sum(clicks), "
                 "sum(link_clicks), min(currency), min(account_id) FROM ad_metrics")  # fmt: skip
    assert got == (40, round(sum(r["SPEND_IN_MICRO_DOLLAR"] for r in rows) / 1e6, 2),
                   sum(r["PAID_IMPRESSION"] for r in rows), sum(r["CLICKTHROUGH_1"] for r in rows),
                   sum(r["OUTBOUND_CLICK_1"] for r in rows), "USD", f"pinterest:{ACT}")  # fmt: skip
    assert _q(ws, "SELECT count(*) FROM campaigns WHERE level = 'campaign'") == (2,)


def test_pins_and_their_analytics_are_a_snapshot(pin, tmp_path):
    ws = connected(tmp_path, [ME])
    res = {r.stream: r for r in sync(ws, ["pinterest"], opts())}
    assert res["pins"].status == "ok", res["pins"].error
    assert [c.query.get("bookmark") for c in pin.fake.calls(r"/v5/pins$")] == [None, "3"]
    calls = pin.fake.calls(r"/pins/\d+/analytics$")
    assert len(calls) == 5
    assert {(c.query["start_date"], c.query["end_date"]) for c in calls} == {
        ("2025-12-11", "2026-03-10")  # the 90 days up to the window's end
    }
    video = [c for c in calls if "VIDEO_MRC_VIEW" in c.query["metric_types"]]
    assert [c.path.split("/")[3] for c in video] == [pin.pins[2]["id"]]
    got = ws.store.raw.execute(
        "SELECT p.format, m.grain, m.as_of, sum(m.impressions), sum(m.saves), "
        "sum(m.video_views) FROM posts p JOIN post_metrics m USING (post_id) "
        "GROUP BY ALL ORDER BY 1").fetchall()  # fmt: skip
    imp = {pid: sum(d["IMPRESSION"] for d in days.values()) for pid, days in pin.pin_days.items()}
    video_id = pin.pins[2]["id"]
    assert got == [
        ("image", "lifetime", UNTIL, sum(v for k, v in imp.items() if k != video_id),
         sum(3 + n for n in range(5) if n != 2) * 10, None),
        ("video", "lifetime", UNTIL, imp[video_id], 50, sum(90 + i for i in range(10))),
    ]  # fmt: skip
    assert _q(ws, "SELECT caption FROM posts WHERE native_id = '1122380000000000003'") == (
        "Pin 3, with a comma",
    )  # no title: the description, as the export's Pin title


def test_profile_analytics_leave_out_days_before_the_business_account(pin, tmp_path):
    ws = connected(tmp_path, [ME])
    res = {r.stream: r for r in sync(ws, ["pinterest"], opts())}
    assert res["account_analytics"].status == "ok", res["account_analytics"].error
    got = _q(ws, "SELECT count(*), min(metric_date), sum(impressions), min(account_id) "
                 "FROM account_metrics")  # fmt: skip
    days = [m for m in pin.account_days.values() if isinstance(m, dict)]
    assert got == (
        9,
        dt.date(2026, 3, 2),
        sum(m["IMPRESSION"] for m in days),
        "pinterest:voltiq_us",
    )


def test_a_token_of_another_profile_is_refused(pin, tmp_path):
    pin.username = "someone_else"
    ws = connected(tmp_path, [ME])
    results = sync(ws, ["pinterest"], opts())
    assert all(r.status == "failed" and "@someone_else" in r.error for r in results), results
    assert _q(ws, "SELECT count(*) FROM posts") == (0,)


def test_a_second_sync_changes_nothing(pin, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["pinterest"], opts())
    n = _q(ws, "SELECT count(*) FROM import_batches")
    results = sync(ws, ["pinterest"], opts())
    assert {(r.stream, r.status, r.new, r.changed) for r in results} == {
        ("ad_analytics", "unchanged", 0, 0), ("pins", "unchanged", 0, 0),
        ("account_analytics", "unchanged", 0, 0)}  # fmt: skip
    assert _q(ws, "SELECT count(*) FROM import_batches") == n


def test_the_lag_window_is_re_read(pin, tmp_path):
    ws = connected(tmp_path, [ADS])
    sync(ws, ["pinterest"], opts())
    row = next(r for r in pin.ad_rows[ACT] if r["DATE"] == "2026-03-03")
    row["TOTAL_CONVERSIONS"] += 4  # a conversion credited back to its click's day
    today = dt.date(2026, 3, 11)
    [res] = sync(ws, ["pinterest"], opts(since=None, until=today, today=today))
    assert res.window == "2026-02-09..2026-03-11"  # 30 days up to the last synced, to today
    assert (res.new, res.changed) == (0, 1)
    assert conns.cursor(ws.store, "pinterest", ADS, "ad_analytics") == today


def test_an_expired_token_is_refreshed_with_basic_auth_and_the_new_refresh_token_saved_first(
    pin,
    tmp_path,
    config_dir,  # noqa: F811
):
    oauth = FakeOAuth(pin.fake, r"/v5/oauth/token", pin.tokens, basic=True, client_id="1484")
    oauth.refresh_tokens.add("pinr_old")
    ws = connected(tmp_path, [ADS], token="pina_stale", expires_in=60, refresh_token="pinr_old",
                   client_id="1484", client_secret="s3cret")  # fmt: skip
    [res] = sync(ws, ["pinterest"], opts())
    assert res.status == "ok", res.error
    [tok] = pin.fake.calls(r"/oauth/token$")
    assert tok.headers["authorization"].startswith("Basic ") and "client_secret" not in tok.form
    text = (config_dir / "credentials.json").read_text()
    assert "refresh-1" in text and "pinr_old" not in text  # rotated: the new one on disk
    assert all(c.bearer == "access-1" for c in pin.fake.calls(r"/ads/analytics$"))


def test_a_refused_token_names_the_fix(pin, tmp_path):
    ws = connected(tmp_path, [ADS], token="pina_revoked")
    [res] = sync(ws, ["pinterest"], opts())
    assert res.status == "failed" and "socialroi connect pinterest" in res.error, res.error
    assert conns.get_connection(ws.store, "pinterest").health == "expired"


def test_429_and_5xx_are_retried(pin, tmp_path):
    ws = connected(tmp_path, [ADS])
    waits: list[float] = []
    pin.fake.fault(r"/ads/analytics$", status=429, headers={"Retry-After": "12"},
                   body={"code": 8, "message": "Rate limit exceeded."})  # fmt: skip
    pin.fake.fault(r"/ads$", status=503, body={"code": 3, "message": "Service unavailable"})
    [res] = sync(ws, ["pinterest"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    assert 12.0 in waits and len(waits) == 2
    assert _q(ws, "SELECT count(*) FROM ad_metrics") == (40,)


@pytest.mark.parametrize(
    ("suffix", "body", "says"),
    [
        ("/ads", {"items": "none"}, "items"),
        ("/ads/analytics", {"AD_ID": "1"}, "not a JSON array"),
        ("/ads/analytics", [{"AD_ID": "68719480000", "DATE": "2026-03-01",
                             "SPEND_IN_MICRO_DOLLAR": "lots"}], "SPEND_IN_MICRO_DOLLAR"),
        ("/ads/analytics", [{"AD_ID": "68719480000", "DATE": "March 1",
                             "CAMPAIGN_ID": "1", "CAMPAIGN_NAME": "x",
                             "SPEND_IN_MICRO_DOLLAR": 1}], "DATE"),
    ],
)  # fmt: skip
def test_a_malformed_answer_stores_nothing(pin, tmp_path, suffix, body, says):
    ws = connected(tmp_path, [ADS])
    pin.broken = (suffix, body)
    [res] = sync(ws, ["pinterest"], opts())
    api_kit.failed_clean(ws, res, says, ADS, "ad_metrics")


def test_the_account_is_checked(tmp_path, config_dir):  # noqa: F811
    api_kit.refuses_account(tmp_path, "pinterest", "act_123", "ads:<ad account id>")


# -- the same data as the three exports ----------------------------------------------------------

ADS_HEAD = ("Date,Ad account ID,Ad account name,Campaign name,Campaign ID,Campaign objective,"
            "Ad group name,Ad group ID,Ad name,Ad ID,Currency,Spend in account currency,"
            "Paid impressions,Pin clicks,Outbound clicks,Paid video views,Total conversions,"
            "Total order value")  # fmt: skip


def ads_csv(rows: list[dict]) -> str:
    """Ads Manager > Reporting > Export (ad level, by day, with the ad account columns)."""
    out = [ADS_HEAD]
    for r in rows:
        out.append(",".join(str(v) for v in (
            r["DATE"], ACT, "Voltiq US Ads", r["CAMPAIGN_NAME"], r["CAMPAIGN_ID"],
            r["CAMPAIGN_OBJECTIVE_TYPE"], r["AD_GROUP_NAME"], r["AD_GROUP_ID"], r["AD_NAME"],
            r["AD_ID"], "USD", f"{r['SPEND_IN_MICRO_DOLLAR'] / 1e6:.2f}", r["PAID_IMPRESSION"],
            r["CLICKTHROUGH_1"], r["OUTBOUND_CLICK_1"], 0, r["TOTAL_CONVERSIONS"],
            f"{r['TOTAL_CHECKOUT_VALUE_IN_MICRO_DOLLAR'] / 1e6:.2f}")))  # fmt: skip
    return "\n".join(out) + "\n"


def overview_csv(p: FakePinterest) -> str:
    """Analytics > Overview > Export: a date-range banner, then one row per day."""
    days = sorted(p.account_days)
    out = [f"Date range: {days[0]} - {days[-1]}", "",
           "Date,Impressions,Engagements,Pin clicks,Outbound clicks,Saves"]  # fmt: skip
    for d, m in sorted(p.account_days.items()):
        if isinstance(m, dict):
            out.append(f"{d},{m['IMPRESSION']},{m['ENGAGEMENT']},{m['PIN_CLICK']},"
                       f"{m['OUTBOUND_CLICK']},{m['SAVE']}")  # fmt: skip
    return "\n".join(out) + "\n"


def top_pins_csv(p: FakePinterest) -> str:
    """Analytics > Top Pins > Export over the 90 days the API reads (the name says the range)."""
    out = ["Pin ID,Pin title,Pin link,Created at,Format,Impressions,Pin clicks,Outbound clicks,"
           "Saves,Video views"]  # fmt: skip
    for pn in p.pins:
        days = p.pin_days[pn["id"]].values()
        video = pn["media"]["media_type"] == "video"
        title = pn["title"] or pn["description"]
        out.append(",".join(str(v) for v in (
            pn["id"], f'"{title}"', f"https://www.pinterest.com/pin/{pn['id']}/",
            pn["created_at"].replace("T", " "), "Video" if video else "Standard",
            *(sum(d[k] for d in days) for k in ("IMPRESSION", "PIN_CLICK", "OUTBOUND_CLICK", "SAVE")),
            sum(d["VIDEO_MRC_VIEW"] for d in days) if video else "-")))  # fmt: skip
    return "\n".join(out) + "\n"


def _table(ws: Workspace, name: str) -> pd.DataFrame:
    df = ws.table(name).execute().drop(columns=["batch_id"])
    return df.sort_values(list(df.columns[:3])).reset_index(drop=True)


def test_connect_then_sync_equals_the_file_import(pin, tmp_path):
    # the command line syncs up to today, and Pinterest keeps 90 days: ten recent days
    until = dt.date.today() - dt.timedelta(days=1)
    days = [(until - dt.timedelta(days=9 - i)).isoformat() for i in range(10)]
    for kept in (pin.pins, pin.pin_days, pin.account_days, pin.ads, pin.ad_rows):
        kept.clear()
    fill(pin, days=days)
    first, start = days[0], (until - dt.timedelta(days=89)).isoformat()
    organic = tmp_path / "in" / "@voltiq_us"
    organic.mkdir(parents=True)
    (organic / f"pinterest_overview_{first}_{until}.csv").write_text(overview_csv(pin))
    (organic / f"pinterest_top_pins_{start}_{until}.csv").write_text(top_pins_csv(pin))
    (tmp_path / "in" / f"pinterest_ads_report_{first}_{until}.csv").write_text(
        ads_csv(pin.ad_rows[ACT])
    )
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "EUR"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(tmp_path / "in")])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "pinterest", "-w", a, "--token", "pina_good", "--account", ADS,
                     "--account", ME])  # fmt: skip
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", "pinterest", "-w", a, "--since", first, "--until", str(until)])
    assert got.exit_code == 0, got.output
    assert f"pinterest/ad_analytics ads:549755885175 {first}..{until}: 40 new" in got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("ad_metrics", "campaigns", "posts", "post_metrics", "account_metrics"):
            pd.testing.assert_frame_equal(_table(wf, t), _table(wa, t), obj=t)
        period = f"{first}..{until}"
        r = [roi(w, period, by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
        assert r[1].loc[r[1].platform == "pinterest", "true_cost"].sum() > 0
