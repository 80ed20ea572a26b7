"""TikTok business-account insights synced against the fake: the rotating refresh token, the
envelope's error codes, paging, faults, and `connect` + `sync` equal to importing the same
figures as TikTok Studio downloads."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import threading
from urllib.parse import parse_qs, urlsplit

import httpx
import pandas as pd
import pytest

from socialroi import Workspace
from socialroi.sources.api import get_connector
from socialroi.store import connections as conns
from socialroi.sync import auth, oauth
from socialroi.sync.credentials import Credentials
from socialroi.sync.run import SyncOptions, sync
from tests.fakes.server import FakeApi
from tests.fakes.tiktok import BUSINESS, FakeTikTok, fill
from tests.sources import api_kit
from tests.sources.api_kit import sync_options
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 10)


@pytest.fixture
def tt(monkeypatch, config_dir):  # noqa: F811
    with FakeApi() as fake:
        fake.env(monkeypatch, "tiktok")
        fake.env(monkeypatch, "tiktok_ads")
        t = FakeTikTok(fake)
        fill(t)
        yield t


def opts(**kw) -> SyncOptions:
    return sync_options(SINCE, UNTIL, **kw)


def connected(tmp_path, token: str = "good-token", **kw) -> Workspace:
    return api_kit.connected(tmp_path, "tiktok", token, [BUSINESS], **kw)


def _count(ws: Workspace, table: str) -> int:
    return ws.store.raw.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_daily_metrics_and_videos_land_as_the_studio_downloads_do(tt, tmp_path):
    ws = connected(tmp_path)
    account, videos = sync(ws, ["tiktok"], opts())
    assert account.status == "ok" and videos.status == "ok", (account.error, videos.error)
    assert account.records == 10 and videos.records == 45 and videos.pages == 3
    row = ws.store.raw.execute(
        "SELECT account_id, views, reach, follows, unfollows, followers, follower_change "
        "FROM account_metrics WHERE metric_date = DATE '2026-03-01'"
    ).fetchone()
    m = next(x for x in tt.profiles[BUSINESS]["metrics"] if x["date"] == "2026-03-01")
    assert row == ("tiktok:voltiq.global", m["video_views"], m["unique_video_views"],
                   m["daily_new_followers"], m["daily_lost_followers"], m["followers_count"],
                   m["daily_total_followers"])  # fmt: skip
    post = ws.store.raw.execute(
        "SELECT p.published_at, p.local_date, p.url, m.views, m.saves, m.as_of, m.grain "
        "FROM posts p JOIN post_metrics m USING (post_id) "
        "WHERE post_id = 'tiktok:7311000000000000000'"
    ).fetchone()
    assert post[0].replace(tzinfo=None) == dt.datetime(2026, 1, 5, 14, 30)
    assert str(post[1]) == "2026-01-05" and post[3] == 10000 and post[4] == 50
    assert str(post[5])[:10] == "2026-03-10" and post[6] == "lifetime"
    # every call carried the token in TikTok's header, never in the URL
    assert all(r.headers.get("access-token") == "good-token" for r in tt.fake.requests)
    assert all("good-token" not in json.dumps(r.query) for r in tt.fake.requests)


def test_a_video_link_that_is_not_tiktoks_becomes_the_canonical_link(tt, tmp_path):
    vid = tt.videos[BUSINESS][0]
    vid["share_url"] = f"javascript:alert(1)//www.tiktok.com/@x/video/{vid['item_id']}"
    ws = connected(tmp_path)
    sync(ws, ["tiktok"], opts(streams=["videos"]))
    url = ws.store.raw.execute(
        "SELECT url FROM posts WHERE post_id = ?", [f"tiktok:{vid['item_id']}"]
    ).fetchone()[0]
    assert url == f"https://www.tiktok.com/@voltiq.global/video/{vid['item_id']}"


def test_video_pages_are_read_to_the_last_page(tt, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["tiktok"], opts(streams=["videos"]))
    calls = tt.fake.calls(r"/business/video/list/$")
    assert [c.query.get("cursor") for c in calls] == [None, "20", "40"]
    assert all(c.query["max_count"] == "20" for c in calls)
    assert _count(ws, "posts") == 45


def test_a_rotated_refresh_token_is_saved_before_the_new_access_token_is_used(
    tt, tmp_path, config_dir,  # noqa: F811
):  # fmt: skip
    ws = connected(tmp_path, token="stale", expires_in=60, refresh_token="rt-1",
                   client_id="app-key", client_secret="s3cret")  # fmt: skip
    saved_first: list[bool] = []

    def on_data_call(req):  # when the first data call arrives, the new pair is on disk
        text = (config_dir / "credentials.json").read_text()
        saved_first.append("rt-2" in text and "rt-1" not in text)

    tt.fake.route(
        "GET", r"/open_api/v1.3/business/get/", lambda r: (on_data_call(r), tt._profile(r))[1]
    )
    tt.fake.routes.insert(0, tt.fake.routes.pop())
    got = sync(ws, ["tiktok"], opts())
    assert all(r.status == "ok" for r in got), [r.error for r in got]
    assert saved_first and all(saved_first)
    refresh = tt.fake.calls(r"/tt_user/oauth2/refresh_token/$")
    assert len(refresh) == 1
    body = json.loads(refresh[0].body)  # a JSON body, as TikTok's reference shows
    assert body == {"grant_type": "refresh_token", "refresh_token": "rt-1",
                    "client_id": "app-key", "client_secret": "s3cret"}  # fmt: skip
    assert {r.headers.get("access-token") for r in tt.fake.calls(r"/business/")} == {"access-1"}
    grant = Credentials().get(conns.get_connection(ws.store, "tiktok").credential_ref)
    assert grant.refresh_token == "rt-2" and grant.access_token == "access-1"
    assert grant.refresh_expires_at is not None  # refresh_token_expires_in is kept
    # the next sync uses the saved token: no refresh, the old refresh token never sent again
    sync(ws, ["tiktok"], opts())
    assert tt.refreshed == ["rt-1"]


def test_a_crash_right_after_the_refresh_keeps_the_new_refresh_token(tt, tmp_path, monkeypatch):
    ws = connected(tmp_path, token="stale", expires_in=60, refresh_token="rt-1",
                   client_id="app-key", client_secret="s3cret")  # fmt: skip
    ref = conns.get_connection(ws.store, "tiktok").credential_ref
    creds = Credentials()

    class Crash(Exception):
        pass

    def crash(*a, **k):  # the process dies before the first data call
        raise Crash

    with monkeypatch.context() as m:
        m.setattr(auth, "headers", crash)
        with pytest.raises(Crash):
            sync(ws, ["tiktok"], opts())
    assert creds.get(ref).refresh_token == "rt-2"  # the voided rt-1 is not what is left
    got = sync(ws, ["tiktok"], opts())
    assert all(r.status == "ok" for r in got), [r.error for r in got]
    assert tt.refreshed == ["rt-1"]  # the saved access token still works: no refresh needed


def test_the_consent_flow_exchanges_tiktoks_auth_code(tt):
    def browser(url: str) -> None:
        """The account owner consents; TikTok redirects to the loopback URI with a code."""
        q = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert url.startswith("https://www.tiktok.com/v2/auth/authorize/?")
        assert q["client_key"] == "app-key" and "client_id" not in q  # TikTok's name for it
        assert q["scope"].split(",")[:2] == ["user.info.basic", "user.info.username"]
        tt.codes.add("tt-code")
        target = f"{q['redirect_uri']}?code=tt-code&state={q['state']}"
        threading.Thread(target=httpx.get, args=(target,), daemon=True).start()

    grant = oauth.consent(get_connector("tiktok"), "app-key", "s3cret", show=browser, timeout=20)
    assert grant.access_token == "access-1" and grant.refresh_token == "rt-2"
    assert grant.client_id == "app-key" and grant.client_secret == "s3cret"
    assert grant.refresh_expires_at - grant.expires_at > dt.timedelta(days=300)
    (call,) = tt.fake.calls(r"/tt_user/oauth2/token/$")
    body = json.loads(call.body)  # a JSON body, the code as auth_code
    assert body["auth_code"] == "tt-code" and body["grant_type"] == "authorization_code"
    assert body["redirect_uri"].startswith("http://127.0.0.1:")


def test_an_old_refresh_token_reused_fails_clearly(tt, tmp_path):
    tt.refresh_tokens = {"rt-9"}  # rt-1 was already used (rotated away)
    ws = connected(tmp_path, token="stale", expires_in=60, refresh_token="rt-1")
    # the connection fails alone: a failed line, not an exception
    got = sync(ws, ["tiktok"], opts())
    assert got and all(r.status == "failed" for r in got)
    assert re.search("socialroi connect tiktok", got[0].error), got[0].error
    assert conns.get_connection(ws.store, "tiktok").health == "expired"
    assert _count(ws, "account_metrics") == 0


def test_an_error_inside_an_http_200_is_an_error(tt, tmp_path):
    ws = connected(tmp_path, token="revoked")  # TikTok answers 200 with code 40105
    (account,) = sync(ws, ["tiktok"], opts())  # the connection stops at the refused token
    assert account.status == "failed" and "socialroi connect tiktok" in account.error
    assert "Access token is incorrect" in account.error and "40105" in account.error
    assert conns.get_connection(ws.store, "tiktok").health == "expired"
    assert _count(ws, "account_metrics") == 0


def test_rate_limit_codes_and_5xx_are_retried(tt, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    tt.fake.fault(r"/business/get/$", status=200,
                  body={"code": 40100, "message": "Requests made too frequently.",
                        "request_id": "x", "data": {}})  # fmt: skip
    tt.fake.fault(r"/business/video/list/$", status=429, headers={"Retry-After": "2"})
    tt.fake.fault(r"/business/video/list/$", status=503, body=b"Service Unavailable")
    account, videos = sync(ws, ["tiktok"], opts(sleep=waits.append))
    assert account.status == "ok" and videos.status == "ok", (account.error, videos.error)
    assert 2.0 in waits and len(waits) == 3


def test_a_rate_limit_that_does_not_lift_ends_the_stream_clearly(tt, tmp_path):
    ws = connected(tmp_path)
    tt.fake.fault(r"/business/get/$", status=200, times=10,
                  body={"code": 40100, "message": "Requests made too frequently.",
                        "request_id": "x", "data": {}})  # fmt: skip
    account, videos = sync(ws, ["tiktok"], opts())
    assert account.status == "failed" and "code 40100" in account.error, account.error
    assert videos.status == "failed"  # its first call is business/get too (the handle)


@pytest.mark.parametrize(
    ("pattern", "body", "says"),
    [
        (r"/business/video/list/$", b"<html>", "not JSON"),
        (r"/business/video/list/$", {"code": 0, "message": "OK", "data": {"videos": {"a": 1}}},
         "not a list of records"),
        (r"/business/video/list/$", {"code": 0, "message": "OK",
                                     "data": {"videos": [{"item_id": "x1"}]}}, "item_id"),
        (r"/business/video/list/$", {"code": 40002, "message": "max_count is invalid",
                                     "data": {}}, "code 40002"),
    ],
)  # fmt: skip
def test_a_malformed_page_stores_nothing_of_the_stream(tt, tmp_path, pattern, body, says):
    ws = connected(tmp_path)
    tt.fake.fault(pattern, status=200, body=body)
    account, videos = sync(ws, ["tiktok"], opts())
    assert videos.status == "failed" and says in videos.error, videos.error
    assert account.status == "ok"  # the other stream still runs
    assert _count(ws, "posts") == 0 and _count(ws, "post_metrics") == 0
    assert conns.cursor(ws.store, "tiktok", BUSINESS, "videos") is None


def test_a_second_sync_changes_nothing_and_the_lag_window_is_re_read(tt, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["tiktok"], opts())
    again = sync(ws, ["tiktok"], opts())
    assert [r.status for r in again] == ["unchanged", "unchanged"]
    # a later sync without --since starts lag_days (3) before the last day synced
    tt.profiles[BUSINESS]["metrics"][-1]["video_views"] += 1000  # TikTok revised 2026-03-10
    later = sync(ws, ["tiktok"], sync_options(None, UNTIL, streams=["account"]))
    assert later[0].window == "2026-03-08..2026-03-10" and later[0].changed == 1
    calls = tt.fake.calls(r"/business/get/$")
    assert calls[-1].query["start_date"] == "2026-03-08"


def test_a_first_sync_reads_at_most_the_60_days_tiktok_keeps(tt, tmp_path):
    ws = connected(tmp_path)
    (account,) = sync(ws, ["tiktok"], sync_options(None, UNTIL, streams=["account"], full=True))
    assert account.window == "2026-01-10..2026-03-10"
    starts = [c.query["start_date"] for c in tt.fake.calls(r"/business/get/$")]
    assert starts == ["2026-01-10", "2026-02-09"]  # 30-day requests


# -- the same figures as files ----------------------------------------------------------------
def _csv(rows: list[list]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def content_rows(t: FakeTikTok) -> list[list]:
    """The fake's videos as the Studio Content download's rows (header first)."""
    rows = [["Video title", "Video link", "Post time", "Total likes", "Total comments",
             "Total shares", "Total views", "Add to favorites", "Total reach"]]  # fmt: skip
    for v in t.videos[BUSINESS]:
        posted = dt.datetime.fromtimestamp(v["create_time"], dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([v["caption"], v["share_url"], posted, v["likes"], v["comments"], v["shares"],
                     v["video_views"], v["favorites"], v["reach"]])  # fmt: skip
    return rows


def studio_downloads(t: FakeTikTok, folder, first: dt.date, last: dt.date) -> list:
    """The fake's figures as TikTok Studio writes its Overview, FollowerHistory and Content
    downloads (dates without a year, the period in the file name)."""
    days = [m for m in t.profiles[BUSINESS]["metrics"]
            if first.isoformat() <= m["date"] <= last.isoformat()]  # fmt: skip
    label = lambda d: dt.date.fromisoformat(d).strftime("%B %-d")  # noqa: E731 - "March 1"
    over = [["Date", "Video Views", "Profile Views", "Likes", "Comments", "Shares",
             "New followers", "Lost followers", "Reached audience"]]  # fmt: skip
    over += [[label(m["date"]), m["video_views"], m["profile_views"], m["likes"], m["comments"],
              m["shares"], m["daily_new_followers"], m["daily_lost_followers"],
              m["unique_video_views"]] for m in days]  # fmt: skip
    foll = [["Date", "Followers", "Difference in followers from previous day"]]
    foll += [[label(m["date"]), m["followers_count"], m["daily_total_followers"]] for m in days]
    cont = content_rows(t)
    paths = []
    for name, rows in (("Overview", over), ("FollowerHistory", foll), ("Content", cont)):
        p = folder / f"{name}_{first}_{last}.csv"
        p.write_bytes(_csv(rows))
        paths.append(p)
    return paths


def test_connect_then_sync_equals_the_studio_downloads(tt, tmp_path):
    # the command line syncs up to today, and TikTok keeps 60 days: recent days
    last = dt.date.today() - dt.timedelta(days=1)
    first = last - dt.timedelta(days=9)
    fill(tt, last - dt.timedelta(days=40), last)
    folder = tmp_path / "@voltiq.global"
    folder.mkdir()
    paths = studio_downloads(tt, folder, first, last)
    f, a = api_kit.import_and_sync(
        tmp_path, "tiktok", paths, connect_args=["--token", "good-token", "--account", BUSINESS],
        sync_args=["--since", str(first), "--until", str(last)],
    )  # fmt: skip
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("accounts", "account_metrics", "posts", "post_metrics"):
            pd.testing.assert_frame_equal(api_kit.stored(wf, t), api_kit.stored(wa, t), obj=t)
        # a caption that looks like a formula is stored as written, like the file's
        assert (
            wa.store.raw.execute(
                "SELECT count(*) FROM posts WHERE caption LIKE '%=SUM(A1)%'"
            ).fetchone()[0]
            == 1
        )
