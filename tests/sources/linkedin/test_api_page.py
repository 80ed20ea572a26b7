"""LinkedIn Page: `connect` + `sync` against the fake equal importing the same figures as the
Page analytics workbooks; Rest.li queries, the version header, paging, lag window, bad pages."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.errors import SocialroiError
from socialroi.sources.api import Window
from socialroi.sources.linkedin import api_restli
from socialroi.sync.run import sync
from tests.sources.api_kit import connected, files_then_sync, sync_options
from tests.sources.linkedin.conftest import ORG
from tests.sources.linkedin.exports import page_exports

MAR1, MAR10 = dt.date(2026, 3, 1), dt.date(2026, 3, 10)
PAGE = f"org:{ORG}"


def _table(ws: Workspace, name: str, by: list[str]) -> pd.DataFrame:
    df = ws.table(name).execute().drop(columns=["batch_id"])
    return df.sort_values(by).reset_index(drop=True)


def test_connect_then_sync_equals_the_page_exports(fake_linkedin, tmp_path):
    files = page_exports(fake_linkedin, ORG, tmp_path)
    f, a, out = files_then_sync(tmp_path, files, "linkedin", "good-token", [PAGE],
                                "2026-03-01", "2026-03-10", base_currency="EUR")  # fmt: skip
    assert "linkedin/page_statistics org:2414183 2026-03-01..2026-03-10: 10 new" in out
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t, by in (("account_metrics", ["metric_date"]), ("posts", ["post_id"]),
                      ("post_metrics", ["post_id"])):  # fmt: skip
            pd.testing.assert_frame_equal(_table(wf, t, by), _table(wa, t, by), check_dtype=False)
        fa, aa = _table(wf, "accounts", ["account_id"]), _table(wa, "accounts", ["account_id"])
        assert fa.account_id.tolist() == aa.account_id.tolist() == ["linkedin:voltiq"]
        # what the API knows and a file cannot: the Page's id, name, and that it is the brand
        assert aa[["native_id", "name", "kind"]].iloc[0].tolist() == [ORG, "Voltiq", "brand"]
        n = wa.store.raw.execute("SELECT count(*), sum(follows) FROM account_metrics").fetchone()
    assert n[0] == 10 and n[1] > 0


def test_every_call_names_the_version_and_the_restli_protocol(fake_linkedin, tmp_path):
    ws = connected(tmp_path, "linkedin", "good-token", [PAGE])
    [stats, posts] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert (stats.status, posts.status) == ("ok", "ok"), (stats.error, posts.error)
    calls = [r for r in fake_linkedin.fake.requests if r.path.startswith("/rest/")]
    assert calls and all(r.headers["linkedin-version"] == api_restli.VERSION and
                         r.headers["x-restli-protocol-version"] == "2.0.0" for r in calls)  # fmt: skip
    [share] = fake_linkedin.fake.calls(r"ShareStatistics$")[:1]
    assert share.query["organizationalEntity"] == f"urn:li:organization:{ORG}"
    lifetime = [r for r in fake_linkedin.fake.calls(r"ShareStatistics$") if "shares" in r.query]
    assert lifetime and lifetime[0].query["shares"].startswith("List(urn:li:share:")


def test_restli_values_encode_urns_but_not_their_structure():
    assert api_restli.restli_list(["urn:li:share:1", "urn:li:ugcPost:2"]) == (
        "List(urn%3Ali%3Ashare%3A1,urn%3Ali%3AugcPost%3A2)"
    )
    w = Window(dt.date(2026, 3, 1), dt.date(2026, 3, 2))
    assert api_restli.time_intervals(w) == (
        "(timeRange:(start:1772323200000,end:1772496000000),timeGranularityType:DAY)"
    )
    assert (
        api_restli.date_range(w)
        == "(start:(year:2026,month:3,day:1),end:(year:2026,month:3,day:2))"
    )


def test_posts_are_read_page_by_page_to_the_last(fake_linkedin, tmp_path, monkeypatch):
    fake_linkedin.page_size = 3  # the Posts API answers 3 a page: 10 posts on 4 pages
    monkeypatch.setattr(api_restli, "PAGE", 3)
    ws = connected(tmp_path, "linkedin", "good-token", [PAGE])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10, streams=["page_posts"]))
    assert res.status == "ok", res.error
    starts = [r.query["start"] for r in fake_linkedin.fake.calls(r"^/rest/posts$")]
    assert starts == ["0", "3", "6", "9"]
    assert ws.store.count("posts") == 10 and ws.store.count("post_metrics") == 10


def test_the_lag_window_is_read_again_and_a_second_sync_changes_nothing(fake_linkedin, tmp_path):
    ws = connected(tmp_path, "linkedin", "good-token", [PAGE])
    first = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert [r.status for r in first] == ["ok", "ok"]
    fake_linkedin.fake.requests.clear()
    fake_linkedin.days[ORG]["2026-03-09"]["impressions"] += 100  # LinkedIn revised a day
    again = sync(ws, ["linkedin"], sync_options(None, None, today=MAR10))
    stats = next(r for r in again if r.stream == "page_statistics")
    assert stats.window == "2026-03-08..2026-03-10"  # lag_days 3
    assert (stats.status, stats.changed, stats.new) == ("ok", 1, 0)
    [call] = fake_linkedin.fake.calls(r"organizationalEntityShareStatistics$")[:1]
    assert "start:1772928000000" in call.query["timeIntervals"]  # 2026-03-08 00:00 UTC
    third = sync(ws, ["linkedin"], sync_options(None, None, today=MAR10))
    assert [r.status for r in third] == ["unchanged", "unchanged"]


def test_a_malformed_page_stores_nothing_of_its_stream(fake_linkedin, tmp_path):
    fake_linkedin.fake.fault(r"FollowerStatistics$", status=200, body={"elements": "none"})
    ws = connected(tmp_path, "linkedin", "good-token", [PAGE])
    [stats, posts] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    assert stats.status == "failed" and "'elements'" in stats.error, stats.error
    assert "linkedin" in stats.error and "org:2414183" in stats.error
    assert ws.store.count("account_metrics") == 0
    assert posts.status == "ok" and ws.store.count("posts") == 10


def test_a_record_of_the_wrong_shape_is_named(fake_linkedin, tmp_path):
    post = fake_linkedin.post_stats["urn:li:share:7150000000000000004"]
    post["likeCount"] = "many"
    ws = connected(tmp_path, "linkedin", "good-token", [PAGE])
    [res] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10, streams=["page_posts"]))
    assert res.status == "failed"
    assert "record" in res.error and "likeCount" in res.error and "'many'" in res.error
    assert ws.store.count("posts") == 0


def test_a_sunset_version_says_how_to_move_it(fake_linkedin, tmp_path, monkeypatch):
    monkeypatch.setenv(api_restli.VERSION_ENV, "202501")
    ws = connected(tmp_path, "linkedin", "good-token", [PAGE])
    [stats, posts] = sync(ws, ["linkedin"], sync_options(MAR1, MAR10))
    for r in (stats, posts):
        assert r.status == "failed"
        assert "no longer serves API version 202501" in r.error
        assert api_restli.VERSION_ENV in r.error
    monkeypatch.setenv(api_restli.VERSION_ENV, "202608")  # an active one: works again
    assert [r.status for r in sync(ws, ["linkedin"], sync_options(MAR1, MAR10))] == ["ok", "ok"]
    monkeypatch.setenv(api_restli.VERSION_ENV, "2026-08")
    with pytest.raises(SocialroiError, match="YYYYMM"):
        api_restli.version()
