"""TikTok sync throughput against the fake API for Business, with importing the same records
as the TikTok export (Ads Manager report, Studio Content download) as the peer in the same run.

    python benchmarks/sync/tiktok.py --ads 500 --days 100 --videos 5000

Ads: `--ads` ads x `--days` days of the Marketing API's daily report (30 days a request, 1,000
rows a page). Videos: `--videos` videos of the Accounts API's video list (20 a page). Each
measured command is a child process reporting its own peak memory (see `sources.py`).
Writes `benchmarks/sync/tiktok.md`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(HERE)]

from tests.fakes.server import FakeApi  # noqa: E402
from tests.fakes.tiktok import ADVERTISER, BUSINESS, FakeTikTok, fill  # noqa: E402
from tests.sources.tiktok.test_api import _csv, content_rows  # noqa: E402
from tests.sources.tiktok.test_api_ads import ads_manager_csv  # noqa: E402

from sources import child, measure, result_table, write_results  # noqa: E402

START = dt.date(2026, 3, 1)


def many_ads(t: FakeTikTok, ads: int, days: int) -> None:
    """`ads` ads in 10 campaigns and 50 ad groups, every day of START..START+days-1."""
    rows = []
    for i in range(days):
        d = START + dt.timedelta(days=i)
        for a in range(ads):
            c, g = a % 10, a % 50
            rows.append({
                "dimensions": {"ad_id": str(1_900_000 + a), "stat_time_day": f"{d} 00:00:00"},
                "metrics": {
                    "campaign_name": f"Campaign {c}", "campaign_id": str(1_800_000 + c),
                    "adgroup_name": f"Group {g}", "adgroup_id": str(1_700_000 + g),
                    "ad_name": f"Ad {a}", "objective_type": "WEB_CONVERSIONS",
                    "spend": f"{5 + (a * 7 + i) % 90 + 0.25:.2f}",
                    "impressions": str(1000 + (a * 13 + i) % 5000), "reach": str(800 + a % 700),
                    "clicks": str(10 + (a + i) % 60), "video_play_actions": str(400 + a % 300),
                    "conversion": str((a + i) % 5),
                    "total_complete_payment_rate": f"{((a + i) % 5) * 24.5:.2f}",
                    "total_purchase_value": "0.00",
                },
            })  # fmt: skip
    t.report[ADVERTISER] = rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ads", type=int, default=500)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--videos", type=int, default=5000)
    ap.add_argument("--results", default=str(HERE / "tiktok.md"))
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-tiktok-"))
    cfg = {"SOCIALROI_CONFIG_DIR": str(work / "cfg")}
    # start-up of a command: the quickest of three (the machine is shared; a slow one is noise)
    boot = min((child(["init", "-w", str(work / f"empty-{i}.duckdb")], cfg) for i in range(3)),
               key=lambda b: b[0])  # fmt: skip
    for name in ("tiktok_ads", "tiktok"):  # the file import's workspace exists, as the sync's
        child(["init", "-w", str(work / f"{name}-files.duckdb")], cfg)
    out = []
    with FakeApi() as fake:
        env = {**cfg, "SOCIALROI_TIKTOK_API_BASE": fake.base_url,
               "SOCIALROI_TIKTOK_ADS_API_BASE": fake.base_url}  # fmt: skip
        t = FakeTikTok(fake)
        fill(t)
        many_ads(t, args.ads, args.days)
        until = START + dt.timedelta(days=args.days - 1)
        report = work / f"Voltiq-US-report-{START}-{until}.csv"
        report.write_bytes(ads_manager_csv(t, START.isoformat(), until.isoformat()))
        span = ["--since", START.isoformat(), "--until", until.isoformat()]
        out.append(measure(work, "tiktok_ads", env, ["tiktok_ads", "--token", "good-token",
                                                     "--account", ADVERTISER],
                           ["tiktok_ads", *span], [report],
                           ["--timezone", "America/New_York"], args.ads * args.days))  # fmt: skip
        # videos: a snapshot stream read whole (the window only dates the snapshot)
        vids = t.videos[BUSINESS]
        ids = [str(7_320_000_000_000_000_000 + i) for i in range(args.videos)]
        t.videos[BUSINESS] = [
            {**vids[i % len(vids)], "item_id": vid,
             "share_url": f"https://www.tiktok.com/@voltiq.global/video/{vid}"}
            for i, vid in enumerate(ids)
        ]  # fmt: skip
        last = dt.date.today() - dt.timedelta(days=1)
        content = work / f"Content_{last}_{last}.csv"
        content.write_bytes(_csv(content_rows(t)))
        out.append(measure(work, "tiktok", env, ["tiktok", "--token", "good-token", "--account",
                                                 BUSINESS],
                           ["tiktok", "--stream", "videos", "--since", str(last), "--until",
                            str(last)], [content], [], args.videos))  # fmt: skip
    lines = [
        "# Sync benchmark: TikTok",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, Python {sys.version.split()[0]}, "
        f"{os.cpu_count()} cores (shared with other work). The fake API for Business on "
        "loopback in the benchmark's process; every command a child process reporting its own "
        "peak memory (VmHWM). Start-up of a command (`socialroi init`, quickest of 3): "
        f"{boot[0]:.1f} s, {boot[1]:,.0f} MB; *net* records/s subtract it. Records: "
        f"`tiktok_ads` ad x day rows ({args.ads:,} ads x {args.days} days: 30 days a request, "
        "1,000 rows a page) against the Ads Manager report; `tiktok` videos "
        f"({args.videos:,}, 20 a page) against the Studio Content download.",
        "",
        "Both workspaces exist before the measured command (`connect` made the sync's, `init` "
        "the import's).",
        "",
        *result_table(out, boot),
    ]
    return write_results(lines, args.results)


if __name__ == "__main__":
    raise SystemExit(main())
