"""X API v2 synced against the fake: paging, the 30-day private metrics kept as dated
snapshots, tokens and faults, and `connect` + `sync` equal to importing the content export."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pandas as pd
import pytest
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from socialroi.measure.posts import post_figures
from socialroi.sources.api import Window
from socialroi.sources.x import api as x_api
from socialroi.store import connections as conns
from socialroi.sync.run import SyncOptions, sync
from tests.fakes.server import FakeApi
from tests.fakes.x import USER, FakeX, fill, post
from tests.sources import api_kit
from tests.sources.api_kit import sync_options
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

SINCE, UNTIL = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


@pytest.fixture
def fx(monkeypatch, config_dir):  # noqa: F811
    with FakeApi() as fake:
        fake.env(monkeypatch, "x")
        x = FakeX(fake, today=UNTIL)
        fill(x, per_day=4)  # 124 posts: two pages of at most 100
        yield x


def opts(**kw) -> SyncOptions:
    return sync_options(SINCE, UNTIL, **kw)


def connected(tmp_path, token: str = "good-token", **kw) -> Workspace:
    return api_kit.connected(tmp_path, "x", token, [USER], **kw)


def _metrics(ws: Workspace, grain: str) -> pd.DataFrame:
    return ws.store.raw.execute(
        "SELECT * EXCLUDE (batch_id) FROM post_metrics WHERE grain = ? ORDER BY post_id, "
        "metric_date", [grain]).df()  # fmt: skip


def test_posts_land_as_the_export_with_a_dated_snapshot_each(fx, tmp_path):
    ws = connected(tmp_path)
    [res] = sync(ws, ["x"], opts())
    assert res.status == "ok", res.error
    assert (res.records, res.pages) == (124, 2)
    life, snap = _metrics(ws, "lifetime"), _metrics(ws, "snapshot")
    assert len(life) == len(snap) == 124
    assert set(snap["metric_date"].astype(str)) == {"2026-03-31"}
    assert set(life["as_of"].astype(str)) == {"2026-03-31"}
    first = fx.posts[0]  # created 2026-03-01: 30 days old today, its private metrics gone
    row = life.set_index("post_id").loc[f"x:{first['id']}"]
    assert row["likes"] == first["public_metrics"]["like_count"]
    assert row["impressions"] == first["public_metrics"]["impression_count"]
    assert pd.isna(row["link_clicks"])
    young = fx.posts[-1]
    row = life.set_index("post_id").loc[f"x:{young['id']}"]
    assert row["link_clicks"] == young["non_public_metrics"]["url_link_clicks"]
    assert row["video_views"] == young["_video"]  # from includes.media
    got = ws.store.raw.execute(
        "SELECT account_id, published_at, local_date, url FROM posts WHERE native_id = ?",
        [young["id"]]).fetchone()  # fmt: skip
    assert got[0] == "x:voltiqus" and str(got[2]) == "2026-03-31"
    assert got[3] == f"https://x.com/VoltiqUS/status/{young['id']}"
    calls = fx.fake.calls(r"/tweets$")
    assert all(c.bearer == "good-token" for c in calls)
    q = calls[0].query
    assert q["start_time"] == "2026-03-01T00:00:00Z" and q["end_time"] == "2026-03-31T23:59:59Z"
    assert "non_public_metrics" in q["tweet.fields"] and "organic_metrics" in q["tweet.fields"]


def test_posts_page_to_the_last_page(fx, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["x"], opts())
    tokens = [c.query.get("pagination_token") for c in fx.fake.calls(r"/tweets$")]
    assert tokens == [None, "7140dib100"]
    assert all(c.query["max_results"] == "100" for c in fx.fake.calls(r"/tweets$"))


def _read_at(ws: Workspace, fx: FakeX, day: dt.date, **figures) -> None:
    fx.today = day
    p = fx.posts[0]
    for k, v in figures.items():
        metrics, name = k.split("__")
        p[metrics][name] = v
    [res] = sync(ws, ["x"], opts(since=None, until=day, today=day))
    assert res.status in ("ok", "unchanged"), res.error


def test_a_post_read_at_day_3_20_and_40_keeps_its_last_young_clicks(
    monkeypatch, config_dir, tmp_path
):  # noqa: F811
    with FakeApi() as fake:
        fake.env(monkeypatch, "x")
        fx = FakeX(fake)
        fx.posts.append(post(1_900_000_000_000_000_001, "2026-03-01T10:00:00.000Z", likes=5,
                             impressions=300, clicks=4))  # fmt: skip
        ws = connected(tmp_path)
        _read_at(ws, fx, dt.date(2026, 3, 4))  # day 3
        _read_at(ws, fx, dt.date(2026, 3, 21), public_metrics__like_count=40,
                 public_metrics__impression_count=2000,
                 non_public_metrics__url_link_clicks=25)  # fmt: skip
        _read_at(
            ws,
            fx,
            dt.date(2026, 4, 10),
            public_metrics__like_count=55,
            public_metrics__impression_count=2600,
            non_public_metrics__url_link_clicks=31,
        )  # day 40: the 31 is never answered
        snap = _metrics(ws, "snapshot")
        assert snap["metric_date"].astype(str).tolist() == ["2026-03-04", "2026-03-21",
                                                            "2026-04-10"]  # fmt: skip
        assert snap["likes"].tolist() == [5, 40, 55]
        assert snap["impressions"].tolist() == [300, 2000, 2600]
        assert snap["link_clicks"].tolist()[:2] == [4, 25] and pd.isna(snap["link_clicks"][2])
        [life] = _metrics(ws, "lifetime").to_dict("records")
        assert str(life["as_of"])[:10] == "2026-04-10" and pd.isna(life["link_clicks"])
        fig = post_figures(ws.table("post_metrics")).execute().iloc[0]
        # public figures from the newest read, URL clicks from the last read before day 30
        assert (fig["likes"], fig["impressions"], fig["link_clicks"]) == (55, 2600, 25)
        assert fig["engagements"] == 55  # likes + replies + reposts + bookmarks (0 here)
        # the same day read again changes nothing
        n = ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0]
        [res] = sync(ws, ["x"], opts(since=None, until=dt.date(2026, 4, 10),
                                     today=dt.date(2026, 4, 10)))  # fmt: skip
        assert (res.status, res.new, res.changed) == ("unchanged", 0, 0)
        assert ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0] == n
        # every row knows its batch: undoing the day-40 sync takes its snapshot back
        assert (
            ws.store.raw.execute(
                "SELECT count(*) FROM post_metrics WHERE batch_id IS NULL"
            ).fetchone()[0]
            == 0
        )
        last = ws.store.raw.execute(
            "SELECT batch_id FROM post_metrics WHERE grain = 'snapshot' AND metric_date = "
            "DATE '2026-04-10'").fetchone()[0]  # fmt: skip
        ws.undo_batch(last)
        assert _metrics(ws, "snapshot")["metric_date"].astype(str).tolist() == [
            "2026-03-04", "2026-03-21"]  # fmt: skip
        ws.close()


def test_a_second_sync_changes_nothing(fx, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["x"], opts())
    n = ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0]
    [res] = sync(ws, ["x"], opts())
    assert (res.status, res.new, res.changed) == ("unchanged", 0, 0)
    assert ws.store.raw.execute("SELECT count(*) FROM import_batches").fetchone()[0] == n


def test_the_lag_window_re_reads_90_days_of_posts(fx, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["x"], opts())
    today = dt.date(2026, 4, 2)
    fx.today = today
    fx.posts[-1]["public_metrics"]["like_count"] += 100
    [res] = sync(ws, ["x"], opts(since=None, until=today, today=today))
    assert res.window == "2026-01-01..2026-04-02"  # 90 days up to the cursor, then to today
    assert res.records == 124
    # a new day: a new snapshot of every post, every lifetime row as of the new day
    assert (res.new, res.changed) == (124, 124)
    assert conns.cursor(ws.store, "x", USER, "posts") == today


def test_an_expired_token_is_refreshed_and_the_rotated_refresh_token_persisted(
    fx, tmp_path, config_dir,  # noqa: F811
):  # fmt: skip
    fx.oauth.refresh_tokens.add("rt-1")
    ws = connected(tmp_path, token="stale", expires_in=60, refresh_token="rt-1",
                   client_id="x-app")  # fmt: skip
    [res] = sync(ws, ["x"], opts())
    assert res.status == "ok", res.error
    assert fx.oauth.log == ["refresh_token"]
    assert all(c.bearer == "access-1" for c in fx.fake.calls(r"/tweets$"))
    text = (config_dir / "credentials.json").read_text()
    assert "refresh-1" in text and "rt-1" not in text and "access-1" in text
    sync(ws, ["x"], opts())
    assert fx.oauth.log == ["refresh_token"]  # the saved token is still fresh


def test_a_refused_token_names_the_fix(fx, tmp_path):
    ws = connected(tmp_path, token="revoked")
    [res] = sync(ws, ["x"], opts())
    assert res.status == "failed" and "socialroi connect x" in res.error
    assert conns.get_connection(ws.store, "x").health == "expired"


def test_429_with_retry_after_and_5xx_are_retried(fx, tmp_path):
    ws = connected(tmp_path)
    waits: list[float] = []
    fx.fake.fault(r"/tweets$", status=429, headers={"Retry-After": "3"},
                  body={"title": "Too Many Requests", "detail": "Too Many Requests",
                        "type": "about:blank", "status": 429})  # fmt: skip
    fx.fake.fault(r"/tweets$", status=503, body=b"Service Unavailable")
    [res] = sync(ws, ["x"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    assert 3.0 in waits and len(waits) == 2
    assert res.records == 124


def test_a_429_waits_until_x_rate_limit_reset(fx, tmp_path):
    # X answers a 429 with x-rate-limit-* headers and no Retry-After
    ws = connected(tmp_path)
    waits: list[float] = []
    reset = str(int(time.time()) + 40)
    fx.fake.fault(r"/tweets$", status=429, body={"title": "Too Many Requests", "status": 429,
                  "detail": "Too Many Requests", "type": "about:blank"},
                  headers={"x-rate-limit-limit": "900", "x-rate-limit-remaining": "0",
                           "x-rate-limit-reset": reset})  # fmt: skip
    [res] = sync(ws, ["x"], opts(sleep=waits.append))
    assert res.status == "ok", res.error
    assert len(waits) == 1 and 30 < waits[0] <= 40


@pytest.mark.parametrize(
    ("pattern", "body", "says"),
    [
        (r"/tweets$", b"<html>", "not JSON"),
        (r"/tweets$", {"data": {"id": "1"}, "meta": {}}, "no 'data' list"),
        (
            r"/tweets$",
            {"data": [{"id": "1", "created_at": "2026-03-02T10:00:00Z"}], "meta": {}},
            "no public_metrics",
        ),  # fmt: skip
        (
            r"/tweets$",
            {
                "data": [
                    {
                        "id": "1",
                        "created_at": "2026-03-02T10:00:00Z",
                        "public_metrics": {"like_count": -3},
                    }
                ],
                "meta": {},
            },
            "not a count",
        ),  # fmt: skip
        (
            r"/users/\d+$",
            {"errors": [{"title": "Not Found Error", "detail": "Could not find"}]},
            "no username",
        ),  # fmt: skip
        (
            r"/tweets$",
            {"errors": [{"title": "Forbidden", "detail": "client-not-enrolled"}]},
            "Forbidden",
        ),  # fmt: skip
    ],
)
def test_a_malformed_page_stores_nothing(fx, tmp_path, pattern, body, says):
    ws = connected(tmp_path)
    fx.fake.fault(pattern, status=200, body=body)
    [res] = sync(ws, ["x"], opts())
    assert res.status == "failed" and says in res.error, res.error
    assert "x/posts" in res.error
    assert ws.store.raw.execute("SELECT count(*) FROM post_metrics").fetchone()[0] == 0
    assert conns.cursor(ws.store, "x", USER, "posts") is None


def test_an_account_must_be_the_numeric_user_id(fx, tmp_path):
    run = CliRunner().invoke
    w = str(tmp_path / "ws.duckdb")
    got = run(main, ["connect", "x", "-w", w, "--token", "good-token", "--account", "@VoltiqUS"])
    assert got.exit_code != 0 and "numeric id" in got.output


# -- the same posts as the content export ----------------------------------------------------


def content_csv(fx: FakeX) -> str:
    """The posts as x.com/i/account_analytics writes its content export (Post id, Date, ...),
    with what the API answers today: URL clicks only for posts younger than 30 days."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["Post id", "Date", "Post text", "Post Link", "Impressions", "Likes",
                "Bookmarks", "Reposts", "Replies", "URL Clicks", "Media views"])  # fmt: skip
    young = fx.today - dt.timedelta(days=30)
    for p in fx.posts:
        when = dt.datetime.fromisoformat(p["created_at"].replace("Z", "+00:00"))
        pub = p["public_metrics"]
        clicks = p["non_public_metrics"]["url_link_clicks"] if when.date() > young else ""
        w.writerow([p["id"], when.strftime("%Y-%m-%d %H:%M +0000"), p["text"],
                    f"https://x.com/VoltiqUS/status/{p['id']}", pub["impression_count"],
                    pub["like_count"], pub["bookmark_count"], pub["retweet_count"],
                    pub["reply_count"], clicks, p.get("_video", "")])  # fmt: skip
    return out.getvalue()


