"""LinkedIn Ads: `connect` + `sync` equal importing the same figures as Campaign Manager's Ad
performance report; tokens refreshed (LinkedIn keeps the refresh token, with its remaining
lifetime), limits and faults."""

from __future__ import annotations

import datetime as dt
import json
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pandas as pd

from socialroi import Workspace
from socialroi.measure.roi import roi
from socialroi.sources.api import get_connector
from socialroi.sources.linkedin import api_ads
from socialroi.sync import oauth
from socialroi.sync.credentials import Credentials
from socialroi.sync.run import sync
from tests.sources.api_kit import connected, files_then_sync, sync_options
from tests.sources.linkedin.conftest import ADS
from tests.sources.linkedin.exports import ad_report

MAR1, MAR10 = dt.date(2026, 3, 1), dt.date(2026, 3, 10)
ACCOUNT = f"ads:{ADS}"


def _table(ws: Workspace, name: str) -> pd.DataFrame:
    df = ws.table(name).execute().drop(columns=["batch_id"])
    return df.sort_values(list(df.columns[:3])).reset_index(drop=True)


def _roi(ws: Workspace) -> pd.DataFrame:
    return roi(ws, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)


def test_connect_then_sync_equals_the_ad_performance_report(fake_linkedin, tmp_path):
    path = ad_report(fake_linkedin, ADS, tmp_path / "ad_performance_report.csv")
    f, a, out = files_then_sync(tmp_path, [path], "linkedin", "good-token", [ACCOUNT],
                                "2026-03-01", "2026-03-10")  # fmt: skip
    assert "40 new" in out
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("ad_metrics", "campaigns", "accounts"):
            pd.testing.assert_frame_equal(_table(wf, t), _table(wa, t))
        pd.testing.assert_frame_equal(_roi(wf), _roi(wa))
        assert _roi(wa)["true_cost"].iloc[-1] > 0
        spend = wa.store.raw.execute("SELECT sum(spend), min(currency) FROM ad_metrics").fetchone()
    want = sum(float(r["costInLocalCurrency"]) for r in fake_linkedin.analytics[ADS])
    assert spend == (round(want, 2), "EUR")


def test_analytics_ask_for_creatives_by_day_in_restli(fake_linkedin, tmp_path):
    fake_linkedin.page_size = 3
    ws = connected(tmp_path, "linkedin", "good-token", [ACCOUNT])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "ok", res.error
    [call] = fake_linkedin.fake.calls(r"/rest/adAnalytics$")
    assert call.query["accounts"] == f"List(urn:li:sponsoredAccount:{ADS})"
    assert call.query["dateRange"] == (
        "(start:(year:2026,month:3,day:1),end:(year:2026,month:3,day:10))"
    )
    assert "costInLocalCurrency" in call.query["fields"].split(",")
    # creatives page with pageSize / pageToken to the last page (4 creatives, 3 a page)
    tokens = [r.query.get("pageToken") for r in fake_linkedin.fake.calls(r"/creatives$")]
    assert tokens == [None, "3"]
    assert ws.store.raw.execute(
        "SELECT count(*) FROM campaigns WHERE level = 'ad' AND name IS NOT NULL"
    ).fetchone() == (4,)


def test_an_expired_token_is_refreshed_and_the_refresh_tokens_lifetime_kept(
    fake_linkedin, tmp_path, config_dir
):
    fake_linkedin.oauth.refresh_tokens.add("rt-1")
    ws = connected(tmp_path, "linkedin", "stale", [ACCOUNT], expires_in=60,
                   refresh_token="rt-1", client_id="app-1", client_secret="s3cret")  # fmt: skip
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "ok", res.error
    assert fake_linkedin.oauth.log == ["refresh_token"]
    assert all(c.bearer == "access-1" for c in fake_linkedin.fake.calls(r"^/rest/"))
    [grant] = [Credentials().get(ref) for ref in json.loads(
        (config_dir / "credentials.json").read_text())]  # fmt: skip
    assert grant.access_token == "access-1" and grant.refresh_token == "rt-1"  # not rotated
    days = (grant.refresh_expires_at - dt.datetime.now(dt.UTC)).days
    assert days in (364, 365) and grant.lapses_at == grant.refresh_expires_at
    assert (grant.expires_at - dt.datetime.now(dt.UTC)).days in (59, 60)


def test_a_rotated_refresh_token_is_saved_before_it_is_used(fake_linkedin, tmp_path, config_dir):
    fake_linkedin.oauth.rotate = True  # should LinkedIn ever rotate: the new one is kept
    fake_linkedin.oauth.refresh_tokens.add("rt-1")
    ws = connected(tmp_path, "linkedin", "stale", [ACCOUNT], expires_in=60,
                   refresh_token="rt-1", client_id="app-1", client_secret="s3cret")  # fmt: skip
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "ok", res.error
    text = (config_dir / "credentials.json").read_text()
    assert "refresh-1" in text and "rt-1" not in text


