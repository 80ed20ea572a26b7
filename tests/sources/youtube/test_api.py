"""YouTube Data, Analytics and Reporting APIs synced against the fake: paging, tokens,
quota errors, malformed pages, the reporting jobs made at `connect` and their reports read
once each, and `connect` + `sync` equal to importing the same figures as Studio files."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from socialroi import Workspace
from socialroi.model.schema import TABLES
from socialroi.store import connections as conns
from socialroi.sync import connect as connecting
from socialroi.sync.run import sync
from tests.fakes.youtube import CHANNEL, HANDLE, FakeYouTube, quota_exceeded
from tests.sources import api_kit
from tests.sync.conftest import config_dir as config_dir  # noqa: F401 - the fixture

SRC = api_kit.SOURCES["youtube"]
yt = SRC.fixture("yt")
opts, connected = SRC.opts, SRC.connected
SINCE, UNTIL = SRC.since, SRC.until


def q(ws: Workspace, sql: str) -> list[tuple]:
    return ws.store.raw.execute(sql).fetchall()


def by_stream(results) -> dict:
    return {r.stream: r for r in results}


def test_videos_page_through_the_uploads_playlist(yt, tmp_path):
    ws = connected(tmp_path)
    res = by_stream(sync(ws, ["youtube"], opts(streams=["videos"])))["videos"]
    assert res.status == "ok", res.error
    pages = yt.fake.calls(r"/playlistItems$")
    assert [p.query.get("pageToken") for p in pages] == [None, "EAAa2"]
    assert all(p.query["maxResults"] == "50" and p.bearer == "ya29.good" for p in pages)
    [videos] = yt.fake.calls(r"/videos$")
    assert sorted(videos.query["id"].split(",")) == sorted(yt.videos)
    assert q(ws, "SELECT post_id, local_date, caption, format FROM posts ORDER BY 1") == [
        ("youtube:-aB3cD4eF5g", dt.date(2026, 3, 1), "How fast is the X2? #shorts", None),
        ("youtube:dQw4w9WgXcQ", dt.date(2026, 3, 1), "Voltiq X2 unboxing, first look", None),
        ("youtube:kLm9NoP2qRs", dt.date(2026, 2, 12), "Charging myths busted", None),
    ]  # publish days in Pacific Time: 2026-03-02 06:15 UTC is still March 1st there
    assert q(ws, "SELECT published_at FROM posts WHERE native_id = 'dQw4w9WgXcQ'") == [
        (dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC),)
    ]
    got = q(ws, "SELECT post_id, grain, metric_date, as_of, views, likes, comments "
                "FROM post_metrics ORDER BY 1")  # fmt: skip
    assert got[2] == ("youtube:kLm9NoP2qRs", "lifetime", dt.date(2026, 2, 12), UNTIL, 100,
                      None, 2)  # a hidden like count stays unknown  # fmt: skip
    assert q(ws, "SELECT account_id, native_id, name, handle FROM accounts") == [
        ("youtube:voltiqtech", CHANNEL, "Voltiq Tech", "@voltiqtech")
    ]


def test_channel_days_are_the_totals_of_studio(yt, tmp_path):
    ws = connected(tmp_path)
    res = by_stream(sync(ws, ["youtube"], opts(streams=["channel_days"])))["channel_days"]
    assert res.status == "ok", res.error
    [call] = yt.fake.calls(r"/v2/reports$")
    assert call.query["startDate"] == "2026-03-01" and call.query["endDate"] == "2026-03-10"
    got = q(ws, "SELECT metric_date, views, likes, comments, shares, follows, unfollows, "
                "follower_change FROM account_metrics ORDER BY 1")  # fmt: skip
    d = yt.days["2026-03-05"]
    assert got[4] == (dt.date(2026, 3, 5), d["views"], d["likes"], d["comments"], d["shares"],
                      d["subscribersGained"], d["subscribersLost"],
                      d["subscribersGained"] - d["subscribersLost"])  # fmt: skip
    assert len(got) == 10 and res.new == 10


def test_the_lag_window_is_re_read(yt, tmp_path):
    ws = connected(tmp_path)
    sync(ws, ["youtube"], opts(streams=["channel_days"]))
    yt.days["2026-03-09"]["views"] = 5000  # YouTube revised a recent day
    yt.days["2026-03-11"] = dict(yt.days["2026-03-10"])
    today = dt.date(2026, 3, 11)
    [res] = sync(ws, ["youtube"], opts(since=None, until=today, today=today,
                                       streams=["channel_days"]))  # fmt: skip
    assert res.window == "2026-03-08..2026-03-11"
    assert (res.new, res.changed, res.unchanged) == (1, 1, 2)
    assert q(ws, "SELECT max(views) FROM account_metrics") == [(5000,)]


def test_an_expired_token_is_refreshed_and_persisted_first(yt, tmp_path, config_dir):  # noqa: F811
    yt.oauth.refresh_tokens.add("1//refresh")
    yt.oauth.rotate = True  # should Google ever send another refresh token, it is kept first
    ws = connected(tmp_path, token="ya29.stale", expires_in=60, refresh_token="1//refresh",
                   client_id="app.apps.googleusercontent.com", client_secret="s3cret")  # fmt: skip
    results = sync(ws, ["youtube"], opts(streams=["videos", "channel_days"]))
    assert all(r.status == "ok" for r in results), [r.error for r in results]
    [tok] = yt.fake.calls(r"^/token$")
    assert tok.form["grant_type"] == "refresh_token" and tok.form["client_secret"] == "s3cret"
    assert {c.bearer for c in yt.fake.calls(r"^/(youtube|v2)/")} == {"access-1"}
    text = (config_dir / "credentials.json").read_text()
    assert "access-1" in text and "refresh-1" in text and "ya29.stale" not in text


def test_a_used_up_daily_quota_fails_the_stream_and_says_when_it_returns(yt, tmp_path):
    ws = connected(tmp_path)
    yt.fake.fault(r"/videos$", status=403, body=quota_exceeded(), times=5)
    res = by_stream(sync(ws, ["youtube"], opts(streams=["videos", "channel_days"])))
    assert res["videos"].status == "failed"
    assert "quota" in res["videos"].error and "midnight Pacific" in res["videos"].error
    assert len(yt.fake.calls(r"/videos$")) == 1  # not retried
    assert res["channel_days"].status == "ok"  # the other stream still ran
    assert q(ws, "SELECT count(*) FROM posts") == [(0,)]


@pytest.mark.parametrize(
    ("route", "body", "says"),
    [
        (r"/playlistItems$", b"<html>proxy</html>", "not JSON"),
        (r"/playlistItems$", {"items": {"a": 1}}, "'items' is not a list"),
        (r"/videos$", {"items": [{"id": "dQw4w9WgXcQ", "statistics": {"viewCount": "1e3"},
                                 "snippet": {"publishedAt": "2026-03-01T17:30:00Z"}}]},
         "viewCount"),
        (r"/v2/reports$", {"columnHeaders": [{"name": "day"}], "rows": []}, "columns"),
        (r"/v2/reports$", {"columnHeaders": [{"name": n} for n in
                           ("day", "views", "estimatedMinutesWatched", "likes", "comments",
                            "shares", "subscribersGained", "subscribersLost")],
                           "rows": [["2026-03-01", "many", 1, 1, 1, 1, 1, 1]]}, "views"),
    ],
)  # fmt: skip
def test_a_malformed_page_stores_nothing(yt, tmp_path, route, body, says):
    ws = connected(tmp_path)
    yt.fake.fault(route, status=200, body=body)
    results = sync(ws, ["youtube"], opts(streams=["videos", "channel_days"]))
    [bad] = [r for r in results if r.status == "failed"]
    assert says in bad.error, bad.error
    table = "post_metrics" if bad.stream == "videos" else "account_metrics"
    assert q(ws, f"SELECT count(*) FROM {table}") == [(0,)]
    assert conns.cursor(ws.store, "youtube", HANDLE, bad.stream) is None


def test_the_account_is_a_handle_or_a_channel_id(tmp_path, config_dir):  # noqa: F811
    ws = Workspace.open(tmp_path / "ws.duckdb")
    with pytest.raises(Exception, match="@handle"):
        connecting.connect_token(ws, "youtube", "ya29.good", ["voltiq tech"])
    connecting.connect_token(ws, "youtube", "ya29.good", [CHANNEL])


def test_google_hosts_are_reached_only_as_configured(monkeypatch):
    from socialroi.sources.api import get_connector
    from socialroi.sync.http import Api

    c = get_connector("youtube")
    monkeypatch.delenv("SOCIALROI_YOUTUBE_API_BASE", raising=False)
    api = Api("youtube", c.base(), hosts=c.allowed_hosts())
    for url in (c.auth.token_path, "https://youtubeanalytics.googleapis.com/v2/reports",
                "https://youtubereporting.googleapis.com/v1/media/x?alt=media"):  # fmt: skip
        assert api.url(url) == url
    assert api.url("https://evil.example/v1/media/x") == "https://www.googleapis.com/v1/media/x"
    assert "access_type=offline" in _consent(c) and "prompt=consent" in _consent(c)


def _consent(c) -> str:
    from socialroi.sync.oauth import consent_url

    return consent_url(c, "id", "http://127.0.0.1:1/callback", "s", "c")


# -- the Reporting API: jobs made at connect, reports read once each ----------------------


def _rows(views: int) -> list[tuple]:
    """channel_basic_a2 rows of one day: (video, country, views, comments, likes, shares,
    minutes, subscribers gained); one video in two countries, summed per video and day."""
    return [("dQw4w9WgXcQ", "US", views, 1, 5, 1, 30.5, 2),
            ("dQw4w9WgXcQ", "DE", 10, 0, 1, 0, 4.5, 0),
            ("kLm9NoP2qRs", "US", 7, 0, 0, 0, 2, 0)]  # fmt: skip


def _day_metrics(ws) -> list[tuple]:
    return q(ws, "SELECT post_id, metric_date, as_of, views, likes, comments, shares, "
                 "watch_seconds, follows FROM post_metrics WHERE grain = 'day' ORDER BY 2, 1")  # fmt: skip


def test_reporting_jobs_are_made_at_connect_and_each_report_is_read_once(yt, tmp_path):
    ws = connected(tmp_path)
    [line] = connecting.on_connect(ws, "youtube")
    assert [j["reportTypeId"] for j in yt.jobs] == ["channel_basic_a2"]
    assert "created" in line and "30 days" in line
    [again] = connecting.on_connect(ws, "youtube")  # connecting again finds the job
    assert "already there (job-1)" in again and len(yt.jobs) == 1
    # YouTube backfills: reports of March 1 and 2 created on the 3rd, a corrected report of
    # the 2nd on the 5th, the report of the 5th on the 6th (the day of the first sync)
    yt.add_report("2026-03-01", "2026-03-03T04:00:00Z", _rows(100))
    yt.add_report("2026-03-02", "2026-03-03T05:00:00Z", _rows(200))
    yt.add_report("2026-03-02", "2026-03-05T06:00:00Z", _rows(210))
    yt.add_report("2026-03-05", "2026-03-06T09:00:00Z", _rows(300))
    yt.gzip = True  # the media download may be gzip-compressed
    day = dt.date(2026, 3, 6)
    [res] = sync(ws, ["youtube"], opts(since=None, until=day, today=day, streams=["video_days"]))
    assert res.status == "ok", res.error
    assert yt.downloads == ["r1", "r3"]  # the older report of the 2nd is never downloaded
    listed = yt.fake.calls(r"/v1/jobs/job-1/reports$")
    assert [c.query.get("pageToken") for c in listed] == [None, "2"]
    assert listed[0].query["createdAfter"] == "2026-01-05T23:59:59.999999Z"  # from Jan 6 on
    v1, v3 = "youtube:dQw4w9WgXcQ", "youtube:kLm9NoP2qRs"
    d1, d2, c3, c5 = (dt.date(2026, 3, n) for n in (1, 2, 3, 5))
    assert _day_metrics(ws) == [
        (v1, d1, c3, 110, 6, 1, 1, 2100.0, 2), (v3, d1, c3, 7, 0, 0, 0, 120.0, 0),
        (v1, d2, c5, 220, 6, 1, 1, 2100.0, 2), (v3, d2, c5, 7, 0, 0, 0, 120.0, 0),
    ]  # fmt: skip
    assert conns.cursor(ws.store, "youtube", HANDLE, "video_days") == day
    # the next day: only the report created since is read; one made today waits for tomorrow
    yt.gzip = False
    yt.add_report("2026-03-06", "2026-03-07T08:00:00Z", _rows(400))
    day = dt.date(2026, 3, 7)
    [res] = sync(ws, ["youtube"], opts(since=None, until=day, today=day, streams=["video_days"]))
    assert res.window == "2026-03-06..2026-03-07" and (res.new, res.changed) == (2, 0)
    assert yt.downloads == ["r1", "r3", "r4"]
    # again the same day: nothing is downloaded, nothing changes
    [res] = sync(ws, ["youtube"], opts(since=None, until=day, today=day, streams=["video_days"]))
    assert res.status == "unchanged" and yt.downloads == ["r1", "r3", "r4"]
    assert len(_day_metrics(ws)) == 6


def test_a_sync_makes_a_missing_job_and_reads_no_report_yet(yt, tmp_path):
    ws = connected(tmp_path)  # connected by the library: no on_connect ran
    [res] = sync(ws, ["youtube"], opts(streams=["video_days"]))
    assert res.status == "unchanged" and len(yt.jobs) == 1
    assert yt.fake.calls(r"/v1/jobs$", "POST")[0].bearer == "ya29.good"


def test_a_report_of_another_shape_stores_nothing(yt, tmp_path):
    ws = connected(tmp_path)
    connecting.on_connect(ws, "youtube")
    yt.add_report("2026-03-01", "2026-03-03T04:00:00Z", _rows(100))
    yt.add_report("2026-03-02", "2026-03-03T05:00:00Z", _rows(100))
    yt.reports[1]["_csv"] = "date,video_id,views\n20260302,dQw4w9WgXcQ,5\n"
    [res] = sync(ws, ["youtube"], opts(streams=["video_days"]))
    assert res.status == "failed" and "report r2" in res.error and "watch_time_minutes" in res.error
    assert _day_metrics(ws) == []


def test_connect_from_another_channel_says_so(yt, tmp_path):
    ws = connected(tmp_path, account="UCsomeoneELSE0123456789a")
    [line] = connecting.on_connect(ws, "youtube")
    assert "could not prepare" in line and "not UCsomeoneELSE" in line and not yt.jobs


# -- the same figures as Studio files --------------------------------------------------------


def studio_folder(
    tmp_path, yt: FakeYouTube, daily: dict[str, list[tuple]], period: str = "2026-03-01_2026-03-10"
):
    """The fake's figures as YouTube Studio exports them (Advanced mode > Export current view,
    the zip's three CSVs in the folder Studio names `Content START_END Channel`): Table data
    with a Total row first and publish days as Studio writes them, Chart data one row per day
    and video, Totals one row per day."""
    folder = tmp_path / f"Content {period} Voltiq Tech"
    folder.mkdir()
    vs = yt.videos
    pacific = ZoneInfo("America/Los_Angeles")
    pub = {
        k: (t := dt.datetime.fromisoformat(v["published"]).astimezone(pacific)).strftime(
            f"%b {t.day}, %Y"
        )
        for k, v in vs.items()
    }  # as Studio writes it: "Mar 1, 2026"
    table = ["Content,Video title,Video publish time,Views,Likes,Comments added",
             f"Total,,,{sum(v['views'] for v in vs.values())},,"]  # fmt: skip
    table += [f'{k},"{v["title"]}","{pub[k]}",{v["views"]},{v["likes"] or ""},{v["comments"]}'
              for k, v in vs.items()]  # fmt: skip
    (folder / "Table data.csv").write_text("\n".join(table) + "\n")
    chart = ["Date,Content,Video title,Views,Watch time (hours),Likes,Comments added,Shares,"
             "Subscribers gained"]  # fmt: skip
    for day, rows in sorted(daily.items()):
        per: dict[str, list[float]] = {}
        for vid, _c, views, comments, likes, shares, minutes, gained in rows:
            acc = per.setdefault(vid, [0, 0, 0, 0, 0, 0])
            for i, x in enumerate((views, minutes / 60, likes, comments, shares, gained)):
                acc[i] += x
        for vid, (views, hours, likes, comments, shares, gained) in sorted(per.items()):
            chart.append(f'{day},{vid},"{vs[vid]["title"]}",{views},{hours!r},{likes},{comments},'
                         f"{shares},{gained}")  # fmt: skip
    (folder / "Chart data.csv").write_text("\n".join(chart) + "\n")
    totals = ["Date,Views,Likes,Comments added,Shares,Subscribers gained,Subscribers lost,"
              "Subscribers"]  # fmt: skip
    for day, d in sorted(yt.days.items()):
        totals.append(f"{day},{d['views']},{d['likes']},{d['comments']},{d['shares']},"
                      f"{d['subscribersGained']},{d['subscribersLost']},"
                      f"{d['subscribersGained'] - d['subscribersLost']}")  # fmt: skip
    (folder / "Totals.csv").write_text("\n".join(totals) + "\n")
    return folder


def test_connect_then_sync_equals_the_studio_files(yt, tmp_path):
    import pandas as pd
    from click.testing import CliRunner

    from socialroi.deliver.cli.main import main
    from socialroi.measure.roi import roi

    daily = {"2026-03-01": _rows(100), "2026-03-02": _rows(200)}
    folder = studio_folder(tmp_path, yt, daily)
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    for w in (f, a):
        assert run(main, ["init", "-w", w, "--base-currency", "EUR"]).exit_code == 0
    got = run(main, ["import", "-w", f, str(folder), "--account", HANDLE])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "youtube", "-w", a, "--token", "ya29.good", "--account", HANDLE])
    assert got.exit_code == 0, got.output
    assert "reporting job channel_basic_a2 created" in got.output
    assert "backfills the last 30 days" in got.output
    yt.add_report("2026-03-01", "2026-03-03T04:00:00Z", daily["2026-03-01"])
    yt.add_report("2026-03-02", "2026-03-04T04:00:00Z", daily["2026-03-02"])
    got = run(main, ["sync", "youtube", "-w", a, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0, got.output
    assert "youtube/videos @voltiqtech" in got.output and "3 new" in got.output
    assert "youtube/channel_days @voltiqtech 2026-03-01..2026-03-10: 10 new" in got.output
    assert "youtube/video_days @voltiqtech 2026-03-01..2026-03-10: 4 new" in got.output
    again = run(main, ["sync", "youtube", "-w", a, "--since", "2026-03-01", "--until",
                       "2026-03-10"])  # fmt: skip
    assert "0 new, 0 changed" in again.output.splitlines()[-1], again.output

    def table(ws, name, drop=()):
        df = ws.table(name).execute().drop(columns=["batch_id", *drop])
        return df.sort_values(list(TABLES[name].key)).reset_index(drop=True)

    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        pd.testing.assert_frame_equal(table(wf, "account_metrics"), table(wa, "account_metrics"))
        # Chart data says as of the export's end; a report, as of the day it was created
        pd.testing.assert_frame_equal(table(wf, "post_metrics", ["as_of"]),
                                      table(wa, "post_metrics", ["as_of"]))  # fmt: skip
        cols = ["post_id", "account_id", "native_id", "local_date", "caption", "url"]
        pd.testing.assert_frame_equal(table(wf, "posts")[cols], table(wa, "posts")[cols])
        r = [roi(w, "2026-03", by=("platform",)).with_totals().reset_index(drop=True)
             for w in (wf, wa)]  # fmt: skip
        pd.testing.assert_frame_equal(*r)
        assert (r[1]["platform"] == "youtube").any()