def test_connect_then_sync_equals_the_file_import(fx, tmp_path):
    path = tmp_path / "account_analytics_content_2026-03-01_2026-03-31.csv"
    path.write_text(content_csv(fx))
    f, a = api_kit.import_and_sync(
        tmp_path, "x", [path], connect_args=["--token", "good-token", "--account", USER],
        sync_args=["--since", "2026-03-01", "--until", "2026-03-31"])  # fmt: skip
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        [(name, note)] = wa.store.raw.execute(
            "SELECT file_name, tables FROM import_batches"
        ).fetchall()
        assert name == "x/posts 2244994945 2026-03-01..2026-03-31" and "new=248" in note, note
        pd.testing.assert_frame_equal(_metrics(wf, "lifetime"), _metrics(wa, "lifetime"))
        cols = "post_id, account_id, native_id, published_at, local_date, caption, url"
        q = f"SELECT {cols} FROM posts ORDER BY post_id"
        pd.testing.assert_frame_equal(wf.store.raw.execute(q).df(), wa.store.raw.execute(q).df())
        figs = [post_figures(w.table("post_metrics")).execute().sort_values("post_id")
                .reset_index(drop=True) for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*figs)
        api_kit.same_roi(wf, wa, "2026-03")
        # the API also says which posts were promoted while it could tell
        assert (
            wa.store.raw.execute(
                "SELECT count(*) FROM posts WHERE promoted IS NOT NULL"
            ).fetchone()[0]
            > 0
        )


def test_a_window_ending_today_asks_up_to_now():
    # X refuses an end_time that is not at least 10 seconds in the past
    today = dt.datetime.now(dt.UTC).date()
    got = x_api._window(Window(today - dt.timedelta(days=3), today))
    assert got == {"start_time": f"{today - dt.timedelta(days=3)}T00:00:00Z"}
    past = x_api._window(Window(SINCE, UNTIL))
    assert past["end_time"] == "2026-03-31T23:59:59Z"
