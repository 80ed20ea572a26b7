"""YouTube sync against its fake, with importing the same figures as Studio files as the peer.

    python benchmarks/sync/youtube.py --videos 2000 --days 30 --countries 3

The fake channel has `--videos` uploads and `--days` daily Reporting API reports
(`channel_basic_a2`, one row per video and country a day, created two days later), plus the
channel's Analytics API days. `connect` (which creates the reporting job) and two syncs run as
child processes of the CLI, as does the import of the same figures laid out as Studio's
Table data, Chart data and Totals (`benchmarks/sync/sources.py` measures the same way). The
second sync must change nothing. Writes `benchmarks/sync/youtube.md`.
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
sys.path[:0] = [str(HERE), str(ROOT), str(ROOT / "src")]

from tests.fakes.server import FakeApi  # noqa: E402
from tests.fakes.youtube import HANDLE, FakeYouTube  # noqa: E402
from tests.sources.youtube.test_api import studio_folder  # noqa: E402

import sources as kit  # noqa: E402 - benchmarks/sync/sources.py: child(), measure()

START = dt.date(2026, 3, 1)


def fill(yt: FakeYouTube, videos: int, days: int, countries: int) -> dict[str, list[tuple]]:
    ids = [f"v{i:06d}abcd"[:11] for i in range(videos)]
    for i, v in enumerate(ids):
        yt.videos[v] = {"title": f"Clip {i}, part {i % 7}", "published":
                        f"2026-02-{1 + i % 28:02d}T{i % 24:02d}:15:00Z", "views": 100 + i,
                        "likes": i % 50, "comments": i % 9}  # fmt: skip
    daily: dict[str, list[tuple]] = {}
    for d in range(days):
        day = START + dt.timedelta(days=d)
        yt.days[day.isoformat()] = {
            "views": 9000 + d, "estimatedMinutesWatched": 20000.5 + d, "likes": 400 + d,
            "comments": 50 + d % 7, "shares": 30 + d % 5, "subscribersGained": 90 + d % 11,
            "subscribersLost": d % 13}  # fmt: skip
        rows = [(v, c, 1 + (i + d + k) % 40, (i + k) % 3, (i + d) % 5, k % 2,
                 round(2.5 + (i % 17) * 0.75, 2), (i + d + k) % 2)
                for i, v in enumerate(ids) for k, c in enumerate(("US", "DE", "MX", "SG",
                                                                  "BR")[:countries])]  # fmt: skip
        daily[day.isoformat()] = rows
        made = dt.datetime.combine(day + dt.timedelta(days=2), dt.time(6), dt.UTC)
        yt.add_report(day.isoformat(), made.isoformat().replace("+00:00", "Z"), rows)
    return daily


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--videos", type=int, default=2000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--countries", type=int, default=3)
    ap.add_argument("--results", default=str(HERE / "youtube.md"))
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="socialroi-sync-youtube-"))
    cfg = {"SOCIALROI_CONFIG_DIR": str(work / "cfg")}
    kit.child(["init", "-w", str(work / "empty.duckdb")], cfg)
    boot = kit.child(["connections", "-w", str(work / "empty.duckdb")], cfg)
    with FakeApi() as fake:
        env = {**cfg, "SOCIALROI_YOUTUBE_API_BASE": fake.base_url}
        yt = FakeYouTube(fake, page_size=50)
        yt.report_page = 100
        daily = fill(yt, args.videos, args.days, args.countries)
        end = START + dt.timedelta(days=args.days - 1)
        folder = studio_folder(work, yt, daily, f"{START}_{end}")
        del daily
        until = end + dt.timedelta(days=3)  # the last report is created two days after its day
        span = ["--since", START.isoformat(), "--until", until.isoformat()]
        n = args.videos * (1 + args.days) + args.days  # lifetime + daily rows, channel days
        r = kit.measure(work, "youtube", env, ["youtube", "--token", "ya29.good", "--account",
                                              HANDLE], ["youtube", *span],
                        sorted(folder.iterdir()), ["--account", HANDLE], n)  # fmt: skip
        downloads, csv_rows = len(yt.downloads) // 2, args.videos * args.countries * args.days
    first, second, imp = r["first"], r["second"], r["import"]
    s_net, i_net = max(first[0] - boot[0], 0.01), max(imp[0] - boot[0], 0.01)
    lines = [
        "# Sync benchmark: YouTube",
        "",
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC with `python benchmarks/sync/youtube.py"
        f" --videos {args.videos} --days {args.days} --countries {args.countries}`, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} cores (shared with other work). The fake "
        "serves on loopback in the benchmark's process; every command is a child process "
        "reporting its own peak memory (VmHWM). Start-up of a command (`socialroi connections` "
        f"on an empty workspace): {boot[0]:.1f} s, {boot[1]:,.0f} MB; *net* subtracts it.",
        "",
        f"Records: {args.videos:,} videos (Data API: {-(-args.videos // 50)} playlistItems pages "
        f"and as many videos.list calls, {1 + 2 * -(-args.videos // 50)} quota units), "
        f"{args.days} Analytics API days, {downloads} Reporting API reports downloaded a sync "
        f"({csv_rows:,} CSV rows summed to {args.videos * args.days:,} video days). The peer "
        "imports the same figures as Studio's Table data, Chart data and Totals.",
        "",
        "| rows landed | first sync s | rows/s gross / net | peak MB | second sync s (0 changed) "
        "| file import s | rows/s gross / net | peak MB | sync / file time, gross (net) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {n:,} | {first[0]:.1f} | {n / first[0]:,.0f} / {n / s_net:,.0f} | {first[1]:,.0f} | "
        f"{second[0]:.1f} | {imp[0]:.1f} | {n / imp[0]:,.0f} / {n / i_net:,.0f} | "
        f"{imp[1]:,.0f} | {first[0] / imp[0]:.2f} ({s_net / i_net:.2f}) |",
        "",
    ]
    return kit.write_results(lines, args.results)


if __name__ == "__main__":
    raise SystemExit(main())
