"""Instagram and Facebook Page streams: `connect` + `sync` against the fake Graph API equal
importing the same posts and account figures as Business Suite's exports."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
from click.testing import CliRunner

from socialroi import Workspace
from socialroi.deliver.cli.main import main
from tests.fakes.meta import ig_media, page_post
from tests.sync.conftest import config_dir as config_dir  # noqa: F401
from tests.sync.conftest import fake_meta as fake_meta  # noqa: F401 - the fixture

IG, PAGE = "17841400000000001", "104512345678901"
LA = ZoneInfo("America/Los_Angeles")
DAYS = [dt.date(2026, 3, d) for d in range(1, 11)]


def _utc(day: dt.date, hour: int) -> str:
    return dt.datetime(day.year, day.month, day.day, hour, 5, tzinfo=dt.UTC).strftime(
        "%Y-%m-%dT%H:%M:%S+0000"
    )


def fill(meta) -> None:
    media = [ig_media(f"1790000000000{i:04d}", _utc(DAYS[i % 10], 3 + i % 20), views=1000 + 17 * i,
                      reach=700 + 9 * i, likes=50 + i, comments=i % 7, shares=i % 5, saved=i % 4,
                      product="REELS" if i % 3 == 0 else "FEED", caption=f"post {i} #voltiq")
             for i in range(30)]  # fmt: skip
    daily = {d: {"reach": 900 + 11 * i, "follower_count": 5 + i % 4, "views": 3000 + 40 * i,
                 "profile_views": 80 + i} for i, d in enumerate(DAYS)}  # fmt: skip
    meta.ig[IG] = {"username": "voltiq.us", "name": "Voltiq US", "media": media, "daily": daily}
    posts = [page_post(PAGE, f"12214567890123{i:04d}", _utc(DAYS[i % 10], 15 + i % 8), views=2000 + i,
                       reach=1500 + i, reactions=40 + i, comments=i % 6, shares=i % 3, clicks=90 + i,
                       message=f"Spring {i}")
             for i in range(12)]  # fmt: skip
    pdaily = {d: {"page_media_view": 5000 + i, "page_total_media_view_unique": 4000 + i,
                  "page_daily_follows_unique": 7 + i % 3, "page_daily_unfollows_unique": i % 2,
                  "page_views_total": 300 + i} for i, d in enumerate(DAYS)}  # fmt: skip
    meta.pages[PAGE] = {
        "name": "Voltiq US",
        "token": "page-token-1",
        "posts": posts,
        "daily": pdaily,
    }


def _local(ts: str) -> str:
    return dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%S%z").astimezone(LA).strftime("%Y-%m-%d %H:%M")


def _csv(rows: list[list]) -> str:
    return "\n".join(",".join(f'"{c}"' for c in r) for r in rows) + "\n"


def write_exports(meta, folder: Path) -> None:
    """The same data as Business Suite's downloads: post exports and per-metric Insights files."""
    ig, page = meta.ig[IG], meta.pages[PAGE]
    rows = [["Post ID", "Account ID", "Account username", "Account name", "Description", "Publish time",
             "Permalink", "Post type", "Date", "Views", "Reach", "Likes", "Comments", "Shares", "Saves"]]  # fmt: skip
    for m in ig["media"]:
        v = {d["name"]: d["values"][0]["value"] for d in m["insights"]["data"]}
        kind = "IG reel" if m["media_product_type"] == "REELS" else "IG image"
        rows.append([m["id"], IG, "voltiq.us", "Voltiq US", m["caption"], _local(m["timestamp"]),
                     m["permalink"], kind, "Lifetime", v["views"], v["reach"], v["likes"],
                     v["comments"], v["shares"], v["saved"]])  # fmt: skip
    d = folder / "instagram" / "@voltiq.us"
    d.mkdir(parents=True)
    (d / "Mar-01-2026_Mar-10-2026_1.csv").write_text(_csv(rows), encoding="utf-8-sig")
    for title, metric in (("Views", "views"), ("Reach", "reach"), ("Follows", "follower_count"),
                          ("Profile visits", "profile_views")):  # fmt: skip
        lines = [[title], ["Date", "Primary"]] + [
            [f"{day}T00:00:00", ig["daily"][day][metric]] for day in DAYS
        ]
        (d / f"{title}.csv").write_text(_csv(lines), encoding="utf-8-sig")
    rows = [["Post ID", "Page ID", "Page name", "Description", "Publish time", "Permalink", "Post type",
             "Date", "Views", "Reach", "Reactions", "Comments", "Shares", "Total clicks"]]  # fmt: skip
    for p in page["posts"]:
        v = {x["name"]: x["values"][0]["value"] for x in p["insights"]["data"]}
        rows.append([p["id"].split("_")[1], PAGE, "Voltiq US", p["message"], _local(p["created_time"]),
                     p["permalink_url"], "Photos", "Lifetime", v["post_media_view"],
                     v["post_total_media_view_unique"], p["reactions"]["summary"]["total_count"],
                     p["comments"]["summary"]["total_count"], p["shares"]["count"], v["post_clicks"]])  # fmt: skip
    d = folder / "facebook" / f"@{PAGE}"
    d.mkdir(parents=True)
    (d / "Mar-01-2026_Mar-10-2026_2.csv").write_text(_csv(rows), encoding="utf-8-sig")
    for title, metric in (("Views", "page_media_view"), ("Reach", "page_total_media_view_unique"),
                          ("Follows", "page_daily_follows_unique"), ("Unfollows", "page_daily_unfollows_unique"),
                          ("Visits", "page_views_total")):  # fmt: skip
        lines = [[title], ["Date", "Primary"]] + [
            [f"{day}T00:00:00", page["daily"][day][metric]] for day in DAYS
        ]
        (d / f"{title}.csv").write_text(_csv(lines), encoding="utf-8-sig")