def test_429_with_retry_after_and_a_5xx_are_retried(fake_linkedin, tmp_path):
    waits: list[float] = []
    fake_linkedin.fake.fault(r"/rest/adAnalytics$", status=429, headers={"Retry-After": "2"},
                             body={"status": 429, "code": "TOO_MANY_REQUESTS",
                                   "message": "Resource level throttle limit reached"})  # fmt: skip
    fake_linkedin.fake.fault(r"/creatives$", status=503, times=2, body=b"Service Unavailable")
    ws = connected(tmp_path, "linkedin", "good-token", [ACCOUNT])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10, sleep=waits.append))
    assert res.status == "ok", res.error
    assert 2.0 in waits and len(waits) == 3
    assert ws.store.count("ad_metrics") == 40


def test_a_malformed_answer_stores_nothing(fake_linkedin, tmp_path):
    fake_linkedin.fake.fault(r"/rest/adAnalytics$", status=200, body=b"<html>maintenance</html>")
    ws = connected(tmp_path, "linkedin", "good-token", [ACCOUNT])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "failed" and "not JSON" in res.error, res.error
    assert ws.store.count("ad_metrics") == 0 and ws.store.count("campaigns") == 0


def test_an_element_of_two_days_is_refused_with_its_number(fake_linkedin, tmp_path):
    el = fake_linkedin.analytics[ADS][5]
    el["dateRange"]["end"] = {"year": 2026, "month": 3, "day": 9}
    ws = connected(tmp_path, "linkedin", "good-token", [ACCOUNT])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "failed" and "record 6" in res.error and "DAILY" in res.error
    assert ws.store.count("ad_metrics") == 0


def test_a_revoked_token_names_the_fix(fake_linkedin, tmp_path):
    ws = connected(tmp_path, "linkedin", "revoked", [ACCOUNT])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "failed" and "socialroi connect linkedin" in res.error


def test_the_consent_flow_keeps_the_refresh_tokens_year(fake_linkedin):
    connector = get_connector("linkedin")

    def browser(url: str) -> None:
        """The member consents on LinkedIn, which redirects to the loopback URI."""
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert url.startswith("https://www.linkedin.com/oauth/v2/authorization?")
        assert "r_ads_reporting" in q["scope"].split(" ")
        fake_linkedin.oauth.expect_code("code-1", q["code_challenge"])
        target = f"{q['redirect_uri']}?code=code-1&state={q['state']}"
        threading.Thread(target=httpx.get, args=(target,), daemon=True).start()

    grant = oauth.consent(connector, "app-1", "s3cret", show=browser, timeout=20)
    assert fake_linkedin.fake.calls(r"^/oauth/v2/accessToken$", "POST")
    now = dt.datetime.now(dt.UTC)
    assert (grant.expires_at - now).days in (59, 60)
    assert (grant.lapses_at - now).days in (364, 365)


def test_a_campaign_report_of_the_same_days_counts_once(fake_linkedin, tmp_path):
    """A Campaign performance report (campaign level, other keys than the API's creatives)
    imported first: the sync replaces its rows of the account's days, so spend counts once."""
    rows = fake_linkedin.analytics[ADS]
    path = ad_report(fake_linkedin, ADS, tmp_path / "ads.csv")
    lines = path.read_bytes().decode("utf-16").splitlines()
    head = lines[3].split("\t")
    keep = [head.index(c) for c in ("Start Date (in UTC)", "Account ID", "Campaign Name",
                                    "Campaign ID", "Total Spent", "Currency")]  # fmt: skip
    per: dict[tuple, float] = {}
    for ln in lines[4:]:
        c = ln.split("\t")
        k = tuple(c[i] for i in keep[:4]) + (c[keep[5]],)
        per[k] = per.get(k, 0.0) + float(c[keep[4]])
    out = ["Campaign Performance Report (in UTC)", *lines[1:3],
           "\t".join(["Start Date (in UTC)", "Account ID", "Campaign Name", "Campaign ID",
                      "Currency", "Total Spent"])]  # fmt: skip
    out += ["\t".join([*k, f"{v:.2f}"]) for k, v in per.items()]
    camp = tmp_path / "campaign_performance_report.csv"
    camp.write_bytes(("\r\n".join(out) + "\r\n").encode("utf-16"))
    ws = connected(tmp_path, "linkedin", "good-token", [ACCOUNT])
    ws.import_files([camp])
    total = round(sum(float(r["costInLocalCurrency"]) for r in rows), 2)
    spend = "SELECT round(sum(spend), 2) FROM ad_metrics"
    assert ws.store.raw.execute(spend).fetchone()[0] == total
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "ok" and res.superseded == len(per), (res.error, res.superseded)
    assert ws.store.raw.execute(spend).fetchone()[0] == total
    assert ws.store.raw.execute(
        "SELECT count(*) FROM ad_metrics WHERE ad_id IS NULL"
    ).fetchone() == (0,)


def test_an_answer_at_linkedins_element_cap_is_refused(fake_linkedin, tmp_path, monkeypatch):
    monkeypatch.setattr(api_ads, "MAX_ELEMENTS", 40)  # the fake's window holds 40 elements
    ws = connected(tmp_path, "linkedin", "good-token", [ACCOUNT])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert res.status == "failed" and "limit for one request" in res.error
    assert ws.store.count("ad_metrics") == 0