def _table(ws: Workspace, name: str) -> pd.DataFrame:
    df = ws.table(name).execute().drop(columns=["batch_id"], errors="ignore")
    return df.sort_values(list(df.columns[:3])).reset_index(drop=True)


def test_connect_then_sync_equals_the_exports(fake_meta, tmp_path):  # noqa: F811
    fill(fake_meta)
    write_exports(fake_meta, tmp_path / "exports")
    run = CliRunner().invoke
    f, a = str(tmp_path / "files.duckdb"), str(tmp_path / "api.duckdb")
    got = run(main, ["import", "-w", f, str(tmp_path / "exports")])
    assert got.exit_code == 0, got.output
    got = run(main, ["connect", "meta", "-w", a, "--token", "good-token", "--account", f"ig:{IG}",
                     "--account", f"page:{PAGE}"])  # fmt: skip
    assert got.exit_code == 0, got.output
    got = run(main, ["sync", "-w", a, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 0, got.output
    assert "meta/ig_media ig:17841400000000001 2026-03-01..2026-03-10: 30 new" in got.output
    assert "meta/page_insights page:104512345678901 2026-03-01..2026-03-10: 10 new" in got.output
    with Workspace.open(f) as wf, Workspace.open(a) as wa:
        for t in ("posts", "post_metrics", "account_metrics"):
            pd.testing.assert_frame_equal(_table(wf, t), _table(wa, t), obj=t)
        pm = _table(wa, "post_metrics")
        assert pm["impressions"].notna().all() and pm["reach"].sum() > 0 and len(pm) == 42
        am = _table(wa, "account_metrics")
        assert len(am) == 20 and am["impressions"].notna().all() and am["follows"].sum() > 0
        assert am[am.platform == "facebook"]["unfollows"].notna().all()
        keep = ["account_id", "platform", "handle", "timezone", "kind"]
        pd.testing.assert_frame_equal(_table(wf, "accounts")[keep], _table(wa, "accounts")[keep])
    # the Page's edges were read with the Page token, the rest with the user token
    calls = fake_meta.fake.calls(rf"/{PAGE}/(published_posts|insights)$")
    assert calls and all(c.bearer == "page-token-1" for c in calls)
    got = run(main, ["sync", "-w", a, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert "4 stream(s): 0 new, 0 changed" in got.output


def test_a_wrong_timestamp_fails_only_its_stream(fake_meta, tmp_path):  # noqa: F811
    fill(fake_meta)
    fake_meta.ig[IG]["media"][2]["timestamp"] = "yesterday"
    run = CliRunner().invoke
    a = str(tmp_path / "api.duckdb")
    run(main, ["connect", "meta", "-w", a, "--token", "good-token", "--account", f"ig:{IG}"])
    got = run(main, ["sync", "-w", a, "--since", "2026-03-01", "--until", "2026-03-10"])
    assert got.exit_code == 1
    assert "meta/ig_media" in got.output and "failed" in got.output and "timestamp" in got.output
    assert "meta/ig_account ig:17841400000000001 2026-03-01..2026-03-10: 10 new" in got.output
    with Workspace.open(a) as ws:
        assert ws.store.count("posts") == 0 and ws.store.count("account_metrics") == 10
